-- The pool's articles by rowid ($rowids: BIGINT[], from stories_pool.sql): fetched row by row, where a join of the
-- pool with articles read every article's title (40 ms a batch at 90,000 articles).
SELECT article_id, title, published_at, source_id, wire_agency, story_id, story_similarity, headline_changed
FROM articles
WHERE rowid = ANY($rowids)
ORDER BY article_id
