"""Article identity from the page's own <link rel="canonical">: which declared canonicals are taken, which are refused."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from forumwatch.tasks.canonical import canonical_hrefs, page_identity, site_of
from forumwatch.tasks.extract import PageInput, extract_page
from forumwatch.tasks.urls import article_id

ARTICLE = "https://www.example-news.com/world/2023/10/31/china-russia-talks-1192334.html"

TAKEN = [
    # (page URL, final URL after redirects or None, href, identity)
    (ARTICLE, None, ARTICLE, ARTICLE),
    (ARTICLE + "?utm_source=rss&fbclid=x", None, ARTICLE, ARTICLE),  # tracking variant
    (ARTICLE.replace(".html", ".amp.html"), None, ARTICLE, ARTICLE),  # AMP file name
    (
        "https://www.example-news.com/amp/world/2023/10/31/x-1.html",
        None,
        "/world/2023/10/31/x-1.html",
        "https://www.example-news.com/world/2023/10/31/x-1.html",
    ),  # /amp/ prefix, relative href
    (
        "https://www.example-news.com/world/x-1/amp",
        None,
        "https://www.example-news.com/world/x-1",
        "https://www.example-news.com/world/x-1",
    ),  # /amp suffix: the canonical is its parent path, and that is fine
    (
        "https://amp.example-news.com/world/x-1",
        None,
        "https://www.example-news.com/world/x-1",
        "https://www.example-news.com/world/x-1",
    ),  # amp. host, same registrable domain
    (
        "https://www.example-news.com/world/x-1?amp=1",
        None,
        "//www.example-news.com/world/x-1",
        "https://www.example-news.com/world/x-1",
    ),  # ?amp=1 and a scheme-relative href
    (
        "http://example-news.com/story?id=7",
        None,
        "HTTPS://WWW.Example-News.com/world/x-7#top",
        "https://www.example-news.com/world/x-7",
    ),  # scheme differs (schemeless same site), case, fragment
    (
        "https://feeds.example-news.com/r/123",
        "https://www.example-news.com/world/x-1",
        "x-1-full",
        "https://www.example-news.com/world/x-1-full",
    ),  # relative: resolved against the final URL
    (
        "http://127.0.0.1:9123/a/story-1.html",
        None,
        "http://127.0.0.1:8765/a/story-1.html",
        "http://127.0.0.1:8765/a/story-1.html",
    ),  # same host, another port: ports are ignored
    (
        "https://www.example-news.com/news/12345/long-slug",
        None,
        "/news/12345",
        "https://www.example-news.com/news/12345",
    ),  # a shorter path with an article number is no section
    (
        "https://www.example-news.com/2023/10/slug/",
        None,
        "/?p=123",
        "https://www.example-news.com/?p=123",
    ),  # a root URL whose query names the article
    (
        "https://www.example-news.com/x-1",
        None,
        " \n https://www.example-news.com/x-1\t ",
        ARTICLE[:0] + "https://www.example-news.com/x-1",
    ),  # whitespace around and inside the href (the URL standard drops it)
]

REFUSED = [
    # (page URL, hrefs, words of the note)
    (ARTICLE, ["https://www.other-site.com/world/x-1"], "another site"),
    ("https://alice.github.io/post-1", ["https://bob.github.io/post-1"], "another site"),  # public suffix
    ("https://alice.blogspot.com/post-1", ["https://blogspot.com/post-1"], "another site"),
    ("http://127.0.0.1:9123/a/x-1", ["http://127.0.0.2:8765/a/x-1"], "another site"),  # IPs: same host only
    ("http://localhost:9/a/x-1", ["http://localhost.localdomain/a/x-1"], "another site"),
    (ARTICLE, ["javascript:alert(1)"], "not an http(s) URL"),
    (ARTICLE, ["data:text/html,<b>x</b>"], "not an http(s) URL"),
    (ARTICLE, ["ftp://www.example-news.com/x"], "not an http(s) URL"),
    (ARTICLE, [""], "not an http(s) URL"),
    (ARTICLE, ["http://[::1"], "not an http(s) URL"),
    (ARTICLE, ["https://www.example-news.com:99999/x"], "not an http(s) URL"),
    (ARTICLE, ["https://user:pw@www.example-news.com/x"], "not an http(s) URL"),
    (ARTICLE, ["https://www.exa mple-news.com/x"], "not an http(s) URL"),
    (ARTICLE, ["https://" + "a" * 3000 + ".example-news.com/"], "not an http(s) URL"),
    (ARTICLE, ["https://www.example-news.com/"], "homepage or section"),
    (ARTICLE, ["/"], "homepage or section"),
    (ARTICLE, ["https://www.example-news.com/world/"], "homepage or section"),
    (ARTICLE, ["/world/2023"], "homepage or section"),
    (ARTICLE, [ARTICLE, "https://www.example-news.com/world/other-1.html"], "2 different canonical links"),
    (ARTICLE, [ARTICLE, "javascript:void(0)"], "2 different canonical links"),
]


@pytest.mark.parametrize(("page", "final", "href", "expected"), TAKEN)
def test_a_same_site_canonical_is_the_identity(page, final, href, expected):
    got = page_identity([href], page, final)
    assert got.url == expected and got.note is None


@pytest.mark.parametrize(("page", "hrefs", "words"), REFUSED)
def test_a_canonical_that_cannot_name_this_article_is_refused(page, hrefs, words):
    got = page_identity(hrefs, page)
    assert got.url == page and words in (got.note or "")


def test_repeated_equal_canonicals_agree_and_no_canonical_keeps_the_link():
    assert page_identity([ARTICLE, ARTICLE + "#x", ARTICLE + "?utm_medium=x"], ARTICLE).url == ARTICLE
    assert page_identity([], ARTICLE + "?utm_source=a").url == ARTICLE


def test_only_head_links_with_the_canonical_rel_token_count():
    tree = lxml_html.fromstring(
        """<html><head><link rel="amphtml" href="/amp/x"><link rel="Canonical  alternate" href="/x">
        <link rel="stylesheet" href="/s.css"></head>
        <body><p>text</p><link rel="canonical" href="/planted-in-body"></body></html>"""
    )
    assert canonical_hrefs(tree) == ["/x"]


def test_site_of_hosts():
    assert site_of("www.bbc.co.uk") == site_of("amp.bbc.co.uk") == "bbc.co.uk"
    assert site_of("co.uk") == "co.uk" and site_of("localhost") == "localhost"
    assert site_of("a.github.io") != site_of("b.github.io")
    assert site_of("amp.planet.example") == site_of("www.planet.example") == "planet.example"  # default rule '*'
    assert site_of("127.0.0.1") == "127.0.0.1" and site_of("::1") == "::1"


def page_with(head: str, text: str = "Defence ministers met in Beijing and pledged closer ties. " * 4) -> str:
    paras = "".join(f"<p>{text} Paragraph {i}.</p>" for i in range(4))
    return (
        f"<html lang='en'><head><title>T</title>{head}</head><body><article><h1>T</h1>{paras}</article></body></html>"
    )


def test_extraction_stores_the_canonical_with_the_link_beside_it():
    link = "http://127.0.0.1:9123/news/world/x-1/amp"
    html = page_with('<link rel="canonical" href="../x-1">')
    out = extract_page(PageInput(link, "s", html, datetime(2024, 1, 1), final_url=link))
    assert out.error is None and out.url == "http://127.0.0.1:9123/news/world/x-1"
    assert out.article_id == article_id(out.url) and out.link_url == link and out.canonical_note is None
    refused = extract_page(
        PageInput(link, "s", page_with('<link rel="canonical" href="https://evil.example/">'), datetime(2024, 1, 1))
    )
    assert refused.url == link and refused.article_id == article_id(link) and "another site" in refused.canonical_note


hrefs = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(
            ["http://", "https://", "//", "/", "?", "#", "javascript:", "http://[", "%", "..", "amp"]
        ).flatmap(lambda prefix: st.text(max_size=40).map(lambda rest: prefix + rest)),
    ),
    max_size=3,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hrefs=hrefs)
def test_hostile_canonicals_never_raise_and_never_leave_the_site(hrefs):
    page = "https://www.example-news.com/world/2023/10/31/story-1.html"
    got = page_identity(hrefs, page, "https://www.example-news.com/world/2023/10/31/story-1.html?page=1")
    assert got.url == page or (
        urlsplit(got.url).scheme in ("http", "https")
        and site_of(urlsplit(got.url).hostname or "") == "example-news.com"
    )
    assert (got.url == page) or got.note is None
    html = page_with("".join(f"<link rel='canonical' href='{h}'>" for h in hrefs if "\x00" not in h))
    out = extract_page(PageInput(page, "s", html, datetime(2024, 1, 1)))
    assert out.article_id == article_id(out.url)
