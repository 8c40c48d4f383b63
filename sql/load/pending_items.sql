-- Feed items of the given sources that have no article yet and are worth another try:
-- listed in the last $days days, and not refused for good (404/410, refused address, robots). A link whose page
-- named another canonical URL is stored under that URL: its last good page fetch (200 or 304) says it is done.
SELECT fi.url, fi.source_id, fi.title, fi.published_at, fi.published_has_time
FROM feed_items fi
WHERE fi.source_id IN (SELECT source_id FROM wanted_sources)
  AND fi.last_seen_at >= $since
  AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = fi.url)
  AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.link_url = fi.url)
  AND NOT EXISTS (
      SELECT 1 FROM fetches f
      WHERE f.url = fi.url AND f.kind = 'page' AND f.status IN (200, 304) AND f.error IS NULL)
  AND NOT EXISTS (
      SELECT 1 FROM fetches f
      WHERE f.url = fi.url AND f.kind = 'page'
        AND (f.status IN (404, 410) OR f.error LIKE 'refused%' OR f.error LIKE 'robots.txt%'
             OR f.error LIKE 'no article text found%' OR f.error LIKE 'not text%'))
ORDER BY fi.source_id, fi.url;
