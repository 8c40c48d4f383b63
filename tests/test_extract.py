"""Extraction over the snapshot's saved pages (the Asian Lite page is a real page rebuilt as HTML)."""

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from forumwatch.snapshot_server import fill, snapshot_dir
from forumwatch.tasks.extract import (
    CONTROL_CHARS,
    PageInput,
    _declared_languages,
    clean_text,
    extract_page,
    has_controls,
)

FETCHED = datetime(2025, 6, 1, 10, 0)  # the crawl day the Asian Lite header shows


def load_page(entry: dict, feed_published: datetime | None = None, has_time: bool = False) -> PageInput:
    html = fill((snapshot_dir() / entry["file"]).read_text(encoding="utf-8"), "http://127.0.0.1:1")
    return PageInput(
        url="http://127.0.0.1:1" + entry["path"],
        source_id=entry["outlet"],
        html=html,
        fetched_at=FETCHED,
        feed_published_at=feed_published,
        feed_has_time=has_time,
    )


def pages(expected_pages) -> list[dict]:
    return [p for p in expected_pages["pages"] if p["status"] == 200]


def test_asianlite_fields(expected_pages):
    entry = next(p for p in pages(expected_pages) if p["outlet"] == "asianlite")
    out = extract_page(load_page(entry))
    assert out.error is None
    assert out.title == "China, Russia Ready to Tackle Security Threats Together"
    assert out.published_at == datetime(2023, 10, 31, 13, 42)  # 19:12 IST, not the crawl day
    assert out.published_at_source in ("jsonld", "meta") and out.published_at_precision == "minute"
    assert out.text.startswith("China has said it is ready to work with Russia")
    assert out.text.rstrip().endswith("TASS reported. (ANI)")
    for word in ("Gaza", "Piers Morgan", "IAEA", "ALSO READ", "Previous Story", "Next Story", "Today: 1 June 2025"):
        assert word not in out.text
    assert out.language == "en"
    assert out.sitename and "Asian Lite" in out.sitename


def test_every_snapshot_page_gets_its_own_date_and_a_clean_body(expected_pages):
    for entry in pages(expected_pages):
        feed_time = None
        if entry.get("date_source") == "feed":
            feed_time = datetime.fromisoformat(entry["published_at_utc"].rstrip("Z"))
        out = extract_page(load_page(entry, feed_time, has_time=True))
        assert out.error is None, entry["path"]
        expected = entry["published_at_utc"]
        got = out.published_at.isoformat(timespec="minutes") + "Z" if out.published_at else None
        assert got == (expected[:16] + "Z" if expected else None), entry["path"]
        assert out.published_at_precision == entry["published_precision"], entry["path"]
        assert entry["body_first"][:40] in out.text, entry["path"]
        for word in entry["must_not_contain"]:
            if word not in ("ALSO READ",) or entry["outlet"] == "asianlite":
                assert word not in out.text, (entry["path"], word)
        assert out.title == entry["title"], entry["path"]


def test_no_date_anywhere_is_null_with_note(expected_pages):
    entry = next(p for p in pages(expected_pages) if p["published_at_utc"] is None)
    out = extract_page(load_page(entry))
    assert out.published_at is None and out.published_at_source is None
    assert out.date_note == "no publication date found in the page or the feed"


def test_htmldate_guess_is_the_last_resort_only():
    """A day only htmldate can find (in an image path, read by its extensive search): used without any other
    date, ignored as soon as the feed gives one; title, author and site name still come from the markup."""
    story = "".join(
        f"<p>Paragraph {i} of a story about the forum, long enough to count as article text.</p>" for i in range(8)
    )
    html = (
        '<html><head><title>Forum story</title><meta name="author" content="Jane Smith">'
        '<meta property="og:site_name" content="The Wire"></head><body><h1>Forum story</h1>'
        f'<img src="/uploads/2023/10/30/photo.jpg">{story}</body></html>'
    )
    alone = extract_page(PageInput(url="http://x/news/a", source_id="x", html=html, fetched_at=FETCHED))
    assert (alone.published_at, alone.published_at_source) == (datetime(2023, 10, 30), "trafilatura")
    assert (alone.title, alone.author, alone.sitename) == ("Forum story", "Jane Smith", "The Wire")
    fed = extract_page(
        PageInput(
            url="http://x/news/a",
            source_id="x",
            html=html,
            fetched_at=FETCHED,
            feed_published_at=datetime(2023, 10, 31, 8, 5),
            feed_has_time=True,
        )
    )
    assert (fed.published_at, fed.published_at_source) == (datetime(2023, 10, 31, 8, 5), "feed")


@pytest.mark.parametrize(
    "html", ["", "<html></html>", "\x00\x00\x00", "<p>" * 600 + "deep" + "</p>" * 600, "plain text, not html at all"]
)
def test_broken_pages_never_raise(html):
    out = extract_page(PageInput(url="http://x/a", source_id="x", html=html, fetched_at=FETCHED))
    assert out.text is None or isinstance(out.text, str)
    assert out.error is not None or out.text


def test_clean_text_drops_navigation_lines_only():
    text = "First para.\nALSO READ: Something else\nAlso Read | Another\nPrevious Story\nThe story read more like a novel.\n"
    assert clean_text(text) == "First para.\nThe story read more like a novel."


def html_paragraphs(html: str, xpath: str) -> list[str]:
    """The paragraphs of a page's article body as its HTML makes them: its <p>s (not those of an inline
    newsletter box), else the pieces its <br>s separate; without the lines clean_text drops on purpose."""
    body = lxml_html.fromstring(html).xpath(xpath)[0]
    for code in body.xpath(".//script | .//style"):
        code.drop_tree()  # keeps its tail text
    paragraphs = body.xpath(".//p[not(ancestor::aside)]")
    if paragraphs:
        chunks = [p.text_content() for p in paragraphs]
    else:
        for br in body.iter("br"):
            br.tail = "\n" + (br.tail or "")
        chunks = body.text_content().split("\n")
    return [c for c in (" ".join(x.split()) for x in chunks) if c and clean_text(c)]


def test_every_snapshot_page_keeps_one_paragraph_per_line(expected_pages):
    """Paragraphs in <p>s, in a table layout's cell, or separated by <br><br> or a single <br> inside one:
    each is one line of the text, in order, none glued to another, nothing else but a standfirst."""
    breaks = set()
    for entry in pages(expected_pages):
        page = load_page(entry)
        paragraphs = html_paragraphs(page.html, entry["body_xpath"])
        lines = [" ".join(line.split()) for line in extract_page(page).text.splitlines()]
        assert [line for line in lines if line in set(paragraphs)] == paragraphs, entry["path"]
        assert len(paragraphs) >= 5 and len(lines) <= len(paragraphs) + 1, entry["path"]  # + a standfirst
        assert not any(line.startswith("|") or "|  |" in line for line in lines), entry["path"]
        assert "Reproduction in whole or in part" not in "\n".join(lines)  # a layout's footer cell stays out
        if "<br>\n<br>" in page.html.split('id="storytext"', 1)[-1]:
            breaks.add("<br><br>")
        elif '<font face="Arial" size="2">' in page.html.split('id="storytext"', 1)[-1].split("</td>", 1)[0]:
            breaks.add("<br>")
    assert breaks == {"<br><br>", "<br>"}  # the demo holds both kinds of <br>-separated pages


def test_saved_table_layout_page_with_br_paragraphs():
    """golem.de (2011, a saved real page): the article is one div of <br><br>-separated paragraphs inside a
    table layout; all six are kept, one per line (they were lost before: only the teasers beside came out)."""
    raw = (Path(__file__).parent / "data" / "pages" / "de" / "golem.html").read_bytes().decode("iso-8859-1")
    # the div's pieces that are sentences (not its gallery widget's "10/10", caption and link, nor "(ji)")
    paragraphs = [p for p in html_paragraphs(raw, "//div[@class='artikeltext']") if p.endswith(".")]
    out = extract_page(PageInput("http://www.golem.de/1104/82797.html", "golem", raw, datetime(2011, 4, 14)))
    lines = out.text.splitlines()
    assert len(paragraphs) == 6 and lines[:6] == paragraphs
    assert lines[0].startswith('Unter dem Namen "Aurora" hat Firefox') and lines[5].startswith("Firefox 5 soll")


def test_pages_parse_into_html_elements_with_the_c_lookup_in_every_thread():
    import threading

    from lxml import html as lxml_html

    from forumwatch.tasks.extract import html_parser

    seen = []

    def parse():
        tree = lxml_html.fromstring(
            "<html><body><form><input name='q'></form><p>x</p></body></html>", parser=html_parser()
        )
        seen.append((html_parser(), {type(e) for e in tree.iter()}))

    threads = [threading.Thread(target=parse) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen[0][0] is not seen[1][0]  # one parser per thread
    assert all(kinds == {lxml_html.HtmlElement} for _, kinds in seen)


# Controls and their neighbours in UTF-8: C0, DEL, C1, the characters whose bytes hold 0x80..0x9F or 0xC2, surrogates.
NEAR_CONTROLS = ["\x00", "\x08", "\t", "\n", "\x0b", "\r", "\x1f", " ", "\x7f", "\x80", "\x9f", "\xa0", "\xc2"]
NEAR_CONTROLS += ["\u0102", "\u0880", "\u2080", "\U0001f09f", "\ud800", "\udc9f", "é", "北"]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(NEAR_CONTROLS) | st.text(max_size=3), max_size=12).map("".join))
def test_control_characters_are_found_in_the_utf8_bytes_as_by_the_regex(text):
    assert has_controls(text) == (CONTROL_CHARS.search(text) is not None), repr(text)


LANGUAGE_XPATH = (
    "//meta[translate(@http-equiv,'CONTENTLAGU','contentlagu')='content-language'"
    " or @property='og:locale' or translate(@name,'DCLANGUE','dclangue')='dc.language'"
    " or @name='language']/@content"
)
_META_ATTRIBUTE = st.tuples(
    st.sampled_from(["http-equiv", "name", "property", "content"]),
    st.sampled_from(["Content-Language", "CONTENT-LANGUAGE", "content-languagE", "DC.Language", "dc.LANGUAGE"])
    | st.sampled_from(["DC.language", "language", "Language", "og:locale", "og:Locale", "", "ru", "zh-CN", "x"]),
)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(metas=st.lists(st.lists(_META_ATTRIBUTE, max_size=3), max_size=5), in_body=st.booleans())
def test_the_declared_language_meta_is_the_one_the_xpath_reads(metas, in_body):
    markup = "".join("<meta" + "".join(f' {k}="{v}"' for k, v in dict(meta).items()) + ">" for meta in metas)
    tree = lxml_html.fromstring(
        f"<html><head><title>t</title></head><body><p>x</p>{markup}</body></html>"
        if in_body
        else f"<html><head>{markup}</head><body><p>x</p></body></html>"
    )
    found = tree.xpath(LANGUAGE_XPATH)
    assert _declared_languages(tree)[1] == (found[0] if found else None)
