-- Insert or refresh configured sources from the registered DataFrame `batch`.
INSERT INTO sources (source_id, name, feed_url, homepage, country, language, kind, crawl_delay, sitemap_url, timezone,
                     updated_at)
SELECT source_id, name, feed_url, homepage, country, language, kind, crawl_delay, sitemap_url, timezone, updated_at
FROM batch
ON CONFLICT (source_id) DO UPDATE SET
    name = excluded.name,
    feed_url = excluded.feed_url,
    homepage = excluded.homepage,
    country = excluded.country,
    language = excluded.language,
    kind = excluded.kind,
    crawl_delay = excluded.crawl_delay,
    sitemap_url = excluded.sitemap_url,
    timezone = excluded.timezone,
    updated_at = excluded.updated_at;
