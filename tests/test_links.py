"""Stories linked across languages: evidence in any script, scoring, the load-time stage, a real ingest."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from dbquery import query
from hypothesis import given, settings
from hypothesis import strategies as st
from score_reference import reference_score_pair
from webserver import serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench.links.corpus import REPORTS, Report  # noqa: E402
from forumwatch import db as fwdb  # noqa: E402
from forumwatch.tasks import load  # noqa: E402
from forumwatch.tasks.dedupe import assign_stories  # noqa: E402
from forumwatch.tasks.links import (  # noqa: E402
    KNOWN_EVIDENCE,
    TEXT_CHARS,
    StoryEvidence,
    keyed_evidence,
    link_for,
    link_stories,
    normalize_language,
    relink_all,
    representative_texts,
    score_pair,
    script_language,
    text_evidence,
)
from forumwatch.tasks.numbers import mentions  # noqa: E402
from forumwatch.tasks.places import find_places, load_gazetteer  # noqa: E402
from forumwatch.tasks.seeds import load_seed_tables  # noqa: E402
from forumwatch.tasks.tag import load_rules, tag_article, write_tags  # noqa: E402

BY_ID = {r.id: r for r in REPORTS}


# -- evidence in any script ------------------------------------------------------------------------


def test_numbers_are_the_same_values_in_english_chinese_and_russian():
    en = mentions("BEIJING, Oct. 30 (Xinhua) -- the 10th forum: more than 1,800 guests from 100 countries at 09:30")
    zh = mentions("新华社北京10月30日电 第十届论坛，来自100多个国家的一千八百余名嘉宾。")
    ru = mentions("ПЕКИН, 30 октября. /ТАСС/. X Сяншаньский форум: более 1 800 гостей из 100 стран.")
    assert en.numbers == zh.numbers == ru.numbers == {"10", "100", "1800"}  # no "30": a date; no 09:30: a clock
    assert en.dates == zh.dates == ru.dates == {"10-30"}
    amounts = [mentions(t).numbers for t in ("$1.5 billion", "15亿美元", "1,5 млрд долларов", "１５亿")]
    assert all(found == {"1500000000"} for found in amounts)
    assert mentions("十分重要，千万不要，三四个人").numbers == set()  # "very", "by all means", "three or four"
    assert mentions("二〇二三年，第二十届").numbers == {"2023", "20"}
    assert mentions("Article XI of the treaty").numbers == set()  # Roman numerals only in Cyrillic text
    assert mentions("").numbers == set() and mentions(None).dates == set()


def test_places_are_found_in_any_script_and_case():
    gazetteer = load_gazetteer()
    assert find_places("Talks in Beijing", gazetteer) == {"beijing"}
    assert find_places("会谈在北京举行", gazetteer) == {"beijing"}
    assert find_places("переговоры в Пекине, пекинская встреча", gazetteer) == {"beijing"}
    assert find_places("白俄罗斯总统", gazetteer) == {"belarus"}  # not Russia inside it
    assert find_places("Tell us about it", gazetteer) == set()  # US only in capitals
    assert find_places("The US and the UK", gazetteer) == {"united_states", "united_kingdom"}
    assert find_places("индивидуальный подход", gazetteer) == set()  # not India
    assert find_places("учения в Японском море", gazetteer) == {"sea_of_japan"}


def test_story_language_from_codes_or_script():
    assert [normalize_language(v) for v in ("zh-CN", "ru_RU", "EN", "x", "12", "", None, "中文")] == [
        "zh",
        "ru",
        "en",
        None,
        None,
        None,
        None,
        None,
    ]
    assert script_language("中俄两军举行联合演习") == "zh"
    assert script_language("Учения начались в Японском море") == "ru"
    assert script_language("Навчання почалися в Японському морі") == "uk"
    assert script_language("Plain English text") is None


def evidence(story_id: str, language: str, hours: float, **kinds) -> StoryEvidence:
    at = datetime(2023, 10, 30, 2) + timedelta(hours=hours)
    return StoryEvidence(story_id, language, at, **{k: frozenset(v) for k, v in kinds.items()})


_FEW = st.frozensets(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=4)
_NUMBERS = st.frozensets(st.sampled_from(["12", "2023", "2024", "1.5", "1800", "100"]), max_size=4)
_STORY = st.builds(
    StoryEvidence,
    story_id=st.sampled_from(["s1", "s2"]),
    language=st.sampled_from(["en", "zh", None]),
    first_published_at=st.none() | st.datetimes(datetime(2023, 12, 30), datetime(2024, 1, 3)),
    editions=_FEW,
    forums=_FEW,
    people=_FEW,
    organisations=_FEW,
    places=_FEW,
    countries=_FEW,
    numbers=_NUMBERS,
    dates=st.frozensets(st.sampled_from(["01-01", "12-31", "03-20"]), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(_STORY, _STORY)
def test_score_pair_gives_the_reference_score_and_evidence(a, b):
    assert score_pair(a, b) == reference_score_pair(a, b)


def test_score_links_one_event_and_not_the_same_people_on_another_day():
    en = evidence("a", "en", 1, people={"xi", "putin"}, places={"moscow"}, numbers={"12"}, dates={"03-20"})
    zh = evidence("b", "zh", 0, people={"xi", "putin"}, places={"moscow"}, numbers={"12"}, dates={"03-20"})
    link = link_for(en, zh)
    assert link is not None and (link.story_a, link.story_b) == ("a", "b")
    assert link.evidence["people"] == ["putin", "xi"] and link.evidence["numbers"] == ["12"]
    next_day = evidence("c", "zh", 20, people={"xi", "putin"}, places={"moscow"}, numbers={"2030"}, dates={"03-21"})
    assert link_for(en, next_day) is None
    assert link_for(en, evidence("d", "en", 0, people={"xi", "putin"}, places={"moscow"}, numbers={"12"})) is None
    far = evidence("e", "ru", 24 * 30, people={"xi", "putin"}, places={"moscow"}, numbers={"12"}, dates={"03-20"})
    assert link_for(en, far) is None  # a month later: another occasion, however much agrees
    people_only = evidence("f", "ru", 0, people={"xi", "putin", "wang"})
    assert link_for(en, people_only) is None  # one kind of evidence is not an event


# -- the stage, on a real DuckDB file ---------------------------------------------------------------


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "links.duckdb"))
    fwdb.init_schema(connection)
    load_seed_tables(connection)
    yield connection
    connection.close()


def row(report: Report, article_id: str | None = None, shift_hours: float = 0.0) -> dict:
    return {
        "article_id": article_id or report.id,
        "url": f"https://{report.language}.example/{article_id or report.id}",
        "source_id": f"outlet-{report.language}",
        "title": report.title,
        "published_at": datetime.fromisoformat(report.published) + timedelta(hours=shift_hours),
        "text": report.text,
        "language": report.language,
        "cited_media": [],
    }


def load_batch(con: duckdb.DuckDBPyConnection, rows: list[dict], known: dict | None = None) -> dict:
    """What flows.steps.load_pages does with a batch, in one transaction."""
    rules = load_rules()
    con.begin()
    load.upsert_articles(con, rows)
    write_tags(con, [tag_article(r["article_id"], r["text"] or "", rules) for r in rows])
    assign_stories(con, [r["article_id"] for r in rows])
    counts = link_stories(con, [r["article_id"] for r in rows], known=known)
    con.commit()
    return counts


def test_text_evidence_made_beside_extraction_is_found_by_the_stored_title_and_text(con):
    """The workers' keyed_evidence is what the loader uses for a story whose earliest copy is in the batch
    (English, Chinese and Russian texts, read back from DuckDB): marked copies of it show in story_features."""
    rows = [row(BY_ID[i]) for i in XI_PUTIN]
    rows[0]["text"] = rows[0]["text"] + " Extra words. " * 1000  # longer than the TEXT_CHARS read back
    known = {}
    for r in rows:
        key, found = keyed_evidence(r["title"], r["text"])
        assert found == text_evidence(r["title"], r["text"], load_gazetteer())
        known[key] = {**found, "places": found["places"] | {f"marker-{r['article_id']}"}}
    try:
        load_batch(con, rows, known)
    finally:
        KNOWN_EVIDENCE.clear()  # the marked copies must not reach other tests
    places = query(
        con,
        """SELECT a.article_id, list_contains(f.places, 'marker-' || a.article_id) FROM story_features f
           JOIN stories s USING (story_id) JOIN articles a ON a.article_id = s.representative_id""",
    )
    assert sorted(places) == sorted((r["article_id"], True) for r in rows)


def test_representative_texts_are_read_by_constant_in_lists_of_any_length(con, monkeypatch):
    """Titles and the first TEXT_CHARS of the texts, by id, over several IN lists (a list of 2 here); no row for an
    unknown id; an id in a comment line of the SQL is no placeholder."""
    rows = [row(BY_ID[i]) for i in XI_PUTIN]
    rows[0]["text"] = rows[0]["text"] + " Extra words. " * 1000
    load.upsert_articles(con, rows)
    monkeypatch.setattr("forumwatch.tasks.links.IN_LIST_MAX", 2)
    texts = representative_texts(con, [r["article_id"] for r in rows] + ["no-such-article"])
    assert texts == {r["article_id"]: (r["title"], r["text"][:TEXT_CHARS]) for r in rows}
    assert fwdb.in_list("-- $ids\nSELECT 1 WHERE 'a' IN ($ids) AND 'b' IN ($ids)", ["a"], ["b", "c"]) == (
        "SELECT 1 WHERE 'a' IN (?) AND 'b' IN (?, ?)",
        ["a", "b", "c"],
    )


def linked_reports(con: duckdb.DuckDBPyConnection) -> dict[frozenset[str], tuple]:
    """Links as {pair of article ids: (languages, score, evidence)} (one article per story here)."""
    rows = query(
        con,
        """SELECT a.article_id, b.article_id, l.language_a, l.language_b, l.score, l.evidence FROM story_links l
           JOIN stories sa ON sa.story_id = l.story_a JOIN stories sb ON sb.story_id = l.story_b
           JOIN articles a ON a.article_id = sa.representative_id
           JOIN articles b ON b.article_id = sb.representative_id""",
    )
    return {frozenset((a, b)): (la, lb, score, json.loads(ev)) for a, b, la, lb, score, ev in rows}


XI_PUTIN = [f"xi_putin_{day}_{lang}" for day in ("informal", "talks") for lang in ("en", "zh", "ru")]


def test_stage_links_each_day_across_languages_the_same_in_one_batch_or_backwards(con, tmp_path):
    load_batch(con, [row(BY_ID[i]) for i in XI_PUTIN])
    links = linked_reports(con)
    same_day = {frozenset((a, b)) for a in XI_PUTIN for b in XI_PUTIN if a < b and a.split("_")[2] == b.split("_")[2]}
    assert set(links) == same_day  # en-zh, en-ru, zh-ru of each day; nothing across the two days
    language_a, language_b, score, ev = links[frozenset(("xi_putin_talks_en", "xi_putin_talks_zh"))]
    assert sorted((language_a, language_b)) == ["en", "zh"] and score >= 4.0
    assert "moscow" in ev["places"] and "2030" in ev["numbers"] and ev["dates"] == ["03-21"]

    stored = query(con, "SELECT * FROM story_links ORDER BY story_a, story_b")
    load_batch(con, [row(BY_ID[i]) for i in XI_PUTIN])  # the same batch again: nothing changes
    assert query(con, "SELECT * FROM story_links ORDER BY story_a, story_b") == stored

    backwards = duckdb.connect(str(tmp_path / "backwards.duckdb"))
    fwdb.init_schema(backwards)
    load_seed_tables(backwards)
    for report_id in reversed(XI_PUTIN):  # one report per batch, newest first
        load_batch(backwards, [row(BY_ID[report_id])])
    columns = "story_a, story_b, language_a, language_b, score, evidence"
    assert query(backwards, f"SELECT {columns} FROM story_links ORDER BY 1, 2") == query(
        con, f"SELECT {columns} FROM story_links ORDER BY 1, 2"
    )
    backwards.close()


def test_stage_follows_a_story_whose_id_changes_and_survives_bad_rows(con):
    reports = [BY_ID["xs23_zhang_shoigu_en"], BY_ID["xs23_zhang_shoigu_ru"]]
    load_batch(con, [row(r) for r in reports])
    [(old_a, old_b)] = query(con, "SELECT story_a, story_b FROM story_links")
    # an earlier syndicated copy of the English report becomes its story's representative: a new story_id
    load_batch(con, [row(reports[0], article_id="copy-of-en", shift_hours=-1)])
    [(new_a, new_b)] = query(con, "SELECT story_a, story_b FROM story_links")
    assert {new_a, new_b} != {old_a, old_b}
    assert query(con, "SELECT count(*) FROM story_links WHERE story_a NOT IN (SELECT story_id FROM stories)") == [(0,)]
    assert query(con, "SELECT count(*) FROM story_features WHERE story_id NOT IN (SELECT story_id FROM stories)") == [
        (0,)
    ]
    # no text, no date, a nonsense language code: stored evidence, no link, no error
    bad = [
        {**row(reports[1], article_id="no-text"), "text": None, "language": "??-garbage"},
        {**row(reports[1], article_id="no-date"), "published_at": None, "language": "de"},
        {**row(reports[1], article_id="no-language"), "language": None, "source_id": "unknown", "text": "Text."},
    ]
    load_batch(con, bad)
    assert query(con, "SELECT count(*) FROM story_links") == [(1,)]
    relink_all(con)  # after a retag: everything recomputed, the same result
    assert query(con, "SELECT story_a, story_b FROM story_links") == [(new_a, new_b)]


# -- a real ingest ---------------------------------------------------------------------------------

FEED = (
    """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>"""
)
ITEM = "<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{published}+00:00"></head>
<body><nav>Home | World | Politics</nav><article><h1>{title}</h1>{paras}</article>
<footer>Copyright 2023</footer></body></html>"""


def html_page(report: Report) -> str:
    paras = "".join(f"<p>{p}</p>" for p in report.text.split("\n"))
    return PAGE.format(lang=report.language, title=report.title, published=report.published, paras=paras)


@pytest.mark.usefixtures("prefect_harness", "fast_crawl")
def test_ingest_links_english_chinese_and_russian_reports_of_one_event(tmp_path, monkeypatch):
    from forumwatch.flows.ingest import ingest

    monkeypatch.setenv("FORUMWATCH_MIN_ARTICLE_WORDS", "1")  # word counts by spaces (issue #11 item 1)
    monkeypatch.setenv("FORUMWATCH_EXTRACT_WORKERS", "1")
    event = ["xs23_zhang_shoigu_en", "xs23_zhang_shoigu_zh", "xs23_zhang_shoigu_ru"]
    other_day = ["xs23_shoigu_speech_en", "xs23_shoigu_speech_zh", "xs23_shoigu_speech_ru"]  # Shoigu, next day
    db = tmp_path / "fw.duckdb"
    with serve() as site:
        lines = ["name,feed_url,language"]
        for lang in ("en", "zh", "ru"):
            items = []
            for report_id in (i for i in event + other_day if i.endswith(lang)):
                report = BY_ID[report_id]
                link = site.add(f"/{lang}/{report_id}.html", html_page(report))
                date = datetime.fromisoformat(report.published).strftime("%a, %d %b %Y %H:%M:%S +0000")
                items.append(ITEM.format(title=report.title, link=link, date=date))
            site.add(f"/{lang}/feed", FEED.format(name=lang, items="".join(items)), content_type="application/rss+xml")
            lines.append(f"Outlet {lang},{site.base}/{lang}/feed,{lang}")
        sources = tmp_path / "sources.csv"
        sources.write_text("\n".join(lines) + "\n", encoding="utf-8")
        state = ingest(sources=str(sources), db=str(db), return_state=True)
    assert state.is_completed()
    assert query(db, "SELECT count(*) FROM articles") == [(6,)]
    rows = query(
        db,
        """SELECT a.url, b.url, l.score, l.evidence FROM story_links l
           JOIN articles a ON a.story_id = l.story_a JOIN articles b ON b.story_id = l.story_b""",
    )
    pairs = {frozenset(Path(u).stem for u in (a, b)): (score, json.loads(ev)) for a, b, score, ev in rows}
    # each event's reports link across its three languages; nothing links the meeting with the next day's speech
    within = {frozenset((a, b)) for group in (event, other_day) for a in group for b in group if a < b}
    assert set(pairs) == within
    score, ev = pairs[frozenset(("xs23_zhang_shoigu_en", "xs23_zhang_shoigu_zh"))]
    assert score >= 4.0 and "beijing" in ev["places"] and {"20", "2024"} <= set(ev["numbers"])
    assert ev["dates"] == ["10-30"] and ev["hours_apart"] == 0.7
