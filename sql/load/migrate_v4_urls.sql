-- Schema version 4: the URLs of the crawl frontier and of page fetches whose path would change (see
-- migrate_v4_candidates.sql). Feeds, sitemaps and robots.txt keep the URL they were fetched by.
SELECT url FROM feed_items WHERE regexp_matches(url, $pattern)
UNION
SELECT url FROM fetches WHERE kind IN ('page', 'warc') AND regexp_matches(url, $pattern);
