-- stories_batch.sql for a few articles (dedupe.IN_LIST_MAX at most). `$ids` (twice): one ? per article id, a
-- constant IN list pushed into each scan, so only these rows' signatures are read (the join of stories_batch.sql
-- reads every stored signature: 29 ms a batch at 90,000 articles, against 14; from ~1,000 ids it is the cheaper).
WITH s AS (
    SELECT article_id, published_at, n_shingles, signature FROM article_signatures WHERE article_id IN ($ids)
)
SELECT a.article_id, a.published_at,
       s.article_id IS NOT NULL AS has_sig, s.published_at AS sig_published_at, s.n_shingles, s.signature
FROM articles a
LEFT JOIN s USING (article_id)
WHERE a.article_id IN ($ids)
ORDER BY a.article_id
