-- Stories whose cross-language evidence must be (re)computed: those holding an article of this batch
-- (fw_link_articles), and those with no evidence yet or whose copies changed since it was computed.
SELECT story_id
FROM articles
WHERE article_id IN (SELECT article_id FROM fw_link_articles) AND story_id IS NOT NULL
UNION
SELECT s.story_id
FROM stories s
LEFT JOIN story_features f USING (story_id)
WHERE f.story_id IS NULL
   OR f.representative_id IS DISTINCT FROM s.representative_id
   OR f.n_articles IS DISTINCT FROM s.n_articles
   OR f.first_published_at IS DISTINCT FROM s.first_published_at
   OR f.last_published_at IS DISTINCT FROM s.last_published_at
