-- Terms of the articles added to one shard table ({table}, a name made by search_index.shard_table): those a
-- load batch made already (fw_known_terms, by the sha256 of the document), the others made here (two branches:
-- in one expression DuckDB would make them all, or make them slowly). Each document's sha256 is computed once
-- (the keys are materialized, not the documents: a reindex of every article streams them). In the articles'
-- order: the FTS index numbers its documents in the order they were inserted.
INSERT INTO {table} (article_id, terms)
WITH added AS MATERIALIZED (
    SELECT a.rowid AS pos, a.article_id, sha256(fw_search_document(a.title, a.text)) AS key
    FROM articles a JOIN search_changes c ON c.article_id = a.article_id
    WHERE c.change = 'added' AND c.shard = $shard
)
SELECT article_id, terms
FROM (
    SELECT d.pos, d.article_id, k.terms FROM added d JOIN fw_known_terms k ON k.key = d.key
    UNION ALL
    SELECT d.pos, d.article_id, array_to_string(fw_search_terms(fw_search_document(a.title, a.text)), ' ')
    FROM added d JOIN articles a ON a.article_id = d.article_id
    WHERE NOT EXISTS (SELECT 1 FROM fw_known_terms k WHERE k.key = d.key)
)
ORDER BY pos;
