-- The words of a load batch's documents (fw_search_batch: title, text), by the sha256 of the document they come
-- from (fw_search_document, as shard_add.sql makes it): fw_search_words (macros.sql), before fw_word_terms, which
-- search_index.make_terms_ahead applies once per distinct word of the batch (a page repeats most of its words).
SELECT sha256(doc) AS key, fw_search_words(doc) AS words
FROM (SELECT fw_search_document(title, text) AS doc FROM fw_search_batch)
