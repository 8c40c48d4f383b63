-- The rowids of everything the given articles can be grouped with (stories_pool_rows.sql reads their rows):
-- articles sharing an LSH band key with them and published within +-$window_seconds, plus every member of any
-- story either already belongs to.
-- fw_probe(key, t) is a registered DataFrame: the band keys of the given articles; $lo/$hi bound
-- t so that a time-ordered article_bands is read only where it can match.
WITH seeds AS (
    SELECT unnest($ids::VARCHAR[]) AS article_id
),
near AS (
    SELECT b.article_id
    FROM fw_probe p
    JOIN article_bands b ON b.key = p.key
    WHERE b.t BETWEEN $lo AND $hi AND abs(b.t - p.t) <= $window_seconds
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
SELECT a.rowid
FROM pool
JOIN articles a USING (article_id)
