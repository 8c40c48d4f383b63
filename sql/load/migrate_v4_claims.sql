-- Schema version 4: articles stored under a URL whose path was not in normal form move to the id of the normal
-- URL, in the caller's transaction. Registered: fw_moves(old_id, new_id, new_url), fw_links(article_id, link_url).
-- Where several rows claim one id (both spellings were stored, or the normal one already is) the most recently
-- fetched row keeps it, with the earliest first_seen_at of them all; the others (`retired`) go with their tags
-- and fingerprints by retire_articles.sql, which runs next, and the copies of their stories are regrouped by
-- the next run (story_id NULL). migrate_v4_rekey.sql then moves the rows that keep an id.
UPDATE articles SET link_url = l.link_url FROM fw_links l WHERE articles.article_id = l.article_id;
CREATE OR REPLACE TEMP TABLE fw_claims AS
WITH claims AS (
    SELECT old_id AS article_id, new_id FROM fw_moves
    UNION ALL
    SELECT article_id, article_id FROM articles
    WHERE article_id IN (SELECT new_id FROM fw_moves) AND article_id NOT IN (SELECT old_id FROM fw_moves)
)
SELECT c.article_id AS old_id, c.new_id,
       row_number() OVER (PARTITION BY c.new_id
                          ORDER BY a.fetched_at DESC NULLS LAST, a.updated_at DESC NULLS LAST, c.article_id) = 1 AS keep,
       min(a.first_seen_at) OVER (PARTITION BY c.new_id) AS first_seen_at
FROM claims c JOIN articles a USING (article_id);
CREATE OR REPLACE TEMP TABLE retired AS SELECT old_id, new_id FROM fw_claims WHERE NOT keep;
