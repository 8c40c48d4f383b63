"""Read a DuckDB file (or an open connection) in tests: one statement, all rows."""

from __future__ import annotations

import duckdb


def query(db, sql: str, params=None) -> list[tuple]:
    if isinstance(db, duckdb.DuckDBPyConnection):
        return db.execute(sql, params or []).fetchall()
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
