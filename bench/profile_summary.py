"""Summarise a py-spy `--format raw` profile (collapsed stacks) into shares of CPU by pipeline part."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

# first matching rule wins; matched against the whole stack, innermost frames first
RULES = [
    (
        "idle (waiting, sleeping, polling)",
        (
            "select (selectors",
            "poll (selectors",
            "wait (threading",
            "acquire (",
            "sleep (",
            "_recv_bytes (",
            "accept (socket",
            "recv_into (",
            "epoll",
            "_worker (concurrent/futures/thread",
            "read (multiprocessing",
        ),
    ),
    ("trafilatura: lxml HTML parse", ("fromstring (lxml", "document_fromstring (lxml", "load_html (trafilatura")),
    ("trafilatura: date search (htmldate)", ("htmldate",)),
    ("trafilatura: metadata", ("extract_metadata (trafilatura",)),
    ("trafilatura: main extraction", ("trafilatura",)),
    ("page dates (tasks/dates.py)", ("tasks/dates.py",)),
    ("attribution + tagging", ("tasks/attribute.py", "tasks/tag.py")),
    ("story grouping (tasks/dedupe.py)", ("tasks/dedupe.py",)),
    ("story-link evidence and links (places, numbers)", ("tasks/links.py", "tasks/places.py", "tasks/numbers.py")),
    ("language (tasks/language.py, py3langid)", ("tasks/language.py", "py3langid")),
    (
        "our extraction around trafilatura (tasks/extract.py, page_metadata, canonical, charset)",
        ("tasks/extract.py", "tasks/page_metadata.py", "tasks/canonical.py", "tasks/enrich.py"),
    ),
    ("DuckDB load (tasks/load.py, sql)", ("tasks/load.py", "duckdb")),
    ("raw archive (WARC, gzip)", ("warcio", "tasks/warc.py")),
    ("HTTP fetch (requests, charset)", ("tasks/fetch.py", "requests/", "urllib3", "charset")),
    ("process pool pickling / IPC", ("multiprocessing", "concurrent/futures/process")),
    (
        "Prefect (engine, API client, server)",
        ("prefect", "uvicorn", "httpx", "sqlalchemy", "anyio", "starlette", "fastapi", "pydantic", "aiosqlite"),
    ),
    ("bench server", ("bench/server.py", "http/server.py", "socketserver")),
    ("imports", ("_find_and_load",)),
]


def classify(stack: str) -> str:
    frames = [f for f in stack.split(";") if not f.startswith("process ")][::-1]  # py-spy's process labels
    stack = ";".join(frames[::-1])  # (a process's command line names the .duckdb file: not a frame)
    inner = ";".join(frames[:3])
    for name, needles in RULES[:1]:
        if any(n in inner for n in needles):
            return name
    if "_find_and_load" in stack:
        return "imports"
    for name, needles in RULES[1:]:
        if any(n in stack for n in needles):
            return name
    return "other"


def summarise(path: Path, top: int = 16) -> dict[str, float]:
    counts: Counter = Counter()
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            counts[classify(stack)] += int(n)
    busy = {k: v for k, v in counts.items() if not k.startswith("idle")}
    total = sum(busy.values()) or 1
    return {k: v / total for k, v in sorted(busy.items(), key=lambda kv: -kv[1])[:top]}


PROJECT = re.compile(r"^(.*?) \((?:flows|tasks|forumwatch|bench)/([^:)]+)")


def flow_process_stacks(path: Path) -> Iterator[tuple[list[str], int]]:
    """(frames, samples) of the profile's root process only (the flow process: no nested process label)."""
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        if stack and n.isdigit() and sum(f.startswith("process ") for f in frames) == 1:
            yield [f for f in frames if not f.startswith("process ")], int(n)


def top_functions(path: Path, top: int = 12) -> dict[str, float]:
    """The flow process's busy samples by their innermost project function (imports apart, and the library
    leaf for samples outside project code), as shares of its busy samples."""
    counts: Counter = Counter()
    for frames, n in flow_process_stacks(path):
        if classify(";".join(frames)).startswith("idle"):
            continue
        if any("_find_and_load" in f for f in frames):
            counts["imports"] += n
            continue
        inner = next((m for f in reversed(frames) if (m := PROJECT.match(f))), None)
        leaf = frames[-1].split(" (")[0] if frames else "?"
        counts[f"{inner.group(1)} ({inner.group(2)})" if inner else f"library: {leaf}"] += n
    total = sum(counts.values()) or 1
    return {k: v / total for k, v in counts.most_common(top)}


if __name__ == "__main__":
    import sys

    for name, share in summarise(Path(sys.argv[1])).items():
        print(f"{name:44} {share:6.1%}")
    print("\nflow process, by innermost project function:")
    for name, share in top_functions(Path(sys.argv[1]), 20).items():
        print(f"{name:70} {share:6.1%}")
