"""Extraction on a Dask cluster (prefect-dask, a LocalCluster of two workers) gives the same tables as the
default runner (threads feeding a local process pool)."""

from __future__ import annotations

import duckdb
import pytest

pytest.importorskip("prefect_dask")
distributed = pytest.importorskip("distributed")

from forumwatch.flows.ingest import ingest, task_runner_for  # noqa: E402
from forumwatch.settings import pipeline_settings  # noqa: E402

pytestmark = pytest.mark.usefixtures("prefect_harness", "fast_crawl")

TABLES = {
    "articles": "SELECT * EXCLUDE (run_id, fetched_at, first_seen_at, updated_at) FROM articles ORDER BY article_id",
    "stories": "SELECT * EXCLUDE (updated_at) FROM stories ORDER BY story_id",
    "article_topics": "SELECT * FROM article_topics ORDER BY ALL",
    "article_forums": "SELECT * FROM article_forums ORDER BY ALL",
    "article_people": "SELECT * FROM article_people ORDER BY ALL",
    "fetch_status": "SELECT url, kind, status, error FROM fetches ORDER BY url, kind",
}


def dump(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        con.close()


def test_task_runner_setting(monkeypatch):
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(task_runner_for(pipeline_settings()), ThreadPoolTaskRunner)
    monkeypatch.setenv("FORUMWATCH_TASK_RUNNER", "dask")
    monkeypatch.setenv("FORUMWATCH_DASK_ADDRESS", "tcp://127.0.0.1:8786")
    runner = task_runner_for(pipeline_settings())
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://127.0.0.1:8786"
    monkeypatch.setenv("FORUMWATCH_TASK_RUNNER", "spark")
    with pytest.raises(ValueError):
        task_runner_for(pipeline_settings())


def test_dask_local_cluster_gives_the_same_tables(tmp_path, snapshot_ingested, snapshot_sources, monkeypatch):
    from prefect_dask import DaskTaskRunner

    default_db = snapshot_ingested.db  # the session's run with the default runner (completed), read only

    monkeypatch.setenv("FORUMWATCH_TASK_RUNNER", "dask")
    monkeypatch.setenv("FORUMWATCH_DASK_CHUNK", "2")  # several extraction tasks per batch, on both workers
    dask_db = tmp_path / "dask.duckdb"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        flow = ingest.with_options(task_runner=DaskTaskRunner(address=cluster.scheduler_address))
        state = flow(sources=str(snapshot_sources), db=str(dask_db), return_state=True)
        assert state.is_completed(), state.message
        with distributed.Client(cluster.scheduler_address) as client:
            assert len(client.scheduler_info()["workers"]) == 2

    expected, got = dump(default_db), dump(dask_db)
    assert expected["articles"], "the snapshot loaded nothing"
    for name in TABLES:
        assert got[name] == expected[name], name
