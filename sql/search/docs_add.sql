-- Make the search documents of articles that have none (new, or dropped by docs_stale.sql).
INSERT INTO mv_search_docs (article_id, content_sha1, title, updated_at, terms)
SELECT a.article_id, a.content_sha1, a.title, a.updated_at,
       array_to_string(fw_search_terms(coalesce(a.title, '') || chr(10) || coalesce(a.text, '')), ' ')
FROM articles a
WHERE NOT EXISTS (SELECT 1 FROM mv_search_docs d WHERE d.article_id = a.article_id);
