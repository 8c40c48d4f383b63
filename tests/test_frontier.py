"""The frontier: one queue per host, against real servers on several loopback addresses that log when
each request arrived."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from multihost import Host, article, loopback_hosts

from forumwatch.settings import FetchSettings
from forumwatch.tasks.budget import Budget, is_skipped
from forumwatch.tasks.fetch import STOPPED, Fetcher, FetchRequest, FetchResult, Frontier, fetch_all

SETTINGS = FetchSettings(
    connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0, retries=2, backoff_base=0.05,
    max_retry_after=5.0, crawl_delay=0.25, per_host_concurrency=1, max_workers=8, respect_robots=True,
)  # fmt: skip


@pytest.fixture
def hosts() -> Iterator[Callable[..., list[Host]]]:
    with loopback_hosts() as start:
        yield start


def requests_for(host: Host, n: int, **kw) -> list[FetchRequest]:
    return [FetchRequest(host.url(f"/p{i}"), "src", "page", trusted_host=host.address, **kw) for i in range(n)]


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


def logged_fetcher(settings: FetchSettings) -> tuple[Fetcher, dict[str, list[float]]]:
    """A run's fetcher and, per host, the times its gate let each request start: the client-side starts the
    delay is promised between. A server's arrival times are not: on a loaded machine a request can reach the
    handler late (the client's thread or the server's waits for a core), so a gap there can look short."""
    fetcher = Fetcher(settings)
    starts: dict[str, list[float]] = {}
    fetcher.gates.on_start = lambda host, start: starts.setdefault(host, []).append(start)
    return fetcher, starts


def crawl_logged(reqs: list[FetchRequest], settings: FetchSettings) -> tuple[list[FetchResult], dict[str, list[float]]]:
    fetcher, starts = logged_fetcher(settings)
    try:
        return fetch_all(reqs, settings, None, "t", fetcher=fetcher), starts
    finally:
        fetcher.close()


def spaced(host: Host, starts: dict[str, list[float]], delay: float) -> bool:
    """Every two requests to the host started at least the delay apart, and each reached the server between
    its own start and the next one's (one request at a time per host): every request the server saw went
    through the gate, in order."""
    client = starts[host.address]
    arrivals = host.starts()
    ordered = len(client) == len(arrivals) and all(
        c <= a <= nxt for c, a, nxt in zip(client, arrivals, [*client[1:], float("inf")])
    )
    return ordered and min(gaps(client), default=delay) >= delay - 1e-6


def test_every_host_is_kept_busy_and_spaced_by_its_delay(hosts) -> None:
    """6 hosts x 6 pages at 0.25 s: about 7 x 0.25 s (robots.txt first), not 42 x 0.25 s; on every host,
    robots.txt included, no two requests start less than the delay apart."""
    servers = hosts(6)
    reqs = [r for i in range(6) for host in servers for r in requests_for(host, 6)[i : i + 1]]  # interleaved
    results, starts = crawl_logged(reqs, SETTINGS)
    assert [r.error for r in results] == [None] * 36
    for host in servers:
        assert [path for path, _ in host.log][0] == "/robots.txt" and len(host.log) == 7
        assert spaced(host, starts, 0.25)
    # the hosts ran side by side: there was a moment when all six were between their first and last request
    # (host after host, each would finish before the next began)
    assert max(starts[h.address][0] for h in servers) < min(starts[h.address][-1] for h in servers)


def test_a_source_delay_and_robots_crawl_delay_are_honoured_up_to_the_maximum(hosts) -> None:
    slow, capped, fast = hosts(3)
    slow.robots = "User-agent: *\nCrawl-delay: 0.5\n"
    capped.robots = "User-agent: *\nCrawl-delay: 3600\n"  # capped at max_crawl_delay
    settings = FetchSettings(**{**SETTINGS.__dict__, "crawl_delay": 0.0, "max_crawl_delay": 0.6})
    reqs = requests_for(slow, 3) + requests_for(capped, 3) + requests_for(fast, 4, crawl_delay=0.3)
    results, starts = crawl_logged(reqs, settings)
    assert [r.error for r in results] == [None] * 10
    assert spaced(slow, starts, 0.5)  # robots.txt's own delay, between pages and right after robots.txt itself
    assert spaced(capped, starts, 0.6)
    assert max(gaps(starts[capped.address])) < 60  # the capped host did not wait an hour
    assert spaced(fast, starts, 0.3)


def test_a_retry_after_wait_does_not_hold_a_worker(hosts) -> None:
    """One worker: host A answers 503 Retry-After: 1 first; host B's pages go meanwhile (B has more pages left,
    so its first page may go before A's first attempt)."""
    a, b = hosts(2)
    a.answers["/p0"] = [(503, {"Retry-After": "1"})]
    settings = FetchSettings(**{**SETTINGS.__dict__, "crawl_delay": 0.05, "max_workers": 1, "respect_robots": False})
    fetcher = Fetcher(settings)
    order = []
    try:
        for index, result in Frontier(fetcher).crawl(requests_for(a, 1) + requests_for(b, 8)):
            order.append((index, result.status, time.monotonic()))
    finally:
        fetcher.close()
    assert [status for _, status, _ in order] == [200] * 9
    assert order[-1][0] == 0  # A's page came last, after its pause
    [(_, first), (_, retry)] = a.log
    assert retry - first >= 1.0 - 0.05
    assert all(t < retry for _, t in b.log)  # B was served during A's pause, by the only worker
    assert sum(first < t for _, t in b.log) >= 7
    assert gaps([t for _, _, t in order[:-1]])  # (B's results arrived one by one)


def test_robots_txt_is_fetched_once_per_host_per_run(hosts) -> None:
    """One Fetcher for the run: feeds then pages, two crawls, one robots.txt request per host."""
    servers = hosts(3)
    settings = FetchSettings(**{**SETTINGS.__dict__, "crawl_delay": 0.05})
    robots_seen: list[FetchResult] = []
    fetcher, starts = logged_fetcher(settings)
    fetcher.on_robots = robots_seen.append
    try:
        feeds = fetch_all([requests_for(h, 1)[0] for h in servers], settings, None, "t", fetcher=fetcher)
        pages = fetch_all([r for h in servers for r in requests_for(h, 4)[1:]], settings, None, "t", fetcher=fetcher)
    finally:
        fetcher.close()
    assert [r.error for r in feeds + pages] == [None] * 12
    for host in servers:
        assert [p for p, _ in host.log].count("/robots.txt") == 1
        assert spaced(host, starts, 0.05)  # spacing holds across the two crawls too
    assert sorted(r.kind for r in robots_seen) == ["robots"] * 3


def test_hold_pauses_new_requests_and_stop_ends_the_crawl(hosts) -> None:
    [host] = hosts(1)
    settings = FetchSettings(**{**SETTINGS.__dict__, "crawl_delay": 0.0, "respect_robots": False})
    fetcher = Fetcher(settings)
    frontier = Frontier(fetcher)
    held = threading.Event()
    got = []
    try:
        for index, _ in frontier.crawl(requests_for(host, 20), hold=held.is_set):
            got.append(index)
            if len(got) == 3:
                held.set()
                time.sleep(0.3)
                in_log = len(host.log)
                time.sleep(0.3)
                assert len(host.log) == in_log  # nothing new started while held
                frontier.stop()
                held.clear()
    finally:
        fetcher.close()
    assert 3 <= len(got) < 20 and len(host.log) == len(got)  # every request started was yielded


def test_a_stop_request_starts_no_new_request_and_still_answers_every_request(hosts) -> None:
    """The run's stop request (the fetcher's should_stop), set by the server as the 6th page arrives and seen by
    nobody who would call frontier.stop(): only the requests already in flight (one per worker) may still reach
    the host; every request still has its result, in order, the ones never sent ending with STOPPED."""
    [host] = hosts(1)
    asked = threading.Event()

    def page(path: str, address: str) -> str:
        if path == "/p5":
            asked.set()
        time.sleep(0.05)
        return article(path, address)

    host.page = page
    workers = 2
    settings = FetchSettings(**{**SETTINGS.__dict__, "crawl_delay": 0.0, "respect_robots": False,
                                "max_workers": workers, "per_host_concurrency": workers})  # fmt: skip
    fetcher = Fetcher(settings, should_stop=asked.is_set)
    reqs = requests_for(host, 20)
    try:
        results = fetch_all(reqs, settings, None, "t", fetcher=fetcher)
    finally:
        fetcher.close()
    assert 6 <= len(host.log) <= 6 + workers - 1  # /p5 and at most the other worker's request in flight
    assert [r.url for r in results] == [r.url for r in reqs]
    assert sum(r.error is None for r in results) == len(host.log)
    assert {r.error for r in results if r.error is not None} == {STOPPED}


def test_the_scheduler_waits_for_a_result_when_every_worker_is_busy(hosts) -> None:
    """Two workers, three hosts ready at every moment (no delay), slow answers: the scheduler wakes once per
    result, not in a loop while the hosts wait for a free worker (it did, and took a core from extraction)."""
    servers = hosts(3)
    for host in servers:
        host.page = lambda path, address: (time.sleep(0.05), article(path, address))[1]
    settings = FetchSettings(**{**SETTINGS.__dict__, "crawl_delay": 0.0, "max_workers": 2, "respect_robots": False})
    fetcher = Fetcher(settings)
    frontier = Frontier(fetcher)
    try:
        got = [index for index, _ in frontier.crawl([r for h in servers for r in requests_for(h, 4)])]
    finally:
        fetcher.close()
    assert sorted(got) == list(range(12))
    assert frontier.wakeups <= 12 + 2  # one per result (a few results may come together), plus the start


def test_a_time_budget_waits_for_no_crawl_delay_or_retry_after_that_ends_after_it(hosts) -> None:
    """A budget of 30 s: a host whose robots.txt asks 30 s between requests gets its robots.txt fetched and no
    page (each would start after the budget), at once, not after 30 s; a 429 with Retry-After 60 is not
    waited for; every other page is fetched. Every page has its result, in order."""
    slow, fast, busy = hosts(3)
    slow.robots = "User-agent: *\nCrawl-delay: 30\n"
    busy.answers["/p0"] = [(429, {"Retry-After": "60"})]
    settings = FetchSettings(**{**SETTINGS.__dict__, "crawl_delay": 0.0, "max_retry_after": 120.0})
    reqs = requests_for(slow, 3) + requests_for(fast, 3) + requests_for(busy, 3)
    results = fetch_all(reqs, settings, None, "t", budget=Budget.start(0.5))
    assert [r.url for r in results] == [r.url for r in reqs]
    assert [p for p, _ in slow.log] == ["/robots.txt"]
    assert all(is_skipped(r.error) and "next turn" in (r.error or "") for r in results[:3]), results[0].error
    assert [r.error for r in results[3:6]] == [None] * 3
    assert results[6].status == 429 and is_skipped(results[6].error) and "Retry-After 60s" in (results[6].error or "")
    assert [p for p, _ in busy.log] == ["/robots.txt", "/p0", "/p1", "/p2"]  # the 429 was not retried
    assert [r.error for r in results[7:]] == [None] * 2


def test_a_spent_budget_starts_no_request(hosts) -> None:
    [host] = hosts(1)
    spent = Budget(minutes=0.01, deadline=time.monotonic() - 1)
    results = fetch_all(requests_for(host, 4), SETTINGS, None, "t", budget=spent)
    assert host.log == []
    assert [r.error for r in results] == [
        "skipped: the run's time budget (0.01 min) was spent; tried again next run"
    ] * 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("User-agent: *\nCrawl-delay: 2.5\n", 2.5),
        ("User-agent: forumwatch\nCrawl-delay: 7\n\nUser-agent: *\nCrawl-delay: 1\n", 7.0),
        ("User-agent: *\nCrawl-delay: 1\n\nUser-agent: forumwatch\nCrawl-delay: 7\n", 7.0),
        ("User-agent: otherbot\nCrawl-delay: 9\n", None),
        ("User-agent: *\nCrawl-delay: soon\nCrawl-delay: -3\nCrawl-delay: nan\nCrawl-delay: inf\n", None),
        ("User-agent: a\nUser-agent: *\nDisallow: /x\nCrawl-delay: 4 # comment\n", 4.0),
    ],
)
def test_crawl_delay_is_read_with_decimals_for_our_agent(text: str, expected: float | None) -> None:
    from forumwatch.settings import USER_AGENT
    from forumwatch.tasks.robots import parse_crawl_delay

    assert parse_crawl_delay(text, USER_AGENT) == expected


def test_of_the_hosts_due_the_one_with_most_pages_left_goes_first(hosts) -> None:
    """One worker, four hosts with one page each listed before a host with four: the long queue starts first and
    the others fill its crawl delay, so it is not left at the end with its delay between each page."""
    settings = replace(SETTINGS, max_workers=1, respect_robots=False)
    small, big = hosts(4), hosts(1)[0]
    reqs = [r for host in small for r in requests_for(host, 1)] + requests_for(big, 4)
    fetcher, starts = logged_fetcher(settings)
    order = []
    try:
        for _, result in Frontier(fetcher).crawl(reqs):
            order.append("big" if result.url.startswith(big.url("/")) else "small")
    finally:
        fetcher.close()
    assert order[0] == "big"  # first in line, though listed last
    assert order.index("small") == 1  # while it waits out its delay, the small hosts go
    assert order[-1] == "big" and order.count("small") == 4
    assert spaced(big, starts, settings.crawl_delay)
