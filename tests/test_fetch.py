"""fetch: the HTTP client against real local servers (pytest-httpserver and raw sockets)."""

from __future__ import annotations

import gzip
import re
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from forumwatch.settings import USER_AGENT, FetchSettings
from forumwatch.tasks.fetch import FetchRequest, FetchResult, fetch_all, is_text_type, parse_retry_after
from forumwatch.tasks.warc import iter_responses

FAST = FetchSettings(
    connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, retries=2, backoff_base=0.01,
    max_retry_after=2.0, crawl_delay=0.0, per_host_concurrency=4, max_workers=8, respect_robots=False,
)  # fmt: skip
HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def _server() -> Iterator[HTTPServer]:
    server = HTTPServer(host=HOST, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def srv(_server: HTTPServer) -> Iterator[HTTPServer]:
    _server.clear()
    yield _server
    _server.clear()


def req(url: str, kind: str = "page", **kw: object) -> FetchRequest:
    return FetchRequest(url, "src", kind, trusted_host=kw.pop("trusted_host", HOST), **kw)  # type: ignore[arg-type]


def one(url: str, settings: FetchSettings = FAST, warc_dir: Path | None = None, **kw: object) -> FetchResult:
    [result] = fetch_all([req(url, **kw)], settings, warc_dir, "test")
    return result


class RawServer:
    """A socket server that answers every connection with `handler(conn)` (for misbehaving peers)."""

    def __init__(self, handler) -> None:  # type: ignore[no-untyped-def]
        self.sock = socket.create_server((HOST, 0))
        self.port = self.sock.getsockname()[1]
        self.handler = handler
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            self.handler(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def drip(data: bytes, interval: float, stop_after: float = 10.0):  # type: ignore[no-untyped-def]
    def handler(conn: socket.socket) -> None:
        end = time.monotonic() + stop_after
        for i in range(len(data)):
            if time.monotonic() > end:
                return
            conn.sendall(data[i : i + 1])
            time.sleep(interval)

    return handler


# --- basics -------------------------------------------------------------------------------


def test_ok_page_with_user_agent_and_archive(srv: HTTPServer, tmp_path: Path) -> None:
    html = "<html><head><meta charset='utf-8'></head><body>Xiangshan Forum — 香山论坛</body></html>"
    srv.expect_request("/a", headers={"User-Agent": USER_AGENT}).respond_with_data(
        html,
        content_type="text/html; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Tue, 31 Oct 2023 08:00:00 GMT"},
    )
    r = one(srv.url_for("/a"), warc_dir=tmp_path)
    assert (r.status, r.error, r.final_url) == (200, None, srv.url_for("/a"))
    assert r.text == html and r.encoding == "utf-8" and r.body == html.encode()
    assert r.content_type == "text/html" and r.n_bytes == len(html.encode()) and r.attempts == 1
    assert r.etag == '"v1"' and r.last_modified.startswith("Tue, 31 Oct 2023")
    assert r.content_sha1 and len(r.content_sha1) == 40 and not r.not_modified
    assert r.fetched_at.tzinfo is None and abs(r.fetched_at - datetime.utcnow()) < timedelta(seconds=30)
    assert r.warc_file == str(tmp_path / "test-0.warc.gz")
    [rec] = list(iter_responses(r.warc_file))
    assert rec.url == r.url and rec.body == r.body and rec.warc_headers["WARC-Source-Id"] == "src"


def test_gzip_encoded_body_is_decompressed_and_archived_decoded(srv: HTTPServer, tmp_path: Path) -> None:
    html = "<html><body>" + "wire story " * 500 + "</body></html>"
    srv.expect_request("/gz").respond_with_data(
        gzip.compress(html.encode()), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    r = one(srv.url_for("/gz"), warc_dir=tmp_path)
    assert r.error is None and r.text == html
    [rec] = list(iter_responses(r.warc_file))
    assert rec.body == html.encode() and "Content-Encoding" not in rec.headers


def test_conditional_get_304(srv: HTTPServer, tmp_path: Path) -> None:
    srv.expect_request("/feed", headers={"If-None-Match": '"abc"', "If-Modified-Since": "Tue, 31 Oct 2023 08:00:00 GMT"}
                       ).respond_with_data("", status=304)  # fmt: skip
    r = one(
        srv.url_for("/feed"), FAST, tmp_path, kind="feed", etag='"abc"', last_modified="Tue, 31 Oct 2023 08:00:00 GMT"
    )
    assert (r.status, r.error, r.not_modified, r.body, r.text) == (304, None, True, None, None)
    assert r.etag == '"abc"'  # validators carried over for the next run
    assert [a.status for a in iter_responses(r.warc_file)] == [304]


def test_304_to_an_unconditional_request_is_an_error_not_unchanged(srv: HTTPServer, tmp_path: Path) -> None:
    """A server answering 304 when nothing was asked conditionally has given no page: counting it unchanged
    would mark a never-stored article as done."""
    srv.expect_request("/first").respond_with_data("", status=304)
    for kind in ("page", "feed"):
        r = one(srv.url_for("/first"), FAST, tmp_path, kind=kind)
        assert (r.status, r.not_modified) == (304, False)
        assert r.error == "HTTP 304 (not modified) to a request that sent no validators: no copy to reuse"


def test_bad_urls_never_raise_and_keep_input_order(srv: HTTPServer) -> None:
    srv.expect_request("/ok").respond_with_data("<p>ok</p>", content_type="text/html")
    urls = ["not a url", "javascript:alert(1)", srv.url_for("/ok"), "http://10.0.0.1/", "", "ftp://x/", None]
    results = fetch_all([req(u) for u in urls], FAST, None, "t")  # type: ignore[arg-type]
    assert [r.url for r in results] == urls
    assert results[2].error is None
    assert all(r.error for i, r in enumerate(results) if i != 2)
    assert results[3].error == "refused: 10.0.0.1 is a private address" and results[3].attempts == 0


def test_unexpected_exception_becomes_internal_error(srv: HTTPServer) -> None:
    srv.expect_request("/ok").respond_with_data("<p>ok</p>", content_type="text/html")
    broken = req(srv.url_for("/ok"), crawl_delay="soon")  # a type error deep inside
    bad, good = fetch_all([broken, req(srv.url_for("/ok"))], FAST, None, "t")
    assert bad.error.startswith("internal: TypeError") and good.error is None


def test_progress_is_called_for_every_result_even_if_it_raises(srv: HTTPServer) -> None:
    srv.expect_request("/p").respond_with_data("x", content_type="text/plain")
    seen: list[str] = []

    def progress(r: FetchResult) -> None:
        seen.append(r.url)
        raise RuntimeError("caller bug")

    results = fetch_all([req(srv.url_for("/p")), req("http://10.1.1.1/")], FAST, None, "t", progress)
    assert sorted(seen) == sorted(r.url for r in results)


# --- retries --------------------------------------------------------------------------------


def flaky(statuses: list[int], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    calls: list[float] = []

    def handler(request: Request) -> Response:
        calls.append(time.monotonic())
        status = statuses[min(len(calls), len(statuses)) - 1]
        return Response(
            "<p>ok</p>" if status == 200 else "busy", status=status, headers=headers, content_type="text/html"
        )

    return handler, calls


def test_retries_5xx_then_succeeds(srv: HTTPServer) -> None:
    handler, calls = flaky([503, 502, 200])
    srv.expect_request("/flaky").respond_with_handler(handler)
    r = one(srv.url_for("/flaky"))
    assert (r.status, r.error, r.attempts, len(calls)) == (200, None, 3, 3)


def test_gives_up_after_retries(srv: HTTPServer, tmp_path: Path) -> None:
    handler, calls = flaky([503])
    srv.expect_request("/down").respond_with_handler(handler)
    r = one(srv.url_for("/down"), warc_dir=tmp_path)
    assert (r.status, r.error, r.attempts, len(calls)) == (503, "HTTP 503 after 3 attempts", 3, 3)
    assert r.body is None and [a.status for a in iter_responses(r.warc_file)] == [503, 503, 503]


def test_a_host_failing_page_after_page_has_the_rest_of_its_queue_skipped(srv: HTTPServer) -> None:
    """A dead or rate-limiting host cost every queued page its full timeouts and retries (hours for a feed of
    200 links at Retry-After 120); after max_host_failures failures in a row its rest waits for the next run."""
    paths: list[str] = []

    def down(request: Request) -> Response:
        paths.append(request.path)
        return Response("busy", status=503)

    srv.expect_request("/busy/ok").respond_with_data("<p>fine</p>", content_type="text/html")
    srv.expect_request(re.compile("/busy/p.*")).respond_with_handler(down)
    settings = replace(FAST, per_host_concurrency=1, max_host_failures=3)
    urls = [srv.url_for("/busy/ok")] + [srv.url_for(f"/busy/p{i}") for i in range(10)]
    results = fetch_all([req(u) for u in urls], settings, None, "t")
    assert results[0].error is None  # a success first: the count starts after it
    assert [r.error for r in results[1:4]] == ["HTTP 503 after 3 attempts"] * 3
    skipped = results[4:]
    assert all(
        r.error.startswith("skipped: 127.0.0.1 gave no usable answer") and "3 pages in a row" in r.error
        for r in skipped
    )
    assert all(r.status is None and r.attempts == 0 for r in skipped)
    assert len(paths) == 9  # 3 pages x 3 attempts; the 7 others never sent


def test_4xx_is_not_retried(srv: HTTPServer) -> None:
    handler, calls = flaky([404])
    srv.expect_request("/gone").respond_with_handler(handler)
    r = one(srv.url_for("/gone"))
    assert (r.status, r.error, r.attempts, len(calls)) == (404, "HTTP 404", 1, 1)


def test_retry_after_seconds_is_honoured(srv: HTTPServer) -> None:
    handler, calls = flaky([429, 200], {"Retry-After": "1"})
    srv.expect_request("/limited").respond_with_handler(handler)
    r = one(srv.url_for("/limited"))
    assert r.error is None and r.attempts == 2
    assert calls[1] - calls[0] >= 0.9


def test_retry_after_too_long_gives_up_at_once(srv: HTTPServer) -> None:
    handler, calls = flaky([503], {"Retry-After": "3600"})
    srv.expect_request("/later").respond_with_handler(handler)
    started = time.monotonic()
    r = one(srv.url_for("/later"))
    assert time.monotonic() - started < 1 and len(calls) == 1
    assert r.status == 503 and "Retry-After 3600s is over the 2s limit" in r.error


def test_parse_retry_after() -> None:
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None) is None


def test_connection_refused_is_retried() -> None:
    sock = socket.create_server((HOST, 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    r = one(f"http://{HOST}:{port}/")
    assert r.status is None and r.attempts == 3
    assert r.error == "connection error: connection refused after 3 attempts"


# --- redirects ------------------------------------------------------------------------------


def test_redirect_chain_is_followed(srv: HTTPServer, tmp_path: Path) -> None:
    srv.expect_request("/r1").respond_with_data("", status=301, headers={"Location": "/r2"})
    srv.expect_request("/r2").respond_with_data("", status=302, headers={"Location": srv.url_for("/final")})
    srv.expect_request("/final").respond_with_data("<p>here</p>", content_type="text/html")
    r = one(srv.url_for("/r1"), warc_dir=tmp_path)
    assert (r.status, r.error, r.final_url, r.text) == (200, None, srv.url_for("/final"), "<p>here</p>")
    assert [a.status for a in iter_responses(r.warc_file)] == [301, 302, 200]


def test_redirect_body_is_read_through_the_cap_and_cookies_are_kept(srv: HTTPServer, tmp_path: Path) -> None:
    srv.expect_request("/moved").respond_with_data("<p>moved</p>", status=302, headers={"Location": "/final"})
    srv.expect_request("/final").respond_with_data("<p>here</p>", content_type="text/html")
    # a 3xx body bigger than the cap is not read whole into memory: it stops there, as any body does
    srv.expect_request("/bomb").respond_with_data(b"x" * 50_000, status=302, headers={"Location": "/final"})
    srv.expect_request("/login").respond_with_data("ok", headers={"Set-Cookie": "session=abc; Path=/"})
    srv.expect_request("/after").respond_with_data("ok")
    r = one(srv.url_for("/moved"), warc_dir=tmp_path)
    assert (r.status, r.error, r.text) == (200, None, "<p>here</p>")
    assert [(a.status, a.body) for a in iter_responses(r.warc_file)] == [(302, b"<p>moved</p>"), (200, b"<p>here</p>")]
    bomb = one(srv.url_for("/bomb"), replace(FAST, max_bytes=1000))
    assert (bomb.status, bomb.error) == (302, "too large: over 1000 bytes")
    settings = replace(FAST, max_workers=1, per_host_concurrency=1)
    fetch_all([req(srv.url_for("/login")), req(srv.url_for("/after"))], settings, None, "t")
    sent = {request.path: request.headers.get("Cookie") for request, _ in srv.log}
    assert sent["/login"] is None and sent["/after"] == "session=abc"


def test_redirect_loop_and_too_many(srv: HTTPServer) -> None:
    srv.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    srv.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    for i in range(10):
        srv.expect_request(f"/n{i}").respond_with_data("", status=307, headers={"Location": f"/n{i + 1}"})
    loop, many = fetch_all([req(srv.url_for("/a")), req(srv.url_for("/n0"))], FAST, None, "t")
    assert loop.error == "redirect loop" and loop.status == 302
    assert many.error == "too many redirects (over 5)"


@pytest.mark.parametrize(
    "location, reason",
    [
        ("ftp://example.org/file", "not http/https"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://2130706433/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://localhost:{port}/secret", "loopback"),  # same server, but not the trusted host name
    ],
)
def test_redirects_are_guarded(srv: HTTPServer, location: str, reason: str) -> None:
    srv.expect_request("/go").respond_with_data("", status=302, headers={"Location": location.format(port=srv.port)})
    srv.expect_request("/secret").respond_with_data("secret")
    r = one(srv.url_for("/go"))
    assert r.status == 302 and r.error.startswith("redirect to ") and reason in r.error and r.body is None
    assert all(req_.path != "/secret" for req_, _ in srv.log)


def test_private_address_allowed_only_for_trusted_host(srv: HTTPServer) -> None:
    srv.expect_request("/x").respond_with_data("x", content_type="text/plain")
    assert one(srv.url_for("/x"), trusted_host=None).error == "refused: 127.0.0.1 is a loopback address"
    assert one(srv.url_for("/x"), trusted_host="example.org").error.startswith("refused:")
    allowed = replace(FAST, allow_private_hosts=frozenset({HOST}))
    assert one(srv.url_for("/x"), allowed, trusted_host=None).error is None


# --- limits -------------------------------------------------------------------------------


def test_dripping_body_is_cut_at_total_timeout() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
    server = RawServer(lambda conn: (conn.sendall(head), drip(b"x" * 100000, 0.05)(conn)))
    try:
        started = time.monotonic()
        r = one(server.url(), replace(FAST, total_timeout=1.0))
        assert time.monotonic() - started < 2.5
        assert r.status == 200 and r.error == "timeout: over 1s total" and r.body is None and r.attempts == 1
        assert 900 <= r.elapsed_ms < 2500
    finally:
        server.close()


def test_dripping_headers_are_cut_at_total_timeout() -> None:
    server = RawServer(drip(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 1000, 0.05))
    try:
        started = time.monotonic()
        r = one(server.url(), replace(FAST, total_timeout=1.0))
        assert time.monotonic() - started < 2.5
        assert r.error == "timeout: over 1s total" and r.body is None  # the status line did arrive
    finally:
        server.close()


def test_silent_server_read_timeout() -> None:
    server = RawServer(lambda conn: time.sleep(3))
    try:
        r = one(server.url(), replace(FAST, read_timeout=0.3))
        assert r.error == "timeout: no response in 0.3s" and r.attempts == 1
    finally:
        server.close()


def serve_bytes(head: bytes, body: bytes, repeat: int = 1) -> RawServer:
    """A raw server (allocates nothing while serving, so tracemalloc sees only the client)."""

    def handler(conn: socket.socket) -> None:
        conn.sendall(head)
        for _ in range(repeat):
            conn.sendall(body)

    return RawServer(handler)


def test_huge_streamed_body_stops_at_cap(tmp_path: Path) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"  # no length
    server = serve_bytes(head, b"<p>" + b"a" * 65533, repeat=800)  # ~50 MB
    try:
        tracemalloc.start()
        big = one(server.url("/big"), replace(FAST, max_bytes=1_000_000), tmp_path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        server.close()
    assert big.status == 200 and big.error == "too large: over 1000000 bytes" and big.body is None
    assert peak < 8_000_000, peak
    [rec] = list(iter_responses(big.warc_file))
    assert len(rec.body) == 1_000_000 and rec.warc_headers["WARC-Truncated"] == "length"


def test_content_length_over_cap_is_refused_without_reading() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 52428800\r\n\r\n"
    server = serve_bytes(head, b"x" * 100)
    try:
        r = one(server.url("/declared"), replace(FAST, max_bytes=1_000_000))
    finally:
        server.close()
    assert r.error == "too large: over 1000000 bytes" and r.status == 200 and r.n_bytes == 0


def test_gzip_bomb_is_stopped_at_cap() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # ~50 KB on the wire
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
    server = serve_bytes(head % len(bomb), bomb)
    try:
        tracemalloc.start()
        r = one(server.url("/bomb"), replace(FAST, max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        server.close()
    assert r.error == "too large: over 1000000 bytes" and r.body is None
    assert peak < 8_000_000, peak


def encoded(head_lines: bytes, body: bytes) -> FetchResult:
    """The result of one page served as `body` under the given extra header lines."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n%sContent-Length: %d\r\n\r\n" % (head_lines, len(body))
    server = serve_bytes(head, body)
    try:
        return one(server.url("/stacked"), replace(FAST, max_bytes=1_000_000))
    finally:
        server.close()


HTML = "<html><body>" + "wire story " * 500 + "</body></html>"


@pytest.mark.parametrize(
    "head_lines, body",
    [
        (b"Content-Encoding: gzip, gzip\r\n", gzip.compress(gzip.compress(HTML.encode()))),
        (b"Content-Encoding: deflate, GZIP\r\n", gzip.compress(zlib.compress(HTML.encode()))),  # deflate first
        (b"Content-Encoding: gzip\r\nContent-Encoding: deflate\r\n", zlib.compress(gzip.compress(HTML.encode()))),
        (
            b"Content-Encoding: identity, gzip, gzip, gzip\r\n",
            gzip.compress(gzip.compress(gzip.compress(HTML.encode()))),
        ),
    ],
    ids=["gzip-gzip", "deflate-gzip", "two-header-lines", "three-layers"],
)
def test_stacked_content_codings_are_undone_last_first(head_lines: bytes, body: bytes) -> None:
    """RFC 9110 8.4: codings are listed in the order they were applied (header lines joined in order)."""
    r = encoded(head_lines, body)
    assert (r.error, r.text) == (None, HTML)


def test_stacked_content_codings_are_capped_in_number_and_unknown_ones_refused() -> None:
    four = encoded(b"Content-Encoding: gzip, gzip, gzip, gzip\r\n", gzip.compress(HTML.encode()))
    assert four.error == "unsupported content-encoding: gzip, gzip, gzip, gzip (over 3 codings)"
    unknown = encoded(b"Content-Encoding: br, gzip\r\n", gzip.compress(HTML.encode()))
    assert unknown.error == "unsupported content-encoding: br" and unknown.body is None


GZ = gzip.compress(HTML.encode())


@pytest.mark.parametrize(
    "head_lines, body, error, text",
    [
        (b"Content-Encoding: deflate\r\n", zlib.compress(HTML.encode())[2:-4], None, HTML),  # raw, no zlib header
        (b"Content-Encoding: gzip\r\n", GZ + gzip.compress(b"<p>more</p>"), None, HTML + "<p>more</p>"),  # 2 members
        (b"Content-Encoding: gzip\r\n", GZ + b"trailing garbage", None, HTML),  # ignored, as browsers do
        (b"Content-Encoding: gzip\r\n", GZ + b"\x1f\x8b\x08junk junk junk", "bad content-encoding", None),
        (b"Content-Encoding: gzip\r\n", GZ[:-8] + bytes([GZ[-8] ^ 1]) + GZ[-7:], "bad content-encoding", None),
        (b"Content-Encoding: gzip\r\n", GZ[:30] + b"\0" * 40 + GZ[70:], "bad content-encoding", None),
    ],
    ids=["raw-deflate", "two-gzip-members", "trailing-garbage", "bad-second-member", "bad-crc", "corrupt"],
)
def test_coded_bodies_decode_or_fail_as_with_zlib(
    head_lines: bytes, body: bytes, error: str | None, text: str | None
) -> None:
    """ISA-L inflates (twice zlib's speed) with zlib's outcomes: these are the cases where a decoder could differ."""
    r = encoded(head_lines, body)
    assert ((r.error or "").split(":")[0] or None, r.text) == (error, text)


def test_a_bomb_in_a_middle_coding_layer_is_stopped_at_the_cap() -> None:
    """The outer gzip holds a tiny gzip stream then 50 MB of zeros, which the inner layer drops as trailing bytes:
    the page is small, but undoing the outer layer makes 50 MB. The cap counts every layer's bytes together."""
    inner = gzip.compress(HTML.encode()) + b"\0" * 50_000_000
    r = encoded(b"Content-Encoding: gzip, gzip\r\n", gzip.compress(inner, compresslevel=9))
    assert r.error == "too large: over 1000000 bytes" and r.body is None


# --- content types and charsets -------------------------------------------------------------


def test_non_text_page_is_refused_but_recorded(srv: HTTPServer) -> None:
    srv.expect_request("/doc.pdf").respond_with_data(b"%PDF-1.7 ...", content_type="application/pdf")
    srv.expect_request("/untyped").respond_with_data(b"<p>no type</p>", content_type="")
    pdf, untyped = fetch_all([req(srv.url_for("/doc.pdf")), req(srv.url_for("/untyped"))], FAST, None, "t")
    assert (pdf.status, pdf.error, pdf.n_bytes, pdf.body) == (200, "not text: application/pdf", 12, None)
    assert untyped.error is None and untyped.text == "<p>no type</p>"


def test_is_text_type() -> None:
    for ok in ["text/html; charset=utf-8", "application/xhtml+xml", "text/plain", "application/rss+xml",
               "application/atom+xml", "text/xml", "application/json", "application/feed+json", None, ""]:  # fmt: skip
        assert is_text_type(ok), ok
    for bad in ["application/pdf", "image/jpeg", "video/mp4", "application/octet-stream", "application/zip"]:
        assert not is_text_type(bad), bad


def test_lying_charset_page_and_feed_bytes_kept(srv: HTTPServer) -> None:
    zh = "北京香山论坛于十月在北京举行，中俄两国国防部长出席并发表讲话，讨论了地区安全与军事合作。"
    page = f'<html><head><meta charset="utf-8"></head><body><p>{zh}</p></body></html>'.encode("gbk")
    feed = f'<?xml version="1.0" encoding="gb2312"?><rss><channel><title>{zh}</title></channel></rss>'.encode("gb2312")
    srv.expect_request("/zh").respond_with_data(page, content_type="text/html; charset=utf-8")
    srv.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    p, f = fetch_all([req(srv.url_for("/zh")), req(srv.url_for("/feed.xml"), kind="feed")], FAST, None, "t")
    assert zh in p.text and p.encoding == "gb18030" and p.body == page
    assert f.body == feed and zh in f.text and f.encoding == "gb18030"


# --- politeness and robots -------------------------------------------------------------------


def timed(delay: float = 0.0):  # type: ignore[no-untyped-def]
    lock = threading.Lock()
    state = {"now": 0, "max": 0, "starts": []}

    def handler(request: Request) -> Response:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
            state["starts"].append(time.monotonic())
        time.sleep(delay)
        with lock:
            state["now"] -= 1
        return Response("<p>ok</p>", content_type="text/html")

    return handler, state


def test_crawl_delay_and_per_host_concurrency(srv: HTTPServer) -> None:
    handler, state = timed()
    srv.expect_request("/slow").respond_with_handler(handler)
    settings = replace(FAST, per_host_concurrency=1, crawl_delay=0.2)
    results = fetch_all([req(srv.url_for("/slow")) for _ in range(4)], settings, None, "t")
    assert all(r.error is None for r in results)
    starts = sorted(state["starts"])
    assert all(b - a >= 0.18 for a, b in zip(starts, starts[1:])), starts
    assert state["max"] == 1
    # a source's crawl_delay overrides the default
    handler2, state2 = timed()
    srv.expect_request("/slow2").respond_with_handler(handler2)
    fetch_all([req(srv.url_for("/slow2"), crawl_delay=0.0) for _ in range(4)], settings, None, "t")
    starts = sorted(state2["starts"])
    assert starts[-1] - starts[0] < 0.3


def test_hosts_proceed_in_parallel(srv: HTTPServer) -> None:
    handler, state = timed(0.4)
    srv.expect_request("/p").respond_with_handler(handler)
    settings = replace(FAST, per_host_concurrency=1, allow_private_hosts=frozenset({"localhost", HOST}))
    urls = [srv.url_for("/p"), srv.url_for("/p"), f"http://localhost:{srv.port}/p", f"http://localhost:{srv.port}/p"]
    started = time.monotonic()
    results = fetch_all([req(u) for u in urls], settings, None, "t")
    took = time.monotonic() - started
    assert all(r.error is None for r in results)
    assert state["max"] == 2  # one per host at a time, both hosts at once
    assert 0.75 < took < 1.5  # two rounds of 0.4 s, not four


def test_robots_txt(srv: HTTPServer) -> None:
    srv.expect_request("/robots.txt", headers={"User-Agent": USER_AGENT}).respond_with_data(
        "User-agent: forumwatch\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    srv.expect_request("/public").respond_with_data("<p>pub</p>", content_type="text/html")
    srv.expect_request("/private/x").respond_with_data("secret")
    settings = replace(FAST, respect_robots=True)
    robots: list[FetchResult] = []
    urls = [srv.url_for("/public"), srv.url_for("/private/x"), srv.url_for("/public")]
    results = fetch_all([req(u) for u in urls], settings, None, "t", on_robots=robots.append)
    assert [r.error for r in results] == [None, "robots.txt disallows", None]
    assert results[1].status is None and results[1].attempts == 0
    assert [r.kind for r in robots] == ["robots"] and robots[0].status == 200
    paths = [request.path for request, _ in srv.log]
    assert paths.count("/robots.txt") == 1 and "/private/x" not in paths


@pytest.mark.parametrize("status", [404, 403, 500])
def test_robots_txt_errors_mean_allow(srv: HTTPServer, status: int) -> None:
    srv.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n", status=status)
    srv.expect_request("/page").respond_with_data("<p>ok</p>", content_type="text/html")
    r = one(srv.url_for("/page"), replace(FAST, respect_robots=True))
    assert r.error is None


def test_robots_txt_unreachable_means_allow(srv: HTTPServer) -> None:
    server = RawServer(lambda conn: None)  # closes every connection without answering
    try:
        r = one(server.url("/page"), replace(FAST, respect_robots=True, retries=0))
        assert r.error.startswith("connection error")  # the page fails on its own, not by robots
    finally:
        server.close()
