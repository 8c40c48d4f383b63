"""DuckLake catalogs (`--db ducklake:...`): attached to an in-memory DuckDB whose extensions come from their
wheels, and the retry of a transaction another writer of the same catalog made conflict."""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import duckdb

from forumwatch.resources import sql_dir, sql_text
from forumwatch.wheels import load_extension

log = logging.getLogger("forumwatch.lake")

PREFIX = "ducklake:"
ALIAS = "lake"  # the name the catalog is attached under (and made the default with USE)
# the catalog database's kind (after `ducklake:`) -> the DuckDB extension that reads it; a bare path is DuckDB
CATALOG_EXTENSIONS = {"postgres:": "postgres", "sqlite:": "sqlite", "mysql:": "mysql"}
DATA_PATH_ENV = "FORUMWATCH_LAKE_DATA_PATH"  # where a new catalog keeps its Parquet files (the catalog remembers)
RETRIES_ENV = "FORUMWATCH_LAKE_RETRIES"
NO_SEARCH = (
    "a DuckLake catalog holds no FTS index or macro (DuckLake supports neither); `forumwatch search` needs "
    "a DuckDB file (README: The database: MotherDuck or DuckLake)"
)
T = TypeVar("T")
P = ParamSpec("P")


def is_lake(db: str) -> bool:
    return str(db).lower().startswith(PREFIX)


def catalog_extension(db: str) -> str | None:
    """The extension the catalog database needs beside ducklake (postgres for `ducklake:postgres:...`)."""
    rest = str(db)[len(PREFIX) :].lower()
    return next((ext for kind, ext in CATALOG_EXTENSIONS.items() if rest.startswith(kind)), None)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attach_statement(db: str, read_only: bool = False, data_path: str | None = None) -> str:
    """ATTACH of the catalog as `lake`, with its DATA_PATH (first attach of a new catalog) and READ_ONLY."""
    options = []
    if data_path:
        options.append(f"DATA_PATH {_quoted(data_path)}")
    if read_only:
        options.append("READ_ONLY")
    return f"ATTACH {_quoted(str(db))} AS {ALIAS}" + (f" ({', '.join(options)})" if options else "")


def _attached(db: str, read_only: bool, data_path: str | None, config: dict | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=config or {})
    try:
        load_extension(con, "ducklake")
        extra = catalog_extension(db)
        if extra:
            load_extension(con, extra)
        con.execute(attach_statement(db, read_only, data_path))
        con.execute(f"USE {ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


_shared: dict[tuple[str, bool, str | None], duckdb.DuckDBPyConnection] = {}
_shared_lock = threading.Lock()


def open_lake(db: str, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the catalog, attached as `lake` to an in-memory DuckDB. The
    ducklake (and catalog) extensions are loaded from their wheels, never downloaded. A catalog on a server
    (postgres:, mysql:) is attached once per process and each call gets a cursor of it (loading the
    extensions and attaching costs seconds); a DuckDB catalog file is attached per call and let go on close,
    as its file lock keeps every other process out while it is attached."""
    data_path = os.environ.get(DATA_PATH_ENV) or None
    if catalog_extension(db) in (None, "sqlite"):
        return _attached(db, read_only, data_path, config)
    key = (str(db), read_only, data_path)
    with _shared_lock:
        base = _shared.get(key)
        if base is None:
            base = _shared[key] = _attached(db, read_only, data_path, config)
    cursor = base.cursor()
    cursor.execute(f"USE {ALIAS}")
    return cursor


def is_lake_connection(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection's default database is a DuckLake catalog."""
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row is not None and row[0] == "ducklake"


def statement(con: duckdb.DuckDBPyConnection, relative: str) -> str:
    """The text of sql/<relative>, or of its DuckLake form sql/lake/<relative> on a lake connection (where
    there are no keys for ON CONFLICT: MERGE INTO instead)."""
    if (sql_dir() / "lake" / relative).is_file() and is_lake_connection(con):
        return sql_text(f"lake/{relative}")
    return sql_text(relative)


def is_conflict(exc: BaseException) -> bool:
    """DuckLake's refusal to commit a transaction that conflicts with one another writer committed first."""
    text = str(exc)
    return isinstance(exc, duckdb.Error) and "DuckLake" in text and ("onflict" in text or "retry count" in text)


def retries() -> int:
    raw = os.environ.get(RETRIES_ENV, "30")
    try:
        return max(0, min(1000, int(raw)))
    except ValueError:
        return 30


def retry_conflicts(work: Callable[[], T], what: str) -> T:
    """Run `work` (one whole transaction: read, write, commit) again while DuckLake reports a conflict with
    another writer's commit: each attempt reads the catalog as it is now. Waits grow, with jitter."""
    attempts = retries()
    for attempt in range(attempts + 1):
        try:
            return work()
        except duckdb.Error as exc:
            if not is_conflict(exc) or attempt >= attempts:
                raise
            wait = min(2.0, 0.05 * 1.5**attempt) * (0.5 + random.random())
            log.warning("forumwatch: %s conflicted with another writer; retry %d in %.2fs", what, attempt + 1, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


def retrying(what: str) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Decorator: the function is one whole transaction, run again by retry_conflicts on a conflict."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            return retry_conflicts(lambda: function(*args, **kwargs), what)

        return wrapper

    return decorate


def serialize(con: duckdb.DuckDBPyConnection) -> None:
    """On a lake, bump the one row of lake_writes inside the caller's transaction: DuckLake lets two
    transactions that only insert commit side by side (two writers would both insert the same new article), but
    two that update one row conflict, so the later commit fails and retry_conflicts runs it again on the
    catalog as the first left it. A no-op on a DuckDB file (its writers are serialized by our lock)."""
    if is_lake_connection(con):
        con.execute("UPDATE lake_writes SET n = n + 1")
