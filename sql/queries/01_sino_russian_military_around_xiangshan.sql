-- How much Sino-Russian military cooperation coverage was there around each Beijing Xiangshan Forum
-- edition (7 days before to 7 days after), counted as stories (not copies), and who carried it?
SELECT
    c.edition,
    c.start_date,
    c.end_date,
    c.stories,
    c.copies,
    c.outlets,
    c.forum_stories AS stories_naming_the_forum,
    (SELECT array_to_string(list_sort(list(DISTINCT fa.outlet)), ', ')
       FROM forum_edition_articles fa
      WHERE fa.edition = c.edition AND fa.topic = c.topic) AS carried_by
FROM forum_edition_coverage c
WHERE c.forum = 'xiangshan' AND c.topic = 'sino_russian_military'
ORDER BY c.start_date;
