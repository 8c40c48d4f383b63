-- search_stories(query, ...): stories (not copies) ranked by BM25 (k1 = 1.2, b = 0.75, as DuckDB FTS's
-- match_bm25) over the full-text indexes of their copies' titles and texts. There is one FTS index per ISO
-- week of publication (forumwatch.tasks.search_index fills in the two unions below, one branch per week);
-- document counts, frequencies and lengths are summed over all weeks, so scores are those of one index.
-- A story's score is its best copy's; every word of the query must be in that copy.
-- Optional: q_since / q_until (UTC days, inclusive), q_language (articles.language), q_topic (a topic, or
-- 'all'), q_limit (default 20). In the duckdb CLI, `LOAD fts;` first.
--   SELECT * FROM search_stories('Shoigu joint patrol', q_since := '2024-03-01');
CREATE OR REPLACE MACRO search_stories(q, q_since := NULL, q_until := NULL, q_language := NULL, q_topic := NULL,
                                       q_limit := 20) AS TABLE
WITH q_terms AS (
    SELECT DISTINCT unnest(fw_search_terms(q)) AS term
), occurrences AS (  -- one row per occurrence of a query term in a document: its article and length
{occurrences}
), corpus AS (  -- documents and their mean length, per week
{corpus}
), tf AS (
    SELECT article_id, term, count(*) AS tf, any_value(len) AS len FROM occurrences GROUP BY article_id, term
), df AS (
    SELECT term, count(*) AS df FROM tf GROUP BY term
), totals AS (
    SELECT sum(num_docs) AS n_docs, sum(avgdl * num_docs) / nullif(sum(num_docs), 0) AS avgdl FROM corpus
), hits AS (
    SELECT tf.article_id,
           sum(log((t.n_docs - df.df + 0.5) / (df.df + 0.5) + 1)
               * (tf.tf * (1.2 + 1)) / (tf.tf + 1.2 * (1 - 0.75 + 0.75 * tf.len / t.avgdl))) AS score
    FROM tf JOIN df USING (term) CROSS JOIN totals t
    GROUP BY tf.article_id
    HAVING count(*) = (SELECT count(*) FROM q_terms)
), copies AS (
    SELECT f.story_key, h.article_id, h.score
    FROM hits h
    JOIN article_facts f USING (article_id)
    JOIN articles a USING (article_id)
    WHERE (q_since IS NULL OR f.published_at >= CAST(q_since AS DATE))
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
