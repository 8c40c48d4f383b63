"""Normalise article text before fingerprinting: strip wire furniture, fold case and punctuation."""

from __future__ import annotations

import re
import unicodedata

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# "Oct 31", "Oct. 31, 2023", "31 October 2023", "October 31."
DATE = rf"(?:{_MONTH}\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?)"
_PLACE = r"[A-Z][A-Za-z.'’\-]*(?:\s+[A-Z][A-Za-z.'’\-]*){0,3}"
_CAPS_PLACE = r"[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+){0,3}"
_CREDIT = r"(?:\(\s*(?P<agency>[A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){0,2})\s*\)|/\s*(?P<slash>[A-Z]{2,})\s*/)"
_SEP = r"\s*(?:[:|]|[-—–]{1,2})\s*"

# A dateline at the start of a paragraph, in the forms wires and outlets use:
# "New Delhi [India], Oct 31 (ANI):", "BEIJING, Oct. 31 (Xinhua) --", "MOSCOW, October 31. /TASS/.",
# "WASHINGTON (Reuters) -", "New Delhi, Oct 31:", "NEW DELHI:".
DATELINE = re.compile(
    rf"^(?P<place>{_PLACE})(?:\s*\[(?P<country>[A-Za-z .]+)\])?"
    rf"(?:,\s*(?P<date>{DATE})\.?)?\s*{_CREDIT}\.?\s*(?:[:|]|[-—–]{{1,2}})?\s*"
    rf"|^(?P<place2>{_PLACE})(?:\s*\[[A-Za-z .]+\])?,\s*(?P<date2>{DATE}){_SEP}"
    rf"|^(?P<place3>{_CAPS_PLACE})\s*(?::|[-—–]{{1,2}})\s*(?=[A-Z\"“‘'])"
)

# Whole lines that are page furniture, never story text (tested on lines shorter than _SHORT only).
_SHORT = 300
_DROP_LINE = re.compile(
    r"\s*(?:also\s+read|read\s+more|read\s+also|see\s+also|must\s+read|also\s+watch|recommended|"
    r"related)\s*(?:[:|>»\-–—]|$)"
    r"|\s*(?:edited|published|written|curated)\s+by\b.{0,80}$"
    r"|\s*(?:today:.*|\d+\s+mins?\s+read|updated:.*|last\s+updated.*|follow\s+us\b.*|subscribe\b.{0,80})$"
    rf"|\s*(?:[a-z]+day,?\s+)?{DATE}(?:,?\s+\d{{1,2}}:\d{{2}}.*)?\s*$",
    re.I,
)
_SYNDICATED = re.compile(r"\(?[^()]{0,120}?\bsyndicated\s+feed\b[^()]{0,40}\)?\.?", re.I)
# Lines where the sidebar / footer begins; the rest of the text is dropped.
_TAIL = re.compile(
    r"\s*(?:previous\s+(?:story|article|post)|next\s+(?:story|article|post)|latest\s+from\b.*|don'?t\s+miss|"
    r"you\s+may\s+also\s+like|more\s+from\b.*|related\s+(?:stories|news|articles|posts)|trending(?:\s+now)?|"
    r"go\s+to\s*top)\s*$",
    re.I,
)
# Credit tags and taglines that end a paragraph ("... (ANI)", "... -- PTI", "….reports Asian Lite News").
_END = re.compile(
    r"(?:\s*\((?:[A-Z]{2,}|Reuters|Xinhua|Yonhap|Kyodo|Bernama|Sputnik|Anadolu)\)"
    r"|\s*[-—–]{1,2}\s*[A-Z]{2,}"
    r"|\s*\(?(?i:with\s+inputs?\s+from)\b[^)]{0,60}\)?\.?"
    r"|\s*(?:…|\.{2,})[….]*\s*reports?\s+[A-Z][\w ]{2,40})\s*$"
)
_START = re.compile(r"^[A-Z]{2,}\s*\|\s*")  # "ANI | ..."
_DASH = re.compile(r"[-—–]")
_PHOTO = re.compile(r"\((?:photo|image|file\s+photo|representative\s+image|picture)\b[^)]{0,60}\)", re.I)
_WORD = re.compile(r"[^\W_]+")
_ASCII_FOLD = bytes((c + 32 if 65 <= c <= 90 else c) if chr(c).isalnum() else 32 for c in range(128)) + bytes(128)
_UNICODE_PUNCT = "\u2018\u2019\u201c\u201d\u2014\u2013\u2026\u00a0\u2022\u00ab\u00bb"
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def body_lines(text: str) -> list[str]:
    """Non-empty lines before the sidebar/footer, without ALSO READ, Read more and tagline lines."""
    kept: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) < _SHORT:
            if _TAIL.match(line):
                break
            if _DROP_LINE.match(line):
                continue
        kept.append(line)
    return kept


def strip_furniture(text: str) -> str:
    """Remove datelines, credit tags, ALSO READ/Read more lines, sidebars and outlet taglines."""
    kept: list[str] = []
    for line in body_lines(text):
        if len(kept) < 3:  # datelines open the first paragraphs only
            line = DATELINE.sub("", line, count=1)
        if "|" in line[:16]:
            line = _START.sub("", line, count=1)
        tail = line[-120:]
        if tail.endswith(")") or "…" in tail or ".." in tail or "nputs" in tail or _DASH.search(tail[-16:]):
            cut = _END.sub("", tail, count=1)
            line = line[: len(line) - len(tail)] + cut
        if "(" in line:
            low = line.lower()
            if "syndicated" in low:
                line = _SYNDICATED.sub("", line)
            if "photo" in low or "image" in low or "picture" in low:
                line = _PHOTO.sub("", line)
        line = line.strip()
        if line:
            kept.append(line)
    return "\n".join(kept)


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse whitespace."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """Folded words: lower case, no accents, no punctuation."""
    text = text or ""
    if not text.isascii():
        for char in _UNICODE_PUNCT:
            if char in text:
                text = text.replace(char, " ")
    if text.isascii():  # fast path: one byte-table pass does case and punctuation
        return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii").split()
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text.lower())


def normalize(text: str) -> str:
    """Text ready for shingling: furniture removed, case and punctuation folded."""
    return fold(strip_furniture(text))


def normalized_words(text: str) -> list[str]:
    """The words of normalize(text), without joining them back."""
    return words(strip_furniture(text))


def spaced_words(text: str) -> str:
    """The words of normalized_words(text) in one string, separated by runs of spaces (no list made)."""
    text = strip_furniture(text)
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    return " ".join(words(text))


def normalize_title(title: str | None) -> str:
    """A title folded for comparison (headline_changed, the title baseline)."""
    return fold(title or "")
