-- What the search index must change: articles gone or changed since their terms were made ('removed',
-- from the shard that holds them) and articles new or changed ('added', to the shard of their ISO week
-- of publication). forumwatch.tasks.search_index.refresh_search applies it.
CREATE OR REPLACE TEMP TABLE search_changes AS
SELECT d.article_id, d.shard, 'removed' AS change
FROM mv_search_docs d
WHERE NOT EXISTS (
    SELECT 1 FROM articles a
    WHERE a.article_id = d.article_id
      AND a.content_sha1 IS NOT DISTINCT FROM d.content_sha1
      AND a.title IS NOT DISTINCT FROM d.title
      AND a.updated_at IS NOT DISTINCT FROM d.updated_at
      AND a.published_at IS NOT DISTINCT FROM d.published_at
)
UNION ALL
SELECT a.article_id,
       CASE WHEN a.published_at >= TIMESTAMP '1000-01-10' AND a.published_at < TIMESTAMP '9999-12-20'
            THEN strftime(a.published_at, '%Gw%V') ELSE 'undated' END AS shard,  -- undated or absurd: one shard
       'added' AS change
FROM articles a
WHERE NOT EXISTS (
    SELECT 1 FROM mv_search_docs d
    WHERE d.article_id = a.article_id
      AND a.content_sha1 IS NOT DISTINCT FROM d.content_sha1
      AND a.title IS NOT DISTINCT FROM d.title
      AND a.updated_at IS NOT DISTINCT FROM d.updated_at
      AND a.published_at IS NOT DISTINCT FROM d.published_at
);
