"""Schema version 4: a file written when URL paths were kept as given is re-keyed to the paths' normal form on
first open, every table that holds an article id or URL in step, once."""

from __future__ import annotations

from datetime import datetime

from dbquery import assert_consistent, query
from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch import db as fwdb
from forumwatch.identity import key_of, story_id_for
from forumwatch.rekey import Rekeyed, normal_url, rekey_paths
from forumwatch.tasks.dedupe import assign_stories
from forumwatch.tasks.urls import article_id, canonical_url, canonical_url_keeping_path

IRI = "http://h.example/новости/1"  # stored by an older forumwatch as written
DUP_OLD, DUP_NEW = "http://h.example/%d0%b0/2", "http://h.example/%D0%B0/2"  # both spellings stored
LATE, EARLY = "http://h.example/б/3", "http://h.example/%D0%B1/3"  # the non-normal one fetched last
ASCII = "http://h.example/world/4"
OTHER = "http://h.example/world/5"


def old_id(url: str) -> str:
    """The id the rule before schema version 4 gave (the path as written)."""
    return key_of(canonical_url_keeping_path(url))


def at(day: int) -> datetime:
    return datetime(2026, 12, day, 6, 0)


def write_v3_file(path) -> None:
    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
        # (url, fetched day, first seen day, published day, story)
        rows = [
            (IRI, 5, 5, 5, "a"),
            (DUP_OLD, 1, 1, 1, None),
            (DUP_NEW, 3, 2, 1, None),
            (LATE, 4, 4, 2, None),
            (EARLY, 2, 3, 2, None),
            (ASCII, 5, 5, 5, "a"),
            (OTHER, 5, 5, 6, "x"),
        ]
        stories = {"a": story_id_for(old_id(IRI)), "x": story_id_for(old_id(OTHER))}
        for url, fetched, seen, published, story in rows:
            con.execute(
                "INSERT INTO articles (article_id, url, link_url, fetched_at, first_seen_at, published_at, story_id, "
                "text) VALUES (?, ?, ?, ?, ?, ?, ?, 'text')",
                [old_id(url), url, url, at(fetched), at(seen), at(published), stories.get(story)],
            )
            for table, column in (
                ("article_topics", "topic"),
                ("article_forums", "forum"),
                ("article_people", "person"),
            ):
                con.execute(f"INSERT INTO {table} (article_id, {column}) VALUES (?, 'x')", [old_id(url)])
            con.execute("INSERT INTO article_signatures (article_id) VALUES (?)", [old_id(url)])
            con.execute("INSERT INTO article_bands VALUES (?, 1, 0)", [old_id(url)])
            con.execute("INSERT INTO feed_items VALUES (?, 's', 't', NULL, NULL, ?, ?)", [url, at(seen), at(fetched)])
            con.execute(
                "INSERT INTO fetches (fetch_id, url, kind, fetched_at) VALUES (?, ?, 'page', ?)", [url, url, at(1)]
            )
        for key, rep, members in (("a", IRI, 2), ("x", OTHER, 1)):
            con.execute(
                "INSERT INTO stories (story_id, representative_id, n_articles) VALUES (?, ?, ?)",
                [stories[key], old_id(rep), members],
            )
            con.execute(
                "INSERT INTO story_features (story_id, representative_id, language) VALUES (?, ?, ?)",
                [stories[key], old_id(rep), key],
            )
        a, x = sorted(stories.values())
        con.execute(
            "INSERT INTO story_links (story_a, story_b, language_a, language_b) VALUES (?, ?, ?, ?)",
            [a, x, "a" if a == stories["a"] else "x", "x" if a == stories["a"] else "a"],
        )
        con.execute(
            "INSERT INTO fetches (fetch_id, url, kind, fetched_at) VALUES ('f', ?, 'feed', ?)", [IRI + "/rss", at(1)]
        )
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version (version, applied_at) VALUES (3, now())")


def test_a_version_3_file_is_rekeyed_on_first_open(tmp_path):
    path = tmp_path / "v3.duckdb"
    write_v3_file(path)
    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
    urls = [IRI, DUP_NEW, EARLY, ASCII, OTHER]
    articles = query(path, "SELECT article_id, url, link_url, first_seen_at, fetched_at FROM articles ORDER BY url")
    assert sorted(r[1] for r in articles) == sorted(canonical_url(u) for u in urls)  # one row per page
    for aid, url, link, *_ in articles:
        assert aid == article_id(url) and link == url
    by_url = {r[1]: r for r in articles}
    assert by_url[DUP_NEW][3:] == (at(1), at(3))  # the most recently fetched row kept, the earliest first_seen_at
    assert by_url[EARLY][3:] == (at(3), at(4))  # the non-normal row was fetched last: it kept, under the new id
    # every table that holds an article id or URL agrees: nothing dangling, nothing twice
    assert_consistent(path)
    for table in ("article_topics", "article_forums", "article_people", "article_signatures", "article_bands"):
        assert sorted(r[0] for r in query(path, f"SELECT article_id FROM {table}")) == sorted(r[0] for r in articles)
    assert sorted(r[0] for r in query(path, "SELECT url FROM feed_items")) == sorted(r[1] for r in articles)
    page_urls = query(path, "SELECT DISTINCT url FROM fetches WHERE kind = 'page' ORDER BY url")
    assert [r[0] for r in page_urls] == sorted(r[1] for r in articles)
    assert query(path, "SELECT url FROM fetches WHERE kind = 'feed'") == [(IRI + "/rss",)]  # feeds keep theirs
    # the story whose representative moved takes the id a regrouping would give it, everywhere
    story = story_id_for(article_id(IRI))
    assert query(path, "SELECT story_id, representative_id FROM stories WHERE story_id = ?", [story]) == [
        (story, article_id(IRI))
    ]
    assert query(path, "SELECT story_id FROM articles WHERE url IN (?, ?)", [canonical_url(IRI), ASCII]) == [
        (story,),
        (story,),
    ]
    assert query(path, "SELECT representative_id FROM story_features WHERE story_id = ?", [story]) == [
        (article_id(IRI),)
    ]
    [(a, b, language_a, language_b)] = query(path, "SELECT story_a, story_b, language_a, language_b FROM story_links")
    assert a < b and {a, b} == {story, story_id_for(old_id(OTHER))}
    assert (language_a if a == story else language_b) == "a"
    assert query(path, "SELECT max(version) FROM schema_version") == [(fwdb.SCHEMA_VERSION,)]
    with fwdb.connect(path) as con:
        fwdb.init_schema(con)  # recorded at version 4: not run again
        assert rekey_paths(con) == Rekeyed(0, 0, 0, 0, 0)  # and would find nothing
    assert query(path, "SELECT count(*) FROM articles") == [(5,)]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from([*"/aZ9-~%?#=& é新\udcff", "%2f", "%e4", "%7E", "//"]), max_size=25).map("".join))
def test_the_migration_gives_stored_urls_the_canonical_url_of_what_they_were_made_from(path):
    raw = "HTTP://H.example:80/" + path
    assert normal_url(canonical_url_keeping_path(raw)) == canonical_url(raw)


TEXTS = {
    "6": " ".join(["Naval patrols near the disputed shoal resumed on Monday after a week of storms."] * 8),
    "7": " ".join(["Parliament approved a new procurement law for the armed forces after two days."] * 8),
}


def test_stories_that_cannot_keep_their_copies_are_regrouped_by_the_next_run(tmp_path):
    """A dropped spelling's story, and a story whose earliest copy (a tie broken by the smaller id) is another
    copy under the new ids, lose their rows and evidence; their copies wait ungrouped (story_id NULL)."""
    path = tmp_path / "v3.duckdb"
    tie, tied = "http://h.example/б/6", "http://h.example/world/6"  # old id of `tie` < id of `tied` < its new id
    dup_old, dup_new, copy = "http://h.example/%d0%b3/7", "http://h.example/%D0%B3/7", "http://h.example/world/7"
    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
        for url, fetched, story in (
            (tie, 1, "t"),
            (tied, 1, "t"),
            (dup_old, 1, "d"),
            (dup_new, 2, None),
            (copy, 1, "d"),
        ):
            con.execute(
                "INSERT INTO articles (article_id, url, fetched_at, published_at, story_id, text) VALUES (?, ?, ?, ?, ?, ?)",
                [old_id(url), url, at(fetched), at(1), story, TEXTS[url[-1]]],
            )
        for story, rep in (("t", tie), ("d", dup_old)):
            con.execute(
                "INSERT INTO stories (story_id, representative_id, n_articles) VALUES (?, ?, 2)", [story, old_id(rep)]
            )
            con.execute("INSERT INTO story_features (story_id, representative_id) VALUES (?, ?)", [story, old_id(rep)])
        con.execute("INSERT INTO story_links (story_a, story_b) VALUES ('d', 't')")
        con.execute("UPDATE schema_version SET version = 3")
    with fwdb.connect(path) as con:
        fwdb.init_schema(con)
    assert query(path, "SELECT url, story_id FROM articles ORDER BY url") == sorted(
        (canonical_url(u), None) for u in (tie, tied, dup_new, copy)
    )
    for table in ("stories", "story_features", "story_links"):
        assert query(path, f"SELECT count(*) FROM {table}") == [(0,)]
    with fwdb.connect(path) as con:  # what the next run's grouping does with them
        assign_stories(con, [])
    assert query(path, "SELECT count(DISTINCT story_id), count(story_id) FROM articles") == [(2, 4)]
    assert_consistent(path)
