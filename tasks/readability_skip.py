"""trafilatura's readability comparison, skipped in precision mode when readability's text cannot be chosen: the
same body and text as compare_extraction returns.

Why: with favor_precision, compare_extraction prunes the raw page (OVERALL_DISCARD_XPATH) and runs readability on
it on every page (a sixth of trafilatura's time) only to compare the lengths of the two texts; precision mode
takes readability's text only when it is more than twice as long as its own, or when its own body has no
paragraph text or more tables than paragraphs. Readability's text is made of the page's own text: it drops
elements and moves text into new paragraphs in the same order, adds "VIDEO" into a video iframe, and its summary
is written out as XML and read back by the HTML parser, which can only drop text, except inside the elements it
reads as raw text (there `&lt;` stays as it is) or element children of title and textarea. So
with none of those, its whitespace-joined text is no longer than the page's (scripts and styles aside: it drops
them first) plus six characters a video iframe: when that bound is at most twice the own text, with the own
body well formed, readability cannot win, and neither the prune nor readability is needed (nothing reads the raw
tree afterwards in precision mode).

Installed (by trafilatura_copies) only over the code this was reasoned on: SOURCE_SHA256.
"""

from __future__ import annotations

import logging
from typing import Any

from lxml.etree import XPath

from forumwatch.tasks import readability_steps
from forumwatch.tasks.replacements import source_hash

LOGGER = logging.getLogger(__name__)
SOURCE_SHA256 = {  # sha256 of inspect.getsource, trafilatura 2.3.1
    "external.compare_extraction": "2d3d1ffea3ba469f7cfe7a0198968d7ff7dfc1fe50842605761644a044858962",
    "external._prefer_readability": "f6ee688e9ae60074642c284b175e2a995b78c14062f6ed6f87dad9bd7d383658",
    "external.try_readability": "538e3c8e5ab7e4d4348bb412b120e19c3eb4882f1e7030525f490bea3ad772e3",
    "utils.fromstring_bytes": "c5ee8713366ea137d9878879786774139d7ab95c0fd755fa55002fd6ab8a0880",
    "readability_lxml.Document.summary": "e1907e0fd84da8bbbf16e4cbd05772f828079902368a1b793d8ac6b535717854",
    "readability_lxml.Document.get_article": "74d0291fdcd8bd3c97c14d89944d8108dfd9701b32dff23bac880b967738bede",
    "readability_lxml.Document.remove_unlikely_candidates": (
        "6ef38c8475242af9ce59c705f7496bffe575c01007de5586d3f616f1ecfd207c"
    ),
    "readability_lxml.Document.sanitize": "84ff3af6fb8bbc7af922b9984449f3d141cf97a8322c68cab190c272920111b5",
    "readability_lxml.Document.transform_misused_divs_into_paragraphs": (
        "8c48b6cf632ab198e165937a7f37229fd091520ec1b07b1b6b1e83f777f91271"
    ),
}
VIDEO_ALLOWANCE = len(" VIDEO")  # sanitize writes "VIDEO" into a video iframe
# read back longer by the HTML parser (libxml2 2.14): raw-text elements (an escaped character stays escaped, markup
# stays text; an iframe's own text is replaced or dropped by sanitize, its element children are not)...
RAW_TEXT_TAGS = frozenset(("xmp", "plaintext", "noembed", "noframes"))
# ... and element children of RCDATA elements (their text is read back as it was)
NO_CHILDREN_TAGS = frozenset(("iframe", "title", "textarea"))
DROPPED_FIRST = frozenset(("script", "style"))  # readability drops them (and fencedframes) before anything
_STRING = XPath("string()", smart_strings=False)


def as_expected() -> bool:
    """True when trafilatura's comparison and readability read as the ones this was reasoned on."""
    import trafilatura

    own_steps = readability_steps.uninstalled()  # trafilatura's methods, whether or not the steps are installed

    def lookup(dotted: str) -> Any:
        found: Any = trafilatura
        for name in dotted.split("."):
            found = (
                own_steps[name]
                if found is trafilatura.readability_lxml.Document and name in own_steps
                else (getattr(found, name, None))
            )
        return found

    return all(source_hash(lookup(name)) == digest for name, digest in SOURCE_SHA256.items())


def readability_length_bound(tree) -> int | None:
    """The longest text (trimmed) readability can return for this raw tree; None when it cannot be told.

    The page's text, trimmed, is the bound: taking characters out of a text never makes its trimmed form longer.
    The text of a script or style without children is taken out: all of its characters, and all of its words
    but the first and last (which may run on into the text around it)."""
    words = (_STRING(tree) + (tree.tail or "")).split()
    characters, count, videos = sum(map(len, words)), len(words), 0
    for element in tree.iter(*RAW_TEXT_TAGS, *NO_CHILDREN_TAGS, *DROPPED_FIRST):
        tag = element.tag
        if tag in DROPPED_FIRST:
            if len(element) == 0 and element.text:
                inner = element.text.split()
                characters -= sum(map(len, inner))
                count -= max(0, len(inner) - 2)
        elif tag in RAW_TEXT_TAGS or len(element):
            return None
        elif tag == "iframe":
            videos += 1
    return characters + max(count - 1, 0) + VIDEO_ALLOWANCE * videos


def readability_cannot_win(tree, body, text: str, options: Any) -> bool:
    """In precision mode, whether _prefer_readability is False whatever readability makes of this tree."""
    if options.focus != "precision" or not text:
        return False
    try:
        bound = readability_length_bound(tree)
        if bound is None or bound > 2 * len(text):
            return False
        return bound <= 2 * options.min_extracted_size or (
            bool(body.xpath(".//p//text()")) and len(body.findall(".//table")) <= len(body.findall(".//p"))
        )
    except Exception as exc:  # a page lxml cannot measure: trafilatura's own comparison runs, as without the skip
        LOGGER.debug("readability bound not made: %s", exc)
        return False


def compare_without_readability(cleaned_tree, body, text: str, options: Any) -> tuple[Any, str]:
    """compare_extraction's own steps when readability is not chosen: the justext rescue of an unclean or short
    extraction."""
    from trafilatura import external

    len_text = len(text)
    unclean = bool(body.xpath(external.SANITIZED_XPATH))
    if unclean or len_text < options.min_extracted_size:
        body2, text2 = external.justext_rescue(cleaned_tree, options)
        len_text2 = len(text2)
        if unclean:
            accept = len_text <= external.JUSTEXT_OVERRIDE_RATIO * len_text2 and (
                len_text2 > len_text or not options.images or body.find(".//graphic") is None
            )
        else:
            accept = len_text < len_text2
        if text2 and accept:
            body, text = body2, text2
    return body, text
