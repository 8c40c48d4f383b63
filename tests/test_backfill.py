"""The backfill flow under a real Prefect harness: news sitemaps via robots.txt, WARC input, reruns, dry runs."""

from __future__ import annotations

import logging
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from dbquery import query
from webserver import serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench import ccnews
from forumwatch.flows import archived
from forumwatch.flows.backfill import BackfillError, backfill, plan_backfill
from forumwatch.tasks import coverage
from forumwatch.tasks.coverage import Tally
from forumwatch.tasks.warc import WarcArchive

pytestmark = pytest.mark.usefixtures("prefect_harness", "fast_crawl")

FIRST_DAY = date(2023, 10, 2)  # 60 days of articles: 2023-10-02 .. 2023-11-30
DAYS = [FIRST_DAY + timedelta(days=i) for i in range(60)]
START, END = DAYS[40], DAYS[59]  # a 20-day range; the feed holds the last 10 days
WORDS = (
    "defence ministers delegation forum dialogue navy exercise treaty summit envoy talks border strait "
    "security cooperation drills missile frigate coast guard patrol joint statement bilateral regional"
).split()


def article_html(title: str, published: datetime | None, seed: int) -> str:
    words = [WORDS[(seed * 7 + i * (seed % 5 + 1)) % len(WORDS)] for i in range(60)]
    paras = "".join(
        f"<p>Story {seed} paragraph {p}: {' '.join(words[p * 10 : (p + 1) * 10])} continues here.</p>" for p in range(6)
    )
    meta = f'<meta property="article:published_time" content="{published.isoformat()}+00:00">' if published else ""
    return (
        f'<html lang="en"><head><title>{title}</title>{meta}</head>'
        f"<body><article><h1>{title}</h1>{paras}</article></body></html>"
    )


def slug(day: date) -> str:
    return f"/planet/{day:%Y/%m/%d}/story-{day:%m%d}.html"


def url_entry(base: str, day: date, news: bool = True) -> str:
    news_part = (
        (
            f"<news:news><news:publication><news:name>Planet</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{day}T10:00:00Z</news:publication_date>"
            f"<news:title>Story of {day}</news:title></news:news>"
        )
        if news
        else ""
    )
    return f"<url><loc>{base}{slug(day)}</loc><lastmod>{day}T11:00:00Z</lastmod>{news_part}</url>"


URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{}</urlset>'
)


@pytest.fixture
def planet(tmp_path):
    """A site with 60 days of articles in monthly news sitemaps (an index listed in robots.txt), a feed
    with the last 10 days, and one sitemap entry dated in range whose page says it is older."""
    with serve() as site:
        base = site.base
        for i, day in enumerate(DAYS):
            site.add(slug(day), article_html(f"Story of {day}", datetime(day.year, day.month, day.day, 10), i))
        stale = date(2023, 9, 1)
        site.add("/planet/old/republished.html", article_html("An old story", datetime(2023, 9, 1, 8), 99))
        months = {"2023-10": [d for d in DAYS if d.month == 10], "2023-11": [d for d in DAYS if d.month == 11]}
        for month, days in months.items():
            entries = "".join(url_entry(base, d) for d in days)
            if month == "2023-11":  # lastmod in range, but the page is from September: never loaded
                entries += f"<url><loc>{base}/planet/old/republished.html</loc><lastmod>{END}T09:00:00Z</lastmod></url>"
            site.add(f"/planet/sitemap-{month}.xml", URLSET.format(entries), content_type="application/xml")
        site.add("/planet/sitemap-2023-09.xml", URLSET.format(url_entry(base, stale)), content_type="application/xml")
        index = "".join(
            f"<sitemap><loc>{base}/planet/sitemap-{m}.xml</loc><lastmod>{last}</lastmod></sitemap>"
            for m, last in (("2023-09", "2023-09-30"), ("2023-10", "2023-10-31"), ("2023-11", "2023-11-30"))
        )
        site.add(
            "/planet/sitemap-index.xml",
            '<?xml version="1.0"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>',
            content_type="application/xml",
        )
        site.add(
            "/robots.txt",
            f"User-agent: *\nAllow: /\nSitemap: {base}/planet/sitemap-index.xml\n",
            content_type="text/plain",
        )
        items = "".join(
            f"<item><title>Story of {d}</title><link>{base}{slug(d)}?utm_source=rss</link>"
            f"<pubDate>{d:%a, %d %b %Y} 10:00:00 +0000</pubDate></item>"
            for d in DAYS[-10:]
        )
        site.add(
            "/planet/feed.xml",
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Planet</title>{items}</channel></rss>',
            content_type="application/rss+xml",
        )
        sources = tmp_path / "sources.csv"
        sources.write_text(
            f"id,name,feed_url,homepage\ndaily-planet,Daily Planet,{base}/planet/feed.xml,{base}/planet/\n"
        )
        yield site, sources


def test_sitemap_backfill_loads_exactly_the_range_and_rerun_is_a_no_op(tmp_path, planet):
    site, sources = planet
    db = tmp_path / "fw.duckdb"
    state = backfill(start=START, end=END, sources=str(sources), db=str(db), return_state=True)
    assert state.is_completed(), state.message
    loaded = query(db, "SELECT CAST(published_at AS DATE) FROM articles ORDER BY 1")
    assert [d for (d,) in loaded] == DAYS[40:]
    assert query(
        db,
        "SELECT count(*) FROM articles WHERE published_at < ? OR published_at >= ?",
        [START, END + timedelta(days=1)],
    ) == [(0,)]
    assert query(db, "SELECT count(*) FROM articles WHERE url LIKE '%utm_%' OR url LIKE '%republished%'") == [(0,)]
    assert not any("sitemap-2023-09" in path for path, _ in site.requests)  # index child older than the range
    # one crawl for the run: robots.txt is asked for once (sitemaps, feed and 20 days of pages on one host)
    assert [path for path, _ in site.requests].count("/robots.txt") == 1
    assert query(db, "SELECT count(*) FROM fetches WHERE kind = 'robots'") == [(1,)]
    # coverage: one row per day and method; the feed only knows the last 10 days
    rows = query(
        db,
        "SELECT method, count(*), sum(found), sum(loaded), sum(out_of_range), min(status), max(status) "
        "FROM coverage GROUP BY method ORDER BY method",
    )
    assert rows == [("feed", 20, 10, 10, 0, "complete", "complete"), ("sitemap", 20, 21, 20, 1, "complete", "complete")]
    assert query(db, "SELECT status, flow FROM runs") == [("completed", "backfill")]
    # every page URL tried has a fetches row; the sitemaps too
    assert query(db, "SELECT count(DISTINCT url) FROM fetches WHERE kind = 'page'") == [(21,)]
    assert query(db, "SELECT count(*) FROM fetches WHERE kind = 'sitemap'") == [
        (2,)
    ]  # the index and November: October ended before START

    tables = ("articles", "stories", "coverage", "runs", "fetches", "article_topics")
    before = {t: query(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    n_requests = len(site.requests)
    again = backfill(start=START, end=END, sources=str(sources), db=str(db), return_state=True)
    assert again.is_completed() and again.result()["days_run"] == 0 and again.result()["days_skipped"] == 20
    assert len(site.requests) == n_requests  # nothing fetched
    assert {t: query(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables} == before


def test_interrupted_backfill_rerun_completes_the_rest_and_reprocess_all_redoes(tmp_path, planet):
    _, sources = planet
    db = tmp_path / "fw.duckdb"
    first, last = DAYS[50], DAYS[55]
    # a run over the first half stands for a backfill interrupted after 3 days; one of them then failed
    assert backfill(start=first, end=DAYS[52], sources=str(sources), db=str(db), return_state=True).is_completed()
    con = duckdb.connect(str(db))
    con.execute("UPDATE coverage SET status = 'failed' WHERE day = ?", [DAYS[51]])
    con.close()
    result = backfill(start=first, end=last, sources=str(sources), db=str(db))
    assert result["days_run"] == 4 and result["days_skipped"] == 2
    assert query(db, "SELECT count(*), count(DISTINCT day) FROM coverage WHERE status = 'complete'") == [(12, 6)]
    assert query(db, "SELECT count(*) FROM articles") == [(6,)]
    assert backfill(start=first, end=last, sources=str(sources), db=str(db), reprocess="failed")["days_run"] == 0
    redo = backfill(start=first, end=DAYS[51], sources=str(sources), db=str(db), reprocess="all")
    assert redo["days_run"] == 2 and redo["loaded"] == 2 and redo["new"] == 0
    assert query(db, "SELECT count(*) FROM articles") == [(6,)]


def test_a_stop_mid_day_records_the_pages_it_fetched_and_a_rerun_loads_them(tmp_path, planet, monkeypatch):
    """A stop (Ctrl-C) that comes while a day's second batch is being fetched, once the first batch (extracted
    meanwhile) is done: the first batch is loaded; the page being fetched has its fetches row ('not loaded: the
    run was interrupted'); the day is not recorded done, and a rerun loads the rest."""
    from forumwatch.flows.pipeline import NOT_LOADED
    from forumwatch.flows.stop import request_stop, reset

    site, sources = planet
    monkeypatch.setenv("FORUMWATCH_BATCH_SIZE", "1")  # one page a batch: the day's two pages are two batches
    monkeypatch.setenv("FORUMWATCH_READ_TIMEOUT", "90")  # the second page's answer waits for the first's extraction
    monkeypatch.setenv("FORUMWATCH_TOTAL_TIMEOUT", "90")
    db = tmp_path / "fw.duckdb"
    day = DAYS[52]
    first = site.base + slug(day)
    second_path = f"/planet/{day:%Y/%m/%d}/second-{day:%m%d}.html"
    stopped_on = site.base + second_path
    body = article_html(f"Second story of {day}", datetime(day.year, day.month, day.day, 12), 52 + 100).encode()
    november = site.routes["/planet/sitemap-2023-11.xml"]
    entry = f"<url><loc>{stopped_on}</loc><lastmod>{day}T13:00:00Z</lastmod></url>"
    november.body = november.body.replace(b"</urlset>", entry.encode() + b"</urlset>")

    first_extracted = threading.Event()

    class FirstExtraction(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            name = getattr(record, "task_run_name", "")
            if name == f"{day} extract 1" and record.getMessage().startswith("Finished in state Completed"):
                first_extracted.set()

    waited: list[bool] = []

    def stop_then_answer(handler) -> None:
        waited.append(first_extracted.wait(60))  # the first batch's extraction, running while this is fetched
        request_stop()  # as the command's SIGINT handler does
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site.add(second_path, body, handler=stop_then_answer)
    watcher, task_logger = FirstExtraction(), logging.getLogger("prefect.task_runs")
    level = task_logger.level
    task_logger.addHandler(watcher)
    task_logger.setLevel(logging.INFO)  # the tests log warnings only
    try:
        state = backfill(start=DAYS[50], end=DAYS[55], sources=str(sources), db=str(db), return_state=True)
    finally:
        reset()
        task_logger.removeHandler(watcher)
        task_logger.setLevel(level)
    assert waited == [True]
    assert not state.is_completed() and query(db, "SELECT status FROM runs") == [("interrupted",)]
    assert query(db, "SELECT error FROM fetches WHERE url = ?", [stopped_on]) == [(NOT_LOADED,)]
    # the day's first page was extracted before the stop: loaded, its row a plain 200
    assert query(db, "SELECT count(*) FROM articles WHERE url = ?", [first]) == [(1,)]
    assert query(db, "SELECT status, error FROM fetches WHERE url = ?", [first]) == [(200, None)]
    assert query(db, "SELECT DISTINCT day FROM coverage WHERE status = 'complete' ORDER BY day") == [
        (DAYS[50],),
        (DAYS[51],),
    ]
    site.routes[second_path].handler = None
    again = backfill(start=DAYS[50], end=DAYS[55], sources=str(sources), db=str(db))
    # the day is read again: its first page is found stored (unchanged), the second is new
    assert again["days_run"] == 4 and again["loaded"] == 5 and again["new"] == 4
    assert query(db, "SELECT count(*) FROM articles") == [(7,)]
    assert query(db, "SELECT count(*) FROM articles WHERE url = ?", [stopped_on]) == [(1,)]
    assert query(db, "SELECT count(*) FROM coverage WHERE day = ? AND status = 'complete'", [day]) == [(2,)]


def test_a_backfill_whose_time_budget_is_spent_requests_nothing_more_and_a_rerun_fills_the_days(tmp_path, planet):
    """A budget spent before the first request (0.0001 min): robots.txt, sitemaps and the feed are skipped with a
    fetches row saying so, nothing reaches the site, the days are 'failed' with the budget's note, the run is
    partial; a rerun without a budget fills every day."""
    site, sources = planet
    db = tmp_path / "fw.duckdb"
    state = backfill(
        start=DAYS[54], end=DAYS[55], sources=str(sources), db=str(db), max_minutes=0.0001, return_state=True
    )
    assert state.is_completed() and state.name == "Partial" and "the run's time budget was spent" in state.message
    assert site.requests == []
    errors = query(db, "SELECT DISTINCT error FROM fetches")
    assert errors == [("skipped: the run's time budget (0.0001 min) was spent; tried again next run",)]
    assert query(db, "SELECT DISTINCT status FROM coverage") == [("failed",)]
    assert query(db, "SELECT count(*) FROM coverage WHERE note LIKE '%time budget (0.0001 min) was spent%'") == [(4,)]
    assert query(db, "SELECT status FROM runs") == [("partial",)]
    again = backfill(start=DAYS[54], end=DAYS[55], sources=str(sources), db=str(db), max_minutes=0)
    assert again["days_run"] == 2 and again["new"] == 2 and again["pages_skipped"] == 0
    assert query(db, "SELECT count(*) FROM coverage WHERE status = 'complete'") == [(4,)]


def test_days_read_without_any_sitemap_are_read_again_once_one_is_listed(tmp_path, planet):
    """With no sitemap configured or listed, the days were recorded 'complete' (0 found), so adding the
    sitemap afterwards changed nothing: every later backfill skipped them."""
    site, sources = planet
    db = tmp_path / "fw.duckdb"
    days = (DAYS[45], DAYS[45])  # older than the feed's last 10 days: only a sitemap can find it
    robots = site.routes["/robots.txt"]
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    assert backfill(start=days[0], end=days[1], sources=str(sources), db=str(db))["days_run"] == 1
    assert query(db, "SELECT DISTINCT status, note FROM coverage WHERE method = 'sitemap'") == [
        ("unavailable", "no sitemap_url configured and no Sitemap: line in robots.txt")
    ]
    site.routes["/robots.txt"] = robots  # the site lists its sitemap now
    again = backfill(start=days[0], end=days[1], sources=str(sources), db=str(db))
    assert again["days_run"] == 1 and query(db, "SELECT count(*) FROM articles") == [(1,)]
    assert query(db, "SELECT DISTINCT status FROM coverage") == [("complete",)]


def test_dry_run_writes_nothing_and_bad_ranges_are_refused(tmp_path, planet):
    site, sources = planet
    db = tmp_path / "sub" / "fw.duckdb"
    plan = backfill(start=START, end=END, sources=str(sources), db=str(db), dry_run=True)
    assert plan["days"] == [str(d) for d in DAYS[40:]] and plan["methods"] == ["sitemap", "feed"]
    assert plan["sources"] == ["daily-planet"]
    assert not (tmp_path / "sub").exists() and site.requests == []
    with pytest.raises(BackfillError, match="after"):
        plan_backfill(END, START, str(sources), str(db))
    with pytest.raises(BackfillError, match="YYYY-MM-DD"):
        plan_backfill("2023-13-01", END, str(sources), str(db))
    with pytest.raises(FileNotFoundError):
        plan_backfill(START, END, str(sources), str(db), warc=[str(tmp_path / "missing.warc.gz")])
    with pytest.raises(BackfillError, match="before 1990-01-01"):  # was an OverflowError after 18 s of planning
        plan_backfill("0001-01-01", "9999-12-31", str(sources), str(db))
    with pytest.raises(BackfillError, match="after tomorrow"):
        plan_backfill(START, datetime.now(UTC).date() + timedelta(days=30), str(sources), str(db))


def test_a_day_read_before_it_is_over_is_open_and_read_again(tmp_path, planet):
    """A backfill over today marked it 'complete', so the next one skipped it and lost the day's later pages."""
    _, sources = planet
    now = datetime.now(UTC).replace(tzinfo=None)
    today, yesterday = now.date(), now.date() - timedelta(days=1)
    tallies = {("daily-planet", d, m): Tally() for d in (yesterday, today) for m in ("sitemap", "feed")}
    statuses = {(r["source_id"], r["day"], r["method"]): r["status"] for r in coverage.rows(tallies, "r", now)}
    assert [statuses[("daily-planet", d, "feed")] for d in (yesterday, today)] == ["complete", "open"]
    plan = plan_backfill(yesterday, today, str(sources), str(tmp_path / "fw.duckdb"), statuses=statuses)
    assert plan.days == [today] and plan.skipped_days == [yesterday]


def test_warc_input_backfill_needs_no_server(tmp_path):
    """CC-NEWS style input: pages of configured hosts in range are loaded; other hosts, other
    dates, undated pages and non-HTML records are not."""
    archive = WarcArchive(tmp_path / "ccnews", "CC-NEWS-20231015")
    html = [
        ("https://www.planet.example/a/in-range", article_html("In range", datetime(2023, 10, 15, 9), 1)),
        ("https://news.planet.example/b/also-in-range", article_html("Also in range", datetime(2023, 10, 16, 9), 2)),
        ("https://www.planet.example/c/too-old", article_html("Too old", datetime(2023, 9, 1, 9), 3)),
        ("https://elsewhere.example/d/not-ours", article_html("Not ours", datetime(2023, 10, 15, 9), 4)),
        ("https://www.planet.example/e/undated", article_html("Undated", None, 5)),
        (  # an AMP copy naming its canonical page: the same article, as when ingest fetches it
            "https://amp.planet.example/a/in-range/amp",
            article_html("In range", datetime(2023, 10, 15, 9), 1).replace(
                "<head>", '<head><link rel="canonical" href="https://www.planet.example/a/in-range">'
            ),
        ),
    ]
    when = datetime(2023, 10, 16, 23)
    for url, body in html:
        archive.write_response(url, 200, "OK", [("Content-Type", "text/html; charset=utf-8")], body.encode(), when)
    archive.write_response(
        "https://www.planet.example/logo.png", 200, "OK", [("Content-Type", "image/png")], b"\x89PNG", when
    )
    archive.close()
    sources = tmp_path / "sources.csv"
    sources.write_text("name,feed_url,homepage\nPlanet,http://127.0.0.1:9/feed.xml,https://www.planet.example/\n")
    db = tmp_path / "fw.duckdb"
    result = backfill(
        start=date(2023, 10, 14),
        end=date(2023, 10, 17),
        sources=str(sources),
        db=str(db),
        warc=[str(tmp_path / "ccnews")],
    )
    assert query(db, "SELECT title, url FROM articles ORDER BY url") == [
        ("Also in range", "https://news.planet.example/b/also-in-range"),
        ("In range", "https://www.planet.example/a/in-range"),
    ]
    assert result["out_of_range"] == 1 and result["undated"] == 1
    assert query(db, "SELECT link_url FROM articles WHERE title = 'In range'") in (
        [("https://www.planet.example/a/in-range",)],
        [("https://amp.planet.example/a/in-range/amp",)],
    )
    assert query(db, "SELECT day, found, loaded FROM coverage WHERE method = 'warc' AND found > 0 ORDER BY day") == [
        (date(2023, 10, 15), 2, 2),  # two pages, one article
        (date(2023, 10, 16), 1, 1),
    ]
    # the unreachable feed and robots.txt make those methods 'failed', so --reprocess failed can retry them
    assert query(db, "SELECT method, min(status), max(status) FROM coverage GROUP BY method ORDER BY method") == [
        ("feed", "failed", "failed"),
        ("sitemap", "failed", "failed"),
        ("warc", "complete", "complete"),
    ]


def test_cc_news_backfill_loads_each_page_once_and_records_a_torn_file(tmp_path, monkeypatch):
    """CC-NEWS layout (request, response, metadata per capture, one gzip member each): a page captured
    twice is loaded once more as its later copy (batches and loads of one, so the first copy was loaded
    already);
    another outlet's record is skipped; a file torn inside a record gets a fetches row and the rest loads."""
    monkeypatch.setenv("FORUMWATCH_BATCH_SIZE", "1")
    monkeypatch.setattr(archived, "LOAD_AT", 1)
    monkeypatch.setattr(archived, "IN_FLIGHT", 0)
    day, base = datetime(2023, 10, 15, 9), "https://www.planet.example"

    def capture(path: str, title: str, seed: int, when: datetime) -> bytes:
        return ccnews.capture(f"{base}{path}", article_html(title, day, seed).encode(), when)

    folder = tmp_path / "ccnews"
    folder.mkdir()
    first = folder / "CC-NEWS-20231016000000-00000.warc.gz"
    first.write_bytes(
        ccnews.warcinfo(first.name)
        + capture("/a/0", "Story 0", 0, datetime(2023, 10, 16, 1))
        + ccnews.capture("https://elsewhere.example/x", article_html("Not ours", day, 7).encode(), day)
        + capture("/a/1", "Story 1", 1, datetime(2023, 10, 16, 2))
    )
    torn = capture("/a/2", "Story 2", 2, datetime(2023, 10, 16, 3))
    (folder / "CC-NEWS-20231017000000-00001.warc.gz").write_bytes(
        capture("/a/0", "Story 0, updated", 0, datetime(2023, 10, 17, 1)) + torn[: len(torn) // 2]
    )
    sources = tmp_path / "sources.csv"
    sources.write_text(f"name,feed_url,homepage\nPlanet,http://127.0.0.1:9/feed.xml,{base}/\n")
    db = tmp_path / "fw.duckdb"
    result = backfill(start=date(2023, 10, 14), end=date(2023, 10, 17), sources=str(sources), db=str(db),
                      warc=[str(folder)])  # fmt: skip
    assert query(db, "SELECT title, url FROM articles ORDER BY url") == [
        ("Story 0, updated", f"{base}/a/0"),
        ("Story 1", f"{base}/a/1"),
    ]
    assert (result["loaded"], result["new"], result["updated"]) == (2, 2, 1)
    [(url, error)] = query(db, "SELECT url, error FROM fetches WHERE kind = 'warc' AND error IS NOT NULL")
    assert url.startswith("file://") and url.endswith("00001.warc.gz#offset=" + url.split("#offset=")[1])
    assert "skipped" in error and "file ends inside" in error
    assert query(db, "SELECT day, found, loaded FROM coverage WHERE method = 'warc' AND found > 0") == [
        (date(2023, 10, 15), 2, 2)
    ]


def test_warc_pages_are_read_while_sitemaps_and_feeds_wait_on_the_network(tmp_path, monkeypatch):
    """The WARC step does not wait for discovery: here the outlet's server holds robots.txt until the WARC
    step has finished (60 s at most, and the crawler waits that long), and the run still loads the WARC page
    and records the feed it reads after."""
    monkeypatch.setenv("FORUMWATCH_READ_TIMEOUT", "90")
    monkeypatch.setenv("FORUMWATCH_TOTAL_TIMEOUT", "90")
    warc_done = threading.Event()

    class WarcStepEnd(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("WARC input:"):
                warc_done.set()

    answered_after_warc: list[bool] = []

    def robots(handler) -> None:
        answered_after_warc.append(warc_done.wait(60))
        handler.send_response(404)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    watcher, task_logger = WarcStepEnd(), logging.getLogger("prefect.task_runs")
    level = task_logger.level
    task_logger.addHandler(watcher)
    task_logger.setLevel(logging.INFO)  # the tests log warnings only
    try:
        with serve() as site:
            archive = WarcArchive(tmp_path / "ccnews", "CC-NEWS-20231015")
            page = article_html("From the archive", datetime(2023, 10, 15, 9), 1).encode()
            archive.write_response(f"{site.base}/a/1", 200, "OK", [("Content-Type", "text/html")], page,
                                   datetime(2023, 10, 16, 1))  # fmt: skip
            archive.close()
            site.add("/robots.txt", handler=robots)
            site.add("/feed.xml", "<rss><channel><title>Planet</title></channel></rss>", content_type="text/xml")
            sources = tmp_path / "sources.csv"
            sources.write_text(f"name,feed_url,homepage\nPlanet,{site.base}/feed.xml,{site.base}/\n")
            db = tmp_path / "fw.duckdb"
            backfill(start=date(2023, 10, 14), end=date(2023, 10, 17), sources=str(sources), db=str(db),
                     warc=[str(tmp_path / "ccnews")])  # fmt: skip
    finally:
        task_logger.removeHandler(watcher)
        task_logger.setLevel(level)
    assert answered_after_warc and all(answered_after_warc)
    assert query(db, "SELECT title FROM articles") == [("From the archive",)]
    assert "/feed.xml" in {path.split("?")[0] for path, _ in site.requests}
    assert query(db, "SELECT count(*) FROM fetches WHERE kind = 'feed' AND error IS NULL") == [(1,)]
