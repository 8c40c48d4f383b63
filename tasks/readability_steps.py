"""Three steps of trafilatura's readability fallback (readability_lxml.Document) that do the same work once: the
same tree, the same candidates and scores, the same elements dropped.

Why: with favor_precision trafilatura runs readability on every page to compare its text with its own
extraction, a tenth of trafilatura's time. Its steps repeat work: the class/id regular expressions run on every
element of every page though a site repeats its classes (`remove_unlikely_candidates`, `class_weight`);
`get_link_density` measures the text of a container and of each of its links again for every container that holds
them (`score_paragraphs`: the tree does not change while scoring), and `sanitize` reads an element's text three
times in a row and looks for hidden inputs where there is no input. Here verdicts and weights are remembered by
value, a link's text length is measured once, and an element's text is read
once.

Installed only over the code this was reasoned on: each function named in SOURCE_SHA256 must read, character for
character, as trafilatura 2.3.1's; the regular expressions are taken from trafilatura's module itself.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from forumwatch.tasks.replacements import Remembered, source_hash

LOGGER = logging.getLogger(__name__)
SOURCE_SHA256 = {  # sha256 of inspect.getsource, trafilatura 2.3.1's readability_lxml
    "text_length": "74f7faf7008b34b4385d1c9dc27da9f1db68a5112567781e16bad6f806f45e6e",
    "Document.summary": "e1907e0fd84da8bbbf16e4cbd05772f828079902368a1b793d8ac6b535717854",
    "Document.get_link_density": "5c312c5584ed86565fc3da04bc9b5eac9f8da3f18d14b3f8153e185adb12277e",
    "Document.class_weight": "d97a398e8ac23fa08a2a665958eec52f18a80bae1fa11f72028d2ed2cab4116c",
    "Document.score_node": "05040bfd9ef047e4d57333eef5a6313bc89e2f0ce6ae4a55cf5a2565f0ae10dd",
    "Document.remove_unlikely_candidates": "6ef38c8475242af9ce59c705f7496bffe575c01007de5586d3f616f1ecfd207c",
    "Document.score_paragraphs": "b767f5bd6460a5b9ed2cce581492d620d06f10b0ae96b0e975b461fe865d8a01",
    "Document.sanitize": "84ff3af6fb8bbc7af922b9984449f3d141cf97a8322c68cab190c272920111b5",
}
REPLACED = ("class_weight", "remove_unlikely_candidates", "score_paragraphs", "sanitize")  # Document's methods
_INSTALLED: dict[str, Any] = {}  # method name: trafilatura's own method, once installed


def _lookup(module: Any, dotted: str) -> Any:
    found = module
    for name in dotted.split("."):
        found = getattr(found, name, None)
    return found


def as_expected(module: Any) -> bool:
    """True when the readability module reads as the one these steps were written for."""
    return all(source_hash(_lookup(module, name)) == digest for name, digest in SOURCE_SHA256.items())


def steps(module: Any) -> dict[str, Callable[..., Any]]:
    """The replacement methods, reading the regular expressions and helpers of trafilatura's `module`."""
    regexes, text_length = module.REGEXES, module.text_length
    unlikely, maybe = regexes["unlikelyCandidatesRe"].search, regexes["okMaybeItsACandidateRe"].search
    negative, positive = regexes["negativeRe"].search, regexes["positiveRe"].search
    frame_tags, list_tags, clean_elems, trim = module.FRAME_TAGS, module.LIST_TAGS, module.TEXT_CLEAN_ELEMS, module.trim

    @Remembered
    def is_unlikely(attrs: str) -> bool:
        low = attrs.lower()
        return bool(unlikely(low)) and not maybe(low)

    @Remembered
    def weight_of(class_and_id: tuple[str | None, str | None]) -> float:
        weight = 0
        for attribute in filter(None, class_and_id):
            if negative(attribute):
                weight -= 25
            if positive(attribute):
                weight += 25
        return weight

    def class_weight(elem) -> float:
        return weight_of((elem.get("class"), elem.get("id")))

    def remove_unlikely_candidates(self) -> None:
        for elem in self.doc.findall(".//*"):
            attrs = " ".join(filter(None, (elem.get("class"), elem.get("id"))))
            if len(attrs) >= 2 and elem.tag not in frame_tags and is_unlikely(attrs):
                elem.drop_tree()

    def link_density(elem, content_length: int, links: dict) -> float:
        """get_link_density, with the element's own text length given and its links' lengths kept in `links`."""
        link_length = 0
        for link in elem.iterdescendants("a"):
            length = links.get(link)
            if length is None:
                length = links[link] = text_length(link)
            link_length += length
        return link_length / (content_length or 1)

    def score_paragraphs_once(self) -> dict:
        candidates: dict = {}
        score_node = module.Candidate
        for elem in self.doc.iter("p", "pre", "td"):
            parent_node = elem.getparent()
            if parent_node is None:
                continue
            grand_parent_node = parent_node.getparent()
            elem_text = trim(elem.text_content())
            elem_text_len = len(elem_text)
            if elem_text_len < self.min_text_length:
                continue
            for node in (parent_node, grand_parent_node):
                if node is not None and node not in candidates:
                    candidates[node] = score_node(
                        class_weight(node) + module.TAG_SCORES.get(str(node.tag).lower(), 0), node
                    )
            score = 1 + len(elem_text.split(",")) + min((elem_text_len / 100), 3)
            candidates[parent_node].score += score
            if grand_parent_node is not None:
                candidates[grand_parent_node].score += score / 2
        links: dict = {}  # the tree does not change while scoring
        for elem, candidate in candidates.items():
            candidate.score *= 1 - link_density(elem, text_length(elem), links)
        return candidates

    def sanitize(self, node, candidates: dict) -> str:
        for header in list(node.iter("h1", "h2", "h3", "h4", "h5", "h6")):
            if class_weight(header) < 0 or self.get_link_density(header) > 0.33:
                header.drop_tree()
        for elem in list(node.iter("form", "textarea")):
            elem.drop_tree()
        for elem in list(node.iter("iframe")):
            if "src" in elem.attrib and regexes["videoRe"].search(elem.attrib["src"]):
                elem.text = "VIDEO"
            else:
                elem.drop_tree()
        # a link's text length, measured once: the elements are visited from the last, so everything inside a link
        # is visited (and dropped or kept) before any container of the link asks for its length
        links: dict = {}
        for elem in reversed(list(node.iter("table", "ul", "div", "aside", "header", "footer", "section"))):
            weight = class_weight(elem)
            score = candidates[elem].score if elem in candidates else 0
            if weight + score < 0:
                elem.drop_tree()
                continue
            content = elem.text_content()
            if content.count(",") >= 10:
                continue
            counts = Counter(e.tag for e in elem.iterdescendants(*clean_elems))
            counts["li"] -= 100
            if counts["input"]:
                counts["input"] -= len(elem.findall('.//input[@type="hidden"]'))
            content_length = len(trim(content))
            if counts["p"] and counts["img"] > 1 + counts["p"] * 1.3:
                to_remove = True
            elif counts["li"] > counts["p"] and elem.tag not in list_tags:
                to_remove = True
            elif counts["input"] > (counts["p"] / 3):
                to_remove = True
            elif content_length < self.min_text_length and (counts["img"] == 0 or counts["img"] > 2):
                to_remove = True
            elif link_density(elem, content_length, links) > (0.5 if weight >= 25 else 0.2):
                to_remove = True
            elif (counts["embed"] == 1 and content_length < 75) or counts["embed"] > 1:
                to_remove = True
            elif not content_length:
                nearest = (
                    next((n for sib in sibs if (n := text_length(sib))), 0)
                    for sibs in (elem.itersiblings(), elem.itersiblings(preceding=True))
                )
                to_remove = sum(nearest) <= 1000
            else:
                to_remove = False
            if to_remove:
                LOGGER.debug("readability removed %s with score %6.3f and weight %s", elem.tag, score, weight)
                elem.drop_tree()
        return module.tostring(node, encoding=str, method="xml")

    return {
        "class_weight": lambda self, elem: class_weight(elem),
        "remove_unlikely_candidates": remove_unlikely_candidates,
        "score_paragraphs": score_paragraphs_once,
        "sanitize": sanitize,
    }


def install() -> bool:
    """Swap the steps into trafilatura's readability Document (once per process); whether they are installed."""
    from trafilatura import readability_lxml

    if not _INSTALLED and as_expected(readability_lxml):
        for name, method in steps(readability_lxml).items():
            _INSTALLED[name] = getattr(readability_lxml.Document, name)
            setattr(readability_lxml.Document, name, method)
    return bool(_INSTALLED)


def uninstalled() -> dict[str, Any]:
    """trafilatura's own methods, by name (for tests that compare the two)."""
    from trafilatura import readability_lxml

    return {name: _INSTALLED.get(name, getattr(readability_lxml.Document, name)) for name in REPLACED}
