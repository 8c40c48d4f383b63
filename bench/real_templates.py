"""Bench pages built on real saved news pages: the page's whole markup kept, its story replaced by ours.

Generated templates are cheap for trafilatura (a 100 KB generated page takes it ~8 ms, a real one 30-70 ms:
real pages nest deeper, carry more markup and more candidate dates), so a throughput ratio measured on them
flatters bare trafilatura. These templates are real pages (postlight/parser's fixtures, MIT; see
bench/templates/PROVENANCE.md) with five markers put in place once, by `prepare`:

- `__TITLE__`: the <title>, the first <h1> and og:title;
- `__BODY__`: the article's paragraphs (the element with the most paragraph text keeps one <p>__BODY__</p>);
- `__DATE__`: every ISO date in the page (meta, <time>, JSON-LD, scripts), so the story's date wins, and an
  article:published_time meta where the page had none;
- `__URL__`: the canonical link and og:url.

    python -m bench.real_templates build PARSER_CHECKOUT   # rewrites bench/templates/*.html.gz
    python -m bench.real_templates check                   # trafilatura finds each template's story again
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from datetime import datetime
from html import escape
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
ISO_DATE = re.compile(
    r"\b(?:19|20)\d\d-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d)?(?:\.\d+)?(?:Z|[+-][0-2]\d:?[0-5]\d)?)?\b"
)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
NOT_NEWS = (
    "github.com",
    "genius.com",
    "pastebin.com",
    "twitter.com",
    "www.youtube.com",
    "www.reddit.com",
    "www.linkedin.com",
    "clinicaltrials.gov",
    "biorxiv.org",
    "fandom.wikia.com",
)
MIN_SHARE = 0.9  # of our story's words trafilatura must find in a template for it to be kept
MIN_PARAGRAPH = 40  # characters: shorter <p> are captions, bylines and buttons, not story text


def _story_container(tree):
    """The element whose direct <p> children hold the most text (at least three real paragraphs)."""
    best, best_chars = None, 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        paragraphs = [p for p in element if p.tag == "p" and len(p.text_content().strip()) >= MIN_PARAGRAPH]
        chars = sum(len(p.text_content()) for p in paragraphs)
        if len(paragraphs) >= 3 and chars > best_chars:
            best, best_chars = element, chars
    return best


def prepare(html: str) -> str | None:
    """A real page with the markers in place, or None when it has no recognisable story container."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(XML_DECLARATION.sub("", html))
    container = _story_container(tree)
    if container is None:
        return None
    paragraphs = [p for p in container if p.tag == "p"]
    first = paragraphs[0]
    for p in paragraphs[1:]:
        p.drop_tree()
    for child in list(first):
        first.remove(child)
    first.text = "__BODY__"
    first.attrib.clear()
    for title in tree.iter("title"):
        title.text = "__TITLE__"
    for h1 in list(tree.iter("h1"))[:1]:
        for child in list(h1):
            h1.remove(child)
        h1.text = "__TITLE__"
    for meta in tree.iter("meta"):
        if meta.get("property") in ("og:title", "twitter:title") or meta.get("name") == "twitter:title":
            meta.set("content", "__TITLE__")
        if meta.get("property") == "og:url":
            meta.set("content", "__URL__")
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            link.set("href", "__URL__")
    head = tree.find("head")
    if head is not None and not tree.xpath("//meta[@property='article:published_time']"):
        # the story's date in the markup, as news pages give it: without it a page kept only its own old dates
        # written as words, which a WARC backfill (no feed date) read as the story's and left out of its range
        head.append(lxml_html.Element("meta", property="article:published_time", content="__DATE__"))
    out = lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
    out = ISO_DATE.sub("__DATE__", out)
    return out if "__BODY__" in out and "__TITLE__" in out else None


def render(template: str, url: str, title: str, paragraphs: list[str], published: datetime) -> str:
    """One page: the template with our headline, story, date and address."""
    body = "</p><p>".join(escape(p, quote=False) for p in paragraphs)
    return (
        template.replace("__BODY__", body, 1)
        .replace("__TITLE__", escape(title))
        .replace("__DATE__", published.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
        .replace("__URL__", escape(url))
    )


def load_templates() -> list[tuple[str, str]]:
    """(name, template) for every stored template, in name order."""
    return [
        (path.name.removesuffix(".html.gz"), gzip.decompress(path.read_bytes()).decode("utf-8"))
        for path in sorted(TEMPLATES.glob("*.html.gz"))
    ]


def recovered_share(template: str) -> float:
    """Words of a known story that default trafilatura finds in the rendered template, over the story's words."""
    from trafilatura import bare_extraction

    story = [
        f"Paragraph {i} of the bench story says the delegation met at the forum and discussed {i} topics in detail."
        for i in range(12)
    ]
    html = render(template, "http://127.0.1.1:8790/news/x.html", "Bench story headline", story, datetime(2026, 1, 2))
    doc = bare_extraction(html, url="http://127.0.1.1:8790/news/x.html", with_metadata=True)
    found = set((doc.text or "").split()) if doc is not None else set()
    words = " ".join(story).split()
    return sum(w in found for w in words) / len(words)


def build(checkout: Path, limit: int) -> None:
    """Prepare every fixture page of a postlight/parser checkout; keep those whose story trafilatura finds."""
    TEMPLATES.mkdir(exist_ok=True)
    for old in TEMPLATES.glob("*.html.gz"):
        old.unlink()
    kept = 0
    for path in sorted((checkout / "fixtures").glob("*.html")):
        if kept >= limit:
            break
        if path.name.startswith(NOT_NEWS) or "--empty" in path.name:
            continue
        template = prepare(path.read_bytes().decode("utf-8", "replace"))
        share = recovered_share(template) if template else 0.0
        print(f"{path.name}: {'kept' if share >= MIN_SHARE else 'dropped'} ({share:.2f} of the story found)")
        if template and share >= MIN_SHARE:
            name = path.name.removesuffix(".html")
            (TEMPLATES / f"{name}.html.gz").write_bytes(gzip.compress(template.encode("utf-8"), 9, mtime=0))
            kept += 1
    print(f"{kept} templates in {TEMPLATES}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("checkout", type=Path)
    b.add_argument("--limit", type=int, default=60)
    sub.add_parser("check")
    args = parser.parse_args()
    if args.command == "build":
        build(args.checkout, args.limit)
        return
    bad = [(name, share) for name, t in load_templates() if (share := recovered_share(t)) < MIN_SHARE]
    for name, share in bad:
        print(f"{name}: only {share:.2f} of the story found")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
