-- Append fetch log rows from `batch`; a row already logged (same fetch_id) is kept as it was.
INSERT INTO fetches (fetch_id, run_id, url, final_url, source_id, kind, fetched_at, status, error, note,
                     bytes, content_type, encoding, etag, last_modified, content_sha1, elapsed_ms, attempts, warc_file)
SELECT fetch_id, run_id, url, final_url, source_id, kind, fetched_at, status, error, note,
       bytes, content_type, encoding, etag, last_modified, content_sha1, elapsed_ms, attempts, warc_file
FROM batch
ON CONFLICT (fetch_id) DO NOTHING;
