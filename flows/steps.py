"""Prefect tasks shared by the flows: thin wrappers that order the stage functions in tasks/."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.states import Cancelled, Completed, Failed, State

from forumwatch import db as fwdb
from forumwatch import lake
from forumwatch.flows.heartbeats import install as install_prompt_heartbeats
from forumwatch.flows.stop import RunInterrupted, arm, on_stop, stop_requested, stop_signal
from forumwatch.settings import FetchSettings, PipelineSettings, pipeline_settings
from forumwatch.tasks import dedupe, load, runs, search_index
from forumwatch.tasks.budget import Budget, is_skipped
from forumwatch.tasks.canonical import same_page_text, site_of
from forumwatch.tasks.discover import FeedItem, FeedParse, feed_links, parse_feed
from forumwatch.tasks.enrich import enrich_many, start_pool_ahead
from forumwatch.tasks.enrich import shutdown_pool as shutdown_extract_pool
from forumwatch.tasks.extract import Extracted, PageInput, guard_date
from forumwatch.tasks.fetch import Fetcher, FetchRequest, FetchResult, fetch_all
from forumwatch.tasks.netguard import origin
from forumwatch.tasks.sources import Source
from forumwatch.tasks.tag import with_article_id
from forumwatch.tasks.urls import article_id, host_of, redact_credentials
from forumwatch.tasks.views import refresh_views
from forumwatch.tasks.warc import WarcArchive
from forumwatch.tasks.warc_input import ArchivedPage

PENDING_DAYS = 7  # feed items that failed are retried on later runs for this many days
# what a run's row ends as, and the command's exit code for it (README, "Run outcomes")
EXIT_CODES = {"completed": 0, "failed": 1, "partial": 3}

install_prompt_heartbeats()  # a flow run returns when its work ends, not up to a second later (flows/heartbeats.py)


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """The Prefect run logger inside a run; the module logger when a step is called as a plain function."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class SourceStats:
    """What happened to one source in one run (the per-source log line and artifact row)."""

    source_id: str
    feed_status: str = "ok"  # ok | unchanged | failed | skipped (the run's time budget was spent)
    feed_error: str | None = None
    items: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0  # pages the run's time budget kept from being fetched (the next run fetches them)


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
    """The `fetches` row of a result; passwords in its URLs and texts shown as *** (a feed_url may carry some)."""
    error = error or result.error
    if result.kind == "robots" and result.status and 400 <= result.status < 500:
        error, note = None, f"no robots.txt (HTTP {result.status}): crawling allowed"
    url = redact_credentials(result.url)
    return {
        "fetch_id": load.fetch_id(run_id, result.kind, url),
        "run_id": run_id,
        "url": url,
        "final_url": result.final_url and redact_credentials(result.final_url),
        "source_id": result.source_id,
        "kind": result.kind,
        "fetched_at": result.fetched_at,
        "status": result.status,
        "error": error and redact_credentials(error),
        "note": note and redact_credentials(note),
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

    arm()  # the command line's SIGINT/SIGTERM handlers, over the one Prefect's engine installed for the run
    fwdb.check_target(db)
    now = utcnow()

    def prepare() -> tuple[list, dict[str, str]]:
        with fwdb.connect(db) as con:
            fwdb.init_schema(con)
            con.begin()
            lake.serialize(con)
            dead = runs.mark_dead_runs(con, run_id, now, stale_run_seconds())
            load_seed_tables(con)
            ensure_views(con)  # finish_run rebuilds them with this run's articles
            renames = load.upsert_sources(con, sources, now)
            load.start_run(con, run_id, flow_name, now, parameters)
            con.commit()
        return dead, renames

    dead, renames = lake.retry_conflicts(prepare, "preparing the run")
    if renames:
        get_run_logger().info(
            "source ids now come from the id column or the feed URL; stored rows moved: %s",
            ", ".join(f"{old} -> {new}" for old, new in sorted(renames.items())),
        )
    if dead:
        get_run_logger().warning("marked %d earlier run(s) interrupted (their process is gone): %s", len(dead), dead)


def stale_run_seconds() -> float:
    """FORUMWATCH_STALE_RUN_SECONDS: a run on another host silent this long is marked interrupted."""
    return fwdb._env_seconds("FORUMWATCH_STALE_RUN_SECONDS", runs.STALE_RUN_SECONDS)


class RobotsLog:
    """The robots.txt fetches of a run (made in fetch threads), taken by whichever step records them next."""

    def __init__(self) -> None:
        self._items: list[FetchResult] = []
        self._lock = threading.Lock()

    def append(self, result: FetchResult) -> None:
        with self._lock:
            self._items.append(result)

    def take(self) -> list[FetchResult]:
        with self._lock:
            items, self._items = self._items, []
        return items


@dataclass
class RunCrawl:
    """What a run's fetches share: one session, host gates, robots.txt cache and WARC file."""

    fetcher: Fetcher
    robots: RobotsLog


@contextmanager
def run_crawl(
    settings: FetchSettings, warc_dir: str | Path, run_id: str, budget: Budget | None = None
) -> Iterator[RunCrawl]:
    """One Fetcher for a whole run (feeds, then pages): robots.txt is fetched once per host, and the delay
    between the feed and the first page of a host holds as between any two pages; the run's time `budget`."""
    robots = RobotsLog()
    # one WARC file for the run (named -pages as the per-batch files were; it holds the feeds too)
    archive = WarcArchive(Path(warc_dir), f"{run_id}-pages")
    fetcher = Fetcher(settings, archive, robots.append, stop_requested, budget)
    try:
        yield RunCrawl(fetcher, robots)
    finally:
        fetcher.close()


def _fetch_feed_urls(
    db: str, wanted: list[tuple[Source, str]], settings: FetchSettings, crawl: RunCrawl
) -> tuple[list[FetchResult], list[FetchResult]]:
    """Fetch (source, feed URL) pairs with conditional GET on the run's fetcher: (results, robots.txt results).
    Private addresses are allowed only on the configured feed's own host."""
    stored = [redact_credentials(url) for _, url in wanted]  # the URLs as fetch_row stores them
    with fwdb.connect(db) as con:
        previous = load.last_fetches(con, stored)
    requests = [
        FetchRequest(
            url=url,
            source_id=s.source_id,
            kind="feed",
            trusted_host=origin(s.feed_url),
            etag=previous.get(key, (None, None, None))[0],
            last_modified=previous.get(key, (None, None, None))[1],
            crawl_delay=s.crawl_delay,
        )
        for (s, url), key in zip(wanted, stored)
    ]
    return fetch_all(requests, settings, None, "", fetcher=crawl.fetcher), crawl.robots.take()


def _read_feed(
    source: Source, result: FetchResult, stat: SourceStats, settings: FetchSettings, items: list[FeedItem]
) -> FeedParse | None:
    """Record one feed response in `stat` and `items`; its parse, None when there was nothing to parse (an
    error or a 304)."""
    if result.error:
        stat.feed_status, stat.feed_error = "skipped" if is_skipped(result.error) else "failed", result.error
        return None
    if result.not_modified:
        stat.feed_status = "unchanged"
        return None
    parsed = parse_feed(
        result.body or b"",
        result.final_url or result.url,
        source.source_id,
        max_items=settings.max_feed_items,
        timezone=source.timezone,
        language=source.language,
    )
    if parsed.error:
        stat.feed_status, stat.feed_error = "failed", parsed.error
    stat.items = len(parsed.items)
    items.extend(parsed.items)
    return parsed


@task(cache_policy=NO_CACHE)
def fetch_feeds(
    sources: list[Source],
    db: str,
    run_id: str,
    settings: FetchSettings,
    crawl: RunCrawl,
) -> tuple[list[FeedItem], dict[str, SourceStats]]:
    """Fetch every feed (conditional GET) on the run's `crawl`, parse it, and record fetches and feed items in
    one transaction."""
    logger = get_run_logger()
    wanted = [(s, s.feed_url) for s in sources]
    results, robots = _fetch_feed_urls(db, wanted, settings, crawl)
    stats = {s.source_id: SourceStats(s.source_id) for s in sources}
    items: list[FeedItem] = []
    rows = []
    named: list[tuple[Source, str]] = []  # (source, feed URL its HTML page names): read in a second pass
    for source, result in zip(sources, results):
        parsed = _read_feed(source, result, stats[source.source_id], settings, items)
        not_a_feed = parsed is not None and (parsed.error or "").startswith("not a feed")
        links = feed_links(result.body or b"", result.final_url or source.feed_url) if not_a_feed else []
        if links:
            stats[source.source_id].feed_status, stats[source.source_id].feed_error = "ok", None
            note = f"an HTML page, not a feed; it names the feed {links[0]}, read instead: put that in feed_url"
            # no validators kept: a 304 for the page next time must not hide new items of the feed it names
            rows.append(fetch_row(run_id, replace(result, etag=None, last_modified=None), note=note))
            named.append((source, links[0]))
            shown = redact_credentials(f"feed {source.feed_url} is an HTML page naming the feed {links[0]}")
            logger.warning("%s: reading that", shown)
            continue
        rows.append(fetch_row(run_id, result, error=parsed.error if parsed else None, note=parsed and parsed.note))
    if named:
        more, more_robots = _fetch_feed_urls(db, named, settings, crawl)
        robots += more_robots
        for (source, _), result in zip(named, more):
            parsed = _read_feed(source, result, stats[source.source_id], settings, items)
            rows.append(fetch_row(run_id, result, error=parsed.error if parsed else None, note=parsed and parsed.note))
    for source in sources:
        if stats[source.source_id].feed_error:
            stat = stats[source.source_id]
            logger.warning("%s", redact_credentials(f"feed {source.feed_url} {stat.feed_status}: {stat.feed_error}"))
    rows += [fetch_row(run_id, r) for r in robots]

    def record(con) -> None:
        load.insert_fetches(con, rows)
        load.upsert_feed_items(con, items, utcnow())

    fwdb.write_transaction(db, "recording the feeds", record)
    return items, stats


def _owner_rank(item: FeedItem, by_id: dict[str, Source]) -> tuple[int, str]:
    """Which of several sources listing one URL it is planned (and stored) under: a source on the URL's own
    site first (the outlet whose page it is, not a partner or aggregator listing it), then the smallest id;
    never the order of the sources file's rows."""
    source = by_id[item.source_id]
    homes = {site_of(host) for host in (host_of(source.feed_url), host_of(source.homepage or "")) if host}
    return (0 if site_of(host_of(item.url) or "-") in homes else 1, item.source_id)


@task(cache_policy=NO_CACHE)
def plan_pages(
    db: str, sources: list[Source], items: list[FeedItem], max_per_source: int | None = None
) -> list[PagePlan]:
    """This run's feed items plus earlier ones never loaded, each URL once, with its validators."""
    by_id = {s.source_id: s for s in sources}
    with fwdb.connect(db) as con:
        pending = load.pending_items(con, list(by_id), utcnow() - timedelta(days=PENDING_DAYS))
        owners: dict[str, FeedItem] = {}
        for item in items + pending:
            known = owners.get(item.url)
            if known is None or _owner_rank(item, by_id) < _owner_rank(known, by_id):
                owners[item.url] = item
        wanted: dict[str, FeedItem] = {}
        per_source: Counter = Counter()
        for url, item in owners.items():
            if not (max_per_source and per_source[item.source_id] >= max_per_source):
                wanted[url] = item
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
            trusted_host=origin(source.feed_url),
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


NOT_LOADED = "not loaded: the run was interrupted"  # a fetched page's row after a stop: the next run fetches it


def record_not_loaded(db: str, run_id: str, fetches: list[PageFetch]) -> None:
    """After a stop, the fetches rows of pages fetched but not loaded (their own error, else NOT_LOADED): nothing
    tried is lost silently, and the next run fetches them again."""
    rows = [fetch_row(run_id, r, error=r.error or NOT_LOADED) for f in fetches for r in f.results]
    rows += [fetch_row(run_id, r) for f in fetches for r in f.robots]
    if rows:
        fwdb.write_transaction(
            db, "recording the pages a stop left unloaded", lambda con: load.insert_fetches(con, rows)
        )


@task(cache_policy=NO_CACHE)
def fetch_pages(plans: list[PagePlan], settings: FetchSettings, crawl: RunCrawl) -> PageFetch:
    """Fetch these pages on the run's crawl (its robots.txt cache, host gates, WARC file and time budget)."""
    return PageFetch(
        fetch_all([p.request for p in plans], settings, None, "", fetcher=crawl.fetcher), crawl.robots.take()
    )


def page_input(
    plan: PagePlan,
    result: FetchResult,
    languages: dict[str, str | None],
    pipeline: PipelineSettings,
    zones: dict[str, str | None] | None = None,
) -> PageInput | None:
    """The extraction input of a page that came back with a new body; None for errors, 304s and bodies
    unchanged since the last run."""
    if result.error or result.not_modified or result.text is None or result.content_sha1 == plan.last_sha1:
        return None
    return PageInput(
        url=plan.item.url,
        source_id=plan.item.source_id,
        html=result.text,
        fetched_at=result.fetched_at,
        feed_published_at=plan.item.published_at,
        feed_has_time=plan.item.published_has_time,
        feed_title=plan.item.title,
        default_language=languages.get(plan.item.source_id),
        timezone=(zones or {}).get(plan.item.source_id),
        final_url=result.final_url,
        max_chars=pipeline.max_page_chars,
        min_words=pipeline.min_article_words,
        min_cjk_chars=pipeline.min_article_cjk_chars,
    )


def pages_to_extract(
    plans: list[PagePlan], fetched: PageFetch, sources: list[Source], pipeline: PipelineSettings | None = None
) -> list[tuple[int, PageInput]]:
    """(index in the batch, input) of the pages that came back with a new body."""
    pipeline = pipeline or pipeline_settings()  # FORUMWATCH_* env applied
    languages = {s.source_id: s.language for s in sources}
    zones = {s.source_id: s.timezone for s in sources}
    todo: list[tuple[int, PageInput]] = []
    for index, (plan, result) in enumerate(zip(plans, fetched.results)):
        page = page_input(plan, result, languages, pipeline, zones)
        if page is not None:
            todo.append((index, page))
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
@lake.retrying("a load batch")
def load_pages(
    db: str,
    run_id: str,
    plans: list[PagePlan],
    fetched: PageFetch,
    extracted: list[Extracted | None],
    pipeline: PipelineSettings,
    connection: RunConnection | None = None,
) -> BatchOutcome:
    """One transaction: fetch rows, new and changed articles (a row stored under the link a page was fetched by
    gives way to the canonical URL the page names), their tags, their story groups, and the cross-language
    links of those stories. With a run's `connection`, on it; else on a connection of its own. On a DuckLake
    catalog, a batch another writer's commit made conflict is run again from the start, reading what is
    stored anew."""
    from forumwatch.tasks.dedupe import assign_stories
    from forumwatch.tasks.links import link_stories
    from forumwatch.tasks.tag import write_tags

    outcome = BatchOutcome()
    results = fetched.results
    fetch_rows = [fetch_row(run_id, r) for r in fetched.robots]
    article_rows, tags = [], []
    computed: dict[str, bytes] = {}  # fingerprints made beside the extraction
    retired: dict[str, str] = {}  # stored under the link a page was fetched by -> the page's canonical id
    in_batch: set[str] = set()  # articles this batch stores
    evidence: dict[str, dict] = {}  # and the story links' text evidence, by evidence_key
    with borrowed(db, connection) as con:
        con.begin()  # before reading what is stored: on a lake, a writer committing since then makes this conflict
        lake.serialize(con)
        ids = [e.article_id for e in extracted if e is not None]
        link_ids = [link_id(e) for e in extracted]  # each a canonical URL's normal form and hash: made once
        known = load.existing_articles(con, ids + [i for i in link_ids if i])
        holders = load.stored_texts(
            con, [e.article_id for e, i in zip(extracted, link_ids) if e and i and e.article_id in known]
        )
        # pages stored under their own link claim their ids before pages naming them as canonical
        order = sorted(range(len(plans)), key=lambda i: link_ids[i] is not None)
        for plan, result, page, fetched_id in ((plans[i], results[i], extracted[i], link_ids[i]) for i in order):
            source_id = plan.item.source_id
            if result.error:  # a failure, or not fetched: the run's time budget was spent
                outcome.counts[(source_id, "skipped" if is_skipped(result.error) else "failed")] += 1
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
            own = keep_own_link(page, holders.get(page.article_id))
            old_id = fetched_id if own is page else link_id(own)
            page = own
            if old_id is not None and old_id in known:
                retired[old_id] = page.article_id
            if page.article_id in in_batch or (
                page.article_id in known and known[page.article_id] == page.content_sha1
            ):  # the same text as stored, or another link of an article this batch already holds
                outcome.counts[(source_id, "unchanged")] += 1
                continue
            stored = page.article_id in known or old_id in known
            outcome.counts[(source_id, "updated" if stored else "new")] += 1
            article_rows.append(page_row(page, run_id))
            if page.extras.get("minhash"):
                computed[page.article_id] = page.extras["minhash"]
            if page.extras.get("evidence"):
                key, found = page.extras["evidence"]
                evidence[key] = found
            tags.append(page.extras.get("tags"))
            outcome.article_ids.append(page.article_id)
            in_batch.add(page.article_id)
            holders[page.article_id] = (page.text or "", page.link_url)
        runs.heartbeat(con, run_id, utcnow())
        load.insert_fetches(con, fetch_rows)
        load.upsert_articles(con, article_rows)
        # never retire an id a page of this batch is stored under (two pages naming each other)
        load.retire_articles(con, {old: new for old, new in retired.items() if old not in in_batch})
        write_tags(con, [t for t in tags if t is not None])
        if outcome.article_ids or retired:
            assign_stories(
                con,
                outcome.article_ids,
                window_days=pipeline.story_window_days,
                workers=pipeline.extract_workers,
                texts={r["article_id"]: r["text"] for r in article_rows},
                computed=computed,
            )
            link_stories(con, outcome.article_ids, window_hours=pipeline.link_window_hours, known=evidence)
        con.commit()
    make_search_terms_ahead(db, article_rows)
    return outcome


def make_search_terms_ahead(db: str, rows: list[dict]) -> None:
    """Make the search terms of a batch's new and changed articles now, while the extraction workers run, so
    finish_run only looks them up (not on a DuckLake catalog: it has no search index). Never raises: terms not
    made here are made as the run ends."""
    if not rows or lake.is_lake(db):
        return
    try:
        search_index.make_terms_ahead([(row["title"], row["text"]) for row in rows])
    except Exception as exc:
        run_logger().warning("search terms of a load batch left to the run's end: %s: %s", type(exc).__name__, exc)


def keep_own_link(page: Extracted, holder: tuple[str, str | None] | None) -> Extracted:
    """A page whose canonical link names an article stored (or in this batch) from another page with another
    text keeps its own link: a template giving every page one canonical URL merged different articles into one
    row, the others counted 'unchanged' and lost. `holder` is that article's (text, link_url)."""
    if holder is None or link_id(page) is None or holder[1] == page.link_url:
        return page
    if same_page_text(holder[0], page.text or ""):
        return page
    own = article_id(page.link_url or page.url)
    extras = dict(page.extras)
    if extras.get("tags") is not None:
        extras["tags"] = with_article_id(extras["tags"], own)
    note = f"refused: canonical {page.url} names another page, whose text differs"[:500]
    return replace(page, url=page.link_url or page.url, article_id=own, canonical_note=note, extras=extras)


def link_id(page: Extracted | None) -> str | None:
    """The id a page's article had when identity was the link it was fetched by, if its canonical differs."""
    if page is None or page.error or not page.link_url or page.link_url == page.url:
        return None
    return article_id(page.link_url)


def refuse_replacements(
    db: str, run_id: str, pages: list[ArchivedPage], extracted: list[Extracted | None]
) -> list[bool]:
    """Which archived pages may load. A page from a WARC file not signed by this database's archive never
    replaces a stored article with a different text: it is refused, with a fetches row saying so."""
    untrusted = [e for p, e in zip(pages, extracted) if e is not None and not e.error and not p.trusted]
    # the row it would replace: its canonical URL's, or the one stored under its link (which it would retire)
    ids = [i for e in untrusted for i in (e.article_id, link_id(e)) if i]
    if not ids:
        return [True] * len(pages)
    with fwdb.connect(db) as con:
        stored = load.existing_articles(con, ids)
    keep, rows = [], []
    for page, ext in zip(pages, extracted):
        clash = (
            ext is not None
            and not ext.error
            and not page.trusted
            and any(i in stored and stored[i] != ext.content_sha1 for i in (ext.article_id, link_id(ext)) if i)
        )
        keep.append(not clash)
        if clash:
            error = (
                f"refused: the archived copy in {page.result.warc_file} differs from the stored article "
                "and the file is not this database's own archive; the stored article is kept"
            )
            rows.append(fetch_row(run_id, page.result, error=error))
    if rows:
        with fwdb.connect(db) as con:
            con.begin()
            load.insert_fetches(con, rows)
            con.commit()
    return keep


LOAD_THREADS = 1  # DuckDB threads of a run's load connection


class RunConnection:
    """One DuckDB connection (and the writer lock) held for a run's loads, opened on first use, with
    LOAD_THREADS DuckDB threads."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._context: AbstractContextManager[duckdb.DuckDBPyConnection] | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def get(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            context = fwdb.connect(self.db)
            self.con = context.__enter__()
            self._context = context
            # the loads run beside the extraction workers, which keep every core busy: DuckDB's own threads
            # would only take CPU from them (one thread: about 10% less CPU a page in the flow process)
            self.con.execute(f"SET threads = {LOAD_THREADS}")
        return self.con

    def close(self) -> None:
        if self._context is not None:
            context, self._context, self.con = self._context, None, None
            context.__exit__(None, None, None)

    def __enter__(self) -> RunConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def borrowed(db: str, connection: RunConnection | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The run's connection when there is one (a failed transaction is rolled back, so it stays usable),
    else a connection of this block's own."""
    if connection is None:
        with fwdb.connect(db) as con:
            yield con
        return
    con = connection.get()
    try:
        yield con
    except BaseException:
        try:
            con.rollback()
        except Exception:  # no transaction was open
            pass
        raise


def page_row(page: Extracted, run_id: str) -> dict:
    guard_date(page)  # whatever produced the date (a worker, a Dask worker, a plug-in parser), 1990 .. fetch + 1 day
    row = {column: getattr(page, column, None) for column in load.ARTICLE_COLUMNS}
    row.update({k: v for k, v in page.extras.items() if k in load.ARTICLE_COLUMNS})
    row["run_id"] = run_id
    return row


@task(cache_policy=NO_CACHE)
def finish_run(db: str, run_id: str, stats: dict[str, SourceStats], connection: RunConnection | None = None) -> str:
    """Rebuild the tables behind the views, close the run's row, publish the read-only copy, and return
    the one-line summary. With the run's `connection` (that of its loads), on it, which is then closed: the
    database is checkpointed once at the run's end instead of once after its loads and again here."""
    failed = failed_sources(stats)
    status = run_status(stats)
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
                "n_skipped": s.skipped,
            }
        )
    totals["n_sources"], totals["n_sources_failed"] = len(stats), len(failed)
    message = (
        f"{len(stats) - len(failed)} of {len(stats)} sources ok, {len(failed)} failed; "
        f"{totals['n_new']} new, {totals['n_updated']} updated, {totals['n_unchanged']} unchanged, "
        f"{totals['n_failed']} failed pages"
    ) + budget_note(stats)

    def close(con) -> None:
        if not refresh_views(con, run_id, utcnow()):  # the mv_* tables, when anything they use changed
            run_logger().info("views left as they were: nothing they are built from changed")
        refresh_search_logged(con)  # after the views: search_stories reads them
        load.finish_run(con, run_id, utcnow(), status, totals, message)

    if connection is not None and not lake.is_lake(db):
        with borrowed(db, connection) as con:
            con.begin()
            close(con)
            con.commit()
        connection.close()  # before publishing: the read copy is made from the checkpointed file
    else:
        if connection is not None:  # a lake: its end retries on conflicts in a transaction of its own
            connection.close()  # (and its catalog is attached once per process)
        fwdb.write_transaction(db, "closing the run", close)
    fwdb.publish_read_copy(db)
    return message


def announce_loaded(db: str, flow_name: str, n_new: int) -> None:
    """Emit the Prefect event `forumwatch.<flow>.loaded` when a run added articles, related to its deployment
    and flow run: automations/daily-health.yaml notifies when none came for N days. Never raises."""
    if n_new <= 0:
        return
    try:
        from prefect.events import emit_event
        from prefect.runtime import deployment, flow_run

        related = []
        if deployment.id:
            related.append(
                {
                    "prefect.resource.id": f"prefect.deployment.{deployment.id}",
                    "prefect.resource.role": "deployment",
                    "prefect.resource.name": str(deployment.name),
                }
            )
        if flow_run.id:
            related.append(
                {"prefect.resource.id": f"prefect.flow-run.{flow_run.id}", "prefect.resource.role": "flow-run"}
            )
        emit_event(
            event=f"forumwatch.{flow_name}.loaded",
            resource={"prefect.resource.id": f"forumwatch.database.{db}", "prefect.resource.name": str(db)},
            related=related,
            payload={"n_new": int(n_new)},
        )
    except Exception:  # monitoring must never fail a run
        get_run_logger().warning("could not emit the forumwatch.%s.loaded event", flow_name, exc_info=True)


def failed_sources(stats: dict[str, SourceStats]) -> list[SourceStats]:
    """Sources whose feed (or sitemap) could not be read, or whose every page fetch failed."""
    return [
        s for s in stats.values() if s.feed_status == "failed" or (s.failed and not (s.new or s.updated or s.unchanged))
    ]


def budget_note(stats: dict[str, SourceStats]) -> str:
    """What the run's time budget left undone, for the run's message ('' when it left nothing)."""
    pages = sum(s.skipped for s in stats.values())
    feeds = sum(s.feed_status == "skipped" for s in stats.values())
    if not (pages or feeds):
        return ""
    return f"; the run's time budget was spent: {pages} pages and {feeds} feeds skipped, fetched next run"


def run_status(stats: dict[str, SourceStats]) -> str:
    """completed (no source failed) | partial (some did, or a source's feed failed while other ways still
    loaded its pages, or the run's time budget left pages or feeds unfetched) | failed (every source failed and
    nothing of any was loaded)."""
    failed = failed_sources(stats)
    if not failed:
        return "partial" if budget_note(stats) else "completed"
    nothing = [s for s in failed if not (s.new or s.updated or s.unchanged)]
    return "failed" if len(nothing) == len(stats) else "partial"


def final_state(status: str, message: str, data: object = None) -> State:
    """The Prefect state a flow returns for a run's outcome: Failed when every source failed, a Completed state
    named Partial when some did (the command exits 3), Completed otherwise."""
    if status == "failed":
        return Failed(message=message)  # a failed state's data must be an exception; the counts are in `runs`
    if status == "partial":
        return Completed(message=message, data=data, name="Partial")
    return Completed(message=message, data=data)


def interrupted_state(exc: RunInterrupted) -> State:
    """What a flow returns after a clean stop: Cancelled, with the signal in its message."""
    return Cancelled(message=str(exc), data={"signal": exc.signum})


def uses_dask(pipeline: PipelineSettings) -> bool:
    return pipeline.task_runner.strip().lower() == "dask"


@contextmanager
def extraction_starting(pipeline: PipelineSettings) -> Iterator[None]:
    """The local extraction workers started in the background before the block, the run's preparation, so that
    their seconds of start-up overlap it and the feeds or discovery after it (the pool is ended with the run, at
    once if it got no work); ended at once if the block raises (the run then never begins)."""
    if not uses_dask(pipeline):
        start_pool_ahead(pipeline.extract_workers)
    try:
        yield
    except BaseException:
        shutdown_pool(kill=True)
        raise


def shutdown_pool(kill: bool = False) -> None:
    """Stop the extraction and fingerprinting worker pools (kill: at once)."""
    shutdown_extract_pool(kill=kill)
    dedupe.shutdown_pool(kill=kill)


def _kill_pools() -> None:
    shutdown_pool(kill=True)


on_stop(_kill_pools)  # a stop ends the batch being extracted at once: it would not be loaded anyway


def refresh_search_logged(con) -> None:
    """Bring the full-text index up to date (rebuilt only when articles changed) and log what it cost."""
    try:
        logger = get_run_logger()
    except Exception:  # called outside a flow run (finish_run.fn in tests, scripts)
        logger = logging.getLogger("forumwatch")
    if lake.is_lake_connection(con):
        logger.warning(f"search index not built: {lake.NO_SEARCH}")
        return
    try:
        result = search_index.refresh_search(con)
    except search_index.ExtensionMissing as exc:  # a broken install must not fail the run: search stays stale
        logger.warning(f"search index not refreshed: {exc}")
        return
    logger.info(
        f"search index: {result.added} documents made, {result.removed} dropped, "
        f"{len(result.rebuilt)} week indexes rebuilt in {result.seconds:.2f}s"
    )


@contextmanager
def closing_run(db: str, run_id: str) -> Iterator[None]:
    """Around a run's work: if it raises, close the run's row (interrupted after a stop request, failed
    otherwise); either way stop the extraction pool (at once, killing its workers, after a stop)."""
    try:
        yield
    except RunInterrupted as exc:
        shutdown_pool(kill=True)
        close_run(db, run_id, "interrupted", str(exc))
        raise
    except BaseException as exc:
        if stop_requested():  # the stop ended the work (its workers killed): report the stop, not the breakage
            # (logged, not printed: after a stop the console shows only the command's line)
            run_logger().info("the run's work ended by %s while stopping", type(exc).__name__, exc_info=exc)
            shutdown_pool(kill=True)
            stopped = RunInterrupted(stop_signal())
            close_run(db, run_id, "interrupted", str(stopped))
            raise stopped from exc
        interrupted = isinstance(exc, KeyboardInterrupt)
        shutdown_pool(kill=interrupted)
        close_run(db, run_id, "interrupted" if interrupted else "failed", f"{type(exc).__name__}: {exc}")
        raise
    finally:
        shutdown_pool()


def close_run(db: str, run_id: str, status: str, message: str) -> None:
    """Close the run's row (called outside the task engine, as the flow goes down); never raises."""
    try:
        fwdb.write_transaction(
            db,
            "closing the run's row",
            lambda con: runs.close_run(con, run_id, utcnow(), status, message),
            wait_seconds=60,
        )
    except Exception:  # the original error matters more than this bookkeeping; the next run marks it dead
        pass


def mark_run_failed(db: str, run_id: str, message: str) -> None:
    """Close the run's row as failed."""
    close_run(db, run_id, "failed", message)
