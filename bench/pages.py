"""A deterministic corpus of realistic news pages and their feeds, for the throughput benchmark.

Each page is a full outlet template (50-150 KB): head with stylesheets, inline scripts and
JSON-LD, a header showing the crawl day, a large navigation menu, breaking-news ticker,
breadcrumbs, the article (400-900 words of varied text, a dateline and wire credit on wire
copies, "ALSO READ" and previous/next links inside), share and tag blocks, related stories,
comments, two sidebars ("Latest from Top News", "Most read") and a big footer. About half the
pages are syndicated copies of wire stories carried by several outlets under new headlines.

With `--templates real` (the default) each outlet's pages are built instead on a real saved news page
(bench/real_templates.py: the page's whole markup kept, its headline, story, dates and address replaced):
generated templates are several times cheaper for trafilatura than real pages, which flatters it.

    python -m bench.pages OUT_DIR --pages 5000 --outlets 40 [--templates real|generated]

writes OUT_DIR/<outlet>/feed.xml, OUT_DIR/<outlet>/news/<slug>.html and OUT_DIR/corpus.json.
"""

from __future__ import annotations

import argparse
import json
import random
import string
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bench import own_folder, real_templates

SEED = 20251031
TEMPLATE_KINDS = ("real", "generated")

COUNTRIES = [
    "China",
    "Russia",
    "India",
    "the United States",
    "Japan",
    "Vietnam",
    "the Philippines",
    "Indonesia",
    "Australia",
    "Germany",
    "France",
    "Pakistan",
    "Iran",
    "Singapore",
    "Malaysia",
    "South Korea",
    "Ukraine",
    "Brazil",
    "South Africa",
    "Turkey",
]
PLACES = [
    "Beijing",
    "Moscow",
    "New Delhi",
    "Singapore",
    "Munich",
    "Washington",
    "Tokyo",
    "Hanoi",
    "Manila",
    "Jakarta",
    "Canberra",
    "Kyiv",
    "Islamabad",
    "Tehran",
    "Seoul",
    "Kuala Lumpur",
    "Berlin",
    "Paris",
]
AGENCIES = [
    ("ANI", "({place}) [{country}], {mon} {day} (ANI): "),
    ("PTI", "{place}, {mon} {day} (PTI) "),
    ("IANS", "{place}, {mon} {day} (IANS) "),
    ("Reuters", "{place} (Reuters) - "),
    ("AFP", "{place} (AFP) - "),
    ("Xinhua", "{place}, {mon} {day} (Xinhua) -- "),
]
FORUMS = [
    "Beijing Xiangshan Forum",
    "Xiangshan Forum",
    "Shangri-La Dialogue",
    "Munich Security Conference",
    "Raisina Dialogue",
]
PEOPLE = [
    "Zhang Youxia",
    "Dong Jun",
    "Sergei Shoigu",
    "Lloyd Austin",
    "Rajnath Singh",
    "Wang Yi",
    "Andrey Belousov",
    "Pete Hegseth",
    "Antonio Guterres",
    "Rafael Grossi",
]
TOPIC_PHRASES = [
    "joint military exercises between Chinese and Russian armed forces",
    "the naval drills near the Sea of Japan",
    "arms control and the future of the New START treaty",
    "nuclear testing and the Comprehensive Nuclear-Test-Ban Treaty",
    "the war in Ukraine and prospects for a ceasefire",
    "drone and missile strikes on Kyiv and Kharkiv",
    "tensions around Second Thomas Shoal in the South China Sea",
    "patrols near the Spratly Islands",
    "strategic stability and non-proliferation",
    "defence industrial cooperation",
    "maritime security in the Indo-Pacific",
    "supply chains for critical minerals",
    "counter-terrorism cooperation",
    "cyber security norms",
    "peace talks and a negotiated settlement",
    "sanctions on energy exports",
    "border infrastructure in the Himalayas",
]
FILLER = (
    "analysts officials delegates ministers observers diplomats experts commanders envoys spokesperson "
    "cooperation security stability region dialogue partnership framework agreement consensus pressure "
    "measures capabilities exchanges mechanisms concerns interests priorities commitments challenges "
    "statement meeting session panel keynote address briefing communique declaration initiative "
    "economic political military strategic regional global bilateral multilateral maritime nuclear "
    "emphasised stressed noted warned urged welcomed rejected criticised announced signalled reiterated "
    "said added argued insisted suggested acknowledged described called pledged proposed outlined "
    "important significant growing sustained urgent broader deeper practical mutual long-term "
    "trade investment energy technology infrastructure climate health migration food markets growth "
    "yesterday today earlier later meanwhile however moreover nevertheless therefore indeed"
).split()
NAV_WORDS = [
    "World",
    "India",
    "China",
    "Asia",
    "Europe",
    "Americas",
    "Middle East",
    "Africa",
    "Business",
    "Markets",
    "Tech",
    "Science",
    "Health",
    "Sports",
    "Cricket",
    "Football",
    "Opinion",
    "Editorial",
    "Columns",
    "Lifestyle",
    "Travel",
    "Food",
    "Entertainment",
    "Bollywood",
    "Videos",
    "Photos",
    "Podcasts",
    "Defence",
    "Diplomacy",
    "Economy",
    "Education",
    "Environment",
    "Auto",
    "Real Estate",
    "Jobs",
    "Weather",
]
FIRST = ["Arjun", "Mei", "Olga", "Lucas", "Priya", "Kenji", "Fatima", "Daniel", "Ana", "Rahul", "Sofia", "Omar"]
LAST = ["Sharma", "Wang", "Petrova", "Schmidt", "Nair", "Tanaka", "Khan", "Miller", "Silva", "Gupta", "Rossi", "Ali"]


@dataclass
class Page:
    outlet: str
    path: str  # /news/<slug>.html
    title: str
    published_at: str  # ISO, UTC
    story: str  # story key: copies of one wire story share it
    n_words: int
    n_bytes: int


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(n))


def _sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        s = (
            f"{rng.choice(PEOPLE)} told the {rng.choice(FORUMS)} that {rng.choice(COUNTRIES)} and "
            f"{rng.choice(COUNTRIES)} would deepen {rng.choice(TOPIC_PHRASES)} {_words(rng, rng.randint(4, 12))}"
        )
    elif kind < 0.45:
        s = f"{rng.choice(COUNTRIES)} {_words(rng, rng.randint(3, 8))} on {rng.choice(TOPIC_PHRASES)} {_words(rng, rng.randint(3, 10))}"
    elif kind < 0.55:
        s = (
            f"According to {rng.choice(['Xinhua', 'TASS', 'Reuters', 'the Global Times', 'RIA Novosti'])}, "
            f"the talks in {rng.choice(PLACES)} covered {rng.choice(TOPIC_PHRASES)} {_words(rng, rng.randint(2, 8))}"
        )
    else:
        s = _words(rng, rng.randint(10, 28))
    s = s[0].upper() + s[1:]
    return s + rng.choice([".", ".", ".", ".", "?", "!"])


def _story_body(rng: random.Random, n_words: int) -> list[str]:
    paras, total = [], 0
    while total < n_words:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
        paras.append(para)
        total += len(para.split())
    return paras


def _headline(rng: random.Random) -> str:
    a, b = rng.sample(COUNTRIES, 2)
    verb = rng.choice(["vow to deepen", "discuss", "clash over", "sign pact on", "hold talks on", "warn over"])
    topic = rng.choice(
        [
            "military ties",
            "arms control",
            "Ukraine settlement",
            "South China Sea patrols",
            "nuclear testing",
            "maritime security",
            "defence cooperation",
            "strategic stability",
        ]
    )
    where = rng.choice(FORUMS + PLACES)
    return f"{a[0].upper() + a[1:]} and {b} {verb} {topic} at {where}"


def _blob(rng: random.Random, n: int) -> str:
    """Minified-looking JavaScript of about n characters."""
    parts, size = [], 0
    while size < n:
        name = "".join(rng.choices(string.ascii_letters, k=rng.randint(2, 6)))
        piece = rng.choice(
            [
                f"var {name}=function(e,t){{return e&&t?e[t]||null:void 0}};",
                f"window.{name}=window.{name}||[];{name}.push({{event:'gtm.js',ts:{rng.randint(10**9, 10**10)}}});",
                f"function {name}(a){{for(var i=0;i<a.length;i++){{if(a[i].id==='{name}')return a[i]}}return null}}",
                f"var {name}={{'slot':'/{rng.randint(1000, 9999)}/{name}','sizes':[[300,250],[728,90]],'targeting':{{'pos':'{rng.choice(['top', 'mid', 'btf'])}'}}}};",
            ]
        )
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


class Template:
    """One outlet's page template: its class names, menus and the number of blocks around the body."""

    def __init__(self, index: int, rng: random.Random) -> None:
        self.index = index
        self.slug = f"outlet{index:02d}"
        self.name = (
            f"{rng.choice(['The', 'Daily', 'Asian', 'Global', 'National', 'Eastern'])} "
            f"{rng.choice(['Herald', 'Wire', 'Post', 'Bulletin', 'Times', 'Observer', 'Chronicle'])} {index}"
        )
        self.country = rng.choice(["IN", "GB", "US", "SG", "AU", "PK", "BD", "LK", "AE", "MY"])
        p = rng.choice(["td", "jeg", "wp", "site", "nw", "ct"])
        self.cls = {
            k: f"{p}-{k}{rng.randint(1, 9)}"
            for k in (
                "header",
                "nav",
                "menu",
                "item",
                "main",
                "content",
                "post",
                "entry",
                "sidebar",
                "widget",
                "footer",
                "related",
                "comments",
                "share",
                "tags",
                "ticker",
                "crumbs",
            )
        }
        self.menu = [
            (w, [rng.choice(NAV_WORDS) for _ in range(rng.randint(3, 9))])
            for w in rng.sample(NAV_WORDS, rng.randint(12, 24))
        ]
        self.sidebar_items = rng.randint(10, 20)
        self.related = rng.randint(6, 14)
        self.footer_links = rng.randint(40, 90)
        self.style = "".join(
            f".{self.cls['item']}-{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}"
            for i in range(rng.randint(80, 200))
        )


def _link(base: str, rng: random.Random) -> str:
    return f"{base}/news/{'-'.join(rng.choice(FILLER) for _ in range(5))}-{rng.randint(10000, 99999)}.html"


def render(
    t: Template,
    rng: random.Random,
    base: str,
    path: str,
    title: str,
    paras: list[str],
    published: datetime,
    crawl_day: datetime,
    credit: str | None,
) -> str:
    c = t.cls
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    desc = paras[0][:200]
    iso = published.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "description": desc,
            "datePublished": iso,
            "dateModified": iso,
            "author": {"@type": "Person", "name": author},
            "publisher": {
                "@type": "Organization",
                "name": t.name,
                "logo": {"@type": "ImageObject", "url": f"{base}/logo.png"},
            },
            "mainEntityOfPage": f"{base}{path}",
            "image": [f"{base}/img/{rng.randint(1, 10**6)}.jpg"],
        }
    )
    crumbs = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": i + 1, "name": n, "item": f"{base}/{n.lower()}/"}
                for i, n in enumerate(["Home", "World", "Asia"])
            ],
        }
    )
    h = []
    h.append(
        f'<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>{escape(title)} | {escape(t.name)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{escape(desc, {chr(34): "&quot;"})}">'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{escape(title, {chr(34): "&quot;"})}">'
        f'<meta property="og:url" content="{base}{path}"><meta property="og:site_name" content="{escape(t.name)}">'
        f'<meta property="article:published_time" content="{iso}"><link rel="canonical" href="{base}{path}">'
    )
    for i in range(rng.randint(4, 10)):
        h.append(
            f'<link rel="stylesheet" href="{base}/wp-content/themes/t{t.index}/css/s{i}.css?ver={rng.randint(1, 999)}">'
        )
    h.append(f"<style>{t.style}</style>")
    h.append(
        f'<script type="application/ld+json">{jsonld}</script><script type="application/ld+json">{crumbs}</script>'
    )
    h.append(f"<script>{_blob(rng, rng.randint(2000, 6000))}</script></head>")
    h.append(
        f'<body class="post-template-default single single-post {c["main"]}"><div id="page">'
        f'<header class="{c["header"]}"><div class="topbar"><span class="date">Today: {crawl_day:%A, %d %B %Y}</span>'
        f'<a href="{base}/subscribe">Subscribe</a> <a href="{base}/login">Sign in</a></div>'
        f'<a class="logo" href="{base}/"><img src="{base}/logo.png" alt="{escape(t.name)}"></a>'
    )
    h.append(f'<nav class="{c["nav"]}"><ul class="{c["menu"]}">')
    for word, subs in t.menu:
        h.append(
            f'<li class="{c["item"]} menu-item-has-children"><a href="{base}/{word.lower().replace(" ", "-")}/">{word}</a><ul class="sub-menu">'
        )
        h.extend(
            f'<li class="{c["item"]}"><a href="{base}/{word.lower()}/{s.lower().replace(" ", "-")}/">{s}</a></li>'
            for s in subs
        )
        h.append("</ul></li>")
    h.append("</ul></nav>")
    h.append(f'<div class="{c["ticker"]}"><strong>Breaking</strong><ul>')
    h.extend(f'<li><a href="{_link(base, rng)}">{escape(_headline(rng))}</a></li>' for _ in range(rng.randint(4, 8)))
    h.append("</ul></div></header>")
    h.append(
        f'<div class="{c["main"]}"><div class="{c["content"]}"><div class="{c["crumbs"]}"><a href="{base}/">Home</a> » '
        f'<a href="{base}/world/">World</a> » <span>{escape(title)}</span></div>'
    )
    h.append(
        f'<article class="{c["post"]} post type-post status-publish"><h1 class="entry-title">{escape(title)}</h1>'
        f'<div class="byline">By <a rel="author" href="{base}/author/{author.split()[0].lower()}/">{author}</a> '
        f'<time class="entry-date" datetime="{iso}">{published:%B %d, %Y %H:%M}</time></div>'
        f'<figure><img src="{base}/img/{rng.randint(1, 10**6)}.jpg" alt="{escape(title)}"><figcaption>{escape(_words(rng, 10))}</figcaption></figure>'
        f'<div class="{c["entry"]} entry-content">'
    )
    body = list(paras)
    if credit:
        body[0] = credit + body[0]
    also = rng.randint(2, max(2, len(body) - 1))
    for i, para in enumerate(body):
        if i == also:
            h.append(f'<p><strong>ALSO READ: <a href="{_link(base, rng)}">{escape(_headline(rng))}</a></strong></p>')
        if i and i % 5 == 0:
            h.append(f'<div class="ad-slot" id="ad-{i}"><script>{_blob(rng, 300)}</script></div>')
        h.append(f"<p>{escape(para)}</p>")
    h.append("</div>")
    h.append(
        f'<div class="{c["share"]}"><a href="https://twitter.com/intent/tweet?url={base}{path}">Share on X</a> '
        f'<a href="https://www.facebook.com/sharer.php?u={base}{path}">Facebook</a> <a href="whatsapp://send">WhatsApp</a></div>'
    )
    h.append(
        f'<div class="{c["tags"]}">Tags: '
        + " ".join(f'<a rel="tag" href="{base}/tag/{w}/">{w}</a>' for w in rng.sample(FILLER, 6))
        + "</div>"
    )
    h.append(
        f'<div class="post-navigation"><div class="nav-previous"><span>Previous Story</span><a href="{_link(base, rng)}">{escape(_headline(rng))}</a></div>'
        f'<div class="nav-next"><span>Next Story</span><a href="{_link(base, rng)}">{escape(_headline(rng))}</a></div></div></article>'
    )
    h.append(f'<section class="{c["related"]}"><h3>Related Stories</h3><div class="grid">')
    for _ in range(t.related):
        h.append(
            f'<div class="card"><a href="{_link(base, rng)}"><img src="{base}/img/{rng.randint(1, 10**6)}.jpg" alt=""></a>'
            f'<h4><a href="{_link(base, rng)}">{escape(_headline(rng))}</a></h4><p>{escape(_words(rng, rng.randint(15, 35)))}</p></div>'
        )
    h.append("</div></section>")
    n_comments = rng.choice([0, 0, 2, 5, 9])
    h.append(f'<section id="comments" class="{c["comments"]}"><h3>{n_comments} Comments</h3><ol class="comment-list">')
    for _ in range(n_comments):
        h.append(
            f'<li class="comment"><div class="comment-author">{rng.choice(FIRST)}</div><p>{escape(_words(rng, rng.randint(8, 40)))}</p></li>'
        )
    h.append(
        '</ol><form class="comment-form"><textarea name="comment"></textarea><input type="submit" value="Post Comment"></form></section></div>'
    )
    for heading, n in (("Latest from Top News", t.sidebar_items), ("Most Read", t.sidebar_items // 2 + 3)):
        h.append(f'<aside class="{c["sidebar"]}"><div class="{c["widget"]}"><h3>{heading}</h3><ul>')
        h.extend(
            f'<li><a href="{_link(base, rng)}">{escape(_headline(rng))}</a><span class="meta">{escape(_words(rng, 12))}</span></li>'
            for _ in range(n)
        )
        h.append("</ul></div></aside>")
    h.append(
        f'<aside class="{c["sidebar"]}"><div class="newsletter"><h3>Newsletter</h3><form><input type="email"><button>Sign up</button></form></div></aside></div>'
    )
    h.append(f'<footer class="{c["footer"]}"><ul>')
    h.extend(
        f'<li><a href="{base}/{rng.choice(NAV_WORDS).lower().replace(" ", "-")}/{i}/">{rng.choice(NAV_WORDS)}</a></li>'
        for i in range(t.footer_links)
    )
    h.append(f"</ul><p>© {crawl_day.year} {escape(t.name)}. All rights reserved.</p></footer></div>")
    return "".join(h)


def finish(html_head: str, rng: random.Random, target: int) -> str:
    """Pad with trailing scripts (analytics, ads, consent) to the page's target size, as real pages are."""
    room = target - len(html_head) - 30
    scripts = []
    while room > 200:
        n = min(room, rng.randint(4000, 20000))
        scripts.append(f"<script>{_blob(rng, n - 20)}</script>")
        room -= len(scripts[-1])
    return html_head + "".join(scripts) + "</body></html>"


def generate(
    out: Path,
    n_pages: int = 5000,
    n_outlets: int = 40,
    seed: int = SEED,
    today: datetime | None = None,
    kind: str = "real",
) -> list[Page]:
    """Write the pages and per-outlet feeds (with the __BASE__ token for the server to replace)."""
    crawl_day = (today or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    templates = [Template(i, random.Random(seed * 1000 + i)) for i in range(n_outlets)]
    real = [t for _, t in real_templates.load_templates()] if kind == "real" else []
    pages: list[Page] = []
    per_outlet: dict[str, list[Page]] = {t.slug: [] for t in templates}
    out.mkdir(parents=True, exist_ok=True)
    story = 0
    while len(pages) < n_pages:
        story += 1
        srng = random.Random(seed * 7919 + story)
        wire = srng.random() < 0.45
        copies = min(n_pages - len(pages), n_outlets, srng.randint(2, 8) if wire else 1)
        n_words = srng.randint(400, 900)
        paras = _story_body(srng, n_words)
        published = crawl_day - timedelta(minutes=srng.randint(30, 3 * 24 * 60))
        agency, pattern = srng.choice(AGENCIES)
        place = srng.choice(PLACES)
        credit = pattern.format(place=place, country=srng.choice(COUNTRIES), mon=f"{published:%b}", day=published.day)
        headline = _headline(srng)
        for outlet in srng.sample(templates, copies):
            prng = random.Random(hash((seed, story, outlet.index)) & 0xFFFFFFFF)
            title = headline if prng.random() < 0.4 else _headline(prng)
            body = list(paras)
            if wire and prng.random() < 0.5:  # outlets trim or add a line
                body = body[:-1] if prng.random() < 0.5 else body + [_sentence(prng)]
            slug = "-".join(title.lower().replace(",", "").split()[:8]) + f"-{story}"
            path = f"/news/{slug}.html"
            when = published + timedelta(minutes=prng.randint(0, 240))
            when = min(when, crawl_day - timedelta(minutes=1))
            if real:
                told = [credit + body[0], *body[1:]] if wire else body
                html = real_templates.render(real[outlet.index % len(real)], "__BASE__" + path, title, told, when)
            else:
                html = render(outlet, prng, "__BASE__", path, title, body, when, crawl_day, credit if wire else None)
                html = finish(html, prng, prng.randint(50_000, 150_000))
            target = out / outlet.slug / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = html.encode("utf-8")
            target.write_bytes(data)
            page = Page(
                outlet.slug,
                path,
                title,
                when.isoformat(),
                f"s{story}" if wire else f"u{story}",
                sum(len(p.split()) for p in body),
                len(data),
            )
            pages.append(page)
            per_outlet[outlet.slug].append(page)
    for t in templates:
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>__BASE__{p.path}</link>"
            f"<guid>__BASE__{p.path}</guid><pubDate>{format_datetime(datetime.fromisoformat(p.published_at).replace(tzinfo=UTC), usegmt=True)}</pubDate></item>"
            for p in sorted(per_outlet[t.slug], key=lambda p: p.published_at, reverse=True)
        )
        feed = (
            f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(t.name)}</title>'
            f"<link>__BASE__/</link><description>News</description>{items}</channel></rss>"
        )
        (out / t.slug).mkdir(parents=True, exist_ok=True)
        (out / t.slug / "feed.xml").write_text(feed, encoding="utf-8")
    meta = {
        "seed": seed,
        "n_pages": n_pages,
        "n_outlets": n_outlets,
        "templates": kind,
        "crawl_day": crawl_day.isoformat(),
        "outlets": [{"slug": t.slug, "name": t.name, "country": t.country} for t in templates],
        "pages": [asdict(p) for p in pages],
    }
    (out / "corpus.json").write_text(json.dumps(meta), encoding="utf-8")
    return pages


def load_corpus(out: Path) -> dict:
    return json.loads((out / "corpus.json").read_text(encoding="utf-8"))


def served_page(root: Path, page: dict, base: str) -> bytes:
    """A corpus page's bytes as bench.server serves them from `base`, its outlet's address (__BASE__ replaced)."""
    return (root / page["outlet"] / page["path"].lstrip("/")).read_bytes().replace(b"__BASE__", base.encode())


def ensure_corpus(out: Path, n_pages: int, n_outlets: int, seed: int = SEED, kind: str = "real") -> dict:
    """Reuse a corpus generated today with the same parameters, else (re)generate it."""
    today = datetime.now(UTC).date().isoformat()
    try:
        meta = load_corpus(out)
        same = (meta["n_pages"], meta["n_outlets"], meta["seed"], meta["templates"]) == (n_pages, n_outlets, seed, kind)
        if same and meta["crawl_day"][:10] == today:
            return meta
    except (OSError, ValueError, KeyError):
        pass
    own_folder.remake(out, also_ours=("corpus.json",))
    generate(out, n_pages, n_outlets, seed, kind=kind)
    return load_corpus(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--outlets", type=int, default=40)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--templates", choices=TEMPLATE_KINDS, default="real")
    args = parser.parse_args()
    meta = ensure_corpus(args.out, args.pages, args.outlets, args.seed, args.templates)
    sizes = [p["n_bytes"] for p in meta["pages"]]
    print(
        f"{len(sizes)} pages, {sum(sizes) / len(sizes) / 1024:.0f} KB mean, "
        f"{min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB"
    )


if __name__ == "__main__":
    main()
