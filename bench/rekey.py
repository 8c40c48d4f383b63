"""Cost of the schema 4 migration (forumwatch.rekey) on a synthetic version 3 file: N articles with tags,
stories, N feed items and 2N fetches. Unaffected (every path already normal: the SQL passes find nothing) and
with some articles stored under IRI paths; each beside a plain scan of the same tables' URLs, in the same run.
  PYTHONPATH=. nice -n 19 .venv/bin/python -m bench.rekey --articles 1000000 --affected 1000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

SYNTH_SQL = """
INSERT INTO articles (article_id, url, link_url, source_id, title, text, published_at, fetched_at, first_seen_at,
                      story_id)
SELECT lpad(to_hex(i), 16, '0'), url, url, 'outlet' || (i % 400), 'Headline ' || i, 'word word word',
       TIMESTAMP '2019-01-01' + to_minutes(i), TIMESTAMP '2026-01-01' + to_seconds(i),
       TIMESTAMP '2026-01-01' + to_seconds(i), 'st_' || lpad(to_hex(i // 3), 16, '0')
FROM (SELECT i, CASE WHEN i < $affected THEN 'https://outlet' || (i % 400) || '.example/новости/' || i
                     ELSE 'https://outlet' || (i % 400) || '.example/news/2026/' || i || '-china-russia?id=' || i
                END AS url FROM range($n) t(i));
INSERT INTO stories (story_id, representative_id, n_articles)
SELECT story_id, min(article_id), count(*) FROM articles GROUP BY story_id;
INSERT INTO article_topics SELECT article_id, 'arms_control', 0, 'bench', 1, 'bench' FROM articles WHERE hash(article_id) % 10 < 4;
INSERT INTO feed_items SELECT url, source_id, title, NULL, NULL, first_seen_at, first_seen_at FROM articles;
INSERT INTO fetches (fetch_id, url, kind, fetched_at, status)
SELECT 'p' || article_id, url, 'page', fetched_at, 200 FROM articles
UNION ALL SELECT 'f' || article_id, 'https://outlet' || (hash(article_id) % 400) || '.example/feed', 'feed', fetched_at, 200
FROM articles;
DELETE FROM schema_version;
INSERT INTO schema_version (version, applied_at) VALUES (3, now());
"""
SCAN_SQL = """
SELECT count(DISTINCT url), count(DISTINCT link_url) FROM articles;
SELECT count(DISTINCT url) FROM feed_items;
SELECT count(DISTINCT url) FROM fetches;
"""


def build(path: Path, n: int, affected: int) -> None:
    """A version 3 file: the schema, then synthetic rows (articles under IRI paths first)."""
    from forumwatch import db as fwdb

    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
        sql = SYNTH_SQL.replace("$n", str(int(n))).replace("$affected", str(int(affected)))
        con.execute(sql)
        con.execute("CHECKPOINT")


def timed(path: Path, work) -> tuple[float, object]:
    from forumwatch import db as fwdb

    with fwdb.connect(path) as con:
        started = time.perf_counter()
        result = work(con)
        return time.perf_counter() - started, result


def scan(con) -> None:
    for statement in SCAN_SQL.strip().splitlines():
        con.execute(statement).fetchall()


def run(n: int, affected: int, folder: Path) -> dict:
    from forumwatch.rekey import rekey_paths

    out = {}
    for label, count in (("unaffected", 0), ("affected", affected)):
        path = folder / f"{label}.duckdb"
        build(path, n, count)
        scan_seconds, _ = timed(path, scan)
        seconds, result = timed(path, rekey_paths)
        again, second = timed(path, rekey_paths)
        out[label] = {"scan_s": round(scan_seconds, 2), "rekey_s": round(seconds, 2), "rerun_s": round(again, 2)}
        out[label]["ratio_to_scan"] = round(seconds / scan_seconds, 2)
        print(f"{label}: {n:,} articles, {count:,} under IRI paths: {result}; again: {second}")
        print(f"  migration {seconds:.2f} s, rerun {again:.2f} s, plain scan of the URLs {scan_seconds:.2f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--affected", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        print(run(args.articles, args.affected, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
