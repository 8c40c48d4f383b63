"""Raw archive: append HTTP responses to gzipped WARC files, and read them back tolerantly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from forumwatch import __version__
from forumwatch.tasks.urls import redact_credentials

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


# --- signatures: what marks a record as written by this project for this database ---------------------

KEY_FILE = "archive.key"  # in the raw archive folder beside the database; never read from a WARC input's folder
SIGNATURE_HEADER = "WARC-Forumwatch-Signature"
PRIVATE_HEADERS = ("WARC-Source-Id", "WARC-Fetch-Kind")  # trusted only under a valid signature
KEY_BYTES = 32


def archive_key(directory: str | Path, create: bool = False) -> bytes | None:
    """The per-archive secret that signs our records (created, mode 0600, on first use when `create`);
    None when there is none and `create` is False, or it is unreadable."""
    path = Path(directory) / KEY_FILE
    try:
        key = path.read_bytes()
        return key if len(key) >= KEY_BYTES else None
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic, and never over a key another process made first
    except FileExistsError:
        key = path.read_bytes()
    finally:
        os.unlink(tmp)
    return key


def record_signature(key: bytes, uri: str, warc_date: str, payload_digest: str, status: int | None,
                     content_type: str | None, private: dict[str, str]) -> str:  # fmt: skip
    """HMAC-SHA256 over what a record claims: its URI, date, body digest, status, content type and our
    private headers. The body itself is bound through the payload digest (checked on read)."""
    fields = [uri, warc_date, payload_digest, str(status or ""), content_type or ""]
    fields += [f"{name}={private.get(name, '')}" for name in PRIVATE_HEADERS]
    message = "\n".join(f.replace("\n", " ") for f in fields).encode("utf-8", "surrogatepass")
    return "hmac-sha256:" + hmac.new(key, message, hashlib.sha256).hexdigest()


def signed_by(record: ArchivedResponse, key: bytes | None) -> bool:
    """True when the record carries a valid signature made with `key` (so its private headers are ours)."""
    claimed = record.warc_headers.get(SIGNATURE_HEADER)
    digest = record.warc_headers.get("WARC-Payload-Digest")
    if not key or not claimed or not digest:
        return False
    content_type = ", ".join(v for k, v in record.headers.items() if k.lower() == "content-type") or None
    private = {name: record.warc_headers.get(name, "") for name in PRIVATE_HEADERS}
    expected = record_signature(key, record.url, record.date, digest, record.status, content_type, private)
    return hmac.compare_digest(expected, claimed)


# ISA-L's level 1 (its levels are 0-3), on news HTML (97 KB pages): 0.14 CPU-ms a page against zlib level 1's 0.70,
# and 2% smaller; warcio's zlib level 9 takes 2.39 ms for 10% fewer bytes. Any gzip reader reads the members.
GZIP_LEVEL = 1


def gzip_member(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """One gzip member (a WARC.gz holds one per record), made by ISA-L (it releases the GIL, as zlib does)."""
    return isal_zlib.compress(data, level, wbits=isal_zlib.MAX_WBITS + 16)


def _record_member(build, level: int) -> bytes:
    """Serialise the record that build(writer) writes, as one gzip member at `level`."""
    plain = BytesIO()
    build(WARCWriter(plain, gzip=False))
    return gzip_member(bytes(plain.getbuffer()), level)


WARC_VERSION = "WARC/1.0"  # warcio's default, as its writer wrote our records
RESPONSE_TYPE = "application/http; msgtype=response"


def response_member(
    uri: str, http_headers: StatusAndHeaders, body: bytes, warc_headers: dict[str, str], level: int = GZIP_LEVEL,
    record_id: str | None = None,
) -> bytes:  # fmt: skip
    """The gzip member of one response record: byte for byte what warcio's WARCWriter writes for
    create_warc_record(uri, "response", payload=body, length=len(body), ...) (same headers in the same order,
    block digest, Content-Length), with one digest call and one join of the body instead of warcio's 16 KB
    chunks through a BytesIO, a second copy of it and a WARCWriter (a gethostname call) per record.
    `warc_headers` must carry WARC-Date and WARC-Payload-Digest (warcio would make them); `record_id`: the
    WARC-Record-ID when one is given (a test compares with warcio's), else a new one."""
    rec = StatusAndHeaders("", list(warc_headers.items()), protocol=WARC_VERSION)
    rec.replace_header("WARC-Type", "response")
    if not rec.get_header("WARC-Record-ID"):
        rec.add_header("WARC-Record-ID", record_id or StatusAndHeadersParser.make_warc_id())
    if uri:
        rec.replace_header("WARC-Target-URI", uri)
    http_headers.compute_headers_buffer()
    head = http_headers.headers_buff
    if not rec.get_header("WARC-Block-Digest"):
        block = hashlib.sha1(head)
        block.update(body)
        rec.add_header("WARC-Block-Digest", _sha1_b32(b"", block.digest()))
    rec.replace_header("Content-Type", rec.get_header("Content-Type") or RESPONSE_TYPE)
    rec.replace_header("Content-Length", str(len(head) + len(body)))
    return gzip_member(b"".join((rec.to_bytes(encoding="utf-8"), head, body, b"\r\n\r\n")), level)


class WarcArchive:
    """One WARC file per fetch run; thread-safe; the file is created on the first record."""

    def __init__(self, directory: Path, prefix: str, gzip_level: int = GZIP_LEVEL) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.gzip_level = gzip_level
        self.path: Path | None = None
        self._lock = threading.Lock()
        self._fh: BinaryIO | None = None
        self._key: bytes | None = None

    def _signing_key(self) -> bytes | None:
        """The archive's key; None (records then go unsigned, with one warning) when the key file is
        damaged or cannot be made: a key problem must not stop archiving."""
        if self._key is not None:  # read once: the records after the first take no lock for it
            return self._key or None
        with self._lock:
            if self._key is None:
                try:
                    self._key = archive_key(self.directory, create=True) or b""
                except OSError as exc:
                    log.warning("%s: cannot create %s (%s)", self.directory, KEY_FILE, exc)
                    self._key = b""
                if not self._key:
                    log.warning("%s/%s is missing or damaged: records of this run are not signed (readers treat "
                                "them as foreign)", self.directory, KEY_FILE)  # fmt: skip
            return self._key or None

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
        sha1: bytes | None = None,
    ) -> str:
        """Append one response record (body already decompressed), signed with this archive's key; returns
        the file path. `sha1`: the body's SHA-1 digest when the caller has it (the payload digest)."""
        url = redact_credentials(url).replace(" ", "%20")  # as warcio reads it back, so the signature still matches
        stored = [(k, v) for k, v in headers if k.lower() not in _WIRE_HEADERS | {"content-length"}]
        stored += [(f"X-Crawler-{k}", v) for k, v in headers if k.lower() in _WIRE_HEADERS]
        stored.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason or ''}".strip(), stored, protocol="HTTP/1.1")
        # The payload digest and length given up front spare warcio a copy and a digest pass of the body.
        warc_headers = {"WARC-Date": _warc_date(date), "WARC-Payload-Digest": _sha1_b32(body, sha1), **(extra or {})}
        content_type = ", ".join(v for k, v in stored if k.lower() == "content-type") or None  # as read back
        private = {k: v for k, v in warc_headers.items() if k in PRIVATE_HEADERS}
        key = self._signing_key()
        if key:
            warc_headers[SIGNATURE_HEADER] = record_signature(
                key, url, warc_headers["WARC-Date"], warc_headers["WARC-Payload-Digest"], status, content_type, private
            )
        # Digest and gzip the record outside the lock (ISA-L and hashlib release the GIL), then append its bytes.
        member = response_member(url, http_headers, body, warc_headers, self.gzip_level)
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


def _sha1_b32(data: bytes, digest: bytes | None = None) -> str:
    """The WARC form of a SHA-1 digest (of `data`, unless `digest` is given)."""
    return "sha1:" + base64.b32encode(digest or hashlib.sha1(data).digest()).decode("ascii")


def iter_responses(path: str | Path) -> Iterator[ArchivedResponse]:
    """Yield the response records of a WARC file. A record that cannot be read (torn, or with headers
    warcio chokes on) is skipped with a warning and reading resumes at the next record; a torn tail
    ends the iteration. Never raises for the file's content."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        start = 0
        while start < size:
            fh.seek(start)
            resume = yield from _responses_from(fh, path, start, size)
            if resume is None:
                return
            start = resume


def _responses_from(
    fh: BinaryIO, path: str | Path, start: int, size: int
) -> Generator[ArchivedResponse, None, int | None]:
    """Records from offset `start`; returns where to resume after an unreadable record, or None at the end."""
    archive = ArchiveIterator(fh)
    records = iter(archive)
    done = 0  # bytes of whole records read since `start`
    while True:
        try:
            record = next(records)
        except StopIteration:
            if start + archive.offset < size:  # e.g. cut inside a gzip header: nothing readable
                log.warning("%s: torn tail of %d bytes after offset %d skipped", path, size - start - archive.offset,
                            start + archive.offset)  # fmt: skip
            return None
        except Exception as exc:  # torn gzip member or a WARC header warcio cannot read
            return _resync(fh, path, start + done, exc)
        if record.rec_type != "response":
            done = archive.offset
            continue
        try:
            item = read_response(record)
        except Exception as exc:  # torn payload
            return _resync(fh, path, start + done, exc)
        done = archive.offset
        if item is None:
            log.warning("%s: torn record %s skipped", path, record.rec_headers.get_header("WARC-Target-URI"))
            continue  # the iterator then ends (or raises, handled above) at the torn tail
        yield item


_RECORD_STARTS = (b"\x1f\x8b\x08", b"WARC/1.")


def _resync(fh: BinaryIO, path: str | Path, failed_at: int, exc: Exception) -> int | None:
    """The offset of the next record start (a gzip member, or a plain WARC header) after `failed_at`."""
    fh.seek(failed_at + 1)
    offset = failed_at + 1
    tail = b""
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            log.warning(
                "%s: unreadable record at offset %d skipped, nothing readable after it: %s", path, failed_at, exc
            )
            return None
        data = tail + chunk
        hits = [data.find(marker) for marker in _RECORD_STARTS]
        hits = [h for h in hits if h >= 0]
        if hits:
            found = offset - len(tail) + min(hits)
            log.warning("%s: unreadable record at offset %d skipped (%s); resuming at %d", path, failed_at, exc, found)
            return found
        tail = data[-8:]
        offset += len(chunk)


def read_response(record) -> ArchivedResponse | None:
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
