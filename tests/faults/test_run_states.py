"""Run states tell the truth: every source failed -> Failed and exit 1; some -> Partial and exit 3; dead runs
(their process gone) are marked interrupted by the next run."""

from __future__ import annotations

import socket
import subprocess
from datetime import datetime, timedelta

import pytest
from conftest import page, query, rss, write_sources
from webserver import serve

from forumwatch import cli
from forumwatch import db as fwdb
from forumwatch.tasks import runs

pytestmark = pytest.mark.usefixtures("prefect_harness", "fault_env")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_every_source_failed_is_failed_with_exit_1(tmp_path, capsys):
    port = closed_port()
    sources = write_sources(
        tmp_path / "sources.csv", [(f"Down {i}", f"http://127.0.0.1:{port}/feed{i}") for i in range(3)]
    )
    db = tmp_path / "fw.duckdb"
    code = cli.main(["ingest", "--sources", str(sources), "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 1 and "ingest failed: 0 of 3 sources ok, 3 failed" in out
    assert query(db, "SELECT status, n_sources_failed FROM runs") == [("failed", 3)]


def test_some_sources_failed_is_partial_with_exit_3_and_backfill_the_same(tmp_path, capsys):
    port = closed_port()
    with serve() as site:
        link = site.add("/a", page("A story that loads"))
        site.add("/feed", rss([("A story that loads", link)]), content_type="application/rss+xml")
        sources = write_sources(
            tmp_path / "sources.csv", [("Up", site.base + "/feed"), ("Down", f"http://127.0.0.1:{port}/feed")]
        )
        db = tmp_path / "fw.duckdb"
        code = cli.main(["ingest", "--sources", str(sources), "--db", str(db)])
        out = capsys.readouterr().out
        assert code == 3 and "ingest partial: 1 of 2 sources ok, 1 failed" in out
        assert query(db, "SELECT status FROM runs") == [("partial",)]
        assert query(db, "SELECT count(*) FROM articles") == [(1,)]

        code = cli.main(
            ["backfill", "--start", "2024-05-30", "--end", "2024-05-31", "--sources", str(sources), "--db", str(db)]
        )
        out = capsys.readouterr().out
        assert code == 3 and "backfill partial" in out, out
        assert query(db, "SELECT status FROM runs WHERE flow = 'backfill'") == [("partial",)]


def test_dead_runs_are_marked_interrupted(tmp_path):
    db = tmp_path / "fw.duckdb"
    gone = subprocess.Popen(["true"])
    gone.wait()  # its pid no longer runs
    me = runs.this_process()
    now = datetime.now()
    rows = [
        ("dead-here", me.host, gone.pid, None, now),
        ("reused-pid", me.host, me.pid, (me.started or 0) + 1, now),  # our pid, but another process's start time
        ("alive-here", me.host, me.pid, me.started, now),
        ("silent-elsewhere", "another-host", 1, None, now - timedelta(hours=7)),
        ("recent-elsewhere", "another-host", 1, None, now - timedelta(minutes=5)),
        ("no-pid-old", None, None, None, now - timedelta(days=2)),
    ]
    with fwdb.connect(db) as con:
        fwdb.init_schema(con)
        for run_id, host, pid, started, beat in rows:
            con.execute(
                "INSERT INTO runs (run_id, flow, started_at, status, host, pid, pid_started, heartbeat_at) "
                "VALUES (?, 'ingest', ?, 'running', ?, ?, ?, ?)",
                [run_id, beat, host, pid, started, beat],
            )
        closed = runs.mark_dead_runs(con, "current", now)
    assert sorted(closed) == ["dead-here", "no-pid-old", "reused-pid", "silent-elsewhere"]
    statuses = dict(query(db, "SELECT run_id, status FROM runs"))
    assert statuses["alive-here"] == statuses["recent-elsewhere"] == "running"
    assert statuses["dead-here"] == "interrupted"
    [(message,)] = query(db, "SELECT message FROM runs WHERE run_id = 'dead-here'")
    assert f"process {gone.pid}" in message


def test_a_run_records_its_process_and_the_next_run_closes_a_dead_one(tmp_path):
    from forumwatch.flows.ingest import ingest

    gone = subprocess.Popen(["true"])
    gone.wait()
    db = tmp_path / "fw.duckdb"
    with serve() as site:
        link = site.add("/a", page("Heartbeat story"))
        site.add("/feed", rss([("Heartbeat story", link)]), content_type="application/rss+xml")
        sources = write_sources(tmp_path / "sources.csv", [("Up", site.base + "/feed")])
        with fwdb.connect(db) as con:
            fwdb.init_schema(con)
            con.execute(
                "INSERT INTO runs (run_id, flow, started_at, status, host, pid) VALUES ('killed', 'ingest', now(), "
                "'running', ?, ?)",
                [runs.this_process().host, gone.pid],
            )
        state = ingest(sources=str(sources), db=str(db), return_state=True)
    assert state.is_completed()
    rows = dict(
        (r[0], r[1:]) for r in query(db, "SELECT run_id, status, host, pid, heartbeat_at IS NOT NULL FROM runs")
    )
    assert rows.pop("killed")[0] == "interrupted"
    [(status, host, pid, beat)] = rows.values()
    assert (status, host, beat) == ("completed", socket.gethostname(), True) and pid > 0
