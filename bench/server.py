"""Serve a bench corpus from many loopback addresses, one per outlet (127.0.1.1, 127.0.1.2, ...).

    python -m bench.server CORPUS_DIR --port 8790

Each outlet answers on its own address (as on the real web, so per-host politeness does not
serialise the crawl), with ETag / If-None-Match (304) on feeds and pages and a 404 robots.txt.
Prints one JSON line {"sources": ...} when ready; runs until killed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.pages import load_corpus


def outlet_address(index: int) -> str:
    return f"127.0.1.{index + 1}"


def _handler(root: Path, slug: str, base: str):
    cache: dict[str, tuple[bytes, str]] = {}
    lock = threading.Lock()
    mtime = formatdate(usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _body(self, path: str) -> tuple[bytes, str] | None:
            with lock:
                hit = cache.get(path)
            if hit is not None:
                return hit
            file = (root / slug / path.lstrip("/")).resolve()
            if (root / slug).resolve() not in file.parents or not file.is_file():
                return None
            body = file.read_bytes().replace(b"__BASE__", base.encode())
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if path.endswith(".xml"):  # pages are read once per run; keep only feeds in memory
                with lock:
                    cache[path] = (body, etag)
            return body, etag

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            found = self._body(path)
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, etag = found
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            kind = "application/rss+xml" if path.endswith(".xml") else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", mtime)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def write_sources(meta: dict, port: int, path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "feed_url", "homepage", "country", "language", "kind", "crawl_delay"])
        for i, outlet in enumerate(meta["outlets"]):
            base = f"http://{outlet_address(i)}:{port}"
            writer.writerow([outlet["name"], f"{base}/feed.xml", f"{base}/", outlet["country"], "en", "rss", "0"])
    return path


def serve(root: Path, port: int) -> list[ThreadingHTTPServer]:
    meta = load_corpus(root)
    servers = []
    for i, outlet in enumerate(meta["outlets"]):
        address = outlet_address(i)
        server = ThreadingHTTPServer((address, port), _handler(root, outlet["slug"], f"http://{address}:{port}"))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--sources", type=Path, help="write a sources CSV here")
    args = parser.parse_args()
    serve(args.corpus, args.port)
    meta = load_corpus(args.corpus)
    sources = write_sources(meta, args.port, args.sources or args.corpus / f"sources-{args.port}.csv")
    print(json.dumps({"sources": str(sources)}), flush=True)
    try:
        sys.stdin.read()  # until the parent closes our stdin or kills us
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
