"""flows/heartbeats.py: Prefect's flow-run heartbeats, their thread ended as soon as the run ends."""

from __future__ import annotations

import threading

from prefect import flow, flow_engine
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from forumwatch.flows import (
    heartbeats,
    steps,  # noqa: F401  (importing the flows installs the replacement)
)
from forumwatch.tasks.replacements import source_hash


def test_the_replacement_is_in_place_over_the_prefect_code_it_was_written_from() -> None:
    """Fails when a Prefect upgrade changes _send_heartbeats: then Prefect's own runs, and this module must be
    read against the new code (kept, changed or dropped)."""
    assert heartbeats.install()
    assert flow_engine._send_heartbeats is heartbeats.send_heartbeats
    assert source_hash(heartbeats._INSTALLED["own"]) == heartbeats.SOURCE_SHA256


def _heartbeat_threads() -> list[threading.Thread]:
    """Threads running a heartbeat loop (the thread runs `context.run(heartbeat_loop)`)."""
    return [
        t
        for t in threading.enumerate()
        if any(getattr(a, "__name__", "") == "heartbeat_loop" for a in getattr(t, "_args", ()))
    ]


def test_a_flow_run_still_sends_heartbeats_and_leaves_no_heartbeat_thread(prefect_harness, monkeypatch) -> None:
    sent: list[str] = []
    emit = flow_engine.FlowRunEngine._emit_flow_run_heartbeat

    def counted(self, resource, related):  # Prefect's own emission, counted
        sent.append(str(self.flow_run.id))
        return emit(self, resource, related)

    monkeypatch.setattr(flow_engine.FlowRunEngine, "_emit_flow_run_heartbeat", counted)
    seen: list[list[threading.Thread]] = []

    @flow
    def beating() -> int:
        seen.append(_heartbeat_threads())
        return 1

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}):
        state = beating(return_state=True)
    assert state.is_completed()
    assert len(sent) >= 1 and set(sent) == {str(state.state_details.flow_run_id)}  # the first one, at the start
    assert len(seen[0]) == 1  # the run had its heartbeat thread ...
    assert not seen[0][0].is_alive()  # ... which ended with the run
