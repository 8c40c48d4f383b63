-- Schema version 4, after migrate_v4_claims.sql and retire_articles.sql: the rows that keep or take an id.
CREATE OR REPLACE TEMP TABLE fw_kept AS
SELECT c.old_id, c.new_id, m.new_url, c.first_seen_at
FROM fw_claims c LEFT JOIN fw_moves m ON m.old_id = c.old_id
WHERE c.keep;
UPDATE articles SET article_id = k.new_id, url = coalesce(k.new_url, articles.url), first_seen_at = k.first_seen_at
FROM fw_kept k WHERE articles.article_id = k.old_id;
UPDATE article_topics SET article_id = k.new_id FROM fw_kept k WHERE article_topics.article_id = k.old_id AND k.old_id <> k.new_id;
UPDATE article_forums SET article_id = k.new_id FROM fw_kept k WHERE article_forums.article_id = k.old_id AND k.old_id <> k.new_id;
UPDATE article_people SET article_id = k.new_id FROM fw_kept k WHERE article_people.article_id = k.old_id AND k.old_id <> k.new_id;
UPDATE article_signatures SET article_id = k.new_id FROM fw_kept k WHERE article_signatures.article_id = k.old_id AND k.old_id <> k.new_id;
UPDATE article_bands SET article_id = k.new_id FROM fw_kept k WHERE article_bands.article_id = k.old_id AND k.old_id <> k.new_id;
UPDATE stories SET representative_id = k.new_id FROM fw_kept k WHERE stories.representative_id = k.old_id;
UPDATE story_features SET representative_id = k.new_id FROM fw_kept k WHERE story_features.representative_id = k.old_id;
-- a story holding a moved copy whose representative (its earliest copy, ties broken by the smaller id) is now
-- another copy is regrouped by the next run too; the others keep their copies (story ids: migrate_v4_stories.sql)
CREATE OR REPLACE TEMP TABLE fw_reps AS
SELECT story_id, article_id AS representative_id
FROM articles
WHERE story_id IN (SELECT a.story_id FROM articles a JOIN fw_kept k ON a.article_id = k.new_id WHERE k.old_id <> k.new_id)
QUALIFY row_number() OVER (PARTITION BY story_id ORDER BY published_at NULLS LAST, article_id) = 1;
DELETE FROM stories
WHERE story_id IN (SELECT r.story_id FROM fw_reps r JOIN stories s USING (story_id)
                   WHERE r.representative_id <> s.representative_id);
UPDATE articles SET story_id = NULL, story_similarity = NULL, headline_changed = NULL
WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT story_id FROM stories);
