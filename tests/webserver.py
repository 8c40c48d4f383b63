"""A small threaded HTTP server on 127.0.0.1 for tests: routes map a path to a canned or slow response."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds before answering
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None  # full control when set


class Site:
    """Routes by path (query ignored) and a log of requested paths."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.base = ""

    def add(
        self, path: str, body: bytes | str = b"", status: int = 200, content_type: str | None = None, **kwargs
    ) -> str:
        route = Route(status=status, body=body.encode() if isinstance(body, str) else body, **kwargs)
        if content_type:
            route.headers = {**route.headers, "Content-Type": content_type}
        self.routes[path] = route
        return self.base + path


def _handler_for(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.requests.append((self.path, dict(self.headers)))
            route = site.routes.get(path)
            if route is None:
                body = b"not found"
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if route.delay:
                time.sleep(route.delay)
            if route.handler:
                route.handler(self)
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def serve(host: str = "127.0.0.1", port: int = 0) -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer((host, port), _handler_for(site))
    server.daemon_threads = True
    site.base = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
