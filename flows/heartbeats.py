"""Prefect's flow-run heartbeat thread, ended as soon as the flow run ends.

Prefect 3.9's `flow_engine._send_heartbeats` runs a daemon thread that emits a heartbeat, then sleeps one second
at a time until the next one is due, checking between sleeps whether the run has ended; at the run's end the engine
waits for that thread (join, 2 s at most). So every flow run returned 0-1 s after its last step (0.5 s on average),
with nothing left to do: measured on a flow that sleeps 0, 0.3 .. 1.5 s, it returned 1.0, 0.7, 0.4, 0.1, 0.8, 0.5 s
after its body, one second minus the run's time modulo one second. The same function below waits on the stop event
instead of sleeping, so the thread ends as soon as it is told to; the heartbeats go out at the same moments.

Installed over Prefect's function only when its source is, character for character, the one this was written from
(Prefect 3.9.1, SOURCE_SHA256); otherwise Prefect's own runs.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from forumwatch.tasks.replacements import source_hash

# sha256 of inspect.getsource(prefect.flow_engine._send_heartbeats), Prefect 3.9.1
SOURCE_SHA256 = "83e152cb73a04e977ca181188e99b3d583c894892b5456043b2eb51e45dbe996"
_INSTALLED: dict[str, Any] = {}


@contextmanager
def send_heartbeats(engine: Any, join_on_exit: bool = True) -> Iterator[None]:
    """prefect.flow_engine._send_heartbeats (3.9.1), its one-second sleeps replaced by a wait on the stop event."""
    from prefect.flow_engine import MINIMUM_HEARTBEAT_INTERVAL

    heartbeat_seconds = engine.heartbeat_seconds
    if heartbeat_seconds is None:
        yield
        return
    heartbeat_seconds = max(heartbeat_seconds, MINIMUM_HEARTBEAT_INTERVAL)
    resource, related = engine._build_heartbeat_event_template()
    stop_event = threading.Event()

    def heartbeat_loop() -> None:
        while not stop_event.is_set():
            if engine.flow_run and engine.flow_run.state and engine.flow_run.state.is_final():
                engine.logger.debug("Flow run in terminal state, stopping heartbeat")
                return
            try:
                engine._emit_flow_run_heartbeat(resource, related)
            except Exception:
                engine.logger.debug("Failed to emit heartbeat", exc_info=True)
            if stop_event.wait(heartbeat_seconds):  # Prefect: heartbeat_seconds sleeps of 1 s, checking between
                return

    # the calling thread's context (its SettingsContext, hence its PREFECT_API_URL), as Prefect passes it
    heartbeat_ctx = contextvars.copy_context()
    thread = threading.Thread(target=heartbeat_ctx.run, args=(heartbeat_loop,), daemon=True)
    thread.start()
    engine.logger.debug("Started flow run heartbeat context")
    try:
        yield
    finally:
        stop_event.set()
        if join_on_exit:
            thread.join(timeout=2)
        engine.logger.debug("Stopped flow run heartbeat context")


def install() -> bool:
    """Put send_heartbeats in place of Prefect's (once per process); whether it is in place."""
    from prefect import flow_engine

    if not _INSTALLED and source_hash(flow_engine._send_heartbeats) == SOURCE_SHA256:
        _INSTALLED["own"] = flow_engine._send_heartbeats
        flow_engine._send_heartbeats = send_heartbeats
    return bool(_INSTALLED)
