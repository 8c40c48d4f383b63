"""Synthetic databases for the load and view benchmarks (no HTTP, no trafilatura).

load_bench: N extracted articles (varied text, ~45% syndicated copies of wire stories, tags made
by tasks.tag) loaded through the same calls as flows.steps.load_pages (upsert_articles, write_tags,
assign_stories), one transaction per batch.
views_bench: a database of N articles built in SQL and refreshed as a flow run leaves it (create_views, which
rebuilds the mv_* tables behind the costly views), then every view of sql/views.sql materialised; prints a table.
  PYTHONPATH=. nice -n 19 .venv/bin/python -m bench.synth --articles 1000000
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

WORDS = None


def _vocabulary(rng: np.random.Generator, n: int = 6000) -> np.ndarray:
    letters = np.array(list("etaoinshrdlucmfwypvbgk"))
    lengths = rng.integers(3, 11, n)
    return np.array(["".join(rng.choice(letters, k)) for k in lengths])


PHRASE_TAGS = {  # the tags tasks.tag gives these phrases (the load benchmark does not re-run tagging)
    0: ("topics", "topic", "sino_russian_military"),
    2: ("topics", "topic", "arms_control"),
    3: ("topics", "topic", "south_china_sea"),
    4: ("forums", "forum", "xiangshan"),
    5: ("forums", "forum", "shangri_la"),
    6: ("forums", "forum", "msc"),
    7: ("people", "person", "dong_jun"),
    8: ("people", "person", "zhang_youxia"),
}
PHRASES = [
    "China and Russia held joint military exercises with naval drills",
    "the war in Ukraine and a ceasefire in Kyiv",
    "arms control and the New START treaty",
    "patrols in the South China Sea near Second Thomas Shoal",
    "the Beijing Xiangshan Forum",
    "the Shangri-La Dialogue",
    "the Munich Security Conference",
    "Dong Jun said",
    "Zhang Youxia said",
    "(ANI)",
    "(PTI)",
    "(Reuters) -",
    "according to Xinhua",
    "TASS reported",
]


def synth_articles(n: int, seed: int = 7, days: int = 365) -> list[dict]:
    """n article rows (as page_row() makes them) with text; copies of one story share most words."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    start = datetime(2024, 1, 1)
    rows: list[dict] = []
    story = 0
    while len(rows) < n:
        story += 1
        wire = rng.random() < 0.45
        copies = min(n - len(rows), int(rng.integers(2, 9)) if wire else 1)
        n_words = int(rng.integers(400, 900))
        words = vocab[rng.integers(0, len(vocab), n_words)].tolist()
        phrases = sorted({int(rng.integers(0, len(PHRASES))) for _ in range(int(rng.integers(1, 4)))})
        for k in phrases:
            words.insert(int(rng.integers(0, len(words))), PHRASES[k])
        paras = [" ".join(words[i : i + 60]) + "." for i in range(0, len(words), 60)]
        published = start + timedelta(minutes=int(rng.integers(0, days * 24 * 60)))
        for c in range(copies):
            body = paras if c == 0 or rng.random() < 0.5 else paras[:-1]
            text = "\n".join(body)
            source = f"outlet{int(rng.integers(0, 400)):03d}"
            article_id = f"{story:08x}{c:02x}{int(rng.integers(0, 2**24)):06x}"
            rows.append(
                {
                    "article_id": article_id,
                    "url": f"https://{source}.example/news/{article_id}",
                    "source_id": source,
                    "title": f"Story {story} headline {c}",
                    "published_at": published + timedelta(minutes=17 * c),
                    "published_at_source": "jsonld",
                    "published_at_precision": "minute",
                    "date_note": None,
                    "text": text,
                    "author": None,
                    "sitename": source,
                    "language": "en",
                    "description": None,
                    "word_count": text.count(" ") + len(body),
                    "content_sha1": article_id,
                    "wire_agency": "ANI" if wire else None,
                    "dateline_place": None,
                    "dateline_date": None,
                    "cited_media": ["Xinhua"] if "Xinhua" in text else [],
                    "fetched_at": published + timedelta(hours=2),
                    "run_id": "bench",
                    "_phrases": phrases,
                }
            )
    return rows


def load_bench(n: int = 100_000, batch_size: int = 1000, window_days: int = 7, db: str | None = None) -> dict:
    from forumwatch import db as fwdb
    from forumwatch.settings import pipeline_settings
    from forumwatch.tasks import load
    from forumwatch.tasks.dedupe import assign_stories
    from forumwatch.tasks.seeds import load_seed_tables
    from forumwatch.tasks.tag import TagResult, write_tags

    t0 = time.perf_counter()
    rows = synth_articles(n)
    tags = []  # made by the extract workers in the pipeline; here synthesised from the inserted phrases
    for r in rows:
        result = TagResult(r["article_id"])
        for k in r.pop("_phrases"):
            if k in PHRASE_TAGS:
                attr, column, key = PHRASE_TAGS[k]
                getattr(result, attr).append(
                    {
                        "article_id": r["article_id"],
                        column: key,
                        "paragraph": 0,
                        "evidence": PHRASES[k],
                        "n_paragraphs": 1,
                        "rules_version": "bench",
                    }
                )
        tags.append(result)
    prep = time.perf_counter() - t0
    workers = pipeline_settings().extract_workers  # as load_pages passes
    with tempfile.TemporaryDirectory() as tmp:
        path = db or str(Path(tmp) / "load.duckdb")
        stages = {"articles": 0.0, "tags": 0.0, "stories": 0.0, "commit": 0.0}
        t0 = time.perf_counter()
        with fwdb.connect(path) as con:
            fwdb.init_schema(con)
            load_seed_tables(con)
            with fwdb.bulk_writes(con):  # one checkpoint at the end, counted under "commit"
                for i in range(0, len(rows), batch_size):
                    batch, batch_tags = rows[i : i + batch_size], tags[i : i + batch_size]
                    con.begin()
                    t = time.perf_counter()
                    load.upsert_articles(con, batch)
                    stages["articles"] += time.perf_counter() - t
                    t = time.perf_counter()
                    write_tags(con, batch_tags)
                    stages["tags"] += time.perf_counter() - t
                    t = time.perf_counter()
                    assign_stories(
                        con,
                        [r["article_id"] for r in batch],
                        window_days=window_days,
                        workers=workers,
                        texts={r["article_id"]: r["text"] for r in batch},
                    )
                    stages["stories"] += time.perf_counter() - t
                    t = time.perf_counter()
                    con.commit()
                    stages["commit"] += time.perf_counter() - t
                t = time.perf_counter()
            stages["commit"] += time.perf_counter() - t
            seconds = time.perf_counter() - t0
            counts = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "stories", "article_topics", "article_forums", "article_people")
            }
    return {
        "articles": n,
        "batch_size": batch_size,
        "seconds": seconds,
        "articles_per_s": n / seconds,
        "prepare_seconds": prep,
        "stages": stages,
        "counts": counts,
    }


VIEWS_SQL = """
CREATE TABLE sources AS
SELECT 'outlet' || lpad(i::VARCHAR, 3, '0') AS source_id, 'Outlet ' || i AS name,
       'https://outlet' || i || '.example/feed' AS feed_url, NULL AS homepage,
       (['IN','GB','US','SG','AU','PK','CN','RU','JP','DE'])[1 + i % 10] AS country, 'en' AS language,
       'rss' AS kind, NULL::DOUBLE AS crawl_delay, NULL AS sitemap_url, now()::TIMESTAMP AS updated_at
FROM range(400) t(i);

CREATE TABLE articles AS
WITH a AS (
    SELECT i, hash(i * 7919) AS h, (i // 3) AS story_no FROM range($n) t(i)
)
SELECT
    lpad(to_hex(i), 16, '0') AS article_id,
    'https://outlet' || (h % 400) || '.example/news/' || i AS url,
    'outlet' || lpad((h % 400)::VARCHAR, 3, '0') AS source_id,
    'Headline ' || story_no || ' variant ' || (i % 3) AS title,
    TIMESTAMP '2019-01-01' + to_minutes((hash(story_no) % (7 * 365 * 24 * 60))::BIGINT + (i % 3) * 37) AS published_at,
    'jsonld' AS published_at_source, 'minute' AS published_at_precision, NULL AS date_note,
    repeat('word ', 50) AS text, NULL AS author, NULL AS sitename, 'en' AS language, NULL AS description,
    500 AS word_count, lpad(to_hex(h), 16, '0') AS content_sha1,
    CASE WHEN story_no % 2 = 0 THEN (['ANI','PTI','Reuters','AFP','Xinhua','TASS'])[1 + story_no % 6] END AS wire_agency,
    NULL AS dateline_place, NULL AS dateline_date,
    CASE h % 5 WHEN 0 THEN ['Xinhua'] WHEN 1 THEN ['TASS', 'Xinhua'] ELSE [] END::VARCHAR[] AS cited_media,
    CASE WHEN story_no % 3 <> 0 THEN 'story:' || story_no END AS story_id,
    1.0 AS story_similarity, false AS headline_changed,
    now()::TIMESTAMP AS fetched_at, now()::TIMESTAMP AS first_seen_at, now()::TIMESTAMP AS updated_at, 'bench' AS run_id
FROM a;

CREATE TABLE stories AS
SELECT story_id, any_value(title) AS headline, any_value(wire_agency) AS wire_agency,
       min(published_at) AS first_published_at, max(published_at) AS last_published_at,
       any_value(source_id) AS first_outlet, min(article_id) AS representative_id,
       count(*)::INTEGER AS n_articles, count(DISTINCT source_id)::INTEGER AS n_outlets, now()::TIMESTAMP AS updated_at
FROM articles WHERE story_id IS NOT NULL GROUP BY story_id;

INSERT INTO article_topics
SELECT article_id, (['sino_russian_military','arms_control','ukraine_war','south_china_sea'])[1 + (hash(article_id) % 4)::BIGINT],
       0, 'bench', 1, 'bench'
FROM articles WHERE hash(article_id) % 10 < 4;
INSERT INTO article_forums
SELECT a.article_id, f.forum, 0, 'bench', 1, 'bench'
FROM articles a JOIN (SELECT DISTINCT forum FROM forums) f ON hash(a.article_id || f.forum) % 40 = 0;
INSERT INTO article_people
SELECT a.article_id, p.person, 0, 'bench', 1, 'bench'
FROM articles a JOIN (SELECT person FROM people LIMIT 12) p ON hash(a.article_id || p.person) % 60 = 0;
"""


def view_names() -> list[str]:
    from forumwatch.resources import sql_text

    return re.findall(r"CREATE OR REPLACE VIEW (\w+)", sql_text("views.sql"))


def build_views_db(path: str, n: int) -> None:
    """n synthetic articles with stories and tags, then create_views as every flow run ends (finish_run)."""
    import duckdb

    from forumwatch import db as fwdb
    from forumwatch.analyst import create_views
    from forumwatch.tasks.seeds import load_seed_tables

    con = duckdb.connect(path)
    try:
        con.execute("SET enable_progress_bar = false")
        fwdb.init_schema(con)
        load_seed_tables(con)
        for table in ("sources", "articles", "stories"):
            con.execute(f"DROP TABLE {table}")
        for statement in VIEWS_SQL.replace("$n", str(int(n))).split(";"):
            if statement.strip():
                con.execute(statement)
        create_views(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def views_bench(n: int = 1_000_000, repeat: int = 3, db: str | None = None, show: bool = True) -> dict:
    """Materialise each view (CREATE TEMP TABLE AS SELECT *) `repeat` times; median seconds per view.
    Also times one more create_views: the rebuild of the mv_* tables each flow run pays as it ends."""
    import duckdb

    from forumwatch.analyst import create_views

    with tempfile.TemporaryDirectory() as tmp:
        path = db or str(Path(tmp) / "views.duckdb")
        t0 = time.perf_counter()
        build_views_db(path, n)
        build = time.perf_counter() - t0
        con = duckdb.connect(path)
        try:
            con.execute("SET enable_progress_bar = false")
            t0 = time.perf_counter()
            create_views(con)
            refresh = time.perf_counter() - t0
        finally:
            con.close()
        if show:
            print(
                f"views over {n} articles (refresh {refresh:.2f} s); median of {repeat}:\n"
                f"  {'view':28} {'rows':>10} {'seconds':>8}",
                file=sys.stderr,
                flush=True,
            )
        con = duckdb.connect(path, read_only=True)
        try:
            con.execute("SET enable_progress_bar = false")
            views = {}
            for name in view_names():
                times, rows = [], 0
                for _ in range(repeat):
                    t = time.perf_counter()
                    con.execute(f"CREATE OR REPLACE TEMP TABLE bench_view AS SELECT * FROM {name}")
                    times.append(time.perf_counter() - t)
                rows = con.execute("SELECT count(*) FROM bench_view").fetchone()[0]
                views[name] = {"seconds": statistics.median(times), "all_seconds": times, "rows": rows}
                if show:
                    print(view_line(name, views[name]), file=sys.stderr, flush=True)
            counts = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "stories", "article_topics", "article_forums", "article_people")
            }
        finally:
            con.close()
    return {"articles": n, "build_seconds": build, "refresh_seconds": refresh, "views": views, "counts": counts}


def view_line(name: str, timing: dict) -> str:
    return f"  {name:28} {timing['rows']:>10} {timing['seconds']:8.2f}{'' if timing['seconds'] < 1 else '   OVER 1 s'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time every view over a synthetic database")
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the result here as JSON")
    args = parser.parse_args(argv)
    result = views_bench(args.articles, repeat=args.repeat)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
