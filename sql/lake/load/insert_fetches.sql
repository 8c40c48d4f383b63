-- load/insert_fetches.sql for a DuckLake catalog (no keys): append the rows of `batch` whose fetch_id is not
-- logged yet (one row per fetch_id of the batch).
INSERT INTO fetches (fetch_id, run_id, url, final_url, source_id, kind, fetched_at, status, error, note,
                     bytes, content_type, encoding, etag, last_modified, content_sha1, elapsed_ms, attempts, warc_file)
SELECT fetch_id, run_id, url, final_url, source_id, kind, fetched_at, status, error, note,
       bytes, content_type, encoding, etag, last_modified, content_sha1, elapsed_ms, attempts, warc_file
FROM batch b
WHERE NOT EXISTS (SELECT 1 FROM fetches f WHERE f.fetch_id = b.fetch_id)
QUALIFY row_number() OVER (PARTITION BY fetch_id) = 1;
