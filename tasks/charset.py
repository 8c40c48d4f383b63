"""Decode fetched HTML/XML bytes: BOM, then the declared charset (verified), then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Labels whose real-world use is a superset encoding (as browsers do, per the WHATWG Encoding spec).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "euc_kr": "cp949",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
}
_EXTRA_LABELS = {"x-sjis": "shift_jis", "windows-31j": "cp932", "x-gbk": "gbk", "ks_c_5601-1987": "euc_kr"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:\-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:\-]+)""", re.I)
_SNIFF_BYTES = 8192
# An XML declaration (XHTML, pages served as XML) in already-decoded text: lxml refuses a str that carries one.
_XML_DECL_TEXT = re.compile(r"^\ufeff?\s*<\?xml\b[^>]*\?>", re.I)


def normalize_encoding(label: str | None) -> str | None:
    """A Python codec name for a charset label, widened to its superset; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _EXTRA_LABELS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    name = _SUPERSETS.get(name, name)
    return codecs.lookup(name).name


def declared_encoding(body: bytes, content_type_header: str | None) -> str | None:
    """The charset declared by the HTTP header, else by an XML declaration or <meta> tag."""
    if content_type_header:
        match = _HEADER_CHARSET.search(content_type_header)
        if match and normalize_encoding(match.group(1)):
            return normalize_encoding(match.group(1))
    head = body[:_SNIFF_BYTES]
    for pattern in (_XML_DECL, _META_CHARSET):
        found = pattern.search(head)
        if found:
            name = normalize_encoding(found.group(1).decode("ascii", "replace"))
            if name and name.startswith("utf-16"):
                return "utf-8"  # an in-document UTF-16 label without BOM is always wrong
            if name:
                return name
    return None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type_header: str | None) -> tuple[str, str]:
    """Decode a page or feed; returns (text, Python codec name used)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, "replace"), encoding
    declared = declared_encoding(body, content_type_header)
    wide = bool(declared and declared.startswith(("utf-16", "utf-32")))
    if wide and b"\x00" not in body[:4096]:  # UTF-16/32 markup is full of NUL bytes: this label lies
        declared, wide = None, False
    # Valid UTF-8 with non-ASCII bytes is almost never an accident: trust it over any label.
    if not wide:
        as_utf8 = _strict(body, "utf-8")
        if as_utf8 is not None:
            return as_utf8, "utf-8"
    if declared and declared != "utf-8":
        text = _strict(body, declared)
        if text is not None:
            return text, declared
    return _detect(body)


def _detect(body: bytes) -> tuple[str, str]:
    best = from_bytes(body).best()
    encoding = normalize_encoding(best.encoding) if best is not None else None
    if encoding is None:
        return body.decode("utf-8", "replace"), "utf-8"
    text = body.decode(encoding, "replace")
    if encoding != "cp1252" and _strict(body, "cp1252") == text:
        return text, "cp1252"  # same text either way: name the web's most common single-byte charset
    return text, encoding


def strip_xml_declaration(text: str) -> str:
    """Decoded page text without a leading <?xml ... encoding=...?> declaration (the text is decoded already)."""
    if "<?" in text[:512]:
        return _XML_DECL_TEXT.sub("", text, count=1)
    return text
