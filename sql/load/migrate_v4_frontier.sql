-- Schema version 4: URLs of the crawl frontier and of page fetches in normal form (registered fw_urls(url, new_url)).
-- the crawl frontier (one row per URL and source: the most recently seen, since the earliest first_seen_at)
-- and the page fetches (a log of what was fetched: the same address, now in its normal spelling)
CREATE OR REPLACE TEMP TABLE fw_items AS
SELECT coalesce(u.new_url, f.url) AS url, f.source_id, f.title, f.published_at, f.published_has_time,
       min(f.first_seen_at) OVER w AS first_seen_at, f.last_seen_at
FROM feed_items f LEFT JOIN fw_urls u ON u.url = f.url
WHERE f.url IN (SELECT url FROM fw_urls) OR f.url IN (SELECT new_url FROM fw_urls)
WINDOW w AS (PARTITION BY coalesce(u.new_url, f.url), f.source_id)
QUALIFY row_number() OVER (PARTITION BY coalesce(u.new_url, f.url), f.source_id
                           ORDER BY f.last_seen_at DESC, f.url = coalesce(u.new_url, f.url) DESC, f.url) = 1;
DELETE FROM feed_items WHERE url IN (SELECT url FROM fw_urls) OR url IN (SELECT new_url FROM fw_urls);
INSERT INTO feed_items (url, source_id, title, published_at, published_has_time, first_seen_at, last_seen_at)
SELECT url, source_id, title, published_at, published_has_time, first_seen_at, last_seen_at FROM fw_items;
UPDATE fetches SET url = u.new_url FROM fw_urls u WHERE fetches.url = u.url AND fetches.kind IN ('page', 'warc');
