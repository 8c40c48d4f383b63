"""Precision and recall of cross-language story links on the labelled set (bench/links/corpus.py).

    .venv/bin/python -m bench.links.run [--threshold T] [--errors]

The reports go through the same calls as a load batch (upsert_articles, write_tags with the package's
seed rules, assign_stories, link_stories) into a fresh DuckDB file, once in one batch and once a day at a
time in reverse order (the links must be the same). A predicted link is a row of `story_links`; a true link
is a pair of reports of one event in two languages. Every pair of reports in different languages counts.
Also printed: P/R/F1 over a range of thresholds (from the stored evidence, with the same scoring), recall per
language pair, and the hard negatives that were linked.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

from bench.links.corpus import HARD_NEGATIVES, REPORTS, Report
from forumwatch import db as fwdb
from forumwatch.tasks import load
from forumwatch.tasks.dedupe import assign_stories
from forumwatch.tasks.links import THRESHOLD, WINDOW_HOURS, link_for, link_stories, score_pair, stored_evidence
from forumwatch.tasks.places import build, find_places, read_places
from forumwatch.tasks.seeds import load_seed_tables
from forumwatch.tasks.tag import load_rules, tag_article, write_tags


def article_row(report: Report) -> dict:
    return {
        "article_id": report.id,
        "url": f"https://bench.example/{report.language}/{report.id}",
        "source_id": f"bench-{report.language}",
        "title": report.title,
        "published_at": datetime.fromisoformat(report.published),
        "text": report.text,
        "language": report.language,
        "cited_media": [],
    }


ALIASES = Path(__file__).with_name("aliases.csv")


def alias_tags(con: duckdb.DuckDBPyConnection, reports: list[Report]) -> None:
    """Add the person and forum tags that Chinese and Russian aliases give (bench/links/aliases.csv, matched
    like places: anywhere in Chinese, by word and stem in Russian) where the seed tagger gave none."""
    gazetteer = build(read_places(ALIASES))
    for r in reports:
        for found in sorted(find_places(f"{r.title}\n{r.text}", gazetteer)):
            kind = gazetteer.places[found].kind
            table, column = ("article_forums", "forum") if kind == "forum" else ("article_people", "person")
            con.execute(
                f"INSERT INTO {table} (article_id, {column}, evidence) SELECT $id, $key, 'bench alias' "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE article_id = $id AND {column} = $key)",
                {"id": r.id, "key": found},
            )


def load_reports(
    con: duckdb.DuckDBPyConnection, reports: list[Report], threshold: float, aliases: bool = False
) -> float:
    """Load one batch as flows.steps.load_pages does; seconds spent in link_stories."""
    rules = load_rules()
    con.begin()
    load.upsert_articles(con, [article_row(r) for r in reports])
    write_tags(con, [tag_article(r.id, r.text, rules) for r in reports])
    if aliases:
        alias_tags(con, reports)
    assign_stories(con, [r.id for r in reports])
    started = time.perf_counter()
    link_stories(con, [r.id for r in reports], WINDOW_HOURS, threshold)
    elapsed = time.perf_counter() - started
    con.commit()
    return elapsed


def fresh(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    fwdb.init_schema(con)
    load_seed_tables(con)
    return con


def predicted_pairs(con: duckdb.DuckDBPyConnection) -> set[frozenset[str]]:
    """story_links as pairs of report ids (each story here holds one report)."""
    rows = con.execute(
        "SELECT a.article_id, b.article_id FROM story_links l "
        "JOIN articles a ON a.story_id = l.story_a JOIN articles b ON b.story_id = l.story_b"
    ).fetchall()
    return {frozenset(r) for r in rows}


def truth() -> tuple[set[frozenset[str]], list[frozenset[str]]]:
    """(true links, every cross-language pair)."""
    pairs = [frozenset((a.id, b.id)) for a, b in itertools.combinations(REPORTS, 2) if a.language != b.language]
    event = {r.id: r.event for r in REPORTS}
    return {p for p in pairs if len({event[i] for i in p}) == 1}, pairs


def prf(predicted: set[frozenset[str]], true: set[frozenset[str]]) -> tuple[float, float, float]:
    tp = len(predicted & true)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(true) if true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report_evidence(con: duckdb.DuckDBPyConnection) -> dict:
    """report id -> its story's evidence as story_features holds it."""
    rows = con.execute("SELECT a.article_id, a.story_id FROM articles a JOIN story_features f USING (story_id)")
    reports = rows.fetchall()
    evidence = stored_evidence(con, (story_id for _, story_id in reports))
    return {report: evidence[story_id] for report, story_id in reports}


def sweep(con: duckdb.DuckDBPyConnection, true: set[frozenset[str]]) -> list[tuple[float, float, float, float]]:
    """P/R/F1 per threshold, scoring every pair of stored evidence with the stage's own link_for."""
    evidence = report_evidence(con)
    out = []
    for threshold in [x / 2 for x in range(4, 17)]:
        predicted = {
            frozenset((a, b))
            for a, b in itertools.combinations(sorted(evidence), 2)
            if link_for(evidence[a], evidence[b], WINDOW_HOURS, threshold)
        }
        out.append((threshold, *prf(predicted, true)))
    return out


def evaluate(threshold: float, aliases: bool, errors: bool) -> None:
    """Load the set (one batch, then a day at a time in reverse), print P/R and what went wrong."""
    true, pairs = truth()
    with tempfile.TemporaryDirectory() as tmp:
        con = fresh(Path(tmp) / "one.duckdb")
        seconds = load_reports(con, REPORTS, threshold, aliases)
        predicted = predicted_pairs(con)
        table = sweep(con, true)
        evidence = dict(
            con.execute(
                "SELECT a.article_id || ' ' || b.article_id, l.score || ' ' || l.evidence FROM story_links l "
                "JOIN articles a ON a.story_id = l.story_a JOIN articles b ON b.story_id = l.story_b"
            ).fetchall()
        )
        stored = report_evidence(con)
        daily = fresh(Path(tmp) / "daily.duckdb")
        for day in sorted({r.published[:10] for r in REPORTS}, reverse=True):
            load_reports(daily, [r for r in REPORTS if r.published.startswith(day)], threshold, aliases)
        same = predicted_pairs(daily) == predicted
    p, r, f1 = prf(predicted, true)
    event = {r.id: r.event for r in REPORTS}
    language = {r.id: r.language for r in REPORTS}
    hard = [(p, HARD_NEGATIVES.get(frozenset(event[i] for i in p))) for p in predicted - true]
    print(f"threshold {threshold}, window {WINDOW_HOURS} h: {len(predicted)} links")
    print(f"precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  (link_stories: {seconds * 1000:.0f} ms for the batch)")
    print(f"one batch vs one day at a time in reverse order: {'same links' if same else 'DIFFERENT LINKS'}")
    print("hard-negative pairs linked:", sum(1 for _, kind in hard if kind), "of", _hard_pairs(pairs, event))
    print(
        "recall per language pair: "
        + ", ".join(
            f"{'-'.join(pair)} {len(of & predicted)}/{len(of)}"
            for pair in sorted({tuple(sorted(language[i] for i in p)) for p in true})
            for of in [{p for p in true if tuple(sorted(language[i] for i in p)) == pair}]
        )
    )
    print("threshold  precision  recall  F1   (same evidence, other thresholds)")
    for t, tp, tr, tf in table:
        print(f"  {t:5.1f}    {tp:6.3f}   {tr:6.3f}  {tf:5.3f}{' <-' if t == threshold else ''}")
    if not errors:
        return
    print("false links:")
    for p, kind in sorted(hard, key=lambda x: sorted(x[0])):
        a, b = sorted(p)
        print(f"  {a} ~ {b} [{kind or 'other'}]: {evidence.get(f'{a} {b}') or evidence.get(f'{b} {a}')}")
    print("missed links (score, evidence):")
    for p in sorted(true - predicted, key=sorted):
        a, b = sorted(p)
        print(f"  {a} ~ {b}: {score_pair(stored[a], stored[b])}")
    print("negatives within the window scoring highest:")
    near = []
    for a, b in (sorted(p) for p in pairs if p not in true):
        score, ev = score_pair(stored[a], stored[b])
        if ev["hours_apart"] is not None and ev["hours_apart"] <= WINDOW_HOURS:
            near.append((score, a, b, ev))
    for score, a, b, ev in sorted(near, key=lambda n: -n[0])[:8]:
        print(f"  {a} ~ {b} [{HARD_NEGATIVES.get(frozenset((event[a], event[b])), 'other')}]: {score} {ev}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="list false links, missed links, near misses")
    args = parser.parse_args()
    true, pairs = truth()
    n_lang = len({r.language for r in REPORTS})
    print(
        f"labelled set: {len(REPORTS)} reports of {len({r.event for r in REPORTS})} events in {n_lang} languages; ",
        end="",
    )
    print(f"{len(pairs)} cross-language pairs, {len(true)} true links")
    print("\n== tags from the seed tagger only ==")
    evaluate(args.threshold, aliases=False, errors=args.errors)
    print("\n== plus Chinese and Russian person and forum aliases (bench/links/aliases.csv) ==")
    evaluate(args.threshold, aliases=True, errors=args.errors)


def _hard_pairs(pairs: list[frozenset[str]], event: dict[str, str]) -> int:
    return sum(1 for p in pairs if frozenset(event[i] for i in p) in HARD_NEGATIVES)


if __name__ == "__main__":
    main()
