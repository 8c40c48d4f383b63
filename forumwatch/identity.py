"""How stored rows are keyed: the normal form of a URL path, article ids and story ids (core: no project imports)."""

from __future__ import annotations

import hashlib
import string

UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# kept as written: printable ASCII but the space and '%' (which starts an escape). Characters RFC 3986 does not
# allow in a path but every client sends raw ('|', '{', '^') stay too: ASCII URLs keep the ids they had.
KEPT = frozenset(chr(code) for code in range(0x21, 0x7F)) - {"%"}
HEX_DIGITS = frozenset(string.hexdigits)
# RE2 / Python regex matching a URL (scheme://host/path?query) whose path normal_path would change: a character
# that is not printable ASCII, an escape that is not two hex digits, lower-case hex, or an escaped unreserved
# character. The schema 4 migration finds stored URLs with it in one SQL pass.
UNNORMAL_PATH_PATTERN = (
    r"^[^/?#]*//[^/?#]*[^?#]*?"
    r"([^!-~]"
    r"|%([^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|[0-9A-Fa-f]?$)"
    r"|%([0-9A-F][a-f]|[a-f][0-9A-Fa-f])"
    r"|%(2[DE]|3[0-9]|[46][1-9A-F]|[57][0-9A]|5F|7E))"
)


def _escape(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))


def normal_path(path: str) -> str:
    """A URL path in RFC 3986 (6.2.2) / RFC 3987 (3.1) normal form: characters other than KEPT (non-ASCII,
    spaces, controls) as UTF-8 percent-escapes, escapes in upper-case hex, escaped unreserved characters
    decoded, reserved escapes (%2F, %3F, %25) kept; a '%' that starts no escape is '%25'."""
    if KEPT.issuperset(path):  # printable ASCII and no '%' (most paths): nothing to change
        return path
    out = []
    i = 0
    while i < len(path):
        ch = path[i]
        pair = path[i + 1 : i + 3]
        if ch == "%" and len(pair) == 2 and set(pair) <= HEX_DIGITS:
            decoded = chr(int(pair, 16))
            out.append(decoded if decoded in UNRESERVED else "%" + pair.upper())
            i += 3
            continue
        out.append(ch if ch in KEPT else _escape(ch))
        i += 1
    return "".join(out)


def key_of(canonical: str) -> str:
    """The id of the article at a canonical URL: the first 16 hex digits of sha1 of it."""
    return hashlib.sha1(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def story_id_for(representative_id: str) -> str:
    """Story ids derive from the representative (earliest member), hence from membership alone."""
    return "st_" + hashlib.sha1(representative_id.encode("utf-8")).hexdigest()[:16]
