"""Refuse URLs and connections that reach private, loopback or otherwise non-public addresses.

Two layers:
- `check_url` runs before every request and every redirect hop: scheme, host, DNS resolution.
- `GuardedAdapter` (a requests adapter) checks the address each socket actually connected to,
  so a DNS answer that changes between the check and the connection (DNS rebinding) is caught
  too. It also lets a `Watchdog` cut a connection that exceeds the total-time cap.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class NetguardRefused(Exception):
    """A connection was refused by policy; str(exc) is the readable reason."""


def normalize_host(host: str | None) -> str:
    """Lower-case, strip IPv6 brackets and a trailing dot."""
    return (host or "").strip().strip("[]").rstrip(".").lower()


def _embedded_v4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def ip_refusal(address: str) -> str | None:
    """Why this IP address is not public (e.g. 'a loopback address'), or None if it is."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    inner = _embedded_v4(ip)
    if inner is not None:
        reason = ip_refusal(str(inner))
        if reason:
            return reason
    checks = (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    )
    for attr, reason in checks:
        if getattr(ip, attr):
            return reason
    if not ip.is_global:
        return "a non-public address"
    return None


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> str:
    """`host:port` of a URL (`[v6]:port` for IPv6; the scheme's default port when none is given): the
    form a trusted host takes, so trust reaches that one service, not every port of the machine."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return ""
    host = normalize_host(parts.hostname)
    if not host:
        return ""
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def split_origin(entry: str) -> tuple[str, int | None]:
    """(host, port) of an allow-list entry: `host:port` and `[v6]:port` name one service; a bare host
    (or a bare IPv6 address) allows any port."""
    entry = (entry or "").strip()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        host, port = entry, ""
    if port and not port.isdigit():
        return normalize_host(host), -1  # 'host:junk' names no port: it matches nothing rather than every port
    return normalize_host(host), int(port) if port else None


def host_allowed(host: str, allowed_hosts: Iterable[str], port: int | None = None) -> bool:
    """True when `host` (on `port`) is exempt from the private-address rule: an entry with a port must
    match host AND port; a bare host entry (an operator's allow list) matches any port."""
    host = normalize_host(host)
    for entry in allowed_hosts:
        if not entry:
            continue
        allowed_host, allowed_port = split_origin(entry)
        if allowed_host == host and (allowed_port is None or allowed_port == port):
            return True
    return False


def _literal_ip(host: str) -> str | None:
    """The canonical IP for any numeric host spelling (2130706433, 0x7f.1, 0177.0.0.1, ::1)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))  # accepts decimal, octal, hex, short forms
    except OSError:
        return None


def resolve(host: str, port: int) -> list[str]:
    """All addresses `host` resolves to (raises socket.gaierror)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, trusted_host: str | None = None, allow_private_hosts: Iterable[str] = ()) -> str | None:
    """Return a refusal reason for `url`, or None when it may be fetched."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"bad URL: {exc}"
    scheme = parts.scheme.lower()
    if not scheme:
        return f"bad URL: {str(url)[:100]!r} has no scheme"
    if scheme not in ("http", "https"):
        return f"refused: scheme {scheme!r} is not http/https"
    host = normalize_host(parts.hostname)
    if not host:
        return "bad URL: no host"
    if host_allowed(host, [trusted_host or "", *allow_private_hosts], port or DEFAULT_PORTS[scheme]):
        return None
    literal = _literal_ip(host)
    if literal is not None:
        reason = ip_refusal(literal)
        return f"refused: {host} is {reason}" if reason else None
    try:
        addresses = resolve(host, port or (443 if scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        return f"DNS error: cannot resolve {host} ({exc})"
    for address in addresses:
        reason = ip_refusal(address)
        if reason:
            return f"refused: {host} resolves to {address}, {reason}"
    return None


# --- connection layer -------------------------------------------------------------------

_ctx = threading.local()


class _Deadlines:
    """One daemon thread that fires every watchdog whose time is up: a page costs a heap push, not the start
    and stop of a timer thread of its own."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        """A fresh state (also in a forked child, which has no thread and maybe a lock held at the fork)."""
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watchdog]] = []
        self._order = itertools.count()
        self._started = False

    def add(self, when: float, watchdog: Watchdog) -> None:
        with self._cond:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name="netguard-watchdog", daemon=True).start()
            earliest = not self._heap or when < self._heap[0][0]
            heapq.heappush(self._heap, (when, next(self._order), watchdog))
            if earliest:
                self._cond.notify()

    def _due(self) -> Watchdog:
        """Wait for the next watchdog whose time is up and still running; watchdogs ended early are dropped."""
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].ended:
                    heapq.heappop(self._heap)
                now = time.monotonic()
                if self._heap and self._heap[0][0] <= now:
                    return heapq.heappop(self._heap)[2]
                self._cond.wait(self._heap[0][0] - now if self._heap else None)

    def _run(self) -> None:
        while True:
            self._due()._fire()


_DEADLINES = _Deadlines()
os.register_at_fork(after_in_child=_DEADLINES._reset)


class Watchdog:
    """Shuts down the sockets of one request when its total time is up (unblocks any read)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self.ended = False  # the block is over: the watchdog never fires
        self._lock = threading.Lock()
        self._targets: list[object] = []

    def __enter__(self) -> Watchdog:
        _DEADLINES.add(time.monotonic() + self.seconds, self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.ended = True
            self._targets.clear()

    def attach(self, target: object) -> None:
        """Watch a socket, or a connection whose .sock is read when the time is up."""
        with self._lock:
            self._targets.append(target)
            if self.fired:
                self._kill(target)

    def _fire(self) -> None:
        with self._lock:
            if self.ended:
                return
            self.fired = True
            for target in self._targets:
                self._kill(target)

    @staticmethod
    def _kill(target: object) -> None:
        sock = target if isinstance(target, socket.socket) else getattr(target, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@contextmanager
def policy(allowed_hosts: Iterable[str], watchdog: Watchdog | None = None) -> Iterator[None]:
    """Within this block (this thread), connections may reach private addresses only for
    `allowed_hosts`, and are attached to `watchdog`."""
    previous = getattr(_ctx, "state", None)
    _ctx.state = (frozenset(h for h in allowed_hosts if h), watchdog)
    try:
        yield
    finally:
        _ctx.state = previous


def _state() -> tuple[frozenset[str], Watchdog | None]:
    return getattr(_ctx, "state", None) or (frozenset(), None)


def _check_peer(host: str, port: int | None, sock: socket.socket) -> None:
    allowed, watchdog = _state()
    if watchdog is not None:
        watchdog.attach(sock)
    if host_allowed(host, allowed, port):
        return
    try:
        peer = sock.getpeername()[0]
    except OSError:
        return
    reason = ip_refusal(peer)
    if reason:
        sock.close()
        raise NetguardRefused(f"refused: {normalize_host(host)} connected to {peer}, {reason}")


class _Guarded:
    """Mixin for urllib3 connections: check the connected peer address and attach the total-time watchdog."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        _check_peer(self.host, self.port, sock)  # type: ignore[attr-defined]
        return sock

    def request(self, *args, **kwargs):
        _, watchdog = _state()
        if watchdog is not None:
            watchdog.attach(self)
        return super().request(*args, **kwargs)


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections are checked against the private-address rule."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
