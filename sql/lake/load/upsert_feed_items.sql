-- load/upsert_feed_items.sql for a DuckLake catalog (no keys, so MERGE instead of ON CONFLICT).
MERGE INTO feed_items f
USING batch b
ON f.url = b.url AND f.source_id = b.source_id
WHEN MATCHED THEN UPDATE SET
    title = coalesce(b.title, f.title),
    published_at = coalesce(f.published_at, b.published_at),
    published_has_time = coalesce(f.published_has_time, b.published_has_time),
    last_seen_at = b.seen_at
WHEN NOT MATCHED THEN INSERT (url, source_id, title, published_at, published_has_time, first_seen_at, last_seen_at)
    VALUES (b.url, b.source_id, b.title, b.published_at, b.published_has_time, b.seen_at, b.seen_at);
