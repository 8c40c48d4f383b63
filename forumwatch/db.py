"""Open the DuckDB file one writer at a time, create the schema, publish a read-only copy."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from forumwatch.resources import sql_text

LOCK_WAIT_SECONDS = float(os.environ.get("FORUMWATCH_LOCK_WAIT", "3600"))


def is_local_path(db: str) -> bool:
    """False for connection strings such as 'md:mydb' or 'ducklake:...'."""
    return ":" not in db.split("/", 1)[0] or db.startswith("/") or (len(db) > 1 and db[1] == ":")


@contextmanager
def writer_lock(db: str, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive file lock beside the database; wait for it rather than fail."""
    if not is_local_path(db):
        yield
        return
    lock_path = Path(db).with_name(Path(db).name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"waited {wait_seconds:.0f}s for the write lock on {db}") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def connect(
    db: str | Path, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection held under the writer lock for as short as the caller needs. Read-only opens of
    the main file take the lock too: DuckDB refuses a read-write open while another process holds
    the file read-only, and the other way round. Analysts who must not wait read the published copy."""
    db = str(db)
    if is_local_path(db) and not read_only:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(db, wait_seconds):
        con = duckdb.connect(db, read_only=read_only)
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


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("schema.sql"))


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str, params: dict | None = None):
    """Execute a statement from sql/ with bound parameters."""
    return con.execute(sql_text(relative), params or {})


def publish_read_copy(db: str | Path, target: str | Path | None = None) -> Path | None:
    """Copy the database to forumwatch-read.duckdb atomically so analysts can read during writes."""
    db = str(db)
    if not is_local_path(db):
        return None
    source = Path(db)
    target = Path(target) if target else source.with_name(source.stem + "-read" + source.suffix)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    with writer_lock(db):
        con = duckdb.connect(db)
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)  # under the lock too, so an older copy never replaces a newer one
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
    """Expose a DataFrame to SQL as `name` for the duration of the block."""
    con.register(name, frame)
    try:
        yield con
    finally:
        con.unregister(name)
