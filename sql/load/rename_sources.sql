-- Move everything stored under an old source id to the source's current id (registered `renames(old_id,
-- new_id)`): ids used to be slugs of names, now they come from the `id` column or the feed URL.
-- A row that already exists under the new id wins over its old-id twin.
DELETE FROM feed_items f USING renames r
WHERE f.source_id = r.old_id AND EXISTS (SELECT 1 FROM feed_items g WHERE g.source_id = r.new_id AND g.url = f.url);
UPDATE feed_items SET source_id = r.new_id FROM renames r WHERE feed_items.source_id = r.old_id;
DELETE FROM coverage c USING renames r
WHERE c.source_id = r.old_id
  AND EXISTS (SELECT 1 FROM coverage d WHERE d.source_id = r.new_id AND d.day = c.day AND d.method = c.method);
UPDATE coverage SET source_id = r.new_id FROM renames r WHERE coverage.source_id = r.old_id;
UPDATE articles SET source_id = r.new_id FROM renames r WHERE articles.source_id = r.old_id;
UPDATE fetches SET source_id = r.new_id FROM renames r WHERE fetches.source_id = r.old_id;
UPDATE stories SET first_outlet = r.new_id FROM renames r WHERE stories.first_outlet = r.old_id;
DELETE FROM sources USING renames r WHERE sources.source_id = r.old_id;
