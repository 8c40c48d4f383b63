-- Per story of fw_link_stories: its times and size, its copies' languages and their sources' languages.
-- (The representative's title and text: links_representatives.sql, which reads only their rows' text.)
SELECT
    s.story_id,
    s.first_published_at,
    s.last_published_at,
    s.representative_id,
    s.n_articles,
    list(a.language) FILTER (WHERE a.language IS NOT NULL)     AS languages,
    list(src.language) FILTER (WHERE src.language IS NOT NULL) AS source_languages
FROM stories s
JOIN articles a ON a.story_id = s.story_id
LEFT JOIN sources src ON src.source_id = a.source_id
WHERE s.story_id IN (SELECT story_id FROM fw_link_stories)
GROUP BY s.story_id, s.first_published_at, s.last_published_at, s.representative_id, s.n_articles
