"""Serve the bundled offline snapshot (seeds/snapshot) over HTTP on 127.0.0.1, as the demo's 'web'."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from forumwatch.resources import seeds_dir

BASE_TOKEN = "__BASE__"  # where the snapshot is served: http://127.0.0.1:PORT
SITE_TOKEN = "__SITE__"  # the pages' own address in their canonical links: the default port, whatever the port
DEFAULT_PORT = 8765
TEXT_SUFFIXES = {".xml", ".json", ".html", ".htm", ".csv", ".txt", ".rss", ".atom"}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def snapshot_dir() -> Path:
    return seeds_dir() / "snapshot"


def site_for(host: str = "127.0.0.1") -> str:
    """The address the snapshot's pages name as their canonical home (the demo's default port)."""
    return f"http://{host}:{DEFAULT_PORT}"


def fill(text: str, base: str, site: str | None = None) -> str:
    """A snapshot file's text as served from `base`: both tokens replaced."""
    return text.replace(BASE_TOKEN, base).replace(SITE_TOKEN, site or site_for(_host_of(base)))


def _host_of(base: str) -> str:
    return base.split("://", 1)[-1].rsplit(":", 1)[0] or "127.0.0.1"


def _handler(root: Path, base: list[str]):
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the demo's output readable
            pass

        def do_GET(self) -> None:
            path = (root / self.path.split("?", 1)[0].lstrip("/")).resolve()
            if path.is_dir():
                path = path / "index.html"
            if root not in path.parents or not path.is_file() or path.name.endswith(".py"):
                self.send_error(404)
                return
            body = path.read_bytes()
            if path.suffix in TEXT_SUFFIXES:
                body = fill(body.decode("utf-8", "surrogateescape"), base[0]).encode("utf-8", "surrogateescape")
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(path.stat().st_mtime, usegmt=True))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_snapshot(root: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve a snapshot folder (port 0: any free port); yields the base URL that replaces __BASE__."""
    root = (root or snapshot_dir()).resolve()
    base = [""]
    server = ThreadingHTTPServer((host, port), _handler(root, base))
    base[0] = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base[0]
    finally:
        server.shutdown()
        server.server_close()


def write_sources(base: str, target: Path, root: Path | None = None) -> Path:
    """The snapshot's sources.csv with __BASE__ replaced, written to target."""
    text = ((root or snapshot_dir()) / "sources.csv").read_text(encoding="utf-8")
    target.write_text(fill(text, base), encoding="utf-8")
    return target
