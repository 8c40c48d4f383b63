"""Story grouping on real text: copies join, hard negatives stay apart, reruns and order change nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from datasketch import LeanMinHash

from forumwatch.db import init_schema
from forumwatch.tasks.dedupe import BANDS, assign_stories, components, decode, encode, signatures
from forumwatch.tasks.normalize import words

PAGE = Path(__file__).parent / "data" / "asianlite-2023-10-31-china-russia-security.txt"
T0 = pd.Timestamp("2023-10-31 06:00")


def body() -> list[str]:
    """The body paragraphs of the real page (no chrome, no '(ANI)', no sidebar)."""
    lines = [ln.strip() for ln in PAGE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("China has said"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("ALSO READ"))
    return [ln.removesuffix(" (ANI)") for ln in lines[start:end]]


FOLLOW_UP = [
    "Russia and China on Tuesday wrapped up the 10th Beijing Xiangshan Forum with a joint call for a new security "
    "architecture in the Asia-Pacific, officials said.",
    "Delegates from more than 90 countries spent three days debating arms control, the war in Ukraine and tensions "
    "in the South China Sea.",
    "Chinese Defence Ministry spokesperson Wu Qian told reporters that the forum had reached broad consensus on the "
    "need for dialogue and that the next edition would be held in autumn next year.",
    "Western delegations were notably smaller this year, with the United States sending only a defence attache "
    "rather than a cabinet-level official.",
    "Analysts said Shoigu's visit, his first to China since the start of the Ukraine war, signalled that Moscow "
    "wanted to show it still has powerful friends in Asia.",
    "Military experts in Beijing said they expect more joint naval patrols between the two countries in the Western "
    "Pacific in the coming months, and possibly joint bomber flights over the Sea of Japan.",
    "The forum ended with a closing ceremony attended by senior officers of the People's Liberation Army and "
    "foreign military attaches posted in Beijing.",
]
SAME_SESSION = [
    "BEIJING (Reuters) - Russian Defence Minister Sergei Shoigu accused the West on Tuesday of trying to expand "
    "NATO's reach into the Asia-Pacific, telling a security forum in Beijing that such moves risked a dangerous "
    "escalation.",
    "Speaking at the plenary session of the Xiangshan Forum, Shoigu said Washington and its allies were building "
    "military blocs that threatened regional stability and the interests of Russia and China.",
    "“In case the necessary conditions are created, we remain ready for political discussions on a realistic basis,” "
    "Shoigu said, adding that any talks must take Russia's security interests into account.",
    "He also defended Moscow's decision to revoke its ratification of the Comprehensive Nuclear-Test-Ban Treaty, "
    "saying it would only restore parity with the United States.",
    "China's Zhang Youxia told the forum that Beijing would never waver in its resolve to defend its territory and "
    "that the Taiwan question was at the core of China's interests.",
    "Several Western diplomats who attended the session said privately they were disappointed that the debate "
    "offered little new on the war in Ukraine.",
    "The forum, which China uses to promote its vision of global security, drew delegations from more than 90 "
    "countries this year.",
    "(Reporting by Beijing newsroom; Editing by Editor)",
]


def _typos_fixed(paragraphs: list[str]) -> list[str]:
    return [p.replace("Defence", "Defense").replace("militaries", "militaries") for p in paragraphs]


def articles() -> pd.DataFrame:
    """Copies of the real story (label 'story') plus hard negatives (their own labels)."""
    b = body()
    title = "China, Russia Ready to Tackle Security Threats Together"
    rows = [
        ("asianlite", title, 0, PAGE.read_text(encoding="utf-8"), "story"),  # the real page, sidebar and all
        ("ani", title, -2, "Beijing [China], October 31 (ANI): " + "\n\n".join(b) + " (ANI)", "story"),
        (
            "theprint",
            "China, Russia ready to jointly tackle security threats",
            3,
            "\n\n".join(b[:5] + ["ALSO READ: India Urges WTO Talks for Dispute Settlement Body Reform"] + b[5:]),
            "story",
        ),
        (
            "devdiscourse",
            "Shoigu in Beijing: Moscow ready for post-conflict talks",
            7,
            "ANI | " + "\n\n".join(b[:-5]),
            "story",
        ),  # last five paragraphs dropped
        (
            "business-standard",
            title,
            11,
            "\n\n".join(_typos_fixed(b)) + "\n\n(Except for the headline, this story has not been edited by Business "
            "Standard staff and is auto-generated from a syndicated feed.)",
            "story",
        ),
        (
            "latestly",
            "CHINA, RUSSIA READY TO TACKLE SECURITY THREATS TOGETHER",
            26,
            "\n\n".join(b[:8]) + "\n\nRead more: Gaza truce deal hits new snag\n\nPrevious Story\n\nNext Story",
            "story",
        ),
        (
            "globaltimes",
            "Xiangshan Forum closes with call for new security order",
            30,
            "\n\n".join(FOLLOW_UP[:4] + [b[6]] + FOLLOW_UP[4:]),
            "follow_up",
        ),
        (
            "reuters",
            "Russia's Shoigu warns West against NATO expansion into Asia",
            2,
            "\n\n".join(SAME_SESSION),
            "same_session",
        ),
    ]
    return pd.DataFrame(
        [
            {
                "article_id": f"a{i}",
                "url": f"https://{src}.example/{i}",
                "source_id": src,
                "title": t,
                "published_at": T0 + pd.Timedelta(hours=h),
                "text": text,
                "label": label,
            }
            for i, (src, t, h, text, label) in enumerate(rows)
        ]
    )


COLUMNS = ["article_id", "url", "source_id", "title", "published_at", "text"]


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "fw.duckdb"))
    init_schema(connection)
    yield connection
    connection.close()


def insert(con, frame: pd.DataFrame) -> None:
    con.register("new_articles", frame[COLUMNS])
    con.execute(f"INSERT INTO articles ({', '.join(COLUMNS)}) SELECT * FROM new_articles")
    con.unregister("new_articles")


def load(con, frame: pd.DataFrame, batches: list[list[str]] | None = None) -> None:
    """Insert and group in one transaction per batch (the caller's BEGIN/COMMIT)."""
    for ids in batches or [frame["article_id"].tolist()]:
        con.execute("BEGIN")
        insert(con, frame[frame["article_id"].isin(ids)])
        assign_stories(con, ids)
        con.execute("COMMIT")


def state(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    a = con.execute("SELECT article_id, story_id, story_similarity, headline_changed FROM articles ORDER BY 1").df()
    s = con.execute("SELECT * EXCLUDE (updated_at) FROM stories ORDER BY story_id").df()
    return a, s


def test_copies_group_and_hard_negatives_stay_apart(con):
    frame = articles()
    load(con, frame)
    got = con.execute("SELECT article_id, story_id, headline_changed FROM articles").df().merge(frame, on="article_id")
    assert got.groupby("label")["story_id"].nunique().eq(1).all()
    assert got["story_id"].nunique() == got["label"].nunique() == 3
    story = con.execute("SELECT * FROM stories WHERE n_articles = 6").df().iloc[0]
    assert story["representative_id"] == "a1"  # the ANI original, published first
    assert story["first_outlet"] == "ani" and story["n_outlets"] == 6
    assert story["first_published_at"] == pd.Timestamp("2023-10-31 04:00")
    changed = got.set_index("article_id")["headline_changed"]
    assert changed["a2"] and changed["a3"]
    assert not changed["a0"] and not changed["a1"] and not changed["a4"] and not changed["a5"]  # a5: case only


def test_rerun_is_a_no_op(con):
    frame = articles()
    load(con, frame)
    before = con.execute("SELECT * FROM stories ORDER BY story_id").df()
    sigs = con.execute("SELECT * FROM article_signatures ORDER BY article_id").df()
    con.execute("BEGIN")
    counts = assign_stories(con, frame["article_id"].tolist())
    con.execute("COMMIT")
    assert counts["articles_changed"] == counts["stories_touched"] == counts["signatures_changed"] == 0
    pd.testing.assert_frame_equal(before, con.execute("SELECT * FROM stories ORDER BY story_id").df())
    pd.testing.assert_frame_equal(sigs, con.execute("SELECT * FROM article_signatures ORDER BY article_id").df())


def test_order_independent(tmp_path):
    frame = articles()
    ids = frame.sort_values("published_at")["article_id"].tolist()
    days = frame.assign(day=frame["published_at"].dt.date).groupby("day")["article_id"].apply(list).tolist()
    runs = {"at once": None, "day by day": days, "reverse": [[i] for i in reversed(ids)]}
    states = []
    for name, batches in runs.items():
        con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        init_schema(con)
        load(con, frame, batches)
        states.append(state(con))
        con.close()
    for a, s in states[1:]:
        pd.testing.assert_frame_equal(states[0][0], a)
        pd.testing.assert_frame_equal(states[0][1], s)


def at_once(tmp_path, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The state a new file reaches by loading the frame in one batch."""
    connection = duckdb.connect(str(tmp_path / "at_once.duckdb"))
    init_schema(connection)
    load(connection, frame)
    result = state(connection)
    connection.close()
    return result


def assert_same_state(got: tuple[pd.DataFrame, pd.DataFrame], expected: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    pd.testing.assert_frame_equal(got[0], expected[0])
    pd.testing.assert_frame_equal(got[1], expected[1])


def bridged() -> pd.DataFrame:
    """Two halves of the story and, five hours later, the whole story that links them."""
    b = body()
    return pd.DataFrame(
        {
            "article_id": ["x1", "x2", "x3"],
            "url": ["u1", "u2", "u3"],
            "source_id": ["first-half", "second-half", "full"],
            "title": ["Part one", "Part two", "Whole story"],
            "published_at": [T0, T0 + pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=5)],
            "text": ["\n\n".join(b[:9]), "\n\n".join(b[7:]), "\n\n".join(b)],
        }
    )


def test_late_copy_bridges_two_groups(con):
    frame = bridged()
    load(con, frame, [["x1"], ["x2"]])
    assert con.execute("SELECT count(*) FROM stories").fetchone()[0] == 2
    load(con, frame, [["x3"]])
    stories = con.execute("SELECT story_id, n_articles, representative_id FROM stories").fetchall()
    assert len(stories) == 1 and stories[0][1:] == (3, "x1")
    assert con.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0] == 1


def test_no_text_is_a_singleton(con):
    frame = pd.DataFrame(
        {
            "article_id": ["e1", "e2"],
            "url": ["u1", "u2"],
            "source_id": ["s", "t"],
            "title": ["Video", "Video"],
            "published_at": [pd.Timestamp("2023-10-31")] * 2,
            "text": [None, "Watch the video."],
        }
    )
    load(con, frame)
    assert con.execute("SELECT count(DISTINCT story_id), count(story_id) FROM articles").fetchone() == (2, 2)


def test_signatures_are_datasketch_lean_minhashes():
    texts = ["\n\n".join(body()), "\n\n".join(body()[:-4])]
    sig = signatures(texts)
    blobs = encode(sig.hashvalues)
    lean = [LeanMinHash.deserialize(blob, byteorder="<") for blob in blobs]
    assert np.array_equal(lean[0].hashvalues, sig.hashvalues[0])
    assert np.array_equal(decode(blobs), sig.hashvalues)
    assert 0.5 < lean[0].jaccard(lean[1]) < 0.95


def test_changed_text_leaves_the_story_it_bridged(con, tmp_path):
    frame = bridged()
    load(con, frame, [["x1"], ["x2"], ["x3"]])
    assert con.execute("SELECT count(*) FROM stories").fetchone()[0] == 1
    other = "\n\n".join(FOLLOW_UP)
    con.execute("BEGIN")
    con.execute("UPDATE articles SET text = $text WHERE article_id = 'x3'", {"text": other})
    counts = assign_stories(con, ["x3"])
    con.execute("COMMIT")
    assert counts["signatures_changed"] == 1
    assert con.execute("SELECT count(*) FROM stories").fetchone()[0] == 3
    assert_same_state(
        state(con), at_once(tmp_path, frame.assign(text=frame["text"].where(frame["article_id"] != "x3", other)))
    )
    # the old band keys of x3 are gone, the new ones stored: one set per article
    assert con.execute("SELECT count(*), count(DISTINCT article_id) FROM article_bands").fetchone() == (3 * BANDS, 3)


def test_grouping_left_undone_is_finished_by_the_next_call(con, tmp_path):
    """Batches committed without their grouping (a bulk loader that died before it) are grouped by the next call."""
    frame = articles()
    ids = frame["article_id"].tolist()
    for batch in (ids[:3], ids[3:6]):
        con.execute("BEGIN")
        insert(con, frame[frame["article_id"].isin(batch)])
        con.execute("COMMIT")
    assert con.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 6
    load(con, frame, [ids[6:]])
    assert con.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 0
    assert_same_state(state(con), at_once(tmp_path, frame))


def test_a_batch_regroups_only_what_it_can_touch(con):
    """A batch pools its articles, the articles sharing a band key with them in the window, and their stories."""
    frame = articles()
    load(con, frame)
    later = frame.assign(
        article_id="later-" + frame["article_id"],
        url=frame["url"] + "/later",
        published_at=frame["published_at"] + pd.Timedelta(days=30),
    )
    load(con, later)  # the same texts, but outside the 7-day window of the first ones
    assert con.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0] == 6
    copy = frame[frame["article_id"] == "a1"].assign(article_id="copy", url="u-copy")
    con.execute("BEGIN")
    insert(con, copy)
    counts = assign_stories(con, ["copy"])
    con.execute("COMMIT")
    story = con.execute("SELECT story_id FROM articles WHERE article_id = 'a1'").fetchone()[0]
    assert con.execute("SELECT n_articles FROM stories WHERE story_id = $s", {"s": story}).fetchone()[0] == 7
    # the copy, the story it joined, and at most the two near misses that share a band key with it
    assert 7 <= counts["pool"] <= 9 and counts["articles_changed"] == 1 and counts["stories_touched"] == 1


def test_file_grouped_before_band_keys_gets_them(con, tmp_path):
    """A file whose signatures were stored without band keys gets the keys of all of them on the next call."""
    frame = articles()
    ids = frame.sort_values("published_at")["article_id"].tolist()
    load(con, frame, [ids[:-1]])
    con.execute("DELETE FROM article_bands")
    load(con, frame, [ids[-1:]])
    usable = "SELECT count(*) FROM article_signatures WHERE n_shingles > 0 AND published_at IS NOT NULL"
    assert con.execute(f"SELECT (SELECT count(*) FROM article_bands) = {BANDS} * ({usable})").fetchone()[0]
    assert_same_state(state(con), at_once(tmp_path, frame))


def test_fingerprints_from_worker_processes_are_the_same(tmp_path):
    """A batch of PARALLEL_MIN articles or more is fingerprinted in processes, with the same result."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package
    from bench.synth import synth_articles
    from forumwatch.tasks.dedupe import PARALLEL_MIN, shutdown_pool

    frame = pd.DataFrame(synth_articles(PARALLEL_MIN + 100, days=10))
    states = []
    for workers in (1, 2):
        connection = duckdb.connect(str(tmp_path / f"workers{workers}.duckdb"))
        init_schema(connection)
        insert(connection, frame)
        assign_stories(connection, frame["article_id"].tolist(), workers=workers)
        states.append(state(connection) + (connection.execute("SELECT * FROM article_signatures ORDER BY 1").df(),))
        connection.close()
    shutdown_pool()
    for one, two in zip(*states):
        pd.testing.assert_frame_equal(one, two)


def test_signatures_made_in_the_workers_group_as_those_made_at_load(tmp_path):
    """pack_signature() beside the extraction stores the very signatures and stories assign_stories would
    make from the texts itself."""
    from forumwatch.tasks.dedupe import pack_signature

    frame = articles()
    ids = frame["article_id"].tolist()
    results = []
    for name, computed in (("texts", None), ("workers", {a: pack_signature(t) for a, t in zip(ids, frame["text"])})):
        connection = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        init_schema(connection)
        connection.execute("BEGIN")
        insert(connection, frame)
        assign_stories(connection, ids, computed=computed)
        connection.execute("COMMIT")
        sigs = connection.execute("SELECT * FROM article_signatures ORDER BY article_id").df()
        results.append((state(connection), sigs))
        connection.close()
    (expected, expected_sigs), (got, got_sigs) = results
    pd.testing.assert_frame_equal(expected[0], got[0])
    pd.testing.assert_frame_equal(expected[1], got[1])
    pd.testing.assert_frame_equal(expected_sigs, got_sigs)
    assert expected[0]["story_id"].nunique() == 3


def zh_ru_corpus(language: str) -> pd.DataFrame:
    """The labelled Chinese or Russian benchmark corpus (bench/dedupe/corpus_zh_ru.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "dedupe"))
    import corpus_zh_ru

    return corpus_zh_ru.build(language)


@pytest.mark.parametrize("language", ["zh", "ru"])
def test_chinese_and_russian_copies_group_and_separate_reports_stay_apart(tmp_path, language):
    """Syndicated copies (new headlines, portal lines, trims, edits, sidebars) of each hand-written story
    are one story; separate reports of the same event (the same talks, the forum's opening and closing,
    a follow-up quoting a paragraph) are not; the same in any arrival order."""
    frame = zh_ru_corpus(language)
    days = frame.assign(day=frame["published_at"].dt.date).groupby("day")["article_id"].apply(list).tolist()
    states = []
    for name, batches in {"at once": None, "days backwards": days[::-1]}.items():
        connection = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        init_schema(connection)
        load(connection, frame, batches)
        states.append(state(connection))
        connection.close()
    got = states[0][0].merge(frame, on="article_id")
    assert got.groupby("label")["story_id"].nunique().eq(1).all()  # recall
    assert got.groupby("story_id")["label"].nunique().eq(1).all()  # precision
    assert got["story_id"].nunique() == frame["label"].nunique() == 7
    assert_same_state(states[1], states[0])


def test_cjk_text_is_shingled_by_character_and_cyrillic_folded():
    assert words("新华社北京电，中俄ANI报道") == ["新", "华", "社", "北", "京", "电", "中", "俄", "ani", "报", "道"]
    assert words("ЁЛКИ Йошкар-Ола ёж") == words("елки йошкар ола еж")
    assert words("ショイグ") == ["シ", "ョ", "イ", "ク"]  # one token per kana; the voiced mark folds like an accent
    one = signatures(["中国愿同俄方一道积极应对各种安全威胁和挑战共同维护全球战略平衡与稳定" * 2])
    assert one.n_shingles[0] > 20  # a CJK paragraph is many character shingles, not one "word"


def test_components_are_scipys():
    """components() labels nodes as scipy's connected_components does (0..k-1 by smallest node), on edge
    lists with repeats, self-loops and isolated nodes, and on a path given from its far end."""
    sparse = pytest.importorskip("scipy.sparse")
    csgraph = pytest.importorskip("scipy.sparse.csgraph")
    rng = np.random.default_rng(7)
    graphs = [(0, np.zeros(0, int), np.zeros(0, int)), (5, np.zeros(0, int), np.zeros(0, int))]
    graphs.append((1000, np.arange(999)[::-1], np.arange(1, 1000)[::-1]))
    for _ in range(300):
        n = int(rng.integers(1, 200))
        m = int(rng.integers(0, 2 * n))
        graphs.append((n, rng.integers(0, n, m), rng.integers(0, n, m)))
    for n, i, j in graphs:
        graph = sparse.coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
        assert components(n, i, j).tolist() == csgraph.connected_components(graph, directed=False)[1].tolist()
