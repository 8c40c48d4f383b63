"""find_places, numbers.mentions and language.detect on one core, in ms a text, over the extracted texts of a bench
corpus (the story-link evidence and the language detector of enrich_page).

    python -m bench.evidence_language CORPUS_DIR [--pages 400] [--against REV] [--rounds 7]

As bench.tag_attribute: with --against, the tasks/places.py, tasks/numbers.py and tasks/language.py of git revision
REV are loaded beside the working ones, the rounds alternate between the two, and the outputs are compared text by
text. Prints one JSON line: the fastest round of each, and how many texts' outputs differ.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import ModuleType

from bench.tag_attribute import Run, _load, compare
from forumwatch.tasks.links import evidence_body


def _runs(places: ModuleType, numbers: ModuleType, language: ModuleType) -> dict[str, Run]:
    gazetteer = places.load_gazetteer()
    return {
        "find_places": lambda _article_id, text: places.find_places(evidence_body(None, text), gazetteer),
        "mentions": lambda _article_id, text: numbers.mentions(evidence_body(None, text)),
        "detect": lambda _article_id, text: language.detect(text),
    }


def revision_runs(rev: str, folder: Path) -> dict[str, Run]:
    """The parts as revision `rev` wrote them."""

    def module(name: str) -> ModuleType:
        source = subprocess.run(["git", "show", f"{rev}:tasks/{name}.py"], capture_output=True, text=True, check=True)
        return _load(f"{name}_{rev}", source.stdout, folder)

    return _runs(module("places"), module("numbers"), module("language"))


def main(argv: list[str] | None = None) -> int:
    def working() -> dict[str, Run]:
        from forumwatch.tasks import language, numbers, places

        return _runs(places, numbers, language)

    return compare(argv, __doc__ or "", working, revision_runs, ("find_places", "mentions", "detect"))


if __name__ == "__main__":
    raise SystemExit(main())
