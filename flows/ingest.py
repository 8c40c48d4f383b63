"""The daily ingest flow: feeds -> pages -> raw archive -> extract -> tag -> group -> DuckDB."""

from __future__ import annotations

import uuid
from collections import deque

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from forumwatch.flows.steps import (
    PageFetch,
    PagePlan,
    SourceStats,
    announce_loaded,
    closing_run,
    extract_inputs,
    fetch_feeds,
    fetch_pages,
    final_state,
    finish_run,
    interrupted_state,
    load_pages,
    pages_to_extract,
    plan_pages,
    prepare_run,
    run_status,
)
from forumwatch.flows.stop import RunInterrupted, check_stop, stop_requested
from forumwatch.resources import seed_path
from forumwatch.settings import PipelineSettings, default_db_path, fetch_settings, pipeline_settings, raw_dir_for
from forumwatch.tasks.sources import read_sources

OUTCOMES = ("fetched", "new", "updated", "unchanged", "failed")


def current_run_id() -> str:
    return str(flow_run.id or uuid.uuid4())


def report(stats: dict[str, SourceStats], message: str) -> None:
    """A log line per source and a table artifact the Prefect UI keeps."""
    logger = get_run_logger()
    rows = []
    for s in stats.values():
        logger.info(
            "source %s: feed %s, %d items, fetched %d, new %d, updated %d, unchanged %d, failed %d%s",
            s.source_id,
            s.feed_status,
            s.items,
            s.fetched,
            s.new,
            s.updated,
            s.unchanged,
            s.failed,
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


def uses_dask(pipeline: PipelineSettings) -> bool:
    return pipeline.task_runner.strip().lower() == "dask"


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
    sources: str = str(seed_path("sources.csv")), db: str = str(default_db_path()), max_per_source: int | None = None
):
    """Fetch the configured feeds and their pages, and load articles and stories into DuckDB."""
    max_per_source = check_max_per_source(max_per_source)
    run_id = current_run_id()
    settings, pipeline = fetch_settings(), pipeline_settings()
    source_list = read_sources(sources)
    warc_dir = str(raw_dir_for(db))
    prepare_run(db, source_list, run_id, "ingest", {"sources": sources, "db": db, "max_per_source": max_per_source})
    try:
        with closing_run(db, run_id):
            message, stats = _ingest_pages(db, run_id, source_list, warc_dir, max_per_source, settings, pipeline)
    except RunInterrupted as exc:
        get_run_logger().warning("ingest %s", exc)
        return interrupted_state(exc)
    report(stats, message)
    announce_loaded(db, "ingest", sum(s.new for s in stats.values()))
    return final_state(run_status(stats), message, {s.source_id: vars(s) for s in stats.values()})


def _ingest_pages(
    db, run_id, source_list, warc_dir, max_per_source, settings, pipeline
) -> tuple[str, dict[str, SourceStats]]:
    """Batches flow through fetch -> extract -> load as a pipeline: batch n+1 is fetched while batch n is
    extracted (on the flow's task runner) and batch n-1 is loaded, one transaction per batch, in order."""
    logger = get_run_logger()
    items, stats = fetch_feeds(source_list, db, run_id, settings, warc_dir)
    check_stop()
    plans = plan_pages(db, source_list, items, max_per_source)
    batches = [plans[i : i + pipeline.batch_size] for i in range(0, len(plans), pipeline.batch_size)]
    logger.info(
        "%d feeds gave %d items; %d pages to fetch in %d batches",
        len(source_list),
        len(items),
        len(plans),
        len(batches),
    )
    dask = uses_dask(pipeline)
    workers = 1 if dask else pipeline.extract_workers  # a Dask worker extracts in itself; locally, a process pool
    chunk = max(1, pipeline.dask_chunk) if dask else max(1, pipeline.batch_size)
    loads = []
    extracting: deque = deque()  # batches whose extraction was submitted and whose load was not
    local = ThreadPoolTaskRunner(max_workers=3)  # fetch and load stay in this process whatever the flow's runner

    def submit_fetch(number: int):
        # quote(): Prefect would otherwise walk every page of a batch looking for futures to resolve
        return local.submit(
            fetch_pages,
            {
                "plans": quote(batches[number - 1]),
                "settings": settings,
                "warc_dir": warc_dir,
                "warc_prefix": f"{run_id}-pages-{number:04d}",
            },
        )

    def submit_load(number: int, batch: list[PagePlan], fetched: PageFetch, todo: list, futures: list) -> None:
        extracted = [None] * len(batch)
        done = [page for future in futures for page in future.result()]
        for (index, _), page in zip(todo, done):
            extracted[index] = page
        loads.append(
            local.submit(
                load_pages,
                {
                    "db": db,
                    "run_id": run_id,
                    "plans": quote(batch),
                    "fetched": quote(fetched),
                    "extracted": quote(extracted),
                    "pipeline": pipeline,
                },
                wait_for=loads[-1:],
            )
        )  # one at a time, in batch order

    with local:
        next_fetch = submit_fetch(1) if batches else None
        for number, batch in enumerate(batches, start=1):
            if stop_requested():  # a batch boundary: load nothing more, keep what is loaded
                extracting.clear()
                break
            fetched = next_fetch.result()
            next_fetch = submit_fetch(number + 1) if number < len(batches) else None
            todo = pages_to_extract(batch, fetched, source_list, pipeline)
            pages = [page for _, page in todo]
            # (prefect-dask rebuilds a quote() as a plain tuple: only the thread runner gets one)
            wrap = (lambda part: part) if dask else quote
            futures = [extract_inputs.submit(wrap(pages[i : i + chunk]), workers) for i in range(0, len(pages), chunk)]
            extracting.append((number, batch, fetched, todo, futures))
            while len(extracting) > 1:  # keep one batch queued behind the one being extracted, no more
                submit_load(*extracting.popleft())
        while extracting and not stop_requested():
            submit_load(*extracting.popleft())
        for number, future in enumerate(loads, start=1):
            outcome = future.result()
            for (source_id, kind), n in outcome.counts.items():
                setattr(stats[source_id], kind, getattr(stats[source_id], kind) + n)
            logger.info(
                "batch %d/%d loaded: %d articles new or changed", number, len(batches), len(outcome.article_ids)
            )
    check_stop()
    return finish_run(db, run_id, stats), stats
