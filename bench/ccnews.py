"""WARC files in CC-NEWS layout: one gzip member per record; a warcinfo record, then per captured URL a
request, a response (HTTP status line and headers, then the payload) and a metadata record, as Common
Crawl's news crawler writes them; names like CC-NEWS-20231031123456-00001.warc.gz."""

from __future__ import annotations

import base64
import hashlib
import uuid
import zlib
from collections.abc import Iterable
from datetime import datetime
from io import BytesIO
from pathlib import Path

LEVEL = 6  # Java's GZIPOutputStream default, as Common Crawl's writer uses


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def member(warc_type: str, headers: list[tuple[str, str]], block: bytes, level: int = LEVEL) -> bytes:
    """One record as one gzip member: WARC header, block, CRLF CRLF."""
    out = BytesIO()
    out.write(b"WARC/1.0\r\n")
    head = [("WARC-Type", warc_type), *headers, ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
            ("Content-Length", str(len(block)))]  # fmt: skip
    for name, value in head:
        out.write(f"{name}: {value}\r\n".encode())
    out.write(b"\r\n")
    out.write(block)
    out.write(b"\r\n\r\n")
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(out.getvalue()) + compressor.flush()


def warcinfo(name: str) -> bytes:
    info = b"software: forumwatch-bench ccnews\r\nformat: WARC File Format 1.0\r\n"
    return member("warcinfo", [("WARC-Date", "2023-10-31T12:34:56Z"), ("WARC-Filename", name),
                               ("Content-Type", "application/warc-fields")], info)  # fmt: skip


def capture(url: str, body: bytes, when: datetime, status: str = "200 OK", content_type: str = "text/html") -> bytes:
    """The request, response and metadata records of one fetch, each its own gzip member."""
    date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    host = url.split("/")[2]
    request = f"GET /{url.split('/', 3)[3] if url.count('/') >= 3 else ''} HTTP/1.1\r\nHost: {host}\r\n"
    request += "User-Agent: CCBot/2.0 (https://commoncrawl.org/faq/)\r\nAccept: text/html\r\n\r\n"
    http = (
        f"HTTP/1.1 {status}\r\nDate: {when:%a, %d %b %Y %H:%M:%S} GMT\r\nServer: nginx\r\n"
        f"Content-Type: {content_type}; charset=utf-8\r\nX-Crawler-Content-Encoding: gzip\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    response_id = f"<urn:uuid:{uuid.uuid4()}>"
    common = [("WARC-Date", date), ("WARC-Target-URI", url)]
    return b"".join(
        [
            member("request", [*common, ("Content-Type", "application/http; msgtype=request")], request.encode()),
            member(
                "response",
                [
                    *common,
                    ("Content-Type", "application/http; msgtype=response"),
                    ("WARC-Concurrent-To", response_id),
                    ("WARC-IP-Address", "192.0.2.1"),
                    ("WARC-Payload-Digest", _digest(body)),
                    ("WARC-Block-Digest", _digest(http + body)),
                    ("WARC-Identified-Payload-Type", "text/html"),
                ],
                http + body,
            ),
            member(
                "metadata",
                [*common, ("Content-Type", "application/warc-fields"), ("WARC-Concurrent-To", response_id)],
                b"fetchTimeMs: 212\r\ncharset-detected: UTF-8\r\n",
            ),
        ]
    )


def write(path: Path, captures: Iterable[tuple[str, bytes, datetime]]) -> int:
    """Write a CC-NEWS layout file of these (url, body, fetch time) captures; its size in bytes."""
    with open(path, "wb") as fh:
        fh.write(warcinfo(path.name))
        for url, body, when in captures:
            fh.write(capture(url, body, when))
    return path.stat().st_size
