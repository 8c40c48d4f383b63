-- Articles stored under the link they were fetched by (`retired`: old_id -> new_id), now that a page's own
-- canonical link names them (tasks/canonical.py): the canonical row keeps the earlier first_seen_at, the old
-- row goes with its tags and fingerprints, and the copies of its story are regrouped (story_id NULL:
-- assign_stories picks them up in the same transaction). fetches and feed_items keep what was fetched.
UPDATE articles SET first_seen_at = o.first_seen_at
FROM (SELECT r.new_id, a.first_seen_at FROM retired r JOIN articles a ON a.article_id = r.old_id) o
WHERE articles.article_id = o.new_id AND o.first_seen_at < articles.first_seen_at;
DELETE FROM stories
WHERE story_id IN (SELECT a.story_id FROM articles a JOIN retired r ON a.article_id = r.old_id);
UPDATE articles SET story_id = NULL, story_similarity = NULL, headline_changed = NULL
WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT story_id FROM stories);
DELETE FROM article_topics WHERE article_id IN (SELECT old_id FROM retired);
DELETE FROM article_forums WHERE article_id IN (SELECT old_id FROM retired);
DELETE FROM article_people WHERE article_id IN (SELECT old_id FROM retired);
DELETE FROM article_signatures WHERE article_id IN (SELECT old_id FROM retired);
DELETE FROM article_bands WHERE article_id IN (SELECT old_id FROM retired);
DELETE FROM articles WHERE article_id IN (SELECT old_id FROM retired);
