"""netguard: URL checks (no network needed) and the connection-level peer check (local server)."""

from __future__ import annotations

import pytest
import requests
from pytest_httpserver import HTTPServer

from forumwatch.tasks import netguard
from forumwatch.tasks.netguard import check_url, ip_refusal


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",  # decimal
        "http://0x7f.1/",  # hex + short form
        "http://0177.0.0.1/",  # octal
        "http://017700000001/",
        "http://127.1/",
        "http://0/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[::ffff:7f00:1]/",
        "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1:8080/x",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://224.0.0.1/",
        "http://[ff02::1]/",
        "http://240.0.0.1/",
        "http://100.64.0.1/",
        "http://localhost/",  # a name that resolves to loopback
        "https://LOCALHOST./",
    ],
)
def test_non_public_addresses_are_refused(url: str) -> None:
    reason = check_url(url, trusted_host="example.org")
    assert reason is not None and reason.startswith("refused:"), reason


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/"])
def test_only_http_and_https(url: str) -> None:
    assert "not http/https" in (check_url(url, None) or "")


@pytest.mark.parametrize("url", ["", "not a url", "http://", "http://example.org:99999/"])
def test_malformed_urls_are_refused_not_raised(url: str) -> None:
    assert check_url(url, None) is not None


def test_public_literals_are_allowed() -> None:
    assert check_url("http://8.8.8.8/", None) is None
    assert check_url("https://[2606:4700:4700::1111]/x", None) is None


def test_trusted_host_and_allow_list() -> None:
    assert check_url("http://127.0.0.1:8000/feed.xml", trusted_host="127.0.0.1") is None
    assert check_url("http://LocalHost./feed", trusted_host="localhost") is None
    assert check_url("http://10.0.0.1/", None, allow_private_hosts={"10.0.0.1"}) is None
    # the exemption is for the host as written, not for other spellings or other hosts
    assert check_url("http://2130706433/", trusted_host="127.0.0.1") is not None
    assert check_url("http://localhost/", trusted_host="127.0.0.1") is not None
    assert check_url("http://10.0.0.2/", trusted_host="10.0.0.1") is not None


def test_ip_refusal_reasons() -> None:
    assert ip_refusal("127.0.0.1") == "a loopback address"
    assert ip_refusal("10.1.2.3") == "a private address"
    assert ip_refusal("169.254.169.254") == "a link-local address"
    assert ip_refusal("::ffff:10.0.0.1") == "a private address"
    assert ip_refusal("fe80::1%eth0") == "a link-local address"
    assert ip_refusal("93.184.216.34") is None


@pytest.fixture
def local_server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    server.expect_request("/").respond_with_data("hi")
    yield server
    server.stop()


def _guarded_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", netguard.GuardedAdapter(max_retries=0))
    return session


def test_connection_to_private_peer_is_refused_even_after_url_check(local_server: HTTPServer) -> None:
    """Simulates DNS rebinding: the URL check is skipped, the socket's real peer is checked."""
    session = _guarded_session()
    with netguard.policy([]), pytest.raises(netguard.NetguardRefused, match="127.0.0.1 is|connected to 127.0.0.1"):
        session.get(local_server.url_for("/"), timeout=2)
    with netguard.policy(["127.0.0.1"]):
        assert session.get(local_server.url_for("/"), timeout=2).text == "hi"
    session.close()


def test_watchdog_cuts_a_connection(local_server: HTTPServer) -> None:
    import time

    local_server.expect_request("/slow").respond_with_handler(lambda r: (time.sleep(3), "late")[1])
    session = _guarded_session()
    started = time.monotonic()
    watchdog = netguard.Watchdog(0.5)
    with watchdog, netguard.policy(["127.0.0.1"], watchdog), pytest.raises(requests.ConnectionError):
        session.get(local_server.url_for("/slow"), timeout=10)
    assert watchdog.fired and time.monotonic() - started < 2
    session.close()


def test_watchdogs_share_one_thread_fire_in_deadline_order_and_never_after_their_block() -> None:
    """A short watchdog entered after a long one still fires first; one whose block ended never fires."""
    import threading
    import time

    ended = netguard.Watchdog(0.05)
    with ended:
        pass
    long, short = netguard.Watchdog(60), netguard.Watchdog(0.1)
    before = threading.active_count()
    with long, short:
        assert threading.active_count() <= before  # no thread of their own
        deadline = time.monotonic() + 10  # a bound for a busy machine, not a timing check
        while not short.fired and time.monotonic() < deadline:
            time.sleep(0.02)
        assert short.fired and not long.fired
    time.sleep(0.1)
    assert not ended.fired and not long.fired
