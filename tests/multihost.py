"""Servers on several loopback addresses (127.0.3.x), one per host, that log when each request arrived."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def article(path: str, address: str) -> str:
    """A page with enough text to be an article."""
    words = f"Delegates at the forum on {address} discussed maritime security and arms control in {path}."
    paras = "".join(f"<p>{words} Paragraph {i} adds a few more words so the text counts.</p>" for i in range(5))
    return f"<html lang='en'><head><title>Story {path}</title></head><body><article>{paras}</article></body></html>"


@dataclass
class Host:
    """One loopback address: answers 200 to every page, serves `robots`, logs (path, arrival time)."""

    address: str
    robots: str | None = None  # None: 404
    answers: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)  # path -> first answers
    log: list[tuple[str, float]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)  # each request's headers, in log order
    page: Callable[[str, str], str] = article  # (path, address) -> HTML
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://{self.address}:{self.port}{path}"

    def starts(self) -> list[float]:
        return [t for _, t in self.log]


def _handler(host: Host):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            with lock:
                host.log.append((self.path, time.monotonic()))
                host.headers.append(dict(self.headers))
                canned = host.answers.get(self.path)
                status, headers = canned.pop(0) if canned else (200, {})
            if self.path == "/robots.txt":
                body = (host.robots or "").encode()
                status = 200 if host.robots is not None else 404
            else:
                body = host.page(self.path, host.address).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "text/html", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def loopback_hosts() -> Iterator[Callable[..., list[Host]]]:
    """start(n, **Host fields) -> n new hosts, each on its own address; all stopped at the end."""
    made: list[Host] = []
    servers: list[ThreadingHTTPServer] = []

    def start(n: int, **kw) -> list[Host]:
        for _ in range(n):
            host = Host(f"127.0.3.{len(made) + 1}", **kw)
            server = ThreadingHTTPServer((host.address, 0), _handler(host))
            server.daemon_threads = True
            host.port = server.server_address[1]
            threading.Thread(target=server.serve_forever, daemon=True).start()
            made.append(host)
            servers.append(server)
        return made[-n:]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
