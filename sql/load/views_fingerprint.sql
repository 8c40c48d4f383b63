-- Cheap content stamps of what the views' stored tables are built from (one scan each).
SELECT
    (SELECT count(*) FROM articles)                                                             AS n_articles,
    (SELECT coalesce(sum(hash(article_id, content_sha1, story_id, published_at, source_id, title, language, wire_agency)), 0)
       FROM articles)                                                                           AS articles_hash,
    (SELECT count(*) FROM stories)                                                              AS n_stories,
    (SELECT coalesce(sum(hash(story_id, headline, n_articles, n_outlets, first_published_at)), 0) FROM stories)      AS stories_hash,
    (SELECT coalesce(sum(hash(source_id, name, feed_url, homepage, country, language, kind)), 0)
       FROM sources)                                                                            AS sources_hash
