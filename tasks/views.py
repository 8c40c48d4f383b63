"""The analysts' views (sql/views.sql) and the mv_* tables behind the costly ones, rebuilt only when what
they are built from changed."""

from __future__ import annotations

import hashlib
from datetime import datetime

import duckdb

from forumwatch.resources import seeds_dir, sql_text


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view in sql/views.sql and rebuild the mv_* tables behind the costly ones
    (article facts, topic tags, stories, daily and weekly coverage) from the current data. Every flow
    run calls it as it ends (flows.steps.finish_run), retag after re-tagging; it takes seconds over a
    million articles."""
    con.execute(sql_text("views.sql"))


def has_views(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND view_name = 'article_facts'"
        ).fetchall()  # fetchall: no result left open
    )


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """create_views on a database that has no views yet; otherwise leave the views and their mv_*
    tables as the last run's end made them (flows.steps.prepare_run: a run pays one rebuild, not two)."""
    if not has_views(con):
        create_views(con)


SEED_FILES = ("topics.csv", "forums.csv", "people.csv", "agencies.csv")


def inputs_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """sha1 over views.sql, the seed CSVs and content stamps of articles, stories and sources."""
    digest = hashlib.sha1(sql_text("views.sql").encode("utf-8"))
    for name in SEED_FILES:
        path = seeds_dir() / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    stamps = con.execute(sql_text("load/views_fingerprint.sql")).fetchone()
    digest.update(repr(stamps).encode())
    return digest.hexdigest()


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT fingerprint FROM view_inputs WHERE name = 'views'").fetchone()
    return row[0] if row else None


def refresh_views(con: duckdb.DuckDBPyConnection, run_id: str | None, now: datetime, force: bool = False) -> bool:
    """Run views.sql (rebuilding every mv_* table) unless the views exist and their inputs' fingerprint
    is the one stored at the last rebuild. Returns whether it rebuilt. Runs in the caller's transaction."""
    fingerprint = inputs_fingerprint(con)
    if not force and has_views(con) and stored_fingerprint(con) == fingerprint:
        return False
    create_views(con)
    con.execute("DELETE FROM view_inputs WHERE name = 'views'")  # no INSERT OR REPLACE: DuckLake has no keys
    con.execute(
        "INSERT INTO view_inputs (name, fingerprint, rebuilt_at, run_id) VALUES ('views', ?, ?, ?)",
        [fingerprint, now, run_id],
    )
    return True
