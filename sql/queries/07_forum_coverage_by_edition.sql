-- For every forum edition: stories and copies in its window (7 days either side), how many stories
-- fell during the event, and how many named the forum at all.
SELECT
    forum,
    edition,
    start_date,
    end_date,
    stories,
    stories_during,
    forum_stories,
    copies,
    forum_copies,
    outlets
FROM forum_edition_coverage
WHERE topic = 'all'
ORDER BY start_date, edition;
