"""trends, plot_trends, export_parquet and retag over the fixture database of test_views."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import matplotlib.image
import pandas as pd
import pytest
from test_views import build_fixture_db

from forumwatch.analyst import ExportError, export_parquet, export_tables, plot_trends, retag, trends
from forumwatch.resources import seeds_dir


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return str(build_fixture_db(tmp_path_factory.mktemp("analyst") / "fixture.duckdb"))


def as_tuples(df: pd.DataFrame) -> list[tuple]:
    return [(p.date(), s, c) for p, s, c in zip(df["period"], df["stories"], df["copies"])]


def test_trends_by_day_topic(db):
    assert as_tuples(trends(db, "sino_russian_military")) == [
        (date(2023, 10, 31), 1, 2),
        (date(2023, 11, 1), 1, 1),
    ]


def test_trends_fill_gaps_and_since(db):
    daily = trends(db, "all", by="day")
    assert len(daily) == 22 and daily["copies"].sum() == 6  # Oct 30 .. Nov 20; the undated article is left out
    assert as_tuples(trends(db, "all", by="week")) == [
        (date(2023, 10, 30), 2, 5),
        (date(2023, 11, 6), 0, 0),
        (date(2023, 11, 13), 0, 0),
        (date(2023, 11, 20), 1, 1),
    ]
    assert as_tuples(trends(db, "all", by="month")) == [(date(2023, 10, 1), 2, 4), (date(2023, 11, 1), 2, 2)]
    since = trends(db, "all", by="day", since=date(2023, 11, 1))
    assert as_tuples(since)[0] == (date(2023, 11, 1), 1, 1) and len(since) == 20
    assert trends(db, "taiwan").empty


def test_trends_rejects_unknown_topic_and_period(db):
    with pytest.raises(ValueError, match="unknown topic"):
        trends(db, "no_such_topic")
    with pytest.raises(ValueError, match="by must be"):
        trends(db, "all", by="year")  # type: ignore[arg-type]


def test_plot_is_a_png(db, tmp_path):
    out = plot_trends(trends(db, "all", by="day"), tmp_path / "charts" / "all.png", "All coverage")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(out)
    assert image.shape[0] > 100 and image.shape[1] > 100
    empty = plot_trends(trends(db, "taiwan"), tmp_path / "empty.png", "Taiwan")
    assert empty.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_parquet_partitions_by_month(db, tmp_path):
    files = export_parquet(db, tmp_path / "export")
    names = {f.relative_to(tmp_path / "export").as_posix().split("/")[0] for f in files}
    assert {"articles", "stories.parquet", "sources.parquet", "article_topics.parquet", "topics.parquet"} <= names
    assert [n for n in names if n.startswith("mv_")] == []  # derived tables behind the views stay out
    months = sorted(p.name for p in (tmp_path / "export" / "articles").iterdir())
    assert months == ["month=2023-10", "month=2023-11", "month=unknown"]
    con = duckdb.connect()
    counts = con.execute(
        "SELECT month, count(*) FROM read_parquet(?, hive_partitioning = true) GROUP BY 1 ORDER BY 1",
        [str(tmp_path / "export" / "articles" / "**" / "*.parquet")],
    ).fetchall()
    assert counts == [("2023-10", 4), ("2023-11", 2), ("unknown", 1)]
    assert export_parquet(db, tmp_path / "export", overwrite=True) == files  # rerun replaces its own files
    assert {"article_facts.parquet", "topic_stories.parquet", "syndication_reach.parquet"} <= names  # views too
    facts = con.execute("SELECT count(*) FROM read_parquet(?)", [str(tmp_path / "export" / "article_facts.parquet")])
    assert facts.fetchone()[0] == 7


def test_export_never_deletes_what_it_did_not_write(db, tmp_path):
    target = tmp_path / "mine"
    (target / "articles" / "notes").mkdir(parents=True)
    (target / "articles" / "notes" / "keep.txt").write_text("mine")
    (target / "report.parquet").write_bytes(b"not ours")
    with pytest.raises(ExportError, match="not empty"):
        export_tables(db, target, "csv")
    with pytest.raises(ExportError, match="no forumwatch export wrote"):
        export_tables(db, target, "csv", overwrite=True)
    assert (target / "articles" / "notes" / "keep.txt").read_text() == "mine"
    fresh = tmp_path / "fresh"
    first = export_tables(db, fresh, "csv")
    assert (fresh / "stories.csv").read_text().startswith("story_id,")
    (fresh / "articles" / "mine.txt").write_text("user file in an export folder")
    second = export_tables(db, fresh, "csv", overwrite=True)
    assert second == first and (fresh / "articles" / "mine.txt").read_text() == "user file in an export folder"
    rows = duckdb.connect().execute(
        "SELECT count(*) FROM read_csv(?, hive_partitioning = true)", [str(fresh / "articles" / "**" / "*.csv")]
    )
    assert rows.fetchone()[0] == 7
    # an analyst's own files of the export's format: the next export must not list them, or the one after
    # that deleted them (and a file under an export name it did not write is never replaced)
    (fresh / "my_analysis.csv").write_text("user's own work")
    (fresh / "charts").mkdir()
    (fresh / "charts" / "weekly.csv").write_text("user's chart data")
    for _ in range(2):
        assert export_tables(db, fresh, "csv", overwrite=True) == first
    assert (fresh / "my_analysis.csv").read_text() == "user's own work"
    assert (fresh / "charts" / "weekly.csv").read_text() == "user's chart data"
    marker = fresh / ".forumwatch-export"
    marker.write_text(marker.read_text().replace("runs.csv\n", ""))  # as an export of a version without `runs`
    (fresh / "runs.csv").write_text("user's runs")
    with pytest.raises(ExportError, match="runs.csv, which no forumwatch export wrote"):
        export_tables(db, fresh, "csv", overwrite=True)
    assert (fresh / "runs.csv").read_text() == "user's runs" and (fresh / "my_analysis.csv").exists()


def test_retag_after_seed_edit(tmp_path):
    path = build_fixture_db(tmp_path / "retag.duckdb", tag=False)
    first = retag(str(path))
    assert first["articles"] == 7 and first["article_topics"] == 18 and first["article_people"] > 0
    assert retag(str(path)) == first  # idempotent

    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds, ignore=shutil.ignore_patterns("snapshot", "*.py", "__pycache__"))
    with (seeds / "topics.csv").open("a", encoding="utf-8") as handle:
        handle.write("submarines,Submarines,submarine*,test topic added by an analyst\n")
    edited = retag(str(path), seeds_dir=seeds)
    assert edited["article_topics"] == 19 and edited["rules_version"] != first["rules_version"]
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT article_id, evidence FROM article_topics WHERE topic = 'submarines'").fetchall() == [
        ("a7", "submarine")
    ]
    assert con.execute("SELECT count(*) FROM topics WHERE topic = 'submarines'").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM runs WHERE flow = 'retag' AND status = 'completed'").fetchone() == (3,)
    con.close()


def test_trend_series_several_kinds_zero_filled(db, tmp_path, capsys):
    from forumwatch.analyst import trend_series
    from forumwatch.cli import main

    frame = trend_series(
        db,
        [("topic", "sino_russian_military"), ("outlet", "tribune"), ("agency", "Xinhua"), ("language", "xx")],
        by="day",
        since=date(2023, 10, 29),
        until=date(2023, 11, 2),
    )
    per = {label: list(zip(one["stories"], one["copies"])) for label, one in frame.groupby("label", sort=False)}
    assert list(per) == ["Sino-Russian military cooperation", "The Tribune", "Xinhua", "xx"]
    assert per["The Tribune"] == [(0, 0), (1, 1), (0, 0), (1, 1), (0, 0)]  # Oct 29 .. Nov 2, zeros at both ends
    assert per["Xinhua"] == [(0, 0), (1, 2), (0, 0), (0, 0), (0, 0)]
    assert per["xx"] == [(0, 0)] * 5
    weekly = trend_series(db, [("topic", "all")], by="week", since=date(2023, 11, 1), until=date(2023, 11, 30))
    assert [p.date() for p in weekly["period"]] == [date(2023, 10, 30), date(2023, 11, 6), date(2023, 11, 13),
                                                    date(2023, 11, 20), date(2023, 11, 27)]  # fmt: skip
    with pytest.raises(ValueError, match="unknown forum 'nope'"):
        trend_series(db, [("forum", "nope")])
    with pytest.raises(ValueError, match="after"):
        trend_series(db, [("topic", "all")], since=date(2024, 1, 2), until=date(2024, 1, 1))
    csv_path, png = tmp_path / "t.csv", tmp_path / "t.png"
    code = main(["trends", "--db", db, "--topic", "all", "--forum", "xiangshan", "--csv", str(csv_path),
                 "--plot", str(png), "--since", "2023-10-28", "--until", "2023-11-03"])  # fmt: skip
    assert code == 0 and png.read_bytes()[:4] == b"\x89PNG"
    table = pd.read_csv(csv_path)
    assert list(table.columns) == ["kind", "value", "label", "period", "stories", "copies"]
    assert len(table) == 14 and table["period"].iloc[0] == "2023-10-28"
    assert main(["trends", "--db", db]) == 2 and "at least one series" in capsys.readouterr().err
