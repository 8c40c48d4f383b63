from datetime import datetime

from forumwatch.tasks.discover import parse_feed

NOW = datetime(2023, 11, 5)

RSS20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Asian Lite</title><link>https://asianlite.com</link>
<item><title>China, Russia Ready to Tackle Security Threats Together</title>
<link>https://asianlite.com/2023/top-news/china-russia/?utm_source=rss&amp;utm_medium=rss</link>
<pubDate>Tue, 31 Oct 2023 14:05:00 +0530</pubDate></item>
<item><title><![CDATA[Second & <b>bold</b>]]></title><link>/relative/path</link><pubDate>31 Oct 2023</pubDate></item>
<item><title>No link</title></item>
</channel></rss>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://t.com/"><title>T</title><link>https://t.com/</link></channel>
<item rdf:about="https://t.com/a"><title>A</title><link>https://t.com/a</link><dc:date>2023-10-31T09:00:00+05:30</dc:date></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>D</title><id>urn:x</id><updated>2023-10-31T12:00:00Z</updated>
<entry><title>Atom story</title><id>urn:1</id><link rel="alternate" href="https://d.com/story/1"/>
<link rel="enclosure" href="https://d.com/img.jpg"/><published>2023-10-31T12:00:00Z</published><updated>2023-11-01T00:00:00Z</updated></entry>
</feed>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "L",
 "items": [{"id": "1", "url": "https://l.com/a?fbclid=1", "title": "J", "date_published": "2023-10-31T19:12:00+05:30"},
           {"id": "2", "title": "no url"}, {"id": "https://l.com/b", "url": "https://l.com/b", "date_published": "garbage"}]}"""


def test_rss20_items_canonical_links_and_utc_dates():
    parsed = parse_feed(RSS20, "https://asianlite.com/feed/", "asianlite", NOW)
    assert parsed.error is None and parsed.kind == "rss20"
    first, second = parsed.items
    assert first.url == "https://asianlite.com/2023/top-news/china-russia/"
    assert first.published_at == datetime(2023, 10, 31, 8, 35) and first.published_has_time
    assert second.url == "https://asianlite.com/relative/path"
    assert second.published_has_time is False
    assert "bold" in second.title


def test_rss10_and_atom():
    rdf = parse_feed(RSS10, "https://t.com/feed", "t", NOW)
    assert [i.url for i in rdf.items] == ["https://t.com/a"]
    assert rdf.items[0].published_at == datetime(2023, 10, 31, 3, 30)
    atom = parse_feed(ATOM, "https://d.com/feed", "d", NOW)
    assert atom.kind == "atom10"
    assert [(i.url, i.published_at) for i in atom.items] == [("https://d.com/story/1", datetime(2023, 10, 31, 12, 0))]


def test_json_feed():
    parsed = parse_feed(JSON_FEED, "https://l.com/feed.json", "l", NOW)
    assert [i.url for i in parsed.items] == ["https://l.com/a", "https://l.com/b"]
    assert parsed.items[0].published_at == datetime(2023, 10, 31, 13, 42)
    assert parsed.items[1].published_at is None


def test_absurd_dates_dropped():
    feed = RSS20.replace(b"Tue, 31 Oct 2023 14:05:00 +0530", b"Fri, 01 Jan 2100 00:00:00 GMT")
    assert parse_feed(feed, "https://asianlite.com/feed/", "a", NOW).items[0].published_at is None


def test_chinese_russian_and_numeric_feed_dates_are_read_not_misread():
    """feedparser reads "2026年12月5日 10:30" and "2026/12/05" as the 1st of the month and a Unix time as 2017;
    a wrong date is worse than none (it decides the article's date when the page has none, and a backfill's range)."""
    expected = {
        "2026年12月5日 10:30": (datetime(2026, 12, 5, 10, 30), True),
        "2026/12/05 10:30": (datetime(2026, 12, 5, 10, 30), True),
        "5 декабря 2026": (datetime(2026, 12, 5), False),
        "05.12.2026 10:30": (datetime(2026, 12, 5, 10, 30), True),
        "Сб, 05 дек 2026 10:00:00 +0300": (datetime(2026, 12, 5, 7, 0), True),
        "Sat, 05 Dec 2026 10:00:00 MSK": (datetime(2026, 12, 5, 7, 0), True),
        "1733400000": (datetime(2024, 12, 5, 12, 0), False),
        "Sat, 05 Dec 2026 10:00:00 +0800": (datetime(2026, 12, 5, 2, 0), True),  # standard ones as before
        "2 hours ago": (None, False),  # relative: no absolute date
    }
    now = datetime(2026, 12, 6, 21, 0)
    for raw, want in expected.items():
        feed = RSS20.replace(b"Tue, 31 Oct 2023 14:05:00 +0530", raw.encode())
        item = parse_feed(feed, "https://asianlite.com/feed/", "a", now).items[0]
        assert (item.published_at, item.published_has_time) == want, raw


def test_feed_times_written_without_a_zone_are_read_in_the_sources_timezone():
    """A Chinese CMS writes "2026-12-05 10:30:00" in Beijing time: stored as 10:30 UTC it was 8 hours late,
    though the README says a source's timezone is used for dates written without a zone."""
    now = datetime(2026, 12, 6, 21, 0)
    expected = {
        "2026-12-05 10:30:00": datetime(2026, 12, 5, 2, 30),
        "2026年12月5日 10:30": datetime(2026, 12, 5, 2, 30),
        "Sat, 05 Dec 2026 10:30:00": datetime(2026, 12, 5, 2, 30),
        "December 5, 2026 10:30 AM": datetime(2026, 12, 5, 2, 30),
        "Sat, 05 Dec 2026 10:30:00 +0000": datetime(2026, 12, 5, 10, 30),  # a zone given: kept
        "2026-12-05T10:30:00Z": datetime(2026, 12, 5, 10, 30),
        "Sat, 05 Dec 2026 10:30:00 MSK": datetime(2026, 12, 5, 7, 30),
        "2026-12-05": datetime(2026, 12, 5),  # a day: no clock to move
    }
    for raw, want in expected.items():
        feed = RSS20.replace(b"Tue, 31 Oct 2023 14:05:00 +0530", raw.encode())
        item = parse_feed(feed, "https://x/feed/", "a", now, timezone="Asia/Shanghai").items[0]
        assert item.published_at == want, raw


def test_malformed_feed_recovers_items_and_says_so():
    broken = RSS20.replace(b"</channel></rss>", b"<item><title>cut")
    parsed = parse_feed(broken, "https://asianlite.com/feed/", "a", NOW)
    assert parsed.error is None and len(parsed.items) == 2
    assert parsed.note.startswith("malformed feed, 2 items recovered")


def test_html_page_empty_body_and_entity_attacks_are_errors_not_exceptions():
    assert parse_feed(b"<html><body><p>Not a feed</p></body></html>", "https://x/f", "x").error.startswith("not a feed")
    assert parse_feed(b"  ", "https://x/f", "x").error == "empty feed body"
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><rss><channel><item><title>&b;</title><link>https://x/a</link></item></channel></rss>'
    assert parse_feed(bomb, "https://x/f", "x").error.startswith("refused: feed declares XML entities")
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title><link>https://x/a</link></item></channel></rss>'
    assert parse_feed(xxe, "https://x/f", "x").items == []
    assert parse_feed(b"{not json", "https://x/f", "x").error.startswith("malformed JSON feed")


def test_an_empty_feed_is_a_note_but_items_without_links_are_an_error():
    """A quiet outlet's well-formed feed lists nothing: read fine, so a note; items none of which links
    anywhere are a broken feed, so an error."""
    for empty in (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title><id>urn:q</id></feed>',
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "Quiet", "items": []}',
    ):
        parsed = parse_feed(empty, "https://q.example/feed", "q", NOW)
        assert (parsed.items, parsed.error, parsed.note) == ([], None, "feed lists no items"), empty
    linkless = b'<rss version="2.0"><channel><title>T</title><item><title>No link</title></item></channel></rss>'
    assert parse_feed(linkless, "https://q.example/feed", "q", NOW).error.startswith("feed lists no items")
    json_linkless = b'{"version": "1", "items": [{"id": "1", "title": "no url"}]}'
    assert parse_feed(json_linkless, "https://q.example/feed", "q", NOW).error == "feed lists no items"


def test_a_zone_name_that_is_the_source_zones_own_is_read_in_that_zone():
    """'CST' in a Beijing feed is China Standard Time (+08:00); feedparser reads every 'CST' as US Central (-06:00).
    The source's configured zone decides when the name is that zone's own at that date; otherwise nothing changes."""

    def read(written: str, timezone: str | None) -> datetime | None:
        body = (
            '<rss version="2.0"><channel><title>t</title><item><title>a</title><link>https://x.example/a</link>'
            f"<pubDate>{written}</pubDate></item></channel></rss>"
        ).encode()
        return parse_feed(body, "https://x.example/feed", "x", NOW, timezone=timezone).items[0].published_at

    assert read("Tue, 31 Oct 2023 09:00:00 CST", "Asia/Shanghai") == datetime(2023, 10, 31, 1, 0)
    assert read("2023-10-31 09:00 CST", "Asia/Taipei") == datetime(2023, 10, 31, 1, 0)
    assert read("Tue, 31 Oct 2023 09:00:00 IST", "Asia/Kolkata") == datetime(2023, 10, 31, 3, 30)
    assert read("Tue, 31 Oct 2023 09:00:00 BST", "Europe/London") == datetime(2023, 10, 31, 8, 0)
    # no zone configured, or a name that is not the zone's own at that date: the name's usual reading
    assert read("Tue, 31 Oct 2023 09:00:00 CST", None) == datetime(2023, 10, 31, 15, 0)
    assert read("Wed, 31 May 2023 09:00:00 CST", "America/Chicago") == datetime(2023, 5, 31, 15, 0)  # CDT then
    assert read("Tue, 31 Oct 2023 09:00:00 EST", "Asia/Shanghai") == datetime(2023, 10, 31, 14, 0)
    assert read("Tue, 31 Oct 2023 09:00:00 GMT", "Asia/Shanghai") == datetime(2023, 10, 31, 9, 0)


def test_without_a_timezone_a_zone_name_is_read_as_the_feeds_language_makes_it_unambiguous():
    """'CST' in a Chinese feed is China Standard Time (+08:00; Beijing and Taipei agree), not US Central, whether
    the source's CSV language, the feed's <language> or xml:lang, or the item's Chinese title says Chinese;
    'IST' in Hindi is India's (+05:30). A configured timezone still decides; other names and languages as before."""

    def read(zone: str = "CST", language: str | None = None, timezone: str | None = None, **parts: str) -> datetime:
        channel, item, title = parts.get("channel", ""), parts.get("item", ""), parts.get("title", "a")
        body = (
            f'<rss version="2.0"><channel><title>t</title>{channel}<item{item}><title>{title}</title>'
            f"<link>https://x.example/a</link><pubDate>Tue, 31 Oct 2023 09:00:00 {zone}</pubDate></item></channel></rss>"
        ).encode()
        feed = parse_feed(body, "https://x.example/feed", "x", NOW, timezone=timezone, language=language)
        return feed.items[0].published_at

    china, us_central = datetime(2023, 10, 31, 1, 0), datetime(2023, 10, 31, 15, 0)
    assert read(language="zh") == china  # the sources CSV
    assert read(channel="<language>zh-cn</language>") == china  # the feed's own
    assert read(item=' xml:lang="zh-Hant"') == china
    assert read(title="国防部：香山论坛10月29日开幕") == china  # the item's text
    assert read(language="zh", channel="<language>en</language>") == china  # the configured language first
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-Hans"><title>t</title><id>urn:x</id><entry>'
        b'<title>a</title><id>urn:a</id><link href="https://x.example/a"/><updated>Tue, 31 Oct 2023 09:00:00 CST'
        b"</updated></entry></feed>"
    )
    assert parse_feed(atom, "https://x.example/feed", "x", NOW).items[0].published_at == china
    assert read(language="hi", zone="IST") == datetime(2023, 10, 31, 3, 30)
    # as before: no language, another language, Japanese, a configured zone, another zone's name
    assert read() == us_central
    assert read(language="en") == us_central
    assert read(title="香山フォーラムが開幕した") == us_central
    assert read(language="zh", timezone="America/Chicago") == us_central
    assert read(language="zh", zone="EST") == datetime(2023, 10, 31, 14, 0)
    assert read(language="en", zone="IST") == datetime(2023, 10, 31, 7, 0)  # Israel's, as feedparser reads it
    assert read(language="ru", zone="MSK") == read(zone="MSK") == datetime(2023, 10, 31, 6, 0)  # +03:00
