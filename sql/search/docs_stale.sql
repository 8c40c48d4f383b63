-- Drop the search documents of articles that are gone or whose title or text changed since their terms
-- were made (forumwatch.tasks.search_index.refresh_search; docs_add.sql then remakes them).
DELETE FROM mv_search_docs d
WHERE NOT EXISTS (
    SELECT 1 FROM articles a
    WHERE a.article_id = d.article_id
      AND a.content_sha1 IS NOT DISTINCT FROM d.content_sha1
      AND a.title IS NOT DISTINCT FROM d.title
      AND a.updated_at IS NOT DISTINCT FROM d.updated_at
);
