"""Fetch, extract and load at once: the frontier fetches from every host as its politeness allows, each page
goes to the extraction workers as it arrives, and load batches are formed from what has been extracted (not
from the order the sources are listed). A stop request is heard at once: no new request or extraction starts,
what was extracted is loaded (one transaction a batch, as always), and every other page fetched gets its fetch
row with the error NOT_LOADED, so the next run fetches it again."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from dataclasses import dataclass

from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from forumwatch.flows.steps import (
    NOT_LOADED,
    PageFetch,
    PagePlan,
    RunConnection,
    RunCrawl,
    SourceStats,
    extract_inputs,
    load_pages,
    page_input,
    run_logger,
    stop_requested,
    uses_dask,
)
from forumwatch.settings import PipelineSettings
from forumwatch.tasks.budget import is_skipped
from forumwatch.tasks.enrich import enrich_batch, extraction_pool
from forumwatch.tasks.extract import Extracted, PageInput
from forumwatch.tasks.fetch import Fetcher, FetchResult, Frontier, host_key
from forumwatch.tasks.sources import Source
from forumwatch.tasks.urls import article_id
from forumwatch.tasks.workers import frozen_heap

log = logging.getLogger(__name__)
TAIL_BATCH = 25  # the smallest load batch cut before the run's last one

Chunk = list[tuple[int, PageInput]]  # (index of the plan, its extraction input)
Done = Callable[[Chunk, "list[Extracted] | BaseException"], None]


@dataclass
class LoadBatch:
    """Pages whose fetch (and extraction, if their body was new) is over, ready for one load transaction."""

    number: int
    plans: list[PagePlan]
    fetched: PageFetch  # results in plan order, and the robots.txt fetches made since the last batch
    extracted: list[Extracted | None]


@dataclass
class OverlapStats:
    pages: int = 0
    fetched: int = 0  # requests that came back (fewer than pages after a stop)
    skipped: int = 0  # of them, not fetched: the run's time budget was spent
    extracted: int = 0
    batches: int = 0
    stopped: bool = False
    seconds: float = 0.0
    first_load_after: float | None = None  # seconds from the start to the first batch handed to the loader


class PoolExtractor:
    """Extraction on this machine's process pool (tasks.enrich), a few pages per call."""

    def __init__(self, workers: int, chunk: int = 2) -> None:
        self.workers = max(1, workers)
        self.chunk = max(1, chunk)
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, chunk: Chunk, done: Done) -> None:
        pages = [page for _, page in chunk]
        if self.workers <= 1:
            try:
                done(chunk, enrich_batch(pages))
            except Exception as exc:
                done(chunk, exc)
            return
        if self._pool is None:
            self._pool = extraction_pool(self.workers)
        future = self._pool.submit(enrich_batch, pages)

        def finished(f: Future) -> None:
            if f.cancelled():  # a stop shut the pool down: a result, not a traceback from the callback
                done(chunk, CancelledError("extraction cancelled: the run is stopping"))
                return
            done(chunk, f.exception() or f.result())

        future.add_done_callback(finished)


class TaskExtractor:
    """Extraction as Prefect tasks on the flow's task runner (Dask): `submit(pages) -> PrefectFuture`."""

    def __init__(self, submit: Callable[[list[PageInput]], object], chunk: int) -> None:
        self._submit = submit
        self.chunk = max(1, chunk)

    def submit(self, chunk: Chunk, done: Done) -> None:
        future = self._submit([page for _, page in chunk])

        def finished(f) -> None:
            try:
                done(chunk, f.result())
            except BaseException as exc:
                done(chunk, exc)

        future.add_done_callback(finished)  # type: ignore[attr-defined]


def failed_extraction(page: PageInput, exc: BaseException | str) -> Extracted:
    """What a page becomes when its worker died or its task failed: a recorded error, not a lost page."""
    error = exc if isinstance(exc, str) else f"extraction failed: {exc!r}"
    return Extracted(
        article_id(page.url),
        page.url,
        page.source_id,
        page.fetched_at,
        error=error[:500],
        link_url=page.url,
    )


def never() -> bool:
    return False


class Overlap:
    """One run of fetch -> extract -> load over a run's page plans (see the module docstring)."""

    def __init__(
        self,
        plans: list[PagePlan],
        sources: list[Source],
        pipeline: PipelineSettings,
        fetcher: Fetcher,
        take_robots: Callable[[], list[FetchResult]],
        extractor: PoolExtractor | TaskExtractor,
        load: Callable[[LoadBatch], None],
        stop_requested: Callable[[], bool] = never,
        max_in_extraction: int | None = None,
    ) -> None:
        self.plans = plans
        self.languages = {s.source_id: s.language for s in sources}
        self.zones = {s.source_id: s.timezone for s in sources}
        self.pipeline = pipeline
        self.frontier = Frontier(fetcher)
        self.take_robots = take_robots
        self.extractor = extractor
        self.load = load
        self.stop_requested = stop_requested
        # pages fetched but not extracted yet: bounds the memory HTML takes when fetching outruns extraction
        self.max_in_extraction = max_in_extraction or max(4 * pipeline.batch_size, 64)
        self._chunk: Chunk = []  # fetched, waiting to be sent to the extractor with the next pages
        self._extracting: dict[int, PageInput] = {}  # sent to the extractor, its outcome not back yet
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.stats = OverlapStats(pages=len(plans))

    @property
    def in_extraction(self) -> int:
        return len(self._chunk) + len(self._extracting)

    def _held(self) -> bool:
        return self.in_extraction >= self.max_in_extraction

    def _crawl(self) -> None:
        try:
            for index, result in self.frontier.crawl([p.request for p in self.plans], hold=self._held):
                self.events.put(("fetched", index, result))
        except BaseException as exc:  # reported in the flow's thread
            self.events.put(("crashed", exc, None))
        finally:
            self.events.put(("crawled", None, None))

    def _extracted(self, chunk: Chunk, outcome: list[Extracted] | BaseException) -> None:
        self.events.put(("extracted", chunk, outcome))

    def run(self) -> OverlapStats:
        """Fetch, extract and hand load batches to `load` until every plan is done, or until a stop was asked
        and the requests in flight are back: then what was extracted is loaded, and the pages that were not
        get their fetch row with the error NOT_LOADED (the extraction workers are being killed)."""
        self._t0 = time.monotonic()
        self._results: dict[int, FetchResult] = {}
        self._ready: list[tuple[int, Extracted | None]] = []  # fetched (and extracted) since the last batch
        self._crawled, self._crashed = False, None
        crawler = threading.Thread(target=self._crawl, name="frontier", daemon=True)
        crawler.start()
        try:
            self._loop()
        finally:
            self.frontier.stop()  # after an error: nothing new starts, the crawl thread ends
            crawler.join()
        self.stats.seconds = time.monotonic() - self._t0
        if self._crashed is not None:
            raise self._crashed
        return self.stats

    def _loop(self) -> None:
        while not (self._crawled and self.in_extraction == 0):
            if not self.stats.stopped and self.stop_requested():
                self._stop()
            try:
                event = self.events.get(timeout=0.2)
            except queue.Empty:
                self._flush_chunk()  # a partial chunk waits no longer than this when pages trickle in
                continue
            self._handle(*event)
            while len(self._ready) >= self._batch_at():  # a batch boundary
                self._emit(self._ready[: self.pipeline.batch_size])
                self._ready = self._ready[self.pipeline.batch_size :]
        if self._ready:
            self._emit(self._ready)
            self._ready = []

    def _batch_at(self) -> int:
        """Pages that make a load batch: batch_size; once every page is fetched, also half of what is left to
        come back (TAIL_BATCH at least), so that the run's last load, which no extraction overlaps, is small."""
        if not self._crawled:
            return self.pipeline.batch_size
        return min(self.pipeline.batch_size, max(TAIL_BATCH, self.in_extraction))

    def _handle(self, kind: str, a, b) -> None:
        if kind == "fetched":
            self._fetched(a, b)
        elif kind == "extracted":
            self._took_back(a, b)
        elif kind == "crawled":
            self._crawled = True
            self._flush_chunk()
        elif kind == "crashed":
            self._crashed = a

    def _took_back(self, chunk: Chunk, outcome: list[Extracted] | BaseException) -> None:
        """An extraction's outcome: its pages are ready to load (as errors if it failed). Pages a stop already
        gave up on are not taken twice."""
        if isinstance(outcome, BaseException):  # a stop kills the workers: that is an interruption, not a failure
            error: BaseException | str = NOT_LOADED if self.stop_requested() else outcome
            outcome = [failed_extraction(page, error) for _, page in chunk]
        for (index, _), page in zip(chunk, outcome):
            if self._extracting.pop(index, None) is not None:
                if page.error != NOT_LOADED:
                    self.stats.extracted += 1
                self._ready.append((index, page))

    def _stop(self) -> None:
        """A stop request: no new request (the frontier sees it too), nothing more to the extractor (its workers
        are being killed), no waiting for what it holds. What came back before now is kept and loaded."""
        self.stats.stopped = True
        self.frontier.stop()
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            self._handle(*event)
        chunk, self._chunk = self._chunk, []
        dropped = chunk + list(self._extracting.items())
        self._extracting.clear()
        self._ready.extend((index, failed_extraction(page, NOT_LOADED)) for index, page in dropped)
        log.info(
            "stop requested: no new fetches; loading what was extracted, %d pages recorded as not loaded", len(dropped)
        )

    def _fetched(self, index: int, result: FetchResult) -> None:
        self._results[index] = result
        self.stats.fetched += 1
        self.stats.skipped += is_skipped(result.error)
        page = page_input(self.plans[index], result, self.languages, self.pipeline, self.zones)
        if page is None:
            self._ready.append((index, None))
            return
        result.body = result.text = None  # the input holds the text; free the rest now
        if self.stats.stopped:  # a request that was in flight at the stop: its row says it was not loaded
            self._ready.append((index, failed_extraction(page, NOT_LOADED)))
            return
        self._chunk.append((index, page))
        if len(self._chunk) >= self.extractor.chunk:
            self._flush_chunk()

    def _flush_chunk(self) -> None:
        if not self._chunk or self.stats.stopped or self.stop_requested():  # a stop takes the chunk as it is
            return
        chunk, self._chunk = self._chunk, []
        self._extracting.update(chunk)
        try:
            self.extractor.submit(chunk, self._extracted)
        except Exception as exc:  # a pool a stop has killed (or broken otherwise): the pages' rows say so
            self._extracted(chunk, exc)

    def _emit(self, pages: list[tuple[int, Extracted | None]]) -> None:
        self.stats.batches += 1
        pages.sort(key=lambda p: p[0])
        batch = LoadBatch(
            self.stats.batches,
            [self.plans[i] for i, _ in pages],
            PageFetch([self._results.pop(i) for i, _ in pages], self.take_robots()),
            [page for _, page in pages],
        )
        if self.stats.first_load_after is None:
            self.stats.first_load_after = time.monotonic() - self._t0
        self.load(batch)


def fetch_extract_load(
    db: str,
    run_id: str,
    plans: list[PagePlan],
    sources: list[Source],
    crawl: RunCrawl,
    pipeline: PipelineSettings,
    stats: dict[str, SourceStats],
    connection: RunConnection | None = None,
) -> OverlapStats:
    """The run's pages through the overlap: extraction on the local process pool (or as Prefect tasks on a
    Dask task runner), load_pages one batch at a time on one DuckDB connection (the run's `connection`, left
    open for the run's end, or one of its own, closed here); adds the outcomes to `stats`."""
    logger = run_logger()
    if uses_dask(pipeline):  # a Dask worker extracts in itself, a chunk per task
        extractor: PoolExtractor | TaskExtractor = TaskExtractor(
            lambda pages: extract_inputs.submit(pages, 1), pipeline.dask_chunk
        )
    else:
        extractor = PoolExtractor(pipeline.extract_workers)
    own_connection = connection is None
    connection = RunConnection(db) if connection is None else connection
    loads: list = []
    local: ThreadPoolTaskRunner = ThreadPoolTaskRunner(max_workers=1)  # loads run here, in order, one transaction each

    def load(batch: LoadBatch) -> None:
        if len(loads) >= 2:
            loads[-2].result()  # at most two batches wait for the loader (and a failed load stops the run)
        parameters = {
            "db": db,
            "run_id": run_id,
            "plans": quote(batch.plans),  # quote(): Prefect would otherwise walk every page for futures
            "fetched": quote(batch.fetched),
            "extracted": quote(batch.extracted),
            "pipeline": pipeline,
            "connection": quote(connection),
        }
        loads.append(local.submit(load_pages, parameters, wait_for=loads[-1:]))

    logger.info("%d pages to fetch from %d hosts", len(plans), len({host_key(p.request) for p in plans}))
    try:
        with local, frozen_heap():
            overlap = Overlap(
                plans, sources, pipeline, crawl.fetcher, crawl.robots.take, extractor, load, stop_requested
            )
            done = overlap.run()
            for number, future in enumerate(loads, start=1):
                outcome = future.result()
                for (source_id, kind), n in outcome.counts.items():
                    setattr(stats[source_id], kind, getattr(stats[source_id], kind) + n)
                logger.info(
                    "batch %d/%d loaded: %d articles new or changed", number, len(loads), len(outcome.article_ids)
                )
    finally:
        if own_connection:
            connection.close()
    logger.info(
        "%d of %d pages fetched, %d extracted, in %d load batches, %.1f s (first batch to the loader after %.1f s)%s%s",
        done.fetched - done.skipped,
        done.pages,
        done.extracted,
        done.batches,
        done.seconds,
        done.first_load_after or 0.0,
        "; stopped on request" if done.stopped else "",
        f"; {done.skipped} skipped: the run's time budget was spent" if done.skipped else "",
    )
    return done
