-- The rowids of the stored links of the stories of fw_link_stories: the scan reads the two id columns alone
-- (links_stored_rows.sql then reads those rows).
SELECT rowid FROM story_links
WHERE story_a IN (SELECT story_id FROM fw_link_stories) OR story_b IN (SELECT story_id FROM fw_link_stories)
