-- forumwatch analyst views. Created by forumwatch.analyst.create_views; safe to rerun.
-- The views at article or story grain and the daily and weekly coverage read mv_* tables that this
-- file rebuilds (CREATE OR REPLACE TABLE) from the loaded data, so that each view answers in under a
-- second over a million articles (python -m bench.synth).
-- Every flow run reruns this file as it ends (flows/steps.py finish_run), `forumwatch retag` after
-- tagging; in the main file these views lag what a running flow has loaded so far, the read-only
-- copy (published as a run ends) is current.
-- Vocabulary: a "copy" is one article (one outlet's page); a "story" is a group of syndicated
-- copies (articles.story_id; an article not grouped yet counts as its own story).
-- Every topic view also carries topic = 'all' (every article, tagged or not).
-- Time views skip articles without published_at; dates are UTC.

-- article_facts: one row per article, with its story key, outlet, dates, wire credit, citations
-- and its position in its story (pickup_rank 1 = the first copy published).
-- Stored in mv_article_facts: its window over every story is the costly part of most views below.
CREATE OR REPLACE TABLE mv_article_facts AS
WITH base AS (
    SELECT
        a.article_id,
        coalesce(a.story_id, 'article:' || a.article_id)            AS story_key,
        a.story_id,
        a.source_id,
        coalesce(s.name, a.source_id)                               AS outlet,
        s.country                                                   AS outlet_country,
        a.title,
        a.url,
        a.published_at,
        CAST(a.published_at AS DATE)                                AS day,
        CAST(date_trunc('week', a.published_at) AS DATE)            AS week,   -- Monday
        CAST(date_trunc('month', a.published_at) AS DATE)           AS month,
        a.wire_agency,                                                         -- credit on this copy
        coalesce(st.wire_agency, a.wire_agency)                     AS story_wire_agency,
        coalesce(st.headline, a.title)                              AS headline,
        coalesce(a.cited_media, [])                                 AS cited_media,
        coalesce(array_to_string(a.cited_media, '|') ILIKE '%xinhua%', false) AS cites_xinhua,
        coalesce(array_to_string(a.cited_media, '|') ILIKE '%tass%', false)   AS cites_tass,
        coalesce(a.language, 'und')                                 AS language     -- ISO 639-1; und: unknown
    FROM articles a
    LEFT JOIN sources s USING (source_id)
    LEFT JOIN stories st ON st.story_id = a.story_id
)
SELECT
    *,
    min(published_at) OVER (PARTITION BY story_key)                 AS story_first_published_at,
    row_number() OVER (PARTITION BY story_key ORDER BY published_at NULLS LAST, article_id) AS pickup_rank,
    round(date_diff('second', min(published_at) OVER (PARTITION BY story_key), published_at) / 3600.0, 2)
                                                                    AS hours_after_first
FROM base;

CREATE OR REPLACE VIEW article_facts AS SELECT * FROM mv_article_facts;

-- topic_articles: one row per (topic, article) tag, plus one row per article with topic = 'all';
-- is_first_in_topic marks the story's earliest copy within that topic (for 'all': pickup_rank = 1).
-- The tagged rows are stored in mv_topic_articles, rebuilt with mv_article_facts.
CREATE OR REPLACE TABLE mv_topic_articles AS
SELECT
    t.topic,
    f.*,
    row_number() OVER (PARTITION BY t.topic, f.story_key ORDER BY f.published_at NULLS LAST, f.article_id) = 1
        AS is_first_in_topic
FROM article_topics t JOIN mv_article_facts f USING (article_id);

CREATE OR REPLACE VIEW topic_articles AS
SELECT * FROM mv_topic_articles
UNION ALL
SELECT 'all' AS topic, *, pickup_rank = 1 AS is_first_in_topic FROM mv_article_facts;

-- topic_coverage_daily: one row per (topic, UTC day) with coverage: distinct stories with a copy
-- that day, stories first seen that day, copies (articles) and outlets.
-- Stored in mv_topic_coverage_daily: distinct stories and outlets per period over every copy.
CREATE OR REPLACE TABLE mv_topic_coverage_daily AS
SELECT
    topic,
    day,
    count(DISTINCT story_key)                                  AS stories,
    count(DISTINCT story_key) FILTER (WHERE is_first_in_topic) AS new_stories,
    count(*)                                                   AS copies,
    count(DISTINCT source_id)                                  AS outlets
FROM topic_articles
WHERE published_at IS NOT NULL
GROUP BY topic, day;

CREATE OR REPLACE VIEW topic_coverage_daily AS SELECT * FROM mv_topic_coverage_daily;

-- topic_coverage_weekly: one row per (topic, ISO week starting Monday), same measures as daily.
-- Stored in mv_topic_coverage_weekly: distinct stories and outlets per period over every copy.
CREATE OR REPLACE TABLE mv_topic_coverage_weekly AS
SELECT
    topic,
    week,
    count(DISTINCT story_key)                                  AS stories,
    count(DISTINCT story_key) FILTER (WHERE is_first_in_topic) AS new_stories,
    count(*)                                                   AS copies,
    count(DISTINCT source_id)                                  AS outlets
FROM topic_articles
WHERE published_at IS NOT NULL
GROUP BY topic, week;

CREATE OR REPLACE VIEW topic_coverage_weekly AS SELECT * FROM mv_topic_coverage_weekly;

-- topic_coverage_by_language: one row per (topic, article language, UTC day): distinct stories with a
-- copy that day in that language, stories first seen that day, copies and outlets. Stories group
-- within one language (a Chinese copy and an English copy of one wire story are two stories here;
-- story_links relates them), so per-language stories add up to the topic's stories.
CREATE OR REPLACE VIEW topic_coverage_by_language AS
SELECT
    topic,
    language,
    day,
    count(DISTINCT story_key)                                  AS stories,
    count(DISTINCT story_key) FILTER (WHERE is_first_in_topic) AS new_stories,
    count(*)                                                   AS copies,
    count(DISTINCT source_id)                                  AS outlets
FROM topic_articles
WHERE published_at IS NOT NULL
GROUP BY topic, language, day;

-- coverage_by_outlet: one row per (topic, outlet): stories and copies it carried, how many of
-- those stories it published first, copies with a wire credit, first and last copy times.
CREATE OR REPLACE VIEW coverage_by_outlet AS
SELECT
    topic,
    source_id,
    any_value(outlet)                                AS outlet,
    any_value(outlet_country)                        AS country,
    count(DISTINCT story_key)                        AS stories,
    count(*)                                         AS copies,
    count(*) FILTER (WHERE pickup_rank = 1)          AS first_copies,
    count(*) FILTER (WHERE wire_agency IS NOT NULL)  AS wire_copies,
    min(published_at)                                AS first_published_at,
    max(published_at)                                AS last_published_at
FROM topic_articles
GROUP BY topic, source_id;

-- coverage_by_country: one row per (topic, outlet country): outlets, stories, copies.
CREATE OR REPLACE VIEW coverage_by_country AS
SELECT
    topic,
    coalesce(outlet_country, '(unknown)')  AS country,
    count(DISTINCT source_id)              AS outlets,
    count(DISTINCT story_key)              AS stories,
    count(*)                               AS copies
FROM topic_articles
GROUP BY topic, coalesce(outlet_country, '(unknown)');

-- topic_stories: one row per (topic, story): its wire agency, copies, outlets, whether any copy
-- cites Xinhua or TASS, and the media its copies cite (sorted, each once). Stored in
-- mv_topic_stories (one row per story: too many groups to aggregate on every read).
CREATE OR REPLACE TABLE mv_topic_stories AS
SELECT
    topic,
    story_key,
    any_value(story_id)                          AS story_id,
    any_value(headline)                          AS headline,
    coalesce(any_value(story_wire_agency), '(none)') AS wire_agency,
    min(published_at)                            AS first_published_at,
    count(*)                                     AS copies,
    count(DISTINCT source_id)                    AS outlets,
    bool_or(cites_xinhua)                        AS cites_xinhua,
    bool_or(cites_tass)                          AS cites_tass,
    list_sort(list_distinct(flatten(list(cited_media)))) AS cited_media
FROM topic_articles
GROUP BY topic, story_key;

CREATE OR REPLACE VIEW topic_stories AS SELECT * FROM mv_topic_stories;

-- coverage_by_agency: one row per (topic, wire agency of the story, '(none)' when uncredited):
-- stories, copies and the share of stories citing Xinhua, TASS, or either.
CREATE OR REPLACE VIEW coverage_by_agency AS
SELECT
    topic,
    wire_agency,
    count(*)                                                    AS stories,
    sum(copies)::BIGINT                                         AS copies,
    count(*) FILTER (WHERE cites_xinhua)                        AS stories_citing_xinhua,
    count(*) FILTER (WHERE cites_tass)                          AS stories_citing_tass,
    round(count(*) FILTER (WHERE cites_xinhua) / count(*), 4)   AS share_citing_xinhua,
    round(count(*) FILTER (WHERE cites_tass) / count(*), 4)     AS share_citing_tass,
    round(count(*) FILTER (WHERE cites_xinhua OR cites_tass) / count(*), 4) AS share_citing_xinhua_or_tass
FROM topic_stories
GROUP BY topic, wire_agency;

-- cited_media_coverage: one row per (topic, medium named in articles.cited_media): stories and
-- copies citing it, and its share of the topic's stories (a NULL list entry names no medium).
CREATE OR REPLACE VIEW cited_media_coverage AS
WITH by_story AS (  -- topic_stories.cited_media lists each medium once per story
    SELECT topic, medium, count(*) AS stories
    FROM (SELECT topic, unnest(cited_media) AS medium FROM topic_stories WHERE len(cited_media) > 0)
    GROUP BY topic, medium
), by_copy AS (  -- a copy is in topic_articles once per topic; each medium counted once per copy
    SELECT topic, medium, count(*) AS copies
    FROM (SELECT topic, unnest(list_distinct(cited_media)) AS medium FROM topic_articles WHERE len(cited_media) > 0)
    GROUP BY topic, medium
), totals AS (
    SELECT topic, count(*) AS topic_stories FROM topic_stories GROUP BY topic
)
SELECT
    topic,
    medium,
    s.stories,
    c.copies,
    round(s.stories / t.topic_stories, 4)  AS share_of_stories
FROM by_story s JOIN by_copy c USING (topic, medium) JOIN totals t USING (topic);

-- story_pickups: one row per copy of a story: who published it, when, its pickup rank and the
-- hours between the story's first copy and this one.
CREATE OR REPLACE VIEW story_pickups AS
SELECT
    story_key, story_id, headline, article_id, source_id, outlet, outlet_country AS country,
    wire_agency, published_at, story_first_published_at, pickup_rank, hours_after_first,
    pickup_rank = 1 AS is_first_copy
FROM article_facts;

-- syndication_reach: one row per story: copies, outlets and countries reached, who published
-- first, and the delay (hours) from the first copy to the pickups. Stored in mv_syndication_reach,
-- rebuilt with mv_article_facts.
CREATE OR REPLACE TABLE mv_syndication_reach AS
SELECT
    story_key,
    any_value(story_id)                                              AS story_id,
    any_value(headline)                                              AS headline,
    any_value(story_wire_agency)                                     AS wire_agency,
    min(published_at)                                                AS first_published_at,
    max(published_at)                                                AS last_published_at,
    any_value(source_id) FILTER (WHERE pickup_rank = 1)              AS first_outlet,
    count(*)                                                         AS copies,
    count(DISTINCT source_id)                                        AS outlets,
    count(DISTINCT outlet_country)                                   AS countries,
    median(hours_after_first) FILTER (WHERE pickup_rank > 1)         AS median_hours_to_pickup,
    max(hours_after_first)                                           AS hours_to_last_pickup
FROM article_facts
GROUP BY story_key;

CREATE OR REPLACE VIEW syndication_reach AS SELECT * FROM mv_syndication_reach;

-- forum_edition_articles: one row per (forum edition, topic, article) for articles published
-- within 7 days before the edition's start to 7 days after its end; mentions_forum says whether
-- the article names the forum (article_forums). Edit the 7s here to change the window.
CREATE OR REPLACE VIEW forum_edition_articles AS
SELECT
    e.forum,
    e.edition,
    e.name                                          AS edition_name,
    e.start_date,
    e.end_date,
    date_diff('day', e.start_date, ta.day)          AS days_from_start,
    CASE WHEN ta.day < e.start_date THEN 'before'
         WHEN ta.day > e.end_date THEN 'after'
         ELSE 'during' END                          AS phase,
    ta.topic,
    ta.article_id,
    ta.story_key,
    ta.source_id,
    ta.outlet,
    ta.published_at,
    EXISTS (SELECT 1 FROM article_forums af
            WHERE af.article_id = ta.article_id AND af.forum = e.forum) AS mentions_forum
FROM (  -- one row per day of each window, so articles join on an equal day (a hash join)
    SELECT *, unnest(generate_series(start_date - 7, end_date + 7, INTERVAL 1 DAY))::DATE AS day FROM forums
) e
JOIN topic_articles ta USING (day);

-- forum_edition_coverage: one row per (forum edition, topic incl. 'all'), zeros included:
-- stories, copies and outlets in the edition's window, and those naming the forum.
CREATE OR REPLACE VIEW forum_edition_coverage AS
WITH topic_list AS (
    SELECT topic FROM topics UNION SELECT 'all'
)
SELECT
    e.forum,
    e.edition,
    e.name                                                          AS edition_name,
    e.start_date,
    e.end_date,
    e.start_date - 7                                                AS window_start,
    e.end_date + 7                                                  AS window_end,
    t.topic,
    count(DISTINCT fa.story_key)                                    AS stories,
    count(fa.article_id)                                            AS copies,
    count(DISTINCT fa.source_id)                                    AS outlets,
    count(DISTINCT fa.story_key) FILTER (WHERE fa.phase = 'during') AS stories_during,
    count(DISTINCT fa.story_key) FILTER (WHERE fa.mentions_forum)   AS forum_stories,
    count(fa.article_id) FILTER (WHERE fa.mentions_forum)           AS forum_copies
FROM forums e
CROSS JOIN topic_list t
LEFT JOIN forum_edition_articles fa ON fa.edition = e.edition AND fa.topic = t.topic
GROUP BY ALL;

-- person_coverage: one row per person or organisation mentioned at least once: stories, copies,
-- outlets, first and last mention.
CREATE OR REPLACE VIEW person_coverage AS
SELECT
    p.person,
    p.name,
    p.kind,
    p.role,
    p.country,
    count(DISTINCT f.story_key)  AS stories,
    count(*)                     AS copies,
    count(DISTINCT f.source_id)  AS outlets,
    min(f.published_at)          AS first_mentioned_at,
    max(f.published_at)          AS last_mentioned_at
FROM article_people ap
JOIN article_facts f USING (article_id)
LEFT JOIN people p USING (person)
GROUP BY ALL;

-- article_tags: one row per tag of any kind (topic, forum, person) with its evidence, the
-- article's title and URL, so an analyst can check why an article was tagged.
CREATE OR REPLACE VIEW article_tags AS
WITH tags AS (
    SELECT article_id, 'topic' AS kind, topic AS tag, paragraph, evidence, n_paragraphs FROM article_topics
    UNION ALL
    SELECT article_id, 'forum', forum, paragraph, evidence, n_paragraphs FROM article_forums
    UNION ALL
    SELECT article_id, 'person', person, paragraph, evidence, n_paragraphs FROM article_people
)
SELECT t.*, a.title, a.url, a.published_at, a.source_id
FROM tags t LEFT JOIN articles a USING (article_id);
