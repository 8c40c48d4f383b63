-- Stories and copies of one topic ('all' = every article) per period, for forumwatch.analyst.trends.
-- Parameters: $by = day | week | month, $topic, $since (DATE or NULL).
SELECT
    CAST(date_trunc($by, published_at) AS DATE) AS period,
    count(DISTINCT story_key)                   AS stories,
    count(*)                                    AS copies
FROM topic_articles
WHERE topic = $topic
  AND published_at IS NOT NULL
  AND (CAST($since AS DATE) IS NULL OR published_at >= CAST($since AS DATE))
GROUP BY period
ORDER BY period;
