"""Backfill coverage bookkeeping: per source, day and method, what was found, loaded, failed, skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from forumwatch.db import connect, registered
from forumwatch.lake import statement
from forumwatch.resources import sql_text

COLUMNS = [
    "source_id",
    "day",
    "method",
    "found",
    "loaded",
    "failed",
    "out_of_range",
    "undated",
    "status",
    "note",
    "run_id",
    "updated_at",
]
Key = tuple[str, date, str]  # (source_id, day, method)


@dataclass
class Tally:
    found: int = 0
    loaded: int = 0
    failed: int = 0
    out_of_range: int = 0
    undated: int = 0
    retryable: bool = False  # a failure a rerun may fix (no response, 429, 5xx, discovery error)
    unavailable: bool = False  # the method had nothing to read (no sitemap configured or listed)
    notes: list[str] = field(default_factory=list)

    def add(self, outcome: str, retryable: bool = False) -> None:
        self.found += 1
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.retryable |= retryable

    @property
    def status(self) -> str:
        if self.retryable:
            return "failed"
        # not 'complete': a sitemap_url added later must make the next backfill read these days
        return "unavailable" if self.unavailable and self.found == 0 else "complete"


def is_retryable(status: int | None) -> bool:
    """A fetch failure worth retrying later: no response at all, 429 or a server error."""
    return status is None or status == 429 or status >= 500


def day_status(tally: Tally, day: date, now: datetime) -> str:
    """A day read before it was over (UTC) is 'open', not 'complete': pages published later that day (or on a
    future day) were not listed yet, so the next backfill reads it again."""
    return "open" if tally.status == "complete" and day >= now.date() else tally.status


def rows(tallies: dict[Key, Tally], run_id: str, now: datetime) -> list[dict]:
    return [
        {
            "source_id": sid,
            "day": day,
            "method": method,
            "found": t.found,
            "loaded": t.loaded,
            "failed": t.failed,
            "out_of_range": t.out_of_range,
            "undated": t.undated,
            "status": day_status(t, day, now),
            "note": "; ".join(dict.fromkeys(t.notes))[:1000] or None,
            "run_id": run_id,
            "updated_at": now,
        }
        for (sid, day, method), t in sorted(tallies.items())
    ]


def upsert(con: duckdb.DuckDBPyConnection, records: list[dict]) -> None:
    if not records:
        return
    with registered(con, "batch", pd.DataFrame(records, columns=COLUMNS)):
        con.execute(statement(con, "load/upsert_coverage.sql"))


def statuses(con: duckdb.DuckDBPyConnection, start: date, end: date) -> dict[Key, str]:
    found = con.execute(sql_text("load/coverage_status.sql"), {"start": start, "end": end}).fetchall()
    return {(sid, day, method): status for sid, day, method, status in found}


def read_statuses(db: str, start: date, end: date) -> dict[Key, str] | None:
    """Statuses from an existing database without writing anything; {} when there is no database
    or no coverage yet, None when it cannot be read now (a writer holds it)."""
    if not Path(db).is_file():
        return {}
    try:  # under the writer lock: a read-only open while a writer opens the file makes the writer fail
        with connect(db, read_only=True, wait_seconds=10) as con:
            try:
                return statuses(con, start, end)
            except duckdb.CatalogException:
                return {}
    except (TimeoutError, duckdb.Error):
        return None
