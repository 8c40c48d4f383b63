"""Attribution of an article: the credited wire agency, the dateline and the media the body cites.

Patterns come from seeds/agencies.csv (columns agency, kind, pattern[, note]):
- kind `credit`: a regex for a credit form ("(ANI)", "ANI |", "-- PTI", "/TASS/"); case-sensitive.
- kind `cited`: a regex for the name as the body cites it ("Xinhua", "Global Times"); it counts
  only next to a citation cue: "as per X", "according to X", "X reported", "X quoted", ...
  The cue must lie within CUE_REACH characters of the name (the cue regex runs only there: fast).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from forumwatch.resources import seed_path
from forumwatch.tasks.normalize import DATELINE, body_lines

_CUE_FAR = r"(?i:as\s+per|according\s+to|reported\s+by|cited\s+by|quoted\s+by)"
_CUE_NEAR = r"(?i:quoting|citing|told|(?:an?\s+)?interview\s+with)"
_CUE_AFTER = (
    r"(?i:reported|reports|said|says|quoted|quotes|cited|cites|citing|quoting|added|noted|wrote|stated"
    r"|report|reporting)"
)
_FILLER = r"(?:\s+(?:[\w'’\-]+\s+){0,5}?)"  # "according to Chinese state media agency Xinhua"
CUE_REACH = 300  # characters around a name searched for its citation cue
_WINDOW_END = re.compile(r"[^\w-]")  # a window ends before such a character, so lookarounds see the same


@dataclass(frozen=True)
class Agency:
    name: str
    kind: str  # credit | cited
    regex: re.Pattern[str]
    screen: re.Pattern[str] | None = None  # cited: the bare name (a cheap literal search); `regex` runs near hits


@dataclass(frozen=True)
class Attribution:
    wire_agency: str | None
    dateline_place: str | None
    dateline_date: str | None
    cited_media: list[str] = field(default_factory=list)


def load_agencies(path: Path | None = None) -> list[Agency]:
    """Agency patterns from seeds/agencies.csv, in file order (earlier rows win ties)."""
    with open(path or seed_path("agencies.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    agencies: list[Agency] = []
    for row in rows:
        kind, pattern = row["kind"].strip(), row["pattern"]
        if kind == "credit":
            regex = re.compile(pattern, re.M)
        elif kind == "cited":
            name = rf"(?<![\w-])(?:{pattern})(?![\w-])"
            regex = re.compile(
                rf"{_CUE_FAR}{_FILLER}{name}|{_CUE_NEAR}\s+(?:the\s+)?{name}|{name}(?:\s+(?i:news\s+agency))?\s+{_CUE_AFTER}\b"
            )
            agencies.append(Agency(row["agency"].strip(), kind, regex, re.compile(pattern)))
            continue
        else:
            raise ValueError(f"agencies.csv: unknown kind {kind!r} for {row['agency']}")
        agencies.append(Agency(row["agency"].strip(), kind, regex))
    return agencies


def _credit(body: str, agencies: list[Agency]) -> str | None:
    """The credit closest to either edge of the body (credits sit in the dateline or the sign-off)."""
    best: tuple[int, int, str] | None = None
    for order, agency in enumerate(agencies):
        if agency.kind != "credit":
            continue
        for match in agency.regex.finditer(body):
            edge = min(match.start(), len(body) - match.end())
            if best is None or (edge, order) < best[:2]:
                best = (edge, order, agency.name)
    return best[2] if best else None


def attribute(text: str, agencies: list[Agency]) -> Attribution:
    """Credited wire, dateline (place, date) and sorted unique cited media of one article text."""
    lines = body_lines(text)
    body = "\n".join(lines)
    place = date = None
    for line in lines[:3]:
        match = DATELINE.match(line)
        if match:
            groups = match.groupdict()
            place = groups["place"] or groups["place2"] or groups["place3"]
            date = groups["date"] or groups["date2"]
            break
    cited = sorted({a.name for a in agencies if a.kind == "cited" and _is_cited(body, a)})
    return Attribution(_credit(body, agencies), place, date, cited)


def _is_cited(body: str, agency: Agency) -> bool:
    """Whether the agency's cue regex matches around one of its name's occurrences."""
    if agency.screen is None:
        return agency.regex.search(body) is not None
    for hit in agency.screen.finditer(body):
        end = _WINDOW_END.search(body, min(len(body), hit.end() + CUE_REACH))
        if agency.regex.search(body, max(0, hit.start() - CUE_REACH), end.start() if end else len(body)):
            return True
    return False
