-- Which topics appear together in the same story (counted once per story)?
WITH story_topics AS (
    SELECT DISTINCT topic, story_key FROM topic_articles WHERE topic <> 'all'
)
SELECT a.topic AS topic_a, b.topic AS topic_b, count(*) AS stories
FROM story_topics a
JOIN story_topics b ON a.story_key = b.story_key AND a.topic < b.topic
GROUP BY a.topic, b.topic
ORDER BY stories DESC, topic_a, topic_b;
