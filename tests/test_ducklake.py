"""The ingest flow into DuckLake catalogs: a local one (DuckDB catalog file), and one on a PostgreSQL server this
module starts, written by two ingest processes at once while an analyst's read-only connection counts."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pg_server import missing_reason, postgres_server
from test_concurrency import subset

from forumwatch import db as fwdb
from forumwatch.flows.ingest import ingest
from forumwatch.lake import DATA_PATH_ENV, retry_conflicts, serialize

ROOT = Path(__file__).resolve().parents[1]
FIRST = ("Asian Lite News", "Huanyu Military Net (环宇军事网)", "The Eastern Bulletin")
SECOND = ("The Eastern Bulletin", "Severny Kurier (Северный курьер)")  # The Eastern Bulletin's 3 pages in both


@pytest.fixture(scope="session")
def postgres_dsn():
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server() as dsn:
        yield dsn


def lake_rows(db: str, sql: str) -> list[tuple]:
    with fwdb.connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def loaded_pages(expected_pages: dict, names: tuple[str, ...]) -> set[str]:
    return {p["path"].lstrip("/") for p in expected_pages["pages"] if p["status"] == 200 and p["source_name"] in names}


def test_ingest_into_a_local_ducklake(
    prefect_harness, fast_crawl, monkeypatch, tmp_path, snapshot_sources, expected_pages
):
    monkeypatch.setenv(DATA_PATH_ENV, str(tmp_path / "parquet"))
    monkeypatch.setenv("FORUMWATCH_EXTRACT_WORKERS", "1")  # in this process: no worker pool to start
    db = f"ducklake:{tmp_path / 'catalog.ducklake'}"
    sources = subset(snapshot_sources, FIRST + SECOND, tmp_path / "sources.csv")  # zh, ru and en pages
    state = ingest(sources=str(sources), db=db, return_state=True)
    assert state.is_completed() and "4 of 4 sources ok, 0 failed" in state.message

    wanted = loaded_pages(expected_pages, FIRST + SECOND)
    urls = [r[0] for r in lake_rows(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == len(wanted) and {u.split("/", 3)[3] for u in urls} == wanted
    assert lake_rows(db, "SELECT flow, status FROM runs") == [("ingest", "completed")]
    assert lake_rows(db, "SELECT count(*) FROM article_facts")[0][0] == len(wanted)  # the views work on the lake
    assert lake_rows(db, "SELECT count(*) FROM articles WHERE story_id NOT IN (SELECT story_id FROM stories)") == [(0,)]
    assert lake_rows(db, "SELECT count(*) FROM mv_search_docs") == [
        (0,)
    ]  # no FTS on a lake: the run skips it (and logs why)
    tables = lake_rows(db, "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()")
    assert {t for (t,) in tables if not t.startswith("mv_")} == {
        t for t, *_ in fwdb.schema_columns() if not t.startswith("mv_")
    } | {"lake_writes"}
    assert list((tmp_path / "parquet").rglob("*.parquet"))  # the data is in Parquet files under DATA_PATH
    assert not (tmp_path / "catalog.ducklake.lock").exists()  # no file lock, no read copy
    assert not list(tmp_path.glob("*-read*"))


@pytest.mark.concurrency
def test_two_writers_and_a_reader_on_a_postgres_catalog(
    postgres_dsn, prefect_api, monkeypatch, tmp_path, snapshot_sources, expected_pages
):
    db = f"ducklake:postgres:{postgres_dsn}"
    monkeypatch.setenv(DATA_PATH_ENV, str(tmp_path / "parquet"))
    with fwdb.connect(db) as con:  # an empty catalog, as after a first deploy: the analyst can attach it
        fwdb.init_schema(con)
    env = {
        **prefect_api,
        "PREFECT_LOGGING_EXTRA_LOGGERS": "forumwatch",  # the retries after a conflict are logged
        "PREFECT_LOGGING_LEVEL": "INFO",
        DATA_PATH_ENV: str(tmp_path / "parquet"),
        "FORUMWATCH_CRAWL_DELAY": "0",
        "FORUMWATCH_EXTRACT_WORKERS": "1",
    }
    commands = {
        name: [sys.executable, "-m", "forumwatch.cli", "ingest", "--db", db, "--sources", str(sources)]
        for name, sources in (
            ("first", subset(snapshot_sources, FIRST, tmp_path / "first.csv")),
            ("second", subset(snapshot_sources, SECOND, tmp_path / "second.csv")),
        )
    }
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    counts: list[int] = []
    errors: list[str] = []
    done = threading.Event()

    def analyst() -> None:  # a third connection: read-only attach of the same catalog, counting meanwhile
        while not done.is_set():
            try:
                with fwdb.connect(db, read_only=True) as con:
                    counts.append(con.execute("SELECT count(*) FROM articles").fetchone()[0])
            except Exception as exc:  # noqa: BLE001 - every error is the finding
                errors.append(repr(exc))
            done.wait(0.3)

    reader = threading.Thread(target=analyst)
    handles = {name: open(log, "w") for name, log in logs.items()}
    procs = {
        name: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handles[name], stderr=subprocess.STDOUT)
        for name, cmd in commands.items()
    }
    reader.start()
    try:
        for p in procs.values():
            p.wait(timeout=240)
    finally:
        done.set()
        reader.join()
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        for handle in handles.values():
            handle.close()
    for name, p in procs.items():
        assert p.returncode == 0, f"{name} failed:\n{logs[name].read_text()[-4000:]}"

    urls = [r[0] for r in lake_rows(db, "SELECT url FROM articles")]
    wanted = loaded_pages(expected_pages, FIRST) | loaded_pages(expected_pages, SECOND)
    assert len(urls) == len(set(urls)) == len(wanted)  # every article of both, once
    assert {u.split("/", 3)[3] for u in urls} == wanted
    runs = lake_rows(db, "SELECT status, started_at, finished_at FROM runs")
    assert [r[0] for r in runs] == ["completed", "completed"]
    (_, start_a, end_a), (_, start_b, end_b) = runs
    assert start_a < end_b and start_b < end_a  # the two runs were under way at the same time
    assert lake_rows(db, "SELECT count(*) FROM sources") == [(4,)]  # the shared source once
    assert errors == [] and counts and counts == sorted(counts) and counts[-1] <= len(wanted)


def test_a_transaction_another_writer_made_conflict_is_run_again(tmp_path):
    """Two connections to one catalog: while the first attempt of a transaction runs, the other commits the same
    source; DuckLake refuses the first commit, and the second attempt sees the row and does not insert it again."""
    base = fwdb.open_duckdb(f"ducklake:{tmp_path / 'catalog.ducklake'}")
    fwdb.init_schema(base)
    ours, theirs = base.cursor(), base.cursor()
    for con in (ours, theirs):
        con.execute("USE lake")
    insert = "INSERT INTO sources (source_id, name, feed_url) VALUES ('x', 'X', 'http://x.example/feed')"
    attempts = []

    def work() -> None:
        attempts.append(len(attempts) + 1)
        ours.begin()
        serialize(ours)
        present = ours.execute("SELECT count(*) FROM sources WHERE source_id = 'x'").fetchone()[0]
        if attempts == [1]:  # another writer commits the same row meanwhile
            theirs.begin()
            serialize(theirs)
            theirs.execute(insert)
            theirs.commit()
        if not present:
            ours.execute(insert)
        ours.commit()

    retry_conflicts(work, "a test transaction")
    assert attempts == [1, 2]
    assert base.execute("SELECT count(*) FROM sources WHERE source_id = 'x'").fetchone()[0] == 1
    base.close()


def test_lake_readers_get_one_line_errors(tmp_path, capsys):
    from forumwatch.cli import main

    missing = tmp_path / "none.ducklake"
    assert main(["trends", "--topic", "arms_control", "--db", f"ducklake:{missing}"]) == 2
    err = capsys.readouterr().err.strip()
    assert "cannot attach the DuckLake catalog" in err and len(err.splitlines()) == 1
    assert not missing.exists()  # a reader creates nothing

    lake = f"ducklake:{tmp_path / 'catalog.ducklake'}"
    with fwdb.connect(lake) as con:
        fwdb.init_schema(con)
    assert main(["search", "Shoigu", "--db", lake]) == 2
    assert "no full-text search" in capsys.readouterr().err
