"""warc_scan: other outlets' records are stepped over without inflating their bodies, in every layout."""

from __future__ import annotations

import gzip
import random
import sys
import zlib
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench import ccnews
from forumwatch.tasks import warc_scan
from forumwatch.tasks.sources import read_sources
from forumwatch.tasks.warc import WarcArchive, archive_key, iter_responses
from forumwatch.tasks.warc_input import iter_pages, scan_pages
from forumwatch.tasks.warc_scan import ScanStats

WHEN = datetime(2023, 10, 31, 12)
OURS = "https://www.planet.example"


def html(n: int, size: int = 40_000) -> bytes:
    words = " ".join(f"word{(n * 31 + i) % 997}" for i in range(size // 8))
    return f"<html><head><title>Story {n}</title></head><body><article><p>{words}</p></article></body></html>".encode()


def corrupt_body(member: bytes) -> bytes:
    """The member with the last two thirds of its deflate data garbled (the WARC header survives) and its
    trailer intact: inflating the body fails, stepping over it does not."""
    cut = len(member) // 3
    return member[:cut] + bytes(b ^ 0x5A for b in member[cut:-8]) + member[-8:]


def sources(tmp_path: Path):
    path = tmp_path / "sources.csv"
    path.write_text(f"id,name,feed_url,homepage\nplanet,Planet,{OURS}/feed.xml,{OURS}/\n")
    return read_sources(str(path))


def foreign_capture(n: int) -> bytes:
    """request, response (body garbled), metadata of another outlet's page."""
    records = ccnews.capture(f"https://www.other{n}.example/news/{n}.html", html(n, 200_000), WHEN)
    members = split_members(records)
    return members[0] + corrupt_body(members[1]) + members[2]


def split_members(data: bytes) -> list[bytes]:
    """The gzip members of `data`, by inflating each (test helper)."""
    out, pos = [], 0
    while pos < len(data):
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        inflater.decompress(data[pos:])
        end = len(data) - len(inflater.unused_data)
        out.append(data[pos:end])
        pos = end
    return out


def test_foreign_bodies_are_stepped_over_unread(tmp_path):
    path = tmp_path / "CC-NEWS-20231031123456-00001.warc.gz"
    with open(path, "wb") as fh:
        fh.write(ccnews.warcinfo(path.name))
        for n in range(12):
            fh.write(foreign_capture(n) if n % 3 else ccnews.capture(f"{OURS}/news/{n}.html", html(n), WHEN))
    stats = ScanStats()
    pages = list(scan_pages([path], sources(tmp_path), stats))
    assert [p.item.url for p in pages] == [f"{OURS}/news/{n}.html" for n in (0, 3, 6, 9)]
    assert all(p.result.text and "Story" in p.result.text for p in pages)
    assert stats.problems == [] and stats.skipped == 8 and stats.read == 4
    ours = sum(len(html(n)) for n in (0, 3, 6, 9))
    assert stats.bytes_inflated < ours + 12 * 3 * 4096  # our bodies, and a few KB of header per record
    # inflating every record instead finds the garbled bodies (and still reads ours)
    strict = ScanStats()
    assert [p.item.url for p in scan_pages([path], sources(tmp_path), strict, step_over=False)] == [
        p.item.url for p in pages
    ]
    assert len(strict.problems) == 8 and strict.skipped == 0
    # the foreign bodies really are corrupt: warcio, which inflates everything, loses pages over them
    assert len(list(iter_responses(path))) < 4


def test_damaged_and_torn_files_are_recorded_and_the_rest_loads(tmp_path):
    members = [ccnews.capture(f"{OURS}/news/{n}.html", html(n), WHEN) for n in range(4)]
    damaged = tmp_path / "damaged.warc.gz"
    parts = split_members(members[1])
    damaged.write_bytes(members[0] + parts[0] + corrupt_body(parts[1]) + parts[2] + members[2])
    torn = tmp_path / "torn.warc.gz"
    torn.write_bytes(members[3][: len(members[3]) - 5000])
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(b"\x1f\x8b\x08" + bytes(range(256)) * 4)
    stats = ScanStats()
    pages = list(scan_pages([damaged, torn, garbage], sources(tmp_path), stats))
    assert [p.item.url for p in pages] == [f"{OURS}/news/0.html", f"{OURS}/news/2.html"]
    problems = {(Path(f).name, message.split(":")[0]) for f, _, message in stats.problems}
    assert ("damaged.warc.gz", "unreadable record") in problems
    assert ("torn.warc.gz", "unreadable record") in problems
    assert ("garbage.warc.gz", "unreadable record") in problems
    assert any("torn" in m for f, _, m in stats.problems if f.endswith("torn.warc.gz"))


def test_other_layouts_read_whole_with_the_same_pages(tmp_path):
    """One gzip stream for the whole file, and an uncompressed file: read by warcio, same pages."""
    captures = b"".join(ccnews.capture(f"{OURS}/news/{n}.html", html(n), WHEN) for n in range(3))
    captures += ccnews.capture("https://www.other.example/x.html", html(9), WHEN)
    plain = gzip.decompress(captures)
    (tmp_path / "one-stream.warc.gz").write_bytes(gzip.compress(plain))
    (tmp_path / "plain.warc").write_bytes(plain)
    (tmp_path / "members.warc.gz").write_bytes(captures)
    urls = {}
    for name in ("one-stream.warc.gz", "plain.warc", "members.warc.gz"):
        stats = ScanStats()
        urls[name] = [p.item.url for p in scan_pages([tmp_path / name], sources(tmp_path), stats)]
        assert stats.problems == []
    assert urls["one-stream.warc.gz"] == urls["plain.warc"] == urls["members.warc.gz"]
    assert urls["members.warc.gz"] == [f"{OURS}/news/{n}.html" for n in range(3)]


def test_our_signed_archive_reads_as_warcio_reads_it(tmp_path):
    """Signed records keep their WARC-Source-Id, on any host; unsigned claims count for nothing."""
    raw = tmp_path / "raw"
    archive = WarcArchive(raw, "run")
    headers = [("Content-Type", "text/html")]
    archive.write_response(f"{OURS}/a.html", 200, "OK", headers, html(1), WHEN, {"WARC-Source-Id": "planet"})
    archive.write_response("https://mirror.example/b.html", 200, "OK", headers, html(2), WHEN,
                           {"WARC-Source-Id": "planet"})  # fmt: skip
    archive.write_response("https://elsewhere.example/c.html", 200, "OK", headers, html(3), WHEN)
    archive.close()
    forged = WarcArchive(tmp_path / "forged", "x")
    forged.write_response(
        "https://evil.example/d.html", 200, "OK", headers, html(4), WHEN, {"WARC-Source-Id": "planet"}
    )
    forged.close()
    files = sorted(raw.glob("*.warc.gz")) + sorted((tmp_path / "forged").glob("*.warc.gz"))
    src = sources(tmp_path)
    key = archive_key(raw)
    scanned = [(p.item.url, p.item.source_id, p.trusted) for p in scan_pages(files, src, ScanStats(), key)]
    assert scanned == [(p.item.url, p.item.source_id, p.trusted) for p in iter_pages(files, src, key)]
    assert scanned == [(f"{OURS}/a.html", "planet", True), ("https://mirror.example/b.html", "planet", True)]


def test_stepping_over_passes_decoy_member_starts_across_window_edges(tmp_path, monkeypatch):
    """A skipped body holding the gzip magic, and the member's own ISIZE + magic with no WARC record after
    them, is stepped over to the real next record, also when candidates straddle the read window's edge."""
    path = tmp_path / "decoys.warc.gz"
    with open(path, "wb") as fh:
        for n in range(6):
            if n % 2 == 0:
                fh.write(ccnews.capture(f"{OURS}/news/{n}.html", html(n), WHEN))
                continue
            noise = random.Random(n).randbytes(20_000).hex().encode()  # a body that stays ~20 KB compressed
            capture = ccnews.capture(f"https://www.other{n}.example/news/{n}.html", noise, WHEN)
            request, response, metadata = split_members(capture)
            isize = response[-4:]
            garbled = bytearray(corrupt_body(response))
            for at in range(len(response) // 3 + 37 * n, len(response) - 100, 1500):  # in the garbled part
                decoy = warc_scan.MAGIC + b"\x00" if at % 3 else isize + warc_scan.MAGIC + b"\x00junk"
                garbled[at : at + len(decoy)] = decoy
            fh.write(request + bytes(garbled) + metadata)
    for window in range(64, 128):  # a window edge every few dozen bytes, over every alignment
        monkeypatch.setattr(warc_scan, "BUFFER", window)
        stats = ScanStats()
        pages = list(scan_pages([path], sources(tmp_path), stats))
        assert [p.item.url for p in pages] == [f"{OURS}/news/{n}.html" for n in (0, 2, 4)]
        assert stats.problems == [] and stats.skipped == 3 and stats.inflated_to_skip == 12  # requests, metadata
