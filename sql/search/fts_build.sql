-- The full-text index of one shard table ({table}, a name made by search_index.shard_table), with the rows
-- PRAGMA create_fts_index({table}, article_id, terms, stemmer 'none', stopwords 'none', no case or accent
-- folding) makes in the tables search_stories reads (docs, dict, terms, stats; only termids may be numbered
-- otherwise): the terms are made already, so they are split on spaces, where the extension runs a regex
-- tokenizer and fills termid, len and df with correlated UPDATEs (about twice the CPU).
DROP SCHEMA IF EXISTS fts_main_{table} CASCADE;
CREATE SCHEMA fts_main_{table};
CREATE OR REPLACE TEMP TABLE fw_fts_tokens AS  -- one row per term occurrence, docid = the shard row's rowid
SELECT docid, term FROM (SELECT rowid AS docid, unnest(string_split(terms, ' ')) AS term FROM {table})
WHERE term <> '';
CREATE TABLE fts_main_{table}.dict AS
SELECT (row_number() OVER (ORDER BY term) - 1)::BIGINT AS termid, term, df
FROM (SELECT term, count(DISTINCT docid) AS df FROM fw_fts_tokens GROUP BY term);
CREATE TABLE fts_main_{table}.terms AS
SELECT t.docid, 0::BIGINT AS fieldid, d.termid FROM fw_fts_tokens t JOIN fts_main_{table}.dict d USING (term);
CREATE TABLE fts_main_{table}.docs AS
SELECT s.rowid AS docid, s.article_id AS name, coalesce(n.len, 0)::BIGINT AS len
FROM {table} s LEFT JOIN (SELECT docid, count(*) AS len FROM fw_fts_tokens GROUP BY docid) n ON n.docid = s.rowid
ORDER BY docid;
CREATE TABLE fts_main_{table}.stats AS  -- as the extension computes it
SELECT count(docid) AS num_docs, sum(len) / count(len) AS avgdl FROM fts_main_{table}.docs;
DROP TABLE fw_fts_tokens;
