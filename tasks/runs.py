"""The `runs` table's lifecycle: who runs a run (host, pid), its heartbeat, closing it, finding dead ones."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from forumwatch.resources import sql_text

STALE_RUN_SECONDS = 6 * 3600.0  # a run on another host with no heartbeat for this long is taken as dead


@dataclass(frozen=True)
class Process:
    host: str
    pid: int
    started: int | None  # clock ticks since boot (/proc/PID/stat field 22); None where there is no /proc


def process_started(pid: int) -> int | None:
    """Start time of a process in clock ticks since boot, or None (no such process, or no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    try:
        return int(stat[stat.rindex(")") + 2 :].split()[19])  # fields after "pid (comm)": state is field 3
    except (ValueError, IndexError):
        return None


def this_process() -> Process:
    return Process(socket.gethostname(), os.getpid(), process_started(os.getpid()))


def pid_alive(pid: int, started: int | None) -> bool:
    """True if that process still runs here (and is the same process, when its start time is known)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if started is not None and os.path.isdir("/proc"):
        return process_started(pid) == started
    return True


def heartbeat(con: duckdb.DuckDBPyConnection, run_id: str, now: datetime) -> None:
    con.execute("UPDATE runs SET heartbeat_at = ? WHERE run_id = ? AND status = 'running'", [now, run_id])


def close_run(con: duckdb.DuckDBPyConnection, run_id: str, now: datetime, status: str, message: str) -> None:
    """Mark a still-running run failed or interrupted; a run already closed keeps its outcome."""
    con.execute(
        sql_text("load/close_run.sql"),
        {"run_id": run_id, "finished_at": now, "status": status, "message": message[:2000]},
    )


def dead_runs(
    con: duckdb.DuckDBPyConnection, current_run_id: str, now: datetime, stale_seconds: float = STALE_RUN_SECONDS
) -> list[tuple[str, str]]:
    """(run_id, why) of the runs marked running whose process is gone: on this host, its pid no longer runs
    (or is another process now); elsewhere (or with no pid recorded), no heartbeat for stale_seconds."""
    me = this_process()
    out = []
    rows = con.execute(sql_text("load/running_runs.sql"), {"run_id": current_run_id}).fetchall()
    for run_id, _flow, host, pid, started, last_seen in rows:
        if host == me.host and pid is not None:
            if not pid_alive(int(pid), started):
                out.append((run_id, f"process {pid} on {host} is gone"))
        elif last_seen is None or now - last_seen > timedelta(seconds=stale_seconds):
            out.append((run_id, f"no heartbeat since {last_seen} (host {host or 'unknown'})"))
    return out


def mark_dead_runs(
    con: duckdb.DuckDBPyConnection, current_run_id: str, now: datetime, stale_seconds: float = STALE_RUN_SECONDS
) -> list[str]:
    """Close every dead run as interrupted (see dead_runs); the run ids closed."""
    closed = []
    for run_id, why in dead_runs(con, current_run_id, now, stale_seconds):
        close_run(con, run_id, now, "interrupted", f"interrupted: {why}; found by run {current_run_id}")
        closed.append(run_id)
    return closed
