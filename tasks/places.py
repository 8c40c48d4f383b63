"""Places named in a text, in any script, as gazetteer ids (seeds/places.csv): Beijing / 北京 / Пекине -> beijing.

Alias syntax (`|`-separated): a Latin or Cyrillic alias matches whole words, case-insensitively, except
short all-capital ones (US, UK, РФ, КНР), which match case and all; a `*` ending a word matches any
word ending (Russian cases: `Пекин*` holds Пекин, Пекина, Пекине, пекинский). A Chinese alias matches
anywhere: Chinese has no spaces between words. All aliases form one pattern, longest first, so 白俄罗斯
(Belarus) is Belarus and not 俄罗斯 (Russia) inside it.
"""

from __future__ import annotations

import csv
import re
import string
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from forumwatch.tasks.normalize import ascii_runs, byte_table

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
LETTER = r"[^\W\d_]"
WORD = re.compile(r"[^\W\d_]+")
FOLDED_ASCII_WORD = byte_table(string.ascii_lowercase)  # for ascii_runs: WORD in a folded ASCII text, found faster


@dataclass(frozen=True)
class Place:
    place: str
    name: str
    kind: str  # city | sea | region | country
    country: str | None


@dataclass(frozen=True)
class Alias:
    place: str
    regex: re.Pattern[str]
    screen: str  # the folded first word (a prefix when `prefix`), or the first character of a Chinese alias
    prefix: bool = False


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]
    words: dict[str, list[Alias]]  # screen -> aliases, for spaced scripts (whole first words)
    prefixes: dict[str, list[Alias]]  # stem -> aliases whose first word ends in `*`
    chars: dict[str, list[Alias]]  # first character -> Chinese aliases
    longest_prefix: int
    prefix_lengths: tuple[int, ...] = ()  # the lengths of the `prefixes` stems, ascending
    prefix_heads: frozenset[str] = frozenset()  # the stems cut to the shortest stem's length
    ascii_heads: frozenset[str] = frozenset()  # those of them in ASCII: the only ones an ASCII word can begin with


def _word(word: str) -> str:
    body = re.escape(word.rstrip("*")).replace("е", "[её]").replace("Е", "[ЕЁ]")
    return body + (f"{LETTER}*" if word.endswith("*") else "")


def alias_regex(alias: str) -> str:
    """One alias as a regex: whole words for spaced scripts, anywhere for Chinese."""
    alias = alias.strip()
    if CJK.search(alias):
        return re.escape(alias)
    words = [w for w in re.split(r"[\s\-‐–]+", alias) if w.strip("*")]
    body = r"[\s\-‐–]+".join(_word(w) for w in words)
    case = "" if alias.isupper() and len(alias.replace(".", "")) <= 4 else "(?i:"  # US, UK, РФ: case matters
    body = f"{case}{body})" if case else body
    return rf"(?<!{LETTER}){body}(?!{LETTER})"


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _alias(alias: str, place: str) -> Alias:
    regex = re.compile(alias_regex(alias))
    if CJK.search(alias):
        return Alias(place, regex, alias[0])
    first = re.split(r"[\s\-‐–]+", alias.strip())[0]
    word = re.match(f"{LETTER}+", first)
    screen = fold(word.group(0)) if word else ""
    return Alias(place, regex, screen, prefix=first.endswith("*") and word is not None and word.end() == len(first) - 1)


def read_places(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def build(rows: list[dict[str, str]]) -> Gazetteer:
    places: dict[str, Place] = {}
    words: dict[str, list[Alias]] = {}
    prefixes: dict[str, list[Alias]] = {}
    chars: dict[str, list[Alias]] = {}
    for row in rows:
        if not row.get("place"):
            continue
        place = Place(row["place"], row.get("name") or row["place"], row.get("kind") or "city", row.get("country"))
        places[place.place] = place
        names = {a.strip() for a in (row.get("aliases") or "").split("|") if a.strip().strip("*")}
        for name in sorted(names | {place.name}):
            alias = _alias(name, place.place)
            table = chars if CJK.match(name) else prefixes if alias.prefix else words
            table.setdefault(alias.screen, []).append(alias)
    lengths = tuple(sorted({len(k) for k in prefixes}))
    heads = frozenset(k[: lengths[0]] for k in prefixes) if lengths else frozenset()
    ascii_heads = frozenset(head for head in heads if head.isascii())
    return Gazetteer(places, words, prefixes, chars, max(lengths, default=0), lengths, heads, ascii_heads)


@lru_cache(maxsize=4)
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    if path is None:
        from forumwatch.resources import seed_path

        path = seed_path("places.csv")
    return build(read_places(Path(path)) if Path(path).is_file() else [])


# Characters whose lower case depends on their neighbours (Σ: σ or ς) or is two characters (İ: i + U+0307): in a
# text without them, fold(text) is the fold of each character in place, so it holds each word's fold at the
# word's own position (and lower() keeps a letter a letter, and a non-letter a non-letter: tests check both).
UNALIGNED = ("\u03a3", "\u0130")


def _candidates(text: str, gazetteer: Gazetteer) -> list[tuple[Alias, list[int] | None]]:
    """The aliases whose first word (or first character) the text holds: the only ones worth a search; each
    with the starts of the words it may begin at (None for a Chinese alias: anywhere). Words are read from
    the folded text in C, and only the few that name an alias are located; the same list, in the same order,
    as _candidates_by_word."""
    if any(c in text for c in UNALIGNED):
        return _candidates_by_word(text, gazetteer)
    folded = fold(text)
    found: list[tuple[Alias, list[int] | None]] = []
    words = ascii_runs(folded, FOLDED_ASCII_WORD) if folded.isascii() else WORD.findall(folded)
    for word in _alias_words(dict.fromkeys(words), gazetteer, folded.isascii()):
        aliases = _word_aliases(word, gazetteer)
        if aliases:  # most words begin no alias: only these few are located
            at = [m.start() for m in _whole_word(word).finditer(folded)]
            found += [(alias, at) for alias in aliases]
    if CJK.search(text):  # every Chinese alias begins with a CJK character
        for char in set(text) & gazetteer.chars.keys():
            found += [(alias, None) for alias in gazetteer.chars[char]]
    return found


def _alias_words(words: dict[str, None], gazetteer: Gazetteer, ascii_words: bool = False) -> list[str]:
    """The words, in order, that may begin an alias: an alias's own first word, or one with a stem's head (set
    operations in C: most of a text's words are neither, and _word_aliases is not called for them). `ascii_words`:
    the words are all ASCII, so only the ASCII heads are looked for (the bundled stems have none: Russian cases)."""
    hits = words.keys() & gazetteer.words.keys()
    heads = gazetteer.ascii_heads if ascii_words else gazetteer.prefix_heads
    if heads:
        head = gazetteer.prefix_lengths[0]
        hits |= {word for word in words if word[:head] in heads}
    return [word for word in words if word in hits] if hits else []


def _word_aliases(word: str, gazetteer: Gazetteer) -> list[Alias]:
    """The aliases a folded word may begin: its own, then those of its stems, shortest first."""
    found = list(gazetteer.words.get(word, ()))
    if not gazetteer.prefix_lengths or word[: gazetteer.prefix_lengths[0]] not in gazetteer.prefix_heads:
        return found  # no stem begins it
    for k in gazetteer.prefix_lengths:
        if k > len(word):
            break
        found += gazetteer.prefixes.get(word[:k], ())
    return found


@lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern[str]:
    """`word` as a whole word (a run of letters); the word comes first, so a search skips to its occurrences."""
    return re.compile(rf"{re.escape(word)}(?<!{LETTER}[\s\S]{{{len(word)}}})(?!{LETTER})")


def _candidates_by_word(text: str, gazetteer: Gazetteer) -> list[tuple[Alias, list[int] | None]]:
    """_candidates, folding each word on its own: for a text with UNALIGNED characters."""
    starts: dict[str, list[int]] = {}
    for hit in WORD.finditer(text):
        starts.setdefault(fold(hit.group(0)), []).append(hit.start())
    found: list[tuple[Alias, list[int] | None]] = []
    for word, at in starts.items():
        found += [(alias, at) for alias in gazetteer.words.get(word, [])]
        for k in range(1, min(len(word), gazetteer.longest_prefix) + 1):
            found += [(alias, at) for alias in gazetteer.prefixes.get(word[:k], [])]
    for char in set(text) & gazetteer.chars.keys():
        found += [(alias, None) for alias in gazetteer.chars[char]]
    return found


def _matches(alias: Alias, text: str, at: list[int] | None) -> list[re.Match[str]]:
    """The alias's matches: tried only where its first word starts (an alias of a spaced script begins with a
    whole word, so it cannot match anywhere else), which spares a scan of the whole text per alias."""
    if at is None:
        return list(alias.regex.finditer(text))
    return [m for m in (alias.regex.match(text, start) for start in at) if m]


def find_places(text: str | None, gazetteer: Gazetteer) -> set[str]:
    """Ids of the places `text` names; where two aliases overlap, the longer match wins (白俄罗斯)."""
    if not text:
        return set()
    spans = [(m.start(), m.end(), a.place) for a, at in _candidates(text, gazetteer) for m in _matches(a, text, at)]
    return longest_first(spans)


def longest_first(spans: list[tuple[int, int, str]]) -> set[str]:
    """The places of the spans taken longest first (then leftmost), each only if it overlaps none taken before."""
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))
    starts: list[int] = []  # the spans taken, disjoint, by start (so by end too)
    ends: list[int] = []
    places = set()
    for start, end, place in spans:
        at = bisect_left(starts, end)  # the taken spans starting before `end`: only the last may reach `start`
        if at and ends[at - 1] > start:
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        places.add(place)
    return places
