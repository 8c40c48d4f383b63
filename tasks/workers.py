"""Worker processes that never outlive the command: they die with their parent, ignore the terminal's
SIGINT/SIGTERM (the main process stops them at a batch boundary), and can be ended at once."""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1  # linux/prctl.h


_FROZEN_DEPTH = [0]  # open frozen_heap blocks in this process


@contextmanager
def frozen_heap() -> Iterator[None]:
    """For the block, the cycle collector's full passes skip the objects alive at its start (gc.freeze; they are
    still freed by reference counting): the modules' and Prefect's objects are hundreds of thousands, and each
    full pass walked them again while the run's threads waited on the GIL (0.2 CPU-s a pass, a second a run).
    Blocks nest; the outermost one's end hands the objects back to the collector (a long-lived `serve`)."""
    gc.freeze()
    _FROZEN_DEPTH[0] += 1
    try:
        yield
    finally:
        _FROZEN_DEPTH[0] -= 1
        if _FROZEN_DEPTH[0] == 0:
            gc.unfreeze()


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send `sig` to this process when its parent exits (Linux; a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _watch_parent(pid: int, interval: float = 1.0) -> None:
    while True:
        time.sleep(interval)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


def init_worker(main_pid: int) -> None:
    """In each extraction worker: die with the forkserver that forked it (which ends when the main process
    does) and, as a second guard, when the main process itself is gone; leave SIGINT and SIGTERM to the main
    process, which stops the pool at a batch boundary."""
    die_with_parent()
    if os.getppid() == 1:  # the parent died before the line above ran
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(main_pid,), daemon=True, name="parent-watch").start()


def kill_forkserver() -> None:
    """SIGKILL the forkserver that starts the pools' workers (those it forked die with it). A worker being started
    then fails at once instead of holding its pool's lock while the forkserver imports its modules (seconds);
    the next pool starts a new forkserver."""
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # gone already
        pass


def _processes(pool: ProcessPoolExecutor) -> list:
    """The pool's worker processes, read without its lock (a worker may be starting meanwhile)."""
    for _ in range(5):
        try:
            return list((getattr(pool, "_processes", None) or {}).values())
        except RuntimeError:  # the dict changed size while read: read it again
            continue
    return []


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """End a process pool now: SIGKILL its workers (and, for a forkserver pool, the forkserver) without waiting
    for the pool's lock, then cancel what is queued. Waits for no future of the pool."""
    context = getattr(pool, "_mp_context", None)
    if context is not None and context.get_start_method() == "forkserver":
        kill_forkserver()
    processes = _processes(pool)
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):  # exited, closed, or not started yet
            pass
    pool.shutdown(wait=False, cancel_futures=True)  # takes the pool's lock: a worker start fails by now
    for process in processes:
        process.join(5)
