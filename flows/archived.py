"""Backfill from WARC files: the pages of configured sources, read as a stream (other outlets' records are
stepped over unread) and extracted in the worker processes while the next pages are read; the latest copy
of each URL is kept, without its HTML."""

from __future__ import annotations

from collections import Counter, deque
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from prefect.utilities.annotations import quote

from forumwatch import db as fwdb
from forumwatch.flows.steps import (
    PageFetch,
    PagePlan,
    fetch_row,
    load_pages,
    pages_to_extract,
    refuse_replacements,
    utcnow,
)
from forumwatch.flows.stop import check_stop
from forumwatch.settings import PipelineSettings
from forumwatch.tasks import coverage, load
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.enrich import submit_many
from forumwatch.tasks.extract import Extracted
from forumwatch.tasks.fetch import FetchRequest, FetchResult
from forumwatch.tasks.netguard import origin
from forumwatch.tasks.sources import Source
from forumwatch.tasks.warc_input import ArchivedPage, scan_pages, warc_files
from forumwatch.tasks.warc_scan import ScanStats

IN_FLIGHT = 3  # batches handed to the workers ahead of the one being read
LOAD_AT = 1000  # pages per load: a load's cost is mostly per call (story links, connection), not per page


def page_plan(item: FeedItem, source: Source) -> PagePlan:
    """A plan with no validators: a backfill wants the body even if an earlier run saw it."""
    request = FetchRequest(
        url=item.url,
        source_id=item.source_id,
        kind="page",
        trusted_host=origin(source.feed_url),
        crawl_delay=source.crawl_delay,
    )
    return PagePlan(request, item, None)


def outcome_of(result: FetchResult, page: Extracted | None, start: date, end: date) -> tuple[str, bool]:
    """(coverage outcome, retryable) of one page."""
    if result.error:
        return "failed", coverage.is_retryable(result.status)
    if page is None or page.error:
        return "failed", False
    if page.published_at is None:
        return "undated", False
    return ("loaded" if start <= page.published_at.date() <= end else "out_of_range"), False


@dataclass(frozen=True)
class ArchivedOutcome:
    """What became of one page of a configured source found in the WARC files."""

    url: str
    source_id: str
    day: date | None  # its publication day; None when undated or unreadable
    outcome: str  # loaded | failed | out_of_range | undated
    retryable: bool


@dataclass
class Archived:
    pages: list[ArchivedOutcome] = field(default_factory=list)  # latest copy per URL, URL order
    refused: Counter = field(default_factory=Counter)  # (source, 'failed'): would replace a different article
    loaded: Counter = field(default_factory=Counter)  # (source, 'new' / 'updated') of the loads
    stats: ScanStats = field(default_factory=ScanStats)


@dataclass
class _Batch:
    pages: list[tuple[int, ArchivedPage]]  # (sequence number, page)
    plans: list[PagePlan]
    todo: list[int]  # indexes of the pages with something to extract
    work: list[Future[list[Extracted]]]  # the extraction of the pages in `todo`, chunk by chunk


@dataclass
class Window:
    """The run's date range, and the (source, day) pairs whose WARC pages are to be loaded."""

    start: date
    end: date
    targets: set[tuple[str, date]]


class _Extractor:
    """Keeps the latest copy per URL (WARC-Date, then a signed copy over an unsigned one, then the later one
    in the files), extracts batches in the worker processes IN_FLIGHT batches ahead of the reading, and
    loads each batch's pages of the target days as it comes back (the loads overlap the extraction)."""

    def __init__(self, sources: list[Source], pipeline: PipelineSettings, db: str, run_id: str, window: Window):
        self.sources, self.pipeline, self.db, self.run_id, self.window = sources, pipeline, db, run_id, window
        self.by_id = {s.source_id: s for s in sources}
        self.best: dict[str, tuple[tuple, int]] = {}  # url -> (rank, sequence number)
        self.outcomes: dict[str, ArchivedOutcome] = {}
        self.loaded_urls: set[str] = set()  # loaded by this run: a later copy replaces them, never refused
        self.out = Archived()
        self.waiting: list[tuple[int, ArchivedPage]] = []
        self.in_flight: deque[_Batch] = deque()
        self.to_load: dict[str, tuple[PagePlan, FetchResult, Extracted]] = {}  # by URL: one copy per load

    def add(self, seq: int, page: ArchivedPage) -> None:
        rank = (page.result.fetched_at, page.trusted)
        old = self.best.get(page.item.url)
        if old is not None and rank < old[0]:
            return  # an earlier file held a later copy
        self.best[page.item.url] = (rank, seq)
        self.waiting.append((seq, page))
        if len(self.waiting) >= self.pipeline.batch_size:
            self._start()

    def _start(self) -> None:
        check_stop()  # a batch boundary
        pages, self.waiting = self.waiting, []
        plans = [page_plan(p.item, self.by_id[p.item.source_id]) for _, p in pages]
        fetched = PageFetch([p.result for _, p in pages], [])
        todo = pages_to_extract(plans, fetched, self.sources, self.pipeline)
        work = submit_many([page_input for _, page_input in todo], self.pipeline.extract_workers)
        self.in_flight.append(_Batch(pages, plans, [i for i, _ in todo], work))
        while len(self.in_flight) > IN_FLIGHT:
            self._finish(self.in_flight.popleft())

    def _allowed(self, pages: list[ArchivedPage], extracted: list[Extracted | None]) -> list[bool]:
        """refuse_replacements, except for URLs this run loaded itself (a later copy of the input wins)."""
        fresh = [i for i, p in enumerate(pages) if p.item.url not in self.loaded_urls]
        verdicts = refuse_replacements(self.db, self.run_id, [pages[i] for i in fresh], [extracted[i] for i in fresh])
        allowed = [True] * len(pages)
        for i, ok in zip(fresh, verdicts):
            allowed[i] = ok
        return allowed

    def _finish(self, batch: _Batch) -> None:
        done = [e for future in batch.work for e in future.result()]
        extracted: list[Extracted | None] = [None] * len(batch.pages)
        for index, page in zip(batch.todo, done):
            extracted[index] = page
        allowed = self._allowed([p for _, p in batch.pages], extracted)
        for (seq, page), plan, ext, ok in zip(batch.pages, batch.plans, extracted, allowed):
            url, source_id = page.item.url, page.item.source_id
            if self.best[url][1] != seq:
                continue  # a later copy of this URL was chosen meanwhile
            if not ok:
                self.out.refused[(source_id, "failed")] += 1
                self.outcomes.pop(url, None)
                self.to_load.pop(url, None)
                continue
            outcome, retryable = outcome_of(page.result, ext, self.window.start, self.window.end)
            day = ext.published_at.date() if ext is not None and ext.published_at else None
            self.outcomes[url] = ArchivedOutcome(url, source_id, day, outcome, retryable)
            self.to_load.pop(url, None)  # an earlier copy not loaded yet
            if ext is not None and outcome == "loaded" and (source_id, day) in self.window.targets:
                self.to_load[url] = (plan, replace(page.result, text=None), ext)  # the HTML is not needed any more
        if len(self.to_load) >= LOAD_AT:
            self._load()

    def _load(self) -> None:
        if not self.to_load:
            return
        plans, results, pages = (list(x) for x in zip(*self.to_load.values()))
        self.to_load = {}
        # quote(): as a task's parameters Prefect would walk every page for futures (a millisecond a page)
        loaded = load_pages(
            self.db, self.run_id, quote(plans), quote(PageFetch(results, [])), quote(pages), self.pipeline
        )
        self.out.loaded.update({k: n for k, n in loaded.counts.items() if k[1] in ("new", "updated")})
        self.loaded_urls.update(p.item.url for p in plans)

    def close(self) -> Archived:
        if self.waiting:
            self._start()
        while self.in_flight:
            self._finish(self.in_flight.popleft())
        self._load()
        self.out.pages = [self.outcomes[url] for url in sorted(self.outcomes)]
        return self.out


def load_archived(
    paths: list[str], sources: list[Source], pipeline: PipelineSettings, db: str, run_id: str, key: bytes | None,
    window: Window,
) -> Archived:  # fmt: skip
    """Read, extract and load the WARC pages of these sources published on their target days; what became
    of each. Only records signed with `key` (this database's own archive) keep their WARC-Source-Id; the
    others count for a source only on its host."""
    extractor = _Extractor(sources, pipeline, db, run_id, window)
    pages = scan_pages(warc_files(paths), sources, extractor.out.stats, key, step_over=pipeline.warc_step_over)
    for seq, page in enumerate(pages):
        extractor.add(seq, page)
    return extractor.close()


def record_problems(db: str, run_id: str, problems: list[tuple[str, int, str]]) -> None:
    """One fetches row (kind 'warc') per damaged record: where it is and why it was skipped."""
    now = utcnow()
    rows = []
    for n, (file, offset, message) in enumerate(problems):
        where = f"{Path(file).resolve().as_uri()}#offset={offset}&problem={n}"
        result = FetchResult(where, None, "warc", None, None, None, now, None, None, None, None, None, None, False,
                             0, 0, 0, None, file)  # fmt: skip
        rows.append(fetch_row(run_id, result, error=f"WARC record at offset {offset} skipped: {message}"[:1000]))
    with fwdb.connect(db) as con:
        con.begin()
        load.insert_fetches(con, rows)
        con.commit()
