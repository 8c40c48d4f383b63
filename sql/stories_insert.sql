-- Insert the stories of fw_stories (a registered DataFrame) that are not stored yet. $now: UTC timestamp.
INSERT INTO stories (story_id, headline, wire_agency, first_published_at, last_published_at, first_outlet,
                     representative_id, n_articles, n_outlets, updated_at)
SELECT story_id, headline, wire_agency, first_published_at, last_published_at, first_outlet,
       representative_id, n_articles, n_outlets, $now
FROM fw_stories
WHERE story_id NOT IN (SELECT story_id FROM stories)
