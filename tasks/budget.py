"""A run's time budget: once it is spent no request starts, and no wait is begun that would end after it."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

SKIPPED = "skipped: the run's time budget"  # how the error of every request the budget kept from starting begins


class BudgetError(ValueError):
    """A time budget that cannot be used; the message says why."""


def check_minutes(value: object) -> float:
    """A budget in minutes: a finite number, 0 (no budget) or more; fractions allowed."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise BudgetError(f"max_minutes must be a number of minutes, 0 (no budget) or more, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Budget:
    minutes: float
    deadline: float  # time.monotonic() from which it is spent

    @classmethod
    def start(cls, minutes: float) -> Budget | None:
        """A budget of `minutes` from now; None for 0 (no budget)."""
        minutes = check_minutes(minutes)
        return cls(minutes, time.monotonic() + minutes * 60) if minutes else None

    def spent(self, at: float | None = None) -> bool:
        """True once the deadline has come (or will have come at `at`, a time.monotonic() value)."""
        return (time.monotonic() if at is None else at) >= self.deadline

    def error(self, until: str | None = None) -> str:
        """The error of a request not started: the budget was spent, or it ends before the wait the request had
        to make (`until`: 'the host's crawl delay is over') was over."""
        why = f"ends before {until}" if until else "was spent"
        return f"{SKIPPED} ({self.minutes:g} min) {why}; tried again next run"


def is_skipped(error: str | None) -> bool:
    """The error of a request the run's time budget kept from starting."""
    return bool(error) and error.startswith(SKIPPED)  # type: ignore[union-attr]
