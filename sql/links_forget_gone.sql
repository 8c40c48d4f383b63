-- Evidence and links of stories that no longer exist (their copies were regrouped under another story_id).
DELETE FROM story_links
WHERE story_a NOT IN (SELECT story_id FROM stories) OR story_b NOT IN (SELECT story_id FROM stories);
DELETE FROM story_features WHERE story_id NOT IN (SELECT story_id FROM stories);
