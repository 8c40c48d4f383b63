"""robots.txt rules and Crawl-delay, fetched once per origin and cached for one run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

# (robots_url, trusted_host, crawl delay of the source asking or None) -> (HTTP status or None when
# unreachable, body or None)
RobotsFetcher = Callable[[str, str | None, float | None], tuple[int | None, bytes | None]]


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_rules(status: int | None, body: bytes | None, agent: str = "*") -> RobotFileParser:
    """Rules from a robots.txt response: 2xx is parsed; a missing, 4xx, 5xx or unreachable
    file means everything is allowed."""
    parser = RobotFileParser()
    if status is not None and 200 <= status < 300 and body is not None:
        text = body.decode("utf-8", "replace")
        parser.parse(text.splitlines())
        parser.forumwatch_crawl_delay = parse_crawl_delay(text, agent)  # type: ignore[attr-defined]
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

    def allowed(self, url: str, trusted_host: str | None = None, delay: float | None = None) -> bool:
        rules = self.rules_for(url, trusted_host, delay)
        return rules.can_fetch(self._agent, url)

    def crawl_delay(self, url: str, trusted_host: str | None = None) -> float | None:
        """The Crawl-delay robots.txt asks of our user agent (or of every agent), in seconds; None if none."""
        return _crawl_delay(self.rules_for(url, trusted_host), self._agent)

    def known_crawl_delay(self, url: str) -> float | None:
        """crawl_delay without fetching: None while the origin's robots.txt is not in the cache yet."""
        rules = self._rules.get(robots_url(url))
        return _crawl_delay(rules, self._agent) if rules is not None else None

    def rules_for(self, url: str, trusted_host: str | None = None, delay: float | None = None) -> RobotFileParser:
        key = robots_url(url)
        with self._lock:
            origin_lock = self._origin_locks.setdefault(key, threading.Lock())
        with origin_lock:
            if key not in self._rules:
                try:
                    status, body = self._fetch(key, trusted_host, delay)
                except Exception:
                    status, body = None, None
                self._rules[key] = parse_rules(status, body, self._agent)
            return self._rules[key]


def parse_crawl_delay(text: str, agent: str) -> float | None:
    """The Crawl-delay of the group that names our agent (else of the '*' group), decimals allowed
    (urllib.robotparser reads whole seconds only); None when absent, malformed, negative or not finite."""
    token = agent.split("/")[0].strip().lower()
    found: dict[str, float] = {}  # 'agent' | '*' -> seconds
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        field, value = (part.strip() for part in line.split(":", 1))
        field = field.lower()
        if field == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
            continue
        in_rules = True
        if field != "crawl-delay":
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        if not (0 <= seconds < float("inf")):
            continue
        for name in agents:
            key = "*" if name == "*" else ("agent" if name and name in token else None)
            if key and key not in found:
                found[key] = seconds
    return found.get("agent", found.get("*"))


def _crawl_delay(rules: RobotFileParser, agent: str) -> float | None:
    seconds = getattr(rules, "forumwatch_crawl_delay", None)
    return seconds if seconds else None
