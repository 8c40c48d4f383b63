"""The analysts' views (sql/views.sql) and the mv_* tables behind the costly ones."""

from __future__ import annotations

import duckdb

from forumwatch.resources import sql_text


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view in sql/views.sql and rebuild the mv_* tables behind the costly ones
    (article facts, topic tags, stories, daily and weekly coverage) from the current data. Every flow
    run calls it as it ends (flows.steps.finish_run), retag after re-tagging; it takes seconds over a
    million articles."""
    con.execute(sql_text("views.sql"))


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """create_views on a database that has no views yet; otherwise leave the views and their mv_*
    tables as the last run's end made them (flows.steps.prepare_run: a run pays one rebuild, not two)."""
    if not con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND view_name = 'article_facts'"
    ).fetchall():  # fetchall: no result left open
        create_views(con)
