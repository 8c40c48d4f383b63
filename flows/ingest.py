"""The daily ingest flow: feeds -> pages -> raw archive -> extract -> tag -> group -> DuckDB."""

from __future__ import annotations

import uuid
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.steps import (SourceStats, extract_pages, fetch_feeds, fetch_pages, finish_run, load_pages, mark_run_failed,
                         plan_pages, prepare_run)
from forumwatch.resources import seed_path
from forumwatch.settings import default_db_path, fetch_settings, pipeline_settings, raw_dir_for
from tasks.enrich import shutdown_pool
from tasks.sources import read_sources

OUTCOMES = ("fetched", "new", "updated", "unchanged", "failed")


def current_run_id() -> str:
    return str(flow_run.id or uuid.uuid4())


def report(stats: dict[str, SourceStats], message: str) -> None:
    """A log line per source and a table artifact the Prefect UI keeps."""
    logger = get_run_logger()
    rows = []
    for s in stats.values():
        logger.info("source %s: feed %s, %d items, fetched %d, new %d, updated %d, unchanged %d, failed %d%s",
                    s.source_id, s.feed_status, s.items, s.fetched, s.new, s.updated, s.unchanged, s.failed,
                    f" ({s.feed_error})" if s.feed_error else "")
        rows.append({"source": s.source_id, "feed": s.feed_status, "items": s.items, "fetched": s.fetched,
                     "new": s.new, "updated": s.updated, "unchanged": s.unchanged, "failed": s.failed,
                     "error": s.feed_error or ""})
    create_table_artifact(key="ingest-summary", table=rows, description=message)
    logger.info(message)


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=4))
def ingest(sources: str = str(seed_path("sources.csv")), db: str = str(default_db_path()),
           max_per_source: int | None = None):
    """Fetch the configured feeds and their pages, and load articles and stories into DuckDB."""
    logger = get_run_logger()
    run_id = current_run_id()
    settings, pipeline = fetch_settings(), pipeline_settings()
    source_list = read_sources(sources)
    warc_dir = str(raw_dir_for(db) if ":" not in db.split("/")[0] else Path("data/raw"))
    prepare_run(db, source_list, run_id, "ingest", {"sources": sources, "db": db, "max_per_source": max_per_source})
    try:
        message, stats = _ingest_pages(db, run_id, source_list, warc_dir, max_per_source, settings, pipeline)
    except BaseException as exc:
        mark_run_failed(db, run_id, f"{type(exc).__name__}: {exc}")
        raise
    report(stats, message)
    return Completed(message=message, data={s.source_id: vars(s) for s in stats.values()})


def _ingest_pages(db, run_id, source_list, warc_dir, max_per_source, settings, pipeline) -> tuple[str, dict[str, SourceStats]]:
    logger = get_run_logger()
    items, stats = fetch_feeds(source_list, db, run_id, settings, warc_dir)
    plans = plan_pages(db, source_list, items, max_per_source)
    batches = [plans[i:i + pipeline.batch_size] for i in range(0, len(plans), pipeline.batch_size)]
    logger.info("%d feeds gave %d items; %d pages to fetch in %d batches", len(source_list), len(items), len(plans), len(batches))
    loads, previous_fetch = [], None
    try:
        for number, batch in enumerate(batches, start=1):
            fetched = fetch_pages.submit(batch, settings, warc_dir, f"{run_id}-pages-{number:04d}",
                                         wait_for=[previous_fetch] if previous_fetch else None)
            extracted = extract_pages.submit(batch, fetched, source_list, pipeline)
            loads.append(load_pages.submit(db, run_id, batch, fetched, extracted, pipeline))
            previous_fetch = fetched
        for number, future in enumerate(loads, start=1):
            outcome = future.result()
            for (source_id, kind), n in outcome.counts.items():
                setattr(stats[source_id], kind, getattr(stats[source_id], kind) + n)
            logger.info("batch %d/%d loaded: %d articles new or changed", number, len(batches), len(outcome.article_ids))
    finally:
        shutdown_pool()
    return finish_run(db, run_id, stats), stats
