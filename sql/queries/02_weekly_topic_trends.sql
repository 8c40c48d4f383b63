-- Weekly stories vs copies per topic over the last 12 weeks of data: how much does syndication
-- inflate each topic (copies_per_story)?
SELECT
    topic,
    week,
    stories,
    new_stories,
    copies,
    round(copies / stories, 2) AS copies_per_story
FROM topic_coverage_weekly
WHERE week >= (SELECT max(week) FROM topic_coverage_weekly) - INTERVAL 11 WEEK
ORDER BY topic, week;
