"""Every shell command in README.md and docs/analysts.md runs as written against the demo database, or is
excluded here with the reason (and the test that covers it instead)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forumwatch.db import publish_read_copy
from forumwatch.resources import sql_dir

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "docs" / "analysts.md"]
EXCLUDED = {  # command prefix -> why it is not run here
    "make demo": "the demo itself: test_cli.py::test_demo_takes_a_free_port_and_reports_this_run",
    "make test": "runs this suite (recursion)",
    "prefect server start": "a long-running server: tests/prefect_server.py starts one for test_deployments.py",
    "prefect config set": "points the user's profile at a server: test_deployments.py does it in a temporary home",
    "prefect work-pool create": "needs a running server: test_deployments.py",
    "prefect deploy": "needs a running server: test_deployments.py",
    "prefect worker start": "a long-running worker: test_deployments.py",
    "prefect deployment run": "needs a server and worker: test_deployments.py",
    "forumwatch serve": "long-running; needs a server: test_deployments.py",
    "pip install": "installs from PyPI (network)",
    "dask scheduler": "a long-running scheduler on other machines: test_dask_runner.py uses a LocalCluster",
    "dask worker": "a long-running worker on other machines: test_dask_runner.py",
    "forumwatch ingest --sources seeds/sources.csv": "fetches the real outlets (internet); tests ingest the snapshot",
    "BLOCK_ID=$(prefect block inspect": "reads a notification block from a running server: test_automation.py",
    'sed "s/NOTIFY_BLOCK_ID/': "fills in the block id read from a running server (previous line): test_automation.py",
    "prefect automation create": "needs a running server: tests/faults/test_automation.py deploys the file",
    "FORUMWATCH_LAKE_DATA_PATH=": "needs a PostgreSQL server: tests/test_ducklake.py starts one and ingests into it",
    "duckdb -c \"ATTACH 'ducklake:postgres:": "needs a PostgreSQL server: tests/test_ducklake.py attaches READ_ONLY",
}


def commands() -> list[str]:
    """The lines of every sh/bash block of the docs, comments stripped, plus every ready query as documented."""
    found = []
    for doc in DOCS:
        for block in re.findall(r"```(?:sh|bash)\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            for line in block.splitlines():
                line = re.sub(r"\s+#.*$", "", line).strip()
                if line and not line.startswith("#"):
                    found.append(line)
    queries = sorted(p.name for p in (sql_dir() / "queries").glob("*.sql"))
    found += [f"duckdb data/forumwatch-read.duckdb < sql/queries/{q}" for q in queries]  # "Each runs as is"
    return found


def excluded(command: str) -> bool:
    return any(command.startswith(prefix) for prefix in EXCLUDED)


def test_every_command_is_run_or_excluded_with_a_reason():
    cmds = commands()
    assert any(c.startswith("forumwatch search") for c in cmds) and len(cmds) > 20
    unused = [p for p in EXCLUDED if not any(c.startswith(p) for c in cmds)]
    assert unused == []  # an exclusion whose command left the docs must go too


@pytest.fixture(scope="module")
def project(tmp_path_factory, snapshot_ingested, snapshot_base):
    """A project folder holding the demo database (a copy of the session's snapshot ingest) and the repository's
    sql/."""
    from forumwatch.snapshot_server import write_sources

    folder = tmp_path_factory.mktemp("project")
    write_sources(snapshot_base, folder / "sources.csv")
    snapshot_ingested.copy_to(folder / "data", "forumwatch.duckdb")
    publish_read_copy(folder / "data" / "forumwatch.duckdb")
    shutil.copytree(ROOT / "sql", folder / "sql")
    (folder / ".venv").mkdir()
    (folder / ".venv" / "bin").symlink_to(Path(sys.executable).parent)
    return folder


@pytest.mark.parametrize("command", [c for c in commands() if not excluded(c)])
def test_documented_command_runs(project, command):
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "http_proxy": "http://127.0.0.1:9"}
    done = subprocess.run(
        ["bash", "-c", command], cwd=project, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert "Error" not in done.stderr, done.stderr[-2000:]
