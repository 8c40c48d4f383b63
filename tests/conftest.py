"""Shared fixtures: a Prefect test harness, the offline snapshot on a local HTTP server."""

from __future__ import annotations

import json
import os

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


@pytest.fixture
def fast_crawl(monkeypatch):
    """No politeness delay and short timeouts: every test server is on 127.0.0.1."""
    monkeypatch.setenv("FORUMWATCH_CRAWL_DELAY", "0")
    monkeypatch.setenv("FORUMWATCH_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("FORUMWATCH_READ_TIMEOUT", "2")
    monkeypatch.setenv("FORUMWATCH_CONNECT_TIMEOUT", "2")
    monkeypatch.setenv("FORUMWATCH_TOTAL_TIMEOUT", "5")
    monkeypatch.setenv("FORUMWATCH_EXTRACT_WORKERS", "2")


@pytest.fixture(scope="session")
def snapshot_base():
    with serve_snapshot() as base:
        yield base


@pytest.fixture
def snapshot_sources(tmp_path, snapshot_base):
    return write_sources(snapshot_base, tmp_path / "sources.csv")


@pytest.fixture(scope="session")
def expected_pages() -> list[dict]:
    return json.loads((snapshot_dir() / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """A real `prefect server start` on a free port with its own PREFECT_HOME; yields the env to reach it."""
    from prefect_server import prefect_server

    with prefect_server(tmp_path_factory.mktemp("prefect-home")) as env:
        yield env
