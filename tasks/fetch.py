"""Polite, guarded, concurrent HTTP fetching: one FetchResult per FetchRequest, never an exception."""

from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import queue
import threading
import time
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions
from isal import isal_zlib

from forumwatch.settings import FetchSettings
from forumwatch.tasks import netguard
from forumwatch.tasks.budget import Budget, is_skipped
from forumwatch.tasks.charset import decode_html
from forumwatch.tasks.robots import RobotsCache, robots_url
from forumwatch.tasks.urls import redact_credentials
from forumwatch.tasks.warc import WarcArchive

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 500 * 1024  # default of FetchSettings.max_robots_bytes
_CHUNK = 64 * 1024
# Hosts whose connections are kept open (urllib3 drops the least recently used pool beyond this): above the
# sources of a run, so the frontier's round of the hosts reuses each one's connection instead of reconnecting
# on every page (it was 64: with 100 hosts every page paid a new connection, a TLS handshake on the web).
HOST_POOLS = 1024
_TEXT_TYPES = {"text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml", "application/json"}


@dataclass(frozen=True)
class FetchRequest:
    url: str
    source_id: str | None
    kind: str  # 'feed' | 'page' | 'sitemap' ('robots' is used internally)
    trusted_host: str | None = None  # private/loopback addresses allowed ONLY for this host
    etag: str | None = None  # validators from the previous successful fetch (conditional GET)
    last_modified: str | None = None
    crawl_delay: float | None = None  # per-source override of settings.crawl_delay


@dataclass
class FetchResult:
    url: str
    source_id: str | None
    kind: str
    final_url: str | None
    status: int | None  # None when no HTTP response
    error: str | None  # None on success (2xx or 304)
    fetched_at: datetime  # UTC, naive
    body: bytes | None  # decompressed raw bytes (None on error / 304)
    text: str | None
    encoding: str | None
    content_type: str | None  # media type without parameters, lower case
    etag: str | None
    last_modified: str | None
    not_modified: bool
    n_bytes: int
    elapsed_ms: int
    attempts: int
    content_sha1: str | None
    warc_file: str | None


STOPPED = "not fetched: the run was interrupted"


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def is_text_type(content_type: str | None) -> bool:
    """Media types a page may have: HTML, plain text, XML/RSS/Atom/JSON, or none at all."""
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return not media or media in _TEXT_TYPES or media.endswith(("+xml", "+json"))


# bytes that never occur in text (WHATWG MIME sniffing's "binary data bytes")
_BINARY_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_BINARY_SHARE = 0.05  # more than this share of binary bytes in the first _SNIFF bytes: not a text page
_SNIFF = 4096


def looks_binary(body: bytes) -> bool:
    """True for bodies that are not text whatever their Content-Type says (images, archives, random bytes).
    UTF-16/32 text (with its BOM) and a few stray control bytes in HTML are not binary."""
    head = body[:_SNIFF]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    stray = len(head) - len(head.translate(None, _BINARY_BYTES))
    return stray > _BINARY_SHARE * len(head)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class Attempts:
    """What the attempts of one request so far left behind (a retried request keeps it)."""

    attempt: int = 0
    clock: list[float] = field(default_factory=list)
    warc_file: str | None = None


@dataclass(frozen=True)
class Later:
    """Try the request again in `wait` seconds (the server asked for a pause, or the connection failed)."""

    wait: float


# --- per-host politeness --------------------------------------------------------------------


@dataclass
class _Gate:
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_start: float = float("-inf")  # monotonic time the last request to the host started
    not_before: float = 0.0  # the server asked for a pause until then (Retry-After, backoff)
    in_flight: int = 0


class HostGates:
    """At most `per_host` requests in flight per host, and at least `delay` seconds (the delay of the request
    about to start) between two starts, and nothing before a pause the server asked for is over. With a run's
    time `budget`, nothing starts once it is spent, and no wait is begun that would end after it."""

    def __init__(
        self, per_host: int, should_stop: Callable[[], bool] | None = None, budget: Budget | None = None
    ) -> None:
        self._per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._gates: dict[str, _Gate] = {}
        self._should_stop = should_stop or (lambda: False)
        self._budget = budget
        # called with (host, start) as each request is let through, start being the time the spacing is measured
        # from (a test's view of the client-side starts, which a loaded machine cannot blur as it can arrivals)
        self.on_start: Callable[[str, float], None] | None = None

    def _stopping(self, start: float | None = None) -> str | None:
        """Why a request that would start at `start` (monotonic; now when None) must not: a stop, or the budget."""
        if self._should_stop():
            return STOPPED
        if self._budget is not None and self._budget.spent(start):
            return self._budget.error(
                f"the host's next turn, in {start - time.monotonic():.0f}s" if start is not None else None
            )
        return None

    @property
    def per_host(self) -> int:
        return self._per_host

    def _gate(self, host: str) -> _Gate:
        with self._lock:
            if host not in self._gates:
                self._gates[host] = _Gate(threading.Semaphore(self._per_host))
            return self._gates[host]

    @contextmanager
    def slot(self, host: str, delay: float) -> Iterator[None]:
        gate = self._gate(host)
        while not gate.slots.acquire(timeout=0.25):  # a stop request ends the wait for a turn on the host
            if why := self._stopping():
                raise _NoResponse(why)
        try:
            while True:
                with gate.lock:
                    now = time.monotonic()
                    start = max(now, gate.last_start + max(0.0, delay), gate.not_before)
                    # checked last, just before the request: a stop lets none start, nor a spent budget, and a
                    # wait that would end after the budget is not begun
                    if why := self._stopping(start if start > now else None):
                        raise _NoResponse(why)
                    if start <= now:
                        gate.last_start = now
                        gate.in_flight += 1
                        break
                time.sleep(min(0.25, start - now))  # and look again: a Retry-After may have come meanwhile
            try:
                if self.on_start is not None:
                    self.on_start(host, now)
                yield
            finally:
                with gate.lock:
                    gate.in_flight -= 1
        finally:
            gate.slots.release()

    def ready_at(self, host: str, delay: float) -> float:
        """Monotonic time from which a request with this delay may start on `host` (if a slot is free)."""
        gate = self._gate(host)
        with gate.lock:
            return max(gate.last_start + max(0.0, delay), gate.not_before)

    def defer(self, host: str, seconds: float) -> None:
        """Start nothing on `host` for `seconds` (the server asked us to wait)."""
        gate = self._gate(host)
        with gate.lock:
            gate.not_before = max(gate.not_before, time.monotonic() + seconds)


# --- streamed, capped decompression ---------------------------------------------------------


class _Unsupported(Exception):
    pass


_ISAL_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]  # its stub calls it an instance
INFLATE_ERRORS = (zlib.error, _ISAL_ERROR)  # a corrupt coded body


class _Layer:
    """Incremental decoder of one content coding that never produces more than it is asked for. ISA-L inflates the
    stream (0.11 against zlib's 0.22 CPU-ms for a 100 KB page); a later gzip member goes to zlib, which refuses a
    member header with bad flags where ISA-L would wait for more bytes (that body stays an error, as it was)."""

    def __init__(self, coding: str) -> None:
        if coding in ("gzip", "x-gzip"):
            self._wbits = 16 + zlib.MAX_WBITS
        elif coding == "deflate":
            self._wbits = zlib.MAX_WBITS
        else:
            raise _Unsupported(coding)
        self._raw_fallback = coding == "deflate"
        self._d: Any = isal_zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        out: list[bytes] = []  # joined once (most often one piece: no copy)
        made = 0
        while data and made < room:
            try:
                piece = self._d.decompress(data, room - made)
            except INFLATE_ERRORS:
                if self._raw_fallback and not self._started:  # 'deflate' sent without zlib header
                    self._raw_fallback = False
                    self._d = isal_zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._started = True
            out.append(piece)
            made += len(piece)
            if self._d.eof:
                data = self._d.unused_data
                if not data.startswith(b"\x1f\x8b") or self._wbits != 16 + zlib.MAX_WBITS:
                    break  # trailing garbage after the stream: ignored, as browsers do
                self._d = zlib.decompressobj(self._wbits)  # next gzip member
            else:
                data = self._d.unconsumed_tail
        return b"".join(out)


MAX_CODINGS = 3  # content codings decoded on one body ('gzip, gzip'); more is refused


class _Decoder:
    """Incremental decoder of a Content-Encoding header: the codings are listed in the order they were applied
    (RFC 9110 8.4), so they are undone last first. `produced` counts the bytes every layer produced, together,
    so a bomb cannot hide in a middle layer (without codings, the body's own bytes)."""

    def __init__(self, header: str | None) -> None:
        codings = [c.strip().lower() for c in (header or "").split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        if len(codings) > MAX_CODINGS:
            raise _Unsupported(f"{', '.join(codings)} (over {MAX_CODINGS} codings)")
        self._layers = [_Layer(c) for c in reversed(codings)]
        self.produced = 0

    def feed(self, data: bytes, room: int) -> bytes:
        """The next decoded bytes; the layers together produce at most `room` more bytes."""
        if not self._layers:
            self.produced += len(data)
        for layer in self._layers:
            data = layer.feed(data, room)
            self.produced += len(data)
            room -= len(data)
        return data


# --- one fetch run --------------------------------------------------------------------------


class _NoResponse(Exception):
    """No HTTP response (refused, DNS, connection, timeout)."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


class _ChainFailed(Exception):
    """A response came but the redirect chain cannot go on."""

    def __init__(self, message: str, status: int | None, url: str) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


@dataclass
class _Response:
    url: str
    status: int
    headers: requests.structures.CaseInsensitiveDict
    body: bytes
    error: str | None  # body cut short: too large, timeout, bad encoding
    warc_file: str | None
    sha1: bytes  # of the body: one pass serves the archive's payload digest and the result's content_sha1


class Fetcher:
    """Shared state of one crawl (a fetch_all call, or a whole run): session, host gates, robots.txt
    cache, WARC file."""

    def __init__(
        self,
        settings: FetchSettings,
        archive: WarcArchive | None = None,
        on_robots: Callable[[FetchResult], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.on_robots = on_robots
        self.should_stop = should_stop or (lambda: False)
        self.budget = budget  # the run's time budget: no request starts, and no wait begins that ends, after it
        self.gates = HostGates(settings.per_host_concurrency, self.should_stop, budget)
        self.robots = RobotsCache(self._fetch_robots, settings.user_agent)
        self._robots_files: dict[str, FetchResult] = {}  # robots.txt URL -> the response its rules came from
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or .netrc from the environment
        self.session.headers.update(
            {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}
        )
        self.adapter = netguard.GuardedAdapter(
            pool_connections=HOST_POOLS, pool_maxsize=max(10, settings.max_workers), max_retries=0
        )
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)

    def close(self) -> None:
        self.session.close()
        if self.archive is not None:
            self.archive.close()

    def known_delay(self, req: FetchRequest) -> float:
        """delay_for without fetching robots.txt (its Crawl-delay counts once it is in the cache)."""
        delay = self.settings.crawl_delay if req.crawl_delay is None else req.crawl_delay
        asked = self.robots.known_crawl_delay(req.url) if self.settings.respect_robots else None
        if asked:
            delay = max(delay, min(asked, self.settings.max_crawl_delay))
        return max(0.0, delay)

    # -- public --------------------------------------------------------------------------

    def fetch(self, req: FetchRequest) -> FetchResult:
        """Fetch one request; never raises."""
        if self.should_stop():
            return self._result(req, error=STOPPED)
        if late := self.over_budget(0.0):
            return self._result(req, error=late)
        try:
            return self._fetch(req, retries=self.settings.retries, robots=self.settings.respect_robots)
        except Exception as exc:  # a bug must cost one URL, not the batch
            log.exception("internal error fetching %s", redact_credentials(req.url))
            return self._result(req, error=f"internal: {type(exc).__name__}: {exc}"[:500])

    def budget_spent(self) -> bool:
        return self.budget is not None and self.budget.spent()

    def over_budget(self, wait: float, until: str | None = None) -> str | None:
        """The 'skipped:' error of a request whose wait of `wait` seconds from now (`until` says for what) would
        end after the run's time budget, or that finds it spent; None when it may go on."""
        if self.budget is None or not self.budget.spent(time.monotonic() + wait):
            return None
        return self.budget.error(until if wait > 0 else None)

    # -- internals -----------------------------------------------------------------------

    def _result(self, req: FetchRequest, **values: object) -> FetchResult:
        base: dict[str, object] = dict(
            url=req.url, source_id=req.source_id, kind=req.kind, final_url=None, status=None,
            error=None, fetched_at=utcnow(), body=None, text=None, encoding=None, content_type=None,
            etag=None, last_modified=None, not_modified=False, n_bytes=0, elapsed_ms=0,
            attempts=0, content_sha1=None, warc_file=None,
        )  # fmt: skip
        base.update(values)
        if isinstance(base["error"], str):  # it may quote a URL of the request, credentials and all
            base["error"] = redact_credentials(base["error"])
        return FetchResult(**base)  # type: ignore[arg-type]

    def _allowed_hosts(self, req: FetchRequest) -> list[str]:
        return [req.trusted_host or "", *self.settings.allow_private_hosts]

    def _guard(self, url: str, req: FetchRequest) -> str | None:
        return netguard.check_url(url, req.trusted_host, self.settings.allow_private_hosts)

    def _fetch(self, req: FetchRequest, retries: int, robots: bool) -> FetchResult:
        """All attempts of one request in this thread, sleeping between them (robots.txt, Fetcher.fetch)."""
        state = Attempts()
        while True:
            outcome = self.attempt(req, state, retries, robots)
            if isinstance(outcome, FetchResult):
                return outcome
            time.sleep(outcome.wait)

    def delay_for(self, req: FetchRequest, robots: bool) -> float:
        """Seconds between two requests to the request's host: the source's (or the default) crawl delay,
        raised to robots.txt's Crawl-delay, which is honoured up to settings.max_crawl_delay."""
        delay = self.settings.crawl_delay if req.crawl_delay is None else req.crawl_delay
        if robots:
            asked = self.robots.crawl_delay(req.url, req.trusted_host)
            if asked:
                delay = max(delay, min(asked, self.settings.max_crawl_delay))
        return max(0.0, delay)

    def attempt(self, req: FetchRequest, state: Attempts, retries: int, robots: bool) -> FetchResult | Later:
        """One attempt of a request: its result, or Later(seconds) when it should be tried again after a
        wait (429/5xx, Retry-After, connection error). The caller decides what the thread does meanwhile."""
        if state.attempt == 0:
            refusal = self._guard(req.url, req)
            if refusal:
                return self._result(req, error=refusal)
            if robots and not self.robots.allowed(req.url, req.trusted_host, req.crawl_delay):
                return self._result(req, error="robots.txt disallows")
        delay = self.delay_for(req, robots)
        clock = state.clock  # seconds spent in each HTTP exchange (not in politeness waits)
        state.attempt += 1
        attempt = state.attempt
        fetched_at = utcnow()
        try:
            resp, warc_chain = self._chain(req, delay, robots, clock)
        except _NoResponse as exc:
            backoff = self.settings.backoff_base * 2 ** (attempt - 1)
            suffix = f" after {attempt} attempts" if attempt > 1 and not is_skipped(str(exc)) else ""
            error = f"{exc}{suffix}"
            if exc.retry and attempt <= retries:
                late = self.over_budget(backoff, f"a retry in {backoff:g}s (after {exc})")
                if late is None:
                    return Later(backoff)
                error = late
            return self._result(req, error=error, fetched_at=fetched_at, attempts=attempt,
                                elapsed_ms=int(sum(clock) * 1000), warc_file=state.warc_file)  # fmt: skip
        except _ChainFailed as exc:
            return self._result(req, error=str(exc), status=exc.status, final_url=exc.url,
                                fetched_at=fetched_at, attempts=attempt, elapsed_ms=int(sum(clock) * 1000),
                                warc_file=state.warc_file or self._archive_path())  # fmt: skip
        elapsed = sum(clock)
        state.warc_file = warc_chain or state.warc_file
        warc_file = state.warc_file
        if resp.status in RETRY_STATUSES and resp.error is None:
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            if wait is not None and wait > self.settings.max_retry_after:
                message = (f"HTTP {resp.status}: Retry-After {wait:.0f}s is over the "
                           f"{self.settings.max_retry_after:g}s limit")  # fmt: skip
                return self._final(req, resp, attempt, elapsed, fetched_at, warc_file, message)
            if attempt <= retries:
                pause = wait if wait is not None else self.settings.backoff_base * 2 ** (attempt - 1)
                asked = f"Retry-After {wait:g}s" if wait is not None else f"backoff {pause:g}s"
                late = self.over_budget(pause, f"a retry in {pause:g}s (HTTP {resp.status}, {asked})")
                if late is not None:  # not waited for: the page is tried again next run
                    return self._final(req, resp, attempt, elapsed, fetched_at, warc_file, late)
                self.gates.defer(_host(resp.url), pause)
                return Later(pause)
            message = f"HTTP {resp.status} after {attempt} attempts"
            return self._final(req, resp, attempt, elapsed, fetched_at, warc_file, message)
        return self._final(req, resp, attempt, elapsed, fetched_at, warc_file, None)

    def _archive_path(self) -> str | None:
        return str(self.archive.path) if self.archive is not None and self.archive.path else None

    def _final(
        self, req: FetchRequest, resp: _Response, attempts: int, elapsed: float,
        fetched_at: datetime, warc_file: str | None, error: str | None,
    ) -> FetchResult:  # fmt: skip
        """Turn the last response into a FetchResult."""
        ctype_header = resp.headers.get("Content-Type")
        media = ctype_header.split(";", 1)[0].strip().lower() if ctype_header else None
        not_modified = resp.status == 304
        if error is None:
            error = resp.error
        if error is None and not (200 <= resp.status < 300 or not_modified):
            error = f"HTTP {resp.status}"
        if error is None and not_modified and req.etag is None and req.last_modified is None:
            error = "HTTP 304 (not modified) to a request that sent no validators: no copy to reuse"
        if error is None and req.kind == "page" and not not_modified:
            if not is_text_type(ctype_header) or (media or "").endswith(("/json", "+json")):
                error = f"not text: {media}"  # a JSON document is data, not an article page
            elif looks_binary(resp.body):
                error = f"not text: binary content served as {media or 'untyped'}"
        values: dict[str, object] = dict(
            final_url=resp.url, status=resp.status, error=error, fetched_at=fetched_at,
            content_type=media, n_bytes=len(resp.body), elapsed_ms=int(elapsed * 1000),
            attempts=attempts, warc_file=warc_file, not_modified=not_modified and error is None,
            etag=resp.headers.get("ETag") or (req.etag if not_modified else None),
            last_modified=resp.headers.get("Last-Modified") or (req.last_modified if not_modified else None),
        )  # fmt: skip
        if error is None and not not_modified:
            values["body"] = resp.body
            values["content_sha1"] = resp.sha1.hex()
            if not resp.body.startswith(b"\x1f\x8b"):  # a gzipped file (sitemap.xml.gz) has no text
                values["text"], values["encoding"] = decode_html(resp.body, ctype_header)
        return self._result(req, **values)

    def _chain(self, req: FetchRequest, delay: float, robots: bool, clock: list[float]) -> tuple[_Response, str | None]:
        """Follow redirects by hand, checking every hop; returns the last response."""
        url = req.url
        seen = {url}
        warc_file: str | None = None
        status: int | None = None  # of the previous hop, for the error of a refused redirect
        for hop in range(self.settings.max_redirects + 1):
            if hop > 0 and robots and not self.robots.allowed(url, req.trusted_host, req.crawl_delay):
                raise _ChainFailed(f"robots.txt disallows redirect to {url}", status, url)
            resp = self._hop(url, req, delay, clock)
            status = resp.status
            warc_file = resp.warc_file or warc_file
            location = resp.headers.get("Location")
            if resp.status not in REDIRECT_STATUSES or not location or resp.error:
                return resp, warc_file
            target = urljoin(url, location.strip()).split("#", 1)[0]
            if hop == self.settings.max_redirects:
                raise _ChainFailed(f"too many redirects (over {self.settings.max_redirects})", resp.status, url)
            refusal = self._guard(target, req)
            if refusal:
                raise _ChainFailed(f"redirect to {target}: {refusal}", resp.status, url)
            if target in seen:
                raise _ChainFailed("redirect loop", resp.status, url)
            seen.add(target)
            url = target
        raise AssertionError("unreachable")

    def _hop(self, url: str, req: FetchRequest, delay: float, clock: list[float]) -> _Response:
        """One HTTP request and its streamed, capped body; archived to WARC."""
        s = self.settings
        headers = {}
        if req.etag:
            headers["If-None-Match"] = req.etag
        if req.last_modified:
            headers["If-Modified-Since"] = req.last_modified
        cap = min(s.max_bytes, s.max_robots_bytes) if req.kind == "robots" else s.max_bytes
        with self.gates.slot(_host(url), delay):
            started = time.monotonic()
            date = utcnow()
            watchdog = netguard.Watchdog(s.total_timeout)
            try:
                with watchdog, netguard.policy(self._allowed_hosts(req), watchdog):
                    try:
                        resp = self._get(url, headers, self._credentials(req.url, url))
                    except netguard.NetguardRefused as exc:
                        raise _NoResponse(str(exc)) from exc
                    except requests.RequestException as exc:
                        raise self._no_response(exc, watchdog) from exc
                    try:
                        body, error, truncated = self._read_body(resp, cap, watchdog)
                    finally:
                        resp.close()
            finally:
                clock.append(time.monotonic() - started)
        raw_headers = list(resp.raw.headers.items()) if resp.raw is not None else list(resp.headers.items())
        sha1 = hashlib.sha1(body).digest()
        warc_file = None
        if self.archive is not None:
            extra = {"WARC-Source-Id": req.source_id or "", "WARC-Fetch-Kind": req.kind}
            if truncated:
                extra["WARC-Truncated"] = truncated
            warc_file = self.archive.write_response(
                url, resp.status_code, resp.reason or "", raw_headers, body, date,
                {k: v for k, v in extra.items() if v}, sha1,
            )  # fmt: skip
        return _Response(url, resp.status_code, resp.headers, body, error, warc_file, sha1)

    def _get(self, url: str, headers: dict[str, str], auth: tuple[str, str] | None) -> requests.Response:
        """GET `url` (http/https: checked before) through the guarded adapter, its body left unread: as
        Session.get(stream=True, allow_redirects=False) prepares and sends it (the session's headers and cookies
        sent, the cookies it sets kept), without its per-call merging of settings, hooks and proxies, and without
        the next request it prepares for a redirect: that read the 3xx body whole into memory, past the size cap
        _read_body keeps (0.4 of 1.0 CPU-ms a request on loopback went to requests' own work)."""
        s = self.settings
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method="GET", url=url, headers={**self.session.headers, **headers}, auth=auth, cookies=self.session.cookies
        )
        resp = self.adapter.send(
            prepared, stream=True, timeout=(s.connect_timeout, s.read_timeout), verify=True, cert=None, proxies={}
        )
        requests.cookies.extract_cookies_to_jar(self.session.cookies, prepared, resp.raw)
        return resp

    def _credentials(self, first: str, url: str) -> tuple[str, str] | None:
        """The user and password written in the request's URL (basic auth), for a hop to `url`: sent to that URL's
        own host and port only, never after a redirect elsewhere (requests' rule when it follows redirects)."""
        user, password = requests.utils.get_auth_from_url(first)
        if not (user or password) or self.session.should_strip_auth(first, url):
            return None
        return user, password

    def _no_response(self, exc: requests.RequestException, watchdog: netguard.Watchdog) -> _NoResponse:
        s = self.settings
        if watchdog.fired:
            return _NoResponse(f"timeout: over {s.total_timeout:g}s total")
        if isinstance(exc, requests.ConnectTimeout):
            return _NoResponse(f"timeout: could not connect in {s.connect_timeout:g}s", retry=True)
        if isinstance(exc, requests.ReadTimeout):
            return _NoResponse(f"timeout: no response in {s.read_timeout:g}s")
        if isinstance(exc, requests.ConnectionError):
            return _NoResponse(f"connection error: {_short_reason(exc)}", retry=True)
        return _NoResponse(f"bad request: {_short_reason(exc)}")

    def _read_body(
        self, resp: requests.Response, cap: int, watchdog: netguard.Watchdog
    ) -> tuple[bytes, str | None, str | None]:
        """(body, error, WARC-Truncated reason): the decompressed body, stopped at `cap` bytes
        or when the total time is up. The pieces are joined once at the end: a bytearray grown piece by piece
        and copied out made two more copies of the body and, at ~100 KB, new pages from the kernel each time."""
        parts: list[bytes] = []
        length = resp.headers.get("Content-Length", "")
        coding = resp.headers.get("Content-Encoding")
        if length.isdigit() and int(length) > cap and not coding:
            return b"", f"too large: over {cap} bytes", "length"
        try:
            decoder = _Decoder(coding)
            while True:
                chunk = resp.raw.read(_CHUNK, decode_content=False)
                if not chunk:
                    break
                parts.append(decoder.feed(chunk, cap + 1 - decoder.produced))
                if decoder.produced > cap:
                    return b"".join(parts)[:cap], f"too large: over {cap} bytes", "length"
        except _Unsupported as exc:
            return b"", f"unsupported content-encoding: {exc}", "unspecified"
        except INFLATE_ERRORS as exc:
            return b"".join(parts), f"bad content-encoding: {exc}", "unspecified"
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if watchdog.fired:
                return b"".join(parts), f"timeout: over {self.settings.total_timeout:g}s total", "time"
            if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError)):
                return b"".join(parts), f"timeout: stalled for {self.settings.read_timeout:g}s", "time"
            return b"".join(parts), "connection error: body cut off", "disconnect"
        if watchdog.fired:  # the socket was shut down: EOF came early
            return b"".join(parts), f"timeout: over {self.settings.total_timeout:g}s total", "time"
        return b"".join(parts), None, None

    def robots_files(self, requests: Sequence[FetchRequest]) -> list[FetchResult]:
        """The robots.txt responses of these requests' origins, concurrently: each origin's is fetched once per
        crawl, by the rules' cache, so the pages crawled after ask for nothing more (and it is logged once)."""

        def one(req: FetchRequest) -> FetchResult:
            self.robots.rules_for(req.url, req.trusted_host, req.crawl_delay)
            return self._robots_files.get(robots_url(req.url)) or self._result(req, error="robots.txt not fetched")

        with ThreadPoolExecutor(max_workers=max(1, min(self.settings.max_workers, len(requests)))) as pool:
            return list(pool.map(one, requests))

    def _fetch_robots(
        self, url: str, trusted_host: str | None, delay: float | None = None
    ) -> tuple[int | None, bytes | None]:
        req = FetchRequest(url, None, "robots", trusted_host=trusted_host, crawl_delay=delay)
        result = self._fetch(req, retries=0, robots=False)
        self._robots_files[url] = result
        if self.on_robots is not None:
            try:
                self.on_robots(result)
            except Exception:
                log.exception("on_robots callback failed")
        return result.status, result.body


def _host(url: str) -> str:
    return netguard.normalize_host(urlsplit(url).hostname)


def _short_reason(exc: BaseException) -> str:
    """The most specific readable cause in an exception chain."""
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        if isinstance(cur, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cur, ConnectionResetError):
            return "connection reset"
        if isinstance(cur, urllib3.exceptions.NameResolutionError):
            return "DNS lookup failed"
        nxt = cur.__cause__ or cur.__context__
        if nxt is None and cur.args and isinstance(cur.args[-1], BaseException):
            nxt = cur.args[-1]
        reason = getattr(cur, "reason", None)
        if nxt is None and isinstance(reason, BaseException):
            nxt = reason
        cur = nxt
    text = str(seen[-1]) or type(seen[-1]).__name__
    return text[:200]


def host_key(req: FetchRequest) -> str:
    """The politeness key of a request: its normalised host ('' for a URL without one)."""
    try:
        return _host(req.url)
    except Exception:  # malformed URL: fetch() reports it
        return ""


@dataclass
class _Job:
    index: int
    req: FetchRequest
    state: Attempts = field(default_factory=Attempts)
    not_before: float = 0.0  # monotonic; a retried request waits until then


def host_failed(result: FetchResult) -> bool:
    """A page that got no usable answer from its host after every retry: no response, or 429 / 5xx."""
    if result.error is None or result.error == STOPPED or is_skipped(result.error):
        return False
    if result.status is None:
        return result.error.startswith(("connection error", "timeout"))
    return result.status == 429 or result.status >= 500


class _HostBreaker:
    """After `max_host_failures` pages of one host failed in a row (host_failed), the host's queued pages end
    at once with a 'skipped:' error instead of each waiting out its timeouts and retries: a dead or
    rate-limiting host would otherwise hold the run for hours. The next run tries them again."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.failures: Counter[str] = Counter()

    def record(self, host: str, result: FetchResult, jobs: deque[_Job]) -> list[tuple[int, FetchResult]]:
        if not host_failed(result):
            self.failures[host] = 0
            return []
        self.failures[host] += 1
        limit = self.fetcher.settings.max_host_failures
        if self.failures[host] < limit or not jobs:
            return []
        error = (f"skipped: {host} gave no usable answer to {self.failures[host]} pages in a row this run "
                 f"(last: {result.error}); tried again next run")[:500]  # fmt: skip
        return end_jobs(self.fetcher, jobs, error)


def end_jobs(fetcher: Fetcher, jobs: deque[_Job], error: str) -> list[tuple[int, FetchResult]]:
    """Queued jobs that will not start, each with its result carrying `error`; `jobs` is emptied."""
    ended = [(job.index, fetcher._result(job.req, error=error)) for job in jobs]
    jobs.clear()
    return ended


class _Turns:
    """When each host may be tried next (a heap of times) and, of the hosts whose time has come, the one with the
    most pages left first. Draining the longest queues first keeps every host's pages spread over the run: no
    host is left at the end with many pages and its crawl delay between each (a tail the other hosts' idle
    workers cannot shorten)."""

    def __init__(self, queues: dict[str, deque]) -> None:
        self._queues = queues
        self._order = itertools.count()
        self._later = [(0.0, next(self._order), host) for host in queues]  # (time, order, host)
        self._due: list[tuple[int, int, str]] = []  # (-pages left when due, order, host)

    def at(self, when: float, host: str) -> None:
        heapq.heappush(self._later, (when, next(self._order), host))

    def next_due(self, now: float) -> str | None:
        """The due host with the most pages left (ties: the first due), taken off the turns; None if none is due."""
        while self._later and self._later[0][0] <= now:
            _, _, host = heapq.heappop(self._later)
            heapq.heappush(self._due, (-len(self._queues[host]), next(self._order), host))
        return heapq.heappop(self._due)[2] if self._due else None

    def wait(self, now: float) -> float | None:
        """Seconds until a host is due (0: one is); None when no host has a turn left."""
        if self._due:
            return 0.0
        return max(0.0, self._later[0][0] - now) if self._later else None


class Frontier:
    """One queue per host, as polite crawlers keep them (Scrapy's download slots): every host is kept busy
    up to its own delay and concurrency, the workers go to whichever host is ready first, robots.txt is
    fetched once per host before its first page, and a request told to wait (Retry-After, backoff) goes
    back to the head of its host's queue instead of holding a worker. HostGates still enforces the
    spacing inside every request, so politeness never depends on this scheduling."""

    def __init__(self, fetcher: Fetcher, workers: int | None = None) -> None:
        self.fetcher = fetcher
        self.workers = max(1, workers or fetcher.settings.max_workers)
        self._stop = threading.Event()
        self.wakeups = 0  # times the scheduler woke up (a result came or a host became ready): it never spins

        self._breaker = _HostBreaker(fetcher)

    def stop(self) -> None:
        """Start no new request; crawl() still yields the results of those in flight, then ends."""
        self._stop.set()

    def stopping(self) -> bool:
        """Stopped by stop() or by the fetcher's own stop request (the run's, seen in this thread at once:
        the consumer that calls stop() may be busy for seconds, and requests would go on starting meanwhile),
        or the run's time budget is spent."""
        return self._stop.is_set() or self.fetcher.should_stop() or self.fetcher.budget_spent()

    def _ready(self, host: str, job: _Job) -> float:
        try:
            delay = self.fetcher.known_delay(job.req)
        except Exception:  # a bad value in the request: its attempt reports it as an internal error
            delay = 0.0
        return max(job.not_before, self.fetcher.gates.ready_at(host, delay))

    def _run(self, host: str, job: _Job, robots_only: bool) -> tuple[str, _Job, FetchResult | Later | None]:
        fetcher, s = self.fetcher, self.fetcher.settings
        try:
            if robots_only:
                fetcher.robots.rules_for(job.req.url, job.req.trusted_host, job.req.crawl_delay)
                return host, job, None
            return host, job, fetcher.attempt(job.req, job.state, s.retries, s.respect_robots)
        except Exception as exc:  # a bug must cost one URL, not the crawl
            log.exception("internal error fetching %s", redact_credentials(job.req.url))
            return host, job, fetcher._result(job.req, error=f"internal: {type(exc).__name__}: {exc}"[:500])

    def crawl(
        self, requests: Sequence[FetchRequest], hold: Callable[[], bool] | None = None
    ) -> Iterator[tuple[int, FetchResult]]:
        """(index, result) for every request, as they complete. While `hold()` is true no new request
        starts (the consumer has enough on its hands); requests in flight still finish."""
        queues: dict[str, deque[_Job]] = defaultdict(deque)
        for i, req in enumerate(requests):
            queues[host_key(req)].append(_Job(i, req))
        robots_pending = set(queues) if self.fetcher.settings.respect_robots else set()
        per_host = self.fetcher.gates.per_host
        turns = _Turns(queues)
        in_flight: Counter[str] = Counter()
        done: queue.SimpleQueue = queue.SimpleQueue()
        active, remaining = 0, len(requests)
        over_budget: list[tuple[int, FetchResult]] = []  # pages whose host's wait would end after the budget
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="fetch")
        try:
            while remaining and not (self.stopping() and active == 0):
                now = time.monotonic()
                held = self.stopping() or (hold is not None and hold())
                while not held and active < self.workers and (host := turns.next_due(now)) is not None:
                    jobs = queues[host]
                    if not jobs or in_flight[host] >= per_host:
                        continue  # scheduled again when a request of the host completes
                    robots_only = host in robots_pending
                    ready = now if robots_only else self._ready(host, jobs[0])
                    if ready > now:
                        late = self.fetcher.over_budget(ready - now, f"the host's next turn, in {ready - now:.0f}s")
                        if late is not None:  # the host's wait is not begun: its pages wait for the next run
                            over_budget += end_jobs(self.fetcher, jobs, late)
                        else:
                            turns.at(ready, host)
                        continue
                    robots_pending.discard(host)
                    job = jobs[0] if robots_only else jobs.popleft()
                    in_flight[host] += 1
                    active += 1
                    pool.submit(self._run, host, job, robots_only).add_done_callback(
                        lambda future: done.put(future.result())
                    )
                    if jobs and in_flight[host] < per_host and not robots_only:
                        turns.at(now, host)
                if held or active >= self.workers:  # every worker busy: wait for one, never spin
                    timeout = 0.05 if held else None
                else:
                    timeout = turns.wait(time.monotonic())
                for index, result in over_budget:
                    remaining -= 1
                    yield index, result
                over_budget.clear()
                if not remaining:
                    break
                if active == 0 and timeout is None:
                    break  # nothing in flight and nothing to start: cannot happen, but never hang
                self.wakeups += 1
                try:
                    events = [done.get(timeout=timeout)]
                except queue.Empty:
                    continue
                while True:
                    try:
                        events.append(done.get_nowait())
                    except queue.Empty:
                        break
                for host, job, outcome in events:
                    in_flight[host] -= 1
                    active -= 1
                    if isinstance(outcome, Later):
                        job.not_before = time.monotonic() + outcome.wait
                        queues[host].appendleft(job)
                    elif outcome is not None:
                        remaining -= 1
                        yield job.index, outcome
                        for skipped in self._breaker.record(host, outcome, queues[host]):
                            remaining -= 1
                            yield skipped
                    if queues[host]:
                        turns.at(time.monotonic(), host)
            late = None if self._stop.is_set() or self.fetcher.should_stop() else self.fetcher.over_budget(0.0)
            if late is not None:  # the budget, not a stop, ended the crawl: every page left says so
                for jobs in queues.values():
                    yield from end_jobs(self.fetcher, jobs, late)
        finally:
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)


def fetch_all(
    requests: list[FetchRequest],
    settings: FetchSettings,
    warc_dir: Path | None,
    warc_prefix: str,
    progress: Callable[[FetchResult], None] | None = None,
    *,
    on_robots: Callable[[FetchResult], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    fetcher: Fetcher | None = None,
    budget: Budget | None = None,
) -> list[FetchResult]:
    """Fetch concurrently (threads, settings.max_workers overall, settings.per_host_concurrency
    per host, settings.crawl_delay between two requests to one host), never raise for a bad URL;
    results in input order. `progress` is called in the calling thread as results complete;
    `on_robots` receives the robots.txt fetches (kind 'robots') so they can be logged too; once `should_stop()`
    is true, requests not yet sent end at once with the error STOPPED (the run is being interrupted); once the
    run's time `budget` is spent, with a 'skipped:' error saying so. With `fetcher` (a run's shared one: its
    robots.txt cache, host gates and WARC file) warc_dir, warc_prefix, on_robots, should_stop and budget are
    the fetcher's own."""
    own = fetcher is None
    if fetcher is None:
        archive = WarcArchive(warc_dir, warc_prefix) if warc_dir is not None else None
        fetcher = Fetcher(settings, archive, on_robots, should_stop, budget)
    results: list[FetchResult | None] = [None] * len(requests)
    try:
        for i, result in Frontier(fetcher).crawl(requests):
            results[i] = result
            if progress is not None:
                try:
                    progress(result)
                except Exception:
                    log.exception("progress callback failed")
    finally:
        if own:
            fetcher.close()
    # requests a stop kept from starting: still one result each, in order (callers zip results with requests)
    return [fetcher._result(req, error=STOPPED) if r is None else r for req, r in zip(requests, results)]
