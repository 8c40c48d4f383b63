-- Stories and copies per period of one series, for forumwatch.analyst.trends.
-- Parameters: $by = day | week | month; $kind = topic | forum | person | outlet | language | agency; $value;
-- $since, $until (DATE or NULL, inclusive). Periods are UTC; weeks start on Monday.
SELECT
    CAST(date_trunc($by, f.published_at) AS DATE) AS period,
    count(DISTINCT f.story_key)                   AS stories,
    count(*)                                      AS copies
FROM article_facts f
JOIN articles a USING (article_id)
WHERE f.published_at IS NOT NULL
  AND (CAST($since AS DATE) IS NULL OR f.published_at >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR f.published_at < CAST($until AS DATE) + 1)
  AND CASE $kind
        WHEN 'topic' THEN $value = 'all'
             OR EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = f.article_id AND t.topic = $value)
        WHEN 'forum' THEN EXISTS (SELECT 1 FROM article_forums t WHERE t.article_id = f.article_id AND t.forum = $value)
        WHEN 'person' THEN EXISTS (SELECT 1 FROM article_people t WHERE t.article_id = f.article_id AND t.person = $value)
        WHEN 'outlet' THEN f.source_id = $value
        WHEN 'language' THEN a.language = $value
        WHEN 'agency' THEN f.story_wire_agency = $value
      END
GROUP BY period
ORDER BY period;
