"""warc: the raw archive writer and its tolerant reader."""

from __future__ import annotations

import logging
import os
import re
import threading
import zlib
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from forumwatch.tasks.warc import (
    WarcArchive,
    _record_member,
    _sha1_b32,
    archive_key,
    iter_responses,
    response_member,
    signed_by,
)

WHEN = datetime(2025, 6, 1, 12, 0, 0)


def write(archive: WarcArchive, i: int, body: bytes) -> str:
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Content-Length", "12"),
               ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]  # fmt: skip
    return archive.write_response(f"http://example.org/{i}", 200, "OK", headers, body, WHEN, {"WARC-Source-Id": "src"})


def test_round_trip_and_self_consistent_headers(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "run")
    path = write(archive, 1, "<p>héllo</p>".encode())
    archive.close()
    assert path == str(tmp_path / "run-0.warc.gz")
    [rec] = list(iter_responses(path))
    assert rec.url == "http://example.org/1" and rec.status == 200
    assert rec.body == "<p>héllo</p>".encode()
    assert rec.date.startswith("2025-06-01T12:00:00")
    assert "Content-Encoding" not in rec.headers and rec.headers["X-Crawler-Content-Encoding"] == "gzip"
    assert rec.headers["Content-Length"] == str(len(rec.body))
    assert rec.headers["Set-Cookie"] == "a=1, b=2"
    assert rec.warc_headers["WARC-Source-Id"] == "src"
    assert signed_by(rec, archive_key(tmp_path))  # the signature still covers what the record reads back as


def test_one_new_file_per_archive_and_none_when_empty(tmp_path: Path) -> None:
    first, second, empty = WarcArchive(tmp_path, "p"), WarcArchive(tmp_path, "p"), WarcArchive(tmp_path, "p")
    assert write(first, 1, b"a").endswith("p-0.warc.gz")
    assert write(second, 2, b"b").endswith("p-1.warc.gz")
    for a in (first, second, empty):
        a.close()
    assert sorted(os.listdir(tmp_path)) == ["archive.key", "p-0.warc.gz", "p-1.warc.gz"]  # the key signs our records


def test_torn_last_record_is_skipped_with_a_warning(tmp_path: Path, caplog) -> None:
    archive = WarcArchive(tmp_path, "torn")
    sizes = []
    for i in range(3):
        path = write(archive, i, os.urandom(20_000) if i == 2 else b"body %d" % i)
        sizes.append(os.path.getsize(path))
    archive.close()
    assert len(list(iter_responses(path))) == 3
    data = Path(path).read_bytes()
    for cut in (sizes[1] + 10, (sizes[1] + sizes[2]) // 2, sizes[2] - 100):  # inside the 3rd record
        Path(path).write_bytes(data[:cut])
        with caplog.at_level(logging.WARNING, logger="forumwatch.tasks.warc"):
            caplog.clear()
            records = list(iter_responses(path))
        assert [r.url for r in records] == ["http://example.org/0", "http://example.org/1"]
        assert [r.body for r in records] == [b"body 0", b"body 1"]
        assert caplog.records, "a torn record must be reported"


def test_concurrent_writers(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "mt")

    def work(t: int) -> None:
        for i in range(25):
            write(archive, t * 100 + i, b"x" * (t * 100 + i))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    archive.close()
    records = list(iter_responses(tmp_path / "mt-0.warc.gz"))
    assert len(records) == 200
    assert all(len(r.body) == int(r.url.rsplit("/", 1)[1]) for r in records)


def warcio_member(uri: str, http: StatusAndHeaders, body: bytes, warc_headers: dict[str, str]) -> bytes:
    """The path response_member replaced: warcio's WARCWriter writes the record into a BytesIO, gzipped whole."""
    return _record_member(
        lambda w: w.write_record(
            w.create_warc_record(
                uri,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict=warc_headers,
            )  # fmt: skip
        ),
        1,
    )


@pytest.mark.parametrize(
    "headers, body, extra",
    [
        ([("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
         "<p>héllo</p>".encode() * 5000, {"WARC-Source-Id": "src", "WARC-Fetch-Kind": "page"}),
        ([("Content-Disposition", "attachment; filename=\"résumé.html\""), ("X-Title", "naïve")], b"", {}),
        ([("Location", "/next")], os.urandom(70_000), {"WARC-Truncated": "length", "WARC-Forumwatch-Signature": "x"}),
    ],
)  # fmt: skip
def test_response_member_is_byte_identical_to_warcios_writer(headers, body: bytes, extra: dict[str, str]) -> None:
    def http() -> StatusAndHeaders:  # each writer gets its own: warcio %-encodes non-ASCII values in place
        return StatusAndHeaders("200 OK", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")

    uri = "http://example.org/a%20b?q=é"
    warc_headers = {"WARC-Date": "2025-06-01T12:00:00Z", "WARC-Payload-Digest": _sha1_b32(body), **extra}
    old = warcio_member(uri, http(), body, dict(warc_headers))
    plain = zlib.decompress(old, 16 + zlib.MAX_WBITS)
    record_id = re.search(rb"WARC-Record-ID: (\S+)", plain)[1].decode()  # type: ignore[index]
    new = response_member(uri, http(), body, dict(warc_headers), 1, record_id)
    assert new == old
    records = ArchiveIterator(BytesIO(new), check_digests="raise")  # block and payload digests verified
    assert [r.content_stream().read() for r in records] == [body]
