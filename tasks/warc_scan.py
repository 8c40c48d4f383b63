"""Fast reading of .warc.gz files written one gzip member per record (CC-NEWS, our raw archive): each
record's WARC header is inflated alone, and a record nobody wants is stepped over without inflating its body.

How a member is stepped over: its header gives the block's Content-Length, hence the member's whole
uncompressed size (header + block + CRLF CRLF). The next member is the first gzip magic after the header
whose preceding 4 bytes (the gzip trailer's ISIZE) equal that size and whose own header inflates to a WARC
header. When no such start turns up within the largest compressed size the member could have (deflate's
worst case), or the file is not one record per member, the member is inflated after all (output thrown
away, never held). A file that is not gzip is read by warcio (tasks/warc.py), one whose first member holds
several records is inflated as one stream (one_stream), so every layout reads; only the common one is fast.

Limit (documented, not fixed): a page body that a WARC writer stored verbatim (a deflate "stored" block,
which zlib uses for incompressible data) could carry bytes that look like a member start with the right
ISIZE; such a fake record would be read as the next record. Inflating every member (`step_over=False`,
FORUMWATCH_WARC_STEP_OVER=0) excludes this at the cost of inflating every body.
"""

from __future__ import annotations

import gzip
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from forumwatch.tasks.warc import ArchivedResponse, read_response

MAGIC = b"\x1f\x8b\x08"
HEAD_STEP = 1024  # bytes of output inflated at a time while looking for the end of the WARC header
HEAD_LIMIT = 64 * 1024  # a WARC header longer than this makes the record unreadable
READ = 256 * 1024  # compressed bytes inflated at a time
HEAD_READ = 8 * 1024  # compressed bytes fed while looking for the WARC header
BUFFER = 8 * 1024 * 1024  # bytes of the file read at a time
SMALL = 16 * 1024  # members at most this big uncompressed are inflated whole (request, metadata, warcinfo)
MAX_RECORD = 64 * 1024 * 1024  # a record bigger than this (uncompressed) is never read whole


class NotOnePerMember(Exception):
    """The file does not hold exactly one record per gzip member: read it with warcio instead."""


@dataclass(frozen=True)
class Head:
    """What a record's WARC header says, and where its gzip member starts."""

    offset: int
    rec_type: str
    uri: str
    date: str
    warc_headers: dict[str, str]
    size: int  # the member's uncompressed size: header + block + CRLF CRLF


@dataclass
class ScanStats:
    records: int = 0
    read: int = 0  # records inflated whole because they were wanted
    skipped: int = 0  # records stepped over by scanning for the next member
    inflated_to_skip: int = 0  # unwanted records that had to be inflated to find their end
    bytes_inflated: int = 0  # decompressed bytes produced, headers included
    skip_seconds: float = 0.0  # spent reading the headers of unwanted records and stepping over them
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # (file, offset, message)


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(3) == MAGIC


def _parse_head(raw: bytes) -> tuple[str, dict[str, str], dict[str, str]]:
    """(version line, headers, the first value of each header by its lower-case name) of a WARC header
    block; ValueError when it is not one."""
    lines = raw.decode("utf-8", "replace").split("\r\n")
    if not lines[0].startswith("WARC/1."):
        raise ValueError(f"not a WARC record (starts {raw[:16]!r})")
    headers: dict[str, str] = {}
    by_lower: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"bad WARC header line {line[:80]!r}")
        name, value = name.strip(), value.strip()
        headers.setdefault(name, value)
        by_lower.setdefault(name.lower(), value)
    return lines[0], headers, by_lower


class MemberReader:
    """Reads the gzip members of one file: heads, whole records, and steps over unwanted ones."""

    def __init__(self, fh: BinaryIO, path: Path, size: int, stats: ScanStats, step_over: bool = True) -> None:
        self.fh, self.path, self.size, self.stats, self.step_over = fh, path, size, stats, step_over
        self.buf, self.base = b"", 0  # a window of the file: bytes base .. base + len(buf)

    def _window(self, offset: int, n: int) -> int:
        """Make bytes offset .. offset + n (or to the file's end) sit in self.buf; their index there."""
        if not (self.base <= offset and min(offset + n, self.size) <= self.base + len(self.buf)):
            self.fh.seek(offset)
            self.buf, self.base = self.fh.read(max(n, BUFFER)), offset
        return offset - self.base

    def _read(self, offset: int, n: int) -> memoryview:
        i = self._window(offset, n)
        return memoryview(self.buf)[i : i + n]

    def _peek(self, offset: int, n: int) -> bytes:
        """Bytes at `offset` without moving the window."""
        if self.base <= offset and offset + n <= self.base + len(self.buf):
            return self.buf[offset - self.base : offset - self.base + n]
        self.fh.seek(offset)
        return self.fh.read(n)

    def head(self, offset: int) -> tuple[Head, zlib._Decompress, int, bytes]:
        """The record at `offset`, its decompressor, the compressed bytes fed to it and its output so far.
        ValueError (or zlib.error) when no WARC record starts there."""
        data = self._read(offset, HEAD_READ)
        if bytes(data[:3]) != MAGIC:
            raise ValueError("no gzip member starts here")
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        fed, out = len(data), b""
        pending: bytes | memoryview = data
        while True:
            out += inflater.decompress(pending, HEAD_STEP)
            pending = inflater.unconsumed_tail
            end = out.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(out) > HEAD_LIMIT:
                raise ValueError(f"WARC header longer than {HEAD_LIMIT} bytes")
            if inflater.eof:
                raise ValueError("gzip member ends inside the WARC header")
            if not pending:
                more = self._read(offset + fed, HEAD_READ)
                if not more:
                    raise ValueError("file ends inside the WARC header")
                fed += len(more)
                pending = more
        self.stats.bytes_inflated += len(out)
        version, headers, by_lower = _parse_head(out[: end + 4])
        try:
            length = int(by_lower.get("content-length", ""))
        except ValueError:
            raise ValueError("WARC header without a valid Content-Length") from None
        if length < 0:
            raise ValueError("negative Content-Length")
        head = Head(
            offset=offset,
            rec_type=by_lower.get("warc-type", ""),
            uri=by_lower.get("warc-target-uri", "").strip("<>"),
            date=by_lower.get("warc-date", ""),
            warc_headers=headers,
            size=end + 4 + length + 4,
        )
        return head, inflater, fed, out

    def inflate_rest(
        self, head: Head, inflater: zlib._Decompress, fed: int, out: bytes, keep: bool
    ) -> tuple[bytes, int]:
        """Inflate the rest of the member: (its whole uncompressed bytes when `keep`, else b"", the offset
        of the next member). NotOnePerMember when the member does not hold exactly this one record;
        ValueError when it is torn or corrupt."""
        pos = head.offset + fed
        total = len(out)
        parts = [out] if keep else []
        pending: bytes | memoryview = b"" if inflater.eof else inflater.unconsumed_tail
        while not inflater.eof:
            if not pending:
                pending = self._read(pos, READ)
                if not pending:
                    raise ValueError("file ends inside the record (torn)")
                pos += len(pending)
            chunk = inflater.decompress(pending, READ * 4)
            pending = inflater.unconsumed_tail
            total += len(chunk)
            self.stats.bytes_inflated += len(chunk)
            if total > head.size:
                raise NotOnePerMember(f"gzip member at {head.offset} holds more than one record")
            if keep:
                parts.append(chunk)
        if total != head.size:
            raise NotOnePerMember(f"gzip member at {head.offset} holds {total} bytes, its record says {head.size}")
        next_offset = pos - len(inflater.unused_data)  # at the end, what is left of the input is there
        return (b"".join(parts) if keep else b""), next_offset

    def skip(self, head: Head, inflater: zlib._Decompress, fed: int, out: bytes) -> int:
        """The offset of the next member, found without inflating this one's body when possible."""
        if self.step_over and head.size > SMALL and not inflater.eof:
            consumed = fed - len(inflater.unconsumed_tail)
            found = self._scan_for_next(head, head.offset + consumed)
            if found is not None:
                self.stats.skipped += 1
                return found
        self.stats.inflated_to_skip += 1
        return self.inflate_rest(head, inflater, fed, out, keep=False)[1]

    def _scan_for_next(self, head: Head, start: int) -> int | None:
        """The first gzip magic after `start` preceded by this member's ISIZE, within deflate's worst-case
        size of the member; the file's end when the member ends exactly there; None when neither is found."""
        isize = struct.pack("<I", head.size & 0xFFFFFFFF)
        needle = isize + MAGIC  # found as one string: far fewer candidates, and longer skips while searching
        limit = min(head.offset + head.size + head.size // 1000 + 70_000, self.size)  # stored blocks, header fields
        pos = max(start, head.offset + 18)  # 10-byte gzip header, 8-byte trailer
        while pos < limit:
            i = self._window(pos - 4, 8)
            end = min(len(self.buf), i + 4 + (limit - pos))
            at = i + 4
            while (hit := self.buf.find(needle, at - 4, end) + 4) >= 4:  # the magic's index, ISIZE before it
                flags = self.buf[hit + 3] if hit + 3 < len(self.buf) else 0
                if not flags & 0xE0 and self._starts_record(self.base + hit):
                    return self.base + hit
                at = hit + 1
            pos = max(pos + 1, self.base + end - 2)  # a magic cut by the window's end is seen next time
        if limit == self.size and self._peek(self.size - 4, 4) == isize:
            return self.size
        return None

    def _starts_record(self, offset: int) -> bool:
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        try:
            return inflater.decompress(self._peek(offset, 256), 8).startswith(b"WARC/1.")
        except zlib.error:
            return False

    def record(
        self, head: Head, inflater: zlib._Decompress, fed: int, out: bytes
    ) -> tuple[ArchivedResponse | None, int]:
        """The response at `head` read whole (None when it is torn or not a response), and the next offset."""
        if head.size > MAX_RECORD:
            raise ValueError(f"record of {head.size} bytes is over the {MAX_RECORD} byte limit")
        plain, next_offset = self.inflate_rest(head, inflater, fed, out, keep=True)
        self.stats.read += 1
        record = next(iter(ArchiveIterator(BytesIO(plain), block_size=len(plain))), None)  # one read, not 16 KB ones
        if record is None or record.rec_type != "response":
            return None, next_offset
        return read_response(record), next_offset

    def resync(self, after: int) -> int | None:
        """The offset of the next member that starts a WARC record, after a damaged one."""
        pos = after + 1
        while pos < self.size:
            i = self._window(pos, 8)
            at = i
            while (hit := self.buf.find(MAGIC, at)) >= 0:
                if self._starts_record(self.base + hit):
                    return self.base + hit
                at = hit + 1
            pos = max(pos + 1, self.base + len(self.buf) - 2)
        return None


def scan(
    path: Path, wanted: Callable[[Head], bool], stats: ScanStats, step_over: bool = True
) -> Iterator[tuple[Head, ArchivedResponse | None]]:
    """(head, response) of the records `wanted(head)` accepts, read whole; every other record is stepped
    over. A damaged record is recorded in `stats.problems` and reading resumes at the next record.
    NotOnePerMember when the file's layout needs warcio instead (raised before anything is yielded only
    if the first record shows it; later it is recorded as a problem for that record)."""
    size = path.stat().st_size
    with open(path, "rb", buffering=0) as fh:
        reader = MemberReader(fh, path, size, stats, step_over)
        offset: int | None = 0
        first = True
        while offset is not None and offset < size:
            try:
                started = time.perf_counter()
                head, inflater, fed, out = reader.head(offset)
                stats.records += 1
                if wanted(head):
                    response, offset = reader.record(head, inflater, fed, out)
                    yield head, response
                else:
                    offset = reader.skip(head, inflater, fed, out)
                    stats.skip_seconds += time.perf_counter() - started
            except NotOnePerMember:
                if first:
                    raise
                stats.problems.append((str(path), offset, "gzip member does not hold exactly one record; skipped"))
                offset = reader.resync(offset)
            except (ValueError, zlib.error) as exc:
                stats.problems.append((str(path), offset, f"unreadable record: {exc}"))
                offset = reader.resync(offset)
            first = False


def one_stream(path: Path, stats: ScanStats) -> Iterator[ArchivedResponse | None]:
    """The responses of a .warc.gz compressed as one gzip stream (which warcio refuses), inflated as a
    stream; an unreadable part ends the file, recorded in `stats.problems`."""
    try:
        with gzip.open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                stats.records += 1
                if record.rec_type == "response":
                    stats.read += 1
                    yield read_response(record)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        stats.problems.append((str(path), -1, f"unreadable after record {stats.records}: {exc}"))
