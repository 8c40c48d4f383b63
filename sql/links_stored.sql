-- The rowids of the stored links of the given stories. `$ids` is replaced by one ? per story id (given twice):
-- constant IN lists filter the scan on the two id columns alone (links_stored_rows.sql then reads those rows).
SELECT rowid FROM story_links WHERE story_a IN ($ids) OR story_b IN ($ids)
