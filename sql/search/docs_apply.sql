-- Apply search_changes (changes.sql) to the bookkeeping table.
DELETE FROM mv_search_docs WHERE article_id IN (SELECT article_id FROM search_changes WHERE change = 'removed');
INSERT INTO mv_search_docs (article_id, content_sha1, title, updated_at, published_at, shard)
SELECT a.article_id, a.content_sha1, a.title, a.updated_at, a.published_at, c.shard
FROM articles a JOIN search_changes c ON c.article_id = a.article_id AND c.change = 'added';
