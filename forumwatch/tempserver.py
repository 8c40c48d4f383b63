"""The temporary Prefect server a command runs its flow against when no PREFECT_API_URL is set.

Prefect would start one itself, in the command's process group: Ctrl-C in a terminal then kills the server
first and the run hangs on its API calls; a SIGKILL of the command leaves the server running. This one runs
in a session of its own (the terminal's signals do not reach it), dies with the command (PR_SET_PDEATHSIG),
and is stopped when the command ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    from forumwatch.tasks.workers import die_with_parent

    die_with_parent(signal.SIGKILL)


def _start(port: int) -> subprocess.Popen:
    import prefect
    from prefect.settings import get_current_settings

    env = {
        **os.environ,
        **get_current_settings().to_environment_variables(exclude_unset=True),
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(Path(prefect.__file__).parent.parent),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # not in the terminal's foreground group: Ctrl-C reaches only the command
        preexec_fn=_die_with_parent,
    )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_temporary_server(timeout: float | None = None) -> tuple[subprocess.Popen, str]:
    """Start a Prefect API server child on a free loopback port; (process, API URL) once it is healthy."""
    if timeout is None:
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180") or 180)
    for _attempt in range(3):  # a port taken between choosing and binding: try another
        port = _free_port()
        proc = _start(port)
        url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        stop_server(proc)
    raise RuntimeError(f"the temporary Prefect server did not start within {timeout:.0f}s")


@contextmanager
def prefect_api() -> Iterator[str | None]:
    """Yield the API URL flows report to: the configured one, or a temporary server's for the block's duration."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    configured = get_current_settings().api.url
    if configured:
        yield configured
        return
    proc, url = start_temporary_server()
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            try:
                yield url
            finally:
                _drain()
    finally:
        stop_server(proc)


def _drain(timeout: float = 10) -> None:
    """Send the logs and events still queued while the server is up (not to a stopped one at exit)."""
    try:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=timeout)
        EventsWorker.drain_all(timeout=timeout)
    except Exception:  # only bookkeeping of the run's logs is at stake
        pass
