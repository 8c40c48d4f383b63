"""Extract title, text and metadata from article pages (trafilatura), in worker processes."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from lxml import html as lxml_html
from trafilatura import bare_extraction
from trafilatura.settings import Document

from forumwatch.tasks.canonical import canonical_hrefs, page_identity
from forumwatch.tasks.charset import strip_xml_declaration
from forumwatch.tasks.dates import (
    DateCandidate,
    choose_date,
    hinted_date_strings,
    page_date_candidates,
    sane_published_at,
    text_date_candidates,
)
from forumwatch.tasks.discard_filters import install as install_python_discard_filters
from forumwatch.tasks.language import article_language, spaced_words, text_units
from forumwatch.tasks.page_metadata import fallback_day, page_metadata
from forumwatch.tasks.readability_steps import install as install_readability_steps
from forumwatch.tasks.trafilatura_copies import hand_over
from forumwatch.tasks.trafilatura_copies import install as install_fewer_copies
from forumwatch.tasks.urls import article_id
from forumwatch.tasks.xpath_literals import install as install_cheaper_filters

install_cheaper_filters()  # trafilatura's own filters, made cheaper: the same elements selected
install_python_discard_filters()  # and its two discard filters as Python tests (after: it reads the originals)
install_fewer_copies()  # no copy of the raw tree that nothing reads afterwards, nor of a tree handed over
install_readability_steps()  # readability's fallback steps, each measuring and testing a thing once
_PARSERS = threading.local()  # an lxml parser must not be shared between threads


def html_parser() -> etree.HTMLParser:
    """lxml.html's parser, but every element is an HtmlElement found by lxml's C lookup: lxml.html's own lookup is a
    Python call for each element proxy (thousands a page through trafilatura) only to give form elements their
    form-specific classes, which neither trafilatura nor the pipeline uses."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.HTMLParser()
        parser.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml_html.HtmlElement,
                comment=lxml_html.HtmlComment,
                pi=lxml_html.HtmlProcessingInstruction,
                entity=lxml_html.HtmlEntity,
            )
        )
    return parser


BOILERPLATE_LINE = re.compile(
    r"^\s*(also read|read also|read more|also see|see also|related( stories| news)?|previous (story|article|post)|"
    r"next (story|article|post)|advertisement|sponsored|click here|follow us|subscribe (to|now)|"
    r"share this|you may also like|must read|don'?t miss|latest from|trending)\b",
    re.IGNORECASE,
)
MAX_BOILERPLATE_LINE = 220
MAX_TREE_CHARS = 5_000_000  # pages above this many characters are cut before parsing
MIN_ARTICLE_WORDS = 10  # fewer words than this is navigation or a stub, not an article
# C0 and C1 control characters other than tab, newline and carriage return: never text, and a single one
# makes lxml or trafilatura lose the whole body. (Zero-width joiners are format characters, not controls: kept.)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MIN_ARTICLE_CJK_CHARS = 25  # nor fewer Chinese/Japanese/Korean characters than this (a character is not a word)
# Zero-width non-joiner and joiner shape Persian and Indic words; trafilatura drops every non-printable character,
# so they travel through it as printable stand-ins (used only on pages that do not hold the stand-ins already).
JOINERS = {"\u200c": "\U0001f700", "\u200d": "\U0001f701"}


_C0_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # CONTROL_CHARS below U+0080, in UTF-8
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080..U+009F in UTF-8 (0xC2 only ever leads a character)


def has_controls(text: str) -> bool:
    """CONTROL_CHARS.search(text), in half the time: in the text's UTF-8 a control below U+0080 is its own byte
    (every byte of a longer character is 0x80 or above), and the others are 0xC2 0x80..0x9F."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _C0_BYTES)) != len(data) or (b"\xc2" in data and _C1_UTF8.search(data) is not None)


def strip_controls(text: str) -> str:
    """The text without control characters (tab, newline and carriage return stay)."""
    return CONTROL_CHARS.sub("", text) if has_controls(text) else text


@dataclass(frozen=True)
class PageInput:
    url: str  # canonical
    source_id: str | None
    html: str
    fetched_at: datetime  # UTC
    feed_published_at: datetime | None = None  # UTC
    feed_has_time: bool = False
    feed_title: str | None = None
    default_language: str | None = None
    timezone: str | None = None  # the source's IANA zone, for times given without one
    final_url: str | None = None  # where the page was read from after redirects (resolves relative canonicals)
    max_chars: int = MAX_TREE_CHARS  # PipelineSettings.max_page_chars
    min_words: int = MIN_ARTICLE_WORDS  # PipelineSettings.min_article_words
    min_cjk_chars: int = MIN_ARTICLE_CJK_CHARS  # PipelineSettings.min_article_cjk_chars


@dataclass
class Extracted:
    article_id: str
    url: str
    source_id: str | None
    fetched_at: datetime
    title: str | None = None
    text: str | None = None
    author: str | None = None
    sitename: str | None = None
    language: str | None = None  # ISO 639-1
    language_source: str | None = None  # html | meta | detected | source
    description: str | None = None
    published_at: datetime | None = None
    published_at_source: str | None = None
    published_at_precision: str | None = None
    date_note: str | None = None
    word_count: int = 0
    content_sha1: str | None = None
    error: str | None = None  # why nothing usable came out of the page
    link_url: str | None = None  # the URL the page was listed and fetched under (feed, sitemap, archive)
    canonical_note: str | None = None  # why the page's own canonical link was not taken as its identity
    extras: dict = field(default_factory=dict)  # later stages (attribution, tags) add columns here


def clean_text(text: str) -> str:
    """Drop 'ALSO READ', previous/next and similar navigation lines that sit inside article bodies."""
    kept = [
        line
        for line in strip_controls(text).splitlines()
        if not (len(line) <= MAX_BOILERPLATE_LINE and BOILERPLATE_LINE.match(line))
    ]
    return "\n".join(line.strip() for line in kept if line.strip())


_HTTP_EQUIV_CASE = str.maketrans("CONTENTLAGU", "contentlagu")  # XPath's translate() in the test below
_NAME_CASE = str.maketrans("DCLANGUE", "dclangue")


def _declares_language(meta) -> bool:
    """//meta[translate(@http-equiv,'CONTENTLAGU','contentlagu')='content-language' or @property='og:locale' or
    translate(@name,'DCLANGUE','dclangue')='dc.language' or @name='language'], without an XPath walk."""
    name = meta.get("name")
    return (
        (meta.get("http-equiv") or "").translate(_HTTP_EQUIV_CASE) == "content-language"
        or meta.get("property") == "og:locale"
        or (name is not None and name.translate(_NAME_CASE) == "dc.language")
        or name == "language"
    )


def _declared_languages(tree) -> tuple[str | None, str | None]:
    """(the <html lang> / xml:lang attribute, the first content-language / og:locale / dc.language meta)."""
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    html_lang = root.get("lang") or root.get("xml:lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    metas = (m.get("content") for m in tree.getroottree().iter("meta") if _declares_language(m))
    return html_lang, next((content for content in metas if content is not None), None)


def _hide_joiners(html: str) -> tuple[str, bool]:
    if ("\u200c" in html or "\u200d" in html) and not any(s in html for s in JOINERS.values()):
        for joiner, stand_in in JOINERS.items():
            html = html.replace(joiner, stand_in)
        return html, True
    return html, False


def _restore_joiners(value: str | None) -> str | None:
    if value:
        for joiner, stand_in in JOINERS.items():
            value = value.replace(stand_in, joiner)
    return value


LAYOUT_CELL = "td[p or div or table or h1 or h2 or h3 or ul or ol or blockquote]"
BLOCK_TAGS = {
    *("p", "div", "table", "ul", "ol", "dl", "blockquote", "pre", "figure", "form", "hr", "section", "article"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "nav", "main", "address", "center"),
}
INLINE_WRAPPERS = {"font", "span", "b", "i", "em", "strong", "small", "big", "u", "a"}
MIN_BROKEN_CHARS = 280  # text broken by <br> shorter than this is an address or a caption, not paragraphs


def unwrap_layout_tables(tree) -> None:
    """Tables used for page layout (a cell holding paragraphs, headings or another table) become plain
    blocks, so their paragraphs stay paragraphs: trafilatura reads a table as rows of '|'-separated cells."""
    for table in list(tree.iter("table")):
        if table.tag == "table" and table.xpath(f".//{LAYOUT_CELL} | .//th[p or div or table]"):
            for element in [table, *table.iter("tbody", "thead", "tfoot", "tr", "td", "th")]:
                element.tag = "div"


def paragraphs_from_breaks(tree) -> None:
    """Running text broken by <br> inside a table layout (paragraphs separated by <br><br> or a single <br>, in
    a cell, or a div, p or <font> within one, as older templates write articles) becomes one <p> per piece, so
    each stays a line of the text. Outside tables trafilatura already reads <br> as a line break (and splitting
    there moves its choice of container: the headline's furniture came along on a saved page)."""
    if not tree.xpath("boolean(//td//br | //th//br)"):  # nothing to split: the walk below would find nothing
        return
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in ("pre", "textarea", "script", "style"):
            continue
        breaks = [child for child in element if child.tag == "br"]
        if len(breaks) < 2 or len(_own_text(element)) < MIN_BROKEN_CHARS:
            continue
        if element.tag in ("td", "th") or next(element.iterancestors("td", "th"), None) is not None:
            _split_at_breaks(element)


def _own_text(element) -> str:
    """The element's text outside its block children (what <br>s break into lines)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS and child.tag != "br":
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _split_at_breaks(element) -> None:
    pieces: list = []  # new children: <p> per run of text and inline elements, block children as they were
    current = None

    def add_text(text: str | None) -> None:
        nonlocal current
        if not text or not text.strip():
            return
        if current is None:
            current = lxml_html.Element("p")
            pieces.append(current)
        if len(current):
            current[-1].tail = (current[-1].tail or "") + text
        else:
            current.text = (current.text or "") + text

    text, element.text = element.text, None
    add_text(text)
    for child in list(element):
        tail, child.tail = child.tail, None
        element.remove(child)
        if child.tag == "br":
            current = None
        elif isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
            current = None
            pieces.append(child)
        elif current is None and not (isinstance(child.tag, str) and child.text_content().strip()):
            pieces.append(child)  # a comment or an empty inline element between paragraphs
        else:
            if current is None:
                current = lxml_html.Element("p")
                pieces.append(current)
            current.append(child)
        add_text(tail)
    element.extend(pieces)
    if element.tag in INLINE_WRAPPERS or element.tag == "p":
        element.tag = "div"  # now holds paragraphs


def _has_exact(candidates: list[DateCandidate]) -> bool:
    """Markup gives a zoned date and time: no need to read dates from the text."""
    return any(c.precision == "minute" and c.zone_known for c in candidates)


def guard_date(out: Extracted) -> Extracted:
    """Pass published_at through sane_published_at: a time outside 1990 .. fetch + 1 day is dropped, with a note."""
    moment, note = sane_published_at(out.published_at, out.fetched_at)
    if note:
        out.published_at, out.published_at_source, out.published_at_precision = None, None, None
        out.date_note = "; ".join(n for n in (out.date_note, note) if n)
    return out


def laid_out(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The parsed page with its <br>-broken text in paragraphs and its layout tables unwrapped (data tables stay),
    as trafilatura is given it."""
    paragraphs_from_breaks(tree)  # before the layout tables: a cell of <br>-broken text holds paragraphs then
    unwrap_layout_tables(tree)
    return tree


def tree_before_extraction(html: str) -> lxml_html.HtmlElement | None:
    """The tree extract_page gave bare_extraction, made again from the same HTML (trafilatura changed that one, when
    it was handed over); None if it cannot be (extract_page made it, so only for lack of memory)."""
    try:
        return laid_out(lxml_html.fromstring(html, parser=html_parser()))
    except Exception:
        return None


def extract_page(page: PageInput) -> Extracted:
    """Extract one page; never raises (problems land in .error)."""
    out = Extracted(
        article_id(page.url), page.url, page.source_id, page.fetched_at, title=page.feed_title, link_url=page.url
    )
    html, hidden = _hide_joiners(strip_xml_declaration(strip_controls(page.html[: page.max_chars])))
    try:
        tree = lxml_html.fromstring(html, parser=html_parser())
    except (ValueError, TypeError, lxml_html.etree.ParserError) as exc:
        out.error = f"unparseable HTML: {exc}"
        return out
    identity = page_identity(canonical_hrefs(tree), page.url, page.final_url)
    out.url, out.article_id, out.canonical_note = identity.url, article_id(identity.url), identity.note
    try:
        candidates = page_date_candidates(tree)
        html_lang, meta_lang = _declared_languages(tree)
        hinted_dates = [] if _has_exact(candidates) else hinted_date_strings(tree)  # before trafilatura prunes
        laid_out(tree)  # after the date candidates
        metadata = page_metadata(tree, page.url)  # on the tree trafilatura would read it from, before it prunes
        handed = hand_over(tree)  # the tree is not read after this (but by fallback_day, which parses it again)
        doc = bare_extraction(handed, url=page.url, include_comments=False, favor_precision=True)
    except Exception as exc:  # a page must never stop its batch
        out.error = f"extraction failed: {type(exc).__name__}: {exc}"
        return out
    document = doc if isinstance(doc, Document) else None  # trafilatura returns a dict only when asked to
    text = clean_text(_restore_joiners(document.text) or "") if document is not None else ""
    language = article_language(html_lang, meta_lang, text or out.title, page.default_language)
    out.language, out.language_source = language.code, language.source
    feed_date = None
    if page.feed_published_at:
        feed_date = DateCandidate(page.feed_published_at, "feed", "minute" if page.feed_has_time else "day", True)
    written = [] if _has_exact(candidates) else text_date_candidates(hinted_dates, text, out.language)
    chosen = choose_date(candidates, feed_date, None, page.fetched_at, text=written, timezone=page.timezone)
    if chosen.published_at is None:  # htmldate's guess is the last resort: made only when it would be used
        before = tree if handed is tree else tree_before_extraction(html)
        guess = fallback_day(before, metadata.url, page.fetched_at.date()) if before is not None else None
        chosen = choose_date(candidates, feed_date, guess, page.fetched_at, text=written, timezone=page.timezone)
    out.published_at, out.published_at_source = chosen.published_at, chosen.source
    out.published_at_precision, out.date_note = chosen.precision, chosen.note
    guard_date(out)
    if document is None or not text.strip():
        out.error = "no article text found"
        return out
    words, chars = text_units(text)  # counted once, for the length check and word_count
    if words < page.min_words and chars < page.min_cjk_chars:  # not long_enough
        counted = f"{spaced_words(text)} words" + (f", {chars} CJK characters" if chars else "")
        out.error = f"no article text found (only {counted})"
        return out
    out.title = _restore_joiners(strip_controls(metadata.title or page.feed_title or "").strip()) or None
    out.text = text
    out.author, out.sitename = _restore_joiners(metadata.author), _restore_joiners(metadata.sitename)
    out.description = _restore_joiners(metadata.description)
    out.word_count = words + chars  # length_units
    out.content_sha1 = hashlib.sha1(out.text.encode("utf-8")).hexdigest()
    return out
