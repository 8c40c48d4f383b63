-- forumwatch search: how text becomes index terms (documents and queries alike). Needs the fts extension
-- (for stem). Created by forumwatch.tasks.search_index; analysts use search_stories (sql/search/stories.sql).
-- Terms: lower-cased, ё -> е, words of letters and digits; Chinese, Japanese and Korean runs as
-- overlapping character bigrams (FTS splits only on spaces, and these scripts have none); Cyrillic words
-- stemmed with the Russian Snowball stemmer, other words with the English one.
CREATE OR REPLACE MACRO fw_cjk_run(t) AS regexp_full_match(t, '[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+');

-- A word of ASCII characters only (as many bytes as characters) is neither CJK nor Cyrillic: it goes straight to
-- the English stemmer, sparing most words of a page the three regular expressions below (same terms, less CPU).
CREATE OR REPLACE MACRO fw_word_terms(t) AS
    CASE
        WHEN strlen(t) = length(t) THEN [stem(t, 'english')]
        WHEN fw_cjk_run(t) AND length(t) > 1 THEN list_transform(range(1, length(t)), i -> substr(t, i, 2))
        WHEN fw_cjk_run(t) THEN [t]
        WHEN regexp_matches(t, '\p{Cyrillic}') THEN [stem(t, 'russian')]
        ELSE [stem(t, 'english')]
    END;

-- An article's searchable document: its title, a newline, its text. Its sha256 keys the terms a load batch makes
-- ahead (batch_terms.sql) and the run's end looks up (shard_add.sql): both must make the same document.
CREATE OR REPLACE MACRO fw_search_document(headline, body) AS coalesce(headline, '') || chr(10) || coalesce(body, '');

-- The words of a text before they become terms (also used alone by a load batch: sql/search/batch_terms.sql).
CREATE OR REPLACE MACRO fw_search_words(s) AS regexp_extract_all(
    regexp_replace(
        replace(lower(nfc_normalize(coalesce(s, ''))), 'ё', 'е'),
        '([\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+)', ' \1 ', 'g'),
    '[\p{L}\p{N}\p{M}]+');

CREATE OR REPLACE MACRO fw_search_terms(s) AS flatten(list_transform(fw_search_words(s), t -> fw_word_terms(t)));
