"""Worker pools end at once on a stop (tasks.workers), even while a worker is being started."""

from __future__ import annotations

import os
import subprocess
import sys

KILL_WHILE_STARTING = """
import multiprocessing, sys, threading
from concurrent.futures import ProcessPoolExecutor
from forumwatch.tasks.workers import kill_pool

context = multiprocessing.get_context("forkserver")
context.set_forkserver_preload(["slow_preload"])  # the forkserver is busy importing for a minute
pool = ProcessPoolExecutor(1, mp_context=context)
threading.Timer(1.0, kill_pool, [pool]).start()  # a stop while the first submit waits for its worker
try:
    pool.submit(abs, -1)
except Exception as exc:
    print("refused:", type(exc).__name__)
else:
    print("started")
"""


def test_kill_pool_ends_a_pool_whose_first_worker_is_still_starting(tmp_path) -> None:
    """The submit that starts the first worker holds the pool's lock while the forkserver imports; kill_pool does
    not wait for that lock: it kills the forkserver, and the submit fails instead of starting a worker."""
    (tmp_path / "slow_preload.py").write_text("import time\ntime.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}  # the forkserver finds the module on its path
    done = subprocess.run(
        [sys.executable, "-c", KILL_WHILE_STARTING], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.stdout.startswith("refused:"), (done.stdout, done.stderr[-2000:])


UNUSED_AHEAD = """
import os, sys, time
from multiprocessing import forkserver
from forumwatch.tasks import enrich

enrich.PRELOAD = "slow_preload"  # the forkserver is busy importing for a minute
enrich.start_pool_ahead(2)
for _ in range(200):  # until the background thread has started the forkserver
    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid:
        break
    time.sleep(0.05)
enrich.shutdown_pool()  # the run had nothing to extract
for _ in range(200):
    try:
        os.waitpid(pid, os.WNOHANG)
        os.kill(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        print("forkserver gone")
        break
    time.sleep(0.05)
else:
    print("forkserver still running")
"""


def test_a_pool_started_ahead_and_never_used_ends_at_once(tmp_path) -> None:
    """A run with nothing to extract does not wait for the workers it started ahead (their forkserver may still
    be importing): shutdown_pool ends them, the forkserver included, and nothing is left running."""
    (tmp_path / "slow_preload.py").write_text("import time\ntime.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", UNUSED_AHEAD], env=env, capture_output=True, text=True, timeout=50)
    assert done.stdout.strip() == "forkserver gone", (done.stdout, done.stderr[-2000:])


def test_frozen_heap_skips_what_was_alive_at_its_start_until_the_outermost_block_ends() -> None:
    """A cycle alive when a block starts is not collected inside it (the full passes skip it), nested blocks
    keep it so, and once the outermost block ends the collector takes it: a long-lived process leaks nothing."""
    import gc
    import weakref

    from forumwatch.tasks.workers import frozen_heap

    class Node:
        pass

    def cycle() -> weakref.ref:
        node = Node()
        node.me = node  # type: ignore[attr-defined]
        return weakref.ref(node)

    assert gc.get_freeze_count() == 0
    with frozen_heap():
        old = cycle()  # made inside the outer block, before the inner one starts: frozen by the inner block
        with frozen_heap():
            new = cycle()  # made inside the inner block: not frozen
            gc.collect()
            assert old() is not None and new() is None
        gc.collect()
        assert old() is not None and gc.get_freeze_count() > 0  # the outer block still holds the frozen objects
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert old() is None
