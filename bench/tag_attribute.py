"""tag_article and attribute on one core, in ms a text, over the extracted texts of a bench corpus.

    python -m bench.tag_attribute CORPUS_DIR [--pages 400] [--against REV] [--rounds 7]

The corpus is made (bench.pages.ensure_corpus, 40 hosts) when CORPUS_DIR holds none. With --against, the
tasks/tag.py, tasks/attribute.py and tasks/prefilter.py of git revision REV are loaded beside the working ones,
the rounds alternate between the two, and the outputs are compared text by text. Prints one JSON line: the
fastest round of each, and how many texts' outputs differ.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.bare import read_pages
from bench.pages import ensure_corpus

Run = Callable[[str, str], Any]


def _load(name: str, source: str, folder: Path) -> ModuleType:
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def revision_runs(rev: str, folder: Path) -> dict[str, Run]:
    """tag_article and attribute as revision `rev` wrote them (with its prefilter), with their seed rules."""

    def show(path: str) -> str:
        return subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, text=True, check=True).stdout

    prefilter = f"prefilter_{rev}"
    _load(prefilter, show("tasks/prefilter.py"), folder)
    own = f"from {prefilter} import"
    tag = _load(f"tag_{rev}", show("tasks/tag.py").replace("from forumwatch.tasks.prefilter import", own), folder)
    attr = _load(
        f"attr_{rev}", show("tasks/attribute.py").replace("from forumwatch.tasks.prefilter import", own), folder
    )
    return _runs(tag, attr)


def _runs(tag: ModuleType, attr: ModuleType) -> dict[str, Run]:
    rules, agencies = tag.load_rules(), attr.load_agencies()
    return {
        "tag_article": lambda article_id, text: tag.tag_article(article_id, text, rules),
        "attribute": lambda _article_id, text: attr.attribute(text, agencies),
    }


def texts_of(root: Path, pages: int) -> list[tuple[str, str]]:
    from forumwatch.tasks.extract import PageInput, extract_page

    ensure_corpus(root, pages, 40)
    now = datetime(2026, 12, 6)
    out = []
    for url, html in read_pages(root, lambda i: f"http://127.0.1.{i + 1}:8790", pages):
        page = extract_page(PageInput(url, "s", html, now))
        if page.text:
            out.append((page.article_id, page.text))
    return out


def ms_a_text(run: Run, texts: list[tuple[str, str]]) -> float:
    start = time.process_time()
    for article_id, text in texts:
        run(article_id, text)
    return (time.process_time() - start) / len(texts) * 1000


def main(argv: list[str] | None = None) -> int:
    def working() -> dict[str, Run]:
        from forumwatch.tasks import attribute, tag

        return _runs(tag, attribute)

    return compare(argv, __doc__ or "", working, revision_runs, ("tag_article", "attribute"))


def compare(
    argv: list[str] | None,
    doc: str,
    working: Callable[[], dict[str, Run]],
    revision: Callable[[str, Path], dict[str, Run]],
    parts: tuple[str, ...],
) -> int:
    """The command line of a bench comparing the working parts with a revision's (see this module's docstring)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--against", help="a git revision whose modules run beside the working ones")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    texts = texts_of(args.corpus, args.pages)
    variants = {"working": working()}
    with tempfile.TemporaryDirectory() as folder:
        if args.against:
            variants[args.against] = revision(args.against, Path(folder))
        report: dict[str, Any] = {"texts": len(texts)}
        for part in parts:
            outputs = [[_plain(runs[part](a, t)) for a, t in texts] for runs in variants.values()]
            report[f"{part} texts differing"] = sum(len({repr(o) for o in same}) > 1 for same in zip(*outputs))
            rounds: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(args.rounds):
                for name, runs in variants.items():
                    rounds[name].append(ms_a_text(runs[part], texts))
            report.update({f"{part} ms {name}": round(min(ms), 3) for name, ms in rounds.items()})
    print(json.dumps(report))
    return 0


def _plain(value: Any) -> Any:
    """A part's output as plain data: dataclasses (of either revision's module) as dicts, sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return sorted(value) if isinstance(value, set | frozenset) else value


if __name__ == "__main__":
    raise SystemExit(main())
