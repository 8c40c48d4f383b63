"""Consistency checks for the reference seeds and the bundled offline snapshot (seeds/snapshot)."""

from __future__ import annotations

import copy
import csv
import filecmp
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import feedparser
import lxml.html
import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SNAP = ROOT / "seeds" / "snapshot"
BASE = "http://127.0.0.1:8000"
COLUMNS = [
    "id",
    "name",
    "feed_url",
    "homepage",
    "country",
    "language",
    "kind",
    "crawl_delay",
    "sitemap_url",
    "timezone",
]
KINDS = {"rss", "atom", "json", "sitemap"}
ASIANLITE_TXT = ROOT / "tests" / "data" / "asianlite-2023-10-31-china-russia-security.txt"

EXPECTED = json.loads((SNAP / "expected.json").read_text(encoding="utf-8"))
PAGES = EXPECTED["pages"]
OK_PAGES = [p for p in PAGES if p["status"] == 200]
MISSING_PATHS = {p["path"] for p in PAGES if p["status"] == 404}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def served(rel_file: str) -> str:
    from forumwatch.snapshot_server import fill

    return fill((SNAP / rel_file).read_text(encoding="utf-8"), BASE)


def file_for_url(url: str) -> Path | None:
    """The snapshot file a static server would answer with, or None (404)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE, url
    rel = parts.path.lstrip("/")
    if rel.endswith("/") or rel == "":
        rel += "index.html"
    path = SNAP / rel
    return path if path.is_file() else None


def parse_page(page: dict):
    return lxml.html.fromstring(served(page["file"]))


def body_el(doc, page: dict):
    found = doc.xpath(page["body_xpath"])
    assert len(found) == 1, (page["path"], page["body_xpath"], len(found))
    return found[0]


def body_text(el) -> str:
    """Text of a body container without the boxes a page embeds in it (ads, newsletter asides)."""
    el = copy.deepcopy(el)
    for junk in el.xpath(".//aside | .//script | .//style | .//form | .//*[contains(@class,'ad-slot')]"):
        junk.drop_tree()
    return norm(el.text_content())


def norm(text: str) -> str:
    return " ".join(text.split())


def utc(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def struct_utc(st) -> str:
    return datetime(*st[:6], tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# seeds/sources.csv (real outlets)
# ---------------------------------------------------------------------------------------------


def test_reference_sources_csv():
    cols, rows = read_csv(ROOT / "seeds" / "sources.csv")
    assert cols == COLUMNS
    assert 15 <= len(rows) <= 40
    slugs = [slug(r["name"]) for r in rows]
    assert len(set(slugs)) == len(slugs), Counter(slugs).most_common(3)
    assert [r["id"] for r in rows] == slugs  # the ids databases built before explicit ids already hold
    assert len({r["feed_url"] for r in rows}) == len(rows)
    for r in rows:
        assert r["kind"] in KINDS, r
        assert re.match(r"https?://[a-z0-9.-]+\.[a-z]{2,}/", r["feed_url"]), r
        assert r["homepage"].startswith(("http://", "https://")), r
        assert re.fullmatch(r"[A-Z]{2}", r["country"]), r
        assert r["language"] in ("en", "zh", "ru"), r
        assert ZoneInfo(r["timezone"]), r
        assert r["crawl_delay"] == "" or float(r["crawl_delay"]) > 0, r
        assert r["sitemap_url"] == "" or r["sitemap_url"].startswith("https://"), r
        assert "__BASE__" not in ",".join(r.values())
    names = {r["name"] for r in rows}
    assert {"Asian Lite News", "TASS", "Xinhua English"} <= names
    by_language = Counter(r["language"] for r in rows)
    assert by_language["zh"] >= 5 and by_language["ru"] >= 5
    assert {r["timezone"] for r in rows if r["country"] == "CN"} == {"Asia/Shanghai"}
    assert {r["timezone"] for r in rows if r["country"] == "RU"} == {"Europe/Moscow"}
    feeds = {r["feed_url"] for r in rows}
    assert {"https://tass.ru/rss/v2.xml", "https://ria.ru/export/rss2/archive/index.xml"} <= feeds
    assert "https://www.interfax.ru/rss.asp" in feeds


# ---------------------------------------------------------------------------------------------
# Snapshot: sources, feeds, links
# ---------------------------------------------------------------------------------------------


def snapshot_sources() -> list[dict]:
    cols, rows = read_csv(SNAP / "sources.csv")
    assert cols == COLUMNS
    return rows


def test_snapshot_sources_csv():
    rows = snapshot_sources()
    assert len(rows) >= 5
    assert {r["kind"] for r in rows} >= {"rss", "atom", "json"}
    for r in rows:
        assert r["feed_url"].startswith("__BASE__/"), r
        assert r["homepage"].startswith("__BASE__/"), r
        assert (SNAP / r["feed_url"].removeprefix("__BASE__/")).is_file(), r["feed_url"]
        if r["sitemap_url"]:
            assert (SNAP / r["sitemap_url"].removeprefix("__BASE__/")).is_file(), r["sitemap_url"]
    outlets = {p["outlet"] for p in PAGES}
    assert len(outlets) == len(rows)
    assert {p["source_name"] for p in PAGES} == {r["name"] for r in rows}


def parse_feed(rel: str) -> tuple[str, list[dict]]:
    """(version, items) where items are {link, published_utc or None}."""
    text = served(rel)
    if rel.endswith(".json"):
        doc = json.loads(text)
        assert doc["version"] == "https://jsonfeed.org/version/1.1"
        assert doc["feed_url"] == f"{BASE}/{rel}"
        items = []
        for it in doc["items"]:
            assert it["id"] and it["url"] and it["title"]
            pub = it.get("date_published")
            items.append({"link": it["url"], "title": it["title"], "published_utc": utc(pub) if pub else None})
        return "json11", items
    d = feedparser.parse(text)
    assert not d.bozo, (rel, d.get("bozo_exception"))
    items = []
    for e in d.entries:
        st = e.get("published_parsed") or e.get("updated_parsed")
        items.append({"link": e.link, "title": e.title, "published_utc": struct_utc(st) if st else None})
    return d.version, items


def all_feeds() -> dict[str, tuple[str, list[dict]]]:
    return {r["name"]: parse_feed(r["feed_url"].removeprefix("__BASE__/")) for r in snapshot_sources()}


def test_feed_formats():
    versions = {name: v for name, (v, _) in all_feeds().items()}
    assert sorted(versions.values()) == sorted(["rss20", "rss20", "atom10", "json11", "rss10", "rss20", "rss20"]), (
        versions
    )
    meridian = (SNAP / "meridian" / "rss" / "world.xml").read_text(encoding="utf-8")
    assert "<content:encoded>" in meridian and "<dc:creator>" in meridian


def test_every_feed_link_resolves_and_every_page_is_listed():
    by_path = {p["path"]: p for p in PAGES}
    listed = set()
    for name, (_, items) in all_feeds().items():
        assert items, name
        for it in items:
            path = urlsplit(it["link"]).path
            target = file_for_url(it["link"])
            if path in MISSING_PATHS:
                assert target is None, f"{it['link']} should be a deliberate 404"
            else:
                assert target is not None, f"{name}: {it['link']} has no file in the snapshot"
            page = by_path[path]
            assert page["source_name"] == name
            assert page["url_in_feed"] == path + (
                ("?" + urlsplit(it["link"]).query) if urlsplit(it["link"]).query else ""
            )
            assert it["published_utc"] == page["published_at_utc"], (it["link"], it["published_utc"])
            listed.add(path)
    assert listed == set(by_path), set(by_path) ^ listed
    assert len(MISSING_PATHS) == 1


def test_tracking_parameters_in_one_feed_link():
    tracked = [p for p in PAGES if "utm_source=rss" in p["url_in_feed"]]
    assert len(tracked) == 1
    assert "utm_medium=feed" in tracked[0]["url_in_feed"]
    doc = parse_page(tracked[0])
    # canonical links name the site's default address, whatever port serves it (the demo's article identity)
    assert doc.xpath("//link[@rel='canonical']/@href") == ["http://127.0.0.1:8765" + tracked[0]["path"]]


def test_every_page_names_its_canonical_url_on_the_default_port():
    for page in OK_PAGES:
        doc = parse_page(page)
        assert doc.xpath("//head/link[@rel='canonical']/@href") == ["http://127.0.0.1:8765" + page["path"]], page[
            "path"
        ]


def test_news_sitemap_locs_exist():
    for r in snapshot_sources():
        if not r["sitemap_url"]:
            continue
        root = etree.fromstring(served(r["sitemap_url"].removeprefix("__BASE__/")).encode())
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
        locs = root.xpath("//s:url/s:loc/text()", namespaces=ns)
        assert locs
        for loc in locs:
            assert file_for_url(loc) is not None, loc
        dates = root.xpath("//n:publication_date/text()", namespaces=ns)
        assert len(dates) == len(locs)


def test_no_port_or_real_host_baked_in():
    for f in SNAP.rglob("*"):
        if f.suffix in {".html", ".htm", ".xml", ".json", ".csv"}:
            text = f.read_text(encoding="utf-8")
            assert "127.0.0.1" not in text and "localhost" not in text, f


# ---------------------------------------------------------------------------------------------
# Snapshot: pages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", OK_PAGES, ids=[p["path"].split("/")[1] + ":" + p["story"] for p in OK_PAGES])
def test_page(page):
    f = SNAP / page["file"]
    assert f.is_file()
    assert 15_000 <= f.stat().st_size <= 60_000, f.stat().st_size
    assert file_for_url(BASE + page["path"]) == f
    doc = parse_page(page)
    page_text = norm(doc.text_content())
    assert norm(page["title"]) in page_text
    body = body_text(body_el(doc, page))
    assert body.startswith(norm(page["body_first"])), body[:120]
    assert body.endswith(norm(page["body_last"])), body[-120:]
    for word in page["must_not_contain"]:
        assert word in page_text, f"{word!r} should be in the page chrome"
        assert word not in body, f"{word!r} leaked into the body"
    words = len(re.findall(r"[\u3400-\u9fff]", body)) // 2 or len(body.split())  # two Chinese characters ~ a word
    assert 150 <= words <= 800, words


@pytest.mark.parametrize("page", OK_PAGES, ids=[p["path"].split("/")[1] + ":" + p["story"] for p in OK_PAGES])
def test_page_date_markup(page):
    doc = parse_page(page)
    src, want = page["date_source"], page["published_at_utc"]
    jsonld_dates = []
    for block in doc.xpath("//script[@type='application/ld+json']/text()"):
        data = json.loads(block)
        for node in data.get("@graph", [data]):
            if node.get("@type") in ("NewsArticle", "Article") and node.get("datePublished"):
                jsonld_dates.append(node["datePublished"])
    meta = doc.xpath("//meta[@property='article:published_time']/@content")
    times = doc.xpath("//time/@datetime")
    if src == "jsonld":
        assert [utc(d) for d in jsonld_dates] == [want]
    elif src == "meta":
        assert [utc(d) for d in meta] == [want]
        assert "+" in meta[0][10:]  # an explicit offset
    elif src == "time":
        assert [utc(d) for d in times] == [want]
        assert not meta and not jsonld_dates
    else:
        assert src in ("feed", None)
        assert not meta and not jsonld_dates and not times
    if page["no_date_in_page"]:
        raw = served(page["file"])
        month = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
        for pattern in (
            r"\b(19|20)\d\d\b",
            month + r" \d{1,2}\b",
            r"\b\d{1,2} " + month + r"\b",
            r"\d{4}-\d{2}-\d{2}",
            r"\d{1,2}/\d{1,2}/\d{2,4}",
        ):
            found = re.search(pattern, raw)
            assert not found, (pattern, raw[max(0, found.start() - 60) : found.end() + 20])


def test_expected_json_fields():
    allowed_wire = {"ANI", "PTI", "Xinhua", "TASS", None}
    for p in PAGES:
        assert p["wire_agency"] in allowed_wire
        assert p["published_precision"] in ("minute", "day", None)
        assert p["date_source"] in ("jsonld", "meta", "time", "feed", None)
        assert (p["published_at_utc"] is None) == (p["published_precision"] is None)
        if p["published_at_utc"]:
            assert p["published_at_utc"] == utc(p["published_at_local"])
    assert len(OK_PAGES) >= 15 and len(OK_PAGES) <= 20
    assert len(PAGES) == len({p["path"] for p in PAGES})


# ---------------------------------------------------------------------------------------------
# Stories: syndicated copies, hard negatives
# ---------------------------------------------------------------------------------------------


def body_paragraphs(page: dict) -> list[str]:
    el = body_el(parse_page(page), page)
    return [norm(p.text_content()) for p in el.xpath(".//p")]


def asianlite_real_paragraphs() -> list[str]:
    lines = [ln.strip() for ln in ASIANLITE_TXT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = lines.index("China, Russia Ready to Tackle Security Threats Together") + 2
    end = next(i for i, ln in enumerate(lines) if ln.startswith("ALSO READ"))
    return lines[start:end]


def test_story_groups():
    stories = Counter(p["story"] for p in OK_PAGES)
    ani = [p for p in OK_PAGES if p["story"] == "ani-china-russia-security"]
    assert len({p["outlet"] for p in ani}) >= 4 and all(p["wire_agency"] == "ANI" for p in ani)
    times = sorted(p["published_at_utc"] for p in ani)
    assert times[0][:13] != times[-1][:13]  # hours apart
    assert len({p["title"] for p in ani}) == len(ani)  # every copy has its own headline
    pti = [p for p in OK_PAGES if p["wire_agency"] == "PTI"]
    assert len(pti) == 2 and len({p["story"] for p in pti}) == 1 and len({p["outlet"] for p in pti}) == 2
    assert stories[next(p["story"] for p in OK_PAGES if p["wire_agency"] == "Xinhua")] == 1
    assert stories[next(p["story"] for p in OK_PAGES if p["wire_agency"] == "TASS")] == 1
    # every outlet's pages are in distinct stories (an outlet never carries two copies)
    for o in {p["outlet"] for p in OK_PAGES}:
        labels = [p["story"] for p in OK_PAGES if p["outlet"] == o]
        assert len(labels) == len(set(labels)), o


def test_syndicated_copies_are_edited_but_share_most_paragraphs():
    real = asianlite_real_paragraphs()
    ani = [p for p in OK_PAGES if p["story"] == "ani-china-russia-security"]
    for p in ani:
        paras = body_paragraphs(p)
        if p["outlet"] == "asianlite":
            assert paras == [norm(x) for x in real]
            continue

        def loose(x: str) -> str:
            return re.sub(r"[\"“”]", "", norm(x).replace("Defense", "Defence"))

        plain = {loose(x) for x in real}
        shared = sum(1 for x in paras if loose(x) in plain)
        assert len(real) - 5 <= shared < len(real), (p["path"], shared)
        assert paras[0] != norm(real[0])  # dateline or "ANI |" added
        assert any(x.startswith(("ALSO READ", "Read more", "Also Read")) for x in paras), p["path"]
        assert "ANI" in paras[0] or paras[-1].endswith("(ANI)")


def test_hard_negatives():
    real = {norm(x) for x in asianlite_real_paragraphs()}
    follow = [p for p in OK_PAGES if p.get("quotes_paragraph_of") == "ani-china-russia-security"]
    assert len(follow) == 1
    assert sum(1 for x in body_paragraphs(follow[0]) if x in real) == 1
    same_event = next(p for p in OK_PAGES if p["story"] == "staff-xiangshan-shoigu-speech")
    paras = body_paragraphs(same_event)
    assert not any(x in real for x in paras)
    text = " ".join(paras)
    for shared in (
        "Shoigu",
        "Zhang Youxia",
        "Xiangshan",
        "post-conflict resolution of the Ukrainian crisis",
        "90 countries",
    ):
        assert shared in text


def test_asianlite_page_traps():
    page = next(p for p in OK_PAGES if p["outlet"] == "asianlite")
    raw = served(page["file"])
    doc = parse_page(page)
    article = doc.xpath("//article")
    assert len(article) == 1
    article_text = norm(article[0].text_content())
    body = body_text(body_el(doc, page))
    page_text = norm(doc.text_content())
    for trap in (
        "Today: 1 June 2025",
        "ALSO READ",
        "Piers Morgan",
        "Previous Story",
        "Next Story",
        "Latest from -Top News",
        "Don't Miss",
        "Gaza",
        "IAEA",
    ):
        assert trap in page_text, trap
        assert trap not in article_text and trap not in body, trap
    assert "2 mins read" in page_text and "31 October 2023" in page_text
    assert raw.index("Today: 1 June 2025") < raw.index("31 October 2023")  # crawl day shown first
    assert body.endswith("TASS reported. (ANI)")
    meta = doc.xpath("//meta[@property='article:published_time']/@content")
    assert meta and meta[0].startswith("2023-10-31T") and meta[0].endswith("+05:30")


def test_chinese_and_russian_outlets_carry_the_translated_story():
    """The zh and ru outlets: the translated body word for word, dates in each convention and zone."""
    for outlet, language, visible, offset in (
        ("huanyu", "zh", "2023年10月31日 22:05", "+0800"),
        ("kurier", "ru", "31 октября 2023, 17:20", "+0300"),
    ):
        [page] = [p for p in OK_PAGES if p["outlet"] == outlet]
        lines = [ln.strip() for ln in ASIANLITE_TXT.with_suffix(f".{language}.txt").read_text("utf-8").splitlines()]
        lines = [ln for ln in lines if ln]
        end = next(i for i, ln in enumerate(lines) if ln.endswith("ANI）") or ln.endswith("(ANI)"))
        assert body_paragraphs(page) == [norm(x) for x in lines[5 : end + 1]]
        raw = served(page["file"])
        assert visible in raw and raw.index(lines[0]) < raw.index(visible)  # the crawl day shows first
        assert page["language"] == language and page["wire_agency"] == "ANI"
        assert page["published_at_utc"][:10] == "2023-10-31"
        feed = served(OUTLETS_FEEDS[outlet])
        assert f" {offset}</pubDate>" in feed


OUTLETS_FEEDS = {"huanyu": "huanyu/rss/mil.xml", "kurier": "kurier/rss.xml"}


# ---------------------------------------------------------------------------------------------
# The committed output is what the builder produces
# ---------------------------------------------------------------------------------------------


def test_builder_output_is_committed(tmp_path):
    subprocess.run(
        [sys.executable, str(SNAP / "build_snapshot.py"), "--out", str(tmp_path)], check=True, capture_output=True
    )
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(SNAP)
        for p in SNAP.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".md", ".pyc"} and "__pycache__" not in p.parts
    )
    assert built == committed
    stale = [str(p) for p in built if not filecmp.cmp(tmp_path / p, SNAP / p, shallow=False)]
    assert not stale, f"rerun seeds/snapshot/build_snapshot.py: {stale}"
