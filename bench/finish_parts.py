"""What a run's end (flows.steps.finish_run) costs, part by part, on a copy of a real database whose articles
all count as new: the views' stored tables, the search index, the run's row and commit, the read copy.

python -m bench.finish_parts --db /tmp/fw-endrun/.../forumwatch.duckdb --scale 1 --scale 4
(--scale k: the database's articles and their tags k times, under new ids, in the same weeks; --indexed j: the
first j times of them indexed already, as by an earlier run)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from forumwatch import db as fwdb
from forumwatch.tasks import load, search_index
from forumwatch.tasks.fetch import utcnow
from forumwatch.tasks.views import refresh_views

TAG_TABLES = ("article_topics", "article_forums", "article_people")
NEW_DOCS = (  # a run makes the search terms of the articles it loads
    "SELECT title, text FROM articles a WHERE NOT EXISTS (SELECT 1 FROM mv_search_docs d WHERE d.article_id = a.article_id)"
)


def _scale(con: duckdb.DuckDBPyConnection, first: int, last: int) -> None:
    """Copies first .. last - 1 of the articles and their tags: copy i gets ids, URLs and texts suffixed with #i
    (other documents, as search terms made ahead are found by their document)."""
    for i in range(first, last):
        con.execute(
            "INSERT INTO articles SELECT * REPLACE (article_id || $s AS article_id, url || $s AS url, text || $s AS text) "
            "FROM articles WHERE NOT contains(article_id, '#')",
            {"s": f"#{i}"},
        )
        for table in TAG_TABLES:
            con.execute(
                f"INSERT INTO {table} SELECT * REPLACE (article_id || $s AS article_id) FROM {table} "
                "WHERE NOT contains(article_id, '#')",
                {"s": f"#{i}"},
            )


def _forget_search(con: duckdb.DuckDBPyConnection) -> None:
    """No article in the search index yet: each counts as new at the run's end."""
    for (table,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, 'mv_search_') "
        "AND table_name <> 'mv_search_docs'"
    ).fetchall():
        con.execute(f"DROP SCHEMA IF EXISTS fts_main_{table} CASCADE")
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM mv_search_docs")
    con.execute("DELETE FROM view_inputs")


def prepare(source: Path, folder: Path, k: int, indexed: int) -> Path:
    """A copy of `source` with its articles k times, the first `indexed` times of them in the search index and
    the views already (as a run's end left them), the others new."""
    template = folder / f"template-{k}-{indexed}.duckdb"
    shutil.copyfile(source, template)
    with duckdb.connect(str(template)) as con:
        _forget_search(con)
        if indexed:
            _scale(con, 1, indexed)
            search_index.refresh_search(con)
            refresh_views(con, None, utcnow(), force=True)
        _scale(con, max(indexed, 1), k)
        con.execute("CHECKPOINT")
    return template


def timed(out: dict[str, list[float]], name: str, work: Callable[[], object]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    out.setdefault(f"{name} s", []).append(time.perf_counter() - wall)
    out.setdefault(f"{name} cpu s", []).append(time.process_time() - cpu)


def one_end(template: Path, folder: Path, out: dict[str, list[float]]) -> None:
    db = folder / "run.duckdb"
    shutil.copyfile(template, db)
    read_copy = fwdb.read_copy_path(str(db))
    read_copy.unlink(missing_ok=True)
    with duckdb.connect(str(db)) as con:  # the terms a run's load batches make beside the extraction
        docs = con.execute(NEW_DOCS).fetchall()
        run_id = con.execute("SELECT max(run_id) FROM runs").fetchone()[0]
    search_index.make_terms_ahead(docs)
    started = time.perf_counter(), time.process_time()
    with fwdb.connect(str(db)) as con:
        con.begin()
        timed(out, "refresh_views", lambda: refresh_views(con, run_id, utcnow()))
        timed(out, "refresh_search", lambda: search_index.refresh_search(con))
        timed(out, "load.finish_run", lambda: load.finish_run(con, run_id, utcnow(), "ok", {}, "bench"))
        timed(out, "commit", con.commit)
    timed(out, "publish_read_copy", lambda: fwdb.publish_read_copy(str(db)))
    out.setdefault("finish_run s", []).append(time.perf_counter() - started[0])
    out.setdefault("finish_run cpu s", []).append(time.process_time() - started[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a forumwatch database (a bench run's); not changed")
    parser.add_argument("--scale", type=int, action="append", help="articles times k (default: 1 and 4)")
    parser.add_argument("--repeat", type=int, default=3, help="best of")
    parser.add_argument("--indexed", type=int, default=0, help="of the k copies, those indexed already")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fw-finish-") as tmp:
        folder = Path(tmp)
        for k in args.scale or [1, 4]:
            template = prepare(args.db, folder, k, args.indexed)
            with duckdb.connect(str(template), read_only=True) as con:
                n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
                old = con.execute("SELECT count(*) FROM mv_search_docs").fetchone()[0]
            out: dict[str, list[float]] = {}
            for _ in range(args.repeat):
                one_end(template, folder, out)
            print(f"{n - old} new articles, {old} in the index already (best of {args.repeat}):")
            for name, values in out.items():
                print(f"  {name:26} {min(values):7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
