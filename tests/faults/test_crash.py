"""Crash safety and overlap: `forumwatch ingest` as real subprocesses.

- SIGKILL in the middle of the loads, rerun: the database equals an uninterrupted run's (by content).
- The raw WARC archive of the killed run stays readable (a torn last record is skipped, no exception).
- Two ingests at once into one database: both finish; nothing lost, nothing duplicated.

One corpus (three outlets, 20 pages each, some syndicated copies of one another) is served by three
identical servers on three loopback addresses, so the killed run, the reference run and the overlapping
pair run at the same time without sharing a request log; URLs are compared with the base replaced.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from conftest import article_html, content_snapshot, harness_env, prose, query, rss, write_sources
from webserver import serve

from forumwatch.tasks.warc import iter_responses

pytestmark = pytest.mark.usefixtures("prefect_harness")

OUTLETS = ("Crash Herald", "Crash Courier", "Crash Ledger")
PAGES_PER_OUTLET = 20
TOTAL_PAGES = len(OUTLETS) * PAGES_PER_OUTLET
KILL_AFTER_PAGES = TOTAL_PAGES * 2 // 3  # with the 0.5 s crawl delay: ~20 s of fetching in, after some loads
# One host serves a corpus's three outlets, so the crawl delay paces each run. The run to kill needs the most time
# (its extraction and loads lag its fetches on a busy machine); the overlapping pair less (they start together);
# the reference run and the rerun after the kill only have to finish.
KILL_DELAY, OVERLAP_DELAY, FINISH_DELAY = "0.5", "0.25", "0"
FORUMWATCH = str(Path(sys.executable).with_name("forumwatch"))


def build_corpus(site, delay: float) -> list[tuple[str, str]]:
    """Every 4th story of the first outlet is republished (new headline, an extra line) by the others."""
    sources = []
    for o, outlet in enumerate(OUTLETS):
        links = []
        for i in range(PAGES_PER_OUTLET):
            syndicated = i % 4 == 0 and o > 0
            seed = f"{OUTLETS[0]}-{i}" if syndicated else f"{outlet}-{i}"
            paragraphs = prose(seed, paragraphs=6)
            if syndicated:
                paragraphs = [f"{outlet} republishes this wire report."] + paragraphs
            title = f"{outlet} {'copy of ' if syndicated else ''}story {i}"
            path = f"/{o}/story-{i}"
            # a copy is published minutes after the original: the story's representative is the original
            date = f"2024-05-31T09:{o if syndicated else 0:02d}:00+00:00"
            site.add(path, article_html(title, paragraphs, date=date), delay=delay)
            links.append((title, site.base + path))
        site.add(f"/{o}/feed", rss(links), content_type="application/rss+xml")
        sources.append((outlet, f"{site.base}/{o}/feed"))
    return sources


def _port_free_on(hosts: list[str]) -> int:
    """A port free on every one of `hosts`, so the three corpus servers differ only by address."""
    for _ in range(50):
        s = socket.socket()
        s.bind((hosts[0], 0))
        port = s.getsockname()[1]
        s.close()
        ok = True
        for host in hosts:
            t = socket.socket()
            try:
                t.bind((host, port))
            except OSError:
                ok = False
            finally:
                t.close()
        if ok:
            return port
    raise RuntimeError("no common free port")


def loads_completed(sources: Path) -> int:
    """Finished load_pages task runs of the ingest flow run reading this sources file (the harness's Prefect API)."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        TaskRunFilter,
        TaskRunFilterFlowRunId,
        TaskRunFilterName,
        TaskRunFilterState,
        TaskRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    with get_client(sync_client=True) as client:
        mine = [r.id for r in client.read_flow_runs(limit=50) if r.parameters.get("sources") == str(sources)]
        if not mine:
            return 0
        done = client.read_task_runs(
            task_run_filter=TaskRunFilter(
                flow_run_id=TaskRunFilterFlowRunId(any_=mine),
                name=TaskRunFilterName(like_="load_pages"),
                state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.COMPLETED])),
            )
        )
    return len(done)


def ingest_cmd(sources: Path, db: Path) -> list[str]:
    return [FORUMWATCH, "ingest", "--sources", str(sources), "--db", str(db)]


def start(cmd: list[str], log: Path, env: dict) -> subprocess.Popen:
    # a new session: the process group holds the flow and its extraction workers, killed together
    return subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, start_new_session=True)


def normalized(snapshot: dict, base: str) -> dict:
    def norm(value):
        if isinstance(value, str):  # the URL, and the host:port trafilatura takes as the sitename
            return value.replace(base, "BASE").replace(base.split("//", 1)[1], "HOST")
        if isinstance(value, (list, tuple)):
            return type(value)(norm(v) for v in value)
        return value

    return {table: sorted((norm(row) for row in rows), key=repr) for table, rows in snapshot.items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_harness):
    tmp = tmp_path_factory.mktemp("crash")
    # the harness's Prefect server is SQLite: under load it answers 503 for a moment; the client retries
    env = harness_env(
        {
            "FORUMWATCH_BATCH_SIZE": "5",
            "FORUMWATCH_CRAWL_DELAY": KILL_DELAY,
            "FORUMWATCH_EXTRACT_WORKERS": "1",
            "PREFECT_CLIENT_MAX_RETRIES": "12",
        }
    )
    hosts = ["127.0.2.1", "127.0.2.2", "127.0.2.3"]
    out: dict = {"tmp": tmp}
    with ExitStack() as stack:
        port = _port_free_on(hosts)
        crash_site, ref_site, overlap_site = (stack.enter_context(serve(h, port=port)) for h in hosts)
        paths = {}
        for name, site, delay in (("crash", crash_site, 0.1), ("ref", ref_site, 0.0), ("overlap", overlap_site, 0.05)):
            paths[name] = write_sources(tmp / f"{name}.csv", build_corpus(site, delay))
            (tmp / name).mkdir()
            out[f"{name}_base"] = site.base
        crash_db, ref_db, overlap_db = (
            tmp / "crash" / "fw.duckdb",
            tmp / "ref" / "fw.duckdb",
            tmp / "overlap" / "fw.duckdb",
        )
        out.update(crash_db=crash_db, ref_db=ref_db, overlap_db=overlap_db)

        # at most three flows at once (2 cores): the run to kill and the overlapping pair, then the rerun
        # and the reference run
        killed = start(ingest_cmd(paths["crash"], crash_db), tmp / "killed.log", env)
        overlap_env = {**env, "FORUMWATCH_CRAWL_DELAY": OVERLAP_DELAY}
        pair = [start(ingest_cmd(paths["overlap"], overlap_db), tmp / f"overlap{i}.log", overlap_env) for i in (1, 2)]

        def page_requests() -> int:
            return sum(1 for p, _ in list(crash_site.requests) if "/story-" in p)

        deadline = time.monotonic() + 150
        while page_requests() < KILL_AFTER_PAGES and killed.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        # on a busy machine the loads lag the fetches: the kill waits for the run's first finished load too
        while not loads_completed(paths["crash"]) and killed.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert killed.poll() is None, "the run finished before it could be killed: " + (tmp / "killed.log").read_text()
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(10)
        out["killed_rc"] = killed.returncode
        out["requests_at_kill"] = page_requests()
        out["at_kill"] = query(crash_db, "SELECT count(*) FROM articles")[0][0] if crash_db.exists() else 0
        # the archive as the kill left it, before the rerun adds files
        out["warc_after_kill"] = tmp / "warc-after-kill"
        shutil.copytree(crash_db.parent / "raw", out["warc_after_kill"])

        fast = {**env, "FORUMWATCH_CRAWL_DELAY": FINISH_DELAY}
        rerun = start(ingest_cmd(paths["crash"], crash_db), tmp / "rerun.log", fast)
        ref = start(ingest_cmd(paths["ref"], ref_db), tmp / "ref.log", fast)
        for name, proc in (("ref", ref), ("overlap1", pair[0]), ("overlap2", pair[1]), ("rerun", rerun)):
            try:
                out[f"{name}_rc"] = proc.wait(240)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out[f"{name}_rc"] = "timeout"
        out["logs"] = {p.stem: p.read_text(errors="replace")[-3000:] for p in tmp.glob("*.log")}
        yield out


def test_the_kill_landed_in_the_middle_of_the_loads(runs):
    assert runs["killed_rc"] == -signal.SIGKILL
    assert 0 < runs["at_kill"] < TOTAL_PAGES, runs["at_kill"]


def test_rerun_after_sigkill_equals_an_uninterrupted_run(runs):
    assert runs["ref_rc"] == 0, runs["logs"]["ref"]
    assert runs["rerun_rc"] == 0, runs["logs"]["rerun"]
    ref = normalized(content_snapshot(runs["ref_db"]), runs["ref_base"])
    crashed = normalized(content_snapshot(runs["crash_db"]), runs["crash_base"])
    assert len(ref["articles"]) == TOTAL_PAGES
    assert any(row[6] > 1 for row in ref["stories"]), "the corpus should hold syndicated copies"
    for table in ref:
        assert crashed[table] == ref[table], table
    # the killed run's process is gone: the rerun marked its row interrupted, then completed
    statuses = sorted(s for (s,) in query(runs["crash_db"], "SELECT status FROM runs"))
    assert statuses == ["completed", "interrupted"]


def test_warc_archive_readable_after_the_kill(runs):
    files = sorted(Path(runs["warc_after_kill"]).glob("*.warc.gz"))
    assert files
    n = sum(1 for f in files for _ in iter_responses(f))  # never raises
    assert n >= runs["at_kill"]


def test_torn_last_warc_record_is_skipped(runs, tmp_path):
    source = max(Path(runs["crash_db"].parent / "raw").glob("*pages*.warc.gz"), key=lambda p: p.stat().st_size)
    whole = list(iter_responses(source))
    data = source.read_bytes()
    for cut in (len(data) - 7, len(data) - 200, len(data) // 2 + 13):
        torn = tmp_path / f"torn-{cut}.warc.gz"
        torn.write_bytes(data[:cut])
        records = list(iter_responses(torn))  # never raises
        # cut inside the gzip trailer only, the last record's content is whole and may be kept
        assert len(records) < len(whole) or cut == len(data) - 7
        assert [r.url for r in records] == [r.url for r in whole[: len(records)]]
        assert all(r.body == w.body for r, w in zip(records, whole))


def test_two_overlapping_ingests_both_finish_and_nothing_is_lost_or_duplicated(runs):
    assert runs["overlap1_rc"] == 0, runs["logs"]["overlap1"]
    assert runs["overlap2_rc"] == 0, runs["logs"]["overlap2"]
    db = runs["overlap_db"]
    assert query(db, "SELECT count(*), count(DISTINCT url) FROM articles")[0] == (TOTAL_PAGES, TOTAL_PAGES)
    assert query(db, "SELECT count(*) FROM runs WHERE status = 'completed'")[0][0] == 2
    ref = normalized(content_snapshot(runs["ref_db"]), runs["ref_base"])
    both = normalized(content_snapshot(db), runs["overlap_base"])
    for table in ref:
        assert both[table] == ref[table], table
