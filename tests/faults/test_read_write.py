"""Readers and writers on one file: a writer waits (bounded) for an analyst's read-only session, read-only
opens create nothing, and the read copy's publication never follows a link and leaves no temp behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import query

from forumwatch import db as fwdb

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[3] == "ro")
print("open", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "fw.duckdb"
    from forumwatch.analyst import create_views
    from forumwatch.tasks.seeds import load_seed_tables

    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
        load_seed_tables(con)
        create_views(con)
        con.execute("INSERT INTO runs (run_id, flow, started_at, status) VALUES ('r1', 'ingest', now(), 'completed')")
    return path


def hold_read_only(path: Path, seconds: float, mode: str = "ro") -> subprocess.Popen:
    """An analyst's plain `duckdb.connect(read_only=True)` (mode "rw": a read-write one) in another process,
    outside forumwatch's lock."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds), mode], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "open"
    return proc


def test_writer_waits_for_an_analysts_read_only_session(db, caplog):
    analyst = hold_read_only(db, 1.5)
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="forumwatch.db"), fwdb.connect(db) as con:
        con.execute("INSERT INTO runs (run_id, flow, started_at, status) VALUES ('r2', 'ingest', now(), 'running')")
    waited = time.monotonic() - started
    analyst.wait(10)
    assert waited >= 1.0, "the writer should have waited for the reader"
    assert "held open by another process" in caplog.text  # logged, once
    assert caplog.text.count("held open") == 1
    assert query(db, "SELECT count(*) FROM runs") == [(2,)]


def test_the_wait_is_bounded(db, monkeypatch):
    monkeypatch.setenv("FORUMWATCH_READER_WAIT", "0.5")
    analyst = hold_read_only(db, 5)
    try:
        started = time.monotonic()
        with pytest.raises(duckdb.IOException, match="lock"), fwdb.connect(db):
            pass
        assert time.monotonic() - started < 4
    finally:
        analyst.kill()
        analyst.wait()


def test_a_session_held_past_the_wait_is_one_line_from_the_analyst_commands(db, monkeypatch, capsys):
    """An analyst's read-write session (duckdb without -readonly) kept open: search, trends and export said so
    with a DuckDB traceback; now one line naming the read copy, exit 1."""
    from forumwatch.cli import main

    monkeypatch.setenv("FORUMWATCH_READER_WAIT", "0.2")
    analyst = hold_read_only(db, 30, mode="rw")
    try:
        for args in (
            ["search", "forum"],
            ["trends", "--topic", "ukraine_war"],
            ["export", "--csv", str(db.parent / "x")],
        ):
            assert main([*args, "--db", str(db)]) == 1
            err = capsys.readouterr().err.strip().splitlines()
            assert err[-1].startswith(f"forumwatch: {db} is held open by another process (waited 0s;"), err
            assert "fw-read.duckdb" in err[-1] and not any("Traceback" in line for line in err)
    finally:
        analyst.kill()
        analyst.wait()


def test_read_only_opens_create_nothing(tmp_path, db):
    """No lock file, no WAL: what a read-only filesystem needs (the lock is used when it already exists)."""
    fresh = tmp_path / "ro"
    fresh.mkdir()
    copy = fresh / "fw.duckdb"
    copy.write_bytes(db.read_bytes())
    before = sorted(os.listdir(fresh))
    with fwdb.connect(copy, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    from forumwatch.analyst import trends

    trends(str(copy), "all")
    assert sorted(os.listdir(fresh)) == before == ["fw.duckdb"]


def test_publication_never_follows_links_and_cleans_stale_temps(tmp_path, db):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = fwdb.read_copy_path(db)
    # a stale temp from a killed publication, and links planted at temp-like names and at the copy itself
    (tmp_path / (target.name + ".tmp4242")).write_bytes(b"half a copy")
    (tmp_path / (target.name + ".tmp99999")).symlink_to(victim)
    target.symlink_to(victim)
    published = fwdb.publish_read_copy(db)
    assert published == target and not target.is_symlink() and target.is_file()
    assert victim.read_text() == "precious"
    assert query(target, "SELECT count(*) FROM runs") == [(1,)]
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []


FULL_DISK = """
import resource, signal, sys
from forumwatch import db as fwdb
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
try:
    fwdb.publish_read_copy(sys.argv[1])
except OSError as exc:
    print("refused", exc.errno)
"""


def test_a_full_disk_leaves_no_temp_and_the_old_copy(tmp_path, db):
    with fwdb.connect(db) as con:  # a database bigger than the write limit below
        con.execute("CREATE TABLE filler AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(200000)")
    old_copy = fwdb.read_copy_path(db)
    old_copy.write_bytes(b"the previous copy")
    limit = db.stat().st_size // 3
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(db), str(limit)], capture_output=True, text=True, timeout=120
    )
    assert "refused" in done.stdout, done.stdout + done.stderr
    assert old_copy.read_bytes() == b"the previous copy"
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []


def test_retag_republishes_the_read_copy(db):
    from forumwatch.analyst import retag

    copy = fwdb.read_copy_path(db)
    assert not copy.exists()
    retag(str(db))
    assert query(copy, "SELECT flow, status FROM runs WHERE flow = 'retag'") == [("retag", "completed")]
