-- The latest successful response per URL in `urls` (validators for conditional GET, body hash).
SELECT url, etag, last_modified, content_sha1
FROM fetches
WHERE url IN (SELECT url FROM urls) AND status IN (200, 304) AND error IS NULL
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, fetch_id DESC) = 1;
