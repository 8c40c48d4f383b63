"""Tag articles with topics, forums and people, driven by the seed CSVs (no Prefect).

tag_article is pure; write_tags stores results through the caller's connection and transaction.

Rule syntax (seeds/topics.csv column `rule`): term groups separated by `&` must ALL match within
one paragraph; terms inside a group are separated by `|` (any one is enough). Terms match
case-insensitively on word boundaries; a `*` ending a word matches any word ending ("militar*",
Russian stems such as "Сяншаньск* форум*" for every case ending); spaces and hyphens inside a term
match any run of spaces or hyphens; `'` matches `’` too, `е` matches `ё`. Scripts written without
spaces between words (Chinese, Japanese, Thai...; Korean, whose particles attach to nouns) have no
word boundaries: a term's CJK end matches anywhere, and a CJK character next to a Latin or Cyrillic
term counts as a boundary ("据ANI报道" holds "ANI").
Forum and person aliases (seeds/forums.csv, seeds/people.csv) use the same term syntax, `|`-separated.

Paragraphs are the non-blank lines of the text (trafilatura puts "\n" between paragraphs),
numbered from 0; a tag's `paragraph` is the first paragraph that matched.

Speed: a regex search per term group and paragraph is the slow part, so each group also has a
screen, the folded first word of each of its terms; a paragraph whose words hold no screen word
cannot match the group and is skipped. A CJK term's screen is a substring of the paragraph (a CJK
paragraph is one long "word"). The screen never rejects a paragraph the regex would match.
One ScreenIndex holds every group's screen (word -> groups, as bits, remembered per word seen), and
a paragraph the screen lets through is not scanned: a match can only begin where a screen word (or
CJK substring) stands, so the regex is tried there alone, with the same matches as finditer's.
"""

from __future__ import annotations

import csv
import hashlib
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forumwatch.db import arrow_columns, arrow_rows, registered
from forumwatch.tasks.normalize import byte_table, spaced_runs
from forumwatch.tasks.prefilter import fold
from forumwatch.tasks.regex_starts import matches_at

if TYPE_CHECKING:
    import duckdb

Row = dict[str, Any]
TAG_TABLES = {"article_topics": "topics", "article_forums": "forums", "article_people": "people"}


@dataclass(frozen=True)
class Screen:
    """The words one of which a paragraph must hold (or start a word with, or hold anywhere for CJK)
    for a term group to match."""

    words: frozenset[str]
    prefixes: tuple[str, ...] = ()
    substrings: tuple[str, ...] = ()  # CJK terms' first runs: found anywhere in the folded paragraph


@dataclass(frozen=True)
class Matcher:
    key: str  # topic, forum or person id
    groups: tuple[re.Pattern[str], ...]  # every group must match in one paragraph
    screens: tuple[Screen | None, ...]  # one per group; None: no cheap screen, always search


@dataclass(frozen=True)
class TagRules:
    topics: tuple[Matcher, ...]
    forums: tuple[Matcher, ...]
    people: tuple[Matcher, ...]
    version: str  # sha1 of the seed files, stored with each tag
    index: ScreenIndex = field(repr=False, compare=False)  # the screens of topics, forums and people at once


@dataclass
class TagResult:
    article_id: str
    topics: list[Row] = field(default_factory=list)  # rows for article_topics
    forums: list[Row] = field(default_factory=list)  # rows for article_forums
    people: list[Row] = field(default_factory=list)  # rows for article_people


# Scripts written without spaces between words (and Hangul, whose particles attach to nouns).
CJK = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{CJK}]")
_LETTER = f"(?-i:[^\\W{CJK}])"  # a word character of a spaced script (case-free: the same set, compiled ~3x faster)
_SPACES = r"[\s\-‐–]+"
_YO = str.maketrans({"е": "[её]", "ё": "[её]", "Е": "[её]", "Ё": "[её]"})  # Russian prints ё as е or ё


def _word_regex(word: str) -> str:
    """A word's regex; `word*` ends with any letters."""
    wildcard = word.endswith("*")
    body = re.escape(word.rstrip("*")).replace("'", "['’]")
    body = body.translate(_YO)
    return body + (f"{_LETTER}*" if wildcard else "")


@dataclass(frozen=True)
class _Term:
    body: str  # the term's regex, without the `L*` of a last `word*`
    word_end: bool  # the word-end check `(?!L)` may follow it (all but a term that ends with a CJK character)
    wild_end: bool  # it ends with `word*`: `L*` follows the body


def _term_regex(term: str) -> _Term:
    """One term, without the word-start check (compile_group adds it where the term needs one). The word-end
    check may follow a term that ends with `word*` too: its greedy `L*` stops before no letter anyway."""
    words = [w for w in re.split(r"[\s\-‐–]+", term.strip()) if w.strip("*")]
    last = words[-1]
    wild_end = last.endswith("*")
    words[-1] = last.rstrip("*")
    body = _word_regex(words[0])
    for before, word in zip(words, words[1:]):  # no space needed where CJK meets: "中俄 军事"
        cjk = _CJK_CHAR.match(before.rstrip("*")[-1]) or _CJK_CHAR.match(word[0])
        body += (r"[\s\-‐–]*" if cjk else _SPACES) + _word_regex(word)
    return _Term(body, wild_end or not _CJK_CHAR.match(last[-1]), wild_end)


def _shared(bodies: list[str], suffix: str) -> str:
    """`(?:a|b)suffix`: what `asuffix|bsuffix` finds (the alternatives are tried in the same order, each with
    the suffix after it)."""
    return (bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")") + suffix


def _alternatives(terms: list[_Term]) -> list[str]:
    """The terms as alternatives, in order, with the letter checks shared: each run of terms that take the
    word-end check shares one `(?!L)`, and within it each run of `word*` endings one `L*`. Compiling L's
    character set (its CJK ranges) costs milliseconds per occurrence: this halves a worker's start."""
    out: list[str] = []
    checked: list[str] = []  # the current run of terms that take the word-end check
    wild: list[str] = []  # the current run of `word*` endings within it
    for term in [*terms, _Term("", False, False)]:
        if wild and not term.wild_end:
            checked.append(_shared(wild, f"{_LETTER}*"))
            wild = []
        if term.word_end:
            (wild if term.wild_end else checked).append(term.body)
            continue
        if checked:
            out.append(_shared(checked, f"(?!{_LETTER})"))
            checked = []
        if term.body:
            out.append(term.body)
    return out


def compile_group(terms: str) -> re.Pattern[str]:
    """One `|`-separated group of terms as one case-insensitive regex, longest term first.

    The word-start lookbehind is shared by every term that needs one, so it stands once outside the
    alternation (tested once per position instead of once per term: several times faster, the same
    matches). Terms starting with a CJK character need none."""
    parts = sorted({t.strip() for t in terms.split("|") if t.strip().strip("*")}, key=len, reverse=True)
    if not parts:
        raise ValueError(f"empty term group in {terms!r}")
    spaced = _alternatives([_term_regex(p) for p in parts if not _CJK_CHAR.match(p)])
    unspaced = _alternatives([_term_regex(p) for p in parts if _CJK_CHAR.match(p)])
    branches = ([f"(?<!{_LETTER})(?:" + "|".join(spaced) + ")"] if spaced else []) + unspaced
    return re.compile("|".join(branches), re.IGNORECASE)


# A word: a run of letters of a spaced script, or a run of CJK (a whole CJK clause: screened by substring).
WORD = re.compile(f"{_LETTER}+|[{CJK}]+")
_ASCII_WORD_BYTES = byte_table(string.ascii_letters + string.digits + "_")  # \w's ASCII characters: WORD in ASCII


def group_screen(terms: str) -> Screen | None:
    """The screen of a `|`-separated group: each term's first word, folded (a prefix for `word*`, a
    substring for a CJK run)."""
    words, prefixes, substrings = set(), [], []
    for term in (t.strip() for t in terms.split("|")):
        if not term.strip("*"):
            continue
        body = fold(term)
        first = WORD.match(body)
        if first is None:  # starts with a non-word character: no word to look for
            return None
        if _CJK_CHAR.match(first.group(0)):
            substrings.append(first.group(0))
        elif body[first.end() : first.end() + 1] == "*":
            prefixes.append(first.group(0))
        else:
            words.add(first.group(0))
    return Screen(frozenset(words), tuple(sorted(prefixes)), tuple(sorted(substrings)))


def compile_rule(key: str, rule: str) -> Matcher:
    groups = rule.split("&")
    return Matcher(key, tuple(compile_group(g) for g in groups), tuple(group_screen(g) for g in groups))


MEMO_WORDS = 50_000  # words whose groups are remembered (~5 MB at most: a worker's memory stays bounded)


@dataclass(eq=False)
class ScreenIndex:
    """Every screen of the rules at once: the term groups a folded word can start, as a bit mask (bit i: the
    i-th group of the topics, forums and people in order), remembered per word."""

    words: dict[str, int]  # a screen word -> its groups
    prefixes: dict[str, int]  # a screen prefix (`word*`) -> its groups
    prefix_lengths: tuple[int, ...]  # ascending
    cjk: dict[str, tuple[tuple[str, int], ...]]  # first character -> (CJK screen substring, its groups)
    unscreened: int  # groups without a screen: every paragraph may match them
    every: int  # all groups
    bits: tuple[tuple[int, ...], ...]  # per matcher (topics, forums, people in order): its groups' bits
    memo: dict[str, int] = field(default_factory=dict, compare=False)  # word -> groups, for words seen
    passing: set[str] = field(default_factory=set, compare=False)  # the words seen whose groups are not 0

    def hits(self, words: set[str]) -> dict[str, int]:
        """The folded words (WORDs) that pass some screen, with their groups."""
        memo, passing = self.memo, self.passing
        new = words.difference(memo)
        if len(memo) + len(new) > MEMO_WORDS:  # forget all, before the words this answer reads; new objects, so
            memo, passing = self.memo, self.passing = {}, set()  # a thread reading the old ones still may
            new = words
        for word in new:
            groups = self._groups(word)
            memo[word] = groups
            if groups:
                passing.add(word)
        return {word: memo[word] for word in words & passing}

    def _groups(self, word: str) -> int:
        """The groups whose screen the word passes: equal to a screen word, starting with a prefix, or (a CJK
        run) holding a substring."""
        if _CJK_CHAR.match(word):
            found = 0
            for _, groups in self.cjk_hits(word):
                found |= groups
            return found
        found = self.words.get(word, 0)
        for n in self.prefix_lengths:
            if n > len(word):
                break
            found |= self.prefixes.get(word[:n], 0)
        return found

    def cjk_hits(self, run: str) -> list[tuple[int, int]]:
        """(offset, groups) of every screen substring in a CJK run, by offset."""
        return [
            (i, groups) for i, ch in enumerate(run) for sub, groups in self.cjk.get(ch, ()) if run.startswith(sub, i)
        ]

    def starts(self, tokens: list[tuple[str, int, int]], bit: int) -> list[int]:
        """Where in a paragraph (its passing folded words, their offsets and groups) a match of the group `bit`
        can begin: at a word its screen passes (in a CJK run: at the substring), for the first word of a match
        is that word. Ascending; an offset may repeat."""
        out: list[int] = []
        for word, at, groups in tokens:
            if groups & bit:
                if _CJK_CHAR.match(word):
                    out.extend(at + i for i, found in self.cjk_hits(word) if found & bit)
                else:
                    out.append(at)
        return out


def screen_index(matchers: tuple[Matcher, ...]) -> ScreenIndex:
    words: dict[str, int] = {}
    prefixes: dict[str, int] = {}
    substrings: dict[str, int] = {}
    unscreened = 0
    bits: list[tuple[int, ...]] = []
    n = 0
    for matcher in matchers:
        mine = []
        for screen in matcher.screens:
            bit = 1 << n
            n += 1
            mine.append(bit)
            if screen is None:
                unscreened |= bit
                continue
            for table, keys in ((words, screen.words), (prefixes, screen.prefixes), (substrings, screen.substrings)):
                for key in keys:
                    table[key] = table.get(key, 0) | bit
        bits.append(tuple(mine))
    cjk: dict[str, list[tuple[str, int]]] = {}
    for sub, groups in substrings.items():
        cjk.setdefault(sub[0], []).append((sub, groups))
    return ScreenIndex(
        words,
        prefixes,
        tuple(sorted({len(p) for p in prefixes})),
        {ch: tuple(subs) for ch, subs in cjk.items()},
        unscreened,
        (1 << n) - 1,
        tuple(bits),
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def _alias_matchers(rows: list[dict[str, str]], key: str) -> tuple[Matcher, ...]:
    aliases: dict[str, set[str]] = {}
    for row in rows:  # forums: aliases are the union over a forum's edition rows
        names = aliases.setdefault(row[key], set())
        names.update(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        if row.get("name") and key == "person":
            names.add(row["name"])
    groups = {k: " | ".join(sorted(v)) for k, v in aliases.items() if v}  # one group: an alias may hold '&'
    return tuple(Matcher(k, (compile_group(g),), (group_screen(g),)) for k, g in groups.items())


def load_rules(seeds_dir: Path | None = None) -> TagRules:
    if seeds_dir is None:
        from forumwatch.resources import seeds_dir as default_seeds_dir

        seeds_dir = default_seeds_dir()
    paths = [Path(seeds_dir) / name for name in ("topics.csv", "forums.csv", "people.csv")]
    digest = hashlib.sha1()
    for path in paths:
        digest.update(path.read_bytes())
    topics_rows, forum_rows, people_rows = (_read_csv(p) for p in paths)
    topics = tuple(compile_rule(r["topic"], r["rule"]) for r in topics_rows if r.get("topic"))
    forums = _alias_matchers([r for r in forum_rows if r.get("forum")], "forum")
    people = _alias_matchers([r for r in people_rows if r.get("person")], "person")
    return TagRules(topics, forums, people, digest.hexdigest()[:12], screen_index(topics + forums + people))


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def find_terms(group: re.Pattern[str], para: str, starts: list[int] | None) -> list[str]:
    """The texts of `group.finditer(para)`, trying the regex only at `starts` (ascending; every offset where a
    match can begin, see ScreenIndex.starts), or everywhere when None."""
    matches = group.finditer(para) if starts is None else matches_at(group, para, starts)  # terms are never empty
    return [m.group(0) for m in matches]


# The one character whose letterhood fold changes (a combining mark, not a letter, folded to 'ι', a letter): a
# word after it is no folded word of its own, so a paragraph holding it is not screened and is searched whole.
_UNFOLDED_BOUNDARY = "\u0345"


class Paragraph:
    """One paragraph: its text, folded text, the groups its words may start, where those words are (found when
    a group first needs them)."""

    def __init__(self, text: str, index: ScreenIndex) -> None:
        self.text = text
        self.folded = fold(text)
        self.index = index
        folded = self.folded
        # an ASCII paragraph's words spaced out, between two spaces: its words and their offsets are found by str's C
        self.spaced = f" {spaced_runs(folded, _ASCII_WORD_BYTES)} " if folded.isascii() else None
        self.hits = index.hits(set(WORD.findall(folded) if self.spaced is None else self.spaced.split()))
        self.groups = index.every if _UNFOLDED_BOUNDARY in text else index.unscreened  # the groups that may match
        for groups in self.hits.values():
            self.groups |= groups
        self._tokens: list[tuple[str, int, int]] | None = None

    def terms(self, group: re.Pattern[str], bit: int) -> list[str]:
        """The texts of `group.finditer(self.text)`, where `bit` is the group's in the index."""
        if bit & self.index.unscreened or _UNFOLDED_BOUNDARY in self.text:
            return find_terms(group, self.text, None)
        if self._tokens is None:
            spaced = self.spaced
            found = [
                (at, word, groups)
                for word, groups in self.hits.items()
                for at in (_word_offsets(self.folded, word) if spaced is None else _spaced_offsets(spaced, word))
            ]
            self._tokens = [(word, at, groups) for at, word, groups in sorted(found)]  # no two words share an offset
        return find_terms(group, self.text, self.index.starts(self._tokens, bit))


_LETTER_CHAR = re.compile(_LETTER)


def _spaced_offsets(spaced: str, word: str) -> list[int]:
    """_word_offsets in an ASCII paragraph, from its words spaced out (Paragraph.spaced): where ' word ' stands (an
    offset in `spaced` is the word's in the folded text, which lacks the first space)."""
    needle = f" {word} "
    out = []
    at = spaced.find(needle)
    while at >= 0:
        out.append(at)
        at = spaced.find(needle, at + len(needle) - 1)  # the next may begin at this one's last space
    return out


def _word_offsets(folded: str, word: str) -> list[int]:
    """Where `word` (a WORD of `folded`) stands in `folded` as a whole WORD: the offsets WORD.finditer gives it."""
    same = _CJK_CHAR if _CJK_CHAR.match(word) else _LETTER_CHAR  # a WORD is a longest run of one of the two
    out = []
    at = folded.find(word)
    while at >= 0:
        if not (at and same.match(folded, at - 1)) and not same.match(folded, at + len(word)):
            out.append(at)
        at = folded.find(word, at + 1)
    return out


def _match(
    article_id: str,
    paras: list[Paragraph],
    candidates: list[int],
    matcher: Matcher,
    bits: tuple[int, ...],
    column: str,
    version: str,
) -> Row | None:
    """The tag row if every group matches in one of the candidate paragraphs (indexes, ascending)."""
    first: int | None = None
    evidence: list[str] = []
    n = 0
    for i in candidates:
        para = paras[i]
        found = []
        for group, bit in zip(matcher.groups, bits):  # a group without a match settles the paragraph
            terms = para.terms(group, bit)
            if not terms:
                break
            found.append(terms)
        else:
            n += 1
            if first is None:
                first = i
                evidence = list(dict.fromkeys(t for terms in found for t in terms))
    if first is None:
        return None
    return {
        "article_id": article_id,
        column: matcher.key,
        "paragraph": first,
        "evidence": "; ".join(evidence),
        "n_paragraphs": n,
        "rules_version": version,
    }


def tag_article(article_id: str, text: str, rules: TagRules) -> TagResult:
    index = rules.index
    paras = [Paragraph(p, index) for p in paragraphs(text)]
    masks = [para.groups for para in paras]
    in_text = 0
    for mask in masks:
        in_text |= mask
    result = TagResult(article_id)
    bits = iter(index.bits)
    for matchers, column, rows in (
        (rules.topics, "topic", result.topics),
        (rules.forums, "forum", result.forums),
        (rules.people, "person", result.people),
    ):
        for matcher in matchers:
            mine = next(bits)
            need = sum(mine)
            if in_text & need != need:
                continue
            candidates = [i for i, mask in enumerate(masks) if mask & need == need]
            row = _match(article_id, paras, candidates, matcher, mine, column, rules.version)
            if row:
                rows.append(row)
    return result


def with_article_id(result: TagResult, article_id: str) -> TagResult:
    """The same tags for an article stored under another id."""
    return TagResult(
        article_id,
        *([{**row, "article_id": article_id} for row in getattr(result, attr)] for attr in TAG_TABLES.values()),
    )


def write_tags(con: duckdb.DuckDBPyConnection, results: list[TagResult]) -> None:
    """Replace the topic, forum and people tags of these articles. The caller owns the transaction."""
    latest = {r.article_id: r for r in results}  # one result per article; the last wins
    if not latest:
        return
    with registered(con, "tag_ids_frame", arrow_columns(article_id=list(latest))):
        for table, attr in TAG_TABLES.items():
            con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM tag_ids_frame)")
            insert_tag_rows(con, table, [row for r in latest.values() for row in getattr(r, attr)])


def insert_tag_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    with registered(con, "tag_rows_frame", arrow_rows(rows, list(rows[0]))):
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM tag_rows_frame")
