"""Serve a bench corpus from many loopback addresses (127.0.1.1, 127.0.1.2, ...).

    python -m bench.server CORPUS_DIR --port 8790 [--hosts N] [--crawl-delay SECONDS]

By default each outlet answers on its own address (as on the real web, so per-host politeness does
not serialise the crawl). With --hosts N the outlets share N addresses (outlet i on address i mod N,
under /<outlet>/), so a host carries several outlets' pages, as a CMS host or a big group does.
ETag / If-None-Match (304) on feeds and pages and a 404 robots.txt. The sources CSV gets the given
crawl delay ('' = the pipeline's default). Prints one JSON line {"sources": ...} when ready; runs
until killed.
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


def host_of_outlet(index: int, hosts: int) -> int:
    return index % hosts if hosts > 0 else index


def _handler(root: Path, outlets: dict[str, tuple[str, str]]):
    """outlets: path prefix ('' or '/slug') -> (slug, base URL the pages link to)."""
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
            prefix = "" if "" in outlets else "/" + path.lstrip("/").split("/", 1)[0]
            if prefix not in outlets:
                return None
            slug, base = outlets[prefix]
            file = (root / slug / path[len(prefix) :].lstrip("/")).resolve()
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


def outlet_base(index: int, n_outlets: int, slug: str, port: int, hosts: int = 0) -> str:
    """The URL an outlet's pages and feed live under."""
    address = outlet_address(host_of_outlet(index, hosts))
    shared = 0 < hosts < n_outlets
    return f"http://{address}:{port}" + (f"/{slug}" if shared else "")


def write_sources(meta: dict, port: int, path: Path, hosts: int = 0, crawl_delay: str = "") -> Path:
    outlets = meta["outlets"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "feed_url", "homepage", "country", "language", "kind", "crawl_delay"])
        for i, outlet in enumerate(outlets):
            base = outlet_base(i, len(outlets), outlet["slug"], port, hosts)
            writer.writerow(
                [outlet["name"], f"{base}/feed.xml", f"{base}/", outlet["country"], "en", "rss", crawl_delay]
            )
    return path


def serve(root: Path, port: int, hosts: int = 0) -> list[ThreadingHTTPServer]:
    meta = load_corpus(root)
    outlets = meta["outlets"]
    by_address: dict[str, dict[str, tuple[str, str]]] = {}
    for i, outlet in enumerate(outlets):
        base = outlet_base(i, len(outlets), outlet["slug"], port, hosts)
        prefix = base.split(f":{port}", 1)[1]
        by_address.setdefault(outlet_address(host_of_outlet(i, hosts)), {})[prefix] = (outlet["slug"], base)
    servers = []
    for address, routes in by_address.items():
        server = ThreadingHTTPServer((address, port), _handler(root, routes))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--sources", type=Path, help="write a sources CSV here")
    parser.add_argument("--hosts", type=int, default=0, help="addresses the outlets share (0: one per outlet)")
    parser.add_argument("--crawl-delay", default="0", help="crawl_delay column of the sources CSV ('' = default)")
    args = parser.parse_args()
    serve(args.corpus, args.port, args.hosts)
    meta = load_corpus(args.corpus)
    path = args.sources or args.corpus / f"sources-{args.port}-{args.hosts}.csv"
    sources = write_sources(meta, args.port, path, args.hosts, args.crawl_delay)
    print(json.dumps({"sources": str(sources)}), flush=True)
    try:
        sys.stdin.read()  # until the parent closes our stdin or kills us
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
