"""Canonical article URLs: one article, one URL, one id."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from forumwatch.identity import key_of, normal_path

TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "ocid",
    "cmpid",
    "cmp",
    "ito",
    "itm_source",
    "itm_medium",
    "itm_campaign",
    "itm_content",
    "ref_src",
    "ref_url",
    "share",
    "shared",
    "spm",
    "src",
    "ns_source",
    "ns_mchannel",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "pk_campaign",
    "pk_kwd",
    "mkt_tok",
    "trk",
    "trkcampaign",
    "sr_share",
    "rss",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "feature",
    "from",
    "ref",
    "amp",
}
TRACKING_PREFIXES = ("utm_", "__twitter", "at_", "pk_", "mtm_", "hsa_", "ga_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default port, fragment and tracking parameters, sort the query, and put
    the path in normal form (forumwatch.identity.normal_path): one address, one spelling. Never raises: text
    urlsplit cannot read ('http://[x', a port that is no number) comes back stripped and otherwise as given."""
    return _canonical(url, normal_path)


def canonical_url_keeping_path(url: str) -> str:
    """canonical_url with the path as written (the rule before schema version 4); source ids are slugs of it, so
    a configured feed keeps the id it had."""
    return _canonical(url, lambda path: path)


def _canonical(url: str, path_rule: Callable[[str], str]) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        pass
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = port if port and port != DEFAULT_PORTS.get(scheme) else None
    netloc = host if port is None else f"{host}:{port}"
    path = path_rule(re.sub(r"/{2,}", "/", parts.path)) or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = sorted((_encodable(k), _encodable(v)) for k, v in pairs if not _is_tracking(k))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _encodable(text: str) -> str:
    """The text with lone surrogates (not UTF-8) as '?', so the query encodes and sorts the same twice."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def article_id(url: str) -> str:
    """Stable id of an article: the first 16 hex digits of sha1 of its canonical URL."""
    return key_of(canonical_url(url))


def host_of(url: str) -> str:
    """The lower-case host of a URL; '' for a URL without one or one urlsplit cannot read ('http://[x')."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except (ValueError, TypeError, AttributeError):
        return ""


# scheme, then the userinfo: up to the last '@' before the host (a password may hold an unescaped '@')
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s]+)@")


def _hide_password(found: re.Match) -> str:
    user, colon, _ = found[2].partition(":")
    return f"{found[1]}{user}:***@" if colon else f"{found[1]}***@"  # a user name alone is often a token


def redact_credentials(text: str) -> str:
    """A URL, or text quoting URLs, as it may be stored or logged: a password shown as *** (`https://user:***@host/`),
    a user name given alone (often a token) as ***; nothing else changes."""
    return _USERINFO.sub(_hide_password, text) if "@" in text else text
