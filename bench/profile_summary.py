"""Summarise a py-spy `--format raw` profile (collapsed stacks) into shares of CPU by pipeline part."""

from __future__ import annotations

from collections import Counter
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


if __name__ == "__main__":
    import sys

    for name, share in summarise(Path(sys.argv[1])).items():
        print(f"{name:44} {share:6.1%}")
