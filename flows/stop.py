"""Clean stops: SIGINT/SIGTERM ask the running flow to stop at its next batch boundary.

The command line (forumwatch.cli) calls `graceful_signals()` around a flow; the flows call `check_stop()`
between batches (and pass `stop_requested` to the fetcher so queued requests are skipped). A second
signal stops at once (the default behaviour of that signal).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LATE_STOP = "stop requested after the last batch boundary; the run finished its work and completed"
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + signal number, as shells report them

_stop = threading.Event()
_signum: list[int] = []
_graceful = threading.Event()  # set while the command line wants signals handled at batch boundaries


class RunInterrupted(Exception):
    """A stop was requested (SIGINT/SIGTERM); raised at a batch boundary, after the last batch was loaded."""

    def __init__(self, signum: int | None) -> None:
        self.signum = signum
        name = signal.Signals(signum).name if signum else "a stop request"
        super().__init__(f"interrupted by {name}; everything loaded before it is kept, rerun to continue")


_callbacks: list[Callable[[], None]] = []


def on_stop(callback: Callable[[], None]) -> None:
    """Run `callback` (in a thread of its own) when a stop is requested, e.g. to end worker processes at once."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def _run_callbacks() -> None:
    for callback in list(_callbacks):
        try:
            callback()
        except Exception:  # a stop must go on whatever a callback does
            pass


def request_stop(signum: int | None = None) -> None:
    if signum is not None and not _signum:
        _signum.append(signum)
    first = not _stop.is_set()
    _stop.set()
    if first:
        threading.Thread(target=_run_callbacks, daemon=True, name="forumwatch-stop").start()


def stop_requested() -> bool:
    return _stop.is_set()


def stop_signal() -> int | None:
    return _signum[0] if _signum else None


def reset() -> None:
    _stop.clear()
    _signum.clear()


def check_stop() -> None:
    """Raise RunInterrupted if a stop was requested (call at batch boundaries only)."""
    if _stop.is_set():
        raise RunInterrupted(stop_signal())


def _handler(signum: int, frame) -> None:
    if _stop.is_set():  # the second signal: no more waiting
        signal.signal(signum, signal.SIG_DFL)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        signal.raise_signal(signum)
        return
    request_stop(signum)


def arm() -> None:
    """(Re)install the handlers in this (main) thread if the command line asked for graceful stops. Flows call
    it as they start, because Prefect's engine installs its own SIGTERM handler for the flow run."""
    if not _graceful.is_set() or threading.current_thread() is not threading.main_thread():
        return
    for signum in EXIT_CODES:
        signal.signal(signum, _handler)


@contextmanager
def graceful_signals() -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM request a stop at the next batch boundary. A stop requested in
    the block ends with it: read `stop_signal()` inside the block; later flows in this process start unstopped."""
    previous = {signum: signal.getsignal(signum) for signum in EXIT_CODES}
    reset()
    _graceful.set()
    arm()
    try:
        yield
    finally:
        _graceful.clear()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        reset()
