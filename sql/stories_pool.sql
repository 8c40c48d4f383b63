-- Everything the given articles can be grouped with: fingerprinted articles published within
-- +-$window_days of them, plus every member of any story those already belong to.
WITH seeds AS (
    SELECT unnest($ids::VARCHAR[]) AS article_id
),
bounds AS (
    SELECT min(s.published_at) - to_days(CAST($window_days AS INTEGER)) AS lo,
           max(s.published_at) + to_days(CAST($window_days AS INTEGER)) AS hi
    FROM article_signatures s JOIN seeds USING (article_id)
),
near AS (
    SELECT s.article_id FROM article_signatures s, bounds WHERE s.published_at BETWEEN bounds.lo AND bounds.hi
    UNION
    SELECT article_id FROM seeds
),
touched AS (
    SELECT DISTINCT a.story_id FROM articles a JOIN near USING (article_id) WHERE a.story_id IS NOT NULL
),
pool AS (
    SELECT article_id FROM near
    UNION
    SELECT a.article_id FROM articles a JOIN touched USING (story_id)
)
SELECT a.article_id, a.title, a.published_at, a.source_id, a.wire_agency,
       a.story_id, a.story_similarity, a.headline_changed, s.n_shingles, s.signature
FROM pool
JOIN articles a USING (article_id)
LEFT JOIN article_signatures s USING (article_id)
ORDER BY a.article_id
