"""Article identity from the page's own <link rel="canonical">, when it can be trusted to name this article."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from tld import get_tld

from forumwatch.tasks.urls import canonical_url

MAX_HREF_CHARS = 2048  # longer canonical hrefs are garbage, not URLs
HOST_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")
URL_WHITESPACE = re.compile(r"[\t\n\r]")  # the URL standard strips these anywhere in a URL
AMP_SEGMENTS = {"amp", "amp.html"}


@dataclass(frozen=True)
class Identity:
    url: str  # the article's canonical URL: the page's declared canonical when accepted, else the fetched URL
    note: str | None = None  # why a canonical the page declared was not used


def canonical_hrefs(tree) -> list[str]:
    """The href of every <link> in the page's <head> whose rel tokens include 'canonical' (as search engines
    read it: a canonical link in <body> is ignored)."""
    root = tree.getroottree().getroot()
    head = root.find("head") if isinstance(root.tag, str) else None
    hrefs = []
    for link in head.iter("link") if head is not None else ():
        tokens = str(link.get("rel") or "").lower().split()
        if "canonical" in tokens:
            hrefs.append(str(link.get("href") or ""))
    return hrefs


def _host(url: str) -> str | None:
    """The host of an absolute http(s) URL in canonical form; None when it is not one."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0..65535
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.username is not None or parts.password is not None:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    return host if HOST_NAME.match(host) else None


@lru_cache(maxsize=4096)
def site_of(host: str) -> str:
    """The schemeless site of a host: its registrable domain by the public suffix list (a top-level domain not
    on the list is a public suffix by the list's default rule '*': amp.planet.example -> planet.example), else
    the host itself (IP addresses, single labels such as 'localhost', hosts that are themselves a suffix)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    labels = host.split(".")
    found = get_tld("http://" + host, as_object=True, fail_silently=True)
    if found is None:
        return ".".join(labels[-2:])
    if not found.domain or found.fld == found.tld:  # type: ignore[union-attr]
        return host
    return str(found.fld).lower()  # type: ignore[union-attr]


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _article_segments(path: str) -> list[str]:
    """Path segments of a page with its AMP markers removed (/amp/x, /x/amp, /x.amp.html)."""
    out = []
    for segment in _segments(path):
        if segment.lower() in AMP_SEGMENTS:
            continue
        out.append(re.sub(r"\.amp(\.html?)?$", lambda m: m.group(1) or "", segment, flags=re.IGNORECASE))
    return out


def is_section_of(canonical: str, fetched: str) -> bool:
    """The canonical names the site's homepage or a section above the fetched article: its path is '/'
    (and it has no query naming an article), or a shorter leading part of the article's path whose last
    segment is a word or a date part (/world/, /world/2023; /news/12345 may well be the article itself)."""
    c, f = urlsplit(canonical), urlsplit(fetched)
    c_segments, f_segments = _segments(c.path), _article_segments(f.path)
    if c_segments == f_segments:
        return False
    if not c_segments:
        return not c.query
    shorter = len(c_segments) < len(f_segments) and f_segments[: len(c_segments)] == c_segments
    return shorter and not c.query and not _names_article(c_segments[-1])


def _names_article(segment: str) -> bool:
    """A path segment that can name an article: it holds a digit and is not a bare year, month or day."""
    return any(ch.isdigit() for ch in segment) and not (segment.isdigit() and len(segment) <= 4)


def _resolve(href: str, base: str) -> str | None:
    """The canonical form of an href resolved against the page's URL; None for garbage."""
    href = URL_WHITESPACE.sub("", href).strip(" \x0c")
    if not href or len(href) > MAX_HREF_CHARS or any(ord(ch) < 0x20 or ch == " " for ch in href):
        return None
    try:
        absolute = urljoin(base, href)
        if _host(absolute) is None:
            return None
        return canonical_url(absolute)
    except (ValueError, UnicodeError):
        return None


def page_identity(hrefs: list[str], fetched_url: str, final_url: str | None = None) -> Identity:
    """The URL that identifies a fetched article: the page's canonical link when it is one http(s) URL on the
    same site as the page (ports ignored) and not a homepage or section, else the URL it was fetched under.
    `hrefs` come from canonical_hrefs(); relative ones resolve against the final URL (after redirects)."""
    fetched = canonical_url(fetched_url)
    if not hrefs:
        return Identity(fetched)
    try:
        base = final_url or fetched_url
        return _judge(hrefs, fetched, base, fetched if base == fetched_url else canonical_url(base))
    except (ValueError, UnicodeError) as exc:  # a URL no rule foresaw: the fetched URL, never an exception
        return Identity(fetched, f"canonical link unreadable ({type(exc).__name__}); kept the fetched URL")


def _judge(hrefs: list[str], fetched: str, base: str, page: str) -> Identity:
    """The identity the canonical links give a page fetched as `fetched`, read from `base` (`page` in canonical
    form)."""
    resolved = {_resolve(href, base) for href in hrefs}
    shown = repr(hrefs[0][:200])
    if len(resolved) > 1:
        return Identity(fetched, f"{len(resolved)} different canonical links; kept the fetched URL")
    [canonical] = resolved
    if canonical is None:
        return Identity(fetched, f"canonical link {shown} is not an http(s) URL; kept the fetched URL")
    page_host, canonical_host = _host(page), _host(canonical)
    if page_host is None or canonical_host is None or site_of(page_host) != site_of(canonical_host):
        return Identity(fetched, f"canonical link {shown} is on another site; kept the fetched URL")
    if is_section_of(canonical, page):
        return Identity(fetched, f"canonical link {shown} names a homepage or section; kept the fetched URL")
    return Identity(canonical)


SHINGLE_CHARS = 8  # characters per shingle: works for spaced and unspaced (Chinese, Japanese) scripts alike
SAME_TEXT_SHARE = 0.5  # of the shorter text's shingles found in the other: the same page (an AMP copy, a variant)


def _shingles(text: str) -> set[str]:
    squeezed = "".join((text or "").lower().split())
    return {squeezed[i : i + SHINGLE_CHARS] for i in range(0, max(1, len(squeezed) - SHINGLE_CHARS + 1))}


def same_page_text(a: str, b: str) -> bool:
    """Whether two extracted texts are one page's (a variant, a shortened AMP copy): most of the shorter
    text's character shingles are in the other. Different articles of one site share few."""
    first, second = _shingles(a), _shingles(b)
    if not first or not second:
        return False
    return len(first & second) >= SAME_TEXT_SHARE * min(len(first), len(second))
