-- The stored evidence of the stories in fw_link_others (links.StoryEvidence's fields, in its order).
SELECT story_id, language, first_published_at, editions, forums, people, organisations, places, countries,
       numbers, dates
FROM story_features
WHERE story_id IN (SELECT story_id FROM fw_link_others)
