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
from http.server import ThreadingHTTPServer
from pathlib import Path
from socketserver import StreamRequestHandler

from bench.pages import load_corpus


def outlet_address(index: int) -> str:
    return f"127.0.1.{index + 1}"


def host_of_outlet(index: int, hosts: int) -> int:
    return index % hosts if hosts > 0 else index


def _bodies(root: Path, outlets: dict[str, tuple[str, str]]):
    """The body and ETag of a path of these outlets (None: not theirs), made from the corpus file once and then
    kept: the outlets stand for web servers elsewhere, so the work they do per request on the cores the pipeline
    is measured on is kept small (a page once read and hashed costs only the HTTP exchange)."""
    cache: dict[str, tuple[bytes, str]] = {}
    lock = threading.Lock()

    def body_of(path: str) -> tuple[bytes, str] | None:
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
        found = body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        with lock:
            cache[path] = found
        return found

    return body_of


def _handler(body_of):
    """A lean HTTP/1.1 handler (keep-alive) of GET and HEAD for body_of's bodies, with ETag / If-None-Match (304)
    and 404 for the rest. http.server's own request parsing and header writing cost 0.2 CPU-ms a request of the
    cores the pipeline is measured on, for what web servers elsewhere do."""
    mtime = formatdate(usegmt=True)

    class Handler(StreamRequestHandler):
        def handle(self) -> None:
            while self._one():
                pass

        def _one(self) -> bool:
            """Answer one request; whether the connection stays open."""
            try:
                method, target, version = self.rfile.readline(65537).split()
            except ValueError:  # closed, or not a request line
                return False
            headers: dict[bytes, bytes] = {}
            for _ in range(100):
                line = self.rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            keep = version == b"HTTP/1.1" and headers.get(b"connection", b"").lower() != b"close"
            path = target.split(b"?", 1)[0].decode("latin-1")
            found = body_of(path) if method in (b"GET", b"HEAD") else None
            if found is None:
                head, length, body = "404 Not Found", 0, b""
            elif headers.get(b"if-none-match", b"").decode("latin-1") == found[1]:
                head, length, body = f"304 Not Modified\r\nETag: {found[1]}", 0, b""
            else:
                kind = "application/rss+xml" if path.endswith(".xml") else "text/html; charset=utf-8"
                head = f"200 OK\r\nContent-Type: {kind}\r\nETag: {found[1]}\r\nLast-Modified: {mtime}"
                length, body = len(found[0]), found[0] if method == b"GET" else b""
            closing = "" if keep else "\r\nConnection: close"
            self.wfile.write(f"HTTP/1.1 {head}\r\nContent-Length: {length}{closing}\r\n\r\n".encode() + body)
            return keep

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
    paths: dict[str, list[str]] = {}  # each outlet's pages and feed
    for page in meta["pages"]:
        paths.setdefault(page["outlet"], []).append(page["path"])
    servers = []
    for address, routes in by_address.items():
        body_of = _bodies(root, routes)
        for prefix, (slug, _) in routes.items():  # made before the first request, as a static server has them
            for path in [*paths.get(slug, []), "/feed.xml"]:
                body_of(prefix + path)
        server = ThreadingHTTPServer((address, port), _handler(body_of))
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
