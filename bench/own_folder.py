"""Folders the benchmarks make, delete and make again: never one they did not make."""

from __future__ import annotations

import shutil
from pathlib import Path

MARKER = ".forumwatch-bench"


def remake(folder: Path, also_ours: tuple[str, ...] = ()) -> None:
    """Empty `folder` (made if missing) for a new bench run; refuse one with files this bench did not put there.

    A folder is ours when it holds MARKER, or one of `also_ours` (files only a bench writes), or nothing."""
    if folder.exists() and any(folder.iterdir()):
        if not any((folder / name).exists() for name in (MARKER, *also_ours)):
            raise SystemExit(f"{folder} holds files a forumwatch bench did not make: give a new or empty folder")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by a forumwatch bench; deleted and made again by its next run\n")
