"""`forumwatch search`: stories ranked by BM25 over the full-text index, with a highlighted snippet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from forumwatch.db import connect, scalar
from forumwatch.lake import NO_SEARCH, is_lake
from forumwatch.tasks.search_index import index_exists, prepare_search, refresh_search

SNIPPET_CHARS = 240
SNIPPET_SCAN_CHARS = 50_000  # of a copy's text, to find the best paragraph
MARK = "**"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]")
_WORD = re.compile(r"\w+")


class SearchError(ValueError):
    """A search that cannot run: no index yet, or an empty query."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _pieces(paragraph: str) -> list[Span]:
    """Words of a paragraph; each Chinese, Japanese or Korean character on its own."""
    out = []
    for m in _WORD.finditer(paragraph):
        run_start = m.start()
        for i in range(m.start(), m.end()):
            if _CJK.match(paragraph[i]):
                if run_start < i:
                    out.append(Span(run_start, i))
                out.append(Span(i, i + 1))
                run_start = i + 1
        if run_start < m.end():
            out.append(Span(run_start, m.end()))
    return out


def _word_terms(con: duckdb.DuckDBPyConnection, words: set[str]) -> dict[str, set[str]]:
    """Index terms of each word, in one query."""
    ordered = sorted(words)
    terms = scalar(con, "SELECT list_transform(?::VARCHAR[], w -> fw_search_terms(w))", [ordered])
    return {w: set(t) for w, t in zip(ordered, terms)}


def _is_cjk(text: str, span: Span) -> bool:
    return bool(_CJK.match(text[span.start]))


def _matches(paragraph: str, pieces: list[Span], word_terms: dict[str, set[str]], terms: set[str]) -> list[Span]:
    """Spans of the paragraph whose index term is one of the query's terms."""
    lower = paragraph.lower()
    hits = []
    for p in pieces:
        if _is_cjk(paragraph, p):
            around = {lower[p.start - 1 : p.end] if p.start else "", lower[p.start : p.end + 1], lower[p.start]}
            if any(t in terms for t in around if t and all(_CJK.match(c) for c in t)):
                hits.append(p)
        elif word_terms.get(paragraph[p.start : p.end], set()) & terms:
            hits.append(p)
    merged: list[Span] = []
    for h in hits:  # adjacent CJK characters become one highlighted run
        if merged and merged[-1].end == h.start and _is_cjk(paragraph, h):
            merged[-1] = Span(merged[-1].start, h.end)
        else:
            merged.append(h)
    return merged


def snippet(con: duckdb.DuckDBPyConnection, text: str, query: str) -> str:
    """The paragraph of text matching most of the query's terms, cut around its first match, with the
    matching words marked **like this**."""
    terms = set(scalar(con, "SELECT fw_search_terms(?)", [query]))
    paragraphs = [p for p in (text or "")[:SNIPPET_SCAN_CHARS].splitlines() if p.strip()]
    pieces = [_pieces(p) for p in paragraphs]
    words = {p[s.start : s.end] for p, spans in zip(paragraphs, pieces) for s in spans if not _is_cjk(p, s)}
    word_terms = _word_terms(con, words) if words else {}
    best: tuple[int, str, list[Span]] | None = None
    for paragraph, spans_of in zip(paragraphs, pieces):
        spans = _matches(paragraph, spans_of, word_terms, terms)
        score = len({paragraph[s.start : s.end].lower() for s in spans})
        if spans and (best is None or score > best[0]):
            best = (score, paragraph, spans)
    if best is None:
        first = paragraphs[0] if paragraphs else ""
        return first[:SNIPPET_CHARS] + ("…" if len(first) > SNIPPET_CHARS else "")
    _, paragraph, spans = best
    start = max(0, spans[0].start - SNIPPET_CHARS // 3)
    if start:
        space = paragraph.find(" ", start)
        start = space + 1 if 0 <= space < spans[0].start else start
    end = min(len(paragraph), start + SNIPPET_CHARS)
    out, pos = [], start
    for s in spans:
        if s.start < start or s.end > end:
            continue
        out += [paragraph[pos : s.start], MARK, paragraph[s.start : s.end], MARK]
        pos = s.end
    out.append(paragraph[pos:end])
    return ("…" if start else "") + "".join(out).strip() + ("…" if end < len(paragraph) else "")


OR_BETWEEN = re.compile(r"\s+OR\s+")  # capital OR between words: alternatives ("or" in lower case is a word)


def search(
    db: str,
    query: str,
    since: date | None = None,
    until: date | None = None,
    language: str | None = None,
    topic: str | None = None,
    limit: int = 20,
) -> pd.DataFrame:
    """Stories matching every term of the query, best first (search_stories in sql/search/stories.sql),
    each with a highlighted snippet of its best-matching copy. `a b OR c d` (OR in capitals, as web search
    engines read it) finds the stories matching either alternative, each scored by its best one."""
    if not query.strip():
        raise SearchError("empty query")
    if limit < 1:
        raise SearchError(f"--limit must be at least 1, not {limit}")
    if is_lake(db):
        raise SearchError(f"no full-text search on {db}: {NO_SEARCH}")
    alternatives = [a.strip() for a in OR_BETWEEN.split(query) if a.strip()] or [query]
    with connect(db, read_only=True) as con:
        if not index_exists(con):
            raise SearchError(f"{db} has no search index yet: run an ingest, or `forumwatch search --reindex`")
        prepare_search_read_only(con)
        alternatives = [a for a in alternatives if scalar(con, "SELECT fw_search_terms(?)", [a])]
        if not alternatives:
            raise SearchError(f"no searchable word in {query!r}")
        frame = best_of(
            [
                con.execute(
                    "SELECT * FROM search_stories(?, q_since := ?, q_until := ?, q_language := ?, q_topic := ?,"
                    " q_limit := ?)",
                    [alternative, since, until, language, topic, limit],
                ).fetchdf()
                for alternative in alternatives
            ],
            limit,
        )
        query = " ".join(alternatives)  # the snippets mark the words of every alternative
        texts = dict(
            con.execute(
                "SELECT article_id, text FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                [list(frame["best_article_id"])],
            ).fetchall()
        )
        frame["snippet"] = [snippet(con, texts.get(a) or "", query) for a in frame["best_article_id"]]
    return frame


def best_of(frames: list[pd.DataFrame], limit: int) -> pd.DataFrame:
    """The results of several alternatives as one ranking: each story once, with its best alternative's row."""
    if len(frames) == 1:
        return frames[0]
    merged = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
    merged = merged.sort_values(["score", "first_published_at", "story_key"], ascending=[False, True, True])
    merged = merged.drop_duplicates("story_key").head(limit).reset_index(drop=True)
    merged["rank"] = range(1, len(merged) + 1)
    return merged


def prepare_search_read_only(con: duckdb.DuckDBPyConnection) -> None:
    """Load fts; the macros are stored in the database by the last index refresh."""
    from forumwatch.tasks.extensions import load_extension

    load_extension(con, "fts")


def reindex(db: str) -> str:
    """Bring the search index up to date now (every run does it as it ends)."""
    if is_lake(db):
        raise SearchError(f"no full-text search on {db}: {NO_SEARCH}")
    with connect(db) as con:
        result = refresh_search(con)
    return (
        f"search index: {result.added} documents made, {result.removed} dropped, "
        f"{len(result.rebuilt)} week indexes rebuilt in {result.seconds:.2f}s"
    )


def format_results(frame: pd.DataFrame) -> str:
    """Plain text for the terminal: one block per story."""
    lines = []
    for row in frame.itertuples():
        day = row.first_published_at.strftime("%Y-%m-%d") if pd.notna(row.first_published_at) else "undated"
        lines.append(
            f"{row.rank:>2}. {day}  {row.first_outlet}  ({row.outlets} outlet{'s' if row.outlets != 1 else ''}, "
            f"{row.copies} cop{'ies' if row.copies != 1 else 'y'}; score {row.score})"
        )
        lines.append(f"    {row.headline}")
        lines.append(f"    {row.snippet}")
        lines.append(f"    {row.best_url}")
    return "\n".join(lines)


__all__ = ["SearchError", "format_results", "prepare_search", "reindex", "search", "snippet"]
