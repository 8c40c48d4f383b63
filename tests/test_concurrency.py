"""A daily ingest and a backfill started at the same moment, in separate processes, on one DuckDB file."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from forumwatch import db as fwdb

ROOT = Path(__file__).resolve().parents[1]
FAILURES = ("database is locked", "Could not set lock", "Conflicting lock", "TimeoutError")
INGEST_SOURCES = ("Asian Lite News", "Meridian Herald", "Capital Wire Daily")
BACKFILL_SOURCES = ("Capital Wire Daily", "NewsLoop Gulf", "The Eastern Bulletin")  # one source in both
START, END = "2023-10-30", "2023-11-01"  # every dated snapshot page


def subset(sources: Path, names: tuple[str, ...], target: Path) -> Path:
    with open(sources, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(target, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["name"] in names)
    return target


def running_flows(api: httpx.Client) -> set[str]:
    """Names of the top-level flows the Prefect server has in the RUNNING state."""
    runs = api.post(
        "/flow_runs/filter",
        json={"flow_runs": {"state": {"type": {"any_": ["RUNNING"]}}, "parent_task_run_id": {"is_null_": True}}},
    ).json()
    names = {f["id"]: f["name"] for f in api.post("/flows/filter", json={}).json()}
    return {names[r["flow_id"]] for r in runs}


def read_copy_count(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


@pytest.mark.concurrency
@pytest.mark.timeout(420)
def test_ingest_and_backfill_at_once_lose_nothing(prefect_api, tmp_path, snapshot_sources, expected_pages):
    db = tmp_path / "fw.duckdb"
    read_copy = tmp_path / "fw-read.duckdb"
    with fwdb.connect(db) as con:  # an empty database and its read-only copy, as after a first deploy
        fwdb.init_schema(con)
    fwdb.publish_read_copy(db)
    # both processes report to one Prefect server, as a worker's daily run and a person's backfill would
    env = {**prefect_api, "FORUMWATCH_CRAWL_DELAY": "0", "FORUMWATCH_EXTRACT_WORKERS": "1"}
    commands = {
        "ingest": [
            sys.executable,
            "-m",
            "forumwatch.cli",
            "ingest",
            "--db",
            str(db),
            "--sources",
            str(subset(snapshot_sources, INGEST_SOURCES, tmp_path / "ingest.csv")),
        ],
        "backfill": [
            sys.executable,
            "-m",
            "forumwatch.cli",
            "backfill",
            "--start",
            START,
            "--end",
            END,
            "--db",
            str(db),
            "--sources",
            str(subset(snapshot_sources, BACKFILL_SOURCES, tmp_path / "backfill.csv")),
        ],
    }
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    handles = {name: open(log, "w") for name, log in logs.items()}
    procs = {
        name: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handles[name], stderr=subprocess.STDOUT)
        for name, cmd in commands.items()
    }
    api = httpx.Client(base_url=env["PREFECT_API_URL"], timeout=10)
    both_running, reads = False, 0
    try:
        with fwdb.writer_lock(str(db)):  # hold the database until both flows run, so they contend for it
            while not both_running and all(p.poll() is None for p in procs.values()):
                both_running = running_flows(api) == {"ingest", "backfill"}
                reads += read_copy_count(read_copy) == 0  # analysts read the copy while a writer holds the file
                time.sleep(0.2)
        for p in procs.values():
            p.wait(timeout=300)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        for handle in handles.values():
            handle.close()
    outputs = {name: log.read_text() for name, log in logs.items()}
    for name, p in procs.items():
        assert p.returncode == 0, f"{name} failed:\n{outputs[name][-4000:]}"
        assert not [f for f in FAILURES if f in outputs[name]], outputs[name][-4000:]
    assert both_running and reads > 0

    in_range = lambda p: p["published_at_utc"] and START <= p["published_at_utc"][:10] <= END  # noqa: E731
    wanted = {
        p["path"]
        for p in expected_pages["pages"]
        if p["status"] == 200
        and (p["source_name"] in INGEST_SOURCES or (p["source_name"] in BACKFILL_SOURCES and in_range(p)))
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        urls = [r[0] for r in con.execute("SELECT url FROM articles").fetchall()]
        runs = con.execute("SELECT flow, status FROM runs ORDER BY flow").fetchall()
        ani = con.execute("""SELECT s.n_articles, s.n_outlets FROM stories s JOIN articles a USING (story_id)
                             WHERE a.url LIKE '%china-russia-ready-to-tackle%'""").fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM articles WHERE story_id NOT IN (SELECT story_id FROM stories)"
        ).fetchone()[0]
    finally:
        con.close()
    assert len(urls) == len(set(urls)) == len(wanted)  # the union, each URL once
    assert {u.split("/", 3)[3] for u in urls} == {p.lstrip("/") for p in wanted}
    assert runs == [("backfill", "completed"), ("ingest", "completed")]
    assert ani == [(4, 4)] and orphans == 0  # copies loaded by two processes still form one story
    assert read_copy_count(read_copy) == len(wanted)  # the last publish holds both runs
