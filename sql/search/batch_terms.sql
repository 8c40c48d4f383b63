-- The search terms of a load batch's documents (fw_search_batch: title, text), by the sha256 of the document
-- they are made from (title, newline, text, as shard_add.sql makes it): made beside the extraction, so the
-- run's end (shard_add.sql) looks them up instead of making them again.
SELECT sha256(doc) AS key, array_to_string(fw_search_terms(doc), ' ') AS terms
FROM (SELECT coalesce(title, '') || chr(10) || coalesce(text, '') AS doc FROM fw_search_batch)
