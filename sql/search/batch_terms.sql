-- The words of a load batch's documents (fw_search_batch: title, text), by the sha256 of the document they come
-- from (title, newline, text, as shard_add.sql makes it): fw_search_terms (macros.sql) before fw_word_terms, which
-- search_index.make_terms_ahead applies once per distinct word of the batch (a page repeats most of its words).
SELECT
    sha256(doc) AS key,
    regexp_extract_all(
        regexp_replace(
            replace(lower(nfc_normalize(doc)), 'ё', 'е'),
            '([\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+)', ' \1 ', 'g'),
        '[\p{L}\p{N}\p{M}]+') AS words
FROM (SELECT coalesce(title, '') || chr(10) || coalesce(text, '') AS doc FROM fw_search_batch)
