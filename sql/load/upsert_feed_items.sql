-- Remember the items feeds listed (the crawl frontier); keep the first sighting and the feed's date.
INSERT INTO feed_items (url, source_id, title, published_at, published_has_time, first_seen_at, last_seen_at)
SELECT url, source_id, title, published_at, published_has_time, seen_at, seen_at
FROM batch
ON CONFLICT (url, source_id) DO UPDATE SET
    title = coalesce(excluded.title, feed_items.title),
    published_at = coalesce(feed_items.published_at, excluded.published_at),
    published_has_time = coalesce(feed_items.published_has_time, excluded.published_has_time),
    last_seen_at = excluded.last_seen_at;
