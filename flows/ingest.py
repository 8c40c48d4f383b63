"""The daily ingest flow: feeds -> pages -> raw archive -> extract -> tag -> group -> DuckDB."""

from __future__ import annotations

import uuid

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from forumwatch.flows.pipeline import fetch_extract_load
from forumwatch.flows.steps import (
    RunConnection,
    SourceStats,
    announce_loaded,
    closing_run,
    extraction_starting,
    fetch_feeds,
    final_state,
    finish_run,
    interrupted_state,
    plan_pages,
    prepare_run,
    run_crawl,
    run_status,
)
from forumwatch.flows.stop import RunInterrupted, check_stop
from forumwatch.resources import seed_path
from forumwatch.settings import PipelineSettings, default_db_path, fetch_settings, pipeline_settings, raw_dir_for
from forumwatch.tasks.budget import Budget
from forumwatch.tasks.sources import read_sources
from forumwatch.tasks.workers import frozen_heap

OUTCOMES = ("fetched", "new", "updated", "unchanged", "failed", "skipped")


def current_run_id() -> str:
    return str(flow_run.id or uuid.uuid4())


def report(stats: dict[str, SourceStats], message: str) -> None:
    """A log line per source and a table artifact the Prefect UI keeps."""
    logger = get_run_logger()
    rows = []
    for s in stats.values():
        logger.info(
            "source %s: feed %s, %d items, fetched %d, new %d, updated %d, unchanged %d, failed %d, skipped %d%s",
            s.source_id,
            s.feed_status,
            s.items,
            s.fetched,
            s.new,
            s.updated,
            s.unchanged,
            s.failed,
            s.skipped,
            f" ({s.feed_error})" if s.feed_error else "",
        )
        rows.append(
            {
                "source": s.source_id,
                "feed": s.feed_status,
                "items": s.items,
                "fetched": s.fetched,
                "new": s.new,
                "updated": s.updated,
                "unchanged": s.unchanged,
                "failed": s.failed,
                "skipped": s.skipped,
                "error": s.feed_error or "",
            }
        )
    create_table_artifact(key="ingest-summary", table=rows, description=message)
    logger.info(message)


def task_runner_for(pipeline: PipelineSettings):
    """The flow's task runner, which runs extraction: threads feeding a local process pool (default), or Dask
    (FORUMWATCH_TASK_RUNNER=dask; FORUMWATCH_DASK_ADDRESS=tcp://scheduler:8786, or empty for a temporary
    LocalCluster with one single-threaded worker process per extract worker). Fetching and loading always
    run in the flow's own process (threads), next to the raw archive and the database."""
    kind = pipeline.task_runner.strip().lower()
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if pipeline.dask_address:
            return DaskTaskRunner(address=pipeline.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": pipeline.extract_workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    if kind not in ("threads", "thread", "threadpool"):
        raise ValueError(f"FORUMWATCH_TASK_RUNNER must be 'threads' or 'dask', not {pipeline.task_runner!r}")
    return ThreadPoolTaskRunner(max_workers=4)


class IngestError(ValueError):
    """The ingest parameters cannot be used; the message says why."""


def check_max_per_source(value: object) -> int | None:
    """None (no limit) or a whole number of pages >= 1; 0, negatives, fractions and text are refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise IngestError(
            f"max_per_source must be a whole number of pages, 1 or more (or unset: no limit), got {value!r}"
        )
    return value


@flow(name="ingest", task_runner=task_runner_for(pipeline_settings()))
def ingest(
    sources: str = str(seed_path("sources.csv")),
    db: str = str(default_db_path()),
    max_per_source: int | None = None,
    max_minutes: float | None = None,
):
    """Fetch the configured feeds and their pages, and load articles and stories into DuckDB. `max_minutes`: the
    run's time budget (default FORUMWATCH_MAX_RUN_MINUTES, 0: none); past it no request starts, the pages not
    fetched are recorded as skipped and the run ends partial."""
    settings, pipeline = fetch_settings(), pipeline_settings()
    budget = Budget.start(pipeline.max_run_minutes if max_minutes is None else max_minutes)
    max_per_source = check_max_per_source(max_per_source)
    run_id = current_run_id()
    source_list = read_sources(sources)
    warc_dir = str(raw_dir_for(db))
    parameters = {
        "sources": sources,
        "db": db,
        "max_per_source": max_per_source,
        "max_minutes": budget.minutes if budget else 0,
    }
    with extraction_starting(pipeline):
        prepare_run(db, source_list, run_id, "ingest", parameters)
    try:
        with (
            closing_run(db, run_id),
            frozen_heap(),
            run_crawl(settings, warc_dir, run_id, budget) as crawl,
            RunConnection(db) as connection,  # the loads' and the run end's (closed before closing_run writes)
        ):
            items, stats = fetch_feeds(source_list, db, run_id, settings, quote(crawl))
            check_stop()
            plans = plan_pages(db, source_list, quote(items), max_per_source)
            fetch_extract_load(db, run_id, plans, source_list, crawl, pipeline, stats, connection)
            check_stop()  # a stop seen between load batches: what was loaded stays, the run is interrupted
            message = finish_run(db, run_id, stats, quote(connection))
    except RunInterrupted as exc:
        get_run_logger().warning("ingest %s", exc)
        return interrupted_state(exc)
    report(stats, message)
    announce_loaded(db, "ingest", sum(s.new for s in stats.values()))
    return final_state(run_status(stats), message, {s.source_id: vars(s) for s in stats.values()})
