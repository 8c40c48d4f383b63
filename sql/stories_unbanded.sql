-- Usable signatures (text and a date) that have no band keys yet, for the one-time upgrade.
SELECT s.article_id
FROM article_signatures s
ANTI JOIN article_bands b USING (article_id)
WHERE s.n_shingles > 0 AND s.published_at IS NOT NULL
ORDER BY s.article_id
