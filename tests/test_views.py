"""Views and ready queries over a fixture database with known content (exact numbers)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from forumwatch.analyst import create_views, ensure_views, write_tags
from forumwatch.db import init_schema
from forumwatch.resources import sql_dir
from forumwatch.tasks.seeds import load_seed_tables
from forumwatch.tasks.tag import load_rules, tag_article

PAGE = Path(__file__).parent / "data" / "asianlite-2023-10-31-china-russia-security.txt"
BODY = PAGE.read_text(encoding="utf-8").split("(ANI)")[0] + "(ANI)"
SCS = "Chinese officials spoke about the South China Sea and freedom of navigation."
SCS_FORUM = "At the Beijing Xiangshan Forum, delegates met.\n" + SCS
GAZA = "Israeli airstrikes hit Gaza as ceasefire talks stall."
AUKUS = "AUKUS partners announced new submarine plans."
QUERIES = sorted((sql_dir() / "queries").glob("*.sql"))
VIEWS = {
    "article_facts",
    "topic_articles",
    "topic_coverage_daily",
    "topic_coverage_weekly",
    "topic_coverage_by_language",
    "coverage_by_outlet",
    "coverage_by_country",
    "topic_stories",
    "coverage_by_agency",
    "cited_media_coverage",
    "story_pickups",
    "syndication_reach",
    "forum_edition_articles",
    "forum_edition_coverage",
    "person_coverage",
    "article_tags",
}


def build_fixture_db(path: Path, tag: bool = True) -> Path:
    """Four outlets; story s1 (ANI, the Asian Lite body) in 3 copies, story s2 (Xinhua, South China
    Sea) in 2 copies, an ungrouped Gaza article and an undated AUKUS article."""
    sources = pd.DataFrame(
        {
            "source_id": ["ani", "asianlite", "tribune", "globaltimes"],
            "name": ["ANI News", "Asian Lite News", "The Tribune", "Global Times"],
            "feed_url": [f"https://{s}.example/feed" for s in ["ani", "asianlite", "tribune", "globaltimes"]],
            "country": ["IN", "GB", "IN", "CN"],
        }
    )
    ts = pd.Timestamp
    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7"],
            "url": [f"https://example.org/{i}" for i in range(1, 8)],
            "source_id": ["ani", "asianlite", "tribune", "globaltimes", "tribune", "tribune", "asianlite"],
            "title": [
                "China, Russia ready to tackle security threats together",
                "China, Russia Ready to Tackle Security Threats Together",
                "China, Russia ready to tackle security threats together",
                "Xiangshan Forum speakers discuss South China Sea",
                "South China Sea on agenda in Beijing",
                "Gaza ceasefire talks stall",
                "AUKUS submarine plans",
            ],
            "published_at": pd.to_datetime(
                [
                    ts("2023-10-31 06:00"),
                    ts("2023-10-31 09:00"),
                    ts("2023-11-01 06:00"),
                    ts("2023-10-30 12:00"),
                    ts("2023-10-30 18:00"),
                    ts("2023-11-20 08:00"),
                    None,
                ]
            ),
            "text": [BODY, BODY, BODY, SCS_FORUM, SCS, GAZA, AUKUS],
            "wire_agency": ["ANI", None, "ANI", "Xinhua", "Xinhua", None, None],
            "cited_media": [["Xinhua", "TASS"], ["Xinhua", "TASS"], [], ["Xinhua"], None, None, None],
            "story_id": ["s1", "s1", "s1", "s2", "s2", None, None],
        }
    )
    stories = pd.DataFrame(
        {
            "story_id": ["s1", "s2"],
            "headline": [
                "China, Russia ready to tackle security threats together",
                "Xiangshan Forum speakers discuss South China Sea",
            ],
            "wire_agency": ["ANI", "Xinhua"],
            "first_published_at": [ts("2023-10-31 06:00"), ts("2023-10-30 12:00")],
            "n_articles": [3, 2],
            "n_outlets": [3, 2],
        }
    )
    con = duckdb.connect(str(path))
    try:
        init_schema(con)
        load_seed_tables(con)
        for table, frame in (("sources", sources), ("articles", articles), ("stories", stories)):
            con.register("frame", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
            con.unregister("frame")
        if tag:
            rules = load_rules()
            write_tags(con, [tag_article(a, t, rules) for a, t in zip(articles.article_id, articles.text)])
        create_views(con)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("views") / "fixture.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_every_view_exists_and_runs(con):
    names = {r[0] for r in rows(con, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert VIEWS <= names
    for view in sorted(names):
        con.execute(f"SELECT * FROM {view}").fetchall()


def test_views_are_documented():
    doc = (Path(__file__).parents[1] / "docs" / "analysts.md").read_text(encoding="utf-8")
    assert [v for v in sorted(VIEWS) if f"`{v}`" not in doc] == []
    assert [q.name for q in QUERIES if q.name not in doc] == []


def test_tags_written(con):
    assert rows(con, "SELECT topic, count(*) FROM article_topics GROUP BY ALL ORDER BY 1") == [
        ("arms_control", 3),
        ("aukus", 1),
        ("defence_industry", 3),
        ("maritime_security", 2),
        ("middle_east", 1),
        ("sino_russian_military", 3),
        ("south_china_sea", 2),
        ("ukraine_war", 3),
    ]
    assert rows(con, "SELECT article_id FROM article_forums WHERE forum = 'xiangshan' ORDER BY 1") == [
        ("a1",),
        ("a2",),
        ("a3",),
        ("a4",),
    ]


def test_daily_and_weekly(con):
    assert rows(
        con,
        "SELECT day, stories, new_stories, copies, outlets FROM topic_coverage_daily "
        "WHERE topic = 'sino_russian_military' ORDER BY day",
    ) == [
        (date(2023, 10, 31), 1, 1, 2, 2),
        (date(2023, 11, 1), 1, 0, 1, 1),
    ]
    assert rows(con, "SELECT day, stories, copies FROM topic_coverage_daily WHERE topic = 'all' ORDER BY day") == [
        (date(2023, 10, 30), 1, 2),
        (date(2023, 10, 31), 1, 2),
        (date(2023, 11, 1), 1, 1),
        (date(2023, 11, 20), 1, 1),
    ]
    assert rows(
        con,
        "SELECT week, stories, new_stories, copies, outlets FROM topic_coverage_weekly "
        "WHERE topic = 'all' ORDER BY week",
    ) == [
        (date(2023, 10, 30), 2, 2, 5, 4),
        (date(2023, 11, 20), 1, 1, 1, 1),
    ]


def test_outlet_and_country(con):
    assert rows(
        con,
        "SELECT source_id, outlet, country, stories, copies, first_copies, wire_copies "
        "FROM coverage_by_outlet WHERE topic = 'all' ORDER BY source_id",
    ) == [
        ("ani", "ANI News", "IN", 1, 1, 1, 1),
        ("asianlite", "Asian Lite News", "GB", 2, 2, 1, 0),  # a7 is undated, its own story
        ("globaltimes", "Global Times", "CN", 1, 1, 1, 1),
        ("tribune", "The Tribune", "IN", 3, 3, 1, 2),
    ]
    assert rows(
        con, "SELECT country, outlets, stories, copies FROM coverage_by_country WHERE topic = 'all' ORDER BY country"
    ) == [
        ("CN", 1, 1, 1),
        ("GB", 1, 2, 2),
        ("IN", 2, 3, 4),
    ]


def test_agency_and_cited_media(con):
    assert rows(
        con,
        "SELECT wire_agency, stories, copies, stories_citing_xinhua, stories_citing_tass, "
        "share_citing_xinhua, share_citing_tass, share_citing_xinhua_or_tass "
        "FROM coverage_by_agency WHERE topic = 'all' ORDER BY wire_agency",
    ) == [
        ("(none)", 2, 2, 0, 0, 0.0, 0.0, 0.0),
        ("ANI", 1, 3, 1, 1, 1.0, 1.0, 1.0),
        ("Xinhua", 1, 2, 1, 0, 1.0, 0.0, 1.0),
    ]
    assert rows(
        con,
        "SELECT medium, stories, copies, share_of_stories FROM cited_media_coverage "
        "WHERE topic = 'all' ORDER BY medium",
    ) == [("TASS", 1, 2, 0.25), ("Xinhua", 2, 3, 0.5)]


def test_syndication_reach(con):
    assert rows(
        con,
        "SELECT story_key, first_outlet, copies, outlets, countries, median_hours_to_pickup, "
        "hours_to_last_pickup FROM syndication_reach WHERE story_id IS NOT NULL ORDER BY 1",
    ) == [
        ("s1", "ani", 3, 3, 2, 13.5, 24.0),
        ("s2", "globaltimes", 2, 2, 2, 6.0, 6.0),
    ]
    assert rows(
        con,
        "SELECT article_id, pickup_rank, hours_after_first, is_first_copy FROM story_pickups "
        "WHERE story_key = 's1' ORDER BY pickup_rank",
    ) == [
        ("a1", 1, 0.0, True),
        ("a2", 2, 3.0, False),
        ("a3", 3, 24.0, False),
    ]
    assert rows(
        con, "SELECT copies, outlets, median_hours_to_pickup FROM syndication_reach WHERE story_key = 'article:a6'"
    ) == [(1, 1, None)]


def test_forum_window(con):
    assert rows(
        con,
        "SELECT topic, window_start, window_end, stories, copies, outlets, stories_during, "
        "forum_stories, forum_copies FROM forum_edition_coverage "
        "WHERE edition = 'xiangshan-2023' AND topic IN ('all', 'sino_russian_military', "
        "'south_china_sea', 'aukus') ORDER BY topic",
    ) == [
        ("all", date(2023, 10, 22), date(2023, 11, 7), 2, 5, 4, 2, 2, 4),
        ("aukus", date(2023, 10, 22), date(2023, 11, 7), 0, 0, 0, 0, 0, 0),  # undated: never in a window
        ("sino_russian_military", date(2023, 10, 22), date(2023, 11, 7), 1, 3, 3, 1, 1, 3),
        ("south_china_sea", date(2023, 10, 22), date(2023, 11, 7), 1, 2, 2, 1, 1, 1),
    ]
    assert rows(con, "SELECT sum(copies) FROM forum_edition_coverage WHERE edition = 'xiangshan-2024'") == [(0,)]
    n_editions = rows(con, "SELECT count(*) FROM forums")[0][0]
    n_topics = rows(con, "SELECT count(*) FROM topics")[0][0] + 1
    assert rows(con, "SELECT count(*) FROM forum_edition_coverage") == [(n_editions * n_topics,)]
    assert rows(
        con,
        "SELECT DISTINCT phase, days_from_start FROM forum_edition_articles "
        "WHERE article_id = 'a3' AND edition = 'xiangshan-2023'",
    ) == [("after", 3)]


def test_people_and_tags(con):
    assert rows(
        con,
        "SELECT person, stories, copies, outlets FROM person_coverage "
        "WHERE person IN ('zhang_youxia', 'sergei_shoigu') ORDER BY person",
    ) == [
        ("sergei_shoigu", 1, 3, 3),
        ("zhang_youxia", 1, 3, 3),
    ]
    assert rows(con, "SELECT kind, tag, evidence FROM article_tags WHERE article_id = 'a6'") == [
        ("topic", "middle_east", "Israeli; Gaza; airstrikes; ceasefire; talks")
    ]


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.name)
def test_every_query_runs(con, query):
    text = query.read_text(encoding="utf-8")
    assert text.startswith("--"), "each query starts with a header comment"
    con.execute(text).fetchall()


def test_query_xiangshan(con):
    result = rows(con, (sql_dir() / "queries" / "01_sino_russian_military_around_xiangshan.sql").read_text())
    assert result[1] == (
        "xiangshan-2023",
        date(2023, 10, 29),
        date(2023, 10, 31),
        1,
        3,
        3,
        1,
        "ANI News, Asian Lite News, The Tribune",
    )
    assert [r[0] for r in result] == ["xiangshan-2019", "xiangshan-2023", "xiangshan-2024", "xiangshan-2025"]


def test_views_and_queries_run_on_empty_database(tmp_path):
    connection = duckdb.connect(str(tmp_path / "empty.duckdb"))
    init_schema(connection)
    create_views(connection)  # views before seeds: the tables exist from schema.sql
    for view in VIEWS:
        connection.execute(f"SELECT * FROM {view}").fetchall()
    for query in QUERIES:
        connection.execute(query.read_text(encoding="utf-8")).fetchall()
    connection.close()


def test_seed_tables_reload_idempotent(tmp_path):
    connection = duckdb.connect(str(tmp_path / "seeds.duckdb"))
    init_schema(connection)
    connection.begin()  # runs inside the caller's transaction, as the ingest flow calls it
    load_seed_tables(connection)
    connection.commit()
    first = [connection.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("topics", "forums", "people")]
    load_seed_tables(connection)
    again = [connection.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("topics", "forums", "people")]
    assert first == again and first[0][0] >= 12
    assert connection.execute(
        "SELECT start_date, end_date, city FROM forums WHERE edition = 'xiangshan-2023'"
    ).fetchone() == (date(2023, 10, 29), date(2023, 10, 31), "Beijing")
    connection.close()


def test_write_tags_replaces_only_given_articles(tmp_path):
    path = build_fixture_db(tmp_path / "w.duckdb")
    connection = duckdb.connect(str(path))
    rules = load_rules()
    write_tags(connection, [tag_article("a6", AUKUS, rules)])  # a6's text now reads as AUKUS
    assert connection.execute("SELECT topic FROM article_topics WHERE article_id = 'a6'").fetchall() == [("aukus",)]
    assert connection.execute("SELECT count(*) FROM article_topics").fetchone() == (18,)
    connection.close()


LATE_ROWS = """INSERT INTO articles (article_id, url, source_id, title, published_at, story_id, cited_media) VALUES
    ('a8', 'https://example.org/8', 'globaltimes', 'Beijing hosts Xiangshan delegates', '2023-10-30 09:00', 's2',
     ['TASS', 'TASS']),
    ('a9', 'https://example.org/9', 'ani', 'Forum week opens', '2023-10-22 00:00', NULL, NULL),
    ('a10', 'https://example.org/10', 'ani', 'Forum week closes', '2023-11-07 23:59', NULL, NULL),
    ('a11', 'https://example.org/11', 'ani', 'A day too late', '2023-11-08 00:00', NULL, NULL);
INSERT INTO article_topics (article_id, topic) VALUES ('a8', 'south_china_sea');"""


def test_stored_views_follow_create_views(tmp_path):
    """Six views read mv_* tables that create_views rebuilds: rows loaded later show once it runs
    again (a flow run's end does), counted as the views always counted them."""
    connection = duckdb.connect(str(build_fixture_db(tmp_path / "mv.duckdb")))
    connection.execute(LATE_ROWS)  # a8: an earlier copy of s2 (duplicate TASS); a9..a11 around Xiangshan 2023
    assert rows(connection, "SELECT count(*) FROM article_facts") == [(7,)]
    create_views(connection)
    assert rows(connection, "SELECT count(*) FROM article_facts") == [(11,)]
    assert rows(connection, "SELECT count(*) FROM topic_articles WHERE topic = 'all'") == [(11,)]
    assert rows(
        connection,
        "SELECT article_id, pickup_rank, hours_after_first FROM story_pickups "
        "WHERE story_key = 's2' ORDER BY pickup_rank",
    ) == [
        ("a8", 1, 0.0),
        ("a4", 2, 3.0),
        ("a5", 3, 9.0),
    ]
    assert rows(
        connection,
        "SELECT topic, copies, outlets, cites_tass, cited_media FROM topic_stories "
        "WHERE story_key = 's2' AND topic IN ('all', 'south_china_sea') ORDER BY topic",
    ) == [
        ("all", 3, 2, True, ["TASS", "Xinhua"]),
        ("south_china_sea", 3, 2, True, ["TASS", "Xinhua"]),
    ]
    assert rows(
        connection,
        "SELECT first_outlet, copies, median_hours_to_pickup, hours_to_last_pickup "
        "FROM syndication_reach WHERE story_key = 's2'",
    ) == [("globaltimes", 3, 6.0, 9.0)]
    assert rows(
        connection, "SELECT day, stories, new_stories, copies FROM topic_coverage_daily WHERE topic = 'south_china_sea'"
    ) == [(date(2023, 10, 30), 1, 1, 3)]
    # a8 names TASS twice: one copy; shares of the 7 stories (s1, s2 and five single articles)
    assert rows(
        connection,
        "SELECT medium, stories, copies, share_of_stories FROM cited_media_coverage "
        "WHERE topic = 'all' ORDER BY medium",
    ) == [("TASS", 2, 3, 0.2857), ("Xinhua", 2, 3, 0.2857)]
    # the window is 2023-10-22 .. 2023-11-07, both days included
    assert rows(
        connection,
        "SELECT article_id, days_from_start, phase FROM forum_edition_articles "
        "WHERE edition = 'xiangshan-2023' AND topic = 'all' AND article_id IN ('a9', 'a10', 'a11') "
        "ORDER BY days_from_start",
    ) == [("a9", -7, "before"), ("a10", 9, "after")]
    connection.close()


@pytest.mark.parametrize("on_the_runs_connection", [False, True])
def test_finish_run_rebuilds_views_before_publishing(tmp_path, on_the_runs_connection):
    from forumwatch.flows.steps import RunConnection, finish_run

    path = build_fixture_db(tmp_path / "run.duckdb")
    run_connection = RunConnection(str(path))
    loads = run_connection.get() if on_the_runs_connection else duckdb.connect(str(path))
    loads.execute(LATE_ROWS)  # as the run's loads left them
    if not on_the_runs_connection:
        loads.close()
    finish_run.fn(str(path), "run-1", {}, run_connection if on_the_runs_connection else None)  # without the engine
    assert run_connection.con is None  # closed (or never opened): the writer lock is free, the file checkpointed
    assert not Path(f"{path}.wal").exists()
    for db in (path, tmp_path / "run-read.duckdb"):
        connection = duckdb.connect(str(db), read_only=True)
        assert rows(connection, "SELECT count(*) FROM article_facts") == [(11,)]
        assert rows(connection, "SELECT copies FROM syndication_reach WHERE story_key = 's2'") == [(3,)]
        connection.close()


def test_ensure_views_builds_only_in_a_new_file(tmp_path):
    connection = duckdb.connect(str(tmp_path / "new.duckdb"))
    init_schema(connection)
    connection.begin()  # inside the transaction of prepare_run
    ensure_views(connection)  # as a run starts on a new file
    connection.commit()
    assert rows(connection, "SELECT count(*) FROM article_facts") == [(0,)]
    connection.execute("INSERT INTO articles (article_id, url) VALUES ('x1', 'https://example.org/x1')")
    connection.begin()
    ensure_views(connection)  # views exist: left as they are until the run's end rebuilds them
    connection.commit()
    assert rows(connection, "SELECT count(*) FROM article_facts") == [(0,)]
    create_views(connection)
    assert rows(connection, "SELECT story_key, pickup_rank FROM article_facts") == [("article:x1", 1)]
    connection.close()


def test_finish_run_rebuilds_views_only_when_their_inputs_changed(tmp_path, monkeypatch):
    from forumwatch.flows.steps import finish_run
    from forumwatch.tasks import views

    path = build_fixture_db(tmp_path / "run.duckdb")
    finish_run.fn(str(path), "run-1", {})

    def state() -> tuple:
        with duckdb.connect(str(path), read_only=True) as con:
            [(run_id,)] = rows(con, "SELECT run_id FROM view_inputs WHERE name = 'views'")
            [(n,)] = rows(con, "SELECT count(*) FROM mv_article_facts")
            return run_id, n

    built = state()
    assert built[0] == "run-1"
    finish_run.fn(str(path), "run-2", {})  # nothing loaded, same sources and seeds: no rebuild
    assert state() == built
    with duckdb.connect(str(path)) as con:
        con.execute(LATE_ROWS)  # articles loaded (as by a run that crashed before its end)
    finish_run.fn(str(path), "run-3", {})
    assert state() == ("run-3", built[1] + 4)
    finish_run.fn(str(path), "run-4", {})
    assert state()[0] == "run-3"
    with duckdb.connect(str(path)) as con:
        [(source_id,)] = rows(con, "SELECT min(source_id) FROM sources")
        con.execute("UPDATE sources SET country = 'Elsewhere' WHERE source_id = ?", [source_id])
    finish_run.fn(str(path), "run-5", {})  # a source changed: its country shows in the stored tables
    assert state()[0] == "run-5"
    edited = tmp_path / "seeds"
    shutil.copytree(views.seeds_dir(), edited)
    with (edited / "topics.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            "harbour_pilots,Harbour pilots,harbour pilot*,Any harbour pilot term\n"
        )  # a topic added to the seeds
    monkeypatch.setattr(views, "seeds_dir", lambda: edited)
    finish_run.fn(str(path), "run-6", {})  # a seed changed: rebuilt
    assert state()[0] == "run-6"
    finish_run.fn(str(path), "run-7", {})  # the same edited seeds again: not rebuilt
    assert state()[0] == "run-6"


def test_coverage_by_language(tmp_path):
    """The seed story translated into Chinese (1 copy) and Russian (2 copies) beside the English story s1."""
    path = build_fixture_db(tmp_path / "languages.duckdb")
    con = duckdb.connect(str(path))
    rules = load_rules()
    translations = {
        lang: PAGE.with_suffix(f".{lang}.txt").read_text(encoding="utf-8").split("ANI")[0] for lang in ("zh", "ru")
    }
    extra = pd.DataFrame(
        {
            "article_id": ["z1", "r1", "r2"],
            "url": ["https://example.org/z1", "https://example.org/r1", "https://example.org/r2"],
            "source_id": ["globaltimes", "tribune", "asianlite"],
            "title": ["中俄准备共同应对安全威胁", "Китай и Россия готовы", "Китай и Россия готовы"],
            "published_at": pd.to_datetime(["2023-10-31 10:00", "2023-10-31 11:00", "2023-10-31 12:00"]),
            "text": [translations["zh"], translations["ru"], translations["ru"]],
            "language": ["zh", "ru", "ru"],
            "story_id": ["s3", "s4", "s4"],
        }
    )
    con.execute("UPDATE articles SET language = 'en' WHERE story_id = 's1'")
    con.register("frame", extra)
    con.execute("INSERT INTO articles BY NAME SELECT * FROM frame")
    con.unregister("frame")
    write_tags(con, [tag_article(a, t, rules) for a, t in zip(extra.article_id, extra.text)])
    create_views(con)
    got = rows(
        con,
        """SELECT language, stories, new_stories, copies, outlets FROM topic_coverage_by_language
           WHERE topic = 'sino_russian_military' AND day = DATE '2023-10-31' ORDER BY language""",
    )
    assert got == [("en", 1, 1, 2, 2), ("ru", 1, 1, 2, 2), ("zh", 1, 1, 1, 1)]
    pivot = rows(con, (sql_dir() / "queries" / "13_topic_coverage_by_language.sql").read_text(encoding="utf-8"))
    assert (date(2023, 10, 31), 1, 2, 1, 1, 1, 2, 0, 0) in pivot
    assert (date(2023, 11, 1), 1, 1, 0, 0, 0, 0, 0, 0) in pivot  # the third English copy, a day later
    con.close()
