"""Extraction in non-Latin scripts over saved pages (tests/data/pages, see PROVENANCE.md): body kept,
boilerplate dropped, language and publication time right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from lxml import html as lxml_html

from forumwatch.db import init_schema
from forumwatch.tasks.extract import PageInput, extract_page
from forumwatch.tasks.language import article_language, cjk_chars, length_units, long_enough

PAGES = Path(__file__).parent / "data" / "pages"
FETCHED = datetime(2025, 6, 1, 10, 0)  # after every page; the RIA page's header clock shows this day


@dataclass(frozen=True)
class Case:
    file: str
    timezone: str
    language: str
    language_source: str
    body: tuple[str, ...]  # snippets of the article text
    boilerplate: tuple[str, ...]  # snippets of the page's furniture (all present in the HTML)
    published_at: datetime | None = None  # UTC
    published_at_source: str | None = None


CASES = [
    Case(
        "zh/bbc_chinese.html",
        "Asia/Hong_Kong",
        "zh",
        "html",
        (
            "梁振英在星期二（12月10日）的答问大会开始之际在其演说中道歉",
            "民主党此前计划在星期三（11日）对梁振英提出不信任动议。",
        ),
        ("直接前往内部导航", "新浪微博", "百度搜藏"),
        datetime(2012, 12, 10, 9, 24, 1),
        "meta",
    ),
    Case(
        "zh/xinhuanet.html",
        "Asia/Shanghai",
        "zh",
        "detected",
        (
            "新华社巴黎12月9日电（记者唐霁）法国9日再次爆发全国跨行业大罢工",
            "总理菲利普将于11日宣布退休制度改革的总体架构",
        ),
        ("雄安等13地区试点“交通强国”建设", "沙特2020年财政支出预计达2720亿美元"),
        datetime(2019, 12, 9, 23, 57, 40),  # 2019-12-10 07:57:40 Beijing time, written on the page
        "text+source_tz",
    ),
    Case(
        "zh-hant/bbc_template.html",
        "Asia/Taipei",
        "zh",
        "html",
        ("中俄兩國保持高水平雙邊關係，兩軍關係呈現強勁發展勢頭", "紹伊古說，俄方願同中方深化務實交流與合作"),
        ("直接前往内部导航", "新浪微博", "BBC链接"),
        datetime(2023, 10, 31, 5, 42),  # 2023年10月31日 13:42 Taipei time
        "text+source_tz",
    ),
    Case(
        "ja/yomiuri.html",
        "Asia/Tokyo",
        "ja",
        "html",
        (
            "４季ぶりの優勝を目指すバルセロナ（スペイン）はアウェーでマンチェスター・ユナイテッド",
            "両カードの第２戦は１６日に行われる。",
        ),
        ("購読申し込み", "ログイン・登録", "読売新聞オンラインとは"),
        datetime(2019, 4, 11, 13, 22),  # <time datetime="2019-04-11T22:22">, no zone: Tokyo time
        "time+source_tz",
    ),
    Case(
        "ko/donga.html",
        "Asia/Seoul",
        "ko",
        "detected",
        ("경기도 용인에 자리 잡은 민간 시험인증 전문기업", "시험인증 분야에서 100년 기업을 일구겠다는 그는"),
        ("콘텐츠바로가기", "회원가입", "구독신청"),
        datetime(2013, 10, 23, 18, 0),  # 2013-10-24 03:00:00 Seoul time, written on the page
        "text+source_tz",
    ),
    Case(
        "ar/cnn_arabic.html",
        "Asia/Riyadh",
        "ar",
        "html",
        ("أكدت جهات سورية معارضة أن فصائل مسلحة معارضة لنظام الرئيس بشار الأسد",),
        ("الصفحة الرئيسية", "اقتصاد وأعمال", "CNN en Español"),
    ),
    Case(
        "ru/ria_template.html",
        "Europe/Moscow",
        "ru",
        "html",
        ("провел в понедельник переговоры с министром обороны России Сергеем Шойгу", "сосуществованию с Западом"),
        ("Stories »", "TOSHIFUMI KITAMURA", "Related News"),
        datetime(2023, 10, 31, 10, 42),  # "13:42 31.10.2023" Moscow time; the header clock shows the crawl day
        "text+source_tz",
    ),
    Case(
        "uk/bbc_template.html",
        "Europe/Kyiv",
        "uk",
        "html",
        ("Чжан Юся у понеділок провів переговори з міністром оборони Росії Сергієм Шойгу", "Аналітики в Києві"),
        ("直接前往内部导航", "新浪微博", "BBC链接"),
        datetime(2023, 10, 31, 11, 42),  # "31 жовтня 2023 р., 13:42" Kyiv time (EET after the 29 October change)
        "text+source_tz",
    ),
]


def extract(case: Case, timezone: str | None = None, **overrides) -> object:
    html = (PAGES / case.file).read_text(encoding="utf-8")
    page = PageInput(
        url=f"https://example.org/{case.file}",
        source_id="outlet",
        html=html,
        fetched_at=FETCHED,
        timezone=timezone,
        **overrides,
    )
    return extract_page(page)


@pytest.fixture(scope="module")
def extracted() -> dict[str, object]:
    return {case.file: extract(case, case.timezone) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_saved_page_body_kept_and_boilerplate_dropped(case, extracted):
    out = extracted[case.file]
    page_text = " ".join(lxml_html.fromstring((PAGES / case.file).read_bytes()).text_content().split())
    assert out.error is None
    for snippet in case.body:
        assert snippet in out.text, snippet
    for snippet in case.boilerplate:
        assert snippet in page_text, f"fixture lost its boilerplate {snippet!r}"
        assert snippet not in out.text, snippet
    assert out.word_count == length_units(out.text) > 50


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_saved_page_language(case, extracted):
    out = extracted[case.file]
    assert (out.language, out.language_source) == (case.language, case.language_source)


@pytest.mark.parametrize("case", [c for c in CASES if c.published_at], ids=lambda c: c.file)
def test_saved_page_date_read_in_the_source_zone(case, extracted):
    out = extracted[case.file]
    assert (out.published_at, out.published_at_source) == (case.published_at, case.published_at_source)
    assert out.published_at_precision == "minute" and out.date_note is None


def test_without_a_source_zone_the_wall_clock_is_kept_and_said(extracted):
    case = next(c for c in CASES if c.file == "ru/ria_template.html")
    out = extract(case, None)
    assert (out.published_at, out.published_at_source) == (datetime(2023, 10, 31, 13, 42), "text")
    assert out.date_note == "time zone not given; read as UTC"


def test_an_unknown_zone_name_does_not_stop_extraction():
    case = next(c for c in CASES if c.file == "zh/xinhuanet.html")
    out = extract(case, "Mars/Olympus_Mons")
    assert out.error is None and out.published_at == datetime(2019, 12, 10, 7, 57, 40)


def article_html(body: str, head: str = "", lang_attr: str = "") -> str:
    return f"<html{lang_attr}><head><title>t</title>{head}</head><body><article>{body}</article></body></html>"


def test_short_chinese_article_is_kept_by_characters_not_words():
    # 3 space-separated "words" but 60 characters: an article, not a stub.
    text = "新华社北京10月31日电，中央军委副主席张又侠30日在北京会见来华出席第十届北京香山论坛的俄罗斯国防部长绍伊古。双方就两国两军关系深入交换意见。"
    out = extract_page(PageInput("https://example.org/a", None, article_html(f"<p>{text}</p>"), FETCHED))
    assert out.error is None and out.text == text
    assert out.word_count == cjk_chars(text) + 3  # each character, and the digit runs 10, 31 and 30 as words
    assert long_enough(text, 10, 25)


def test_thai_article_without_spaces_is_kept():
    text = "รัฐมนตรีกลาโหมจีนและรัสเซียหารือกันที่การประชุมเซียงซานในกรุงปักกิ่งเกี่ยวกับความร่วมมือทางทหาร"
    out = extract_page(PageInput("https://example.org/a", None, article_html(f"<p>{text}</p>"), FETCHED))
    assert out.error is None and out.text == text
    assert (out.language, out.language_source) == ("th", "detected")


def test_chinese_stub_is_refused_with_its_character_count():
    out = extract_page(PageInput("https://example.org/a", None, article_html("<p>返回首页 登录 注册</p>"), FETCHED))
    assert out.error == "no article text found (only 0 words, 8 CJK characters)"


def test_xml_declared_page_parses():
    body = "<p>" + "Министр обороны России Сергей Шойгу принял участие в Сяншаньском форуме в Пекине. " * 3 + "</p>"
    page = '<?xml version="1.0" encoding="windows-1251"?>\n<!DOCTYPE html>\n' + article_html(
        body, lang_attr=' xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru"'
    )
    out = extract_page(PageInput("https://example.org/a", None, page, FETCHED))
    assert out.error is None and "Сергей Шойгу" in out.text
    assert (out.language, out.language_source) == ("ru", "html")


def test_zero_width_joiners_are_kept_and_other_format_characters_are_not():
    persian = "می\u200cخواهم این گزارش را درباره\u200cی نشست امنیتی پکن بخوانم و نظرم را بنویسم. "
    hindi = "क्\u200dष सुरक्षा मंच पर बातचीत जारी रही और प्रतिनिधियों ने विचार रखे। "
    body = f"<p>{persian * 3}</p><p>{hindi * 3}</p><p>soft\u00adhyphen and bidi\u202emark</p>"
    out = extract_page(PageInput("https://example.org/a", None, article_html(body), FETCHED))
    assert out.error is None
    assert "می\u200cخواهم" in out.text and "درباره\u200cی" in out.text and "क्\u200dष" in out.text
    assert "\u202e" not in out.text


def test_declared_language_overruled_when_the_script_disagrees():
    body = "<p>" + "中央军委副主席张又侠在北京会见俄罗斯国防部长绍伊古，双方就两军关系交换意见。" * 3 + "</p>"
    out = extract_page(PageInput("https://example.org/a", None, article_html(body, lang_attr=' lang="en"'), FETCHED))
    assert (out.language, out.language_source) == ("zh", "detected")


def test_meta_declared_language():
    body = "<p>" + "Міністр оборони заявив, що співпраця з партнерами залишається ключовою для безпеки країни. " * 3
    head = '<meta property="og:locale" content="uk_UA">'
    out = extract_page(PageInput("https://example.org/a", None, article_html(body + "</p>", head), FETCHED))
    assert (out.language, out.language_source) == ("uk", "meta")


def test_language_falls_back_to_the_source_when_text_has_no_letters():
    assert article_language(None, None, "2023 — 10 — 31 · 13:42 · 100%", "RU") == article_language(None, None, "", "ru")
    assert article_language(None, None, "", "ru").source == "source"
    assert article_language("zh-Hant", None, None, "en").code == "zh"
    assert article_language("x-klingon", "{{lang}}", "", None).code is None


def test_language_source_column_is_added_to_an_existing_database(tmp_path):
    path = str(tmp_path / "old.duckdb")
    with duckdb.connect(path) as con:
        con.execute("CREATE TABLE articles (article_id VARCHAR PRIMARY KEY, url VARCHAR NOT NULL, language VARCHAR)")
        con.execute("INSERT INTO articles VALUES ('a', 'https://example.org/a', 'ru')")
    with duckdb.connect(path) as con:
        init_schema(con)
        init_schema(con)  # twice: idempotent
        assert con.execute("SELECT language, language_source FROM articles").fetchall() == [("ru", None)]
