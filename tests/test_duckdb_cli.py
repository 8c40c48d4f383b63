"""The `duckdb` command installed by `make install` opens our files and loads fts offline, as docs say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_views import build_fixture_db

from forumwatch.resources import sql_dir
from forumwatch.tasks.search_index import refresh_search

DUCKDB = Path(sys.executable).with_name("duckdb")


@pytest.mark.skipif(not DUCKDB.exists(), reason="duckdb-cli is not installed in this environment")
def test_cli_reads_our_file_and_searches_offline(tmp_path):
    path = build_fixture_db(tmp_path / "fw.duckdb")
    with duckdb.connect(str(path)) as con:
        refresh_search(con)
    env = {**os.environ, "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}  # no network
    version = subprocess.run([DUCKDB, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith(f"v{duckdb.__version__} ")  # the CLI and the Python package are one release
    sql = "SET autoinstall_known_extensions = false; LOAD fts; SELECT story_key, outlets FROM search_stories('security threats');"
    out = subprocess.run(
        [DUCKDB, "-readonly", "-csv", str(path), "-c", sql], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "s1,3"
    query = (sql_dir() / "queries" / "05_widest_syndicated_stories.sql").read_text()
    ready = subprocess.run(
        [DUCKDB, "-readonly", str(path)], input=query, capture_output=True, text=True, env=env, timeout=60
    )
    assert ready.returncode == 0 and "China, Russia ready" in ready.stdout, ready.stderr
