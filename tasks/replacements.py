"""What the modules that put exact equivalents in place of a library's code share: the hash that tells whether a
library function still reads as the one a replacement was written from, and a bounded memo of verdicts by value."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from typing import Any

MAX_REMEMBERED = 20_000  # verdicts a memo keeps (then it starts again)
MAX_REMEMBERED_CHARS = 200  # longer keys are worked out each time: a hostile page must not fill memory


def source_hash(function: Any) -> str:
    """sha256 of the function's source (followed through decorators); empty when there is none to read."""
    try:
        return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()
    except (OSError, TypeError):
        return ""


def _chars(key: str | tuple[str | None, ...]) -> int:
    return len(key) if isinstance(key, str) else sum(len(text) for text in key if text)


class Remembered:
    """function(key), remembered by key (a page repeats its classes and ids, and so do the pages of a site); a key
    (a string, or a tuple of strings and None) of more than MAX_REMEMBERED_CHARS characters in all is not kept."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function
        self.verdicts: dict[Any, Any] = {}

    def __call__(self, key: str | tuple[str | None, ...]) -> Any:
        found = self.verdicts.get(key, self)
        if found is self:
            found = self.function(key)
            if _chars(key) <= MAX_REMEMBERED_CHARS:
                if len(self.verdicts) >= MAX_REMEMBERED:
                    self.verdicts.clear()
                self.verdicts[key] = found
        return found
