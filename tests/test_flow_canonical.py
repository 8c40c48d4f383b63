"""Article identity from canonical links, end to end: real Prefect runs, a real HTTP server, a real DuckDB file.
The demo on two ports (and reprocess over both ports' copies) is in test_reprocess.py."""

from __future__ import annotations

import pytest
from dbquery import assert_consistent, query
from webserver import serve

from forumwatch.flows.ingest import ingest
from forumwatch.tasks.urls import article_id

pytestmark = pytest.mark.usefixtures("prefect_harness", "fast_crawl")

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>"""
ITEM = "<item><title>{title}</title><link>{link}</link><pubDate>Tue, 31 Oct 2023 10:00:00 +0000</pubDate></item>"
PARAGRAPHS = [
    "Defence ministers of China and Russia met in Beijing on Tuesday and pledged to deepen military cooperation.",
    "The two sides agreed to hold more joint naval patrols in the Pacific and to expand staff exchanges next year.",
    "Officials said the talks on the sidelines of the Xiangshan Forum covered missile defence and arms control.",
    "Analysts in New Delhi said the meeting was a signal to Washington ahead of the next round of security talks.",
    "The ministers also discussed the situation on the Korean peninsula and the security of shipping lanes.",
]


def page(title: str, head: str = "", extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (f"<p>{extra}</p>" if extra else "")
    return f"""<html lang="en"><head><title>{title}</title>{head}</head>
<body><article><h1>{title}</h1>{body}</article></body></html>"""


def test_stored_articles_move_to_the_canonical_their_pages_name_later(tmp_path, monkeypatch):
    """Rows stored under their links (pages without a canonical, or a file from before canonical links counted)
    become one row under the canonical URL once the pages name it: no duplicate, first_seen_at kept, tags,
    fingerprints and stories follow, fetches still list what was fetched."""
    monkeypatch.setenv("FORUMWATCH_EXTRACT_WORKERS", "1")  # three pages: no process pool to start
    db = tmp_path / "fw.duckdb"
    with serve() as site:
        plain, amp, other = f"{site.base}/news/x-1", f"{site.base}/amp/news/x-1", f"{site.base}/wire/y-1"
        items = "".join(ITEM.format(title=t, link=u) for t, u in (("a", plain), ("b", amp), ("c", other)))
        site.add("/feed", FEED.format(items=items), content_type="application/rss+xml")
        site.add("/news/x-1", page("Ministers meet"))
        site.add("/amp/news/x-1", page("Ministers meet (AMP)"))
        site.add("/wire/y-1", page("China and Russia pledge closer military ties"))
        sources = tmp_path / "sources.csv"
        sources.write_text(f"id,name,feed_url\nsite,Site,{site.base}/feed\n")
        assert ingest(sources=str(sources), db=str(db), return_state=True).is_completed()
        assert query(db, "SELECT count(*), count(DISTINCT story_id) FROM articles") == [(3, 1)]
        first_seen = query(db, "SELECT min(first_seen_at) FROM articles")[0][0]

        canonical = '<link rel="canonical" href="/news/x-1">'
        extra = "A joint statement is expected later this week, officials said."
        site.add("/news/x-1", page("Ministers meet", canonical, extra))
        site.add("/amp/news/x-1", page("Ministers meet (AMP)", canonical, extra))
        assert ingest(sources=str(sources), db=str(db), return_state=True).is_completed()

    rows = query(db, "SELECT article_id, url, first_seen_at FROM articles ORDER BY url")
    assert [(i, u) for i, u, _ in rows] == [(article_id(plain), plain), (article_id(other), other)]
    assert rows[0][2] == first_seen  # the row under the canonical URL is as old as the oldest copy it replaced
    [(n_articles, n_story)] = query(db, "SELECT count(*), count(DISTINCT story_id) FROM articles")
    assert (n_articles, n_story) == (2, 1)
    assert query(db, "SELECT n_articles FROM stories") == [(2,)]
    assert query(db, "SELECT count(*) FROM article_topics WHERE article_id = ?", [article_id(amp)]) == [(0,)]
    assert query(db, "SELECT count(*) FROM fetches WHERE url = ? AND kind = 'page'", [amp]) == [(2,)]
    assert_consistent(db)
    # the second run updated the canonical row (the first of the two pages naming it) and added nothing
    assert query(db, "SELECT n_new, n_updated FROM runs ORDER BY started_at") == [(3, 0), (0, 1)]


OTHER_STORIES = [
    [
        "Coast guard vessels from three countries held a search and rescue drill near the disputed shoal on Monday.",
        "The exercise tested radio procedures and the towing of a disabled fishing boat in heavy seas.",
        "Observers from five neighbouring states watched from a chartered ferry anchored two miles away.",
        "Organisers said the next drill would take place in the spring, weather permitting.",
    ],
    [
        "Parliament approved a new procurement law for the armed forces after a debate that lasted two days.",
        "The law caps single-source contracts and requires a public audit of every purchase above a threshold.",
        "Opposition members argued the audit rules would slow the delivery of spare parts to remote garrisons.",
        "The defence ministry said it would publish the first audit report before the end of the fiscal year.",
    ],
]


def test_a_template_canonical_shared_by_different_articles_never_merges_them(tmp_path, monkeypatch):
    """A CMS giving every page one canonical URL (a common template bug) merged different articles into one
    row: the others were counted 'unchanged' and lost. A page whose canonical names another page's different
    text keeps its own link; an AMP copy of the canonical page's text still joins it."""
    monkeypatch.setenv("FORUMWATCH_EXTRACT_WORKERS", "1")
    db = tmp_path / "fw.duckdb"
    with serve() as site:
        canonical = '<link rel="canonical" href="/news/lead">'
        links = {name: f"{site.base}/news/{name}" for name in ("other-1", "lead", "amp-lead", "other-2")}
        site.add("/news/lead", page("Ministers meet", canonical))
        site.add("/news/amp-lead", page("Ministers meet (AMP)", canonical))
        for name, paragraphs in zip(("other-1", "other-2"), OTHER_STORIES):
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            site.add(
                f"/news/{name}",
                f"<html><head><title>{name}</title>{canonical}</head><body><article>{body}</article></body></html>",
            )
        items = "".join(ITEM.format(title=n, link=u) for n, u in links.items())  # a wrong one first
        site.add("/feed", FEED.format(items=items), content_type="application/rss+xml")
        sources = tmp_path / "sources.csv"
        sources.write_text(f"id,name,feed_url\nsite,Site,{site.base}/feed\n")
        state = ingest(sources=str(sources), db=str(db), return_state=True)
        assert state.is_completed() and "3 new, 0 updated, 1 unchanged" in state.message, state.message
    rows = query(db, "SELECT url, link_url, canonical_note IS NOT NULL FROM articles ORDER BY url")
    assert rows == [
        (links["lead"], links["lead"], False),
        (links["other-1"], links["other-1"], True),
        (links["other-2"], links["other-2"], True),
    ]
    assert query(
        db, "SELECT count(*) FROM article_topics WHERE article_id NOT IN (SELECT article_id FROM articles)"
    ) == [(0,)]
    assert_consistent(db)


def test_one_page_under_its_iri_and_percent_encoded_spellings_is_one_article(tmp_path, monkeypatch):
    """`forumwatch ingest`: one feed lists a Russian page by its IRI path, another feed the same page
    percent-encoded in lower-case hex; a Chinese page's canonical link gives its path percent-encoded. One
    article row per page, under the path's normal form."""
    from forumwatch.cli import main

    monkeypatch.setenv("FORUMWATCH_EXTRACT_WORKERS", "1")
    db = tmp_path / "fw.duckdb"
    ru, zh = "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1", "/%E4%B8%AD%E6%96%87/2"
    with serve() as site:
        site.add(ru, page("Ministers meet"))
        site.add(
            zh,
            page("China and Russia pledge closer military ties", '<link rel="canonical" href="/%e4%b8%ad%e6%96%87/2">'),
        )
        first = "".join(
            ITEM.format(title=t, link=f"{site.base}{p}") for t, p in (("a", "/новости/1"), ("b", "/中文/2"))
        )
        site.add("/feed-a", FEED.format(items=first), content_type="application/rss+xml")
        second = ITEM.format(title="a", link=f"{site.base}{ru.lower()}")
        site.add("/feed-b", FEED.format(items=second), content_type="application/rss+xml")
        sources = tmp_path / "sources.csv"
        sources.write_text(f"id,name,feed_url\na,A,{site.base}/feed-a\nb,B,{site.base}/feed-b\n")
        assert main(["ingest", "--sources", str(sources), "--db", str(db)]) == 0
        urls = [f"{site.base}{ru}", f"{site.base}{zh}"]
    assert query(db, "SELECT article_id, url FROM articles ORDER BY url") == [(article_id(u), u) for u in sorted(urls)]
    assert query(db, "SELECT DISTINCT url FROM feed_items ORDER BY url") == [(u,) for u in sorted(urls)]
    assert_consistent(db)
