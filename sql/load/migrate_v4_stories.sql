-- Schema version 4: stories whose representative moved to a new article id take the story id made from it
-- (forumwatch.identity.story_id_for), as a regrouping would give them. Registered: fw_story_moves(old_story,
-- new_story). story_links keep the smaller id first, with their languages in the same order.
UPDATE stories SET story_id = m.new_story FROM fw_story_moves m WHERE stories.story_id = m.old_story;
UPDATE articles SET story_id = m.new_story FROM fw_story_moves m WHERE articles.story_id = m.old_story;
UPDATE story_features SET story_id = m.new_story FROM fw_story_moves m WHERE story_features.story_id = m.old_story;
UPDATE story_links SET
    story_a = least(n.a, n.b),
    story_b = greatest(n.a, n.b),
    language_a = CASE WHEN n.a <= n.b THEN story_links.language_a ELSE story_links.language_b END,
    language_b = CASE WHEN n.a <= n.b THEN story_links.language_b ELSE story_links.language_a END
FROM (
    SELECT l.story_a AS old_a, l.story_b AS old_b,
           coalesce(ma.new_story, l.story_a) AS a, coalesce(mb.new_story, l.story_b) AS b
    FROM story_links l
    LEFT JOIN fw_story_moves ma ON ma.old_story = l.story_a
    LEFT JOIN fw_story_moves mb ON mb.old_story = l.story_b
    WHERE ma.old_story IS NOT NULL OR mb.old_story IS NOT NULL
) n
WHERE story_links.story_a = n.old_a AND story_links.story_b = n.old_b;
-- evidence and links of the stories removed by migrate_v4_rekey.sql
DELETE FROM story_links
WHERE story_a NOT IN (SELECT story_id FROM stories) OR story_b NOT IN (SELECT story_id FROM stories);
DELETE FROM story_features WHERE story_id NOT IN (SELECT story_id FROM stories);
