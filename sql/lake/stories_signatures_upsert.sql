-- stories_signatures_upsert.sql for a DuckLake catalog (no keys, so no INSERT OR REPLACE): delete, then insert.
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM fw_signatures);
INSERT INTO article_signatures (article_id, published_at, n_shingles, signature)
SELECT article_id, published_at, new_n, new_sig FROM fw_signatures;
