"""Link stories in different languages that report one event: the `story_links` stage.

Each story gets language-independent evidence (`story_features`): the forum editions, people and
organisations its copies are tagged with (article_forums, article_people: the tagger maps aliases in
any script to one id), the places (seeds/places.csv) and the numbers and calendar dates
(tasks/numbers.py) its earliest copy names, its language and its first publication time. Two stories
in different languages first published within `window_hours` of each other are scored by the
evidence they share (weights in `Weights`), minus what contradicts (both name people, or several
numbers, or calendar dates, or forum editions, and none in common); they are linked when the score reaches `threshold`
and at least two kinds of evidence agree.

Incremental and order-independent: a story's evidence depends only on its set of copies, a link only
on the two stories' evidence, so `link_stories` recomputes the evidence of the stories a load batch
touched (and of any story whose copies changed since), re-scores them against the stored evidence
of the stories in other languages within the window, and replaces their links. The same pages give
the same links whether they arrive in one run or day by day; the same batch twice changes nothing
(`linked_at` is kept for a link that did not change).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from forumwatch.db import IN_LIST_MAX, arrow_columns, arrow_rows, in_list, registered
from forumwatch.resources import sql_text
from forumwatch.tasks.numbers import mentions
from forumwatch.tasks.places import Gazetteer, find_places, load_gazetteer

WINDOW_HOURS = 48  # first publications further apart than this are different events
THRESHOLD = 4.0  # chosen on bench/links (python -m bench.links.run prints P/R per threshold)
MIN_KINDS = 2  # kinds of shared evidence a link needs: people alone, or a place alone, is not an event
TEXT_CHARS = 6000  # of the earliest copy's text read for places and numbers (the lead holds the event)
CHUNK = 2000  # stories whose evidence is computed together


@dataclass(frozen=True)
class Weights:
    edition: float = 2.0  # same forum edition (forum named, published around its dates)
    forum: float = 1.0  # same forum, no edition matched by date
    person: float = 1.0  # each shared person, up to `people_cap`
    people_cap: float = 3.0
    organisation: float = 0.25  # each shared organisation (NATO, SCO...), up to `organisation_cap`
    organisation_cap: float = 0.5
    place: float = 1.0  # each shared city, sea or region, up to `place_cap`
    place_cap: float = 2.0
    country: float = 0.25  # each shared country, up to `country_cap`
    country_cap: float = 0.5
    number: float = 1.0  # each shared number (not the publication year, not 0-9), up to `number_cap`
    number_cap: float = 3.0
    date: float = 0.5  # each shared calendar date named in the text, up to `date_cap`
    date_cap: float = 1.0
    within_6h: float = 1.0  # first published within 6 hours of each other
    within_24h: float = 0.5
    no_common_person: float = -1.0  # both name people, none in common
    no_common_number: float = -1.0  # both name 2+ numbers, none in common
    no_common_date: float = -1.5  # both name calendar dates (datelines: the day of the event), none in common
    other_edition: float = -2.0  # both around a forum edition, not the same one


@dataclass(frozen=True)
class StoryEvidence:
    """What a story names, in no particular language."""

    story_id: str
    language: str | None
    first_published_at: datetime | None
    editions: frozenset[str] = frozenset()
    forums: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # cities, seas, regions
    countries: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()  # MM-DD


@dataclass
class Link:
    story_a: str  # the smaller story_id of the pair
    story_b: str
    language_a: str
    language_b: str
    score: float
    evidence: dict = field(default_factory=dict)


# -- language ------------------------------------------------------------------------------------

_SCRIPTS = (
    ("ja", ("\u3040", "\u30ff")),  # kana first: Japanese text holds Han characters too
    ("ko", ("\uac00", "\ud7af")),
    ("zh", ("\u4e00", "\u9fff")),
    ("ar", ("\u0600", "\u06ff")),
)


def normalize_language(value: str | None) -> str | None:
    """'zh-CN', 'zh_Hans', 'RU' -> 'zh', 'ru'; anything that is not a language code -> None."""
    if not value or not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isascii() and code.isalpha() else None


def script_language(text: str | None) -> str | None:
    """A language guessed from the script alone, for a story nothing else gives a language: only where the
    script says it (Han, kana, Hangul, Arabic; Cyrillic with Ukrainian letters is uk, without ru)."""
    sample = (text or "")[:2000]
    if not sample:
        return None
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return None
    for code, (lo, hi) in _SCRIPTS:
        if sum(lo <= c <= hi for c in letters) > 0.3 * len(letters):
            return code
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if cyrillic > 0.5 * len(letters):
        return "uk" if any(c in "іїєґІЇЄҐ" for c in sample) else "ru"
    return None


def story_language(article_languages: Iterable[str | None], source_languages: Iterable[str | None], text: str | None):
    """(language, where it came from): the copies' most common language, else their sources', else the script."""
    for values, origin in ((article_languages, "articles"), (source_languages, "sources")):
        counts = Counter(code for code in map(normalize_language, values) if code)
        if counts:
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0], origin
    guess = script_language(text)
    return (guess, "script") if guess else (None, None)


# -- evidence and score --------------------------------------------------------------------------


TextEvidence = dict[str, frozenset[str]]


def evidence_body(title: str | None, text: str | None) -> str:
    """What a story's text evidence is read from: the title and the first TEXT_CHARS of the text."""
    return f"{title or ''}\n{(text or '')[:TEXT_CHARS]}"


def evidence_key(body: str) -> str:
    return hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()


# Text evidence with the bundled gazetteer by evidence_key, newest last: a story touched again in a later batch
# finds its earliest copy's here instead of reading its text again. Keyed by content, so never stale.
KNOWN_EVIDENCE: dict[str, TextEvidence] = {}
KNOWN_MAX = 20_000


def _trim_known() -> None:
    while len(KNOWN_EVIDENCE) > KNOWN_MAX:
        del KNOWN_EVIDENCE[next(iter(KNOWN_EVIDENCE))]  # the oldest first


def keyed_evidence(title: str | None, text: str | None) -> tuple[str, TextEvidence]:
    """(key, text evidence) of an article with the bundled gazetteer: made in the extraction workers, so the
    loader looks the evidence of a story's earliest copy up by its key instead of reading the text again."""
    body = evidence_body(title, text)
    return evidence_key(body), text_evidence(title, text, load_gazetteer())


def text_evidence(title: str | None, text: str | None, gazetteer: Gazetteer) -> TextEvidence:
    """Places, countries, numbers (10 and up, or with a fraction or scale) and dates a story's text names."""
    body = evidence_body(title, text)
    found = find_places(body, gazetteer)
    said = mentions(body)
    kinds = {p: gazetteer.places[p].kind for p in found}
    numbers = {n for n in said.numbers if not (n.isdigit() and int(n) < 10)}
    return {
        "places": frozenset(p for p, kind in kinds.items() if kind != "country"),
        "countries": frozenset(p for p, kind in kinds.items() if kind == "country"),
        "numbers": frozenset(numbers),
        "dates": frozenset(said.dates),
    }


def score_pair(a: StoryEvidence, b: StoryEvidence, weights: Weights = Weights()) -> tuple[float, dict]:
    """The weighted evidence two stories share (minus contradictions), and that evidence as a dict."""
    years = {str(t.year) for t in (a.first_published_at, b.first_published_at) if t is not None}
    a_numbers, b_numbers = (a.numbers - years, b.numbers - years) if years else (a.numbers, b.numbers)
    editions, forums, people = a.editions & b.editions, a.forums & b.forums, a.people & b.people
    organisations, places, countries = a.organisations & b.organisations, a.places & b.places, a.countries & b.countries
    numbers, dates = a_numbers & b_numbers, a.dates & b.dates
    # the terms in the order they were always added: the float sum (rounded below) is the same to the last bit
    score = (
        (weights.edition if editions else 0.0)
        + (weights.forum if forums and not editions else 0.0)
        + min(weights.people_cap, weights.person * len(people))
        + min(weights.organisation_cap, weights.organisation * len(organisations))
        + min(weights.place_cap, weights.place * len(places))
        + min(weights.country_cap, weights.country * len(countries))
        + min(weights.number_cap, weights.number * len(numbers))
        + min(weights.date_cap, weights.date * len(dates))
    )
    against = []
    if a.people and b.people and not people:
        score += weights.no_common_person
        against.append("no person in common")
    if len(a_numbers) >= 2 and len(b_numbers) >= 2 and not numbers:
        score += weights.no_common_number
        against.append("no number in common")
    if a.dates and b.dates and not dates:
        score += weights.no_common_date
        against.append("no date in common")
    if a.editions and b.editions and not editions:
        score += weights.other_edition
        against.append("different forum editions")
    hours = None
    if a.first_published_at is not None and b.first_published_at is not None:
        hours = abs((a.first_published_at - b.first_published_at).total_seconds()) / 3600
        score += weights.within_6h if hours <= 6 else weights.within_24h if hours <= 24 else 0.0
    evidence: dict[str, Any] = {}
    for name, values in (
        ("editions", editions),
        ("forums", forums),
        ("people", people),
        ("organisations", organisations),
        ("places", places),
        ("countries", countries),
    ):
        if values:
            evidence[name] = sorted(values)
    if numbers:
        evidence["numbers"] = sorted(numbers, key=lambda n: (float(n), n))
    if dates:
        evidence["dates"] = sorted(dates)
    evidence["kinds"] = bool(editions or forums) + bool(people) + bool(places) + bool(numbers or dates)
    evidence["hours_apart"] = None if hours is None else round(hours, 1)
    if against:
        evidence["against"] = against
    return round(score, 3), evidence


def link_for(
    a: StoryEvidence,
    b: StoryEvidence,
    window_hours: float = WINDOW_HOURS,
    threshold: float = THRESHOLD,
    weights: Weights = Weights(),
) -> Link | None:
    """The link between two stories, or None: same language, unknown language or date, too far apart in
    time, too little evidence."""
    if not a.language or not b.language or a.language == b.language or a.story_id == b.story_id:
        return None
    if a.first_published_at is None or b.first_published_at is None:
        return None
    if abs((a.first_published_at - b.first_published_at).total_seconds()) > window_hours * 3600:
        return None
    score, evidence = score_pair(a, b, weights)
    if score < threshold or evidence["kinds"] < MIN_KINDS:
        return None
    first, second = (a, b) if a.story_id <= b.story_id else (b, a)
    return Link(first.story_id, second.story_id, first.language or "", second.language or "", score, evidence)


# -- database stage ------------------------------------------------------------------------------

LIST_COLUMNS = ("editions", "forums", "people", "organisations", "places", "countries", "numbers", "dates")


def compute_evidence(
    con: duckdb.DuckDBPyConnection,
    story_ids: list[str],
    gazetteer: Gazetteer,
    known: dict[str, TextEvidence] | None = None,
) -> list[tuple[StoryEvidence, dict]]:
    """(evidence, bookkeeping columns) of these stories, read from their copies and tags; `known`: text
    evidence made with this gazetteer by evidence_key, looked up before reading a text and filled after."""
    out: list[tuple[StoryEvidence, dict]] = []
    for lo in range(0, len(story_ids), CHUNK):
        with registered(con, "fw_link_stories", arrow_columns(story_id=story_ids[lo : lo + CHUNK])):
            stories = con.execute(sql_text("links_story_rows.sql")).fetchall()
            tags = con.execute(sql_text("links_story_tags.sql")).fetchall()
        texts = representative_texts(con, [row[3] for row in stories if row[3] is not None])
        tagged: dict[str, dict[str, set[str]]] = {}
        for story_id, kind, value in tags:
            tagged.setdefault(story_id, {}).setdefault(kind, set()).add(value)
        for story_id, first, last, rep, n, languages, source_languages in stories:
            title, text = texts.get(rep, (None, None))
            language, origin = story_language(languages or [], source_languages or [], text)
            if known is None:
                found = text_evidence(title, text, gazetteer)
            else:
                key = evidence_key(evidence_body(title, text))
                found = known.get(key) or known.setdefault(key, text_evidence(title, text, gazetteer))
            tags_of = tagged.get(story_id, {})
            evidence = StoryEvidence(
                story_id=story_id,
                language=language,
                first_published_at=first,
                editions=frozenset(tags_of.get("edition", ())),
                forums=frozenset(tags_of.get("forum", ())),
                people=frozenset(tags_of.get("person", ())),
                organisations=frozenset(tags_of.get("organisation", ())),
                **found,
            )
            out.append(
                (
                    evidence,
                    {"language_source": origin, "representative_id": rep, "n_articles": n, "last_published_at": last},
                )
            )
    return out


def representative_texts(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, tuple]:
    """(title, first TEXT_CHARS of the text) of these articles, by article_id: their rows' text alone is read."""
    texts: dict[str, tuple] = {}
    for lo in range(0, len(article_ids), IN_LIST_MAX):
        query, ids = in_list(sql_text("links_representatives.sql"), article_ids[lo : lo + IN_LIST_MAX])
        texts.update((row[0], row[1:]) for row in con.execute(query, [TEXT_CHARS, *ids]).fetchall())
    return texts


def _evidence_frame(rows: list[tuple[StoryEvidence, dict]], now: datetime) -> pa.Table:
    records = []
    for ev, extra in rows:
        record = {
            "story_id": ev.story_id,
            "language": ev.language,
            "first_published_at": ev.first_published_at,
            **extra,
            "updated_at": now,
        }
        record.update({c: sorted(getattr(ev, c)) for c in LIST_COLUMNS})
        records.append(record)
    columns = ["story_id", "language", "language_source", "first_published_at", "last_published_at"]
    columns += ["representative_id", "n_articles", *LIST_COLUMNS, "updated_at"]
    return arrow_rows(records, columns)


def stored_evidence(con: duckdb.DuckDBPyConnection, story_ids: Iterable[str]) -> dict[str, StoryEvidence]:
    """The evidence story_features holds for these stories, by story_id (one read per story, not per pair)."""
    ids = sorted(set(story_ids))
    if not ids:
        return {}
    with registered(con, "fw_link_others", arrow_columns(story_id=ids)):
        rows = con.execute(sql_text("links_evidence.sql")).fetchall()
    return {row[0]: StoryEvidence(row[0], row[1], row[2], *(frozenset(v or ()) for v in row[3:])) for row in rows}


def link_stories(
    con: duckdb.DuckDBPyConnection,
    article_ids: list[str],
    window_hours: float = WINDOW_HOURS,
    threshold: float = THRESHOLD,
    gazetteer: Gazetteer | None = None,
    known: Mapping[str, TextEvidence] | None = None,
) -> dict:
    """Recompute the evidence and links of the stories these articles belong to (and of any story whose
    copies changed since its evidence was computed), inside the caller's transaction. `known`: text evidence
    made beside the extraction (keyed_evidence, the bundled gazetteer), used only without a `gazetteer`."""
    if gazetteer is None:  # the bundled gazetteer: what the workers made, and what earlier batches read
        KNOWN_EVIDENCE.update(known or {})
        _trim_known()
    cache = KNOWN_EVIDENCE if gazetteer is None else None
    gazetteer = gazetteer or load_gazetteer()
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute(sql_text("links_forget_gone.sql"))
    with registered(con, "fw_link_articles", arrow_columns(article_id=list(article_ids))):
        dirty = sorted(r[0] for r in con.execute(sql_text("links_dirty.sql")).fetchall())
    if not dirty:
        return {"stories": 0, "pairs": 0, "links": 0}
    rows = compute_evidence(con, dirty, gazetteer, cache)
    _trim_known()
    frame = _evidence_frame(rows, now)
    with registered(con, "fw_link_stories", frame):
        con.execute("DELETE FROM story_features WHERE story_id IN (SELECT story_id FROM fw_link_stories)")
        con.execute("INSERT INTO story_features BY NAME SELECT * FROM fw_link_stories")
        pairs = con.execute(sql_text("links_candidates.sql"), {"hours": int(window_hours) + 1}).fetchall()
    mine = {ev.story_id: ev for ev, _ in rows}  # as story_features now holds it
    others = mine | stored_evidence(con, (other_id for _, other_id in pairs if other_id not in mine))
    links: dict[tuple[str, str], Link] = {}
    for touched_id, other_id in pairs:
        # two stories of this batch come as (a, b) and (b, a): link_for is symmetric, so (a, b) alone is scored
        if other_id in mine and other_id < touched_id:
            continue
        link = link_for(mine[touched_id], others[other_id], window_hours, threshold)
        if link:
            links[(link.story_a, link.story_b)] = link
    write_links(con, dirty, list(links.values()), now)
    return {"stories": len(dirty), "pairs": len(pairs), "links": len(links)}


_EVIDENCE_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # what json.dumps made with these, made once


def write_links(con: duckdb.DuckDBPyConnection, story_ids: list[str], links: list[Link], now: datetime) -> None:
    """Replace the links of these stories with `links`; a link that did not change keeps its row (and linked_at).
    The stored links are compared here, not in SQL: an anti join on the evidence read every stored link's."""
    new = {
        (link.story_a, link.story_b, link.language_a, link.language_b, link.score, _EVIDENCE_JSON.encode(link.evidence))
        for link in links
    }
    with registered(con, "fw_link_stories", arrow_columns(story_id=story_ids)):
        rowids = [r[0] for r in con.execute(sql_text("links_stored.sql")).fetchall()]
    stored = con.execute(sql_text("links_stored_rows.sql"), {"rowids": rowids}).fetchall() if rowids else []
    gone = [row[0] for row in stored if row[1:] not in new]
    if gone:
        con.execute("DELETE FROM story_links WHERE rowid = ANY($rowids)", {"rowids": gone})
    kept = {row[1:3] for row in stored if row[1:] in new}
    fresh = sorted(row for row in new if row[:2] not in kept)
    if fresh:
        columns = ["story_a", "story_b", "language_a", "language_b", "score", "evidence"]
        with registered(con, "fw_links", arrow_columns(**dict(zip(columns, zip(*fresh), strict=True)))):
            con.execute(sql_text("links_insert.sql"), {"now": now})


def relink_all(con: duckdb.DuckDBPyConnection, window_hours: float = WINDOW_HOURS) -> dict:
    """Recompute every story's evidence and links (after a retag or a change to seeds/places.csv)."""
    con.execute("DELETE FROM story_features")  # every story is then due (links_dirty.sql)
    return link_stories(con, [], window_hours)
