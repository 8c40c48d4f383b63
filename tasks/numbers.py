"""Numbers and calendar dates named in a text, in any script, as language-independent values.

"1,800", "1 800", "１８００" and "一千八百" are all 1800; "1.5 billion", "15亿" and "1,5 млрд" are all
1.5e9; "第十届" and "10th" are 10; "X Сяншаньский форум" is 10 (Roman numerals, Cyrillic text only).
"October 31", "10月31日" and "31 октября" are the date 10-31. Clock times ("13:42") are not numbers,
and a number that is part of a date is the date, not a number. Values keep three significant digits,
so a rounded translation ("1.23 million" for "1,234,567") still matches.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from forumwatch.tasks.normalize import byte_table, spaced_runs
from forumwatch.tasks.regex_starts import matches_at

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10**4, "亿": 10**8}
# Counting words that follow a Chinese numeral; a bare run such as 十分 ("very") or 千万 ("by all means")
# is not taken as a number.
CN_COUNTERS = "届年月日个名人次架艘辆枚项位家多余天岁周国批件条场轮期支倍公里吨元美"

SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "тыс": 1e3,
    "тысяч": 1e3,
    "млн": 1e6,
    "миллион": 1e6,
    "млрд": 1e9,
    "миллиард": 1e9,
    "трлн": 1e12,
    "триллион": 1e12,
    "千": 1e3,
    "万": 1e4,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "万亿": 1e12,
}
_SCALE_WORDS = sorted(SCALES, key=len, reverse=True)
_LATIN_SCALE = "|".join(w for w in _SCALE_WORDS if w.isascii())
_CYR_SCALE = "|".join(w for w in _SCALE_WORDS if not w.isascii() and w[0] >= "а")
_CN_SCALE = "|".join(w for w in _SCALE_WORDS if w[0] in "千万百亿")

# Every pattern that can begin with one of a few characters (a digit, a numeral, a month's initial) matches
# that character first and only then looks behind it ("\d(?<!\d\d)" is "(?<!\d)\d"): re's search then skips
# to those characters in C instead of trying the whole pattern at every position of the text.

# digits (any script: \d is Unicode), thousands groups of exactly three digits, decimal part, scale word
NUMBER = re.compile(
    r"(\d(?<!\d\d)(?<!\d[.,]\d)(?:\d{0,2}(?:[,\u00a0\u202f\u2009 ]\d{3}(?!\d))+|\d*))"
    r"(?:[.,](\d+))?"
    rf"(?:\s?({_CN_SCALE})|\s?({_LATIN_SCALE}|{_CYR_SCALE})(?:[^\W\d_]*)\.?(?![^\W\d_]))?",
    re.IGNORECASE,
)
_CN_NUMERALS = f"[{''.join(CN_DIGITS)}{''.join(CN_UNITS)}{''.join(CN_BIG)}]"
CN_NUMERAL = re.compile(rf"(第)?({_CN_NUMERALS}+)(?=[{CN_COUNTERS}])")
CN_NUMERAL_CHAR = re.compile(_CN_NUMERALS)  # CN_NUMERAL finds nothing in a text without one
ROMAN = re.compile(r"([IVXLC](?<![^\W\d_][IVXLC])[IVXLC]{0,6})(?![^\W\d_])")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CLOCK = re.compile(r"\d(?<!\d\d)\d?[:：]\d{2}(?::\d{2})?(?!\d)")

MONTHS_EN = {
    m: i + 1
    for i, names in enumerate(
        [
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        ]
    )
    for m in names.split()
}
MONTHS_RU = {
    m: i + 1
    for i, m in enumerate(
        ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"]
    )
}
_EN_MONTH = "|".join(sorted(MONTHS_EN, key=len, reverse=True))
# Characters other than the two cases that re.IGNORECASE takes for an ASCII letter (tests check the table).
IGNORECASE_EXTRA = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _initial_first(words: list[str]) -> str:
    r"""`\b(?i:word1|word2|...)` (words of ASCII letters, in order) as a pattern that begins with a
    case-sensitive class of the words' initials: the same matches, found by a search that skips to an initial."""
    rests: dict[str, list[str]] = {}
    for word in words:
        rests.setdefault(word[0], []).append(re.escape(word[1:]))
    initials = "".join(c.upper() + c + IGNORECASE_EXTRA.get(c, "") for c in rests)
    branches = "|".join(f"(?<={c})(?:{'|'.join(rest)})" for c, rest in rests.items())
    return rf"[{initials}](?<!\w\w)(?i:{branches})"


DATE_EN_MD = re.compile(
    rf"({_initial_first(sorted(MONTHS_EN, key=len, reverse=True))})\.?\s+(\d{{1,2}})(?!\d)(?i:st|nd|rd|th)?"
)
DIGITS = re.compile(r"\d(?<!\d\d)")  # the first digit of a run of digits
LONGEST_MONTH = max(map(len, MONTHS_EN))


def month_day_matches(text: str, runs: list[int]) -> list[re.Match[str]]:
    """DATE_EN_MD.finditer(text) (`runs`: the offsets of DIGITS), tried only at the word before each digit run that
    follows a space: a match is a month (the whole word: it begins a word and `\\.?\\s+\\d` follows it), an optional
    '.', spaces and the day. re would try every month initial of the text (a third of its letters)."""
    starts: list[int] = []  # ascending: a word before a later digit run begins after this one's spaces
    for digit in runs:
        if not (digit and text[digit - 1].isspace()):  # `\s` is str.isspace
            continue
        at = digit - 1
        while at > 0 and text[at - 1].isspace():
            at -= 1
        if at > 0 and text[at - 1] == ".":
            at -= 1
        start = at
        while start > 0 and at - start <= LONGEST_MONTH and _is_word_char(text[start - 1]):
            start -= 1
        if at - start <= LONGEST_MONTH:
            starts.append(start)
    return matches_at(DATE_EN_MD, text, starts)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # re's `\w`


DATE_EN_DM = re.compile(rf"(\d(?<!\d\d)\d?)(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MONTH})\b\.?", re.IGNORECASE)
DATE_RU = re.compile(
    r"(\d(?<!\d\d)\d?)\s+(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)",
    re.IGNORECASE,
)
_CN_NUM = f"[0-9０-９{''.join(CN_DIGITS)}十]"
DATE_CN = re.compile(rf"({_CN_NUM}{_CN_NUM}{{0,2}})\s?月\s?({_CN_NUM}{{1,3}})\s?[日号]")
# "至31日": a day of a range, not a count
CN_DAY = re.compile(rf"{_CN_NUM}(?<![0-9０-９]{_CN_NUM}){_CN_NUM}{{0,2}}\s?[日号]")
# Strings one of which every match of a pattern holds: a text holding none is not scanned with it (an ASCII text
# holds no match of DATE_RU or CYRILLIC either: no ASCII character is, or matches case-blind, a Cyrillic one).
MARKS = {"DATE_CN": ("月",), "CN_DAY": ("日", "号"), "CLOCK": (":", "：")}


def _holds(text: str, pattern: str) -> bool:
    return any(mark in text for mark in MARKS[pattern])


@dataclass(frozen=True)
class Mentions:
    numbers: frozenset[str]  # canonical values, e.g. "1800", "1500000000", "2.5"
    dates: frozenset[str]  # month-day, e.g. "10-31"


def canonical(value: float) -> str:
    """A value as matching text: whole numbers below 100,000 exact (years, counts), others to three
    significant digits, no trailing zeros ("2023", "0.25", "1230000" for 1,234,567)."""
    if value.is_integer() and value < 100_000:
        return str(int(value))
    rounded = float(f"{value:.3g}")
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def chinese_numeral(text: str) -> int | None:
    """The value of a run of Chinese numerals (一千八百, 二〇二三, 第十 -> 十), or None if malformed."""
    if all(c in CN_DIGITS for c in text):
        if len(text) >= 3 or "〇" in text or "零" in text:  # digit by digit: 二〇二三 = 2023
            return int("".join(str(CN_DIGITS[c]) for c in text))
        if len(text) == 2:  # 三四 is "three or four", not 34
            return None
    total = wan = section = 0
    digit: int | None = None
    for c in text:
        if c in CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row without a unit: 三四 ("three or four")
            digit = CN_DIGITS[c]
        elif c in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[c]
            digit = None
        elif c == "万":
            wan += (section + (digit or 0)) * CN_BIG[c]
            section, digit = 0, None
        else:  # 亿
            total += (wan + section + (digit or 0)) * CN_BIG[c]
            wan, section, digit = 0, 0, None
    value = total + wan + section + (digit or 0)
    return value or None


def roman(text: str) -> int | None:
    values = [ROMAN_VALUES[c] for c in text]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if total > 0 and _to_roman(total) == text else None  # only well-formed numerals


def _to_roman(value: int) -> str:
    out = ""
    for number, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while value >= number:
            out, value = out + letters, value - number
    return out + "I" * value


def _small(text: str) -> int | None:
    """A day or month written in digits (any script) or Chinese numerals."""
    if text.isdigit():
        return int(text)
    return chinese_numeral(text)


def _month(name: str, months: dict[str, int], stem: bool = False) -> int:
    """The month a matched name is (`stem`: the table holds names without their last letter, as MONTHS_RU): by
    its lower case, else (a character such as ſ or ᲂ, that re.IGNORECASE takes for s or о and lower() keeps)
    by the name it matches."""
    found = months.get(name.lower()[:-1] if stem else name.lower())
    ending = r"\w" if stem else ""
    return found or next(v for k, v in months.items() if re.fullmatch(re.escape(k) + ending, name, re.IGNORECASE))


_ASCII_DIGITS = byte_table(string.digits)  # \d's ASCII characters


def digit_runs(text: str) -> list[int]:
    """Where each run of digits begins (DIGITS.finditer's offsets); in an ASCII text found by str's C: the runs
    of the text with every other character made a space, each found after the one before."""
    if not text.isascii():
        return [m.start() for m in DIGITS.finditer(text)]
    spaced = spaced_runs(text, _ASCII_DIGITS)
    out = []
    at = 0
    for run in spaced.split():
        at = spaced.find(run, at)  # only spaces stand between the run before and this one
        out.append(at)
        at += len(run)
    return out


def _dates(text: str, runs: list[int]) -> tuple[set[str], list[tuple[int, int]]]:
    """The dates of the text (`runs`: its digit_runs) and their spans."""
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    # every date holds a digit run: DATE_EN_DM and DATE_RU begin at one, DATE_EN_MD's month stands before one
    matches = [(m, _month(m.group(1), MONTHS_EN), m.group(2)) for m in month_day_matches(text, runs)]
    matches += [(m, _month(m.group(2), MONTHS_EN), m.group(1)) for m in matches_at(DATE_EN_DM, text, runs)]
    if not text.isascii():
        ru = matches_at(DATE_RU, text, runs)
        matches += [(m, _month(m.group(2), MONTHS_RU, stem=True), m.group(1)) for m in ru]
    for m in DATE_CN.finditer(text) if _holds(text, "DATE_CN") else ():
        month = _small(m.group(1))
        if month is not None:
            matches.append((m, month, m.group(2)))
    for m, month, day_text in matches:
        day = _small(day_text)
        if day is not None and 1 <= month <= 12 and 1 <= day <= 31:
            found.add(f"{month:02d}-{day:02d}")
            spans.append(m.span())
    return found, spans


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _digits_value(match: re.Match[str]) -> float:
    whole = re.sub(r"\D", "", match.group(1))
    value = float(int(whole))
    if match.group(2):
        value = float(f"{int(whole)}.{''.join(str(int(c)) for c in match.group(2))}")
    scale = match.group(3) or match.group(4)
    if scale:
        key = scale.lower().rstrip(".")
        value *= SCALES.get(key) or next((v for w, v in SCALES.items() if key.startswith(w)), 1.0)
    return value


def _dated(text: str, runs: list[int]) -> tuple[set[str], str]:
    """The text's dates, and the text with them, clock times and Chinese day numbers made spaces."""
    dates, spans = _dates(text, runs)
    clock = matches_at(CLOCK, text, runs) if _holds(text, "CLOCK") else []  # a clock time begins at a digit run
    rest = _blank(text, spans + [m.span() for m in clock])
    rest = _blank(rest, [m.span() for m in CN_DAY.finditer(rest)]) if _holds(rest, "CN_DAY") else rest
    return dates, rest


def number_matches(rest: str, runs: list[int]) -> list[re.Match[str]]:
    """NUMBER.finditer(rest) (`rest`: _dated's text, `runs`: the digit runs of the text before blanking), tried only
    at runs left whole: a NUMBER begins a digit run, and a blanked span never ends before a digit (each pattern that
    blanks ends with a non-digit or is followed by none), so no run begins in `rest` where none did before."""
    return matches_at(NUMBER, rest, [at for at in runs if rest[at] != " "])


def mentions(text: str | None) -> Mentions:
    """Every number and calendar date named in `text`."""
    if not text:
        return Mentions(frozenset(), frozenset())
    runs = digit_runs(text)
    dates, rest = _dated(text, runs)
    values: set[float] = set()
    for m in number_matches(rest, runs):
        try:
            values.add(_digits_value(m))
        except ValueError:  # a run of digits int() does not take (mixed scripts)
            continue
    for m in CN_NUMERAL.finditer(rest) if not rest.isascii() and CN_NUMERAL_CHAR.search(rest) else ():
        value = chinese_numeral(m.group(2))
        if value is not None and (m.group(1) or len(m.group(2)) > 1 or value >= 10):
            values.add(float(value))
    if not rest.isascii() and CYRILLIC.search(rest):
        for m in ROMAN.finditer(rest):
            value = roman(m.group(1))
            if value is not None and value > 1:
                values.add(float(value))
    return Mentions(frozenset(canonical(v) for v in values), frozenset(dates))
