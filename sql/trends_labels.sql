-- Human labels of every series a trend can take, for forumwatch.analyst.trends: (kind, value, label).
SELECT 'topic' AS kind, topic AS value, coalesce(label, topic) AS label FROM topics
UNION ALL SELECT 'topic', 'all', 'all articles'
UNION ALL SELECT DISTINCT 'forum', forum, regexp_replace(regexp_replace(any_value(name) OVER (PARTITION BY forum), '\s*\d{4}$', ''), '^\d+(st|nd|rd|th) ', '') FROM forums
UNION ALL SELECT 'person', person, name FROM people
UNION ALL SELECT 'outlet', source_id, name FROM sources;
