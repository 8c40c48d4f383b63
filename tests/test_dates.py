from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from forumwatch.tasks.dates import (
    DateCandidate,
    _markup,
    _ranked_times,
    choose_date,
    hinted_date_strings,
    page_date_candidates,
    parse_stamp,
    text_date_candidates,
)

FETCHED = datetime(2025, 6, 1, 9, 0)


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_jsonld_article_date_beats_webpage_date_and_keeps_time_in_utc():
    html = page(
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "datePublished": "2025-06-01"},'
        '{"@type": ["NewsArticle"], "datePublished": "2023-10-31T19:12:00+05:30"}]}</script>'
    )
    chosen = choose_date(page_date_candidates(html), None, None, FETCHED)
    assert (chosen.published_at, chosen.source, chosen.precision) == (
        datetime(2023, 10, 31, 13, 42),
        "jsonld",
        "minute",
    )


def test_meta_published_time():
    html = page('<meta property="article:published_time" content="2023-10-31T10:30:00-04:00">')
    chosen = choose_date(page_date_candidates(html), None, None, FETCHED)
    assert (chosen.published_at, chosen.source) == (datetime(2023, 10, 31, 14, 30), "meta")


def test_time_element_marked_as_published_but_not_the_crawl_day_in_the_header():
    html = page(
        body='<header><span>Today: <time datetime="2025-06-01">1 June 2025</time></span></header>'
        '<article><time itemprop="datePublished" datetime="2023-10-31T08:00:00Z">31 Oct</time></article>'
    )
    chosen = choose_date(page_date_candidates(html), None, None, FETCHED)
    assert (chosen.published_at, chosen.source) == (datetime(2023, 10, 31, 8, 0), "time")
    header_only = page(body='<header>Today: <time datetime="2025-06-01">1 June 2025</time></header>')
    assert page_date_candidates(header_only) == []


def test_feed_time_refines_a_day_only_page_date_on_the_same_day():
    feed = DateCandidate(datetime(2023, 10, 31, 8, 35), "feed", "minute", True)
    chosen = choose_date([], feed, date(2023, 10, 31), FETCHED)
    assert (chosen.published_at, chosen.source, chosen.precision) == (datetime(2023, 10, 31, 8, 35), "feed", "minute")
    far = DateCandidate(datetime(2023, 12, 25, 8, 35), "feed", "minute", True)
    page_day = parse_stamp("2023-10-31", "meta")
    chosen = choose_date([page_day], far, None, FETCHED)
    assert (chosen.published_at, chosen.source, chosen.precision) == (datetime(2023, 10, 31), "meta", "day")


def test_feed_date_beats_trafilaturas_guess_from_the_text():
    feed = DateCandidate(datetime(2023, 10, 31, 8, 15), "feed", "minute", True)
    chosen = choose_date([], feed, date(1995, 1, 1), FETCHED)
    assert (chosen.published_at, chosen.source) == (datetime(2023, 10, 31, 8, 15), "feed")
    assert choose_date([], None, date(2023, 10, 30), FETCHED).source == "trafilatura"


def test_no_date_is_null_with_a_note_never_the_fetch_time():
    chosen = choose_date(page_date_candidates(page(body="<p>no dates here</p>")), None, None, FETCHED)
    assert chosen.published_at is None and chosen.source is None
    assert chosen.note == "no publication date found in the page or the feed"


def test_future_and_ancient_dates_rejected():
    future = parse_stamp("2031-01-01T00:00:00Z", "meta")
    ancient = parse_stamp("1970-01-01", "meta")
    assert choose_date([future, ancient], None, None, FETCHED).published_at is None


def test_naive_time_is_flagged():
    chosen = choose_date([parse_stamp("2023-10-31 10:00", "meta")], None, None, FETCHED)
    assert chosen.published_at == datetime(2023, 10, 31, 10, 0)
    assert chosen.note == "time zone not given; read as UTC"


def test_garbage_stamps_ignored():
    assert parse_stamp("yesterday-ish", "meta") is None
    assert parse_stamp("", "meta") is None
    assert page_date_candidates('<script type="application/ld+json">{broken</script>') == []


# Dates written in page text (Chinese, Russian...), read with dateparser in the page's language.
WRITTEN = [
    ("2023年10月31日 13:42", "zh", "Asia/Shanghai", datetime(2023, 10, 31, 5, 42)),
    ("2023-10-31 13:42:05 来源：新华网", "zh", "Asia/Shanghai", datetime(2023, 10, 31, 5, 42, 5)),
    ("31 октября 2023, 13:42", "ru", "Europe/Moscow", datetime(2023, 10, 31, 10, 42)),
    ("31.10.2023 13:42", "ru", "Europe/Moscow", datetime(2023, 10, 31, 10, 42)),
    ("13:42 31.10.2023", "ru", "Europe/Moscow", datetime(2023, 10, 31, 10, 42)),
    ("Опубликовано 31 октября 2023 г. в 13:42", "ru", "Europe/Moscow", datetime(2023, 10, 31, 10, 42)),
    ("2023년 10월 31일 13:42", "ko", "Asia/Seoul", datetime(2023, 10, 31, 4, 42)),
]


@pytest.mark.parametrize(("written", "lang", "zone", "utc"), WRITTEN, ids=[w[0] for w in WRITTEN])
def test_written_date_read_to_the_minute_in_the_source_zone(written, lang, zone, utc):
    body = f'<h1>标题 Заголовок</h1><div class="article-info">{written}</div><p>text</p>'
    tree = lxml_html.fromstring(page(body=body))
    found = text_date_candidates(hinted_date_strings(tree), "", lang)
    chosen = choose_date([], None, None, FETCHED, text=found, timezone=zone)
    assert (chosen.published_at, chosen.source, chosen.precision, chosen.note) == (
        utc,
        "text+source_tz",
        "minute",
        None,
    )


def test_written_date_at_the_top_of_the_body_and_no_zone_known():
    found = text_date_candidates([], "МОСКВА, 31 октября 2023, 13:42. Министр обороны...", "ru")
    chosen = choose_date([], None, None, FETCHED, text=found)
    assert (chosen.published_at, chosen.source, chosen.note) == (
        datetime(2023, 10, 31, 13, 42),
        "text",
        "time zone not given; read as UTC",
    )


def test_header_clock_before_the_headline_loses_to_the_date_under_it():
    body = (
        '<div class="header"><span class="date">01.06.2025 09:15</span></div>'
        '<h1>Шойгу на форуме</h1><div class="meta"><span class="time">13:42</span> 31.10.2023</div>'
        '<ul class="related"><li><span class="date">30.10.2023 08:00</span></li></ul>'
    )
    strings = hinted_date_strings(lxml_html.fromstring(page(body=body)))
    assert strings[0] == "13:42 31.10.2023"
    chosen = choose_date(
        [], None, None, FETCHED, text=text_date_candidates(strings, "", "ru"), timezone="Europe/Moscow"
    )
    assert chosen.published_at == datetime(2023, 10, 31, 10, 42)


def test_markup_time_beats_written_time_and_naive_markup_takes_the_source_zone():
    markup = page_date_candidates(page('<meta property="article:published_time" content="2023-10-31 13:40">'))
    written = text_date_candidates([], "2023年10月30日 09:00", "zh")
    chosen = choose_date(markup, None, None, FETCHED, text=written, timezone="Asia/Shanghai")
    assert (chosen.published_at, chosen.source) == (datetime(2023, 10, 31, 5, 40), "meta+source_tz")


def test_written_time_refines_a_day_only_markup_date_only_on_that_day():
    day = page_date_candidates(page('<meta property="article:published_time" content="2023-10-31">'))
    same = text_date_candidates([], "2023年10月31日 13:42", "zh")
    other = text_date_candidates([], "2023年10月29日 13:42", "zh")
    refined = choose_date(day, None, None, FETCHED, text=same, timezone="Asia/Shanghai")
    kept = choose_date(day, None, None, FETCHED, text=other, timezone="Asia/Shanghai")
    assert (refined.published_at, refined.precision) == (datetime(2023, 10, 31, 5, 42), "minute")
    assert (kept.published_at, kept.precision, kept.source) == (datetime(2023, 10, 31), "day", "meta")


def test_hostile_written_dates_are_ignored():
    junk = "9999年99月99日 99:99 · 31.02.2023 13:42 · 1 foobar 2023 · " + "2023-" * 50
    assert text_date_candidates(["31 октября 2023, 25:99"], junk, "xx") == []
    found = text_date_candidates([], "2023年10月31日 13:42", "zh")
    chosen = choose_date([], None, None, FETCHED, text=found, timezone="No/Such_Zone")
    assert (chosen.published_at, chosen.source) == (datetime(2023, 10, 31, 13, 42), "text")


_DATED_ATTRIBUTE = st.sampled_from(
    [
        ' type="application/ld+json"',
        ' type="Application/LD+JSON"',
        ' type="text/javascript"',
        ' type="ld+jsoN"',
        ' content="2023-10-31"',
        ' content=""',
        ' property="article:published_time"',
        ' datetime="2023-10-31T10:00"',
        ' datetime=""',
        ' itemprop="datePublished"',
        " pubdate",
        ' data-published="1"',
        ' class="entry-date"',
    ]
)


def _dated_markup(inner):
    return st.builds(
        lambda tag, attributes, children: f"<{tag}{''.join(dict.fromkeys(attributes))}>{''.join(children)}</{tag}>",
        st.sampled_from(["script", "meta", "time", "time", "article", "article", "div", "span"]),
        st.lists(_DATED_ATTRIBUTE, max_size=3) | st.just([' datetime="2023-10-31T10:00"']),
        inner,
    )


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    parts=st.lists(
        st.recursive(_dated_markup(st.just([])), lambda inner: _dated_markup(st.lists(inner, max_size=3))), max_size=4
    )
)
def test_one_walk_finds_the_elements_the_date_xpaths_select(parts):
    tree = lxml_html.fromstring(page("<meta charset='utf-8'>", "".join(parts)))
    found = _markup(tree)
    assert found.scripts == tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]')
    assert found.metas == tree.xpath("//meta[@content]")
    assert found.times == tree.xpath("//time[@datetime]")
    marked = tree.xpath('//time[@datetime][@itemprop="datePublished" or @pubdate or @data-published]')
    in_article = tree.xpath("//article//time[@datetime]")
    assert _ranked_times(found.times)[: len(marked) + len(in_article)] == marked + in_article
