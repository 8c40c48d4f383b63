"""Find the bundled SQL files and seeds, wherever forumwatch is installed or run from."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path


@lru_cache(maxsize=8)
def _package_dir(package: str) -> Path:
    """Where a package of ours lies (fixed for the process; asked for each seed file's stamp on every page)."""
    return Path(str(resources.files(package)))


def sql_dir() -> Path:
    return _package_dir("forumwatch.sql")


def seeds_dir() -> Path:
    return _package_dir("forumwatch.seeds")


@lru_cache(maxsize=256)
def sql_text(relative: str) -> str:
    """Text of a file under sql/, e.g. sql_text('schema.sql') or sql_text('queries/top.sql'); read once a process
    (the load path asks for the same files every batch)."""
    return (sql_dir() / relative).read_text(encoding="utf-8")


def seed_path(name: str) -> Path:
    return seeds_dir() / name
