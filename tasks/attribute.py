"""Attribution of an article: the credited wire agency, the dateline and the media the body cites.

Patterns come from seeds/agencies.csv (columns agency, kind, pattern, note, language), in English,
Chinese and Russian conventions alike:
- kind `credit`: a regex for a credit form ("(ANI)", "ANI |", "-- PTI", "/TASS/", "来源：新华社",
  "Источник: ТАСС"); case-sensitive.
- kind `dateline`: a credit that is also a dateline, with named groups `place` and `date`
  ("新华社北京10月31日电", "МОСКВА, 31 октября. /ТАСС/.", "МОСКВА, 31 окт — РИА Новости.").
- kind `cited`: a regex for the name as the body cites it ("Xinhua", "新华社", "РИА «Новости»",
  "агентства «Интерфакс»"); it counts only next to a citation cue of its row's `language`:
  "as per X", "X reported"; "据X报道", "X援引"; "сообщает X", "по данным X", "X передает".
  The cue must lie within CUE_REACH characters of the name (the cue regex runs only there: fast).
The text is matched in NFKC form, so full-width punctuation and digits ("（完）", "：", "１０月")
match the patterns' ASCII ones.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from forumwatch.resources import seed_path
from forumwatch.tasks.normalize import DATELINE, body_lines
from forumwatch.tasks.prefilter import case_blind_literals, fold, required_literals
from forumwatch.tasks.regex_starts import Starts, finditer_from_starts, fixed_strings, match_starts

_CUE_FAR = r"(?i:as\s+per|according\s+to|reported\s+by|cited\s+by|quoted\s+by)"
_CUE_NEAR = r"(?i:quoting|citing|told|(?:an?\s+)?interview\s+with)"
_CUE_AFTER = (
    r"(?i:reported|reports|said|says|quoted|quotes|cited|cites|citing|quoting|added|noted|wrote|stated"
    r"|report|reporting)"
)
_FILLER = r"(?:\s+(?:[\w'’\-]+\s+){0,5}?)"  # "according to Chinese state media agency Xinhua"
# Chinese: "据新华社报道", "援引俄罗斯塔斯社", "新华社周三报道", "塔斯社援引…"; no spaces, so gaps are characters
# within one clause (no sentence end, no digits: "新华社北京10月31日电" is a credit, not a citation).
_ZH_BEFORE = r"(?:据|根据|援引|引述|引用|转引自?|转自|来自)[^。！？!?\n\d]{0,12}?"
_ZH_AFTER = r"[^。！？!?\n\d]{0,10}?(?:报道|报导|消息|援引|引述|称|说|表示|发布|获悉|证实|指出|披露|评论|发文|采访)"
# Russian: "сообщает ТАСС", "сообщило российское информационное агентство ТАСС", "по данным «Интерфакса»",
# "со ссылкой на РИА Новости", "ТАСС передает".
_RU_BEFORE = (
    r"(?i:по\s+(?:данным|сообщению|информации|словам)|как\s+(?:сообщает|сообщил[аио]?|сообщили|передает"
    r"|передаёт|пишет|отмечает|уточняет)|со\s+ссылкой\s+на|сообщил[аио]?|сообщают|сообщили|сообщает|передает"
    r"|передаёт|передают|пишет|цитирует|цитировал[аио]?|приводит|информирует|рассказал[аио]?|заявил[аио]?"
    r"|сказал[аио]?|отметил[аио]?|в\s+интервью|в\s+беседе\s+с|изданию|агентству|газете|телеканалу)"
)
_RU_FILLER = r"(?:\s+(?:[\w«»\"„“\-]+\s+){0,5}?)"
_RU_AFTER = (
    r"(?i:сообщает|сообщил[аио]?|сообщили|передает|передаёт|пишет|цитирует|приводит|информирует|отмечает"
    r"|уточняет|со\s+ссылкой)"
)
CUE_REACH = 300  # characters around a name searched for its citation cue
_WINDOW_END = re.compile(r"[^\w-]")  # a window ends before such a character, so lookarounds see the same
_WORDISH = re.compile(r"[\w-]")  # a cited name (not zh) neither follows nor precedes one


@dataclass(frozen=True)
class Agency:
    name: str
    kind: str  # credit | dateline | cited
    regex: re.Pattern[str]
    screen: re.Pattern[str] | None = None  # cited: the bare name (a cheap literal search); `regex` runs near hits
    literals: frozenset[str] | None = None  # a text holding none of these cannot match (screen, else regex)
    cues: frozenset[str] | None = None  # cited: folded words one of which each citation cue holds (case-blind)
    starts: Starts | None = None  # credit, dateline: where a match can begin, when re cannot skip there itself
    names: frozenset[str] | None = None  # cited (not zh): the strings of a fixed-string name, matched as whole words


@dataclass(frozen=True)
class Attribution:
    wire_agency: str | None
    dateline_place: str | None
    dateline_date: str | None
    cited_media: list[str] = field(default_factory=list)


_CUES = {"zh": (_ZH_BEFORE, _ZH_AFTER), "ru": (_RU_BEFORE, _RU_AFTER), "en": (_CUE_FAR, _CUE_NEAR, _CUE_AFTER)}


def cue_words(language: str = "en") -> frozenset[str] | None:
    """Folded words one of which every citation cue of the language holds (a match of cited_regex holds a cue);
    None when some cue holds no fixed word."""
    found = [case_blind_literals(cue) for cue in _CUES.get(language, _CUES["en"])]
    return None if None in found else frozenset().union(*found)


def cited_regex(pattern: str, language: str = "en") -> re.Pattern[str]:
    """The regex for a cited name next to a citation cue of its language (en, zh or ru)."""
    if language == "zh":
        name = f"(?:{pattern})"
        return re.compile(f"{_ZH_BEFORE}{name}|(?<!【){name}{_ZH_AFTER}")  # 【环球时报报道】 is a credit
    name = rf"(?<![\w-])(?:{pattern})(?![\w-])"
    if language == "ru":
        return re.compile(rf"{_RU_BEFORE}{_RU_FILLER}{name}|{name}\s+{_RU_AFTER}(?!\w)")
    return re.compile(
        rf"{_CUE_FAR}{_FILLER}{name}|{_CUE_NEAR}\s+(?:the\s+)?{name}|{name}(?:\s+(?i:news\s+agency))?\s+{_CUE_AFTER}\b"
    )


Strings = tuple[tuple[str, frozenset[str]], ...]


def screen_strings(agencies: list[Agency]) -> tuple[Strings, Strings]:
    """Every string the agencies' literal screens need, shortest first, each with the others it holds (a text lacks
    it when it lacks one of those): all of them, and the ASCII ones (the only ones an ASCII text can hold)."""
    strings = sorted(set().union(*(a.literals for a in agencies if a.literals)), key=lambda s: (len(s), s))
    held = tuple((s, frozenset(t for t in strings if t != s and t in s)) for s in strings)
    return held, tuple(pair for pair in held if pair[0].isascii())


class Agencies(list[Agency]):
    """load_agencies' rows, with their screen_strings (made once, not per text)."""

    def __init__(self, rows: Iterable[Agency] = ()) -> None:
        super().__init__(rows)
        self.strings = screen_strings(self)
        self.cited = [agency for agency in self if agency.kind == "cited"]
        self.credits = [(order, agency) for order, agency in enumerate(self) if agency.kind != "cited"]


def load_agencies(path: Path | None = None) -> Agencies:
    """Agency patterns from seeds/agencies.csv, in file order (earlier rows win ties)."""
    with open(path or seed_path("agencies.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    agencies: list[Agency] = []
    for row in rows:
        kind, pattern = row["kind"].strip(), row["pattern"]
        language = (row.get("language") or "en").strip() or "en"
        if kind in ("credit", "dateline"):
            regex = re.compile(pattern, re.M)
        elif kind == "cited":
            screen = re.compile(pattern)
            regex = cited_regex(pattern, language)
            name = row["agency"].strip()
            names = fixed_strings(pattern) if language != "zh" else None  # a Chinese name is no whole word
            agencies.append(
                Agency(name, kind, regex, screen, required_literals(screen), cue_words(language), names=names)
            )
            continue
        else:
            raise ValueError(f"agencies.csv: unknown kind {kind!r} for {row['agency']}")
        name = row["agency"].strip()
        agencies.append(Agency(name, kind, regex, literals=required_literals(regex), starts=match_starts(regex)))
    return Agencies(agencies)


def _credit(body: _Body, credits: list[tuple[int, Agency]]) -> str | None:
    """The credit closest to either edge of the body (credits sit in the dateline or the sign-off); `credits`: the
    credit and dateline rows with their order among all rows (earlier rows win ties)."""
    best: tuple[int, int, str] | None = None
    for order, agency in credits:
        if not body.may_match(agency.literals):
            continue
        if agency.starts is None:
            matches = agency.regex.finditer(body.text)
        else:  # "^Reuters\s*[|:]", "[-—–]{1,2}\s*PTI\s*$": tried only at line starts with R, at dashes
            matches = finditer_from_starts(agency.regex, agency.starts, body.text)
        for match in matches:
            edge = min(match.start(), len(body.text) - match.end())
            if best is None or (edge, order) < best[:2]:
                best = (edge, order, agency.name)
    return best[2] if best else None


def attribute(text: str, agencies: list[Agency], lines: list[str] | None = None) -> Attribution:
    """Credited wire, dateline (place, date) and sorted unique cited media of one article text (`lines`: its
    body_lines, when the caller has them)."""
    lines = [unicodedata.normalize("NFKC", line) for line in (body_lines(text) if lines is None else lines)]
    rows = agencies if isinstance(agencies, Agencies) else Agencies(agencies)
    body = _Body("\n".join(lines), rows.strings)
    place, date = _dateline(lines[:3], agencies)
    cited: set[str] = set()
    for agency in rows.cited:  # a name cited already needs no other row of it (its other languages' forms)
        if agency.name not in cited and _is_cited(body, agency):
            cited.add(agency.name)
    return Attribution(_credit(body, rows.credits), place, date, sorted(cited))


_ASCII = frozenset(map(chr, range(128)))


class _Body:
    """The body's text, the strings it holds (looked for once) and its folded text (made when first needed).

    `chars` may hold more than the text's characters (it only spares searches): all of ASCII for an ASCII text,
    which is then not read for them."""

    _folded: str | None = None

    def __init__(self, text: str, strings: tuple[Strings, Strings]) -> None:
        ascii_text = text.isascii()
        self.text = text
        self.chars = set(_ASCII) if ascii_text else set(text)  # an ASCII text's are not read: all of ASCII
        self.cues: dict[frozenset[str], bool] = {}
        self.held = self._held(strings[1] if ascii_text else strings[0], check_chars=not ascii_text)

    def _held(self, strings: Strings, check_chars: bool) -> set[str]:
        """The screen strings the text holds, each looked for once: not when the text lacks one of its characters
        or a shorter string it holds."""
        held: set[str] = set()
        lacked: set[str] = set()
        text, chars = self.text, self.chars
        for string, inner in strings:
            if (inner and not lacked.isdisjoint(inner)) or (check_chars and not chars.issuperset(string)):
                lacked.add(string)
            elif string in text:
                held.add(string)
            else:
                lacked.add(string)
        return held

    def may_match(self, literals: frozenset[str] | None) -> bool:
        """prefilter.may_match(literals, text), from the strings the text holds (literals are among screen_strings)."""
        return literals is None or not self.held.isdisjoint(literals)

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    def holds_cue(self, cues: frozenset[str]) -> bool:
        """Whether the folded body holds one of the cue words anywhere: fold is one character for one, so the
        folded body's characters are among the folded `chars`."""
        found = self.cues.get(cues)
        if found is None:
            chars = set(fold("".join(self.chars)))
            found = self.cues[cues] = any(chars.issuperset(cue) and cue in self.folded for cue in cues)
        return found


def _dateline(lines: list[str], agencies: list[Agency]) -> tuple[str | None, str | None]:
    """(place, date) of the first dateline among the opening lines: the English forms, else a `dateline` row's."""
    for line in lines:
        match = DATELINE.match(line)
        if match:
            groups = match.groupdict()
            return groups["place"] or groups["place2"] or groups["place3"], groups["date"] or groups["date2"]
        for agency in agencies:
            if agency.kind == "dateline" and (match := agency.regex.match(line)):
                groups = match.groupdict()
                return groups.get("place"), groups.get("date")
    return None, None


def _is_cited(body: _Body, agency: Agency) -> bool:
    """Whether the agency's cue regex matches around one of its name's occurrences (not searched where no cue
    word is)."""
    if not body.may_match(agency.literals):
        return False
    text = body.text
    if agency.screen is None:
        return agency.regex.search(text) is not None
    if agency.cues is not None and not body.holds_cue(agency.cues):
        return False  # then no window holds one (a Russian citation's cues in an English text)
    whole = None if agency.names is None else _whole_words(text, agency.names)
    if whole == []:
        return False  # the name is only inside words: "START" holds RT, "JAPAN" AP
    for hit in agency.screen.finditer(text):
        start = max(0, hit.start() - CUE_REACH)
        end = _WINDOW_END.search(text, min(len(text), hit.end() + CUE_REACH))
        stop = end.start() if end else len(text)
        if agency.cues is not None:
            window = body.folded[start:stop]
            if not any(cue in window for cue in agency.cues):
                continue
        if whole is not None and not any(start <= a and b <= stop for a, b in whole):
            continue  # a match in the window holds the name as a whole word in it
        if found_in(agency.regex, text, start, hit.start(), stop):
            return True
    return False


CITATION_LEAD = 40  # characters before a name within which its citation mostly begins ("according to Xinhua")


def found_in(regex: re.Pattern[str], text: str, start: int, near: int, stop: int) -> bool:
    """Whether regex.search(text, start, stop) finds a match: searched from CITATION_LEAD characters before `near`
    first (a match there is one of the window's; the search stops at its first), then the whole window only when
    that finds none. A citation mostly begins just before its name: the 300 characters before are seldom read."""
    lead = max(start, near - CITATION_LEAD)
    return regex.search(text, lead, stop) is not None or (lead > start and regex.search(text, start, stop) is not None)


def _whole_words(text: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """The spans of the names in the text that no word character or '-' touches: where the cited regex's name can
    match (it is bounded by lookarounds, which read the same in a window: a window ends at neither)."""
    spans = []
    for name in names:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if not (at and _WORDISH.match(text, at - 1)) and not _WORDISH.match(text, end):
                spans.append((at, end))
            at = text.find(name, at + 1)
    return spans
