-- Add the documents a refresh added to one shard table ({table}, a name made by search_index.shard_table; its
-- week {shard}) to its full-text index, when none of its documents went: new documents numbered after the
-- last, new terms after the last, df and stats brought up to date. The same rows fts_build.sql makes over the
-- whole week but for the numbering of docids and termids, at the cost of the new documents only.
CREATE OR REPLACE TEMP TABLE fw_fts_new AS
SELECT s.article_id, s.terms,
       (SELECT coalesce(max(docid), -1) FROM fts_main_{table}.docs) + row_number() OVER (ORDER BY s.rowid) AS docid
FROM {table} s JOIN search_changes c ON c.article_id = s.article_id AND c.change = 'added' AND c.shard = '{shard}';
CREATE OR REPLACE TEMP TABLE fw_fts_tokens AS
SELECT docid, term FROM (SELECT docid, unnest(string_split(terms, ' ')) AS term FROM fw_fts_new) WHERE term <> '';
CREATE OR REPLACE TEMP TABLE fw_fts_df AS
SELECT term, count(DISTINCT docid) AS df FROM fw_fts_tokens GROUP BY term;
UPDATE fts_main_{table}.dict d SET df = d.df + n.df FROM fw_fts_df n WHERE d.term = n.term;
INSERT INTO fts_main_{table}.dict (termid, term, df)
SELECT (SELECT coalesce(max(termid), -1) FROM fts_main_{table}.dict) + row_number() OVER (ORDER BY n.term), n.term, n.df
FROM fw_fts_df n
WHERE NOT EXISTS (SELECT 1 FROM fts_main_{table}.dict d WHERE d.term = n.term);
INSERT INTO fts_main_{table}.terms (docid, fieldid, termid)
SELECT t.docid, 0, d.termid FROM fw_fts_tokens t JOIN fts_main_{table}.dict d USING (term);
INSERT INTO fts_main_{table}.docs (docid, name, len)
SELECT n.docid, n.article_id, coalesce(c.len, 0)
FROM fw_fts_new n LEFT JOIN (SELECT docid, count(*) AS len FROM fw_fts_tokens GROUP BY docid) c USING (docid)
ORDER BY n.docid;
DELETE FROM fts_main_{table}.stats;
INSERT INTO fts_main_{table}.stats (num_docs, avgdl)
SELECT count(docid), sum(len) / count(len) FROM fts_main_{table}.docs;
DROP TABLE fw_fts_new;
DROP TABLE fw_fts_tokens;
DROP TABLE fw_fts_df;
