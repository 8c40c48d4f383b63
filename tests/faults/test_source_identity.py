"""Source identity and operator mistakes in the sources CSV (#13 item 1): ids never depend on row order or
the name's script, repeats are one clear error, an old database's slug ids move to the new ids."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch import db as fwdb
from forumwatch.cli import main
from forumwatch.flows.ingest import IngestError, check_max_per_source
from forumwatch.tasks import load
from forumwatch.tasks.sources import ID_PATTERN, SourcesError, read_sources, source_id_for

NOW = datetime(2024, 6, 1, 12, 0)
OUTLETS = [
    ("新华网", "http://www.xinhuanet.com/english/rss/worldrss.xml"),
    ("ТАСС", "https://tass.com/rss/v2.xml"),
    ("ТАСС Мир", "https://tass.com/rss/world.xml"),
    ("Asian Lite News", "https://asianlite.com/feed/"),
]


def write(path: Path, rows: list[tuple[str, ...]], header: str = "name,feed_url") -> Path:
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def ids(path: Path) -> dict[str, str]:
    return {s.feed_url: s.source_id for s in read_sources(path)}


def test_ids_come_from_the_feed_url_whatever_the_script_of_the_name(tmp_path):
    got = ids(write(tmp_path / "s.csv", OUTLETS))
    assert got == {
        "http://www.xinhuanet.com/english/rss/worldrss.xml": "xinhuanet-com-english-rss-worldrss-xml",
        "https://tass.com/rss/v2.xml": "tass-com-rss-v2-xml",
        "https://tass.com/rss/world.xml": "tass-com-rss-world-xml",
        "https://asianlite.com/feed/": "asianlite-com-feed",
    }


def test_reordering_and_renaming_change_no_id(tmp_path):
    before = ids(write(tmp_path / "a.csv", OUTLETS))
    renamed = [(f"{name} (renamed)", url) for name, url in reversed(OUTLETS)]
    assert ids(write(tmp_path / "b.csv", renamed)) == before


def test_explicit_id_column_wins_and_is_validated(tmp_path):
    path = write(
        tmp_path / "s.csv", [("xinhua", "新华网", OUTLETS[0][1]), ("", "ТАСС", OUTLETS[1][1])], "id,name,feed_url"
    )
    assert [s.source_id for s in read_sources(path)] == ["xinhua", "tass-com-rss-v2-xml"]
    write(tmp_path / "bad.csv", [("新华", "新华网", OUTLETS[0][1])], "id,name,feed_url")
    with pytest.raises(SourcesError, match=r"bad.csv:2: id must be .* got '新华'"):
        read_sources(tmp_path / "bad.csv")


def test_non_ascii_feed_paths_get_distinct_ids(tmp_path):
    a = source_id_for("https://пример.рф/новости/rss")
    b = source_id_for("https://пример.рф/спорт/rss")
    assert a != b and a.isascii() and b.isascii() and a.startswith("xn-e1afmkfd-xn-p1ai-rss-")


@pytest.mark.parametrize(
    "rows, expected",
    [
        (
            [("ТАСС", "https://tass.com/rss/v2.xml"), ("ТАСС", "https://tass.com/rss/world.xml")],
            "name 'ТАСС' on lines 2, 3",
        ),
        (
            [("TASS", "https://tass.com/rss/v2.xml"), ("ТАСС", "http://www.TASS.com/rss/v2.xml?utm_source=x#top")],
            "feed_url 'https://tass.com/rss/v2.xml' on lines 2, 3",
        ),
        (
            [("A", "https://a.example/feed/"), ("B", "https://b.example/x"), ("C", "https://a.example/feed")],
            "lines 2, 4",
        ),
    ],
)
def test_repeated_names_or_feeds_are_one_error_naming_the_lines(tmp_path, rows, expected):
    with pytest.raises(SourcesError, match="each source must appear once") as info:
        read_sources(write(tmp_path / "s.csv", rows))
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_feed_urls_whose_slugs_collide_ask_for_explicit_ids(tmp_path):
    path = write(tmp_path / "s.csv", [("A", "https://a.example/b-c"), ("B", "https://a.example/b/c")])
    with pytest.raises(SourcesError, match=r"repeated id 'a-example-b-c' on lines 2, 3 \(ids come from the `id`"):
        read_sources(path)


def test_repeated_explicit_ids_are_refused(tmp_path):
    path = write(
        tmp_path / "s.csv", [("x", "A", "https://a.example/f"), ("x", "B", "https://b.example/f")], "id,name,feed_url"
    )
    with pytest.raises(SourcesError, match="id 'x' on lines 2, 3"):
        read_sources(path)


@pytest.mark.parametrize("encoding", ["cp1251", "gbk"])
def test_non_utf8_file_is_one_clear_line(tmp_path, encoding):
    path = tmp_path / "s.csv"
    name = "ТАСС" if encoding == "cp1251" else "新华网"
    path.write_bytes(f"name,feed_url\nok,https://ok.example/f\n{name},https://x.example/f\n".encode(encoding))
    with pytest.raises(
        SourcesError, match=r"s.csv:3: not UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\); save the file as UTF-8"
    ):
        read_sources(path)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "-1", "1e9", "86400"])
def test_impossible_crawl_delay_is_refused(tmp_path, value):
    path = write(tmp_path / "s.csv", [("A", "https://a.example/f", value)], "name,feed_url,crawl_delay")
    with pytest.raises(SourcesError, match=r"s.csv:2: crawl_delay must be between 0 and 3600 seconds"):
        read_sources(path)


def test_timezone_is_read_and_validated(tmp_path):
    good = write(tmp_path / "g.csv", [("新华网", OUTLETS[0][1], "Asia/Shanghai")], "name,feed_url,timezone")
    assert read_sources(good)[0].timezone == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "../../etc/passwd", "UTC+3"):
        path = write(tmp_path / "b.csv", [("ТАСС", OUTLETS[1][1], bad)], "name,feed_url,timezone")
        with pytest.raises(SourcesError, match="timezone must be an IANA zone name"):
            read_sources(path)


def test_spreadsheet_headers_and_separators_read_and_bad_languages_are_refused(tmp_path):
    """What a spreadsheet saves: 'Name,Feed_URL' headers, ';' or tab separators (these were 'missing column(s)');
    a repeated column was read silently as its last copy, and a language such as 'english' ignored silently."""
    url = OUTLETS[0][1]
    for header, sep in (
        ("Name,Feed_URL,Language", ","),
        ("name;feed_url;language", ";"),
        ("NAME\tFEED_URL\tlanguage", "\t"),
    ):
        path = tmp_path / "s.csv"
        path.write_text(
            f"{header}\n新华网, Xinhua{sep}{url}{sep}zh-Hans\n"
            if sep != ","
            else f'{header}\n"新华网, Xinhua",{url},zh-Hans\n'
        )
        [source] = read_sources(path)
        assert (source.name, source.feed_url, source.language) == ("新华网, Xinhua", url, "zh"), header
    cases = {
        "name,feed_url,name\nA,https://a.example/f,B\n": "column(s) name appear more than once",
        "name,feed_url,language\nA,https://a.example/f,english\n": "language must be an ISO 639-1 code",
        "title;url\nA;https://a.example/f\n": "missing column(s) name, feed_url",
    }
    for text, message in cases.items():
        path.write_text(text)
        with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace(")", r"\)")):
            read_sources(path)


def test_cli_prints_one_line_and_exits_2_before_any_run(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_bytes("name,feed_url\nТАСС,https://tass.com/rss/v2.xml\n".encode("cp1251"))
    db = tmp_path / "fw.duckdb"
    assert main(["ingest", "--sources", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("forumwatch: ") and "not UTF-8" in err and "\n" not in err
    assert not db.exists()


def test_max_per_source_zero_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["ingest", "--max-per-source", "0", "--db", str(tmp_path / "fw.duckdb")])
    assert info.value.code == 2 and "1 or more" in capsys.readouterr().err
    for bad in (0, -3, 1.5, "5", True):
        with pytest.raises(IngestError, match="1 or more"):
            check_max_per_source(bad)
    assert check_max_per_source(None) is None and check_max_per_source(7) == 7


def _old_database(path: Path) -> None:
    """A database written before ids came from feed URLs: name slugs, 'source', 'source-1' for non-Latin names."""
    with fwdb.connect(str(path)) as con:
        fwdb.init_schema(con)
        for sid, (name, url) in zip(["source", "source-1", "source-2", "asian-lite-news"], OUTLETS):
            con.execute("INSERT INTO sources (source_id, name, feed_url) VALUES (?, ?, ?)", [sid, name, url])
            con.execute(
                "INSERT INTO articles (article_id, url, source_id) VALUES (?, ?, ?)", [f"a-{sid}", f"{url}#a", sid]
            )
            con.execute(
                "INSERT INTO feed_items (url, source_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)",
                [f"{url}#a", sid, NOW, NOW],
            )
            con.execute(
                "INSERT INTO fetches (fetch_id, url, source_id, fetched_at) VALUES (?, ?, ?, ?)", [sid, url, sid, NOW]
            )
            con.execute(
                "INSERT INTO coverage (source_id, day, method, status) VALUES (?, DATE '2024-05-31', 'feed', 'complete')",
                [sid],
            )
            con.execute("INSERT INTO stories (story_id, first_outlet) VALUES (?, ?)", [f"s-{sid}", sid])


def test_old_slug_ids_move_to_the_new_ids_by_feed_url(tmp_path):
    db = tmp_path / "old.duckdb"
    _old_database(db)
    sources = read_sources(write(tmp_path / "s.csv", list(reversed(OUTLETS))))
    new_id = {s.feed_url: s.source_id for s in sources}
    with fwdb.connect(str(db)) as con:
        renames = load.upsert_sources(con, sources, NOW)
        again = load.upsert_sources(con, sources, NOW)
    assert renames == {
        "source": new_id[OUTLETS[0][1]],
        "source-1": new_id[OUTLETS[1][1]],
        "source-2": new_id[OUTLETS[2][1]],
        "asian-lite-news": new_id[OUTLETS[3][1]],
    }
    assert again == {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table, column, key in (
            ("articles", "source_id", "article_id"),
            ("feed_items", "source_id", "url"),
            ("fetches", "source_id", "fetch_id"),
            ("stories", "first_outlet", "story_id"),
        ):
            rows = dict(con.execute(f"SELECT {key}, {column} FROM {table}").fetchall())
            assert len(rows) == 4 and set(rows.values()) == set(new_id.values()), table
        assert {a: s for a, s in con.execute("SELECT article_id, source_id FROM articles").fetchall()} == {
            f"a-{old}": new for old, new in renames.items()
        }
        assert sorted(r[0] for r in con.execute("SELECT source_id FROM coverage").fetchall()) == sorted(new_id.values())
        assert sorted(r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()) == sorted(new_id.values())
    finally:
        con.close()


def test_an_explicit_id_keeps_an_old_database_as_it_is(tmp_path):
    db = tmp_path / "old.duckdb"
    _old_database(db)
    path = write(tmp_path / "s.csv", [("asian-lite-news", "Asian Lite", OUTLETS[3][1])], "id,name,feed_url")
    with fwdb.connect(str(db)) as con:
        assert load.upsert_sources(con, read_sources(path), NOW) == {}
        assert con.execute("SELECT name FROM sources WHERE source_id = 'asian-lite-news'").fetchone() == ("Asian Lite",)


@pytest.mark.usefixtures("prefect_harness", "fast_crawl")
def test_swapping_rows_and_renaming_outlets_between_runs_keeps_every_attribution(tmp_path):
    """The issue's case, end to end: two runs of the real ingest flow, the second with the CSV rows swapped
    and both outlets renamed; every stored article and feed item keeps its outlet."""
    from conftest import page, rss
    from webserver import serve

    from forumwatch.flows.ingest import ingest

    db = tmp_path / "fw.duckdb"
    with serve() as site:
        feeds = {}
        for outlet in ("xinhua", "tass"):
            links = [(f"{outlet} {i}", site.add(f"/{outlet}/{i}", page(f"{outlet} story {i}"))) for i in range(2)]
            feeds[outlet] = site.add(f"/{outlet}/rss.xml", rss(links), content_type="application/rss+xml")
        first = write(tmp_path / "a.csv", [("新华网", feeds["xinhua"]), ("ТАСС", feeds["tass"])])
        assert ingest(sources=str(first), db=str(db), return_state=True).is_completed()
        owners = query_owners(db)
        assert len(owners) == 4 and {sid for _, sid in owners} == {source_id_for(u) for u in feeds.values()}
        swapped = write(tmp_path / "b.csv", [("TASS (renamed)", feeds["tass"]), ("Xinhua (renamed)", feeds["xinhua"])])
        assert ingest(sources=str(swapped), db=str(db), return_state=True).is_completed()
    assert query_owners(db) == owners
    assert all(f"/{sid.split('-')[5]}/" in url for url, sid in owners)  # 127-0-0-1-PORT-<outlet>-rss-xml
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = dict(con.execute("SELECT feed_url, name FROM sources").fetchall())
        items = con.execute("SELECT url, source_id FROM feed_items ORDER BY url").fetchall()
    finally:
        con.close()
    assert names == {feeds["tass"]: "TASS (renamed)", feeds["xinhua"]: "Xinhua (renamed)"}
    assert items == owners


@pytest.mark.usefixtures("prefect_harness", "fast_crawl")
def test_a_page_two_feeds_list_belongs_to_the_outlet_on_its_site_not_the_first_row(tmp_path):
    """A partner's feed listing another outlet's page: the page went to whichever row came first, so swapping
    the CSV's rows moved it, and under the partner its loopback address was refused (never loaded)."""
    from conftest import page, rss
    from webserver import serve

    from forumwatch.flows.ingest import ingest

    with serve("127.0.0.1") as a, serve("127.0.0.2") as b:
        shared = a.add("/a/shared", page("the outlet's own story"))
        feed_a = a.add("/a/rss.xml", rss([("own", shared)]), content_type="application/rss+xml")
        feed_b = b.add("/b/rss.xml", rss([("partner", shared)]), content_type="application/rss+xml")
        db = tmp_path / "fw.duckdb"  # the partner's row first: the page went to it and was refused there
        assert ingest(sources=str(write(tmp_path / "s.csv", [("B", feed_b), ("A", feed_a)])), db=str(db))
        assert query_owners(db) == [(shared, source_id_for(feed_a))]


def query_owners(db: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT url, source_id FROM articles ORDER BY url").fetchall()
    finally:
        con.close()


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=400).map(
            lambda t: ("name,feed_url\n" + t).encode()
        ),
        st.lists(
            st.tuples(*(st.text(max_size=n) for n in (12, 12, 30, 8, 12))),
            max_size=5,
        ).map(
            lambda rows: (
                "id,name,feed_url,crawl_delay,timezone\n"
                + "".join(f"{i},{n},https://x.example/{u},{d},{z}\n" for i, n, u, d, z in rows)
            ).encode("utf-8", "surrogatepass")
        ),
    )
)
def test_any_sources_file_gives_sources_or_one_clear_error(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.csv"
        path.write_bytes(data)
        try:
            sources = read_sources(path)
        except SourcesError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc).strip()
            return
    ids = [s.source_id for s in sources]
    assert len(set(ids)) == len(ids) and all(ID_PATTERN.fullmatch(i) for i in ids)
    assert all(s.crawl_delay is None or 0 <= s.crawl_delay <= 3600 for s in sources)


def test_stored_feed_urls_todays_rules_cannot_read_stay_where_they_are():
    stored = [
        ("old", "http://a.example:99999/f"),
        ("x", "http://[bad/"),
        ("y", "https://www.b.example/f/?utm_source=z"),
    ]
    new = read_sources_from([("B", "http://b.example/f")])
    assert load.source_renames(stored, new) == {"y": "b-example-f"}


def read_sources_from(rows: list[tuple[str, str]]) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        return read_sources(write(Path(tmp) / "s.csv", rows))
