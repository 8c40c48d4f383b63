"""The fetch/extract/load overlap (flows.pipeline) on its own: real servers on several loopback addresses, real
extraction, a load callback that keeps the batches it is handed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from multihost import Host, loopback_hosts

from forumwatch.flows.pipeline import NOT_LOADED, LoadBatch, Overlap, PoolExtractor, TaskExtractor
from forumwatch.flows.steps import PagePlan, RobotsLog
from forumwatch.settings import FetchSettings, PipelineSettings
from forumwatch.tasks.discover import FeedItem
from forumwatch.tasks.extract import PageInput
from forumwatch.tasks.fetch import Fetcher, FetchRequest
from forumwatch.tasks.sources import Source

SETTINGS = FetchSettings(
    connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0, retries=1, backoff_base=0.05,
    crawl_delay=0.0, per_host_concurrency=1, max_workers=4, respect_robots=True,
)  # fmt: skip
PIPELINE = PipelineSettings(batch_size=4, extract_workers=1)


@pytest.fixture
def hosts() -> Iterator[Callable[..., list[Host]]]:
    with loopback_hosts() as start:
        yield start


def plans_for(host: Host, n: int, delay: float | None = None, prefix: str = "/news/") -> list[PagePlan]:
    plans = []
    for i in range(n):
        url = host.url(f"{prefix}{i}")
        request = FetchRequest(url, host.address, "page", trusted_host=host.address, crawl_delay=delay)
        plans.append(PagePlan(request, FeedItem(url, host.address, f"Item {i}", None, False)))
    return plans


def sources(*hosts: Host) -> list[Source]:
    return [Source(h.address, h.address, h.url("/feed.xml"), language="en") for h in hosts]


def overlap(plans, hosts, batches: list[LoadBatch], settings=SETTINGS, pipeline=PIPELINE, **kw) -> Overlap:
    robots = RobotsLog()
    fetcher = Fetcher(settings, on_robots=robots.append)
    kw.setdefault("extractor", PoolExtractor(pipeline.extract_workers))
    return Overlap(plans, sources(*hosts), pipeline, fetcher, robots.take, load=batches.append, **kw)


def test_load_batches_are_formed_from_what_arrived_not_from_source_order(hosts) -> None:
    """The slow host is listed first; the fast host's pages fill the first batches."""
    slow, fast = hosts(2)
    plans = plans_for(slow, 3, delay=0.4) + plans_for(fast, 8)
    batches: list[LoadBatch] = []
    stats = overlap(plans, [slow, fast], batches).run()
    loaded = [plan.item.url for batch in batches for plan in batch.plans]
    assert sorted(loaded) == sorted(p.item.url for p in plans)  # every page once
    assert {p.item.source_id for p in batches[0].plans} == {fast.address}
    assert [len(b.plans) for b in batches] == [4, 4, 3] and stats.batches == 3
    for batch in batches:
        assert [r.url for r in batch.fetched.results] == [p.request.url for p in batch.plans]
        assert all(page is not None and page.url == plan.item.url for plan, page in zip(batch.plans, batch.extracted))
        assert all(page.text and "maritime security" in page.text for page in batch.extracted)
    robots = [r for b in batches for r in b.fetched.robots]
    assert sorted(r.url for r in robots) == sorted(h.url("/robots.txt") for h in (slow, fast))  # once each
    assert stats.extracted == 11


def test_errors_and_unchanged_pages_are_loaded_without_extraction(hosts) -> None:
    [host] = hosts(1)
    host.answers["/news/1"] = [(404, {})]
    plans = plans_for(host, 3)
    batches: list[LoadBatch] = []
    overlap(plans, [host], batches, pipeline=replace(PIPELINE, batch_size=10)).run()
    [batch] = batches
    by_url = {p.item.url: (r, e) for p, r, e in zip(batch.plans, batch.fetched.results, batch.extracted)}
    result, page = by_url[host.url("/news/1")]
    assert result.status == 404 and page is None
    assert all(e is not None and e.error is None for u, (_, e) in by_url.items() if not u.endswith("/1"))


def test_a_stop_request_between_batches_ends_the_crawl_and_loads_what_was_in_flight(hosts) -> None:
    [host] = hosts(1)
    plans = plans_for(host, 30, delay=0.05)
    batches: list[LoadBatch] = []
    asked = threading.Event()

    def load(batch: LoadBatch) -> None:
        batches.append(batch)
        asked.set()  # stop after the first batch

    robots = RobotsLog()
    run = Overlap(
        plans, sources(host), PIPELINE, Fetcher(SETTINGS, on_robots=robots.append), robots.take,
        PoolExtractor(1), load, stop_requested=asked.is_set,
    )  # fmt: skip
    stats = run.run()
    loaded = [p.item.url for b in batches for p in b.plans]
    fetched = [path for path, _ in host.log if path.startswith("/news/")]
    assert stats.stopped and 4 <= len(loaded) < 30
    assert sorted(loaded) == sorted(host.url(p) for p in fetched)  # every page fetched was handed to a load


def test_a_stop_loads_what_was_extracted_and_records_the_rest_without_waiting_for_the_extractor(hosts) -> None:
    """The stop comes while a page is in an extraction that does not return (a worker being killed): the pages
    extracted before it are loaded, every other page fetched comes back at once with the error NOT_LOADED."""
    from forumwatch.tasks.enrich import enrich_batch

    [host] = hosts(1)
    plans = plans_for(host, 30, delay=0.02)
    quick = {p.item.url for p in plans[:6]}  # fetched first (one request at a time) and extracted at once
    stuck, release = threading.Event(), threading.Event()

    def extract(pages):
        if any(p.url not in quick for p in pages):
            stuck.set()  # the stop request: the pages before this one are back (one extraction thread, in order)
            release.wait(60)
        return enrich_batch(pages)

    batches: list[LoadBatch] = []
    futures = []
    with ThreadPoolExecutor(1) as executor:

        def submit(pages):
            futures.append(executor.submit(extract, pages))
            return futures[-1]

        try:
            stats = overlap(
                plans, [host], batches, extractor=TaskExtractor(submit, chunk=1), stop_requested=stuck.is_set
            ).run()
            held = [f for f in futures if not f.done()]
        finally:
            release.set()
    pages = {plan.item.url: page for b in batches for plan, page in zip(b.plans, b.extracted)}
    fetched = {host.url(path) for path, _ in host.log if path.startswith("/news/")}
    assert stats.stopped and held  # it returned while the extraction was still held
    assert set(pages) == fetched and len(fetched) < len(plans)  # every page fetched went to a load, once
    loaded = {url for url, page in pages.items() if page is not None and page.error is None}
    assert loaded == quick and all(pages[url].text for url in loaded)
    assert {pages[url].error for url in fetched - quick} == {NOT_LOADED}


def test_a_failed_extraction_is_a_recorded_error_not_a_lost_page(hosts) -> None:
    [host] = hosts(1)
    plans = plans_for(host, 5)
    batches: list[LoadBatch] = []

    def explode(pages):
        raise MemoryError("worker ran out of memory")

    with ThreadPoolExecutor(2) as executor:
        extractor = TaskExtractor(lambda pages: executor.submit(explode, pages), chunk=2)
        overlap(plans, [host], batches, extractor=extractor).run()
    pages = [e for b in batches for e in b.extracted]
    assert len(pages) == 5 and all(e is not None and "MemoryError" in e.error for e in pages)


def test_fetching_waits_while_extraction_is_behind(hosts) -> None:
    """With at most 3 pages waiting for extraction, a slow extractor holds the crawl back."""
    [host] = hosts(1)
    plans = plans_for(host, 12)
    batches: list[LoadBatch] = []
    most = []

    with ThreadPoolExecutor(1) as executor:

        def slow(pages):
            time.sleep(0.05)
            from forumwatch.tasks.enrich import enrich_batch

            return enrich_batch(pages)

        extractor = TaskExtractor(lambda pages: executor.submit(slow, pages), chunk=1)
        run = overlap(plans, [host], batches, extractor=extractor, max_in_extraction=3)
        real = run._fetched

        def watch(index, result):
            real(index, result)
            most.append(run.in_extraction)

        run._fetched = watch  # type: ignore[method-assign]
        run.run()
    assert sum(len(b.plans) for b in batches) == 12
    assert max(most) <= 3 + SETTINGS.max_workers  # the held crawl lets only requests in flight finish


def test_once_every_page_is_fetched_the_last_load_batches_shrink(hosts) -> None:
    """The crawl ends with 90 pages still in extraction (held until all are fetched, then back one by one): a
    batch is cut when half of what is left is back (25 pages at least), so the run's last load, which nothing
    overlaps, holds 20 pages instead of 30."""
    from forumwatch.flows.pipeline import TAIL_BATCH
    from forumwatch.tasks.enrich import enrich_batch

    [host] = hosts(1)
    plans = plans_for(host, 90)
    batches: list[LoadBatch] = []
    all_fetched = threading.Event()
    submitted: list[int] = []

    def extract(pages):
        all_fetched.wait(30)
        return enrich_batch(pages)

    with ThreadPoolExecutor(1) as executor:

        def submit(pages):
            submitted.append(len(pages))
            if sum(submitted) == len(plans):
                all_fetched.set()
            return executor.submit(extract, pages)

        extractor = TaskExtractor(submit, chunk=1)
        overlap(plans, [host], batches, pipeline=replace(PIPELINE, batch_size=60), extractor=extractor).run()
    assert TAIL_BATCH == 25
    assert [len(b.plans) for b in batches] == [45, 25, 20]  # [60, 30] without the rule
    assert sorted(p.item.url for b in batches for p in b.plans) == sorted(p.item.url for p in plans)


def test_pool_workers_start_with_the_seeds_compiled() -> None:
    """The forkserver compiles the tag rules and agency patterns and loads the language model once (seconds of
    regex compiling and decompression); every worker forked from it has them before its first page instead of
    making its own, frozen out of the cycle collector's passes."""
    import gc

    from forumwatch.tasks.enrich import extraction_pool, shutdown_pool, warmed

    pool = extraction_pool(2)
    try:
        assert [f.result() for f in [pool.submit(warmed) for _ in range(4)]] == [True] * 4
        assert min(f.result() for f in [pool.submit(gc.get_freeze_count) for _ in range(4)]) > 10_000
    finally:
        shutdown_pool()


def test_a_pool_started_ahead_is_the_one_the_run_extracts_on() -> None:
    """start_pool_ahead starts the workers in the background; the run's extraction then uses that same pool,
    with the same output as extraction in this process."""
    from forumwatch.tasks import enrich

    pages = [
        PageInput(f"http://127.0.0.1:9/news/{i}.html", "s", f"<html><body><p>{'word ' * 60}{i}</p></body></html>",
                  datetime(2026, 1, 5, tzinfo=UTC))
        for i in range(4)
    ]  # fmt: skip
    enrich.start_pool_ahead(2)
    ahead = enrich._POOL
    try:
        assert ahead is not None
        assert enrich.enrich_many(pages, 2) == enrich.enrich_batch(pages)
        assert enrich.extraction_pool(2) is ahead
    finally:
        enrich.shutdown_pool()
    assert enrich._POOL is None
