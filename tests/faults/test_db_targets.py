"""Operator mistakes with --db and FORUMWATCH_* settings: one clear line, exit 2, before any network work.

Also: connection strings only by explicit prefix, schema versions recorded and old files migrated, and
DuckDB never set up to fetch extensions.
"""

from __future__ import annotations

import sqlite3

import duckdb
import pytest
from conftest import query, rss, write_sources
from webserver import serve

from forumwatch import cli
from forumwatch import db as fwdb


@pytest.fixture
def site():
    with serve() as s:
        s.add("/feed", rss([("a", s.base + "/a")]), content_type="application/rss+xml")
        yield s


@pytest.fixture
def good_db(tmp_path):
    path = tmp_path / "good.duckdb"
    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
        con.execute("CREATE TABLE filler AS SELECT range AS i, repeat('x', 200) AS s FROM range(20000)")
    return path


def _bad_targets(tmp_path, good_db) -> dict:
    text = tmp_path / "notes.duckdb"
    text.write_text("these are my notes, not a database\n")
    lite = tmp_path / "old.sqlite"
    con = sqlite3.connect(lite)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    data = good_db.read_bytes()
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(data[: len(data) // 2])
    corrupted = tmp_path / "corrupted.duckdb"
    damaged = bytearray(data)
    for i in range(4096 * 3 + 100, 4096 * 3 + 5000):  # inside the first data block: its checksum fails
        damaged[i] ^= 0x5A
    corrupted.write_bytes(bytes(damaged))
    newer = tmp_path / "newer.duckdb"
    newer.write_bytes(data)
    con = duckdb.connect(str(newer))
    con.execute("INSERT INTO schema_version VALUES (999, now(), 'future', NULL)")
    con.close()
    return {
        "a directory": (tmp_path, "is a directory"),
        "a text file": (text, "not a DuckDB database file"),
        "a SQLite file": (lite, "is a SQLite database"),
        "an empty file": (empty, "empty file"),
        "a truncated file": (truncated, "truncated"),
        "a corrupted file": (corrupted, "damaged or unreadable"),
        "a newer schema": (newer, "newer than this forumwatch"),
    }


def test_every_wrong_target_is_one_line_and_no_request(tmp_path, good_db, site, capsys):
    sources = write_sources(tmp_path / "sources.csv", [("Outlet", site.base + "/feed")])
    for what, (target, words) in _bad_targets(tmp_path, good_db).items():
        before = target.read_bytes() if target.is_file() else None
        code = cli.main(["ingest", "--sources", str(sources), "--db", str(target)])
        err = capsys.readouterr().err
        assert code == 2, what
        lines = err.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in err, (what, err)
        assert site.requests == [], f"{what}: the network was used before the target was checked"
        if before is not None:
            assert target.read_bytes() == before, f"{what}: the file was changed"
    # the same checks guard the other commands
    target = tmp_path / "notes.duckdb"
    for argv in (
        ["backfill", "--start", "2024-01-01", "--end", "2024-01-02", "--sources", str(sources)],
        ["reprocess"],
        ["retag"],
        ["trends", "--topic", "all"],
    ):
        assert cli.main([*argv, "--db", str(target)]) == 2, argv
        assert "not a DuckDB database file" in capsys.readouterr().err
    assert site.requests == []


def test_a_good_file_passes_and_a_missing_one_is_created_by_writers(tmp_path, good_db):
    fwdb.check_target(good_db)
    fwdb.check_target(tmp_path / "new" / "fw.duckdb")  # a writer creates it
    with pytest.raises(fwdb.DatabaseError, match="no database"):
        fwdb.check_target(tmp_path / "missing.duckdb", writable=False)


def test_connection_strings_only_by_explicit_prefix():
    assert fwdb.is_local_path("fw-2023-10-01T06:00.duckdb")  # a relative path holding ':' is a file
    assert fwdb.is_local_path("data/run:2.duckdb") and fwdb.is_local_path("/abs/x:y.duckdb")
    assert not fwdb.is_local_path("md:analytics") and not fwdb.is_local_path("ducklake:meta.ducklake")
    assert not fwdb.is_local_path("MD:upper")


def test_relative_path_with_colon_gets_a_lock_and_a_read_copy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "fw-2023-10-01T06:00.duckdb"
    with fwdb.connect(name) as con:
        fwdb.init_schema(con)
    assert (tmp_path / (name + ".lock")).is_file()
    assert fwdb.publish_read_copy(name).resolve() == tmp_path / "fw-2023-10-01T06:00-read.duckdb"
    assert query(tmp_path / "fw-2023-10-01T06:00-read.duckdb", "SELECT count(*) FROM runs") == [(0,)]


def test_older_schema_is_migrated_and_versions_are_recorded(tmp_path):
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    # a file from before pid/heartbeat and before several article columns; with a row to keep
    con.execute(
        "CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, flow VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL,"
        " finished_at TIMESTAMP, status VARCHAR, parameters VARCHAR)"
    )
    con.execute("INSERT INTO runs VALUES ('r0', 'ingest', '2024-01-01', '2024-01-01', 'completed', '{}')")
    con.execute("CREATE TABLE articles (article_id VARCHAR PRIMARY KEY, url VARCHAR NOT NULL, title VARCHAR)")
    con.execute("INSERT INTO articles VALUES ('a1', 'https://example.org/a', 'kept')")
    con.close()
    fwdb.check_target(old)  # an older schema is not an error: it is upgraded
    with fwdb.connect(old) as con:
        fwdb.init_schema(con)
        fwdb.init_schema(con)  # idempotent
    columns = {r[0] for r in query(old, "SELECT column_name FROM information_schema.columns WHERE table_name='runs'")}
    assert {"pid", "host", "heartbeat_at", "n_new", "message"} <= columns
    article_columns = {
        r[0] for r in query(old, "SELECT column_name FROM information_schema.columns WHERE table_name='articles'")
    }
    assert {"story_id", "language", "published_at", "text"} <= article_columns
    assert query(old, "SELECT title FROM articles") == [("kept",)]
    assert query(old, "SELECT link_url FROM articles") == [("https://example.org/a",)]  # its identity was its link
    [(version, note)] = query(old, "SELECT version, note FROM schema_version")
    assert version == fwdb.SCHEMA_VERSION and "added" in note and "runs.pid" in note


def test_version_2_articles_get_their_link_once(tmp_path):
    db = tmp_path / "v2.duckdb"
    with fwdb.connect(db) as con:
        fwdb.init_schema(con)
        con.execute("INSERT INTO articles (article_id, url) VALUES ('a1', 'https://example.org/a')")
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version (version, applied_at) VALUES (2, now())")
        fwdb.init_schema(con)
        con.execute("INSERT INTO articles (article_id, url) VALUES ('a2', 'https://example.org/b')")
        fwdb.init_schema(con)  # recorded at version 3 now: the migration does not run again
    assert query(db, "SELECT article_id, link_url FROM articles ORDER BY 1") == [
        ("a1", "https://example.org/a"),
        ("a2", None),
    ]
    assert query(db, "SELECT max(version) FROM schema_version") == [(fwdb.SCHEMA_VERSION,)]


def test_duckdb_is_never_set_up_to_fetch_extensions(tmp_path):
    with fwdb.connect(tmp_path / "x.duckdb") as con:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() "
                "WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions')"
            ).fetchall()
        )
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    lite = tmp_path / "lite.db"
    sqlite3.connect(lite).close()
    lite.write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(duckdb.Error) as caught:  # would otherwise try to install the sqlite extension
        fwdb.open_duckdb(str(lite))
    assert "http" not in str(caught.value).lower()


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("FORUMWATCH_CRAWL_DELAY", "nan", "finite"),
        ("FORUMWATCH_CRAWL_DELAY", "inf", "finite"),
        ("FORUMWATCH_CRAWL_DELAY", "-1", "between 0 and 3600"),
        ("FORUMWATCH_CRAWL_DELAY", "1e9", "between 0 and 3600"),
        ("FORUMWATCH_EXTRACT_WORKERS", "0", "between 1"),
        ("FORUMWATCH_BATCH_SIZE", "ten", "whole number"),
        ("FORUMWATCH_RESPECT_ROBOTS", "maybe", "true or false"),
        ("FORUMWATCH_TASK_RUNNER", "kubernetes", "must be one of"),
        ("FORUMWATCH_LOCK_WAIT", "-5", "between 0"),
    ],
)
def test_impossible_settings_are_one_clear_line(tmp_path, site, monkeypatch, capsys, name, value, words):
    monkeypatch.setenv(name, value)
    sources = write_sources(tmp_path / "sources.csv", [("Outlet", site.base + "/feed")])
    code = cli.main(["ingest", "--sources", str(sources), "--db", str(tmp_path / "fw.duckdb")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and name in err and words in err, err
    assert site.requests == [] and not (tmp_path / "fw.duckdb").exists()


def test_max_per_source_zero_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["ingest", "--max-per-source", "0", "--db", str(tmp_path / "fw.duckdb")])
    assert exit_.value.code == 2 and "1 or more" in capsys.readouterr().err
