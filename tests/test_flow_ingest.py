"""The ingest flow end to end under a real Prefect harness, against local HTTP servers and a real DuckDB file."""

from __future__ import annotations

from datetime import datetime

import pytest
from dbquery import query
from webserver import serve

from forumwatch.flows.ingest import ingest

pytestmark = pytest.mark.usefixtures("prefect_harness", "fast_crawl")


def table_counts(db) -> dict[str, int]:
    tables = ("sources", "articles", "stories", "article_topics", "feed_items")
    return {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def test_snapshot_ingest_loads_every_page_and_rerun_is_served_by_304s(
    tmp_path, snapshot_ingested, snapshot_sources, expected_pages
):
    assert "7 of 7 sources ok, 0 failed" in snapshot_ingested.message  # the session's run (completed)
    db = snapshot_ingested.copy_to(tmp_path)  # the rerun below writes to a copy

    good = [p for p in expected_pages["pages"] if p["status"] == 200]
    assert query(db, "SELECT count(*) FROM articles")[0][0] == len(good)
    row = query(
        db,
        """SELECT title, published_at, published_at_precision, text, wire_agency, cited_media, language
                       FROM articles WHERE url LIKE '%china-russia-ready-to-tackle%'""",
    )[0]
    title, published, precision, text, wire, cited, language = row
    assert title == "China, Russia Ready to Tackle Security Threats Together"
    assert published == datetime(2023, 10, 31, 13, 42) and precision == "minute"
    assert not any(word in text for word in ("Gaza", "Piers Morgan", "IAEA", "ALSO READ"))
    assert wire == "ANI" and sorted(cited) == ["TASS", "Xinhua"] and language == "en"
    # the feed listed one link with utm_ parameters: stored canonical
    assert query(db, "SELECT count(*) FROM articles WHERE url LIKE '%utm_%'")[0][0] == 0
    assert query(db, "SELECT count(*) FROM articles WHERE url LIKE '%china-ready-to-work-with-russia%'")[0][0] == 1
    # the deliberate 404 is recorded
    [(status, error)] = query(db, "SELECT status, error FROM fetches WHERE url LIKE '%afghans%'")
    assert status == 404 and "404" in error
    # the four copies of the ANI story are one story; the follow-up and the other report are not in it
    [(n_articles, n_outlets, agency)] = query(
        db,
        """
        SELECT s.n_articles, s.n_outlets, s.wire_agency FROM stories s
        JOIN articles a USING (story_id) WHERE a.url LIKE '%china-russia-ready-to-tackle%'""",
    )
    assert (n_articles, n_outlets, agency) == (4, 4, "ANI")
    # the Chinese and Russian translations: credited, dated, tagged as the English original, each its own story
    for language in ("zh", "ru"):
        [(article_id, wire, cited, published, n_story)] = query(
            db,
            """SELECT a.article_id, a.wire_agency, a.cited_media, a.published_at, s.n_articles
               FROM articles a JOIN stories s USING (story_id) WHERE a.language = ?""",
            [language],
        )
        assert (wire, sorted(cited), n_story) == ("ANI", ["TASS", "Xinhua"], 1)
        assert published == datetime(2023, 10, 31, 14, 5 if language == "zh" else 20)
        tags = query(
            db,
            """SELECT 'topic', topic, evidence FROM article_topics WHERE article_id = $id
               UNION ALL SELECT 'forum', forum, evidence FROM article_forums WHERE article_id = $id
               UNION ALL SELECT 'person', person, evidence FROM article_people WHERE article_id = $id""",
            {"id": article_id},
        )
        got = {(kind, key) for kind, key, _ in tags}
        assert {("topic", "sino_russian_military"), ("forum", "xiangshan")} <= got
        assert {("person", "zhang_youxia"), ("person", "sergei_shoigu")} <= got
        assert ("topic", "middle_east") not in got and all(evidence for *_, evidence in tags)
        editions = query(
            db,
            "SELECT DISTINCT edition FROM forum_edition_articles WHERE article_id = ? AND mentions_forum",
            [article_id],
        )
        assert editions == [("xiangshan-2023",)]
    assert query(db, "SELECT status, n_new, n_failed FROM runs")[0] == ("completed", len(good), 1)

    before = table_counts(db)
    articles_before = query(db, "SELECT * EXCLUDE (run_id) FROM articles ORDER BY article_id")
    stories_before = query(db, "SELECT * EXCLUDE (updated_at) FROM stories ORDER BY story_id")
    second = ingest(sources=str(snapshot_sources), db=str(db), return_state=True)
    assert second.is_completed()
    assert table_counts(db) == before
    assert query(db, "SELECT * EXCLUDE (run_id) FROM articles ORDER BY article_id") == articles_before
    assert query(db, "SELECT * EXCLUDE (updated_at) FROM stories ORDER BY story_id") == stories_before
    last_run = query(db, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    feed_statuses = query(db, "SELECT DISTINCT status FROM fetches WHERE run_id = ? AND kind = 'feed'", [last_run])
    assert feed_statuses == [(304,)]
    assert query(db, "SELECT n_new, n_updated FROM runs WHERE run_id = ?", [last_run])[0] == (0, 0)
    # the read-only copy for analysts was published (by the first run, beside its database)
    assert query(snapshot_ingested.db.with_name("fw-read.duckdb"), "SELECT count(*) FROM articles")[0][0] == len(good)


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>"""
ITEM = "<item><title>{title}</title><link>{link}</link><pubDate>Tue, 31 Oct 2023 10:00:00 +0000</pubDate></item>"
PAGE = """<html lang="en"><head><title>{title}</title></head><body><article><h1>{title}</h1>
{paras}</article></body></html>"""


def page(title: str, words: str) -> str:
    paras = "".join(f"<p>{words} Paragraph {i} keeps going with enough words to count as text.</p>" for i in range(6))
    return PAGE.format(title=title, paras=paras)


def test_failures_are_recorded_and_never_stop_healthy_sources(tmp_path):
    db = tmp_path / "fw.duckdb"
    with serve() as site:
        good = site.add("/good/a", page("Healthy story", "Defence ministers met in Singapore on Sunday."))
        slow = site.add("/good/slow", page("Slow story", "Never arrives"), delay=4)
        site.add(
            "/good/feed",
            FEED.format(items=ITEM.format(title="a", link=good) + ITEM.format(title="s", link=slow)),
            content_type="application/rss+xml",
        )
        site.add("/broken/feed", "<rss><channel><item><title>cut", content_type="application/rss+xml")
        site.add("/down/feed", "oops", status=500)
        site.add("/quiet/feed", FEED.format(items=""), content_type="application/rss+xml")  # nothing published
        sources = tmp_path / "sources.csv"
        sources.write_text(
            f"name,feed_url\nGood,{site.base}/good/feed\nBroken,{site.base}/broken/feed\nDown,{site.base}/down/feed\n"
            f"Quiet,{site.base}/quiet/feed\n"
        )
        state = ingest(sources=str(sources), db=str(db), return_state=True)
    assert state.is_completed() and state.name == "Partial"  # some sources failed: a partial outcome
    assert "2 failed" in state.message
    assert query(db, "SELECT title FROM articles") == [("Healthy story",)]
    errors = dict(query(db, "SELECT url, error FROM fetches WHERE error IS NOT NULL"))
    assert "500" in errors[f"{site.base}/down/feed"]
    assert "timeout" in errors[slow].lower()
    assert errors[f"{site.base}/broken/feed"].startswith(("feed lists no items", "not a feed"))
    # a well-formed feed that lists nothing is a quiet outlet, not a failed source: a note on its fetch
    quiet = query(db, "SELECT status, error, note FROM fetches WHERE url = ?", [f"{site.base}/quiet/feed"])
    assert quiet == [(200, None, "feed lists no items")]
    [(n_sources, n_failed_sources, status)] = query(db, "SELECT n_sources, n_sources_failed, status FROM runs")
    assert (n_sources, n_failed_sources, status) == (4, 2, "partial")


def test_cst_in_a_chinese_sources_feed_is_stored_as_china_standard_time_in_utc(tmp_path):
    """No timezone configured, language zh: the feed's 'CST' is +08:00, so 09:00 CST is 01:00 UTC (feedparser's US
    Central made it 15:00 UTC, 14 hours off). The page has no date of its own, so the article takes the feed's."""
    db = tmp_path / "fw.duckdb"
    with serve() as site:
        link = site.add("/zh/a", page("Xiangshan Forum opens", "Defence ministers met in Beijing on Tuesday."))
        item = ITEM.format(title="a", link=link).replace("10:00:00 +0000", "09:00:00 CST")
        site.add("/zh/feed", FEED.format(items=item), content_type="application/rss+xml")
        sources = tmp_path / "sources.csv"
        sources.write_text(f"name,feed_url,language\n中国军网,{site.base}/zh/feed,zh\n")
        assert ingest(sources=str(sources), db=str(db), return_state=True).is_completed()
    stored = query(db, "SELECT published_at, published_at_source FROM articles")
    assert stored == [(datetime(2023, 10, 31, 1, 0), "feed")]
