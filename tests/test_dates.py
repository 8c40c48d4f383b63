from datetime import date, datetime

from forumwatch.tasks.dates import DateCandidate, choose_date, page_date_candidates, parse_stamp

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
