"""Cost of the full-text search index: first build, a run with nothing new, a run adding one batch, a query.

python -m bench.search --articles 20000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from bench.synth import synth_articles
from forumwatch.analyst import create_views
from forumwatch.db import init_schema
from forumwatch.search import search
from forumwatch.tasks.search_index import refresh_search


def _insert(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    frame = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows])
    con.register("frame", frame)
    con.execute("INSERT INTO articles BY NAME SELECT * FROM frame")
    con.unregister("frame")


def run(n: int, batch: int, folder: Path) -> dict:
    rows = synth_articles(n + batch)
    path = str(folder / "search.duckdb")
    con = duckdb.connect(path)
    con.execute("SET enable_progress_bar = false")
    init_schema(con)
    _insert(con, rows[:n])
    create_views(con)
    out = {"articles": n}
    first = refresh_search(con)
    out["first build s"] = first.seconds
    out["week indexes"] = len(first.rebuilt)
    out["nothing new s"] = refresh_search(con).seconds
    latest = max(r["published_at"] for r in rows[:n])
    batch_rows = [dict(r, published_at=latest) for r in rows[n:]]  # a run loads recent articles: one week
    _insert(con, batch_rows)
    create_views(con)
    one = refresh_search(con)
    out[f"+{batch} articles s"] = one.seconds
    out[f"+{batch} articles weeks rebuilt"] = len(one.rebuilt)
    con.execute("CHECKPOINT")
    con.close()
    word = rows[0]["text"].split()[3]
    started = time.perf_counter()
    found = search(path, word + " " + rows[0]["text"].split()[9])
    out["query s"] = round(time.perf_counter() - started, 3)
    out["query stories"] = len(found)
    out["file MB"] = round(Path(path).stat().st_size / 1e6, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        for key, value in run(args.articles, args.batch, Path(folder)).items():
            print(f"{key:>22}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
