"""Open the DuckDB file one writer at a time, check and migrate its schema, publish a read-only copy."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from forumwatch import lake
from forumwatch.rekey import rekey_paths
from forumwatch.resources import sql_text

log = logging.getLogger("forumwatch.db")
T = TypeVar("T")

SCHEMA_VERSION = 4  # bump when schema.sql changes in a way worth recording; columns are migrated either way


def _link_urls(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("load/migrate_v3_link_url.sql"))


# data migrations, run once on a file recorded below their version (3: articles.link_url of older rows;
# 4: ids and URLs of rows stored under a path not in normal form)
DATA_MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], object]] = {3: _link_urls, 4: rekey_paths}
CONNECTION_PREFIXES = ("md:", "motherduck:", "ducklake:")  # --db is a connection string only with one of these
DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 3 * 4096  # the file header and two database headers before the first block
# DuckDB must never fetch anything from the network (offline machines, hostile files asking for an extension)
NO_NETWORK_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class DatabaseError(RuntimeError):
    """The --db target cannot be used; the message says why, in one line."""


class DatabaseBusy(duckdb.IOException):
    """Another process kept the database file open past the wait; the message says what to do, in one line."""


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise DatabaseError(f"{name}={raw!r} is not a number of seconds") from None
    if not (0 <= value < 10**7):  # also refuses nan and inf
        raise DatabaseError(f"{name}={raw!r} must be between 0 and 10000000 seconds")
    return value


def lock_wait_seconds() -> float:
    """How long a writer waits for another writer (FORUMWATCH_LOCK_WAIT, default an hour)."""
    return _env_seconds("FORUMWATCH_LOCK_WAIT", 3600.0)


def reader_wait_seconds() -> float:
    """How long a writer waits for a reader's plain read-only open of the file (FORUMWATCH_READER_WAIT)."""
    return _env_seconds("FORUMWATCH_READER_WAIT", 300.0)


def is_local_path(db: str) -> bool:
    """A file path unless it starts with an explicit connection prefix ('md:', 'ducklake:');
    'fw-2023-10-01T06:00.duckdb' is a file."""
    return not str(db).lower().startswith(CONNECTION_PREFIXES)


def lock_path_for(db: str) -> Path:
    return Path(db).with_name(Path(db).name + ".lock")


@contextmanager
def writer_lock(db: str, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold an exclusive file lock beside the database; wait for it rather than fail."""
    if not is_local_path(db):
        yield
        return
    wait_seconds = lock_wait_seconds() if wait_seconds is None else wait_seconds
    lock_path = lock_path_for(db)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        _flock(handle, db, wait_seconds)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _flock(handle, db: str, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {wait_seconds:.0f}s for the write lock on {db}") from None
            time.sleep(0.05)


@contextmanager
def _reader_lock(db: str, wait_seconds: float) -> Iterator[None]:
    """The writer lock for a read-only open, when it can be had without creating anything: on a read-only
    filesystem, or where no writer ever ran, there is no lock file and the reader goes without."""
    try:
        handle = open(lock_path_for(db))  # never creates the file
    except OSError:
        yield
        return
    with handle:
        _flock(handle, db, wait_seconds)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_lock_conflict(exc: BaseException) -> bool:
    """DuckDB's refusal to open a file another process holds ('Could not set lock on file')."""
    text = str(exc)
    return isinstance(exc, duckdb.IOException) and ("Could not set lock" in text or "Conflicting lock" in text)


def open_duckdb(db: str, read_only: bool = False, wait_seconds: float | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with no extension downloads; while another process (an analyst's read-only session,
    outside our lock) holds the file, wait for it, bounded and logged, instead of failing at once."""
    config: dict[str, str | bool | int | float | list[str]] = (
        dict(NO_NETWORK_CONFIG) if is_local_path(db) else {"autoinstall_known_extensions": False}
    )
    wait_seconds = reader_wait_seconds() if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait_seconds
    warned = False
    delay = 0.05
    while True:
        try:
            if lake.is_lake(db):  # a DuckDB-file catalog is held by one process at a time, like our file
                return lake.open_lake(db, read_only=read_only, config=dict(NO_NETWORK_CONFIG))
            return duckdb.connect(db, read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() > deadline:
                raise DatabaseBusy(
                    f"{db} is held open by another process (waited {wait_seconds:.0f}s; "
                    f"{_first_line(exc)[:200]}): close that session (analysts read {read_copy_path(db).name}, "
                    "or open the file with -readonly) and run again"
                ) from None
            if not warned:
                log.warning(
                    "forumwatch: %s is held open by another process; waiting up to %.0fs (%s)",
                    db,
                    wait_seconds,
                    str(exc).splitlines()[0][:300],
                )
                warned = True
            time.sleep(delay)
            delay = min(1.0, delay * 2)


@contextmanager
def connect(
    db: str | Path, read_only: bool = False, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection held under the writer lock for as short as the caller needs. Read-only opens take the
    lock when its file exists (so they never trip a writer) and go without it otherwise (read-only
    filesystems). A plain read-only session opened outside the lock makes a writer wait, bounded."""
    db = str(db)
    wait_seconds = lock_wait_seconds() if wait_seconds is None else wait_seconds
    if is_local_path(db) and not read_only:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    lock = _reader_lock(db, wait_seconds) if read_only and is_local_path(db) else writer_lock(db, wait_seconds)
    with lock:
        con = open_duckdb(db, read_only=read_only)
        try:
            yield con
        finally:
            con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The first column of the first row of a query that always returns one (count(*), EXISTS, settings)."""
    row = con.execute(sql, params or []).fetchone()
    if row is None:
        raise LookupError(f"no row from: {sql}")
    return row[0]


# --- checking a target before any network work -------------------------------------------------


def write_transaction(
    db: str, what: str, work: Callable[[duckdb.DuckDBPyConnection], T], wait_seconds: float | None = None
) -> T:
    """`work(con)` in one write transaction of its own (under the writer lock on a file; on a DuckLake catalog
    serialized with other writers and run again from the start when another writer's commit conflicts)."""

    def attempt() -> T:
        with connect(db, wait_seconds=wait_seconds) as con:
            con.begin()
            lake.serialize(con)
            result = work(con)
            con.commit()
            return result

    return lake.retry_conflicts(attempt, what)


def check_target(db: str | Path, writable: bool = True) -> None:
    """Raise DatabaseError (one line) when `db` cannot be the forumwatch database: a directory, a file that is
    not DuckDB (text, SQLite), a truncated or corrupted DuckDB file, a schema newer than this code. A missing
    file is fine (a writer creates it). An older schema is fine too: connect + init_schema migrate it."""
    db = str(db)
    if lake.is_lake(db) and not writable:
        _check_lake(db)
    if not is_local_path(db):
        return
    path = Path(db)
    if path.is_dir():
        raise DatabaseError(f"--db {db} is a directory; give a DuckDB file path such as {path / 'forumwatch.duckdb'}")
    if not path.exists():
        if not writable:
            raise DatabaseError(f"no database at {db}")
        parent = path.parent if str(path.parent) else Path(".")
        if parent.exists() and not parent.is_dir():
            raise DatabaseError(f"--db {db}: {parent} is not a directory")
        return
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise DatabaseError(f"--db {db} cannot be read: {exc.strerror or exc}") from None
    if head.startswith(SQLITE_MAGIC):
        raise DatabaseError(f"--db {db} is a SQLite database, not a DuckDB file")
    if len(head) == 0:
        raise DatabaseError(f"--db {db} is an empty file, not a DuckDB database (remove it to start a new one)")
    if len(head) < 12 or head[8:12] != DUCKDB_MAGIC:
        raise DatabaseError(f"--db {db} is not a DuckDB database file")
    with _lock_if_free(db) as free:
        if not free:
            return  # a writer holds it right now: a live database, and opening it would make that writer wait
        needed, found = _inspect(db)
    size = path.stat().st_size
    if size < needed:
        raise DatabaseError(f"--db {db} is truncated: {size} bytes where its tables use {needed}")
    if found is not None and found > SCHEMA_VERSION:
        raise DatabaseError(
            f"--db {db} has schema version {found}, newer than this forumwatch's {SCHEMA_VERSION}: upgrade forumwatch"
        )


def _check_lake(db: str) -> None:
    """DatabaseError (one line) when a DuckLake catalog cannot be read: missing, unreachable, or written by a
    newer forumwatch. A writer creates a missing catalog, so only readers are checked."""
    try:
        con = open_duckdb(db, read_only=True, wait_seconds=0)
    except duckdb.Error as exc:
        if is_lock_conflict(exc):
            return  # a writer has its DuckDB catalog file open: it exists
        raise DatabaseError(f"--db {db}: cannot attach the DuckLake catalog: {_first_line(exc)}") from None
    try:
        found = recorded_schema_version(con)
    finally:
        con.close()
    if found is not None and found > SCHEMA_VERSION:
        raise DatabaseError(
            f"--db {db} has schema version {found}, newer than this forumwatch's {SCHEMA_VERSION}: upgrade forumwatch"
        )


def _inspect(db: str) -> tuple[int, int | None]:
    """(bytes the tables use, recorded schema version) of a DuckDB file; DatabaseError when it cannot be read."""
    try:
        con = open_duckdb(db, read_only=True, wait_seconds=0)
    except duckdb.Error as exc:
        if is_lock_conflict(exc):
            return 0, None  # another process has it open right now: it is a database
        if "read enough bytes" in str(exc):
            raise DatabaseError(f"--db {db} is truncated: {_first_line(exc)}") from None
        raise DatabaseError(f"--db {db} is damaged or unreadable: {_first_line(exc)}") from None
    try:
        found = recorded_schema_version(con)
        needed = _bytes_in_use(con)
    except duckdb.Error as exc:
        if "read enough bytes" in str(exc):
            raise DatabaseError(f"--db {db} is truncated: {_first_line(exc)}") from None
        raise DatabaseError(f"--db {db} is damaged or unreadable: {_first_line(exc)}") from None
    finally:
        con.close()
    return needed, found


@contextmanager
def _lock_if_free(db: str) -> Iterator[bool]:
    """Hold the writer lock while checking a file if it is free now (True); False if a writer holds it. No
    lock file (never written, or a read-only filesystem): True, without a lock."""
    try:
        handle = open(lock_path_for(db))  # never creates the file
    except OSError:
        yield True
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _bytes_in_use(con: duckdb.DuckDBPyConnection) -> int:
    """The file size the tables' data needs: header plus up to the highest block any column segment uses
    (read from the storage metadata, no table data)."""
    block_size = scalar(con, "SELECT block_size FROM pragma_database_size()")
    highest = -1
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    for schema, table in tables:
        name = f'"{schema}"."{table}"'.replace("'", "''")
        top = scalar(con, f"SELECT max(block_id) FROM pragma_storage_info('{name}')")
        if top is not None:
            highest = max(highest, int(top))
    return HEADER_BYTES + (highest + 1) * block_size if highest >= 0 else 0


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


# --- schema and migrations -----------------------------------------------------------------------


def recorded_schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The highest schema version recorded in the file; None when it has no schema_version table."""
    if not con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name = 'schema_version'"
    ).fetchall():
        return None
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return None if row is None or row[0] is None else int(row[0])


@lru_cache(maxsize=1)
def schema_columns() -> list[tuple[str, str, str, str | None, bool]]:
    """(table, column, type, default, nullable) of every column schema.sql creates, in declaration order,
    read from a scratch in-memory database."""
    scratch = duckdb.connect(":memory:", config=dict(NO_NETWORK_CONFIG))
    try:
        scratch.execute(sql_text("schema.sql"))
        return scratch.execute(
            "SELECT table_name, column_name, data_type, column_default, is_nullable FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
            "AND table_oid IN (SELECT table_oid FROM duckdb_tables()) ORDER BY table_oid, column_index"
        ).fetchall()
    finally:
        scratch.close()


def expected_columns() -> dict[str, list[tuple[str, str, str | None]]]:
    """(column, type, default) of every table schema.sql creates."""
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for table, column, data_type, default, _ in schema_columns():
        out.setdefault(table, []).append((column, data_type, default))
    return out


@lru_cache(maxsize=1)
def lake_schema_sql() -> str:
    """schema.sql's tables for a DuckLake catalog, which has no keys or indexes: the same columns, types,
    literal defaults and NOT NULLs."""
    tables: dict[str, list[str]] = {}
    for table, column, data_type, default, nullable in schema_columns():
        clause = (f" DEFAULT {default}" if default is not None else "") + ("" if nullable else " NOT NULL")
        tables.setdefault(table, []).append(f'"{column}" {data_type}{clause}')
    return "\n".join(f'CREATE TABLE IF NOT EXISTS "{t}" ({", ".join(cols)});' for t, cols in tables.items())


def migrate_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Add to existing tables every column schema.sql declares and the file lacks (a file written by an older
    forumwatch); 'table.column' of each column added."""
    present: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main'"
    ).fetchall():
        present.setdefault(table, set()).add(column)
    added = []
    for table, columns in expected_columns().items():
        if table not in present:
            continue  # schema.sql creates it
        for column, data_type, default in columns:
            if column in present[table]:
                continue
            clause = f" DEFAULT {default}" if default is not None else ""
            con.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" {data_type}{clause}')
            added.append(f"{table}.{column}")
    return added


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the file to the current schema: missing columns added, missing tables created, the version
    recorded. Idempotent; raises DatabaseError for a file written by a newer forumwatch."""
    found = recorded_schema_version(con)
    if found is not None and found > SCHEMA_VERSION:
        raise DatabaseError(f"database has schema version {found}, newer than this forumwatch's {SCHEMA_VERSION}")
    added = migrate_columns(con)
    if lake.is_lake_connection(con):  # one transaction: each DuckLake commit is a snapshot in the catalog
        con.begin()
        con.execute(lake_schema_sql())
        con.execute(sql_text("lake/writes.sql"))
        con.commit()
    else:
        con.execute(sql_text("schema.sql"))
    for version, migrate in sorted(DATA_MIGRATIONS.items()):
        if found is None or found < version:
            migrate(con)
    if found != SCHEMA_VERSION or added:
        from forumwatch import __version__

        con.execute(
            lake.statement(con, "load/record_schema_version.sql"),
            {
                "version": SCHEMA_VERSION,
                "applied_at": datetime.now(UTC).replace(tzinfo=None),
                "forumwatch_version": __version__,
                "note": (f"from version {found}" if found is not None else "first recorded")
                + (f"; added {', '.join(added)}" if added else ""),
            },
        )
        if added:
            log.warning("forumwatch: upgraded the database schema: added %s", ", ".join(added))


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str, params: dict | None = None):
    """Execute a statement from sql/ with bound parameters."""
    return con.execute(sql_text(relative), params or {})


# --- the read-only copy ---------------------------------------------------------------------------


def read_copy_path(db: str | Path) -> Path:
    source = Path(db)
    return source.with_name(source.stem + "-read" + source.suffix)


def _temp_prefix(target: Path) -> str:
    return target.name + ".tmp"


def clean_stale_temps(target: Path) -> list[Path]:
    """Remove temp files a killed or failed publication left beside the read copy (called under the writer
    lock, so no publication is under way). Links are removed, never followed."""
    removed = []
    for path in target.parent.glob(_temp_prefix(target) + "*"):
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
    return removed


def publish_read_copy(db: str | Path, target: str | Path | None = None) -> Path | None:
    """Copy the database to <name>-read.duckdb atomically so analysts can read during writes. The temp file is
    created new (O_EXCL: a planted file or link at its name is never followed), removed on any error (a full
    disk), and temps left by a killed publication are removed by the next one."""
    db = str(db)
    if not is_local_path(db):
        return None
    source = Path(db)
    target = Path(target) if target else read_copy_path(db)
    with writer_lock(db):
        clean_stale_temps(target)
        con = open_duckdb(db)
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
        fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(target), dir=target.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)  # rename replaces a link at `target` itself; under the lock: never older
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise OSError(exc.errno, f"no space left to publish the read copy {target}") from exc
            raise
    return target


@contextmanager
def bulk_writes(con: duckdb.DuckDBPyConnection, wal_limit: str = "1GB") -> Iterator[duckdb.DuckDBPyConnection]:
    """Let one connection commit many batches with few checkpoints, then checkpoint once at the end.
    Each commit is still durable (in the WAL); only the rewrite into the main file waits. DuckDB's
    default (16MB of WAL) checkpoints every few thousand articles, and those checkpoints cost more
    and more as the tables grow."""
    old = scalar(con, "SELECT current_setting('checkpoint_threshold')")
    con.execute(f"SET checkpoint_threshold = '{wal_limit}'")
    try:
        yield con
    finally:
        con.execute(f"SET checkpoint_threshold = '{old}'")
    con.execute("CHECKPOINT")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame) -> Iterator[duckdb.DuckDBPyConnection]:
    """Expose a table (Arrow, or a DataFrame) to SQL as `name` for the duration of the block."""
    con.register(name, frame)
    try:
        yield con
    finally:
        con.unregister(name)


def arrow_rows(rows: Iterable[Mapping], columns: Sequence[str]) -> pa.Table:
    """Rows as an Arrow table for `registered` (a missing key or None is NULL). DuckDB reads Arrow without
    looking at every value, where a DataFrame of Python objects costs it a scan per column."""
    rows = list(rows)
    return pa.table({c: [r.get(c) for r in rows] for c in columns})


def arrow_columns(**columns: Sequence) -> pa.Table:
    """Equal-length lists (or arrays) as an Arrow table for `registered`."""
    return pa.table(dict(columns))


IN_LIST_MAX = 500  # ids looked up by in_list's constant IN list at most: from ~1,000 a join of the table is cheaper


def in_list(query: str, *id_lists: list) -> tuple[str, list]:
    """`query` (its comment lines left out) with each $ids replaced by one ? per id of the next list, and the ids as
    its parameters: a constant IN list is pushed into the table scan, where a join or `= ANY($list)` is not."""
    query = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("--"))
    params: list = []
    for ids in id_lists:
        query = query.replace("$ids", ", ".join("?" * len(ids)), 1)
        params += ids
    return query, params
