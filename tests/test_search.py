"""Full-text search: stories ranked by BM25, Chinese bigrams, Russian stems, filters, refresh cost, CLI."""

from __future__ import annotations

import hashlib
import zlib
from datetime import date

import duckdb
import pytest
from test_views import build_fixture_db

from forumwatch.analyst import create_views
from forumwatch.cli import main
from forumwatch.search import SearchError, search, snippet
from forumwatch.tasks import search_index
from forumwatch.tasks.search_index import prepare_search, refresh_search

ZH = "国防部长董军表示，中俄联合海上巡航将于下月开始。\n双方还讨论了南海局势。"
ZH_OTHER = "中国与俄罗斯签署了贸易协议，双方在联合声明中提到了合作。"  # has 联合 but not 巡航
RU = "Министр обороны Сергей Шойгу заявил о совместном патрулировании в Тихом океане.\nЁлка стояла у штаба."
EXTRA = [  # (article_id, source_id, language, title, published_at, text)
    ("z1", "globaltimes", "zh", "中俄联合巡航", "2024-03-05 02:00", ZH),
    ("z2", "globaltimes", "zh", "中俄贸易", "2024-03-06 02:00", ZH_OTHER),
    ("r1", "tribune", "ru", "Шойгу о патрулях", "2024-03-07 02:00", RU),
]


def add_articles(con: duckdb.DuckDBPyConnection, rows=EXTRA) -> None:
    con.executemany(
        "INSERT INTO articles (article_id, url, source_id, language, title, published_at, text) "
        "VALUES (?, 'https://example.org/' || ?, ?, ?, ?, ?, ?)",
        [(a, a, s, lang, t, p, x) for a, s, lang, t, p, x in rows],
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = build_fixture_db(tmp_path_factory.mktemp("search") / "fixture.duckdb")
    with duckdb.connect(str(path)) as con:
        add_articles(con)
        create_views(con)
        refresh_search(con)
    return str(path)


def ids(frame) -> list[str]:
    return list(frame["story_key"])


def test_ranks_stories_not_copies(db):
    found = search(db, "security threats Russia")
    assert ids(found) == ["s1"]  # three copies, one story
    row = found.iloc[0]
    assert (row.outlets, row.copies, row.matching_copies, row.first_outlet) == (3, 3, 3, "ANI News")
    assert row.first_published_at.date() == date(2023, 10, 31)
    assert "**" in row.snippet


def test_all_terms_required_and_bm25_order(db):
    assert ids(search(db, "South China Sea")) == ["s2"]  # the story's two copies both match: one row
    assert ids(search(db, "Gaza submarine")).__len__() == 0  # no copy holds both words
    both = search(db, "China")
    assert set(ids(both)) == {"s1", "s2"}  # every copy of both stories names China; no other article does
    assert list(both["rank"]) == list(range(1, len(both) + 1))
    assert list(both["score"]) == sorted(both["score"], reverse=True)


def test_or_in_capitals_joins_alternatives(db):
    """'a OR b' finds the stories of either alternative, once each, by their best score; a lower-case 'or'
    stays a word that must appear."""
    alone = {q: search(db, q) for q in ("Gaza", "South China Sea")}
    assert len(alone["Gaza"]) and "s2" not in ids(alone["Gaza"])  # two alternatives with stories of their own
    either = search(db, "Gaza OR South China Sea")
    assert set(ids(either)) == set(ids(alone["Gaza"])) | {"s2"} and len(ids(either)) == len(set(ids(either)))
    assert list(either["rank"]) == list(range(1, len(either) + 1))
    assert list(either["score"]) == sorted(either["score"], reverse=True)
    best = {k: s for frame in alone.values() for k, s in zip(frame["story_key"], frame["score"])}
    assert dict(zip(either["story_key"], either["score"])) == best
    assert len(search(db, "Gaza or submarine")) == 0  # 'or' is a word here, as 'and' is
    assert set(ids(search(db, "China OR !!!"))) == {"s1", "s2"}  # an alternative with no word is left out
    with pytest.raises(SearchError, match="no searchable word"):
        search(db, "!!! OR ???")


def test_english_stemming(db):
    assert ids(search(db, "tackling threat")) == ["s1"]  # tackle/tackling, threats/threat share a stem


def test_chinese_bigrams(db):
    assert ids(search(db, "联合巡航")) == ["article:z1"]  # z2 has 联合 but not 巡航
    assert set(ids(search(db, "联合"))) == {"article:z1", "article:z2"}
    assert ids(search(db, "南海")) == ["article:z1"]  # a word inside an unsegmented sentence
    hit = search(db, "海上巡航").iloc[0]
    assert "**海上巡航**" in hit.snippet


def test_russian_stems_and_yo(db):
    assert ids(search(db, "патрулирование")) == ["article:r1"]  # text has 'патрулировании'
    assert ids(search(db, "совместное патрулирование в океане")) == ["article:r1"]  # other case endings
    assert ids(search(db, "елка")) == ["article:r1"]  # ё and е are one letter for search
    assert "**Шойгу**" in search(db, "шойгу").iloc[0].snippet


def test_filters(db):
    assert set(ids(search(db, "联合", since=date(2024, 3, 6)))) == {"article:z2"}
    assert ids(search(db, "security", since=date(2023, 11, 1))) == ["s1"]  # its third copy is on Nov 1
    assert ids(search(db, "security", until=date(2023, 10, 30))) == []
    assert ids(search(db, "security", until=date(2023, 10, 31))) == ["s1"]  # until is inclusive
    assert ids(search(db, "联合", language="ru")) == []
    assert set(ids(search(db, "联合", language="zh"))) == {"article:z1", "article:z2"}
    assert ids(search(db, "China", topic="south_china_sea")) == ["s2"]
    assert len(search(db, "China", limit=1)) == 1


def test_refresh_only_rebuilds_when_articles_change(tmp_path):
    path = build_fixture_db(tmp_path / "r.duckdb")
    with duckdb.connect(str(path)) as con:
        first = refresh_search(con)
        assert (first.added, first.removed, first.rebuilt) == (7, 0, ["2023w44", "2023w47", "undated"])
        again = refresh_search(con)
        assert (again.added, again.removed, again.rebuilt) == (0, 0, [])
        con.execute("UPDATE articles SET text = 'Hypersonic missile test', content_sha1 = 'x' WHERE article_id = 'a6'")
        con.execute("DELETE FROM articles WHERE article_id = 'a7'")
        create_views(con)
        changed = refresh_search(con)
        assert (changed.added, changed.removed, changed.rebuilt) == (1, 2, ["2023w47", "undated"])  # a7 was undated
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert "mv_search_undated" not in tables and "mv_search_2023w44" in tables  # an emptied week is dropped
        con.execute("UPDATE articles SET published_at = TIMESTAMP '2023-11-02 10:00' WHERE article_id = 'a6'")
        moved = refresh_search(con)
        assert (moved.added, moved.removed, moved.rebuilt) == (1, 1, ["2023w44", "2023w47"])
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert "mv_search_2023w47" not in tables  # a6 moved out of its week, which is now empty
    assert ids(search(str(path), "hypersonic")) == ["article:a6"]
    assert ids(search(str(path), "Israeli airstrikes")) == []  # the old text is gone from the index
    assert ids(search(str(path), "Gaza hypersonic")) == ["article:a6"]  # title kept, new text
    assert ids(search(str(path), "AUKUS")) == []


def test_snippet_marks_matches_in_best_paragraph(db):
    with duckdb.connect(db, read_only=True) as con:
        prepare_search_ro(con)
        text = "Nothing here.\nThe Navy said joint patrols continue.\nPatrols and joint drills: joint patrol again."
        assert snippet(con, text, "joint patrol") == "**Patrols** and **joint** drills: **joint** **patrol** again."
        assert snippet(con, "", "x") == ""
        long = "word " * 200 + "target " + "word " * 200
        cut = snippet(con, long, "target")
        assert cut.startswith("…") and cut.endswith("…") and "**target**" in cut and len(cut) < 300


def prepare_search_ro(con):
    from forumwatch.tasks.extensions import load_extension

    load_extension(con, "fts")


def test_errors_are_one_line(db, tmp_path, capsys):
    with pytest.raises(SearchError, match="empty"):
        search(db, "  ")
    bare = build_fixture_db(tmp_path / "bare.duckdb")
    assert main(["search", "China", "--db", str(bare)]) == 2
    assert "no search index yet" in capsys.readouterr().err
    assert main(["search", "--reindex", "--db", str(bare)]) == 0
    assert "7 documents made" in capsys.readouterr().out
    assert main(["search", "Xiangshan", "--db", str(bare)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(" 1. 2023-10-30  Global Times  (2 outlets, 2 copies") and "**Xiangshan**" in out
    assert main(["search", "!!!", "--db", str(bare)]) == 2
    assert main(["search", "nothingmatches", "--db", str(bare)]) == 0
    assert "no story matches" in capsys.readouterr().out


def test_sql_macro_for_analysts(db):
    con = duckdb.connect(db, read_only=True)
    prepare_search_ro(con)
    rows = con.execute(
        "SELECT story_key, outlets FROM search_stories('security threats', q_since := '2023-10-01', q_limit := 5)"
    ).fetchall()
    assert rows == [("s1", 3)]
    assert con.execute("SELECT fw_search_terms('Шойгу, 联合巡航!')").fetchone()[0] == ["шойг", "联合", "合巡", "巡航"]


def test_terms_made_ahead_are_looked_up(tmp_path):
    """Terms a load batch made ahead (make_terms_ahead) are looked up by their document, not made again; the
    shard tables and the FTS documents' numbering are those made without them."""
    made: dict[bool, dict[str, list]] = {}
    for ahead in (False, True):
        with duckdb.connect(str(build_fixture_db(tmp_path / f"{ahead}.duckdb"))) as con:
            add_articles(con)
            if ahead:
                docs = con.execute("SELECT title, text FROM articles WHERE article_id <> 'a1'").fetchall()
                assert search_index.make_terms_ahead(docs) == len(docs)
                title, text = con.execute("SELECT title, text FROM articles WHERE article_id = 'z1'").fetchone()
                key = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
                search_index.KNOWN_TERMS[key] = "probe"  # z1's terms are what the lookup finds
            refresh_search(con)
            assert search_index.KNOWN_TERMS == {}  # taken by the refresh
            shards = [f"mv_search_{s}" for s in ("2023w44", "2023w47", "2024w10", "undated")]
            made[ahead] = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in shards}
            made[ahead] |= {
                f"fts {t}": con.execute(f"SELECT docid, name FROM fts_main_{t}.docs").fetchall() for t in shards
            }
    probe = [r for r in made[True]["mv_search_2024w10"] if r[0] == "z1"]
    assert probe == [("z1", "probe")]
    made[True]["mv_search_2024w10"] = [
        r if r[0] != "z1" else next(x for x in made[False]["mv_search_2024w10"] if x[0] == "z1")
        for r in made[True]["mv_search_2024w10"]
    ]
    assert made[True] == made[False]


def test_terms_past_the_bound_are_kept_compressed(tmp_path, monkeypatch):
    """Past KNOWN_TERMS_SIZE the terms made ahead are compressed, not dropped, and taken as they were made; when
    even compressed they pass it, the oldest are dropped."""
    with duckdb.connect(str(build_fixture_db(tmp_path / "z.duckdb"))) as con:
        add_articles(con)
        docs = con.execute("SELECT title, text FROM articles ORDER BY article_id").fetchall()

    def taken() -> dict[str, str]:
        table = search_index._take_known_terms()
        return dict(zip(table["key"].to_pylist(), table["terms"].to_pylist(), strict=True))

    search_index.make_terms_ahead(docs)
    plain = dict(search_index.KNOWN_TERMS)
    assert all(isinstance(t, str) for t in plain.values()) and taken() == plain and len(plain) == len(set(docs))
    monkeypatch.setattr(search_index, "KNOWN_TERMS_SIZE", sum(map(len, plain.values())) - 1)
    search_index.make_terms_ahead(docs[:4])
    search_index.make_terms_ahead(docs[4:])
    assert all(isinstance(t, bytes) for t in search_index.KNOWN_TERMS.values())
    assert taken() == plain and search_index.KNOWN_TERMS == {}
    newest = list(plain)[-1]
    monkeypatch.setattr(search_index, "KNOWN_TERMS_SIZE", len(zlib.compress(plain[newest].encode(), 1)))
    search_index.make_terms_ahead(docs)
    assert taken() == {newest: plain[newest]}


HOSTILE_DOCS = [
    (None, None),
    ("", ""),
    ("  ", "\n\n\t"),
    ("Шойгу о патрулях", RU),
    ("中俄联合巡航", ZH),
    ("日本の防衛大臣", "防衛大臣は東京で会見した。한국 국방부 장관이 말했다."),
    ("Café naïve", "İstanbul résumé Ångström ﬁnance Ⅻ ½ ² x\u0301y e\u0301te\u0301 ǅemal"),
    ("Mixed中文words", "русский текст 123 4.5 עברית العربية हिन्दी ไทย patrols patrolling"),
]


@pytest.mark.parametrize(
    "kept_words, kept_chars", [(search_index.WORD_TERMS_MAX, search_index.WORD_KEPT_CHARS), (3, 64), (100, 4)]
)
def test_terms_made_ahead_are_the_macros(tmp_path, monkeypatch, kept_words, kept_chars):
    """make_terms_ahead (fw_word_terms once per word no earlier batch had) gives fw_search_terms's terms:
    Cyrillic, CJK, accents and combining marks, other scripts, empty documents; with the words of an earlier
    batch kept, all of them, only the newest 3, or only those of at most 4 characters."""
    monkeypatch.setattr(search_index, "WORD_TERMS_MAX", kept_words)
    monkeypatch.setattr(search_index, "WORD_KEPT_CHARS", kept_chars)
    search_index.KNOWN_WORD_TERMS.clear()
    search_index.make_terms_ahead(HOSTILE_DOCS[::2])  # an earlier batch: its words' terms are kept
    assert 0 < len(search_index.KNOWN_WORD_TERMS) <= kept_words
    assert all(len(word) <= kept_chars for word in search_index.KNOWN_WORD_TERMS)
    search_index.KNOWN_TERMS.clear()
    assert search_index.make_terms_ahead(HOSTILE_DOCS) == len(HOSTILE_DOCS) - 1  # (None, None) is ("", "")
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    prepare_search(con)
    docs = [f"{title or ''}\n{text or ''}" for title, text in HOSTILE_DOCS]
    expected = dict(
        con.execute(
            "SELECT sha256(doc), array_to_string(fw_search_terms(doc), ' ') FROM unnest($docs::VARCHAR[]) t(doc)",
            {"docs": docs},
        ).fetchall()
    )
    made = search_index._take_known_terms().to_pylist()
    assert {row["key"]: row["terms"] for row in made} == expected
    assert "шойг" in expected[hashlib.sha256(f"Шойгу о патрулях\n{RU}".encode()).hexdigest()].split()


def test_prepare_search_is_idempotent(tmp_path):
    con = duckdb.connect(str(tmp_path / "p.duckdb"))
    prepare_search(con)
    prepare_search(con)
    assert con.execute("SELECT fw_search_terms('Patrols')").fetchone()[0] == ["patrol"]


def fts_rows(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, list]:
    """What search_stories reads of one shard's FTS index, with terms in place of termids (numbered freely)."""
    fts = f"fts_main_{table}"
    return {
        "docs": con.execute(f"SELECT docid, name, len FROM {fts}.docs ORDER BY docid").fetchall(),
        "dict": con.execute(f"SELECT term, df FROM {fts}.dict ORDER BY term").fetchall(),
        "termids": con.execute(f"SELECT count(*), count(DISTINCT termid), max(termid) FROM {fts}.dict").fetchall(),
        "terms": con.execute(
            f"SELECT docid, fieldid, term FROM {fts}.terms JOIN {fts}.dict USING (termid) ORDER BY ALL"
        ).fetchall(),
        "stats": con.execute(f"SELECT num_docs, avgdl FROM {fts}.stats").fetchall(),
        "columns": con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = ? "
            "AND table_name IN ('docs', 'dict', 'terms', 'stats') ORDER BY table_name, column_index",
            [fts],
        ).fetchall(),
    }


def test_index_rows_are_those_of_create_fts_index(tmp_path):
    """fts_build.sql makes the rows PRAGMA create_fts_index makes (English, Chinese bigrams, Russian stems, an
    empty document, a shard with a deleted row), and search_stories ranks and scores alike over either."""
    path = build_fixture_db(tmp_path / "fts.duckdb")
    queries = ["China", "security threats Russia", "联合", "联合巡航", "патрулирование", "Gaza", "AUKUS", "sea"]
    with duckdb.connect(str(path)) as con:
        add_articles(con, [*EXTRA, ("e1", "tribune", "en", None, "2024-03-05 03:00", "!!! ... ---")])
        create_views(con)
        refresh_search(con)
        con.execute("UPDATE articles SET text = 'Hypersonic missile test', content_sha1 = 'x' WHERE article_id = 'a1'")
        refresh_search(con)  # a1 deleted from its week's table and added again: a gap in its rowids
        tables = [search_index.shard_table(s) for s in search_index._shards(con)]
        assert con.execute("SELECT terms FROM mv_search_2024w10 WHERE article_id = 'e1'").fetchone() == ("",)
        ours = {t: fts_rows(con, t) for t in tables}
        found = {q: con.execute("SELECT * FROM search_stories(?)", [q]).fetchall() for q in queries}
        for t in tables:
            con.execute(
                f"PRAGMA create_fts_index('{t}', 'article_id', 'terms', stemmer = 'none', stopwords = 'none', "
                "ignore = '[^\\s\\S]', strip_accents = 0, lower = 0, overwrite = 1)"
            )
        assert {t: fts_rows(con, t) for t in tables} == ours
        assert {q: con.execute("SELECT * FROM search_stories(?)", [q]).fetchall() for q in queries} == found
    assert sorted(tables) == ["mv_search_2023w44", "mv_search_2023w47", "mv_search_2024w10", "mv_search_undated"]
    assert ours["mv_search_2023w44"]["docs"][-1][0] > len(ours["mv_search_2023w44"]["docs"]) - 1  # the gap
    assert all(found[q] for q in queries)


def fts_content(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, list]:
    """One shard's FTS index by document names and terms (its docids and termids are numbers only), and whether
    those numbers are unique."""
    fts = f"fts_main_{table}"
    return {
        "docs": con.execute(f"SELECT name, len FROM {fts}.docs ORDER BY ALL").fetchall(),
        "dict": con.execute(f"SELECT term, df FROM {fts}.dict ORDER BY ALL").fetchall(),
        "occurrences": con.execute(
            f"SELECT d.name, t.fieldid, w.term FROM {fts}.terms t JOIN {fts}.docs d USING (docid) "
            f"JOIN {fts}.dict w USING (termid) ORDER BY ALL"
        ).fetchall(),
        "stats": con.execute(f"SELECT num_docs, avgdl FROM {fts}.stats").fetchall(),
        "unique ids": con.execute(
            f"SELECT (SELECT count(DISTINCT docid) = count(*) FROM {fts}.docs), "
            f"(SELECT count(DISTINCT termid) = count(*) FROM {fts}.dict)"
        ).fetchall(),
    }


@pytest.mark.parametrize("made_by", ["fts_build.sql", "create_fts_index"])
def test_a_week_that_only_gains_documents_is_appended_to(tmp_path, made_by):
    """New documents in an indexed week are appended to its index (made by us, or by the FTS extension in an
    older database): the rows a rebuild makes (but for the numbering of docids and termids), the same search
    results and scores; a week that lost one is rebuilt."""
    queries = ["China", "security threats", "联合", "联合巡航", "патрулирование", "sea patrols", "AUKUS"]
    with duckdb.connect(str(build_fixture_db(tmp_path / "grow.duckdb"))) as con:
        add_articles(con, EXTRA[:1])
        create_views(con)
        refresh_search(con)
        for table in [search_index.shard_table(s) for s in search_index._shards(con)]:
            if made_by == "create_fts_index":
                con.execute(
                    f"PRAGMA create_fts_index('{table}', 'article_id', 'terms', stemmer = 'none', "
                    "stopwords = 'none', ignore = '[^\\s\\S]', strip_accents = 0, lower = 0, overwrite = 1)"
                )
                macros = (
                    "SELECT count(*) FROM duckdb_functions() WHERE schema_name = ? AND function_name = 'match_bm25'"
                )
                assert con.execute(macros, [f"fts_main_{table}"]).fetchone() == (1,)
        extra = ("e1", "tribune", "en", "Sea patrols", "2023-10-30 20:00", "China and security threats at sea.")
        add_articles(con, [*EXTRA[1:], extra])  # two more in 2024w10, one more in 2023w44
        con.execute("DELETE FROM articles WHERE article_id = 'a7'")  # the undated week loses its document
        create_views(con)
        grown = refresh_search(con)
        assert (grown.rebuilt, grown.appended) == (["2023w44", "2024w10", "undated"], ["2023w44", "2024w10"])
        tables = [search_index.shard_table(s) for s in search_index._shards(con)]
        appended = {t: fts_content(con, t) for t in tables}
        found = {q: con.execute("SELECT * FROM search_stories(?)", [q]).fetchall() for q in queries}
        assert refresh_search(con, force=True).appended == []
        assert {t: fts_content(con, t) for t in tables} == appended
        assert {q: con.execute("SELECT * FROM search_stories(?)", [q]).fetchall() for q in queries} == found
    assert all(found[q] for q in queries if q != "AUKUS") and found["AUKUS"] == []
    assert appended["mv_search_2024w10"]["stats"][0][0] == 3
