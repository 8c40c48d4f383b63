-- (story_id, kind, value): the people, organisations, forums and forum editions the copies of each story
-- of fw_link_stories are tagged with. An edition counts when its forum is named and the copy was published
-- from 7 days before the edition's start to 7 days after its end (as the forum_edition_articles view).
WITH members AS (
    SELECT article_id, story_id, published_at
    FROM articles
    WHERE story_id IN (SELECT story_id FROM fw_link_stories)
)
SELECT DISTINCT m.story_id, CASE WHEN p.kind = 'organisation' THEN 'organisation' ELSE 'person' END, ap.person
FROM members m
JOIN article_people ap USING (article_id)
LEFT JOIN people p ON p.person = ap.person
UNION
SELECT DISTINCT m.story_id, 'forum', af.forum
FROM members m
JOIN article_forums af USING (article_id)
UNION
SELECT DISTINCT m.story_id, 'edition', e.edition
FROM members m
JOIN article_forums af USING (article_id)
JOIN forums e ON e.forum = af.forum
             AND CAST(m.published_at AS DATE) BETWEEN e.start_date - 7 AND e.end_date + 7
