"""trafilatura's XPath filters without their cost: each `re:test(ARG, 'a|b|^c')` over plain words is rewritten as
`contains(ARG, 'a') or contains(ARG, 'b') or starts-with(ARG, 'c')`, which selects the same elements.

Why: trafilatura tests element ids and classes against regular expressions through EXSLT's `re:test`, which
calls back into Python for every element it meets (a proxy object, a string, a `re` search): about a third of
trafilatura's time on a real news page. Most of its patterns are alternations of fixed words, which XPath
tests natively. Only a pattern that expands to a few literal strings is rewritten: optional characters, small
character sets, groups and alternation, with `^` only at the start of an alternative, and no flags. Anything
else (`\\s`, `$`, `.`, case-insensitive tests) stays `re:test`, called only on elements that have the attribute.
A step `//*[self::div or self::p][P]` becomes `(//div|//p)[P]` (`name_unions`), where P is not positional: the
same elements, found by libxml2's walk by element name instead of a name test on every element.
`rewritten` makes one replacement; `install` swaps them into trafilatura's own lists, in place, once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre_constants  # type: ignore[attr-defined]  # Python's own regex parser (3.11+)
from re import _parser as sre_parse  # type: ignore[attr-defined]

from lxml.etree import XPath, XPathSyntaxError

from forumwatch.tasks.prefilter import START, NotLiteral, expand

REGEXP_NS = "http://exslt.org/regular-expressions"
# More strings than this and the regex stays: each contains() converts the attribute to a string again, so a long
# chain costs more than one re:test (measured over trafilatura's filters on the bench pages: 4 is fastest).
MAX_LITERALS = 4

_INSTALLED: list[tuple[XPath, XPath]] = []  # (trafilatura's filter, its replacement), once installed


def literal_alternatives(pattern: str) -> list[tuple[bool, str]]:
    """(anchored at the start, text) for each string the pattern stands for; NotLiteral when it is not that simple."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise NotLiteral(str(exc)) from exc
    if parsed.state.flags & ~(sre_constants.SRE_FLAG_UNICODE | sre_constants.SRE_FLAG_ASCII):
        raise NotLiteral("flags")
    found: dict[tuple[bool, str], None] = {}
    expansions = expand(list(parsed))
    if len(expansions) > MAX_LITERALS:
        raise NotLiteral("too many strings")
    for seq in expansions:
        anchored = bool(seq) and seq[0] == START
        rest = seq[1:] if anchored else seq
        if START in rest:
            raise NotLiteral("^ inside the pattern")
        found[(anchored, "".join(rest))] = None
    return list(found)


def _quoted(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise NotLiteral("both quote characters")


def _literal_test(args: list[str]) -> str:
    """The XPath 1.0 test equivalent to re:test(args[0], args[1]); NotLiteral when there is none."""
    if len(args) != 2 or not _is_quoted(args[1]):
        raise NotLiteral("flags, or a pattern that is not a string")
    tests = [
        f"starts-with({args[0]}, {_quoted(text)})" if anchored else f"contains({args[0]}, {_quoted(text)})"
        for anchored, text in literal_alternatives(args[1][1:-1])
    ]
    return "(" + " or ".join(tests) + ")"


def _unquoted(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, bracket depth before it) for each character of text[start:] outside string literals."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        else:
            yield i, ch, depth
            depth += 1 if ch in "([" else -1 if ch in ")]" else 0


def call_args(path: str, start: int) -> tuple[list[str], int]:
    """The arguments of the call whose '(' is at start - 1, and the index of its closing ')'."""
    args: list[str] = []
    last = start
    for i, ch, depth in _unquoted(path, start):
        if ch in ")]" and depth == 0:
            return [*args, path[last:i].strip()], i
        if ch == "," and depth == 0:
            args.append(path[last:i].strip())
            last = i + 1
    raise NotLiteral("unbalanced call")


def _is_quoted(arg: str) -> bool:
    return len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "'\""


def _guarded(args: list[str], call: str) -> str:
    """A re:test call that is only made when its first argument selects something (an element without the
    attribute is rejected by XPath itself, with no call into Python), where the pattern cannot match ''."""
    if not (2 <= len(args) <= 3 and all(_is_quoted(a) for a in args[1:])):
        return call
    flags = re.IGNORECASE if len(args) == 3 and "i" in args[2][1:-1] else 0
    try:
        if re.search(args[1][1:-1], "", flags) is not None:
            return call
    except re.error:
        return call
    return f"(({args[0]}) and {call})"


def rewrite_path(path: str) -> str:
    """The XPath with every re:test over a literal alternation replaced by contains()/starts-with() tests, and
    every other re:test guarded by its attribute."""
    out, pos = [], 0
    while (found := path.find("re:test(", pos)) >= 0:
        args, end = call_args(path, found + len("re:test("))
        try:
            replacement = _literal_test(args)
        except NotLiteral:
            replacement = _guarded(args, path[found : end + 1])
        out.append(path[pos:found] + replacement)
        pos = end + 1
    out.append(path[pos:])
    return "".join(out)


_NAME_STEP = re.compile(r"(\.?//)\*\[\s*(self::[A-Za-z][\w-]*(?:\s+or\s+self::[A-Za-z][\w-]*)*)\s*\]")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMERIC = re.compile(r"(?<![\w-])\d|\b(?:position|last|count|string-length|sum|number|floor|ceiling|round)\s*\(")


def top_level_parts(path: str) -> list[str]:
    """An XPath union split at its top-level `|` (none inside brackets, parentheses or quotes)."""
    parts, last = [], 0
    for i, ch, depth in _unquoted(path):
        if ch == "|" and depth == 0:
            parts.append(path[last:i])
            last = i + 1
    return [*parts, path[last:]]


def _outside_quotes(path: str, index: int) -> bool:
    return any(i == index for i, _, _ in _unquoted(path))


def _positional(path: str, at: int) -> bool:
    """True when a predicate of the step that continues at `at` may be positional (a number, position(),
    last(), count()...): on a union its position would count over the whole union, not within each parent."""
    while True:
        while at < len(path) and path[at].isspace():
            at += 1
        if at >= len(path) or path[at] != "[":
            return False
        _, close = call_args(path, at + 1)
        if _NUMERIC.search(_QUOTED.sub("", path[at + 1 : close])):
            return True
        at = close + 1


def name_unions(path: str) -> str:
    """Each `.//*[self::div or self::p][P]` step as `(.//div|.//p)[P]`, where P is not positional: the same elements
    in the same (document) order, but libxml2 walks the tree by element name instead of testing every element's
    name in turn (about half the time of trafilatura's filters)."""
    out, pos = [], 0
    for step in _NAME_STEP.finditer(path):
        before = path[: step.start()].rstrip()
        if before[-1:] not in ("", "(", "|") or not _outside_quotes(path, step.start()):
            continue
        if _positional(path, step.end()):
            continue
        names = re.findall(r"self::([A-Za-z][\w-]*)", step[2])
        out.append(path[pos : step.start()] + "(" + "|".join(step[1] + name for name in names) + ")")
        pos = step.end()
    out.append(path[pos:])
    return "".join(out)


LITERAL = r"('[^']*'|\"[^\"]*\")"  # an XPath string literal, its quotes included (one group)
_GROUPABLE = (  # (test on one attribute, the same test on the attribute node, literal must not be empty)
    (re.compile(rf"contains\(\s*@([\w:-]+)\s*,\s*{LITERAL}\s*\)"), "contains(., {})", True),
    (re.compile(rf"starts-with\(\s*@([\w:-]+)\s*,\s*{LITERAL}\s*\)"), "starts-with(., {})", True),
    (re.compile(rf"@([\w:-]+)\s*=\s*{LITERAL}"), ".={}", False),
)
_GUARDED_REGEX = re.compile(r"\(\(@([\w:-]+)\) and re:test\(@([\w:-]+), ('[^']*'(?:, '[^']*')?)\)\)")  # _guarded's form


def _split_at(text: str, word: str) -> list[str]:
    """text split at each `word` (`or`, `and`) that stands between spaces outside brackets and strings."""
    keyword = re.compile(rf"\s{word}\s")
    parts, last = [], 0
    for i, ch, depth in _unquoted(text):
        if depth == 0 and ch.isspace() and i >= last and (found := keyword.match(text, i)):
            parts.append(text[last:i])
            last = found.end()
    return [*parts, text[last:]]


def _or_terms(body: str) -> list[str]:
    """The terms of a predicate's `or` chain, with parenthesised `or` chains in it opened up."""
    terms = []
    for term in (t.strip() for t in _split_at(body, "or")):
        inner = term[1:-1] if term.startswith("(") and call_args(term, 1)[1] == len(term) - 1 else None
        if inner is not None and len(_split_at(inner, "or")) > 1 and len(_split_at(inner, "and")) == 1:
            terms.extend(_or_terms(inner))
        else:
            terms.append(term)
    return terms


def _attribute_test(term: str) -> tuple[str, str] | None:
    """(attribute, the test on the attribute node) for a term that tests one attribute against a literal."""
    for form, on_node, not_empty in _GROUPABLE:
        found = form.fullmatch(term)
        if found and not (not_empty and len(found[2]) == 2):  # contains(@a, '') is true without the attribute
            return found[1], on_node.format(found[2])
    found = _GUARDED_REGEX.fullmatch(term)
    if found and found[1] == found[2]:
        return found[1], f"re:test(., {found[3]})"
    return None


def _grouped(body: str) -> str:
    terms = _or_terms(body)
    by_attribute: dict[str, list[str]] = {}
    others = []
    for term in terms:
        test = _attribute_test(term)
        if test is None:
            others.append(term)
        else:
            by_attribute.setdefault(test[0], []).append(test[1])
    if all(len(tests) < 2 for tests in by_attribute.values()):
        return body
    return " or ".join(others + [f"@{name}[{' or '.join(tests)}]" for name, tests in by_attribute.items()])


def attribute_groups(path: str) -> str:
    """In each predicate, the `or`-ed tests of one attribute against literals as one test on the attribute node:
    `contains(@class, 'a') or @class='b'` -> `@class[contains(., 'a') or .='b']`. The same truth value (a test of
    a missing attribute is false both ways; empty literals and attribute unions are left), but libxml2 finds the
    attribute once instead of once per test (about a fifth of the filters' time)."""
    out, pos = [], 0
    for i, ch, _ in _unquoted(path):
        if ch == "[" and i >= pos:
            _, end = call_args(path, i + 1)
            out.append(path[pos : i + 1] + _grouped(path[i + 1 : end]))
            pos = end
    out.append(path[pos:])
    return "".join(out)


def rewritten(xpath: XPath) -> XPath:
    """The same filter, cheaper; the XPath itself when no rewrite applies (or one fails: a future trafilatura's
    filter that these rewrites do not understand is kept as it is).

    Also without smart strings: with them, every attribute value passed to a remaining re:test builds a Python
    proxy of its element. trafilatura's filters select elements only, which smart strings do not change."""
    try:
        path = attribute_groups(name_unions(rewrite_path(xpath.path)))
        return xpath if path == xpath.path else XPath(path, namespaces={"re": REGEXP_NS}, smart_strings=False)
    except (NotLiteral, XPathSyntaxError):
        return xpath


def original(xpath: XPath) -> XPath:
    """trafilatura's own filter for an installed replacement (the filter itself otherwise)."""
    return next((old for old, new in _INSTALLED if new is xpath), xpath)


def _trafilatura_filter_lists() -> list[list]:
    """trafilatura's filter lists: all are defined in trafilatura.xpaths, and the modules that use them import
    the same list objects, so replacing an item there replaces it everywhere."""
    from trafilatura import xpaths

    return [v for v in vars(xpaths).values() if isinstance(v, list) and any(isinstance(x, XPath) for x in v)]


def install() -> list[tuple[XPath, XPath]]:
    """Swap the rewritten filters into trafilatura's filter lists, in place (once per process); the pairs
    (trafilatura's filter, its replacement)."""
    if not _INSTALLED:
        for filters in _trafilatura_filter_lists():
            for i, xpath in enumerate(filters):
                if isinstance(xpath, XPath) and (new := rewritten(xpath)) is not xpath:
                    filters[i] = new
                    _INSTALLED.append((xpath, new))
    return list(_INSTALLED)
