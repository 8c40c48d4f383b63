"""automations/daily-health.yaml deployed with `prefect automation create --from-file` on a real Prefect server
(shared with tests/test_deployments.py): a Failed run of the daily deployment and a quiet spell with no
`forumwatch.ingest.loaded` event each send a notification (a webhook block pointing at a loopback server)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")
QUIET_SECONDS = 10  # the "nothing new for N days" window, shortened for the test

pytestmark = [pytest.mark.deployment, pytest.mark.timeout(300)]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def wait_for(self, words: str, seconds: float) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if words in json.dumps(message):
                    return message
            time.sleep(0.5)
        raise AssertionError(f"no notification with {words!r}; got {self.messages}")


def webhook() -> tuple[ThreadingHTTPServer, Inbox]:
    inbox = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                inbox.messages.append(json.loads(body))
            except ValueError:
                inbox.messages.append({"raw": body.decode(errors="replace")})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, inbox


def test_daily_health_automations_notify(prefect_api, tmp_path):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.settings import PREFECT_API_URL, temporary_settings

    env = prefect_api
    server, inbox = webhook()
    try:
        with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
            block_id = CustomWebhookNotificationBlock(
                name="forumwatch-test",
                url=f"http://127.0.0.1:{server.server_address[1]}/hook",
                json_data={"subject": "{{subject}}", "body": "{{body}}"},
            ).save("forumwatch-test-hook", overwrite=True)
        text = (ROOT / "automations" / "daily-health.yaml").read_text()
        assert "NOTIFY_BLOCK_ID" in text and "within: 259200" in text
        rendered = tmp_path / "automations.yaml"
        rendered.write_text(
            text.replace("NOTIFY_BLOCK_ID", str(block_id)).replace("within: 259200", f"within: {QUIET_SECONDS}")
        )
        done = subprocess.run(
            [PREFECT, "automation", "create", "--from-file", str(rendered)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr

        api = httpx.Client(base_url=env["PREFECT_API_URL"], timeout=10)
        flow_id = api.post("/flows/", json={"name": "ingest"}).json()["id"]
        deployment = api.post("/deployments/", json={"name": "daily", "flow_id": flow_id}).json()
        run = api.post(f"/deployments/{deployment['id']}/create_flow_run", json={}).json()
        for state in ("RUNNING", "FAILED"):
            response = api.post(
                f"/flow_runs/{run['id']}/set_state",
                json={"state": {"type": state, "message": "0 of 20 sources ok, 20 failed"}, "force": True},
            )
            assert response.is_success, response.text
        failed = inbox.wait_for("daily ingest Failed", 90)
        assert "0 of 20 sources ok" in json.dumps(failed)
        quiet = inbox.wait_for("loaded nothing new", 90)
        assert "forumwatch" in quiet["subject"]
        # the server is shared with test_deployments.py: a code-less "ingest/daily" left here would be the
        # deployment `forumwatch serve` updates there, and its runs would look for flow code at path None
        assert api.delete(f"/deployments/{deployment['id']}").is_success
    finally:
        server.shutdown()
