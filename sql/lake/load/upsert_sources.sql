-- load/upsert_sources.sql for a DuckLake catalog (no keys, so MERGE instead of ON CONFLICT).
MERGE INTO sources s
USING batch b
ON s.source_id = b.source_id
WHEN MATCHED THEN UPDATE SET
    name = b.name, feed_url = b.feed_url, homepage = b.homepage, country = b.country, language = b.language,
    kind = b.kind, crawl_delay = b.crawl_delay, sitemap_url = b.sitemap_url, timezone = b.timezone,
    updated_at = b.updated_at
WHEN NOT MATCHED THEN INSERT (source_id, name, feed_url, homepage, country, language, kind, crawl_delay,
                              sitemap_url, timezone, updated_at)
    VALUES (b.source_id, b.name, b.feed_url, b.homepage, b.country, b.language, b.kind, b.crawl_delay,
            b.sitemap_url, b.timezone, b.updated_at);
