"""Raw archive: append HTTP responses to gzipped WARC files, and read them back tolerantly."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from forumwatch import __version__

log = logging.getLogger(__name__)

# Headers that describe the wire form, not the stored (decoded) body: kept as X-Crawler-<name>.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding"}


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    date: str  # WARC-Date, ISO 8601 UTC
    status: int | None
    headers: dict[str, str]
    body: bytes
    warc_headers: dict[str, str]


def _warc_date(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat() + "Z" if when.tzinfo is None else when.isoformat()


GZIP_LEVEL = 1  # 4x faster than warcio's level 9 on news HTML, for ~15% more bytes


def gzip_member(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """One gzip member (a WARC.gz holds one per record)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def _record_member(build, level: int) -> bytes:
    """Serialise the record that build(writer) writes, as one gzip member at `level`."""
    plain = BytesIO()
    build(WARCWriter(plain, gzip=False))
    return gzip_member(bytes(plain.getbuffer()), level)


class WarcArchive:
    """One WARC file per fetch run; thread-safe; the file is created on the first record."""

    def __init__(self, directory: Path, prefix: str, gzip_level: int = GZIP_LEVEL) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.gzip_level = gzip_level
        self.path: Path | None = None
        self._lock = threading.Lock()
        self._fh: BinaryIO | None = None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        n = 0
        while True:
            path = self.directory / f"{self.prefix}-{n}.warc.gz"
            try:
                self._fh = open(path, "xb")  # 'x': never append to another run's file
                break
            except FileExistsError:
                n += 1
        self.path = path
        self._fh.write(
            _record_member(
                lambda w: w.write_record(
                    w.create_warcinfo_record(path.name, {"software": f"forumwatch/{__version__}"})
                ),
                self.gzip_level,
            )
        )

    def write_response(
        self,
        url: str,
        status: int,
        reason: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        date: datetime,
        extra: dict[str, str] | None = None,
    ) -> str:
        """Append one response record (body already decompressed); returns the file path."""
        stored = [(k, v) for k, v in headers if k.lower() not in _WIRE_HEADERS | {"content-length"}]
        stored += [(f"X-Crawler-{k}", v) for k, v in headers if k.lower() in _WIRE_HEADERS]
        stored.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason or ''}".strip(), stored, protocol="HTTP/1.1")
        # The payload digest and length given up front spare warcio a copy and a digest pass of the body.
        warc_headers = {"WARC-Date": _warc_date(date), "WARC-Payload-Digest": _sha1_b32(body), **(extra or {})}
        # Digest and gzip the record outside the lock (zlib releases the GIL), then append its bytes.
        member = _record_member(
            lambda w: w.write_record(
                w.create_warc_record(
                    url,
                    "response",
                    payload=BytesIO(body),
                    length=len(body),
                    http_headers=http_headers,
                    warc_headers_dict=warc_headers,
                )
            ),
            self.gzip_level,
        )
        with self._lock:
            if self._fh is None:
                self._open()
            assert self._fh is not None and self.path is not None
            self._fh.write(member)
            self._fh.flush()
            return str(self.path)

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


def _sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def iter_responses(path: str | Path) -> Iterator[ArchivedResponse]:
    """Yield the response records of a WARC file; a torn (truncated) record ends the
    iteration with a warning instead of an exception."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        archive = ArchiveIterator(fh)
        records = iter(archive)
        while True:
            try:
                record = next(records)
            except StopIteration:
                if archive.offset < size:  # e.g. cut inside a gzip header: nothing readable
                    log.warning(
                        "%s: torn tail of %d bytes after offset %d skipped", path, size - archive.offset, archive.offset
                    )
                return
            except Exception as exc:  # torn gzip member or WARC header
                log.warning("%s: unreadable record after %d bytes, skipped: %s", path, fh.tell(), exc)
                return
            if record.rec_type != "response":
                continue
            try:
                item = _read_response(record)
            except Exception as exc:  # torn payload
                log.warning(
                    "%s: torn record %s skipped: %s", path, record.rec_headers.get_header("WARC-Target-URI"), exc
                )
                return
            if item is None:
                log.warning("%s: torn record %s skipped", path, record.rec_headers.get_header("WARC-Target-URI"))
                continue  # the iterator then ends (or raises, handled above) at the torn tail
            yield item


def _read_response(record) -> ArchivedResponse | None:
    """Read one record; None when it is torn (short block or payload digest mismatch)."""
    http = record.http_headers
    raw = record.raw_stream.read()
    if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended before the block did
        return None
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    if digest and digest.startswith("sha1:") and _sha1_b32(raw) != digest:
        return None
    body = _decoded(raw, http)
    status = None
    if http is not None and http.get_statuscode():
        try:
            status = int(http.get_statuscode())
        except ValueError:
            status = None
    headers: dict[str, str] = {}
    for key, value in http.headers if http is not None else []:
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        date=record.rec_headers.get_header("WARC-Date") or "",
        status=status,
        headers=headers,
        body=body,
        warc_headers=dict(record.rec_headers.headers),
    )


def _decoded(raw: bytes, http: StatusAndHeaders | None) -> bytes:
    """Undo chunking / content-encoding left in records written by other crawlers (CC-NEWS)."""
    if http is None:
        return raw
    from warcio.bufferedreaders import ChunkedDataReader, DecompressingBufferedReader

    encoding = (http.get_header("Content-Encoding") or "").lower() or None
    chunked = "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
    if not encoding and not chunked:
        return raw
    try:
        reader_cls = ChunkedDataReader if chunked else DecompressingBufferedReader
        reader = reader_cls(BytesIO(raw), decomp_type=encoding if encoding in ("gzip", "deflate", "br") else None)
        return reader.read()
    except Exception:
        return raw
