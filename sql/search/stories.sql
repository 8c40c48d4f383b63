-- search_stories(query, ...): stories (not copies) ranked by BM25 over the full-text index of their
-- copies' titles and texts. A story's score is its best copy's; all the query's terms must be in that
-- copy. Optional: q_since / q_until (UTC days, inclusive), q_language (articles.language), q_topic (a
-- topic, or 'all'), q_limit (default 20). Needs `LOAD fts` first in the duckdb CLI.
--   SELECT * FROM search_stories('Shoigu joint patrol', q_since := '2024-03-01');
CREATE OR REPLACE MACRO search_stories(q, q_since := NULL, q_until := NULL, q_language := NULL, q_topic := NULL,
                                       q_limit := 20) AS TABLE
WITH hits AS (
    SELECT d.article_id,
           fts_main_mv_search_docs.match_bm25(d.article_id, array_to_string(fw_search_terms(q), ' '),
                                              conjunctive := 1) AS score
    FROM mv_search_docs d
), copies AS (
    SELECT f.story_key, h.article_id, h.score
    FROM hits h
    JOIN article_facts f USING (article_id)
    JOIN articles a USING (article_id)
    WHERE h.score IS NOT NULL
      AND (q_since IS NULL OR f.published_at >= CAST(q_since AS DATE))
      AND (q_until IS NULL OR f.published_at < CAST(q_until AS DATE) + 1)
      AND (q_language IS NULL OR a.language = q_language)
      AND (q_topic IS NULL OR q_topic = 'all'
           OR EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = h.article_id AND t.topic = q_topic))
), ranked AS (
    SELECT story_key, max(score) AS score, arg_max(article_id, score) AS best_article_id, count(*) AS matching_copies
    FROM copies
    GROUP BY story_key
)
SELECT
    row_number() OVER (ORDER BY r.score DESC, s.first_published_at NULLS LAST, r.story_key) AS rank,
    round(r.score, 3)                        AS score,
    r.story_key,
    s.headline,
    coalesce(src.name, s.first_outlet)       AS first_outlet,
    s.first_published_at,
    s.outlets,
    s.copies,
    r.matching_copies,
    r.best_article_id,
    a.url                                    AS best_url
FROM ranked r
JOIN syndication_reach s USING (story_key)
JOIN articles a ON a.article_id = r.best_article_id
LEFT JOIN sources src ON src.source_id = s.first_outlet
ORDER BY rank
LIMIT q_limit;
