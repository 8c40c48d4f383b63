"""Does a change to the load path keep the database contents? Load the bench corpus (shuffled, as load_cpu does)
with this tree's code, then compare two such loads table by table (EXCEPT ALL both ways; wall-clock columns left
out) and the search terms made ahead.

cd /work/main && PYTHONPATH=. .venv/bin/python -m bench.load_same load /tmp/x/main.duckdb
cd <branch> && .venv/bin/python -m bench.load_same load /tmp/x/branch.duckdb
.venv/bin/python -m bench.load_same compare /tmp/x/main.duckdb /tmp/x/branch.duckdb   # exit 1 when they differ
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import duckdb

from bench.load_cpu import bench_pages, load_once
from forumwatch.tasks import search_index

TABLES = ["articles", "stories", "article_signatures", "article_bands", "story_features", "story_links"]
TABLES += ["article_topics", "article_forums", "article_people", "fetches"]
WALL_CLOCK = {"updated_at", "linked_at", "first_seen_at", "loaded_at", "run_id"}


def load(out: Path, workdir: Path, batch: int, shuffle: int) -> None:
    folder = Path(tempfile.mkdtemp(dir=workdir))
    load_once(bench_pages(workdir, 2000, 100, shuffle), folder, batch, defaultdict(float))
    shutil.move(folder / "load.duckdb", out)
    out.with_suffix(".terms.pkl").write_bytes(pickle.dumps(dict(search_index.KNOWN_TERMS)))
    shutil.rmtree(folder)


def differences(a: Path, b: Path) -> int:
    """Rows in one database and not the other, printed per table; the search terms made ahead count as one."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    total = 0
    for table in TABLES:
        names = [d[0] for d in con.execute(f"SELECT * FROM a.{table} LIMIT 0").description]
        columns = ", ".join(f'"{c}"' for c in names if c not in WALL_CLOCK)
        counts = [
            con.execute(
                f"SELECT count(*) FROM (SELECT {columns} FROM {x}.{table} EXCEPT ALL SELECT {columns} FROM {y}.{table})"
            ).fetchone()[0]  # noqa: E501
            for x, y in (("a", "b"), ("b", "a"))
        ]
        total += sum(counts)
        print(f"{table:20s} only in the first {counts[0]}, only in the second {counts[1]}")
    same_terms = pickle.loads(a.with_suffix(".terms.pkl").read_bytes()) == pickle.loads(
        b.with_suffix(".terms.pkl").read_bytes()
    )
    print(f"search terms made ahead: {'the same' if same_terms else 'DIFFERENT'}")
    return total + (not same_terms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["load", "compare"])
    parser.add_argument("paths", type=Path, nargs="+")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "fw-load-cpu")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--shuffle", type=int, default=1)
    args = parser.parse_args()
    if args.action == "load":
        load(args.paths[0], args.workdir, args.batch, args.shuffle)
        return
    found = differences(args.paths[0], args.paths[1])
    print("the same" if not found else f"{found} differences")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
