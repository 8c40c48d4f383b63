-- forumwatch schema. Idempotent: every statement can run on an existing database.
-- Times are TIMESTAMP in UTC (no zone stored; the column comments say UTC).

-- One row per configured outlet feed (loaded from the --sources CSV).
CREATE TABLE IF NOT EXISTS sources (
    source_id    VARCHAR PRIMARY KEY,   -- the CSV `id` column, else a slug of the feed URL (tasks/sources.py)
    name         VARCHAR NOT NULL,
    feed_url     VARCHAR NOT NULL,
    homepage     VARCHAR,
    country      VARCHAR,
    language     VARCHAR,
    kind         VARCHAR,               -- rss | atom | json | sitemap
    crawl_delay  DOUBLE,                -- seconds between requests to this host; NULL = default
    sitemap_url  VARCHAR,               -- optional news sitemap for backfill
    updated_at   TIMESTAMP
);

-- One row per flow run.
CREATE TABLE IF NOT EXISTS runs (
    run_id            VARCHAR PRIMARY KEY,
    flow              VARCHAR NOT NULL,   -- ingest | backfill | reprocess | retag
    started_at        TIMESTAMP NOT NULL, -- UTC
    finished_at       TIMESTAMP,          -- UTC; NULL while running or if the run died
    status            VARCHAR,            -- running | completed | partial | failed | interrupted
    parameters        VARCHAR,            -- JSON
    n_sources         INTEGER,
    n_sources_failed  INTEGER,
    n_feed_items      INTEGER,
    n_fetched         INTEGER,            -- page responses with a body (200)
    n_new             INTEGER,            -- articles inserted
    n_updated         INTEGER,            -- articles whose content changed
    n_unchanged       INTEGER,            -- 304 or identical body
    n_failed          INTEGER,            -- page URLs that errored
    n_skipped         INTEGER,            -- page URLs not fetched: the run's time budget was spent
    message           VARCHAR,
    host              VARCHAR,            -- machine that ran it (socket.gethostname())
    pid               INTEGER,            -- process that ran it
    pid_started       BIGINT,             -- that process's start time (clock ticks since boot), against pid reuse
    heartbeat_at      TIMESTAMP           -- UTC; last sign of life (each batch); a dead run is marked interrupted
);

-- One row per URL tried (feeds, pages, robots.txt, sitemaps). A log: never updated.
CREATE TABLE IF NOT EXISTS fetches (
    fetch_id       VARCHAR PRIMARY KEY,   -- run_id + url hash
    run_id         VARCHAR,
    url            VARCHAR NOT NULL,      -- the URL as requested (canonical for pages)
    final_url      VARCHAR,               -- after redirects
    source_id      VARCHAR,
    kind           VARCHAR,               -- feed | page | sitemap | warc
    fetched_at     TIMESTAMP NOT NULL,    -- UTC
    status         INTEGER,               -- HTTP status; NULL when no response
    error          VARCHAR,               -- NULL on success; readable reason otherwise
    note           VARCHAR,               -- warnings that did not stop the fetch (e.g. malformed feed, items recovered)
    bytes          BIGINT,                -- decompressed body bytes kept
    content_type   VARCHAR,
    encoding       VARCHAR,               -- charset used to decode the body
    etag           VARCHAR,
    last_modified  VARCHAR,
    content_sha1   VARCHAR,
    elapsed_ms     INTEGER,
    attempts       INTEGER,
    warc_file      VARCHAR                -- raw archive file holding the response
);

-- Items listed by feeds (the crawl frontier).
CREATE TABLE IF NOT EXISTS feed_items (
    url             VARCHAR NOT NULL,     -- canonical
    source_id       VARCHAR NOT NULL,
    title           VARCHAR,
    published_at    TIMESTAMP,            -- UTC, from the feed (pubDate / updated / date_published)
    published_has_time BOOLEAN,
    first_seen_at   TIMESTAMP NOT NULL,   -- UTC
    last_seen_at    TIMESTAMP NOT NULL,   -- UTC
    PRIMARY KEY (url, source_id)
);

-- One row per canonical article URL.
CREATE TABLE IF NOT EXISTS articles (
    article_id              VARCHAR PRIMARY KEY,  -- sha1(canonical url)[:16]
    url                     VARCHAR NOT NULL,     -- canonical (tracking parameters removed)
    source_id               VARCHAR,
    title                   VARCHAR,
    published_at            TIMESTAMP,            -- UTC; NULL when the page and feed give no date
    published_at_source     VARCHAR,              -- jsonld | meta | time | feed | trafilatura | NULL
    published_at_precision  VARCHAR,              -- second | minute | day | NULL
    date_note               VARCHAR,              -- why published_at is NULL or uncertain
    text                    VARCHAR,
    author                  VARCHAR,
    sitename                VARCHAR,
    language                VARCHAR,
    description             VARCHAR,
    word_count              INTEGER,
    content_sha1            VARCHAR,              -- of the extracted text
    wire_agency             VARCHAR,              -- credited wire (ANI, PTI, Reuters, ...); NULL when none
    dateline_place          VARCHAR,
    dateline_date           VARCHAR,
    cited_media             VARCHAR[],            -- outlets the body cites as sources
    story_id                VARCHAR,              -- group of syndicated copies
    story_similarity        DOUBLE,               -- containment vs the story's representative
    headline_changed        BOOLEAN,              -- title differs from the representative's
    fetched_at              TIMESTAMP,            -- UTC, the response that gave this text
    first_seen_at           TIMESTAMP,            -- UTC
    updated_at              TIMESTAMP,            -- UTC
    run_id                  VARCHAR
);
-- Added after the first release; ADD COLUMN IF NOT EXISTS also upgrades an existing database file.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS language_source VARCHAR;  -- html | meta | detected | source
-- `url` is the page's own same-site <link rel="canonical"> when it has one (tasks/canonical.py), so AMP and
-- tracking variants and other ports of one site are one article; the link it was listed and fetched under
-- stays beside it. Rows stored before schema version 3 get link_url = url (their identity was their link).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS link_url VARCHAR;        -- canonical form of the feed's link
ALTER TABLE articles ADD COLUMN IF NOT EXISTS canonical_note VARCHAR;  -- why a declared canonical was not used

-- One row per group of syndicated copies of one wire story.
CREATE TABLE IF NOT EXISTS stories (
    story_id            VARCHAR PRIMARY KEY,
    headline            VARCHAR,
    wire_agency         VARCHAR,
    first_published_at  TIMESTAMP,   -- UTC
    last_published_at   TIMESTAMP,   -- UTC
    first_outlet        VARCHAR,     -- source_id of the earliest copy
    representative_id   VARCHAR,     -- article_id of the representative copy
    n_articles          INTEGER,
    n_outlets           INTEGER,
    updated_at          TIMESTAMP
);

-- MinHash signatures of articles, so new pages match stories already loaded.
CREATE TABLE IF NOT EXISTS article_signatures (
    article_id    VARCHAR PRIMARY KEY,
    published_at  TIMESTAMP,
    n_shingles    INTEGER,
    signature     BLOB
);

-- LSH band keys of the usable signatures (text and a date), so a batch finds its candidate copies
-- without reading every stored signature. Rewritten with the signature, in the same transaction.
CREATE TABLE IF NOT EXISTS article_bands (
    article_id  VARCHAR NOT NULL,
    key         UBIGINT NOT NULL,   -- one band's hash values and its number, mixed into one key
    t           BIGINT NOT NULL     -- published_at in epoch seconds
);

-- One row per (article, topic) tag, with the evidence that made it.
CREATE TABLE IF NOT EXISTS article_topics (
    article_id  VARCHAR NOT NULL,
    topic       VARCHAR NOT NULL,
    paragraph   INTEGER,     -- index of the first paragraph that matched
    evidence    VARCHAR,     -- the matched terms
    n_paragraphs   INTEGER,  -- how many paragraphs matched
    rules_version  VARCHAR,  -- sha1 prefix of the seed files that made the tag
    PRIMARY KEY (article_id, topic)
);

-- One row per (article, forum) mention, with the evidence that made it (analyst layer, tasks/tag.py).
CREATE TABLE IF NOT EXISTS article_forums (
    article_id     VARCHAR NOT NULL,
    forum          VARCHAR NOT NULL,   -- forums.forum (not the edition: editions are matched by date in views)
    paragraph      INTEGER,            -- index of the first paragraph that matched
    evidence       VARCHAR,            -- the matched aliases
    n_paragraphs   INTEGER,
    rules_version  VARCHAR,
    PRIMARY KEY (article_id, forum)
);

-- One row per (article, person or organisation) mention, with the evidence that made it.
CREATE TABLE IF NOT EXISTS article_people (
    article_id     VARCHAR NOT NULL,
    person         VARCHAR NOT NULL,   -- people.person
    paragraph      INTEGER,
    evidence       VARCHAR,
    n_paragraphs   INTEGER,
    rules_version  VARCHAR,
    PRIMARY KEY (article_id, person)
);

-- Seed tables, reloaded from seeds/*.csv by tasks/seeds.py (edit the CSV, then `forumwatch retag`).
-- One row per topic; rule: `&` separates term groups that must all match in one paragraph, `|` separates alternatives.
CREATE TABLE IF NOT EXISTS topics (
    topic        VARCHAR PRIMARY KEY,
    label        VARCHAR,
    rule         VARCHAR NOT NULL,
    description  VARCHAR
);

-- One row per forum edition; aliases (`|`-separated) are matched in article text.
CREATE TABLE IF NOT EXISTS forums (
    forum        VARCHAR NOT NULL,     -- stable id shared by all editions (xiangshan, shangri_la, ...)
    edition      VARCHAR PRIMARY KEY,  -- e.g. xiangshan-2023
    name         VARCHAR,
    aliases      VARCHAR,
    start_date   DATE,                 -- local dates of the event
    end_date     DATE,
    city         VARCHAR,
    country      VARCHAR,
    organiser    VARCHAR,
    notes        VARCHAR
);

-- One row per person or organisation in the gazetteer.
CREATE TABLE IF NOT EXISTS people (
    person        VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    aliases       VARCHAR,
    kind          VARCHAR,             -- person | organisation
    role          VARCHAR,
    organisation  VARCHAR,
    country       VARCHAR
);

-- One row per wire-agency credit pattern (seeds/agencies.csv).
CREATE TABLE IF NOT EXISTS agencies (
    agency   VARCHAR NOT NULL,
    pattern  VARCHAR,             -- regular expression matched against the article text
    kind     VARCHAR,             -- credit | dateline (a credit with place and date) | cited
    note     VARCHAR
);
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS language VARCHAR;  -- the convention's language: en, zh, ru

-- Backfill coverage: per source, UTC day and method, what was found and loaded, so gaps are visible.
CREATE TABLE IF NOT EXISTS coverage (
    source_id     VARCHAR NOT NULL,
    day           DATE NOT NULL,        -- UTC publication day
    method        VARCHAR NOT NULL,     -- sitemap | warc | feed
    found         INTEGER,              -- pages the method listed (or the WARC files held) for the day
    loaded        INTEGER,              -- of those, articles now in the database (new, updated or unchanged)
    failed        INTEGER,              -- fetch or extraction failures
    out_of_range  INTEGER,              -- pages whose extracted date fell outside the backfill range: not loaded
    undated       INTEGER,              -- pages with no date at all: not loaded by a backfill
    status        VARCHAR NOT NULL,     -- complete | failed | open (day not over when read) | unavailable (no sitemap); a rerun skips complete days only
    note          VARCHAR,              -- why failed, or e.g. 'no sitemap'
    run_id        VARCHAR,
    updated_at    TIMESTAMP,            -- UTC
    PRIMARY KEY (source_id, day, method)
);

-- Columns added after the first release (ADD COLUMN IF NOT EXISTS also upgrades an existing file).
ALTER TABLE sources ADD COLUMN IF NOT EXISTS timezone VARCHAR;  -- IANA zone of the outlet's local times
-- Schema versions this file has been brought to (forumwatch.db.SCHEMA_VERSION); columns a newer
-- forumwatch declares in this file are added to an older file's tables before anything else runs.
CREATE TABLE IF NOT EXISTS schema_version (
    version             INTEGER PRIMARY KEY,
    applied_at          TIMESTAMP NOT NULL,   -- UTC
    forumwatch_version  VARCHAR,
    note                VARCHAR               -- e.g. the columns added
);

-- Search bookkeeping: one row per article in the full-text index, with what its terms were made from.
-- The terms themselves are in one table per ISO week of publication, mv_search_<YYYY>w<WW> (or
-- mv_search_undated), each with its own FTS index (schema fts_main_mv_search_...): a run appends to a week
-- that only gained articles and rebuilds one that lost or changed any (forumwatch.tasks.search_index).
-- Derived: not exported.
CREATE TABLE IF NOT EXISTS mv_search_docs (
    article_id    VARCHAR PRIMARY KEY,
    content_sha1  VARCHAR,     -- articles' values when the terms were made
    title         VARCHAR,
    updated_at    TIMESTAMP,
    published_at  TIMESTAMP,
    shard         VARCHAR NOT NULL  -- 2024w05 | undated: the table holding its terms
);

-- What the mv_* tables behind the views were last built from (tasks/views.py): a run that changed
-- none of it (no article loaded, same sources, seeds and views.sql) leaves them as they are.
CREATE TABLE IF NOT EXISTS view_inputs (
    name          VARCHAR PRIMARY KEY,  -- 'views'
    fingerprint   VARCHAR NOT NULL,     -- sha1 over views.sql, the seed CSVs, the sources and the articles
    rebuilt_at    TIMESTAMP,            -- UTC
    run_id        VARCHAR
);

-- One row per place in the gazetteer (seeds/places.csv), matched in any script to find cross-language links.
CREATE TABLE IF NOT EXISTS places (
    place    VARCHAR,              -- stable id (beijing, moscow, sea_of_japan, ...)
    name     VARCHAR,
    kind     VARCHAR,              -- city | sea | region | country
    country  VARCHAR,              -- ISO 3166 alpha-2, when the place is in one country
    aliases  VARCHAR               -- `|`-separated, en / zh / ru; `*` ends a Russian stem
);

-- Per story, the language-independent evidence it is linked by (tasks/links.py), recomputed when its
-- copies change. Lists are sorted ids or values.
CREATE TABLE IF NOT EXISTS story_features (
    story_id            VARCHAR NOT NULL,
    language            VARCHAR,     -- ISO 639-1 of its copies (else their sources', else guessed from the script)
    language_source     VARCHAR,     -- articles | sources | script
    first_published_at  TIMESTAMP,   -- UTC
    last_published_at   TIMESTAMP,   -- UTC
    representative_id   VARCHAR,
    n_articles          INTEGER,
    editions            VARCHAR[],   -- forums.edition
    forums              VARCHAR[],   -- forums.forum
    people              VARCHAR[],   -- people.person (kind person)
    organisations       VARCHAR[],   -- people.person (kind organisation)
    places              VARCHAR[],   -- places.place (cities, seas, regions)
    countries           VARCHAR[],   -- places.place (kind country)
    numbers             VARCHAR[],   -- numbers named, canonical ("1800", "1500000000")
    dates               VARCHAR[],   -- calendar dates named, MM-DD
    updated_at          TIMESTAMP
);

-- One row per pair of stories in different languages that report the same event (tasks/links.py).
CREATE TABLE IF NOT EXISTS story_links (
    story_a     VARCHAR NOT NULL,    -- the smaller story_id of the pair
    story_b     VARCHAR NOT NULL,
    language_a  VARCHAR,
    language_b  VARCHAR,
    score       DOUBLE,              -- weighted shared evidence; links exist from the threshold up
    evidence    VARCHAR,             -- JSON: shared editions, forums, people, places, numbers, dates; hours_apart
    linked_at   TIMESTAMP            -- UTC, when this link (with this score and evidence) was first computed
);
