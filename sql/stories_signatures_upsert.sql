-- Replace the stored MinHash signatures that changed (fw_signatures is a registered DataFrame).
INSERT OR REPLACE INTO article_signatures (article_id, published_at, n_shingles, signature)
SELECT article_id, published_at, new_n, new_sig FROM fw_signatures
