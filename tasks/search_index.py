"""Keep the full-text search index (DuckDB FTS over mv_search_docs) in step with the articles."""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb

from forumwatch.resources import sql_text
from forumwatch.tasks.extensions import ExtensionMissing, load_extension

__all__ = ["ExtensionMissing", "IndexRefresh", "index_exists", "prepare_search", "refresh_search"]

FTS_SCHEMA = "fts_main_mv_search_docs"


@dataclass
class IndexRefresh:
    removed: int  # documents dropped (article gone or changed)
    added: int  # documents made (new or changed articles)
    rebuilt: bool  # whether the FTS index was rebuilt (only when documents changed, or it was missing)
    seconds: float


def prepare_search(con: duckdb.DuckDBPyConnection) -> None:
    """Load fts (from its wheel) and (re)create the term macros; needed before searching too."""
    load_extension(con, "fts")
    con.execute(sql_text("search/macros.sql"))


def index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT 1 FROM duckdb_schemas() WHERE schema_name = ?", [FTS_SCHEMA]).fetchall())


def refresh_search(con: duckdb.DuckDBPyConnection, force: bool = False) -> IndexRefresh:
    """Remake the documents of new, changed and removed articles, then rebuild the FTS index if any
    document changed (FTS has no incremental update: a rebuild reads every document); a run that loaded
    nothing new costs one comparison pass. Creates the search_stories macro over the index."""
    started = time.perf_counter()
    prepare_search(con)
    removed = con.execute(sql_text("search/docs_stale.sql")).fetchone()[0]
    added = con.execute(sql_text("search/docs_add.sql")).fetchone()[0]
    rebuild = force or bool(removed or added) or not index_exists(con)
    if rebuild:
        con.execute(
            "PRAGMA create_fts_index('mv_search_docs', 'article_id', 'terms', stemmer = 'none', "
            "stopwords = 'none', ignore = '\\s+', strip_accents = 0, lower = 0, overwrite = 1)"
        )
    con.execute(sql_text("search/stories.sql"))
    return IndexRefresh(removed, added, rebuild, round(time.perf_counter() - started, 3))
