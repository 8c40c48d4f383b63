"""Prefect tasks shared by the flows: thin wrappers that order the stage functions in tasks/."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from forumwatch import db as fwdb
from forumwatch.settings import FetchSettings, PipelineSettings, pipeline_settings
from forumwatch.tasks import load
from forumwatch.tasks.discover import FeedItem, parse_feed
from forumwatch.tasks.enrich import enrich_many, shutdown_pool
from forumwatch.tasks.extract import Extracted, PageInput
from forumwatch.tasks.fetch import FetchRequest, FetchResult, fetch_all
from forumwatch.tasks.sources import Source
from forumwatch.tasks.urls import host_of

PENDING_DAYS = 7  # feed items that failed are retried on later runs for this many days


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class SourceStats:
    """What happened to one source in one run (the per-source log line and artifact row)."""

    source_id: str
    feed_status: str = "ok"  # ok | unchanged | failed
    feed_error: str | None = None
    items: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


@dataclass
class PagePlan:
    request: FetchRequest
    item: FeedItem
    last_sha1: str | None = None


@dataclass
class BatchOutcome:
    counts: Counter = field(default_factory=Counter)  # (source_id, outcome) -> n
    article_ids: list[str] = field(default_factory=list)


def fetch_row(run_id: str, result: FetchResult, error: str | None = None, note: str | None = None) -> dict:
    error = error or result.error
    if result.kind == "robots" and result.status and 400 <= result.status < 500:
        error, note = None, f"no robots.txt (HTTP {result.status}): crawling allowed"
    return {
        "fetch_id": load.fetch_id(run_id, result.kind, result.url),
        "run_id": run_id,
        "url": result.url,
        "final_url": result.final_url,
        "source_id": result.source_id,
        "kind": result.kind,
        "fetched_at": result.fetched_at,
        "status": result.status,
        "error": error,
        "note": note,
        "bytes": result.n_bytes,
        "content_type": result.content_type,
        "encoding": result.encoding,
        "etag": result.etag,
        "last_modified": result.last_modified,
        "content_sha1": result.content_sha1,
        "elapsed_ms": result.elapsed_ms,
        "attempts": result.attempts,
        "warc_file": result.warc_file,
    }


@task(cache_policy=NO_CACHE)
def prepare_run(db: str, sources: list[Source], run_id: str, flow_name: str, parameters: dict) -> None:
    """Create the schema (and the views, in a new file), load the seed tables and sources, and open the
    run's `runs` row."""
    from forumwatch.tasks.seeds import load_seed_tables
    from forumwatch.tasks.views import ensure_views

    now = utcnow()
    with fwdb.connect(db) as con:
        fwdb.init_schema(con)
        con.begin()
        load_seed_tables(con)
        ensure_views(con)  # finish_run rebuilds them with this run's articles
        load.upsert_sources(con, sources, now)
        load.start_run(con, run_id, flow_name, now, parameters)
        con.commit()


@task(cache_policy=NO_CACHE)
def fetch_feeds(
    sources: list[Source], db: str, run_id: str, settings: FetchSettings, warc_dir: str
) -> tuple[list[FeedItem], dict[str, SourceStats]]:
    """Fetch every feed (conditional GET), parse it, and record fetches and feed items in one transaction."""
    logger = get_run_logger()
    with fwdb.connect(db) as con:
        previous = load.last_fetches(con, [s.feed_url for s in sources])
    requests = [
        FetchRequest(
            url=s.feed_url,
            source_id=s.source_id,
            kind="feed",
            trusted_host=host_of(s.feed_url),
            etag=previous.get(s.feed_url, (None, None, None))[0],
            last_modified=previous.get(s.feed_url, (None, None, None))[1],
            crawl_delay=s.crawl_delay,
        )
        for s in sources
    ]
    robots: list[FetchResult] = []
    results = fetch_all(requests, settings, Path(warc_dir), f"{run_id}-feeds", on_robots=robots.append)
    stats = {s.source_id: SourceStats(s.source_id) for s in sources}
    items: list[FeedItem] = []
    rows = []
    for source, result in zip(sources, results):
        stat = stats[source.source_id]
        if result.error:
            stat.feed_status, stat.feed_error = "failed", result.error
            rows.append(fetch_row(run_id, result))
        elif result.not_modified:
            stat.feed_status = "unchanged"
            rows.append(fetch_row(run_id, result))
        else:
            parsed = parse_feed(
                result.body or b"",
                result.final_url or source.feed_url,
                source.source_id,
                max_items=settings.max_feed_items,
            )
            if parsed.error:
                stat.feed_status, stat.feed_error = "failed", parsed.error
            stat.items = len(parsed.items)
            items.extend(parsed.items)
            rows.append(fetch_row(run_id, result, error=parsed.error, note=parsed.note))
        if stat.feed_error:
            logger.warning("feed %s failed: %s", source.feed_url, stat.feed_error)
    rows += [fetch_row(run_id, r) for r in robots]
    with fwdb.connect(db) as con:
        con.begin()
        load.insert_fetches(con, rows)
        load.upsert_feed_items(con, items, utcnow())
        con.commit()
    return items, stats


@task(cache_policy=NO_CACHE)
def plan_pages(
    db: str, sources: list[Source], items: list[FeedItem], max_per_source: int | None = None
) -> list[PagePlan]:
    """This run's feed items plus earlier ones never loaded, each URL once, with its validators."""
    by_id = {s.source_id: s for s in sources}
    with fwdb.connect(db) as con:
        pending = load.pending_items(con, list(by_id), utcnow() - timedelta(days=PENDING_DAYS))
        wanted: dict[str, FeedItem] = {}
        per_source: Counter = Counter()
        for item in items + pending:
            if item.url in wanted or (max_per_source and per_source[item.source_id] >= max_per_source):
                continue
            wanted[item.url] = item
            per_source[item.source_id] += 1
        previous = load.last_fetches(con, list(wanted))
    plans = []
    for url, item in wanted.items():
        source = by_id[item.source_id]
        etag, modified, sha = previous.get(url, (None, None, None))
        request = FetchRequest(
            url=url,
            source_id=item.source_id,
            kind="page",
            trusted_host=host_of(source.feed_url),
            etag=etag,
            last_modified=modified,
            crawl_delay=source.crawl_delay,
        )
        plans.append(PagePlan(request, item, sha))
    return plans


@dataclass
class PageFetch:
    results: list[FetchResult]  # one per plan, in order
    robots: list[FetchResult]  # robots.txt fetches made on the way


@task(cache_policy=NO_CACHE)
def fetch_pages(plans: list[PagePlan], settings: FetchSettings, warc_dir: str, warc_prefix: str) -> PageFetch:
    robots: list[FetchResult] = []
    results = fetch_all([p.request for p in plans], settings, Path(warc_dir), warc_prefix, on_robots=robots.append)
    return PageFetch(results, robots)


def pages_to_extract(
    plans: list[PagePlan], fetched: PageFetch, sources: list[Source], pipeline: PipelineSettings | None = None
) -> list[tuple[int, PageInput]]:
    """(index in the batch, input) of the pages that came back with a new body."""
    pipeline = pipeline or pipeline_settings()  # FORUMWATCH_* env applied
    languages = {s.source_id: s.language for s in sources}
    todo: list[tuple[int, PageInput]] = []
    for index, (plan, result) in enumerate(zip(plans, fetched.results)):
        if result.error or result.not_modified or result.text is None or result.content_sha1 == plan.last_sha1:
            continue
        todo.append(
            (
                index,
                PageInput(
                    url=plan.item.url,
                    source_id=plan.item.source_id,
                    html=result.text,
                    fetched_at=result.fetched_at,
                    feed_published_at=plan.item.published_at,
                    feed_has_time=plan.item.published_has_time,
                    feed_title=plan.item.title,
                    default_language=languages.get(plan.item.source_id),
                    max_chars=pipeline.max_page_chars,
                    min_words=pipeline.min_article_words,
                ),
            )
        )
    return todo


@task(cache_policy=NO_CACHE)
def extract_pages(
    plans: list[PagePlan], fetched: PageFetch, sources: list[Source], pipeline: PipelineSettings
) -> list[Extracted | None]:
    """Extract (in worker processes) the pages that came back with a new body; None for the others."""
    todo = pages_to_extract(plans, fetched, sources, pipeline)
    extracted: list[Extracted | None] = [None] * len(plans)
    for (index, _), page in zip(todo, enrich_many([p for _, p in todo], pipeline.extract_workers)):
        extracted[index] = page
    return extracted


@task(cache_policy=NO_CACHE)
def extract_inputs(pages: list[PageInput], workers: int = 1) -> list[Extracted]:
    """Extract and enrich pages, in order: over `workers` local processes, or in this (Dask) worker when 1.
    Takes only the page inputs, so what travels to a remote worker is the HTML and its feed item."""
    return enrich_many(pages, workers)


@task(cache_policy=NO_CACHE)
def load_pages(
    db: str,
    run_id: str,
    plans: list[PagePlan],
    fetched: PageFetch,
    extracted: list[Extracted | None],
    pipeline: PipelineSettings,
) -> BatchOutcome:
    """One transaction: fetch rows, new and changed articles, their tags, their story groups, and the
    cross-language links of those stories."""
    from forumwatch.tasks.dedupe import assign_stories
    from forumwatch.tasks.links import link_stories
    from forumwatch.tasks.tag import write_tags

    outcome = BatchOutcome()
    results = fetched.results
    fetch_rows = [fetch_row(run_id, r) for r in fetched.robots]
    article_rows, tags = [], []
    with fwdb.connect(db) as con:
        known = load.existing_articles(con, [e.article_id for e in extracted if e is not None])
        for plan, result, page in zip(plans, results, extracted):
            source_id = plan.item.source_id
            if result.error:
                outcome.counts[(source_id, "failed")] += 1
                fetch_rows.append(fetch_row(run_id, result))
                continue
            if page is None:  # 304 or the same body as last time
                outcome.counts[(source_id, "unchanged")] += 1
                fetch_rows.append(fetch_row(run_id, result))
                continue
            outcome.counts[(source_id, "fetched")] += 1
            fetch_rows.append(fetch_row(run_id, result, error=page.error))
            if page.error:
                outcome.counts[(source_id, "failed")] += 1
                continue
            if page.article_id in known and known[page.article_id] == page.content_sha1:
                outcome.counts[(source_id, "unchanged")] += 1
                continue
            outcome.counts[(source_id, "updated" if page.article_id in known else "new")] += 1
            article_rows.append(page_row(page, run_id))
            tags.append(page.extras.get("tags"))
            outcome.article_ids.append(page.article_id)
        con.begin()
        load.insert_fetches(con, fetch_rows)
        load.upsert_articles(con, article_rows)
        write_tags(con, [t for t in tags if t is not None])
        if outcome.article_ids:
            assign_stories(
                con,
                outcome.article_ids,
                window_days=pipeline.story_window_days,
                workers=pipeline.extract_workers,
                texts={r["article_id"]: r["text"] for r in article_rows},
            )
            link_stories(con, outcome.article_ids, window_hours=pipeline.link_window_hours)
        con.commit()
    return outcome


def page_row(page: Extracted, run_id: str) -> dict:
    row = {column: getattr(page, column, None) for column in load.ARTICLE_COLUMNS}
    row.update({k: v for k, v in page.extras.items() if k in load.ARTICLE_COLUMNS})
    row["run_id"] = run_id
    return row


@task(cache_policy=NO_CACHE)
def finish_run(db: str, run_id: str, stats: dict[str, SourceStats]) -> str:
    """Rebuild the tables behind the views, close the run's row, publish the read-only copy, and return
    the one-line summary."""
    from forumwatch.tasks.views import create_views

    failed = [s for s in stats.values() if s.feed_status == "failed"]
    totals: Counter[str] = Counter()
    for s in stats.values():
        totals.update(
            {
                "n_feed_items": s.items,
                "n_fetched": s.fetched,
                "n_new": s.new,
                "n_updated": s.updated,
                "n_unchanged": s.unchanged,
                "n_failed": s.failed,
            }
        )
    totals["n_sources"], totals["n_sources_failed"] = len(stats), len(failed)
    message = (
        f"{len(stats) - len(failed)} of {len(stats)} sources ok, {len(failed)} failed; "
        f"{totals['n_new']} new, {totals['n_updated']} updated, {totals['n_unchanged']} unchanged, "
        f"{totals['n_failed']} failed pages"
    )
    with fwdb.connect(db) as con:
        con.begin()
        create_views(con)  # rebuilds the mv_* tables behind the views from everything now loaded
        load.finish_run(con, run_id, utcnow(), "completed", totals, message)
        con.commit()
    fwdb.publish_read_copy(db)
    return message


@contextmanager
def closing_run(db: str, run_id: str) -> Iterator[None]:
    """Around a run's work: if it raises, close the run's row as failed; either way stop the extraction pool."""
    try:
        yield
    except BaseException as exc:
        mark_run_failed(db, run_id, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        shutdown_pool()


def mark_run_failed(db: str, run_id: str, message: str) -> None:
    """Close the run's row as failed (called outside the task engine, as the flow goes down)."""
    try:
        with fwdb.connect(db) as con:
            load.finish_run(con, run_id, utcnow(), "failed", {}, message[:2000])
    except Exception:  # the original error matters more than this bookkeeping
        pass
