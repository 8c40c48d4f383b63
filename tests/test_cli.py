"""The `forumwatch` command as a user runs it: a subprocess, from an unrelated working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

FORUMWATCH = str(Path(sys.executable).with_name("forumwatch"))


def run(args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "FORUMWATCH_CRAWL_DELAY": "0", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return subprocess.run([FORUMWATCH, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_ingest_from_another_directory_runs_clean_and_analyst_commands_work(tmp_path, snapshot_sources):
    db = tmp_path / "out" / "fw.duckdb"
    result = run(["ingest", "--sources", str(snapshot_sources), "--db", str(db)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ingest completed: 7 of 7 sources ok, 0 failed; 18 new" in result.stdout
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert (
        con.execute("SELECT count(*) FROM articles").fetchone()[0] == 18
    )  # the snapshot's 16 English copies and pages plus its Chinese and Russian copies of the seed story
    con.close()

    png = tmp_path / "chart.png"
    trends = run(
        ["trends", "--db", str(db), "--topic", "sino_russian_military", "--by", "day", "--plot", str(png)], cwd=tmp_path
    )
    assert trends.returncode == 0, trends.stderr
    assert "2023-10-31" in trends.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_gives_one_clear_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("title,url\nx,https://example.org/feed\n")
    result = run(["ingest", "--sources", str(bad), "--db", str(tmp_path / "x.duckdb")], cwd=tmp_path)
    assert result.returncode == 2
    assert "missing column(s) name, feed_url" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.duckdb").exists()
    missing = run(["ingest", "--sources", str(tmp_path / "nope.csv")], cwd=tmp_path)
    assert missing.returncode == 2 and "sources file not found" in missing.stderr


def test_demo_takes_a_free_port_and_reports_this_run(prefect_harness, fast_crawl, tmp_path, capsys):
    import socket

    from forumwatch.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        db = tmp_path / "demo.duckdb"
        assert main(["demo", "--db", str(db), "--port", str(port)]) == 0
    out = capsys.readouterr().out
    assert f"port {port} is taken" in out
    assert "this run: 18 new, 0 updated, 0 unchanged articles, 1 failed pages" in out
    assert out.rstrip().splitlines()[-3].startswith("  1. forumwatch search")
