"""Load the seed CSVs (topics, forums, people, agencies) into DuckDB tables analysts can join."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from forumwatch.db import registered

SEED_TABLES = ("topics", "forums", "people", "agencies", "places")


def read_seed(path: Path) -> pd.DataFrame:
    """A seed CSV as strings, blanks as NULL, header names stripped."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    return frame.astype(object).where(frame != "", None)


def load_seed_tables(con: duckdb.DuckDBPyConnection, seeds_dir: Path | None = None) -> None:
    """Replace the rows of topics, forums, people and agencies with the CSVs' (a missing CSV is skipped).

    The tables come from schema.sql; only the CSV columns the table has are loaded. Runs in the
    caller's transaction: wrap it in con.begin() / con.commit() for an atomic reload.
    """
    if seeds_dir is None:
        from forumwatch.resources import seeds_dir as default_seeds_dir

        seeds_dir = default_seeds_dir()
    for table in SEED_TABLES:
        path = Path(seeds_dir) / f"{table}.csv"
        if not path.is_file():
            continue
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        seed = read_seed(path)
        with registered(con, "seed_frame", seed[[c for c in seed.columns if c in columns]]):
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM seed_frame")
