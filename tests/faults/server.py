"""Hostile HTTP endpoints for the fault suite, on top of tests/webserver.py (loopback only).

Every helper returns a `handler(request_handler)` for `Site.add(path, handler=...)`, or opens a
special listener. Nothing here sends traffic anywhere but 127.0.0.0/8 and ::1.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError)


def _headers(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    h.send_response(status)
    for name, value in headers.items():
        h.send_header(name, value)
    h.end_headers()


def status_then(
    statuses: list[int],
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    extra: dict[str, str] | None = None,
):
    """Answer with statuses[0], statuses[1], ... on successive requests, then 200 with `body`."""
    hits = Counter()
    lock = threading.Lock()

    def handler(h: BaseHTTPRequestHandler) -> None:
        with lock:
            n = hits["n"]
            hits["n"] += 1
        if n < len(statuses):
            payload = f"status {statuses[n]}".encode()
            _headers(
                h, statuses[n], {"Content-Type": "text/plain", "Content-Length": str(len(payload)), **(extra or {})}
            )
            h.wfile.write(payload)
            return
        _headers(h, 200, {"Content-Type": content_type, "Content-Length": str(len(body))})
        h.wfile.write(body)

    handler.hits = hits  # type: ignore[attr-defined]
    return handler


def reset_connection(h: BaseHTTPRequestHandler) -> None:
    """Close the connection with a TCP RST before any response byte."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def reset_mid_body(h: BaseHTTPRequestHandler) -> None:
    """Promise 100 kB, send 1 kB, then reset."""
    _headers(h, 200, {"Content-Type": "text/html", "Content-Length": "100000"})
    h.wfile.write(b"<html><body><p>" + b"x" * 1000)
    h.wfile.flush()
    reset_connection(h)


def never_answer(h: BaseHTTPRequestHandler) -> None:
    """Read the request, then say nothing until the client gives up."""
    _wait_for_close(h, 30)
    h.close_connection = True


def _wait_for_close(h: BaseHTTPRequestHandler, limit: float) -> None:
    h.connection.settimeout(0.2)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if not h.connection.recv(1024):
                return
        except TimeoutError:
            continue
        except OSError:
            return


def drip(interval: float = 1.0, limit: float = 30.0):
    """200 OK, then one byte every `interval` seconds (never finishing within the test)."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        _headers(h, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": "100000"})
        deadline = time.monotonic() + limit
        try:
            while time.monotonic() < deadline:
                h.wfile.write(b"<")
                h.wfile.flush()
                time.sleep(interval)
        except _CLIENT_GONE:
            pass
        h.close_connection = True

    return handler


def huge(total: int, declare_length: bool, chunk: int = 64 * 1024):
    """A `total`-byte HTML page generated lazily (never held in memory)."""
    piece = b"<p>" + b"lorem ipsum dolor sit amet " * ((chunk - 8) // 27) + b"</p>\n"

    def handler(h: BaseHTTPRequestHandler) -> None:
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if declare_length:
            headers["Content-Length"] = str(total)
        else:
            headers["Connection"] = "close"  # body ends when the connection does
        _headers(h, 200, headers)
        sent = 0
        handler.sent = 0  # type: ignore[attr-defined]
        try:
            h.wfile.write(b"<html><body>")
            while sent < total:
                h.wfile.write(piece)
                sent += len(piece)
                handler.sent = sent  # type: ignore[attr-defined]
        except _CLIENT_GONE:
            pass
        h.close_connection = True

    handler.sent = 0  # type: ignore[attr-defined]
    return handler


def gzip_bomb_bytes(decompressed: int) -> bytes:
    """A gzip stream of `decompressed` zero bytes, built chunk by chunk (about 1/1000 of the size)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    out = bytearray()
    for _ in range(decompressed // len(zeros)):
        out += comp.compress(zeros)
    out += comp.flush()
    return bytes(out)


def gzip_bomb(decompressed: int = 200 * 1024 * 1024, content_type: str = "text/html"):
    body = gzip_bomb_bytes(decompressed)

    def handler(h: BaseHTTPRequestHandler) -> None:
        _headers(h, 200, {"Content-Type": content_type, "Content-Encoding": "gzip", "Content-Length": str(len(body))})
        try:
            h.wfile.write(body)
        except _CLIENT_GONE:
            pass

    handler.compressed = len(body)  # type: ignore[attr-defined]
    return handler


def redirect(location: str, status: int = 302):
    def handler(h: BaseHTTPRequestHandler) -> None:
        _headers(h, status, {"Location": location, "Content-Length": "0"})

    return handler


@contextmanager
def unaccepting_listener(host: str) -> Iterator[str]:
    """A port whose accept queue is full: new connections hang in SYN (connect timeout).
    Yields the base URL."""
    server = socket.socket()
    server.bind((host, 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(2):  # fill the queue (one slot on Linux for backlog 0)
        c = socket.socket()
        c.settimeout(0.5)
        try:
            c.connect((host, port))
        except OSError:
            pass
        fillers.append(c)
    try:
        yield f"http://{host}:{port}"
    finally:
        for c in fillers:
            c.close()
        server.close()
