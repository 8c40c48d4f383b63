"""Ctrl-C and SIGTERM stop `forumwatch ingest` at a batch boundary: no page request starts after the signal (only
those in flight may finish), what was loaded stays, every page requested has its `fetches` row, the run is
`interrupted`, one line, exit 130/143, no process of the command left; a rerun loads the rest. After SIGKILL of
the command nothing of it is left either: extraction workers, forkserver and the temporary Prefect server die
with it.

Three commands run at once (one per case), each against its own slow loopback site.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from subprocess import PIPE

import pytest
from conftest import FAULT_ENV, harness_env, page, query, rss, write_sources
from webserver import serve

pytestmark = pytest.mark.usefixtures("prefect_harness")

FORUMWATCH = str(Path(sys.executable).with_name("forumwatch"))
OUTLETS, PAGES = 3, 30
SIGNAL_AFTER = 20  # page requests served before the signal
FETCH_THREADS = 2  # FORUMWATCH_MAX_WORKERS, all of them allowed on the site's one host: requests in flight at once
MARK = "FORUMWATCH_TEST_STOP_MARK"


def build(site, outlet: int) -> tuple[str, str]:
    links = []
    for i in range(PAGES):
        title = f"Stop outlet {outlet} story {i}"
        links.append((title, site.add(f"/{outlet}/s{i}", page(title), delay=0.15)))
    site.add(f"/{outlet}/feed", rss(links), content_type="application/rss+xml")
    return f"Stop Outlet {outlet}", f"{site.base}/{outlet}/feed"


def processes_marked(value: str) -> list[tuple[int, str]]:
    """(pid, command line) of every process whose environment holds MARK=value."""
    found = []
    needle = f"{MARK}={value}".encode() + b"\x00"
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if needle in handle.read() + b"\x00":
                    with open(f"/proc/{entry}/cmdline", "rb") as cmd:
                        found.append((int(entry), cmd.read().replace(b"\x00", b" ").decode(errors="replace")[:200]))
        except OSError:
            continue
    return found


def wait_gone(value: str, seconds: float) -> list[tuple[int, str]]:
    deadline = time.monotonic() + seconds
    while (left := processes_marked(value)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def pages_requested(site) -> int:
    """Page requests the site received (counted as they arrive, before the page's delay)."""
    return sum(1 for p, _ in list(site.requests) if "/s" in p)


def page_urls(site) -> set[str]:
    return {site.base + p for p, _ in list(site.requests) if "/s" in p}


def stored(db) -> dict:
    """What a run left: its page fetch rows (url -> (status, error)) and the URLs of the articles loaded."""
    rows = query(db, "SELECT url, status, error FROM fetches WHERE kind = 'page'")
    return {
        "rows": {url: (status, error) for url, status, error in rows},
        "n_rows": len(rows),
        "articles": sorted(url for (url,) in query(db, "SELECT url FROM articles")),
        "runs": query(db, "SELECT status, message FROM runs ORDER BY started_at"),
    }


@pytest.fixture(scope="module")
def stops(tmp_path_factory, prefect_harness):
    tmp = tmp_path_factory.mktemp("stops")
    cases = {"term": signal.SIGTERM, "int": signal.SIGINT, "kill": signal.SIGKILL}
    # unique to this session: another session's sweep (a second checkout's suite on this machine) spares ours
    marks = {name: f"{name}-{uuid.uuid4().hex[:12]}" for name in cases}
    out: dict = {}
    with ExitStack() as stack:
        procs, commands = {}, {}
        for name in cases:
            site = stack.enter_context(serve())
            sources = write_sources(tmp / f"{name}.csv", [build(site, o) for o in range(OUTLETS)])
            out[f"{name}_pages"] = {f"{site.base}/{o}/s{i}" for o in range(OUTLETS) for i in range(PAGES)}
            extra = {
                "FORUMWATCH_BATCH_SIZE": "5",
                "FORUMWATCH_EXTRACT_WORKERS": "2",
                "FORUMWATCH_MAX_WORKERS": str(FETCH_THREADS),
                "FORUMWATCH_PER_HOST_CONCURRENCY": str(FETCH_THREADS),
                MARK: marks[name],
            }
            if name == "kill":  # no Prefect API configured: the command starts its temporary server
                env = {**os.environ, **FAULT_ENV, **extra, "PYTHONUNBUFFERED": "1"}
                env.pop("PREFECT_API_URL", None)
            else:
                env = harness_env({**extra, "PREFECT_CLIENT_MAX_RETRIES": "12"})
            db = tmp / name / "fw.duckdb"
            db.parent.mkdir()
            commands[name] = ([FORUMWATCH, "ingest", "--sources", str(sources), "--db", str(db)], env)
            procs[name] = (
                subprocess.Popen(
                    commands[name][0],
                    stdout=(tmp / f"{name}.out").open("wb"),
                    stderr=(tmp / f"{name}.err").open("wb"),
                    env=env,
                    start_new_session=True,
                ),
                site,
                db,
            )
        pending, sent = dict(procs), {}
        deadline = time.monotonic() + 400
        while pending and time.monotonic() < deadline:  # signal each case on time, never wait for one exit
            for name, (proc, site, db) in list(pending.items()):
                served = pages_requested(site)
                if name not in sent and (served >= SIGNAL_AFTER or proc.poll() is not None):
                    out[f"{name}_before"] = processes_marked(marks[name])
                    out[f"{name}_served"] = served
                    if proc.poll() is None:  # the command only, as a terminal or a service manager would
                        os.kill(proc.pid, cases[name])
                    sent[name] = time.monotonic()
                elif name in sent and (proc.poll() is not None or time.monotonic() - sent[name] > 60):
                    if proc.poll() is None:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait()
                        out[f"{name}_rc"] = "hung"
                    else:
                        out[f"{name}_rc"] = proc.returncode
                    out[f"{name}_seconds"] = time.monotonic() - sent[name]
                    out[f"{name}_served_at_exit"] = pages_requested(site)  # counted again: the command is gone
                    out[f"{name}_urls"] = page_urls(site)
                    out[f"{name}_db"] = db
                    if name != "kill":
                        out[f"{name}_stored"] = stored(db)
                    del pending[name]
            time.sleep(0.05)
        for name in cases:
            out[f"{name}_left"] = wait_gone(marks[name], 10)
        for proc, _, _ in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        for _, site, _ in procs.values():  # the rerun need not wait for slow pages
            for route in site.routes.values():
                route.delay = 0
        started = time.monotonic()  # one case run again, to the end (a run costs seconds of CPU)
        rerun = subprocess.Popen(  # with MARK in its environment: the sweep below ends whatever it leaves
            commands["term"][0], env=commands["term"][1], stdout=PIPE, stderr=PIPE
        )
        try:
            _, rerun_err = rerun.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            rerun.kill()
            _, rerun_err = rerun.communicate()
        out["term_rerun_rc"], out["term_rerun"] = rerun.returncode, stored(procs["term"][2])
        out["term_rerun_err"] = rerun_err.decode(errors="replace")[-2000:]
        print(  # a measurement for the record (pytest -s), not a claim the tests make
            "stops:",
            "; ".join(
                f"{name}: {out[f'{name}_served_at_exit']} page requests, {out[f'{name}_stored']['n_rows']} page rows, "
                f"{len(out[f'{name}_stored']['articles'])} loaded, exit {out[f'{name}_seconds']:.1f} s after the signal"
                for name in ("term", "int")
            ),
            f"(rerun {time.monotonic() - started:.0f} s)",
        )
        out["logs"] = {
            p.name: p.read_text(errors="replace")[-3000:] for p in tmp.iterdir() if p.suffix in (".out", ".err")
        }
        yield out
    for name in cases:  # never leave anything behind, even when a test failed
        for pid, _ in processes_marked(marks[name]):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.parametrize("name, code", [("term", 143), ("int", 130)])
def test_signal_stops_at_a_batch_boundary(stops, name, code):
    logs = stops["logs"]
    assert stops[f"{name}_rc"] == code, logs
    assert stops[f"{name}_seconds"] < 60, stops[f"{name}_seconds"]  # a hang guard only (not a timing claim)
    # the evidence: after the signal no new page request started; only those in flight (one per thread) came
    late = stops[f"{name}_served_at_exit"] - stops[f"{name}_served"]
    assert late <= FETCH_THREADS, (stops[f"{name}_served"], stops[f"{name}_served_at_exit"])
    err = logs[f"{name}.err"].strip().splitlines()
    assert err[-1].startswith("ingest interrupted: interrupted by SIG"), err[-5:]
    assert "Traceback" not in logs[f"{name}.err"] and logs[f"{name}.out"].strip() == ""
    left = stops[f"{name}_stored"]  # as the stopped run left the database
    [(status, message)] = left["runs"]
    assert status == "interrupted" and "SIG" in message
    loaded = left["articles"]
    assert len(loaded) == len(set(loaded)) < OUTLETS * PAGES  # stopped before the end; nothing twice
    assert stops[f"{name}_left"] == [], stops[f"{name}_left"]


@pytest.mark.parametrize("name", ["term", "int"])
def test_every_page_requested_before_a_stop_has_its_fetch_row_and_a_rerun_loads_the_rest(stops, name):
    """Nothing lost silently: each page the site served has a row with its real status, the extracted pages are
    loaded and the others say they were not; the next run loads the ones not loaded, and ends with every page
    stored once, as an uninterrupted run would."""
    from forumwatch.flows.pipeline import NOT_LOADED

    requested, left = stops[f"{name}_urls"], stops[f"{name}_stored"]
    assert requested and set(left["rows"]) == requested, (len(requested), left["n_rows"])
    assert left["n_rows"] == len(requested)  # one row a page
    answered = [error for status, error in left["rows"].values() if status == 200]  # the site answers 200 ...
    assert answered and set(answered) <= {None, NOT_LOADED}
    assert all(error for status, error in left["rows"].values() if status != 200)  # ... or a busy machine timed out
    assert left["articles"] == sorted(url for url, (_, error) in left["rows"].items() if error is None)
    if name == "term":  # the case run again
        assert stops["term_rerun_rc"] == 0, stops["term_rerun_err"]
        assert stops["term_rerun"]["articles"] == sorted(stops["term_pages"])  # every page of the site, once


def test_sigkill_leaves_no_process_behind(stops):
    assert stops["kill_rc"] == -signal.SIGKILL
    before = " | ".join(cmd for _, cmd in stops["kill_before"])
    assert "uvicorn" in before, before  # the temporary Prefect server was running
    assert "forkserver" in before or "multiprocessing" in before, before  # and the extraction workers
    assert stops["kill_left"] == [], stops["kill_left"]


LATE_SIGNAL_COMMAND = """
import os, signal, sys
from prefect.states import Completed
from forumwatch.cli import _run_flow

def finishing_flow():
    os.kill(os.getpid(), signal.SIGINT)  # handled by the command's graceful handler: a flag, not an exception
    return Completed(message="all work done")

sys.exit(_run_flow("ingest", finishing_flow))
"""


def test_a_stop_after_the_last_batch_boundary_lets_the_run_complete_and_says_so() -> None:
    """A signal that lands after the run's last stop check (its finishing step): the run did all its work, so it
    completes and exits 0, with one line saying the stop came too late to cut it short. In a process of its own:
    a stop request quiets the console and stays requested, as it should in the command."""
    from forumwatch.flows.stop import LATE_STOP

    done = subprocess.run(
        [sys.executable, "-c", LATE_SIGNAL_COMMAND], env=harness_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert f"ingest: {LATE_STOP} (SIGINT)" in done.stderr
    assert "ingest completed: all work done" in done.stdout


def test_a_stop_requested_inside_graceful_signals_ends_with_the_block():
    """The command reads the signal inside the block; a flow called later in the same process is not stopped.
    (In a process of its own: a stop runs the stop callbacks, which end extraction pools and quiet the console.)"""
    script = """
import signal
from forumwatch.flows.stop import graceful_signals, request_stop, stop_requested, stop_signal
before = signal.getsignal(signal.SIGINT)
with graceful_signals():
    assert signal.getsignal(signal.SIGINT) is not before  # our handler while the block runs
    request_stop(signal.SIGINT)
    assert stop_requested() and stop_signal() == signal.SIGINT
assert not stop_requested() and stop_signal() is None
assert signal.getsignal(signal.SIGINT) is before
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr
