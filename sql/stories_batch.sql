-- Articles to fingerprint, with the signature stored for them (if any). $ids: VARCHAR[]
SELECT a.article_id, a.published_at,
       s.article_id IS NOT NULL AS has_sig, s.published_at AS sig_published_at, s.n_shingles, s.signature
FROM articles a
LEFT JOIN article_signatures s USING (article_id)
WHERE a.article_id = ANY($ids)
ORDER BY a.article_id
