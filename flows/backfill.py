"""The backfill flow: fill a date range from news sitemaps, WARC files and feeds, one task group per day."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, create_table_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.states import Completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from tqdm import tqdm

from forumwatch import db as fwdb
from forumwatch.flows.archived import (
    Archived,
    ArchivedOutcome,
    Window,
    load_archived,
    outcome_of,
    page_plan,
    record_problems,
)
from forumwatch.flows.ingest import current_run_id
from forumwatch.flows.steps import (
    PageFetch,
    PagePlan,
    RunCrawl,
    SourceStats,
    budget_note,
    closing_run,
    extract_pages,
    extraction_starting,
    fetch_feeds,
    fetch_pages,
    fetch_row,
    final_state,
    finish_run,
    interrupted_state,
    load_pages,
    prepare_run,
    record_not_loaded,
    run_crawl,
    run_status,
    utcnow,
)
from forumwatch.flows.stop import RunInterrupted, check_stop, stop_requested, stop_signal
from forumwatch.resources import seed_path
from forumwatch.settings import (
    FetchSettings,
    PipelineSettings,
    default_db_path,
    fetch_settings,
    pipeline_settings,
    raw_dir_for,
)
from forumwatch.tasks import coverage, load
from forumwatch.tasks.budget import SKIPPED, Budget, is_skipped
from forumwatch.tasks.coverage import Key, Tally
from forumwatch.tasks.dates import FLOOR, MAX_AHEAD
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.extract import Extracted
from forumwatch.tasks.fetch import FetchRequest, FetchResult, fetch_all
from forumwatch.tasks.sitemaps import SourceSitemaps, discover
from forumwatch.tasks.sources import Source, read_sources
from forumwatch.tasks.urls import redact_credentials
from forumwatch.tasks.warc import archive_key
from forumwatch.tasks.warc_input import warc_files
from forumwatch.tasks.workers import frozen_heap

REPROCESS = ("none", "all", "failed")
OUTCOMES = ("loaded", "failed", "out_of_range", "undated")
HTTP_METHODS = ("sitemap", "feed")  # tried for every source; 'warc' only when WARC files are given


BUDGET_NOTE = "pages skipped: the run's time budget was spent; read again next run"


class BackfillError(ValueError):
    """The backfill parameters cannot be used; the message says why."""


@dataclass
class BackfillPlan:
    start: date
    end: date
    sources: list[Source]
    methods: list[str]
    todo: dict[date, set[tuple[str, str]]]  # day -> (source_id, method) pairs to run
    skipped_days: list[date]
    status_known: bool = True  # False when the database was busy and completeness could not be read

    @property
    def days(self) -> list[date]:
        return sorted(self.todo)

    def describe(self) -> str:
        n = (self.end - self.start).days + 1
        lines = [
            f"backfill {self.start} .. {self.end}: {n} days, {len(self.sources)} sources, "
            f"methods {', '.join(self.methods)}",
            f"  days to run: {len(self.todo)}; already complete, skipped: {len(self.skipped_days)}"
            + ("" if self.status_known else " (database busy: completeness unknown)"),
        ]
        if self.todo:
            lines.append(f"  first {self.days[0]}, last {self.days[-1]}")
        for s in self.sources:
            where = f"sitemap {s.sitemap_url}" if s.sitemap_url else "sitemaps listed in robots.txt"
            lines.append(redact_credentials(f"  {s.source_id}: {where}; feed {s.feed_url}"))
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "start": str(self.start),
            "end": str(self.end),
            "methods": self.methods,
            "sources": [s.source_id for s in self.sources],
            "days": [str(d) for d in self.days],
            "skipped_days": [str(d) for d in self.skipped_days],
        }


def parse_day(value: date | str, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise BackfillError(f"--{name} must be a date as YYYY-MM-DD, got {value!r}") from None


def check_range(start: date, end: date) -> None:
    """Refuse days no stored publication date can fall on (the guard keeps 1990-01-01 .. now + 1 day)."""
    floor, tomorrow = FLOOR.date(), utcnow().date() + MAX_AHEAD
    if start < floor:
        raise BackfillError(f"--start {start} is before {floor}: no article is stored with an earlier date")
    if end > tomorrow:
        raise BackfillError(f"--end {end} is after tomorrow ({tomorrow}, UTC): nothing is published there yet")


def plan_backfill(
    start: date | str,
    end: date | str,
    sources: str,
    db: str,
    warc: list[str] | None = None,
    reprocess: str = "none",
    statuses: dict[Key, str] | None = None,
) -> BackfillPlan:
    """Validate the parameters and decide which (day, source, method) to run; reads, never writes."""
    start, end = parse_day(start, "start"), parse_day(end, "end")
    if start > end:
        raise BackfillError(f"--start {start} is after --end {end}")
    check_range(start, end)
    if reprocess not in REPROCESS:
        raise BackfillError(f"--reprocess must be one of {', '.join(REPROCESS)}, got {reprocess!r}")
    warc_files(warc or [])  # raises FileNotFoundError for a missing path
    source_list = read_sources(sources)
    methods = list(HTTP_METHODS) + (["warc"] if warc else [])
    known = statuses if statuses is not None else coverage.read_statuses(db, start, end)
    todo: dict[date, set[tuple[str, str]]] = {}
    skipped = []
    day = start
    while day <= end:
        pairs = {
            (s.source_id, m)
            for s in source_list
            for m in methods
            if _wanted((known or {}).get((s.source_id, day, m)), reprocess)
        }
        if pairs:
            todo[day] = pairs
        else:
            skipped.append(day)
        day += timedelta(days=1)
    return BackfillPlan(start, end, source_list, methods, todo, skipped, status_known=known is not None)


def _wanted(status: str | None, reprocess: str) -> bool:
    if reprocess == "all":
        return True
    if reprocess == "failed":
        return status == "failed"
    return status != "complete"


# --- discovery (whole range, before the days) ----------------------------------------------


@task(cache_policy=NO_CACHE)
def find_sitemap_items(
    sources: list[Source], start: date, end: date, db: str, run_id: str, settings: FetchSettings, crawl: RunCrawl
) -> dict[str, SourceSitemaps]:
    """Read robots.txt and sitemaps for these sources on the run's crawl (robots.txt once per origin: the
    copy its rules came from), log every fetch, keep pages dated in range."""
    rows: list[dict] = []

    def fetch(requests: list[FetchRequest]) -> list[FetchResult]:
        if all(r.kind == "robots" for r in requests):
            results = crawl.fetcher.robots_files(requests)  # logged as the crawl's robots.txt fetches
        else:
            results = fetch_all(requests, settings, None, "", fetcher=crawl.fetcher)
            rows.extend(fetch_row(run_id, r) for r in results)
        rows.extend(fetch_row(run_id, r) for r in crawl.robots.take())
        return results

    found = discover(sources, start, end, fetch)

    fwdb.write_transaction(db, "recording the sitemap fetches", lambda con: load.insert_fetches(con, rows))
    logger = get_run_logger()
    for s in found.values():
        logger.info(
            "sitemaps of %s: %d read, %d pages in range, %d outside%s",
            s.source_id,
            len(s.sitemaps),
            len(s.items),
            s.out_of_range,
            f" ({s.error or s.note})" if s.error or s.note else "",
        )
    return found


@task(cache_policy=NO_CACHE)
def extract_archive(
    paths: list[str], sources: list[Source], pipeline: PipelineSettings, db: str, run_id: str, window: Window
) -> Archived:
    """Read, extract and load the WARC pages of these sources published on their target days (the loads
    overlap the extraction); what became of each page. Records of other outlets are stepped over unread;
    a damaged record is logged and gets a fetches row."""
    archived = load_archived(paths, sources, pipeline, db, run_id, archive_key(raw_dir_for(db)), window)
    stats, logger = archived.stats, get_run_logger()
    for file, offset, message in stats.problems[:20]:
        logger.warning("%s: record at offset %d skipped: %s", file, offset, message)
    if stats.problems:
        record_problems(db, run_id, stats.problems)
    logger.info(
        "WARC input: %d records, %d read, %d stepped over unread (%.1f s), %d inflated to find their end, "
        "%d damaged; %d pages of configured sources, %d loaded",
        stats.records,
        stats.read,
        stats.skipped,
        stats.skip_seconds,
        stats.inflated_to_skip,
        len(stats.problems),
        len(archived.pages),
        sum(archived.loaded.values()),
    )
    return archived


class DayWork:
    """One day's work: pages to fetch over HTTP, WARC pages already extracted, the coverage to record."""

    __slots__ = ("day", "plans", "listed_by", "archived", "targets", "discovery_errors", "unavailable")

    def __init__(
        self,
        day: date,
        targets: set[tuple[str, str]],
        discovery_errors: dict[tuple[str, str], str],
        unavailable: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self.day = day
        self.plans: list[PagePlan] = []
        self.listed_by: dict[str, set[str]] = defaultdict(set)  # url -> methods that listed it
        self.archived: list[ArchivedOutcome] = []  # already loaded (or not) as they were extracted
        self.targets = targets  # (source_id, method) coverage rows to write
        self.discovery_errors = discovery_errors
        self.unavailable = unavailable or {}  # (source_id, method) -> why it had nothing to read (no sitemap)


# --- one day ---------------------------------------------------------------------------------


@task(cache_policy=NO_CACHE)
def record_coverage(db: str, records: list[dict]) -> None:
    fwdb.write_transaction(db, "recording coverage", lambda con: coverage.upsert(con, records))


def _named(task_, day: date, step: str):
    """The task under a per-day run name, so each day shows as one group of task runs in the UI. No per-day
    tag: Prefect asks its API for tag concurrency slots before every tagged task run (~0.2 s each here),
    which made backfill tests take twice as long."""
    return task_.with_options(task_run_name=f"{day} {step}")


Batch = tuple[list[PagePlan], PageFetch, list[Extracted | None]]


def fetch_day(
    work: DayWork,
    sources: list[Source],
    settings: FetchSettings,
    pipeline: PipelineSettings,
    crawl: RunCrawl,
    fetches: list[PageFetch],
) -> Generator[Batch, None, None]:
    """Fetch and extract a day's pages batch by batch, yielding each batch once extracted: the next batch is
    fetched and its extraction started before, so the caller loads a batch while the next is extracted. Every
    batch fetched is appended to `fetches`, in order. A stop ends it at the next step; what was extracted before
    it is still yielded (a batch whose extraction the stop cut off is not)."""
    day = work.day
    chunks = [work.plans[i : i + pipeline.batch_size] for i in range(0, len(work.plans), pipeline.batch_size)]
    extracting: tuple[list[PagePlan], PageFetch, PrefectFuture] | None = None  # the batch before this one

    def extracted() -> Batch | None:
        nonlocal extracting
        if extracting is None:
            return None
        batch, fetched, future = extracting
        extracting = None
        return batch, fetched, future.result()

    try:
        for number, batch in enumerate(chunks, start=1):
            if stop_requested():  # a batch boundary: no new fetch
                break
            fetched = _named(fetch_pages, day, f"fetch {number}")(batch, settings, quote(crawl))
            fetches.append(fetched)
            ready = extracted()
            if stop_requested():  # the stop is killing the extraction workers: this batch is not extracted
                if ready is not None:
                    yield ready
                break
            # quote(): Prefect would otherwise walk every page for futures
            extract = _named(extract_pages, day, f"extract {number}")
            extracting = (batch, fetched, extract.submit(quote(batch), quote(fetched), sources, pipeline))
            if ready is not None:
                yield ready
        ready = extracted()
        if ready is not None:
            yield ready
    except Exception:  # the extraction workers a stop killed: the batches extracted before it were yielded
        if not stop_requested():
            raise
    finally:
        if extracting is not None:  # never left running past the day
            extracting[2].wait()


def run_day(
    work: DayWork,
    start: date,
    end: date,
    db: str,
    run_id: str,
    sources: list[Source],
    crawl: RunCrawl,
) -> Counter:
    """Fetch, extract and load one day's pages, then record its coverage rows; (source, outcome) counts. Pages
    the run's time `budget` kept from being fetched count as 'skipped' too, and leave the day 'failed'."""
    day = work.day
    settings, pipeline = fetch_settings(), pipeline_settings()
    tallies: dict[Key, Tally] = {(sid, day, m): Tally() for sid, m in work.targets}
    for (source_id, method), error in work.discovery_errors.items():
        tallies[(source_id, day, method)].retryable = True
        tallies[(source_id, day, method)].notes.append(error)
    for (source_id, method), note in work.unavailable.items():
        tallies[(source_id, day, method)].unavailable = True
        tallies[(source_id, day, method)].notes.append(note)
    counts: Counter = Counter()
    fetches: list[PageFetch] = []
    done = 0  # the first `done` batches of `fetches` are loaded
    try:
        # batches whose extraction finished are loaded as they come (the next one is extracted meanwhile), also
        # after a stop (one transaction each, as ingest does)
        batches = closing(fetch_day(work, sources, settings, pipeline, crawl, fetches))
        with batches as loads:
            for number, (plans, fetched, pages) in enumerate(loads, start=1):
                kept: list[Extracted | None] = []
                for plan, result, page in zip(plans, fetched.results, pages):
                    outcome, retryable = outcome_of(result, page, start, end)
                    counts[(plan.item.source_id, outcome)] += 1
                    skipped = is_skipped(result.error)  # a failure too: the day is read again next run
                    counts[(plan.item.source_id, "skipped")] += skipped
                    for method in work.listed_by.get(plan.item.url, ()):
                        tallies[(plan.item.source_id, day, method)].add(outcome, retryable)
                        if skipped:
                            tallies[(plan.item.source_id, day, method)].notes.append(BUDGET_NOTE)
                    kept.append(page if outcome == "loaded" else None)  # None: the fetch is logged, nothing loaded
                loaded = _named(load_pages, day, f"load {number}")(
                    db, run_id, quote(plans), quote(fetched), quote(kept), pipeline
                )
                counts.update({key: n for key, n in loaded.counts.items() if key[1] in ("new", "updated")})
                done = number
        check_stop()  # a stop mid-day: the day stays undone (no coverage rows) and is read again next run
    except Exception:  # a stop: what the day fetched and did not load is not lost
        if stop_requested():  # its pages get their rows and are fetched again next run
            try:
                record_not_loaded(db, run_id, fetches[done:])
            except Exception:
                get_run_logger().warning("could not record the pages the stop left unloaded", exc_info=True)
        raise
    for page in work.archived:
        counts[(page.source_id, page.outcome)] += 1
        for method in work.listed_by.get(page.url, ()):
            tallies[(page.source_id, day, method)].add(page.outcome, page.retryable)
    _named(record_coverage, day, "coverage")(db, coverage.rows(tallies, run_id, utcnow()))
    return counts


def record_failed_day(work: DayWork, db: str, run_id: str, error: str) -> None:
    """A day that crashed: its coverage rows say 'failed', so a rerun (or --reprocess failed) redoes it."""
    tallies = {(sid, work.day, m): Tally(retryable=True, notes=[error]) for sid, m in work.targets}
    record_coverage(db, coverage.rows(tallies, run_id, utcnow()))


# --- the flow --------------------------------------------------------------------------------


def _assign_days(
    plan: BackfillPlan,
    sitemaps: dict[str, SourceSitemaps],
    feed_items: list[FeedItem],
    archived: list[ArchivedOutcome],
    discovery_errors: dict[tuple[str, str], str],
) -> list[DayWork]:
    """Spread discovered pages over the days to run; a URL listed by several methods is fetched once."""
    by_id = {s.source_id: s for s in plan.sources}
    unavailable = {(sid, "sitemap"): s.note for sid, s in sitemaps.items() if s.note and not s.error}
    works = {
        day: DayWork(
            day,
            pairs,
            {k: v for k, v in discovery_errors.items() if k in pairs},
            {k: v for k, v in unavailable.items() if k in pairs},
        )
        for day, pairs in plan.todo.items()
    }
    for page in archived:  # loaded already when their (source, day) is a target (see warc_targets)
        if page.day in works and (page.source_id, "warc") in works[page.day].targets and page.outcome == "loaded":
            works[page.day].archived.append(page)
            works[page.day].listed_by[page.url].add("warc")
    listed = [("sitemap", item) for s in sitemaps.values() for item in s.items] + [("feed", i) for i in feed_items]
    for method, item in listed:
        day = item.published_at.date() if item.published_at else None
        work = works.get(day)  # type: ignore[arg-type]
        if work is None or (item.source_id, method) not in work.targets:
            continue
        if item.url not in work.listed_by:
            work.plans.append(page_plan(item, by_id[item.source_id]))
        work.listed_by[item.url].add(method)
    return [works[day] for day in sorted(works)]


# (type: ignore: Prefect's TaskRunner is invariant in its future type, so no ThreadPoolTaskRunner fits the hint)
@flow(name="backfill", task_runner=ThreadPoolTaskRunner(max_workers=4))  # type: ignore[arg-type]
def backfill(
    start: date,
    end: date,
    sources: str = str(seed_path("sources.csv")),
    db: str = str(default_db_path()),
    warc: list[str] | None = None,
    reprocess: str = "none",
    dry_run: bool = False,
    max_minutes: float | None = None,
):
    """Fill [start, end] (UTC days) from news sitemaps, WARC files and feeds; complete days are skipped.
    `max_minutes`: the run's time budget (default FORUMWATCH_MAX_RUN_MINUTES, 0: none); past it no request
    starts, the pages not fetched are recorded as skipped, their days stay undone and the run ends partial."""
    budget = Budget.start(pipeline_settings().max_run_minutes if max_minutes is None else max_minutes)
    logger = get_run_logger()
    if dry_run:
        plan = plan_backfill(start, end, sources, db, warc, reprocess)
        logger.info("dry run, nothing written:\n%s", plan.describe())
        return Completed(message=plan.describe(), data=plan.as_dict())
    statuses = None
    if fwdb.is_local_path(db) and Path(db).is_file():
        with fwdb.connect(db) as con:
            fwdb.init_schema(con)
            statuses = coverage.statuses(con, parse_day(start, "start"), parse_day(end, "end"))
    plan = plan_backfill(start, end, sources, db, warc, reprocess, statuses if statuses is not None else {})
    if not plan.todo:
        message = f"backfill {plan.start} .. {plan.end}: every day already complete, nothing to do"
        logger.info(message)
        return Completed(message=message, data={"days_run": 0, "days_skipped": len(plan.skipped_days)})
    run_id = current_run_id()
    parameters = {
        "start": str(plan.start),
        "end": str(plan.end),
        "sources": sources,
        "db": db,
        "warc": warc,
        "reprocess": reprocess,
        "max_minutes": budget.minutes if budget else 0,
    }
    with extraction_starting(pipeline_settings()):
        prepare_run(db, plan.sources, run_id, "backfill", parameters)
    try:
        # one crawl for the run: robots.txt once per origin, each host's delay held from discovery to the last day
        with (
            closing_run(db, run_id),
            frozen_heap(),
            run_crawl(fetch_settings(), raw_dir_for(db), run_id, budget) as crawl,
        ):
            counts, stats = _run_days(plan, db, run_id, warc, crawl)
            check_stop()
            summary = finish_run(db, run_id, stats)
    except RunInterrupted as exc:
        logger.warning("backfill %s", exc)
        return interrupted_state(exc)
    totals: Counter = Counter()
    for (_, outcome), n in counts.items():
        totals[outcome] += n
    totals["failed"] -= totals["skipped"]  # pages the time budget kept from being fetched are counted apart
    message = (
        f"backfill {plan.start} .. {plan.end}: {len(plan.todo)} days run, {len(plan.skipped_days)} skipped; "
        f"{totals['loaded']} pages in range ({totals['new']} new, {totals['updated']} updated), "
        f"{totals['out_of_range']} outside the range, {totals['undated']} undated, {totals['failed']} failed"
    ) + budget_note(stats)
    logger.info("%s (%s)", message, summary)
    return final_state(
        run_status(stats),
        message,
        {
            "days_run": len(plan.todo),
            "days_skipped": len(plan.skipped_days),
            **{k: totals[k] for k in ("loaded", "new", "updated", "out_of_range", "undated", "failed")},
            "pages_skipped": totals["skipped"],
        },
    )


def warc_targets(plan: BackfillPlan) -> Window:
    """The (source, day) pairs whose WARC pages a run loads: the days to run where 'warc' is to do."""
    targets = {(sid, day) for day, pairs in plan.todo.items() for sid, method in pairs if method == "warc"}
    return Window(plan.start, plan.end, targets)


def _discover(
    plan: BackfillPlan,
    wanted: dict[str, list[Source]],
    db: str,
    run_id: str,
    settings: FetchSettings,
    crawl: RunCrawl,
) -> tuple[dict[str, SourceSitemaps], list[FeedItem], dict[tuple[str, str], str]]:
    """The pages the sources' sitemaps and feeds list for the range, and why a (source, method) read nothing."""
    errors: dict[tuple[str, str], str] = {}
    sitemaps = (
        find_sitemap_items(wanted["sitemap"], plan.start, plan.end, db, run_id, settings, quote(crawl))
        if wanted["sitemap"]
        else {}
    )
    errors.update({(sid, "sitemap"): s.error for sid, s in sitemaps.items() if s.error})
    feed_items: list[FeedItem] = []
    if wanted["feed"]:
        feed_items, feed_stats = fetch_feeds(wanted["feed"], db, run_id, settings, quote(crawl))
        errors.update({(sid, "feed"): f"feed: {s.feed_error}" for sid, s in feed_stats.items() if s.feed_error})
    return sitemaps, feed_items, errors


def _run_days(
    plan: BackfillPlan, db: str, run_id: str, warc: list[str] | None, crawl: RunCrawl
) -> tuple[Counter, dict[str, SourceStats]]:
    """Discover pages for the whole range, then run the days one by one, all HTTP on the run's `crawl`;
    (source, outcome) counts."""
    logger = get_run_logger()
    settings, pipeline = fetch_settings(), pipeline_settings()
    wanted = {
        method: [s for s in plan.sources if any((s.source_id, method) in p for p in plan.todo.values())]
        for method in plan.methods
    }
    stats = {s.source_id: SourceStats(s.source_id) for s in plan.sources}
    # the WARC files are read and extracted (local disk, the CPU) while sitemaps and feeds wait on the network
    archiving = (
        extract_archive.submit(warc or [], wanted["warc"], pipeline, db, run_id, warc_targets(plan))
        if wanted.get("warc")
        else None
    )
    try:
        sitemaps, feed_items, errors = _discover(plan, wanted, db, run_id, settings, crawl)
    except BaseException:
        if archiving is not None:
            archiving.wait()  # never leave it writing after the run ends (a stop ends it at its next batch)
        raise
    archived = archiving.result() if archiving is not None else Archived()
    counts: Counter = archived.refused + archived.loaded
    for page in archived.pages:  # WARC pages that belong to no day of the range: counted, never loaded
        if page.outcome in ("undated", "out_of_range"):
            counts[(page.source_id, page.outcome)] += 1
    for (source_id, method), error in errors.items():
        status = "skipped" if SKIPPED in error else "failed"  # the budget was spent before it was read
        stats[source_id].feed_status, stats[source_id].feed_error = status, f"{method}: {error}"
    works = _assign_days(plan, sitemaps, feed_items, archived.pages, errors)
    logger.info(
        "backfill %s .. %s: %d days to run, %d pages from sitemaps and feeds, %d from WARC files",
        plan.start,
        plan.end,
        len(works),
        sum(len(w.plans) for w in works),
        len(archived.pages),
    )
    progress = cast(  # sync_compatible: a plain UUID when called from this synchronous flow
        UUID,
        create_progress_artifact(
            progress=0.0, key="backfill-progress", description=f"backfill {plan.start} .. {plan.end}"
        ),
    )
    rows = []
    with tqdm(total=len(works), desc="backfill", unit="day", disable=None) as bar:
        for number, work in enumerate(works, start=1):
            check_stop()  # a day boundary
            try:
                day_counts = run_day(work, plan.start, plan.end, db, run_id, plan.sources, crawl)
            except Exception as exc:  # one bad day must not stop the others; it stays 'failed'
                if stop_requested():
                    raise RunInterrupted(stop_signal()) from exc
                logger.exception("backfill of %s failed", work.day)
                record_failed_day(work, db, run_id, f"{type(exc).__name__}: {exc}"[:500])
                day_counts = Counter()
            counts.update(day_counts)
            rows.append(
                {
                    "day": str(work.day),
                    **{
                        k: sum(n for (_, o), n in day_counts.items() if o == k)
                        for k in ("loaded", "new", "failed", "out_of_range")
                    },
                }
            )
            bar.set_postfix(day=str(work.day))
            bar.update()
            if progress:
                update_progress_artifact(progress, 100.0 * number / len(works))
    for s in stats.values():
        get = lambda outcome, source_id=s.source_id: counts[(source_id, outcome)]  # noqa: E731
        s.items, s.new, s.updated, s.skipped = sum(get(o) for o in OUTCOMES), get("new"), get("updated"), get("skipped")
        s.failed = get("failed") - s.skipped
        s.fetched = get("loaded") + get("out_of_range") + get("undated")
        s.unchanged = get("loaded") - s.new - s.updated
    create_table_artifact(key="backfill-days", table=rows, description=f"backfill {plan.start} .. {plan.end}")
    return counts, stats
