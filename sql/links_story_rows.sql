-- Per story of fw_link_stories: its times and size, its copies' languages and their sources' languages,
-- and the title and first $chars characters of its representative (earliest) copy.
SELECT
    s.story_id,
    s.first_published_at,
    s.last_published_at,
    s.representative_id,
    s.n_articles,
    list(a.language) FILTER (WHERE a.language IS NOT NULL)     AS languages,
    list(src.language) FILTER (WHERE src.language IS NOT NULL) AS source_languages,
    any_value(r.title)                                         AS title,
    left(any_value(r.text), $chars)                            AS text
FROM stories s
JOIN articles a ON a.story_id = s.story_id
LEFT JOIN sources src ON src.source_id = a.source_id
LEFT JOIN articles r ON r.article_id = s.representative_id
WHERE s.story_id IN (SELECT story_id FROM fw_link_stories)
GROUP BY s.story_id, s.first_published_at, s.last_published_at, s.representative_id, s.n_articles
