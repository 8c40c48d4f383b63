"""Shared fixtures: a Prefect test harness, the offline snapshot on a local HTTP server."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402

from forumwatch.snapshot_server import serve_snapshot, snapshot_dir, write_sources  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


# No politeness delay and short timeouts: every test server is on 127.0.0.1.
FAST_CRAWL = {
    "FORUMWATCH_CRAWL_DELAY": "0",
    "FORUMWATCH_BACKOFF_BASE": "0.01",
    "FORUMWATCH_READ_TIMEOUT": "2",
    "FORUMWATCH_CONNECT_TIMEOUT": "2",
    "FORUMWATCH_TOTAL_TIMEOUT": "5",
    "FORUMWATCH_EXTRACT_WORKERS": "2",
}


@pytest.fixture
def fast_crawl(monkeypatch):
    """FAST_CRAWL for one test."""
    for key, value in FAST_CRAWL.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="session")
def snapshot_base():
    with serve_snapshot() as base:
        yield base


@pytest.fixture
def snapshot_sources(tmp_path, snapshot_base):
    return write_sources(snapshot_base, tmp_path / "sources.csv")


class Ingested(NamedTuple):
    db: Path  # fw.duckdb; beside it fw-read.duckdb (the analysts' copy) and raw/ (the WARC archive and its key)
    message: str  # the run's final state message

    def copy_to(self, folder: Path, name: str = "fw.duckdb") -> Path:
        """The database as `folder/name`, with its raw archive beside it (raw/), to be changed freely."""
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / name
        shutil.copyfile(self.db, db)
        if (wal := self.db.with_name(self.db.name + ".wal")).exists():
            shutil.copyfile(wal, db.with_name(name + ".wal"))
        shutil.copytree(self.db.with_name("raw"), folder / "raw")
        return db


@pytest.fixture(scope="session")
def snapshot_ingested(tmp_path_factory, prefect_harness, snapshot_base) -> Ingested:
    """The snapshot ingested once per session (FAST_CRAWL) by the tests that start from that run: read it, or
    change a copy of it (copy_to)."""
    from forumwatch.flows.ingest import ingest

    folder = tmp_path_factory.mktemp("snapshot-ingested")
    sources = write_sources(snapshot_base, folder / "sources.csv")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in FAST_CRAWL.items():
            mp.setenv(key, value)
        state = ingest(sources=str(sources), db=str(folder / "fw.duckdb"), return_state=True)
    assert state.is_completed(), state.message
    return Ingested(folder / "fw.duckdb", state.message or "")


@pytest.fixture(scope="session")
def expected_pages() -> list[dict]:
    return json.loads((snapshot_dir() / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """A real `prefect server start` on a free port with its own PREFECT_HOME; yields the env to reach it."""
    from prefect_server import prefect_server

    with prefect_server(tmp_path_factory.mktemp("prefect-home")) as env:
        yield env
