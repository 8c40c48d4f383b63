"""The `forumwatch` command as a user runs it: a subprocess, from an unrelated working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
from dbquery import assert_consistent, query

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


def test_analyst_commands_given_a_wrong_path_say_so_in_one_line(tmp_path, capsys):
    """search on a CSV given as --db, and export into a path that is a file, ended in tracebacks."""
    from forumwatch.cli import main

    sources = tmp_path / "sources.csv"
    sources.write_text("name,feed_url\nA,https://a.example/feed\n")
    assert main(["search", "forum", "--db", str(sources)]) == 2
    assert capsys.readouterr().err.strip() == f"forumwatch: --db {sources} is not a DuckDB database file"
    db = tmp_path / "fw.duckdb"
    from forumwatch import db as fwdb

    with fwdb.connect(db) as con:
        fwdb.init_schema(con)
    assert main(["export", "--parquet", str(sources), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"forumwatch: {sources} is a file, not a folder; give a folder to export into"
    assert sources.read_text().startswith("name,feed_url")


def test_demo_takes_a_free_port_and_reports_this_run(prefect_harness, fast_crawl, tmp_path, capsys, expected_pages):
    """The demo twice, its port taken both times: each run serves the snapshot on another free port, and the
    pages' canonical links keep their identity, so the second run stores nothing again; reprocess, over the
    archive holding both ports' copies, agrees."""
    import socket

    from forumwatch.cli import main

    db = tmp_path / "demo.duckdb"
    bases = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for _ in range(2):
            assert main(["demo", "--db", str(db), "--port", str(port)]) == 0
            out = capsys.readouterr().out
            assert f"port {port} is taken" in out
            bases.append(out.split("demo: serving the offline snapshot at ", 1)[1].split()[0])
            assert out.rstrip().splitlines()[-3].startswith("  1. forumwatch search")
            if len(bases) == 1:
                assert "this run: 18 new, 0 updated, 0 unchanged articles, 1 failed pages" in out
    assert "this run: 0 new, 0 updated, 18 unchanged articles, 1 failed pages" in out
    assert "none (nothing new or changed)" in out and "Empty DataFrame" not in out
    good = [p for p in expected_pages["pages"] if p["status"] == 200]
    urls = [u for (u,) in query(db, "SELECT url FROM articles")]
    assert sorted(urls) == sorted("http://127.0.0.1:8765" + p["path"] for p in good)  # the pages' canonicals
    second = query(db, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    fetched = query(db, "SELECT url FROM fetches WHERE run_id = ? AND kind = 'page' AND status = 200", [second])
    assert len(fetched) == len(good) and all(u.startswith(bases[1]) for (u,) in fetched)  # what was fetched
    assert query(db, "SELECT count(*) FROM articles WHERE canonical_note IS NOT NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM article_topics WHERE topic = 'middle_east'") == [(0,)]  # no sidebar tag
    assert_consistent(db)
    ids = query(db, "SELECT article_id, story_id, content_sha1 FROM articles ORDER BY 1")
    assert main(["reprocess", "--db", str(db)]) == 0
    assert query(db, "SELECT article_id, story_id, content_sha1 FROM articles ORDER BY 1") == ids
    assert_consistent(db)
