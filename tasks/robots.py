"""robots.txt rules, fetched once per origin and cached for one fetch run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

# (robots_url, trusted_host) -> (HTTP status or None when unreachable, body or None)
RobotsFetcher = Callable[[str, str | None], tuple[int | None, bytes | None]]


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_rules(status: int | None, body: bytes | None) -> RobotFileParser:
    """Rules from a robots.txt response: 2xx is parsed; a missing, 4xx, 5xx or unreachable
    file means everything is allowed."""
    parser = RobotFileParser()
    if status is not None and 200 <= status < 300 and body is not None:
        parser.parse(body.decode("utf-8", "replace").splitlines())
    else:
        parser.allow_all = True  # type: ignore[attr-defined]  # RobotFileParser's own flag, not in typeshed
    return parser


class RobotsCache:
    """Thread-safe: concurrent requests to one origin wait for a single robots.txt fetch."""

    def __init__(self, fetch: RobotsFetcher, user_agent: str) -> None:
        self._fetch = fetch
        self._agent = user_agent
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, RobotFileParser] = {}

    def allowed(self, url: str, trusted_host: str | None = None) -> bool:
        rules = self.rules_for(url, trusted_host)
        return rules.can_fetch(self._agent, url)

    def rules_for(self, url: str, trusted_host: str | None = None) -> RobotFileParser:
        key = robots_url(url)
        with self._lock:
            origin_lock = self._origin_locks.setdefault(key, threading.Lock())
        with origin_lock:
            if key not in self._rules:
                try:
                    status, body = self._fetch(key, trusted_host)
                except Exception:
                    status, body = None, None
                self._rules[key] = parse_rules(status, body)
            return self._rules[key]
