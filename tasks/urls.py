"""Canonical article URLs: one article, one URL, one id."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
    """Lower-case scheme and host, drop default port, fragment and tracking parameters, sort the query."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        pass
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else None
    netloc = host if port is None else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def article_id(url: str) -> str:
    """Stable id of an article: the first 16 hex digits of sha1 of its canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]


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
