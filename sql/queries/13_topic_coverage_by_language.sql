-- Sino-Russian military cooperation day by day in English, Chinese and Russian: stories and copies
-- per language (stories group within a language). Change the topic below to compare another one.
SELECT
    day,
    coalesce(sum(stories) FILTER (WHERE language = 'en'), 0)                     AS en_stories,
    coalesce(sum(copies)  FILTER (WHERE language = 'en'), 0)                     AS en_copies,
    coalesce(sum(stories) FILTER (WHERE language = 'zh'), 0)                     AS zh_stories,
    coalesce(sum(copies)  FILTER (WHERE language = 'zh'), 0)                     AS zh_copies,
    coalesce(sum(stories) FILTER (WHERE language = 'ru'), 0)                     AS ru_stories,
    coalesce(sum(copies)  FILTER (WHERE language = 'ru'), 0)                     AS ru_copies,
    coalesce(sum(stories) FILTER (WHERE language NOT IN ('en', 'zh', 'ru')), 0)  AS other_stories,
    coalesce(sum(copies)  FILTER (WHERE language NOT IN ('en', 'zh', 'ru')), 0)  AS other_copies
FROM topic_coverage_by_language
WHERE topic = 'sino_russian_military'
GROUP BY day
ORDER BY day;
