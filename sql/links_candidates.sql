-- Pairs (story t of fw_link_stories, story f in another language) first published within $hours hours of
-- each other that share at least one forum, person, place or number: their ids, f's evidence is read once
-- per story (links_evidence.sql) and the pair scored. list_has_any gives what len(list_intersect(...)) > 0 gave
-- (NULL elements ignored, NULL lists NULL) without building the intersections.
SELECT t.story_id AS touched_id, f.story_id AS other_id
FROM story_features t
JOIN story_features f
  ON f.first_published_at BETWEEN t.first_published_at - to_hours($hours) AND t.first_published_at + to_hours($hours)
 AND f.language <> t.language
 AND f.story_id <> t.story_id
WHERE t.story_id IN (SELECT story_id FROM fw_link_stories)
  AND (list_has_any(t.forums, f.forums)
       OR list_has_any(t.people, f.people)
       OR list_has_any(t.places, f.places)
       OR list_has_any(t.numbers, f.numbers))
ORDER BY touched_id, other_id
