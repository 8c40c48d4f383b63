"""The real ingest flow against a hostile local web: HTTP faults, malformed feeds, odd pages, private addresses.

One module fixture builds ~90 sources on their own loopback addresses (127.0.1.x, so per-host
politeness does not serialise the slow faults), loads a baseline from the two healthy sources,
then runs the flow ONCE over everything. The parametrised tests below only read its results.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field

import duckdb
import pytest
from conftest import (
    MAX_BYTES,
    MAX_FEED_ITEMS,
    all_text,
    article_html,
    content_snapshot,
    page,
    prose,
    query,
    rss,
    write_sources,
)
from server import (
    drip,
    gzip_bomb,
    huge,
    never_answer,
    redirect,
    reset_connection,
    reset_mid_body,
    status_then,
    unaccepting_listener,
)
from webserver import serve

from forumwatch.flows.ingest import ingest
from forumwatch.tasks.netguard import origin
from forumwatch.tasks.sources import slugify
from forumwatch.tasks.urls import canonical_url

pytestmark = pytest.mark.usefixtures("prefect_harness")

RSS_CT = "application/rss+xml; charset=utf-8"
SECRET = "LOOPBACK-SECRET-MARKER-7f3a"
XXE_SECRET = "XXE-FILE-SECRET-MARKER-91c2"
MAX_PER_SOURCE = 30


@dataclass
class Case:
    """One fault and what the flow must do with it."""

    name: str
    url: str  # the URL whose fetches row tells the outcome
    kind: str  # 'page' | 'feed'
    error: str | None  # substring of fetches.error; None: the fetch succeeds
    status: int | None | str = "any"
    loaded: bool = False  # an article row exists for url (pages only)
    attempts: int | None = None
    check: Callable[[World], None] | None = None


@dataclass
class FeedCase:
    """A feed variant: its fetch row's error/note and how many items and articles it gives."""

    name: str
    source_id: str
    feed_url: str
    error: str | None = None
    note: str | None = None
    items: int | None = None
    articles: int | None = None
    check: Callable[[World], None] | None = None


@dataclass
class World:
    db: object = ""  # the database path while building; a read-only connection once the runs are done
    db_path: str = ""
    sources: list[tuple[str, str]] = field(default_factory=list)
    healthy: list[tuple[str, str]] = field(default_factory=list)
    healthy_pages: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    feeds: list[FeedCase] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)  # page url -> strings its text must contain
    handlers: dict[str, object] = field(default_factory=dict)
    sites: dict[str, object] = field(default_factory=dict)
    baseline: dict = field(default_factory=dict)
    baseline_rows: list = field(default_factory=list)
    state: object = None
    allow_private: list[str] = field(default_factory=list)  # host:port origins the fault run may reach
    _next_ip: int = 1
    stack: ExitStack = field(default_factory=ExitStack)

    def server(self, host: str | None = None):
        if host is None:
            host = f"127.0.1.{self._next_ip}"
            self._next_ip += 1
        return self.stack.enter_context(serve(host))

    def source(self, name: str, site, feed: bytes, content_type: str = RSS_CT, path: str = "/feed") -> str:
        url = site.add(path, feed, content_type=content_type)
        self.sources.append((name, url))
        return url


def slug(name: str) -> str:
    return slugify(name)


# --- healthy sources ------------------------------------------------------------------------------


def build_healthy(w: World) -> None:
    for name, host in (("Healthy A", "127.0.0.1"), ("Healthy B", "127.0.0.3")):
        site = w.server(host)
        w.sites[name] = site
        links = [(f"{name} story {i}", site.add(f"/news/{i}", page(f"{name} story {i}"))) for i in range(5)]
        w.healthy_pages += [link for _, link in links]
        url = site.add("/feed", rss(links), content_type=RSS_CT)
        w.healthy.append((name, url))
        # a page on the healthy host that no feed on another host may make us fetch
        site.add("/secret", article_html("Internal admin", [SECRET + " " + p for p in prose("secret")]))


# --- HTTP faults ------------------------------------------------------------------------------------


def build_http(w: World) -> None:
    def page_fault(name: str, handler=None, body: bytes | None = None, content_type: str | None = None, **expect):
        site = w.server()
        if handler is not None:
            url = site.add("/story", handler=handler)
            w.handlers[name] = handler
        else:
            url = site.add("/story", body or b"", content_type=content_type)
        w.source(f"HTTP {name}", site, rss([(name, url)]))
        w.cases.append(Case(f"http-{name}", url, "page", **expect))
        return site, url

    site = w.server()
    for status in (404, 410):
        url = site.add(f"/story-{status}", b"no such page", status=status, content_type="text/html")
        w.cases.append(Case(f"http-{status}", url, "page", f"HTTP {status}", status=status, attempts=1))
    w.source("HTTP 4xx", site, rss([("a", f"{site.base}/story-404"), ("b", f"{site.base}/story-410")]))

    good = lambda title: page(title)  # noqa: E731
    page_fault(
        "429-retry-after-then-ok",
        status_then([429], good("Rate limited then fine"), extra={"Retry-After": "1"}),
        error=None,
        status=200,
        loaded=True,
        attempts=2,
    )
    page_fault(
        "429-retry-after-too-long",
        status_then([429] * 9, b"", extra={"Retry-After": "3600"}),
        error="Retry-After 3600s is over the 5s limit",
        status=429,
        attempts=1,
    )
    page_fault(
        "500-then-ok",
        status_then([500], good("Server error then fine")),
        error=None,
        status=200,
        loaded=True,
        attempts=2,
    )
    page_fault(
        "503-twice-then-ok",
        status_then([503, 503], good("Unavailable twice then fine")),
        error=None,
        status=200,
        loaded=True,
        attempts=3,
    )
    page_fault("503-always", status_then([503] * 99, b""), error="HTTP 503 after 3 attempts", status=503, attempts=3)
    page_fault(
        "connection-reset", reset_connection, error="connection error: connection reset", status=None, attempts=3
    )
    page_fault("reset-mid-body", reset_mid_body, error="connection error: body cut off", status=200)
    page_fault("never-answers", never_answer, error="timeout: no response in 1.5s", status=None)
    page_fault("drip-1-byte-per-second", drip(1.0), error="timeout: over 3s total", status=200)
    page_fault("empty-200", body=b"", content_type="text/html", error="unparseable HTML: Document is empty", status=200)
    page_fault(
        "pdf-as-article",
        body=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
        content_type="application/pdf",
        error="not text: application/pdf",
        status=200,
    )
    page_fault(
        "png-as-article",
        body=b"\x89PNG\r\n\x1a\n" + bytes(200),
        content_type="image/png",
        error="not text: image/png",
        status=200,
    )
    page_fault(
        "50mb-declared",
        huge(50 * 1024 * 1024, declare_length=True),
        error=f"too large: over {MAX_BYTES} bytes",
        status=200,
    )
    page_fault(
        "50mb-streamed",
        huge(50 * 1024 * 1024, declare_length=False),
        error=f"too large: over {MAX_BYTES} bytes",
        status=200,
        check=lambda w: _assert_streamed(w.handlers["50mb-streamed"]),
    )
    page_fault("gzip-bomb", gzip_bomb(), error=f"too large: over {MAX_BYTES} bytes", status=200)
    page_fault("bad-gzip", _bad_gzip, error="bad content-encoding", status=200)
    page_fault("unknown-encoding", _brotli_claimed, error="unsupported content-encoding: br", status=200)

    # redirects: the chain is followed by hand, every hop checked
    site = w.server()
    loop_a = site.add("/loop-a", handler=redirect("/loop-b"))
    site.add("/loop-b", handler=redirect("/loop-a"))
    for i in range(8):
        site.add(f"/chain-{i}", handler=redirect(f"/chain-{i + 1}"))
    ftp = site.add("/to-ftp", handler=redirect("ftp://127.0.0.1/pub/file.html"))
    to_file = site.add("/to-file", handler=redirect("file:///etc/passwd"))
    ok_target = site.add("/moved-here", page("Moved permanently and fine"))
    moved = site.add("/moved", handler=redirect("/moved-here", 301))
    chain = f"{site.base}/chain-0"
    w.source("HTTP redirects", site, rss([("l", loop_a), ("c", chain), ("f", ftp), ("x", to_file), ("m", moved)]))
    w.cases += [
        Case("redirect-loop", loop_a, "page", "redirect loop", status=302),
        Case("redirect-chain-too-long", chain, "page", "too many redirects (over 5)", status=302),
        Case("redirect-to-ftp", ftp, "page", "refused: scheme 'ftp' is not http/https", status=302),
        Case("redirect-to-file", to_file, "page", "refused: scheme 'file' is not http/https", status=302),
        Case(
            "redirect-301-ok",
            moved,
            "page",
            None,
            status=200,
            loaded=True,
            check=lambda w: _assert_final_url(w, moved, ok_target),
        ),
    ]

    # connect timeout: a listener whose accept queue is full (SYNs are never answered). Another port of the
    # feed's host is not trusted (host AND port), so this one is allowed explicitly, as an operator would.
    site = w.server()
    base = w.stack.enter_context(unaccepting_listener(_host(site)))
    url = f"{base}/story"
    w.allow_private.append(origin(url))
    w.source("HTTP connect timeout", site, rss([("t", url)]))
    w.cases.append(
        Case(
            "connect-timeout", url, "page", "timeout: could not connect in 1s after 3 attempts", status=None, attempts=3
        )
    )

    # connection refused: nothing listens on that port (same host as the feed)
    site = w.server()
    closed = _closed_port(_host(site))
    url = f"http://{_host(site)}:{closed}/story"
    w.allow_private.append(origin(url))
    w.source("HTTP refused", site, rss([("r", url)]))
    w.cases.append(
        Case("connection-refused", url, "page", "connection error: connection refused", status=None, attempts=3)
    )

    # the same faults on the feed itself
    for name, handler, error in (
        ("feed-404", None, "HTTP 404"),
        ("feed-never-answers", never_answer, "timeout: no response"),
        ("feed-gzip-bomb", gzip_bomb(content_type="application/rss+xml"), "too large"),
        ("feed-50mb", huge(50 * 1024 * 1024, declare_length=False), "too large"),
        ("feed-500-always", status_then([500] * 99, b""), "HTTP 500 after 3 attempts"),
        ("feed-redirect-loop", redirect("/feed"), "redirect loop"),
        ("feed-pdf", None, None),
    ):
        site = w.server()
        if name == "feed-404":
            url = f"{site.base}/feed"
        elif name == "feed-pdf":
            url = site.add("/feed", b"%PDF-1.4\n" + bytes(100), content_type="application/pdf")
            error = "not a feed"
        else:
            url = site.add("/feed", handler=handler)
        w.sources.append((f"HTTP {name}", url))
        w.cases.append(Case(name, url, "feed", error))


def _bad_gzip(h) -> None:
    body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"this is not deflate data at all" * 10
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _brotli_claimed(h) -> None:
    body = b"\x0b\x02\x80hello\x03"
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Encoding", "br")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _host(site) -> str:
    return site.base.split("//", 1)[1].rsplit(":", 1)[0]


def _closed_port(host: str) -> int:
    import socket

    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _assert_streamed(handler) -> None:
    # the client stopped reading soon after the cap: the server never got near 50 MB out
    assert handler.sent < 16 * 1024 * 1024, handler.sent


def _assert_final_url(w: World, url: str, target: str) -> None:
    [(final,)] = query(w.db, "SELECT final_url FROM fetches WHERE url = ? AND kind = 'page'", [url])
    assert final == target


# --- feeds ----------------------------------------------------------------------------------------------


def build_feeds(w: World, secret_file) -> None:
    def variant(
        name: str, make: Callable[[object, list[str]], bytes], n_pages: int = 2, content_type: str = RSS_CT, **expect
    ) -> FeedCase:
        site = w.server()
        links = [site.add(f"/a/{slug(name)}-{i}", page(f"{name} article {i}")) for i in range(n_pages)]
        body = make(site, links)
        url = w.source(f"Feed {name}", site, body, content_type=content_type)
        case = FeedCase(name, slug(f"Feed {name}"), url, **expect)
        w.feeds.append(case)
        w.sites[name] = site
        return case

    date = "Fri, 31 May 2024 09:00:00 +0000"
    iso = "2024-05-31T09:00:00Z"

    def items(links, tpl):
        return "".join(tpl.format(i=i, link=l, date=date, iso=iso) for i, l in enumerate(links))

    variant("rss20", lambda s, l: rss([(f"t{i}", x) for i, x in enumerate(l)]), items=2, articles=2)
    variant(
        "rss091",
        lambda s, l: (
            '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            f'"{s.base}/rss-0.91.dtd"><rss version="0.91"><channel><title>x</title><link>{s.base}/</link>'
            "<description>d</description><language>en-us</language>"
            + items(l, "<item><title>t{i}</title><link>{link}</link><description>d</description></item>")
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
        check=lambda w: _assert_not_requested(w, "rss091", "/rss-0.91.dtd"),
    )
    variant(
        "rss10-rdf",
        lambda s, l: (
            '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="{s.base}/"><title>x</title><link>{s.base}/</link><description>d</description></channel>'
            + items(l, '<item rdf:about="{link}"><title>t{i}</title><link>{link}</link><dc:date>{iso}</dc:date></item>')
            + "</rdf:RDF>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "atom10",
        lambda s, l: (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
            f"<id>urn:x</id><updated>{iso}</updated>"
            + items(
                l,
                '<entry><title>t{i}</title><link rel="alternate" href="{link}"/><id>urn:{i}</id>'
                "<updated>{iso}</updated></entry>",
            )
            + "</feed>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "atom03",
        lambda s, l: (
            '<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
            f"<title>x</title><modified>{iso}</modified>"
            + items(
                l,
                '<entry><title>t{i}</title><link rel="alternate" type="text/html" href="{link}"/>'
                "<id>urn:{i}</id><issued>{iso}</issued><modified>{iso}</modified></entry>",
            )
            + "</feed>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "atom-xml-base-relative",
        lambda s, l: (
            f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="{s.base}/a/"><title>x</title>'
            + "".join(
                f'<entry><title>t{i}</title><link href="{x.rsplit("/", 1)[1]}"/><id>urn:{i}</id>'
                f"<updated>{iso}</updated></entry>"
                for i, x in enumerate(l)
            )
            + "</feed>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "json-feed-1.1",
        lambda s, l: json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "x",
                "items": [
                    {"id": str(i), "url": x, "title": f"t{i}", "date_published": "2024-05-31T09:00:00+05:30"}
                    for i, x in enumerate(l)
                ],
            }
        ).encode(),
        content_type="application/feed+json",
        items=2,
        articles=2,
    )
    variant(
        "json-feed-odd-items",
        lambda s, l: json.dumps(
            {
                "version": "https://jsonfeed.org/version/1",
                "items": [
                    None,
                    5,
                    "x",
                    {"id": "no-url"},
                    {"url": "javascript:alert(1)"},
                    {"url": l[0], "date_published": 17},
                    {"external_url": l[1], "title": ["not", "a", "string"], "date_published": "yesterday"},
                    {"url": "http://h:99999/x"},
                    {"url": {"nested": 1}},
                ],
            }
        ).encode(),
        content_type="application/json",
        items=2,
        articles=2,
    )
    variant(
        "json-feed-broken",
        lambda s, l: b'{"version": "https://jsonfeed.org/version/1", "items": [{"url": ',
        content_type="application/json",
        error="malformed JSON feed",
        items=0,
        articles=0,
    )
    variant(
        "json-feed-no-items",
        lambda s, l: b'{"version": "1", "items": {"a": 1}}',
        content_type="application/json",
        error="no items list",
        items=0,
        articles=0,
    )
    variant(
        "broken-xml-truncated",
        lambda s, l: rss([(f"t{i}", x) for i, x in enumerate(l)])[:-60],
        items=2,
        articles=2,
        note="malformed feed",
    )
    variant(
        "broken-xml-unclosed-tags",
        lambda s, l: (
            '<rss version="2.0"><channel><title>x'
            + items(l, "<item><title>t{i}<link>{link}</link><pubDate>{date}</pubDate></item>")
            + "<item><title>"
        ).encode(),
        error="feed lists no items (<unknown>",
        items=0,
        articles=0,
    )
    variant(
        "wrong-encoding-declared",
        lambda s, l: (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
            + items(l, "<item><title>Caf\u00e9 d\u00e9j\u00e0 {i}</title><link>{link}</link></item>")
            + "</channel></rss>"
        ).encode("latin-1"),
        items=2,
        articles=2,
    )
    variant(
        "windows-1251",
        lambda s, l: (
            '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>x</title>'
            + items(l, "<item><title>Москва {i}</title><link>{link}</link></item>")
            + "</channel></rss>"
        ).encode("cp1251"),
        content_type="application/rss+xml",
        items=2,
        articles=2,
        check=lambda w: _assert_feed_titles(w, "windows-1251", "Москва"),
    )
    variant(
        "shift-jis",
        lambda s, l: (
            '<?xml version="1.0" encoding="Shift_JIS"?><rss version="2.0"><channel><title>x</title>'
            + items(l, "<item><title>防衛省 {i}</title><link>{link}</link></item>")
            + "</channel></rss>"
        ).encode("shift_jis"),
        content_type="text/xml",
        items=2,
        articles=2,
        check=lambda w: _assert_feed_titles(w, "shift-jis", "防衛省"),
    )
    variant(
        "utf16-bom",
        lambda s, l: (
            '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>x</title>'
            + items(l, "<item><title>Ünïcödé {i}</title><link>{link}</link></item>")
            + "</channel></rss>"
        ).encode("utf-16"),
        content_type="application/xml",
        items=2,
        articles=2,
    )
    variant(
        "utf8-bom-and-whitespace",
        lambda s, l: b"\xef\xbb\xbf\n\n  " + rss([(f"t{i}", x) for i, x in enumerate(l)]),
        items=2,
        articles=2,
    )
    variant(
        "html-entities",
        lambda s, l: (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + items(l, "<item><title>Caf&eacute; &amp; bar&nbsp;&#8212; &#x263A; {i}</title><link>{link}</link></item>")
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "cdata",
        lambda s, l: (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + items(
                l,
                "<item><title><![CDATA[<b>Bold</b> & co {i}]]></title><link><![CDATA[{link}]]></link>"
                "<description><![CDATA[<script>alert(1)</script>]]></description></item>",
            )
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "relative-links",
        lambda s, l: (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + "".join(f"<item><title>t{i}</title><link>{x.split(s.base, 1)[1]}</link></item>" for i, x in enumerate(l))
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "guid-permalink-only",
        lambda s, l: (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + items(l, '<item><title>t{i}</title><guid isPermaLink="true">{link}</guid></item>')
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "missing-dates",
        lambda s, l: (
            '<rss version="2.0"><channel><title>x</title>'
            + items(l, "<item><title>t{i}</title><link>{link}</link></item>")
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "absurd-dates",
        lambda s, l: (
            '<rss version="2.0"><channel><title>x</title>'
            + "".join(
                f"<item><title>t{i}</title><link>{x}</link><pubDate>{d}</pubDate></item>"
                for i, (x, d) in enumerate(
                    zip(
                        l,
                        [
                            "Mon, 01 Jan 1900 00:00:00 GMT",
                            "Fri, 31 Dec 9999 23:59:59 +9999",
                            "yesterday-ish",
                            "0000-00-00T00:00:00",
                        ],
                    )
                )
            )
            + "</channel></rss>"
        ).encode(),
        n_pages=4,
        items=4,
        articles=4,
        check=lambda w: _assert_no_absurd_dates(w, "absurd-dates"),
    )
    variant(
        "duplicates-and-tracking",
        lambda s, l: rss(
            [("a", l[0]), ("a again", l[0]), ("a tracked", l[0] + "?utm_source=rss&fbclid=x"), ("b", l[1] + "#frag")]
        ),
        items=2,
        articles=2,
    )
    variant(
        "hostile-links",
        lambda s, l: rss(
            [
                ("js", "javascript:alert(1)"),
                ("mail", "mailto:a@b.c"),
                ("data", "data:text/html,<h1>x</h1>"),
                ("port", "http://h:99999/x"),
                ("port2", f"{s.base.rsplit(':', 1)[0]}:abc/x"),
                ("v6", "http://[::1/x"),
                ("empty", ""),
                ("spaces", "   "),
                ("ok", l[0]),
                ("ok2", l[1]),
            ]
        ),
        items=2,
        articles=2,
        note="skipped",
    )
    variant(
        "long-fields", lambda s, l: rss([("T" * 200_000, l[0]), ("t", l[1] + "?q=" + "x" * 3000)]), items=2, articles=2
    )
    variant(
        "control-characters",
        lambda s, l: (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + items(l, "<item><title>bad\x00\x0b\x1b chars {i}</title><link>{link}</link></item>")
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(
        "content-encoded-namespaces",
        lambda s, l: (
            '<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="/style.xsl"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:media="http://search.yahoo.com/mrss/" xmlns:unknown="urn:x"><channel><title>x</title>'
            + items(
                l,
                "<item><title>t{i}</title><link>{link}</link><content:encoded><![CDATA[<p>hi</p>]]>"
                '</content:encoded><media:content url="http://127.0.0.1:1/img.jpg"/><unknown:x a="b"/></item>',
            )
            + "</channel></rss>"
        ).encode(),
        items=2,
        articles=2,
    )
    variant(  # a quiet outlet: read fine, nothing listed; a note, not a failed source
        "no-items",
        lambda s, l: b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
        n_pages=0,
        note="feed lists no items",
        items=0,
        articles=0,
    )
    variant(
        "json-feed-empty-items",
        lambda s, l: b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}',
        n_pages=0,
        content_type="application/feed+json",
        note="feed lists no items",
        items=0,
        articles=0,
    )
    variant(
        "html-page-as-feed",
        lambda s, l: article_html("Not a feed", prose("nf")).encode(),
        content_type="text/html; charset=utf-8",
        n_pages=0,
        error="not a feed",
        items=0,
        articles=0,
    )
    variant(  # a homepage given as feed_url: the feed its <link rel="alternate"> names is read instead
        "html-page-naming-its-feed",
        lambda s, l: (
            "<html><head><link rel='stylesheet' href='/s.css'><link rel='alternate' type='application/rss+xml'"
            f" href='{s.add('/feeds/named.xml', rss([(f't{i}', x) for i, x in enumerate(l)]), content_type=RSS_CT)}'>"
            "</head><body><p>Home</p></body></html>"
        ).encode(),
        content_type="text/html; charset=utf-8",
        note="an HTML page, not a feed; it names the feed http://",
        items=2,
        articles=2,
    )
    variant("empty-body", lambda s, l: b"", n_pages=0, error="empty feed body", items=0, articles=0)
    variant("whitespace-body", lambda s, l: b"\n \r\n\t ", n_pages=0, error="empty feed body", items=0, articles=0)
    variant(
        "binary-garbage",
        lambda s, l: bytes(range(256)) * 20,
        content_type="application/rss+xml",
        n_pages=0,
        error="not a feed",
        items=0,
        articles=0,
    )
    variant("gzipped-feed", lambda s, l: rss([(f"t{i}", x) for i, x in enumerate(l)]), items=2, articles=2)
    gz = w.feeds[-1]  # serve it with Content-Encoding: gzip instead
    site = w.sites["gzipped-feed"]
    site.routes["/feed"].body = gzip.compress(site.routes["/feed"].body)
    site.routes["/feed"].headers = {**site.routes["/feed"].headers, "Content-Encoding": "gzip"}
    assert gz.name == "gzipped-feed"

    def ten_thousand(s, links):
        for i in range(3):  # the first items exist; the rest are 404s (capped by max_per_source)
            s.add(f"/big/{i}", page(f"Big feed article {i}"))
        return rss([(f"item {i}", f"{s.base}/big/{i}") for i in range(10_000)])

    variant(
        "10000-items",
        ten_thousand,
        n_pages=0,
        items=MAX_FEED_ITEMS,
        note=f"only the first {MAX_FEED_ITEMS} of 10000 items",
        articles=3,
    )

    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + ']><rss version="2.0"><channel><title>&lol9;</title>'
        + "<item><title>&lol9;</title><link>{link}</link></item></channel></rss>"
    )
    variant(
        "billion-laughs",
        lambda s, l: laughs.replace("{link}", l[0]).encode(),
        n_pages=1,
        error="refused: feed declares XML entities",
        items=0,
        articles=0,
    )
    variant(
        "xxe-file",
        lambda s, l: (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
            f'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title><link>{l[0]}</link>'
            "<description>&xxe;</description></item></channel></rss>"
        ).encode(),
        n_pages=1,
        error="refused: feed declares XML entities",
        items=0,
        articles=0,
    )
    variant(
        "xxe-parameter-entity-remote-dtd",
        lambda s, l: (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % ext SYSTEM "{s.base}/evil.dtd"> %ext;]>'
            f'<rss version="2.0"><channel><title>x</title><item><title>t</title><link>{l[0]}</link></item>'
            "</channel></rss>"
        ).encode(),
        n_pages=1,
        error="refused: feed declares XML entities",
        items=0,
        articles=0,
        check=lambda w: _assert_not_requested(w, "xxe-parameter-entity-remote-dtd", "/evil.dtd"),
    )
    variant(
        "xxe-lowercase-doctype",
        lambda s, l: (
            f'<?xml version="1.0"?><!doctype rss [<!entity xxe system "file://{secret_file}">]>'
            f'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title><link>{l[0]}</link>'
            "</item></channel></rss>"
        ).encode(),
        n_pages=1,
        error="refused",
        items=0,
        articles=0,
    )
    variant(
        "xxe-utf16",
        lambda s, l: (
            f'<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
            f'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title><link>{l[0]}</link>'
            "</item></channel></rss>"
        ).encode("utf-16"),
        n_pages=1,
        error="refused",
        items=0,
        articles=0,
    )


def _assert_not_requested(w: World, name: str, path: str) -> None:
    assert path not in [p.split("?", 1)[0] for p, _ in w.sites[name].requests]


def _assert_feed_titles(w: World, name: str, word: str) -> None:
    titles = [t for (t,) in query(w.db, "SELECT title FROM feed_items WHERE source_id = ?", [slug(f"Feed {name}")])]
    assert titles and all(word in t for t in titles), titles


def _assert_no_absurd_dates(w: World, name: str) -> None:
    dates = [
        d for (d,) in query(w.db, "SELECT published_at FROM feed_items WHERE source_id = ?", [slug(f"Feed {name}")])
    ]
    assert all(d is None or 1995 <= d.year <= 2100 for d in dates), dates


# --- pages -------------------------------------------------------------------------------------------------

ENCODED_PAGES = [
    # name, python codec, header charset (None: not in header), meta charset, text that must come out right
    ("gb2312", "gb2312", "gb2312", "gb2312", "北京香山论坛开幕，中国国防部长发表讲话"),
    ("gbk", "gbk", None, "gbk", "香山论坛讨论南海问题与亚太安全"),
    ("big5", "big5", "big5", None, "北京香山論壇開幕，國防部長發表講話"),
    ("shift-jis", "shift_jis", None, "shift_jis", "シャングリラ会合で防衛相が演説した"),
    ("windows-1251", "cp1251", "windows-1251", "windows-1251", "Мюнхенская конференция по безопасности открылась"),
    ("windows-1252", "cp1252", "windows-1252", None, "Café déjà vu – “Raisina” résumé €5"),
    ("utf8-bom", "utf-8-sig", None, None, "Zürich Ölpreis naïve coöperation — “quoted”"),
    ("wrong-meta-latin1-but-utf8", "utf-8", None, "iso-8859-1", "Ярослав Шанхай 上海合作组织 ü"),
    ("wrong-meta-utf8-but-1251", "cp1251", None, "utf-8", "Военно-морские учения в Японском море"),
    ("header-says-utf8-body-gbk", "gbk", "utf-8", None, "中俄两国海军举行联合演习"),
]


def build_pages(w: World) -> None:
    site = w.server()
    links = []
    for name, codec, header, meta, phrase in ENCODED_PAGES:
        paras = [
            f"{phrase}。{phrase}，{p[:80]}" if codec in ("gb2312", "gbk", "big5", "shift_jis") else f"{phrase}. {p}"
            for p in prose(name)
        ]
        if codec in ("gb2312", "gbk", "big5", "shift_jis"):  # long native paragraphs so detection has data
            paras = [f"{phrase}。" * 6 + p[:60] for p in prose(name)]
        html = article_html(f"Page {name}", paras, charset=meta)
        ctype = f"text/html; charset={header}" if header else "text/html"
        url = site.add(f"/enc/{name}", html.encode(codec), content_type=ctype)
        links.append((name, url))
        w.texts[url] = [phrase]
        w.cases.append(Case(f"encoding-{name}", url, "page", None, status=200, loaded=True))

    nothing = site.add("/no-article", b"<html><body><nav><a href='/'>Home</a> <a href='/x'>X</a></nav></body></html>")
    w.cases.append(Case("no-article", nothing, "page", "no article text found (only 2 words)", status=200))
    nest = 500
    bomb = (
        "<html><body>" + "<div>" * nest + "<p>" + " ".join(prose("nest")) + "</p>" + "</div>" * nest + "</body></html>"
    ).encode()
    deep = site.add("/nesting-bomb", bomb)
    w.cases.append(Case("nesting-bomb-500", deep, "page", "any", status=200))
    deeper = site.add(
        "/nesting-bomb-50000", ("<html><body>" + "<span><div>" * 25_000 + "x" + "</body></html>").encode()
    )
    w.cases.append(Case("nesting-bomb-50000", deeper, "page", "any", status=200))
    plain = site.add("/plain.txt", "\n\n".join(prose("plain")).encode(), content_type="text/plain; charset=utf-8")
    w.cases.append(Case("text-plain", plain, "page", None, status=200, loaded=True))
    jsonp = site.add("/data.json", json.dumps({"k": prose("json")}).encode(), content_type="application/json")
    w.cases.append(Case("json-as-article", jsonp, "page", "not text: application/json", status=200))
    binary = site.add("/binary.html", bytes(range(256)) * 100, content_type="text/html")
    w.cases.append(Case("binary-as-html", binary, "page", "not text: binary content", status=200))
    null_html = site.add("/nul.html", page("Nul bytes page").replace(b"<p>", b"<p>\x00", 3))
    w.cases.append(Case("nul-bytes-in-html", null_html, "page", None, status=200, loaded=True))
    links += [("n", nothing), ("d", deep), ("dd", deeper), ("p", plain), ("j", jsonp), ("b", binary), ("z", null_html)]
    w.source("Odd pages", site, rss(links))


# --- addresses -----------------------------------------------------------------------------------------------


def build_addresses(w: World) -> None:
    """A feed on 127.0.0.2 links to other loopback/private addresses: all refused, none contacted."""
    a = w.sites["Healthy A"]
    port = a.base.rsplit(":", 1)[1]
    site = w.server("127.0.0.2")
    w.sites["attacker"] = site
    targets = {
        "loopback-127.0.0.1": (f"http://127.0.0.1:{port}/secret", "refused: 127.0.0.1 is a loopback address"),
        "localhost-name": (f"http://localhost:{port}/secret", "refused: localhost resolves to 127.0.0.1"),
        "LOCALHOST-dot": (f"http://LOCALHOST.:{port}/secret?v=dot", "refused: localhost resolves to 127.0.0.1"),
        "metadata-169.254.169.254": ("http://169.254.169.254/latest/meta-data/", "link-local address"),
        "private-10.0.0.1": ("http://10.0.0.1/admin", "refused: 10.0.0.1 is a private address"),
        "private-192.168.1.1": ("http://192.168.1.1:8080/", "private address"),
        "ipv6-loopback": (f"http://[::1]:{port}/secret", "refused: ::1 is a loopback address"),
        "ipv4-mapped-ipv6": (f"http://[::ffff:127.0.0.1]:{port}/secret", "loopback"),
        "decimal-ip": (f"http://2130706433:{port}/secret", "loopback"),
        "hex-ip": (f"http://0x7f.0.0.1:{port}/secret", "loopback"),
        "unspecified-0.0.0.0": (f"http://0.0.0.0:{port}/secret", "unspecified"),
        "redirect-to-loopback": (
            site.add("/hop-loopback", handler=redirect(f"http://127.0.0.1:{port}/secret")),
            f"redirect to http://127.0.0.1:{port}/secret: refused",
        ),
        "redirect-to-localhost": (
            site.add("/hop-localhost", handler=redirect(f"http://localhost:{port}/secret")),
            "refused: localhost resolves to 127.0.0.1",
        ),
        "redirect-to-metadata": (
            site.add("/hop-metadata", handler=redirect("http://169.254.169.254/latest/")),
            "link-local",
        ),
        "redirect-to-file": (site.add("/hop-file", handler=redirect("file:///etc/passwd")), "scheme 'file'"),
    }
    same_host = site.add("/same-host-ok", page("Attacker host own page"))
    links = [(k, u) for k, (u, _) in targets.items()] + [("file", "file:///etc/passwd"), ("own", same_host)]
    feed = w.source("Attacker feed", site, rss(links))
    for name, (url, error) in targets.items():
        w.cases.append(
            Case(
                f"address-{name}",
                canonical_url(url),
                "page",
                error,
                status=302 if name.startswith("redirect") else None,
            )
        )
    w.cases.append(Case("address-same-host-allowed", same_host, "page", None, status=200, loaded=True))
    w.feeds.append(FeedCase("attacker-file-link", "attacker-feed", feed, note="etc/passwd", items=len(targets) + 1))

    # a source configured on localhost works: the same-host rule exempts the feed's own host
    local = w.server("127.0.0.1")
    lport = local.base.rsplit(":", 1)[1]
    pages = [local.add(f"/local/{i}", page(f"Localhost source story {i}")) for i in range(2)]
    lpages = [p.replace("127.0.0.1", "localhost") for p in pages]
    w.sources.append(
        (
            "Localhost source",
            local.add("/feed", rss([(f"l{i}", p) for i, p in enumerate(lpages)]), content_type=RSS_CT).replace(
                "127.0.0.1", "localhost"
            ),
        )
    )
    for p in lpages:
        w.cases.append(Case("localhost-source-allowed", p, "page", None, status=200, loaded=True))
    assert lport


# --- the runs -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory, fault_env, prefect_harness):
    tmp = tmp_path_factory.mktemp("faults")
    secret_file = tmp / "secret.txt"
    secret_file.write_text(XXE_SECRET + "\n")
    w = World(db=str(tmp / "fw.duckdb"))
    with w.stack:
        build_healthy(w)
        build_http(w)
        build_feeds(w, secret_file)
        build_pages(w)
        build_addresses(w)
        # baseline: the healthy sources alone
        base = ingest(sources=str(write_sources(tmp / "healthy.csv", w.healthy)), db=w.db, return_state=True)
        assert base.is_completed(), base.message
        w.baseline = content_snapshot(w.db)
        w.baseline_rows = query(w.db, "SELECT * FROM articles ORDER BY url")
        assert len(w.baseline_rows) == len(w.healthy_pages)
        # the fault run: everything, healthy sources among the hostile ones
        everything = w.healthy + w.sources
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("FORUMWATCH_ALLOW_PRIVATE_HOSTS", ",".join(w.allow_private))
            w.state = ingest(
                sources=str(write_sources(tmp / "all.csv", everything)),
                db=w.db,
                max_per_source=MAX_PER_SOURCE,
                return_state=True,
            )
        # the checks below share one read-only connection
        w.db_path, w.db = w.db, duckdb.connect(w.db, read_only=True)
        try:
            yield w
        finally:
            w.db.close()


def test_run_completes_and_counts_every_source(world):
    # the healthy sources loaded and hostile ones failed: a completed run with a partial outcome
    assert world.state.is_completed() and world.state.name == "Partial", world.state.message
    [(status, n_sources)] = query(world.db, "SELECT status, n_sources FROM runs ORDER BY started_at DESC LIMIT 1")
    assert status == "partial" and n_sources == len(world.healthy) + len(world.sources)


def test_healthy_sources_load_fully_and_nothing_loaded_before_changed(world):
    urls = set(u for (u,) in query(world.db, "SELECT url FROM articles"))
    assert set(world.healthy_pages) <= urls
    after = [row for row in query(world.db, "SELECT * FROM articles ORDER BY url") if row[1] in world.healthy_pages]
    assert after == world.baseline_rows
    now = content_snapshot(world.db)
    for table, rows in world.baseline.items():
        assert set(rows) <= set(now[table]), table


def test_every_tried_url_has_a_fetch_row(world):
    missing = query(
        world.db,
        """SELECT fi.url FROM feed_items fi
                                 WHERE fi.url NOT IN (SELECT url FROM fetches WHERE kind = 'page')
                                 AND fi.source_id NOT IN ('feed-10000-items')""",
    )
    assert missing == []


@pytest.mark.parametrize(
    "category", ["http", "redirect", "connect", "connection", "feed", "encoding", "page", "address", "localhost"]
)
def test_faults_by_category(world, category):
    """Every case of a category; all failures of the category are reported together."""
    cases = [c for c in world.cases if _category(c.name) == category]
    assert cases
    failures = []
    for case in cases:
        try:
            check_case(world, case)
        except AssertionError as exc:
            failures.append(f"{case.name}: {exc}")
    assert not failures, "\n".join(failures)


def _category(name: str) -> str:
    head = name.split("-", 1)[0]
    return "page" if head in ("no", "nesting", "text", "json", "binary", "nul") else head


def check_case(w: World, case: Case) -> None:
    rows = query(
        w.db,
        """SELECT status, error, attempts, bytes FROM fetches
                          WHERE url = ? AND kind = ? AND run_id = (SELECT run_id FROM runs ORDER BY started_at DESC
                          LIMIT 1)""",
        [case.url, case.kind],
    )
    assert len(rows) == 1, f"expected one fetch row for {case.url}, got {rows}"
    status, error, attempts, n_bytes = rows[0]
    if case.error is None:
        assert error is None, f"unexpected error {error!r}"
    elif case.error != "any":
        assert error and case.error in error, f"error {error!r} lacks {case.error!r}"
    if case.status != "any":
        assert status == case.status, f"status {status} != {case.status}"
    if case.attempts is not None:
        assert attempts == case.attempts, f"attempts {attempts} != {case.attempts}"
    assert n_bytes is None or n_bytes <= MAX_BYTES
    if case.kind == "page":
        loaded = query(w.db, "SELECT text FROM articles WHERE url = ?", [case.url])
        if case.loaded:
            assert loaded, "no article loaded"
        elif case.error not in (None, "any"):
            assert not loaded, "an article was loaded from a failed fetch"
        for phrase in w.texts.get(case.url, []):
            assert loaded and phrase in loaded[0][0], f"{phrase!r} not in {loaded[0][0][:200]!r}" if loaded else "none"
    if case.check:
        case.check(w)


def test_feed_variants(world):
    failures = []
    for feed in world.feeds:
        try:
            check_feed(world, feed)
        except AssertionError as exc:
            failures.append(f"{feed.name}: {exc}")
    assert not failures, "\n".join(failures)
    assert len(world.feeds) >= 30


def check_feed(w: World, f: FeedCase) -> None:
    rows = query(
        w.db,
        """SELECT status, error, note FROM fetches WHERE url = ? AND kind = 'feed'
                          AND run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)""",
        [f.feed_url],
    )
    assert len(rows) == 1, rows
    status, error, note = rows[0]
    if f.error is None:
        assert error is None, f"unexpected error {error!r} (note {note!r})"
    else:
        assert error and f.error in error, f"error {error!r} lacks {f.error!r}"
    if f.note is not None:
        assert note and f.note in note, f"note {note!r} lacks {f.note!r}"
    if f.items is not None:
        [(n,)] = query(w.db, "SELECT count(*) FROM feed_items WHERE source_id = ?", [f.source_id])
        assert n == f.items, f"{n} feed items, expected {f.items}"
    if f.articles is not None:
        [(n,)] = query(w.db, "SELECT count(*) FROM articles WHERE source_id = ?", [f.source_id])
        assert n == f.articles, f"{n} articles, expected {f.articles}"
    if f.check:
        f.check(w)


def test_no_private_address_was_contacted(world):
    secret_hits = [p for p, _ in world.sites["Healthy A"].requests if p.startswith("/secret")]
    assert secret_hits == []
    assert SECRET not in all_text(world.db)


def test_xxe_and_entity_expansion_never_reach_the_database(world):
    text = all_text(world.db)
    assert XXE_SECRET not in text
    assert "lollollol" not in text
