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
# CJK: scripts written without spaces, shingled by character (not Hangul: Korean separates words).
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
ZH_DATE_SHORT = r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
ZH_DATE = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})"
RU_MONTH = r"(?:январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
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
    rf"|\s*(?:[a-z]+day,?\s+)?{DATE}(?:,?\s+\d{{1,2}}:\d{{2}}.*)?\s*$"
    # Chinese and Russian page furniture: related links, reading time, crawl day, date-only lines
    r"|\s*[【\[]?\s*(?:相关阅读|延伸阅读|推荐阅读|相关新闻|相关链接|更多精彩|点击进入专题|читайте\s+также|читайте\s+нас"
    r"|смотрите\s+также|подписывайтесь|по\s+теме)\s*(?:[:：|>»\-–—】\]]|$)"
    r"|\s*(?:今天|今日|сегодня)\s*[:：].{0,40}$|\s*(?:阅读时间\s*\d+\s*分钟|\d+\s*分钟阅读|\d+\s+мин\.?\s+чтения)\s*$"
    rf"|\s*{ZH_DATE}(?:\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*$"
    rf"|\s*\d{{1,2}}\s+{RU_MONTH}\s+\d{{4}}(?:\s*(?:г\.?|года))?(?:,?\s+\d{{1,2}}:\d{{2}})?\s*$",
    re.I,
)
_SYNDICATED = re.compile(r"\(?[^()]{0,120}?\bsyndicated\s+feed\b[^()]{0,40}\)?\.?", re.I)
# Lines where the sidebar / footer begins; the rest of the text is dropped.
_TAIL = re.compile(
    r"\s*(?:previous\s+(?:story|article|post)|next\s+(?:story|article|post)|latest\s+from\b.*|don'?t\s+miss|"
    r"you\s+may\s+also\s+like|more\s+from\b.*|related\s+(?:stories|news|articles|posts)|trending(?:\s+now)?|"
    r"go\s+to\s*top"
    r"|上一篇|下一篇|热点推荐|相关新闻|返回顶部|不容错过|热门推荐|猜你喜欢|предыдущая\s+новость|следующая\s+новость"
    r"|новости\s+по\s+теме|последнее\s+из\b.*|наверх|не\s+пропустите|читайте\s+также\s+по\s+теме)\s*[:：]?\s*$",
    re.I,
)
# Chinese and Russian wire furniture, stripped for fingerprints only (attribution reads them):
# "新华社北京10月31日电（记者 张三）", "本报北京10月31日电", "МОСКВА, 31 октября. /ТАСС/.",
# "МОСКВА, 31 окт — РИА Новости.", "Москва. 31 октября. INTERFAX.RU -"; sign-offs "（完）", "(ANI)";
# source and editor lines "来源：新华网", "【责任编辑：张三】", "Источник: ТАСС".
ZH_DATELINE = re.compile(
    rf"^[{CJK_RANGES}]{{2,12}}?{ZH_DATE_SHORT}(?:专?电|讯)\s*(?:[(（][^)）]{{0,40}}[)）])?\s*"
    r"|^[【\[][^】\]]{0,30}(?:报道|消息|讯)[^】\]]{0,20}[】\]]\s*"
)
RU_DATELINE = re.compile(
    r"^[А-ЯЁ][А-ЯЁ\-]+(?:[ \-][А-ЯЁ\-]+){0,3},\s*\d{1,2}\s+[а-яё]+\.?\s*"
    r"(?:/[^/\n]{1,60}/\.?|[—–-]+\s*[^.\n]{1,40}\.)\s*"
    r"|^[А-ЯЁ][а-яё\-]+(?:[ \-][А-ЯЁа-яё\-]+){0,2}\.\s*\d{1,2}\s+[а-яё]+\.\s*INTERFAX\.RU\s*[—–-]\s*"
)
_ZH_END = re.compile(
    r"\s*[(（]\s*(?:完|终|全文完|[A-Za-z]{2,})\s*[)）]\s*$|……?[^\s…]{2,16}报道\s*$|\.{0,4}…*\s*сообщает\s+[\w ]{2,40}$"
)
_SOURCE_LINE = re.compile(
    r"(?:.{0,40}(?:来源|稿源|责任编辑|编辑|校对|审核|原标题)\s*[:：]|\s*(?:источник|автор|редактор)\s*:).{0,100}$", re.I
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
_WORD = re.compile(f"[^\\W_{CJK_RANGES}]+|[{CJK_RANGES}]")  # a CJK character is a token of its own
_ASCII_FOLD = bytes((c + 32 if 65 <= c <= 90 else c) if chr(c).isalnum() else 32 for c in range(128)) + bytes(128)
_UNICODE_PUNCT = "\u2018\u2019\u201c\u201d\u2014\u2013\u2026\u00a0\u2022\u00ab\u00bb"
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a]+")


def byte_table(keep: str) -> bytes:
    """A bytes.translate table for ascii_runs: the ASCII characters in `keep` (no whitespace) stay, every other byte
    becomes a space."""
    return bytes(c if chr(c) in keep and not chr(c).isspace() else 32 for c in range(256))


def ascii_runs(text: str, table: bytes) -> list[str]:
    """The runs of the characters `table` keeps in an ASCII text, in order: what findall of `[keep]+` gives, made by
    one byte-table pass and a split in C instead of re's search."""
    return spaced_runs(text, table).split()


def spaced_runs(text: str, table: bytes) -> str:
    """An ASCII text with a space for each character `table` does not keep (offsets unchanged)."""
    return text.encode("ascii").translate(table).decode("ascii")


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


def strip_furniture(text: str, lines: list[str] | None = None) -> str:
    """Remove datelines, credit tags, ALSO READ/Read more lines, sidebars and outlet taglines (`lines`: the text's
    body_lines, when the caller has them)."""
    kept: list[str] = []
    for line in body_lines(text) if lines is None else lines:
        if len(line) < 160 and _SOURCE_LINE.match(line):
            continue
        if len(kept) < 3:  # datelines open the first paragraphs only
            line = DATELINE.sub("", line, count=1)
            if not line.isascii():
                line = RU_DATELINE.sub("", ZH_DATELINE.sub("", line, count=1), count=1)
        if "|" in line[:16]:
            line = _START.sub("", line, count=1)
        tail = line[-120:]
        if tail.endswith(")") or "…" in tail or ".." in tail or "nputs" in tail or _DASH.search(tail[-16:]):
            cut = _END.sub("", tail, count=1)
            line = line[: len(line) - len(tail)] + cut
        tail = line[-120:]
        if not tail.isascii() and ("）" in tail or "…" in tail or "сообщает" in tail or ")" in tail):
            line = line[: len(line) - len(tail)] + _ZH_END.sub("", tail, count=1)
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
    """Folded words: lower case, no accents (ё -> е, й -> и), no punctuation; each CJK character is a
    word of its own, so word shingles over CJK text are character n-grams."""
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


def spaced_words(text: str, lines: list[str] | None = None) -> str:
    """The words of normalized_words(text) in one string, separated by runs of spaces (no list made); `lines`: the
    text's body_lines, when the caller has them."""
    text = strip_furniture(text, lines)
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    return " ".join(words(text))


def normalize_title(title: str | None) -> str:
    """A title folded for comparison (headline_changed, the title baseline)."""
    return fold(title or "")
