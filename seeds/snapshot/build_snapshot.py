"""Build the bundled offline demo snapshot under seeds/snapshot/.

Run from the project root:  .venv/bin/python seeds/snapshot/build_snapshot.py

Writes seven outlets (each its own page template and feed format; two in Chinese and Russian, zh_ru.py), sources.csv and expected.json.
All URLs use the literal token __BASE__, which the demo server replaces with
http://127.0.0.1:PORT in every .csv/.xml/.json/.html/.htm file it serves; canonical links use
__SITE__, replaced with the default demo address http://127.0.0.1:8765 whatever the port. The output is
deterministic (no clock, no randomness), so rerunning it leaves git clean.

Everything is SYNTHETIC except the Asian Lite page, which is rebuilt from a real page captured
as text (tests/data/asianlite-2023-10-31-china-russia-security.txt). See README.md.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
import unicodedata
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import stories as S  # noqa: E402

B = "__BASE__"
# canonical links name the site's own address (the demo's default port), not wherever it is served from,
# so a demo on another port stores the same articles (the server replaces __SITE__, see snapshot_server.py)
SITE = "__SITE__"
esc = html.escape


def iso_utc(s: str | None) -> str | None:
    if s is None:
        return None
    return datetime.fromisoformat(s).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc822(s: str) -> str:
    return format_datetime(datetime.fromisoformat(s))


# --------------------------------------------------------------------------------------------
# Shared chrome helpers (deterministic "realistic" bulk: CSS, icons, menus)
# --------------------------------------------------------------------------------------------

_PROPS = [
    "display:flex;align-items:center;justify-content:space-between",
    "margin:0 auto;max-width:1200px;padding:0 15px",
    "font-family:{font};font-size:14px;line-height:1.6;color:#222",
    "border-bottom:1px solid #e5e5e5;padding:12px 0",
    "position:relative;overflow:hidden;z-index:2",
    "text-transform:uppercase;letter-spacing:.04em;font-weight:700;font-size:12px",
    "background:{accent};color:#fff;border-radius:3px;padding:4px 8px",
    "list-style:none;margin:0;padding:0",
    "transition:color .2s ease-in-out,background-color .2s ease-in-out",
    "width:100%;height:auto;object-fit:cover;aspect-ratio:16/9",
    "grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:20px;display:grid",
    "box-shadow:0 2px 6px rgba(0,0,0,.08);background:#fff",
]
_COMPONENTS = [
    "header", "topbar", "logo", "nav", "nav__item", "nav__link", "megamenu", "search", "ticker",
    "breadcrumb", "headline", "standfirst", "byline", "meta", "share", "share__btn", "figure",
    "caption", "body", "related", "related__item", "sidebar", "widget", "widget__title",
    "list", "list__item", "thumb", "tag", "footer", "footer__col", "footer__link", "copyright",
    "cookie", "cookie__btn", "newsletter", "ad", "ad__label", "pagination", "comments", "modal",
]


def css_blob(prefix: str, accent: str, font: str, repeat: int) -> str:
    rules = []
    for r in range(repeat):
        for i, comp in enumerate(_COMPONENTS):
            prop = _PROPS[(i + r) % len(_PROPS)].format(accent=accent, font=font)
            sel = f".{prefix}-{comp}" if r == 0 else f"@media (max-width:{1200 - 180 * r}px){{.{prefix}-{comp}"
            end = "}" if r == 0 else "}}"
            rules.append(f"{sel}{{{prop}{end}")
    return "\n".join(rules)


ICONS = {
    "facebook": "M22 12c0-5.52-4.48-10-10-10S2 6.48 2 12c0 4.84 3.44 8.87 8 9.8V15H8v-3h2V9.5C10 7.57 11.57 6 13.5 6H16v3h-2c-.55 0-1 .45-1 1v2h3v3h-3v6.95c5.05-.5 9-4.76 9-9.95z",
    "x": "M18.244 2.25h3.308l-7.227 8.26 8.502 11.24H16.17l-5.214-6.817L4.99 21.75H1.68l7.73-8.835L1.254 2.25H8.08l4.713 6.231zm-1.161 17.52h1.833L7.084 4.126H5.117z",
    "whatsapp": "M17.47 14.38c-.3-.15-1.76-.87-2.03-.97-.27-.1-.47-.15-.67.15-.2.3-.77.97-.94 1.17-.17.2-.35.22-.64.07-.3-.15-1.26-.46-2.39-1.48-.88-.79-1.48-1.76-1.65-2.06-.17-.3-.02-.46.13-.6.13-.13.3-.35.45-.52.15-.17.2-.3.3-.5.1-.2.05-.37-.02-.52-.08-.15-.67-1.61-.92-2.21-.24-.58-.49-.5-.67-.51h-.57c-.2 0-.52.07-.79.37-.27.3-1.04 1.02-1.04 2.48s1.07 2.88 1.21 3.07c.15.2 2.1 3.2 5.08 4.49.71.31 1.26.49 1.69.63.71.23 1.36.19 1.87.12.57-.09 1.76-.72 2.01-1.41.25-.7.25-1.29.17-1.41-.07-.12-.27-.2-.57-.35z",
    "linkedin": "M20.45 20.45h-3.55v-5.57c0-1.33-.03-3.04-1.85-3.04-1.85 0-2.14 1.45-2.14 2.94v5.67H9.35V9h3.41v1.56h.05c.48-.9 1.64-1.85 3.37-1.85 3.6 0 4.27 2.37 4.27 5.46v6.28zM5.34 7.43a2.06 2.06 0 1 1 0-4.12 2.06 2.06 0 0 1 0 4.12zM7.12 20.45H3.56V9h3.56v11.45z",
    "telegram": "M9.78 18.65l.28-4.23 7.68-6.92c.34-.31-.07-.46-.52-.19L7.74 13.3 3.64 12c-.88-.25-.89-.86.2-1.3l15.97-6.16c.73-.33 1.43.18 1.15 1.3l-2.72 12.81c-.19.91-.74 1.13-1.5.71L12.6 16.3l-1.99 1.93c-.23.23-.42.42-.83.42z",
    "email": "M20 4H4c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2zm0 4l-8 5-8-5V6l8 5 8-5v2z",
}


def share_buttons(cls: str, url: str, title: str) -> str:
    out = [f'<div class="{cls}" aria-label="Share this story">']
    for name, path in ICONS.items():
        out.append(
            f'<a class="{cls}__btn {cls}__btn--{name}" href="#share-{name}" data-url="{esc(url)}" '
            f'data-title="{esc(title)}" rel="nofollow noopener" target="_blank" title="Share on {name.title()}">'
            f'<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="{path}"/></svg>'
            f'<span class="screen-reader-text">Share on {name.title()}</span></a>'
        )
    out.append("</div>")
    return "\n".join(out)


def menu(cls: str, base: str, items: list[str]) -> str:
    lis = []
    for it in items:
        slug = it.lower().replace(" & ", "-").replace(" ", "-").replace("’", "").replace("'", "")
        lis.append(f'<li class="{cls}__item menu-item menu-item-type-taxonomy"><a class="{cls}__link" href="{base}/{slug}/">{esc(it)}</a></li>')
    return f'<ul class="{cls}">' + "\n".join(lis) + "</ul>"


def link_list(cls: str, items: list[tuple[str, str]], extra: str = "") -> str:
    return f'<ul class="{cls}">' + "\n".join(
        f'<li class="{cls}__item"><a href="{href}">{esc(t)}</a>{extra}</li>' for t, href in items
    ) + "</ul>"


def ascii_slug(name: str) -> str:
    """A source id from an outlet name: its ASCII letters and digits (the CSV ids must be ASCII)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def slugify(t: str) -> str:
    out = []
    for ch in t.lower():
        out.append(ch if ch.isalnum() else "-")
    s = "".join(out)
    while "--" in s:
        s = s.replace("--", "-")
    return s.strip("-")


def paras_html(paras, p_cls: str = "") -> str:
    """paras: list of str or ('also', label, text, href) / ('ad', label)."""
    out = []
    cl = f' class="{p_cls}"' if p_cls else ""
    for p in paras:
        if isinstance(p, tuple) and p[0] == "also":
            _, label, text, href = p
            out.append(f'<p class="also-read"><strong>{esc(label)}</strong> <a href="{href}">{esc(text)}</a></p>')
        elif isinstance(p, tuple) and p[0] == "ad":
            out.append(f'<div class="ad-slot ad-inarticle" data-slot="{p[1]}"><span class="ad-label">Advertisement</span>'
                       f'<div id="div-gpt-ad-{p[1]}" style="min-height:250px"></div></div>')
        else:
            out.append(f"<p{cl}>{esc(p, quote=False)}</p>")
    return "\n".join(out)


def plain_paras(paras) -> list[str]:
    res = []
    for p in paras:
        if isinstance(p, tuple):
            if p[0] == "also":
                res.append(f"{p[1]} {p[2]}")
        else:
            res.append(p)
    return res


COOKIE_TEXT = (
    "We use cookies and similar technologies to personalise content and ads, to provide social "
    "media features and to analyse our traffic. We also share information about your use of our "
    "site with our social media, advertising and analytics partners. By continuing to browse, "
    "you agree to our use of cookies."
)

ANALYTICS_JS = """
window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', 'G-XXXXXXX1', {'anonymize_ip': true, 'page_type': '%s'});
(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});
var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';
j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-XXXX%s');
var googletag = googletag || {}; googletag.cmd = googletag.cmd || [];
googletag.cmd.push(function() {
  googletag.defineSlot('/1234567/%s_top_728x90', [[728, 90], [970, 90]], 'div-gpt-ad-top').addService(googletag.pubads());
  googletag.defineSlot('/1234567/%s_rhs_300x250', [300, 250], 'div-gpt-ad-rhs1').addService(googletag.pubads());
  googletag.defineSlot('/1234567/%s_rhs_300x600', [300, 600], 'div-gpt-ad-rhs2').addService(googletag.pubads());
  googletag.pubads().enableSingleRequest(); googletag.pubads().collapseEmptyDivs(); googletag.enableServices();
});
document.addEventListener('DOMContentLoaded', function () {
  var bar = document.getElementById('cookie-consent');
  if (bar && localStorage.getItem('cookie_ok') === '1') { bar.style.display = 'none'; }
  document.querySelectorAll('[data-cookie-accept]').forEach(function (b) {
    b.addEventListener('click', function () { localStorage.setItem('cookie_ok', '1'); bar.style.display = 'none'; });
  });
  document.querySelectorAll('.js-menu-toggle').forEach(function (b) {
    b.addEventListener('click', function () { document.body.classList.toggle('menu-open'); });
  });
});
"""


def analytics(tag: str) -> str:
    return "<script>" + ANALYTICS_JS % (tag, tag.upper(), tag, tag, tag) + "</script>"


# --------------------------------------------------------------------------------------------
# Outlet 1: Asian Lite News (WordPress, RSS 2.0, article:published_time + Yoast JSON-LD graph)
# --------------------------------------------------------------------------------------------

AL_LATEST = [
    ("UAE aid for Gaza in global focus",
     "Titled Hope Remains, the documentary brings to light the UAE’s leading role in providing vital aid and support to the people of Gaza. The International Humanitarian and Philanthropic Council has released a"),
    ("Syria, Israel begin quiet talks",
     "The announcement came just hours after Israeli warplanes reportedly carried out new airstrikes in Syria’s coastal provinces of Tartus and Latakia, hitting a range of military targets. Syria has confirmed the commencement"),
    ("Gaza truce deal hits new snag",
     "US says Hamas’ reply to the ceasefire plan was “totally unacceptable” and accused the Palestinian group of dragging the negotiations backward. The latest attempt to broker a ceasefire in Gaza has hit"),
    ("IAEA flags Iran enrichment spike",
     "The International Atomic Energy Agency (IAEA), in two separate but related reports, said Iran has boosted its uranium stockpile enriched up to 60% purity by nearly 50% since February. Iran has vehemently"),
    ("World needs Dubai’s ambition: Morgan",
     "Piers Morgan has hailed Dubai’s transformation as an example of what visionary leadership can achieve. British broadcaster Piers Morgan has praised the extraordinary ambition and vision of His Highness Sheikh Mohammed bin"),
]
AL_DONT_MISS = [
    ("China’s property woes deepen with Evergrande’s bankruptcy", "A sudden shift in policy by China’s leaders two years"),
    ("US is monitoring China while supporting Ukraine", "Mara Karlin, assistant secretary of defence for strategy, plans and"),
]
AL_MENU = ["Home", "UK News", "World", "Asia News", "India News", "Gulf", "Business", "Lifestyle",
           "Culture", "Sports", "Opinion", "Health", "Tech", "Travel", "Columns", "Interviews",
           "Books", "Fashion", "Food", "Films", "Environment", "Education", "Events", "Videos"]


def tpl_asianlite(a: dict) -> str:
    url = a["url"]
    title = a["title"]
    base = f"{B}/asianlite"
    jsonld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
             "author": {"name": "Asian Lite News", "@id": f"{base}/#/schema/person/4f1b2c"},
             "headline": title, "datePublished": a["date"], "dateModified": a["modified"],
             "mainEntityOfPage": {"@id": url}, "wordCount": 612, "commentCount": 0,
             "publisher": {"@id": f"{base}/#organization"},
             "image": {"@id": f"{url}#primaryimage"},
             "thumbnailUrl": f"{base}/wp-content/uploads/2023/10/xiangshan-forum.jpg",
             "keywords": ["China", "Russia", "Shoigu", "Xiangshan Forum"],
             "articleSection": ["Top News", "World News"], "inLanguage": "en-US"},
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{title} - Asian Lite News",
             "isPartOf": {"@id": f"{base}/#website"}, "datePublished": a["date"],
             "dateModified": a["modified"], "breadcrumb": {"@id": f"{url}#breadcrumb"},
             "inLanguage": "en-US"},
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{base}/"},
                {"@type": "ListItem", "position": 2, "name": "Top News", "item": f"{base}/category/top-news/"},
                {"@type": "ListItem", "position": 3, "name": title}]},
            {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": "Asian Lite News",
             "description": "Asian Lite News - Latest News from Asia, UK and Gulf",
             "publisher": {"@id": f"{base}/#organization"}, "inLanguage": "en-US"},
            {"@type": "Organization", "@id": f"{base}/#organization", "name": "Asian Lite",
             "url": f"{base}/", "logo": {"@type": "ImageObject", "url": f"{base}/wp-content/uploads/2021/05/asianlite-logo.png"}},
        ],
    }
    latest = "\n".join(
        f'<div class="latest-item"><h3 class="latest-item__title"><a href="{base}/2025/top-news/{slugify(t)}/">{esc(t)}</a></h3>'
        f'<p class="latest-item__excerpt">{esc(x)}</p></div>' for t, x in AL_LATEST)
    dont = "\n".join(
        f'<div class="dm-item"><h4><a href="{base}/2023/business/{slugify(t)}/">{esc(t)}</a></h4><p>{esc(x)}</p></div>'
        for t, x in AL_DONT_MISS)
    trending = link_list("trending-list", [(t, f"{base}/2025/top-news/{slugify(t)}/") for t, _ in AL_LATEST[::-1]])
    body = "\n".join(f"<p>{esc(p, quote=False)}</p>" for p in a["paras"])
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{esc(title)} - Asian Lite News</title>
<meta name="description" content="{esc(a['standfirst'])}">
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1">
<link rel="canonical" href="{a['canonical']}">
<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(title)}">
<meta property="og:description" content="{esc(a['standfirst'])}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="Asian Lite News">
<meta property="article:publisher" content="https://www.facebook.com/asianlitenews">
<meta property="article:section" content="Top News">
<meta property="article:published_time" content="{a['date']}">
<meta property="article:modified_time" content="{a['modified']}">
<meta property="og:image" content="{base}/wp-content/uploads/2023/10/xiangshan-forum.jpg">
<meta property="og:image:width" content="1200"><meta property="og:image:height" content="675">
<meta name="author" content="Asian Lite News">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Asian Lite News">
<meta name="twitter:label2" content="Est. reading time"><meta name="twitter:data2" content="2 minutes">
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(jsonld, ensure_ascii=False)}</script>
<link rel="alternate" type="application/rss+xml" title="Asian Lite News &raquo; Feed" href="{base}/feed.xml">
<link rel="stylesheet" id="wp-block-library-css" href="{base}/wp-includes/css/dist/block-library/style.min.css?ver=6.3.2" media="all">
<link rel="stylesheet" id="zox-custom-style-css" href="{base}/wp-content/themes/zox-news/style.css?ver=6.3.2" media="all">
<style id="global-styles-inline-css">
body{{--wp--preset--color--black:#000;--wp--preset--color--white:#fff;--wp--preset--color--vivid-red:#cf2e2e;--wp--preset--font-size--small:13px;--wp--preset--font-size--large:36px}}
{css_blob("zox", "#c4161c", "Roboto,sans-serif", 3)}
</style>
<script src="{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.0" id="jquery-core-js"></script>
<script src="{base}/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1" id="jquery-migrate-js"></script>
{analytics("asianlite")}
</head>
<body class="post-template-default single single-post postid-168422 single-format-standard zox-body">
<div id="cookie-law-info-bar" class="cli-bar-container" data-nosnippet="true">
  <span class="cli-bar-message">{COOKIE_TEXT}</span>
  <a role="button" class="cli_settings_button">Cookie Settings</a>
  <a role="button" id="cookie_action_close_header" class="cli-plugin-button" data-cookie-accept>Accept All</a>
  <a role="button" id="cookie_action_close_header_reject" class="cli-plugin-button">Reject All</a>
</div>
<div id="zox-site" class="left zoxrel">
<div class="zox-top-strip">
  <div class="zox-top-strip-in">
    <span class="zox-today-date">Today: 1 June 2025</span>
    <ul class="zox-top-social">
      <li><a href="https://www.facebook.com/asianlitenews" target="_blank" rel="noopener">Facebook</a></li>
      <li><a href="https://twitter.com/asianlitenews" target="_blank" rel="noopener">Twitter</a></li>
      <li><a href="https://www.instagram.com/asianlite" target="_blank" rel="noopener">Instagram</a></li>
      <li><a href="https://www.youtube.com/asianlite" target="_blank" rel="noopener">YouTube</a></li>
    </ul>
    <a class="zox-epaper" href="{base}/e-paper/">E-Paper</a>
  </div>
</div>
<header id="zox-main-head-wrap" class="left zoxrel zox-trans-head">
  <div class="zox-head-logo"><a href="{base}/"><img src="{base}/wp-content/uploads/2021/05/asianlite-logo.png" alt="Asian Lite News" width="300" height="70"></a></div>
  <button class="zox-fly-but js-menu-toggle" aria-label="Menu"><span></span><span></span><span></span></button>
  <nav class="zox-nav-menu" aria-label="Main menu">{menu("zox-menu", base, AL_MENU)}</nav>
  <form class="zox-search" role="search" method="get" action="{base}/"><input type="search" name="s" placeholder="Search"><button type="submit">Search</button></form>
</header>
<div class="zox-ticker"><span class="zox-ticker-head">Trending</span>{trending}</div>
<main id="zox-main-body-wrap" class="left zoxrel">
<div class="zox-post-main-wrap">
<div class="zox-post-main">
<article id="post-168422" class="post-168422 post type-post status-publish format-standard has-post-thumbnail hentry category-top-news category-world-news tag-china tag-russia tag-shoigu">
  <header class="zox-post-head-wrap entry-header">
    <div class="zox-post-cat"><a href="{base}/category/top-news/"><span class="zox-post-cat">Top News</span></a></div>
    <h1 class="zox-post-title left entry-title" itemprop="headline">{esc(title)}</h1>
    <div class="zox-post-date-wrap">
      <span class="zox-post-date">{a['visible_date']}</span>
      <span class="zox-post-read-time">2 mins read</span>
    </div>
    <span class="zox-post-excerpt td-post-sub-title"><p>{esc(a['standfirst'], quote=False)}</p></span>
  </header>
  <figure class="zox-post-img-wrap wp-caption">
    <img width="1024" height="576" src="{base}/wp-content/uploads/2023/10/xiangshan-forum-1024x576.jpg" class="attachment-zox-post-thumb wp-post-image" alt="Xiangshan Forum venue" decoding="async">
    <figcaption class="zox-post-img-cap">The venue of the Beijing Xiangshan Forum (File)</figcaption>
  </figure>
  <div class="zox-post-body left zoxrel zox100 entry-content" itemprop="articleBody">
{body}
  </div>
  <footer class="zox-post-tags entry-footer">
    <span class="zox-post-tags-header">Tags:</span>
    <a href="{base}/tag/china/" rel="tag">China</a> <a href="{base}/tag/russia/" rel="tag">Russia</a>
    <a href="{base}/tag/shoigu/" rel="tag">Shoigu</a> <a href="{base}/tag/xiangshan-forum/" rel="tag">Xiangshan Forum</a>
  </footer>
</article>
<div class="zox-also-read-box">
  <p><strong>ALSO READ: <a href="{base}/2023/10/31/india-urges-wto-talks-for-dispute-settlement-body-reform/">{esc(a['also_read'].split(': ', 1)[1])}</a></strong></p>
</div>
{share_buttons("zox-share", url, title)}
<nav class="zox-prev-next-wrap navigation post-navigation" aria-label="Posts">
  <div class="zox-prev-post"><a href="{base}/2023/10/31/23-million-afghans-received-food-aid-last-year/" rel="prev"><span class="zox-prev-next-text">Previous Story</span><h2 class="zox-prev-next-title">23 Million Afghans Received Food Aid Last Year</h2></a></div>
  <div class="zox-next-post"><a href="{base}/2023/10/31/india-kazakhstan-joint-drill-to-focus-on-counter-terrorism/" rel="next"><span class="zox-prev-next-text">Next Story</span><h2 class="zox-prev-next-title">India-Kazakhstan Joint Drill to Focus on Counter-Terrorism</h2></a></div>
</nav>
<section class="zox-post-more-wrap">
  <h4 class="zox-post-more-head"><span>Latest from -Top News</span></h4>
{latest}
  <a class="zox-go-top" href="#zox-site">Go to</a><span>Top</span>
</section>
<div id="comments" class="comments-area">
  <div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
  <form action="{base}/wp-comments-post.php" method="post" id="commentform" class="comment-form">
  <p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
  <p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>
  <p class="comment-form-author"><label for="author">Name *</label><input id="author" name="author" type="text" size="30" required></p>
  <p class="comment-form-email"><label for="email">Email *</label><input id="email" name="email" type="email" size="30" required></p>
  <p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p>
  </form></div>
</div>
</div>
<aside class="zox-post-side-wrap widget-area">
  <div class="zox-widget-ad"><span class="ad-label">Advertisement</span><div id="div-gpt-ad-rhs1"></div></div>
  <section class="zox-side-widget"><h4 class="zox-widget-side-head"><span>Don't Miss</span></h4>
{dont}
  </section>
  <div class="zox-widget-ad"><div id="div-gpt-ad-rhs2"></div></div>
</aside>
</div>
</main>
<footer id="zox-foot-wrap" class="left zoxrel">
  <div class="zox-foot-logo"><img src="{base}/wp-content/uploads/2021/05/asianlite-logo-white.png" alt="Asian Lite"></div>
  <div class="zox-foot-menu">{menu("zox-foot-menu-list", base, AL_MENU + ["About Us", "Contact", "Advertise", "Privacy Policy", "Terms of Use", "Careers"])}</div>
  <div class="zox-foot-copy"><p>Copyright Asian Lite News. All rights reserved.</p></div>
</footer>
</div>
<script src="{base}/wp-content/themes/zox-news/js/scripts.js?ver=6.3.2" id="zox-custom-js"></script>
<script src="{base}/wp-includes/js/comment-reply.min.js?ver=6.3.2" id="comment-reply-js" async data-wp-strategy="async"></script>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------
# Outlet 2: Meridian Herald (Indian news portal, RSS 2.0 + content:encoded + dc:creator,
#           JSON-LD NewsArticle with +05:30 offset, body in div.story-body, no <article>)
# --------------------------------------------------------------------------------------------

MH_MENU = ["India", "World", "Business", "Markets", "Opinion", "Cities", "Sports", "Cricket",
           "Entertainment", "Bollywood", "Tech", "Auto", "Education", "Lifestyle", "Web Stories",
           "Videos", "Photos", "Podcasts", "Explainers", "Defence"]
MH_TRENDING = [
    ("Sensex ends 300 points higher as IT stocks rally", "markets"),
    ("Bollywood box office: festive releases set to clash", "entertainment"),
    ("Northeast monsoon to bring heavy rain to Tamil Nadu, says IMD", "cities"),
    ("World Cup: hosts seal semifinal spot with fifth straight win", "cricket"),
    ("Petrol, diesel prices today: check rates in your city", "business"),
    ("UPSC prelims result: how to check your roll number", "education"),
    ("Gold slips ahead of the Fed decision; silver steady", "markets"),
    ("Delhi air quality turns ‘very poor’, GRAP stage II invoked", "cities"),
]


def tpl_meridian(a: dict) -> str:
    url = a["url"]
    base = f"{B}/meridian"
    title = a["title"]
    jsonld = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": title, "description": a["summary"],
        "datePublished": a["date"], "dateModified": a["modified"],
        "author": {"@type": a.get("author_type", "Organization"), "name": a["author"]},
        "publisher": {"@type": "Organization", "name": "Meridian Herald",
                      "logo": {"@type": "ImageObject", "url": f"{base}/static/img/logo-600x60.png", "width": 600, "height": 60}},
        "image": {"@type": "ImageObject", "url": f"{base}/static/img/story/{a['slug']}.jpg", "width": 1200, "height": 675},
        "articleSection": a["section"], "inLanguage": "en",
        "keywords": a.get("keywords", ""),
    }
    crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{base}/"},
        {"@type": "ListItem", "position": 2, "name": a["section"], "item": f"{base}/{a['section'].lower()}/"},
    ]}
    trending = link_list("mh-trending", [(t, f"{base}/{s}/{slugify(t)}.html") for t, s in MH_TRENDING])
    top = link_list("mh-list", [(t, f"{base}/{s}/{slugify(t)}-{200 + i}.html") for i, (t, s) in enumerate(MH_TRENDING[::-1])])
    related = link_list("mh-related", a["related"])
    updated = a["visible_date"]
    return f"""<!doctype html>
<html lang="en" prefix="og: http://ogp.me/ns#">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
<title>{esc(title)} | World News - Meridian Herald</title>
<meta name="description" content="{esc(a['summary'])}">
<meta name="keywords" content="{esc(a.get('keywords', ''))}">
<meta name="news_keywords" content="{esc(a.get('keywords', ''))}">
<link rel="canonical" href="{a['canonical']}">
<link rel="amphtml" href="{url.replace('/meridian/', '/meridian/amp/')}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(title)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{base}/static/img/story/{a['slug']}.jpg">
<meta property="og:site_name" content="Meridian Herald">
<meta name="twitter:card" content="summary_large_image"><meta name="twitter:site" content="@meridianherald">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="alternate" type="application/rss+xml" title="Meridian Herald - World" href="{base}/rss/world.xml">
<script type="application/ld+json">{json.dumps(jsonld, ensure_ascii=False, indent=1)}</script>
<script type="application/ld+json">{json.dumps(crumbs, ensure_ascii=False)}</script>
<style>
:root{{--mh-red:#b71c1c;--mh-ink:#1b1b1b;--mh-muted:#6b6b6b}}
{css_blob("mh", "#b71c1c", "Merriweather,Georgia,serif", 3)}
</style>
{analytics("meridian")}
</head>
<body class="mh-story mh-section-{a['section'].lower()}">
<div id="cookie-consent" class="mh-cookie" role="dialog" aria-live="polite">
  <p>{COOKIE_TEXT} <a href="{base}/cookie-policy">Cookie Policy</a></p>
  <button class="mh-cookie__btn" data-cookie-accept>I Agree</button><button class="mh-cookie__btn mh-cookie__btn--ghost">Manage</button>
</div>
<div class="mh-ad mh-ad--top"><span class="mh-ad__label">Advertisement</span><div id="div-gpt-ad-top"></div></div>
<header class="mh-header">
  <div class="mh-topbar"><a href="{base}/epaper">E-Paper</a> | <a href="{base}/subscribe">Subscribe</a> | <a href="{base}/login">Sign In</a> | <a href="{base}/hindi/">हिंदी</a></div>
  <div class="mh-logo"><a href="{base}/"><img src="{base}/static/img/logo.svg" alt="Meridian Herald" width="240" height="40"></a></div>
  <nav class="mh-nav" aria-label="Sections">{menu("mh-nav-list", base, MH_MENU)}</nav>
  <div class="mh-trending-bar"><strong>Trending:</strong> <a href="{base}/topic/xiangshan-forum">#XiangshanForum</a> <a href="{base}/topic/world-cup">#WorldCup</a> <a href="{base}/topic/sensex">#Sensex</a> <a href="{base}/topic/israel-hamas">#IsraelHamasWar</a></div>
</header>
<div class="mh-container">
<div class="mh-breadcrumb"><a href="{base}/">Home</a> &rsaquo; <a href="{base}/{a['section'].lower()}/">{a['section']}</a> &rsaquo; <span>{esc(title)}</span></div>
<div class="mh-main">
<div class="mh-story-wrap">
  <h1 class="mh-headline">{esc(title)}</h1>
  <h2 class="mh-standfirst">{esc(a['summary'])}</h2>
  <div class="mh-byline"><span class="mh-byline__author">{esc(a['byline'])}</span>
    <span class="mh-byline__date">Updated: {updated}</span></div>
  {share_buttons("mh-share", url, title)}
  <figure class="mh-figure"><img src="{base}/static/img/story/{a['slug']}.jpg" alt="{esc(a['caption'])}" width="800" height="450" loading="lazy"><figcaption class="mh-caption">{esc(a['caption'])}</figcaption></figure>
  <div class="story-body" itemprop="articleBody">
{paras_html(a['paras'])}
  </div>
  <div class="mh-story-tags"><span>Tags:</span> {" ".join(f'<a href="{base}/topic/{slugify(k)}">{esc(k)}</a>' for k in a.get("keywords", "").split(", ") if k)}</div>
  <div class="mh-disclaimer"><em>{esc(a.get('disclaimer', ''))}</em></div>
  {share_buttons("mh-share-bottom", url, title)}
  <section class="mh-related-wrap"><h3>Related Stories</h3>{related}</section>
  <section class="mh-newsletter"><h3>Get the Morning Brief</h3><p>The day's top stories in your inbox, every morning.</p><form action="{base}/newsletter" method="post"><input type="email" name="email" placeholder="Your email"><button>Sign up</button></form></section>
</div>
<aside class="mh-sidebar">
  <div class="mh-ad"><span class="mh-ad__label">Advertisement</span><div id="div-gpt-ad-rhs1"></div></div>
  <section class="mh-widget"><h3 class="mh-widget__title">Top Stories</h3>{top}</section>
  <section class="mh-widget"><h3 class="mh-widget__title">Trending Now</h3>{trending}</section>
  <div class="mh-ad"><div id="div-gpt-ad-rhs2"></div></div>
</aside>
</div>
</div>
<footer class="mh-footer">
  <div class="mh-footer__col">{menu("mh-footer-list", base, MH_MENU)}</div>
  <div class="mh-footer__col">{menu("mh-footer-list2", base, ["About Us", "Contact Us", "Advertise With Us", "Careers", "Privacy Policy", "Terms and Conditions", "Grievance Redressal", "Code of Ethics", "Sitemap", "RSS"])}</div>
  <p class="mh-copyright">Copyright Meridian Herald Media Pvt. Ltd. All rights reserved.</p>
</footer>
<script src="{base}/static/js/vendor.bundle.js" defer></script>
<script src="{base}/static/js/story.bundle.js" defer></script>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------
# Outlet 3: Capital Wire Daily (Hong Kong, Atom 1.0, <time datetime> with +08:00, <article>)
# --------------------------------------------------------------------------------------------

CW_MENU = ["Hong Kong", "China", "Asia", "World", "Economy", "Tech", "Business", "Opinion",
           "Lifestyle", "People & Culture", "Sport", "Video", "Podcasts", "Photos", "Weather"]
CW_POPULAR = [
    "Hang Seng index closes lower as property developers slide",
    "Typhoon signal No 3 to stay in force through the evening, Observatory says",
    "Lantau artificial islands: lawmakers press for cost breakdown",
    "MTR fare rise approved despite passenger anger",
    "Mid-Autumn lantern carnival draws record crowds to Victoria Park",
    "Cathay Pacific adds flights as travel demand recovers",
]


def tpl_capitalwire(a: dict) -> str:
    url = a["url"]
    base = f"{B}/capitalwire"
    title = a["title"]
    popular = "\n".join(
        f'<li class="cw-popular__item"><span class="cw-popular__rank">{i + 1}</span><a href="{base}/news/hong-kong/article/{3239000 + i}/{slugify(t)}.html">{esc(t)}</a></li>'
        for i, t in enumerate(CW_POPULAR))
    related = "\n".join(
        f'<div class="cw-card"><a class="cw-card__link" href="{h}"><span class="cw-card__title">{esc(t)}</span></a></div>'
        for t, h in a["related"])
    body_parts = []
    for i, p in enumerate(a["paras"]):
        body_parts.append(paras_html([p], "cw-article__p"))
        if i == 3:
            body_parts.append(
                '<aside class="cw-inline-newsletter" data-module="newsletter"><h4>China Briefing</h4>'
                '<p>Get our daily newsletter on the stories that matter in China.</p>'
                f'<form action="{base}/newsletters/subscribe"><input type="email" placeholder="Email address"><button>Sign up</button></form>'
                '<small>By registering, you agree to our T&amp;C and Privacy Policy</small></aside>')
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{esc(title)} | Capital Wire Daily</title>
<link rel="canonical" href="{a['canonical']}">
<meta name="description" content="{esc(a['summary'])}">
<meta property="og:title" content="{esc(title)}">
<meta property="og:description" content="{esc(a['summary'])}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="Capital Wire Daily">
<meta name="cwd:section" content="{esc(a['section'])}">
<meta name="cwd:article-id" content="{a['article_id']}">
<link rel="alternate" type="application/atom+xml" title="Capital Wire Daily" href="{base}/atom.xml">
<style>
{css_blob("cw", "#0a3d62", "'Source Sans Pro',Helvetica,Arial,sans-serif", 3)}
</style>
{analytics("capitalwire")}
<script>window.__CWD_STATE__ = {json.dumps({"page": {"type": "article", "id": a["article_id"], "section": a["section"], "paywall": "metered", "sponsored": False}, "user": {"loggedIn": False}}, ensure_ascii=False)};</script>
</head>
<body class="cw-page cw-page--article">
<a class="cw-skip" href="#cw-main">Skip to main content</a>
<div id="cookie-consent" class="cw-cookie"><p>{COOKIE_TEXT}</p><button class="cw-cookie__btn" data-cookie-accept>Accept</button><a href="{base}/privacy">Learn more</a></div>
<header class="cw-header">
  <div class="cw-header__top"><button class="cw-menu-btn js-menu-toggle" aria-label="Open menu">&#9776;</button>
    <a class="cw-logo" href="{base}/"><img src="{base}/assets/logo.svg" alt="Capital Wire Daily" width="200" height="36"></a>
    <a class="cw-subscribe" href="{base}/subscribe">Subscribe</a> <a class="cw-login" href="{base}/login">Log in</a></div>
  <nav class="cw-nav" aria-label="Sections">{menu("cw-nav-list", base, CW_MENU)}</nav>
  <div class="cw-markets" aria-label="Markets"><span>HSI 17,112.48 ▼0.6%</span> <span>SSE 3,021.55 ▲0.1%</span> <span>USD/HKD 7.8220</span></div>
</header>
<main id="cw-main" class="cw-main">
<article class="cw-article" data-article-id="{a['article_id']}">
  <header class="cw-article__header">
    <a class="cw-article__section" href="{base}/news/{slugify(a['section'])}/">{esc(a['section'])}</a>
    <h1 class="cw-article__headline">{esc(title)}</h1>
    <p class="cw-article__summary">{esc(a['summary'])}</p>
    <div class="cw-article__meta"><span class="cw-article__author">{esc(a['byline'])}</span>
      <span class="cw-article__published">Published: <time datetime="{a['date']}">{a['visible_date']}</time></span></div>
    {share_buttons("cw-share", url, title)}
  </header>
  <figure class="cw-article__figure"><img src="{base}/assets/images/{a['article_id']}.jpg" alt="{esc(a['caption'])}" width="960" height="540"><figcaption>{esc(a['caption'])}</figcaption></figure>
  <div class="cw-article__body">
{chr(10).join(body_parts)}
  </div>
  <footer class="cw-article__footer">
    <div class="cw-topics">Topics: {" ".join(f'<a class="cw-tag" href="{base}/topics/{slugify(k)}">{esc(k)}</a>' for k in a.get("topics", []))}</div>
    <div class="cw-corrections">Spotted a mistake? <a href="{base}/corrections">Report it</a></div>
  </footer>
</article>
<section class="cw-related"><h2 class="cw-related__title">More on this story</h2>{related}</section>
<aside class="cw-rail">
  <div class="cw-ad"><div id="div-gpt-ad-rhs1"></div></div>
  <section class="cw-popular"><h2>Most Popular</h2><ol class="cw-popular__list">{popular}</ol></section>
  <div class="cw-ad"><div id="div-gpt-ad-rhs2"></div></div>
</aside>
</main>
<footer class="cw-footer">
  {menu("cw-footer-list", base, CW_MENU + ["About us", "Contact us", "Advertise", "Careers", "Code of Conduct", "Privacy Policy", "Terms & Conditions", "Newsletters", "RSS Feeds"])}
  <p class="cw-copyright">Copyright Capital Wire Daily Publishers Ltd. All rights reserved.</p>
</footer>
<script src="{base}/assets/js/main.js" defer></script>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------
# Outlet 4: NewsLoop Gulf (UAE portal, JSON Feed 1.1, meta article:published_time +04:00,
#           body in section#nl-story-text, no <article>)
# --------------------------------------------------------------------------------------------

NL_MENU = ["UAE", "Gulf", "Asia", "World", "Business", "Gold Rate", "Visa & Immigration",
           "Jobs", "Property", "Tech", "Entertainment", "Sports", "Life & Style", "Videos"]
NL_SIDEBAR = [
    "Gold rate today: 22K price dips in Dubai ahead of weekend",
    "Dubai Airshow: full list of exhibitors announced",
    "UAE weather: fog alert issued for Abu Dhabi motorists",
    "Expat guide: how to renew your Emirates ID online",
    "Salik toll changes: what drivers need to know",
]


def tpl_newsloop(a: dict) -> str:
    url = a["url"]
    base = f"{B}/newsloop"
    title = a["title"]
    date_meta = ""
    if a.get("date"):
        date_meta = (f'<meta property="article:published_time" content="{a["date"]}">\n'
                     f'<meta property="article:modified_time" content="{a["modified"]}">')
    side = "\n".join(
        f'<div class="nl-side__item"><img src="{base}/img/thumb/{i}.webp" alt="" width="96" height="64" loading="lazy"><a href="{base}/uae/{slugify(t)}">{esc(t)}</a></div>'
        for i, t in enumerate(NL_SIDEBAR))
    videos = "\n".join(
        f'<li class="nl-video"><a href="{base}/videos/{slugify(t)}"><span class="nl-video__play">&#9654;</span>{esc(t)}</a></li>'
        for t in ["Watch: Dubai Airshow rehearsal flypast", "Gold rate today explained in 60 seconds", "Inside the Abu Dhabi fog alert"])
    related = link_list("nl-related", a["related"])
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)} - NewsLoop Gulf</title>
<meta name="description" content="{esc(a['summary'])}">
<link rel="canonical" href="{a['canonical']}">
<meta property="og:title" content="{esc(title)}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="NewsLoop Gulf">
<meta property="article:section" content="{esc(a['section'])}">
{date_meta}
<meta name="twitter:card" content="summary_large_image">
<link rel="alternate" type="application/feed+json" title="NewsLoop Gulf" href="{base}/feed.json">
<link rel="stylesheet" href="{base}/css/app.min.css?v=4.12.0">
<style>
{css_blob("nl", "#00796b", "Lato,Arial,sans-serif", 3)}
</style>
{analytics("newsloop")}
</head>
<body class="nl nl--story">
<div id="cookie-consent" class="nl-cookie"><div class="nl-cookie__text">{COOKIE_TEXT}</div><button class="nl-cookie__btn" data-cookie-accept>OK</button></div>
<div class="nl-topbar"><a href="{base}/weather">Dubai 31°C</a> <a href="{base}/prayer-times">Prayer Times</a> <a href="{base}/gold-rate">Gold Rate</a> <a href="{base}/ar/">العربية</a></div>
<header class="nl-header">
  <a class="nl-logo" href="{base}/"><img src="{base}/img/newsloop-logo.png" alt="NewsLoop Gulf" width="180" height="44"></a>
  <nav class="nl-nav">{menu("nl-nav-list", base, NL_MENU)}</nav>
  <button class="nl-search-toggle" aria-label="Search">&#128269;</button>
</header>
<div class="nl-wrap">
<div class="nl-col-main">
  <ol class="nl-breadcrumb"><li><a href="{base}/">Home</a></li><li><a href="{base}/{slugify(a['section'])}">{esc(a['section'])}</a></li></ol>
  <div class="nl-story-head">
    <h1 class="nl-title">{esc(title)}</h1>
    <p class="nl-dek">{esc(a['summary'])}</p>
    <div class="nl-author">{esc(a['byline'])}</div>
  </div>
  {share_buttons("nl-share", url, title)}
  <div class="nl-hero"><img src="{base}/img/story/{a['slug']}.webp" alt="{esc(a['caption'])}" width="1000" height="563"><span class="nl-hero__cap">{esc(a['caption'])}</span></div>
  <section id="nl-story-text" class="nl-body">
{paras_html(a['paras'])}
  </section>
  <div class="nl-follow">Follow NewsLoop Gulf on <a href="https://whatsapp.com/channel/newsloop">WhatsApp</a> and <a href="https://news.google.com/publications/newsloop">Google News</a> for the latest updates.</div>
  <section class="nl-related-block"><h3>Also on NewsLoop</h3>{related}</section>
  <section class="nl-videos"><h3>Top Videos</h3><ul>{videos}</ul></section>
</div>
<aside class="nl-col-side">
  <div class="nl-ad"><div id="div-gpt-ad-rhs1"></div></div>
  <section class="nl-side"><h3 class="nl-side__title">Most Read</h3>{side}</section>
  <div class="nl-ad"><div id="div-gpt-ad-rhs2"></div></div>
</aside>
</div>
<footer class="nl-footer">
  {menu("nl-footer-list", base, NL_MENU + ["About", "Contact", "Advertise", "Privacy", "Terms"])}
  <p>All rights reserved NewsLoop Gulf FZ LLC, Dubai Media City.</p>
</footer>
<script src="{base}/js/app.min.js?v=4.12.0" defer></script>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------
# Outlet 5: The Eastern Bulletin (old table-layout site, RSS 1.0 / RDF with dc:date,
#           NO date anywhere in its pages; body in td#storytext)
# --------------------------------------------------------------------------------------------

EB_MENU = ["Front Page", "Nation", "State", "Kolkata", "North East", "World", "Business",
           "Sports", "Editorial", "Letters", "Horoscope", "Classifieds", "Archives"]
EB_OTHER = [
    "Cricket: Bengal hold nerve to beat Assam by two wickets",
    "Horoscope: what the stars hold for you",
    "Tram depot land to be handed over for bus terminus",
    "Flower show at Alipore draws families",
    "Jute mills seek relief on raw material prices",
    "Durga idols immersed under tight security on the Hooghly",
]


def tpl_eastbulletin(a: dict) -> str:
    url = a["url"]
    base = f"{B}/eastbulletin"
    title = a["title"]
    others = "<br>\n".join(
        f'<font face="Arial" size="2">&raquo; <a href="{base}/{slugify(t)}.htm">{esc(t)}</a></font>' for t in EB_OTHER)
    body = "\n".join(f'<p align="justify">{esc(p, quote=False)}</p>' for p in a["paras"])
    if a.get("breaks"):  # the older template: one <font> run, paragraphs separated by <br> (or <br><br>)
        body = '<font face="Arial" size="2">' + a["breaks"].join(esc(p, quote=False) for p in a["paras"]) + "</font>"
    rel = "<br>\n".join(f'<a href="{h}">{esc(t)}</a>' for t, h in a["related"])
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>The Eastern Bulletin :: {esc(title)}</title>
<meta name="keywords" content="eastern bulletin, kolkata news, bengal news, {esc(a['section'].lower())}">
<link rel="canonical" href="{a['canonical']}">
<link rel="alternate" type="application/rss+xml" title="The Eastern Bulletin Headlines" href="{base}/rss/headlines.xml">
<link href="{base}/css/style.css" rel="stylesheet" type="text/css">
<style type="text/css">
body {{ margin:0; background:#f4f1ea; font-family: Georgia, "Times New Roman", serif; }}
{css_blob("eb", "#8b0000", "Georgia,serif", 3)}
</style>
<script type="text/javascript">
function MM_openBrWindow(theURL,winName,features) {{ window.open(theURL,winName,features); }}
function printStory() {{ window.print(); return false; }}
</script>
{analytics("eastbulletin")}
</head>
<body>
<div id="cookie-consent" style="background:#333;color:#fff;padding:6px;font-size:12px">{COOKIE_TEXT} <a href="#" data-cookie-accept style="color:#ff0">[OK]</a></div>
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center" bgcolor="#ffffff">
<tr><td colspan="3"><a href="{base}/"><img src="{base}/images/masthead.gif" width="980" height="110" border="0" alt="The Eastern Bulletin - Kolkata"></a></td></tr>
<tr><td colspan="3" bgcolor="#8b0000">{menu("eb-nav", base, EB_MENU)}</td></tr>
<tr><td colspan="3"><marquee scrollamount="3" class="eb-ticker"><b>FLASH:</b> Cricket: Bengal hold nerve to beat Assam &bull; Tram depot land to be handed over &bull; Flower show at Alipore</marquee></td></tr>
<tr valign="top">
<td width="200" class="eb-leftcol">
  <div class="eb-widget"><b>Other Headlines</b><br>{others}</div>
  <div class="eb-widget"><b>Horoscope</b><br><font size="1">Aries: A good day for travel. Taurus: Avoid arguments at work. Gemini: Financial gains likely.</font></div>
  <div class="eb-ad"><img src="{base}/ads/left-banner.gif" width="180" height="300" alt="Advertisement"></div>
</td>
<td width="580" class="eb-maincol">
  <font face="Arial" size="2" color="#8b0000"><b>{esc(a['section'].upper())}</b></font>
  <h1 class="eb-headline"><font face="Georgia" size="5">{esc(title)}</font></h1>
  <font face="Arial" size="2"><i>{esc(a['byline'])}</i></font>
  <table width="100%" cellpadding="4"><tr><td id="storytext" class="storytext">
{body}
  </td></tr></table>
  <div class="eb-tools"><a href="#" onclick="return printStory()">Print this story</a> | <a href="{base}/mailstory.php">Email this story</a> | <a href="{base}/letters.htm">Write to the Editor</a></div>
  <div class="eb-related"><b>Also read:</b><br>{rel}</div>
  {share_buttons("eb-share", url, title)}
</td>
<td width="200" class="eb-rightcol">
  <div class="eb-ad"><img src="{base}/ads/right-banner.gif" width="180" height="600" alt="Advertisement"></div>
  <div class="eb-widget"><b>Classifieds</b><br><font size="1">Matrimonial | Property | Jobs | Tenders</font></div>
</td></tr>
<tr><td colspan="3" bgcolor="#eeeeee" align="center">{menu("eb-footer", base, EB_MENU)}
<font size="1">All rights reserved. Reproduction in whole or in part without permission is prohibited.</font></td></tr>
</table>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------
# Page definitions
# --------------------------------------------------------------------------------------------

AL = S.asianlite_parts()
ANI = AL["body"]  # 15 paragraphs, the last ends with "(ANI)"

P = {  # URL paths (without __BASE__); a trailing slash is served from index.html
    "al_ani": "/asianlite/2023/10/31/china-russia-ready-to-tackle-security-threats-together/",
    "al_404": "/asianlite/2023/10/31/23-million-afghans-received-food-aid-last-year/",
    "mh_ani": "/meridian/world/china-ready-to-work-with-russia-to-counter-security-threats-says-top-general-1192334.html",
    "mh_pti": "/meridian/india/navy-invites-over-50-nations-for-milan-exercise-in-visakhapatnam-1192301.html",
    "mh_follow": "/meridian/opinion/analysis-what-shoigus-beijing-outing-tells-new-delhi-1192560.html",
    "mh_grey": "/meridian/world/grey-zone-incidents-in-south-china-sea-up-sharply-think-tank-1192120.html",
    "cw_ani": "/capitalwire/news/china/diplomacy/article/3240117/xiangshan-forum-beijing-and-moscow-vow-jointly-safeguard-global-strategic.html",
    "cw_tass": "/capitalwire/news/asia/article/3240052/russias-pacific-fleet-wraps-sea-japan-drills.html",
    "cw_colombo": "/capitalwire/news/asia/south-asia/article/3239981/indian-coast-guard-vessel-docks-colombo-goodwill-visit.html",
    "cw_sld": "/capitalwire/news/asia/article/3239900/shangri-la-dialogue-return-singapore-next-year-organisers-say.html",
    "nl_ani": "/newsloop/world/shoigu-says-moscow-open-to-post-conflict-ukraine-talks-as-china-pledges-closer-military-ties",
    "nl_pmi": "/newsloop/business/china-manufacturing-pmi-slips-to-49-5-in-october",
    "nl_colombo": "/newsloop/asia/indian-coast-guard-ship-in-colombo-on-three-day-goodwill-visit",
    "nl_explainer": "/newsloop/explainers/what-is-the-beijing-xiangshan-forum",
    "eb_pti": "/eastbulletin/nation/navy-to-host-milan-with-over-50-nations.htm",
    "eb_xiangshan": "/eastbulletin/world/shoigu-uses-xiangshan-platform-to-accuse-west.htm",
    "eb_local": "/eastbulletin/state/coastal-security-training-centre-for-haldia.htm",
}
# NewsLoop uses extension-less "pretty" URLs: the files are <path>/index.html, URLs end in "/".
for k in ("nl_ani", "nl_pmi", "nl_colombo", "nl_explainer"):
    P[k] += "/"


def U(key: str) -> str:
    return B + P[key]


def file_for(path: str) -> str:
    rel = path.lstrip("/")
    return rel + "index.html" if rel.endswith("/") else rel


def ani_variant(dateline_first: str | None, fixes: dict[int, tuple[str, str]], drop_last: int,
                credit_end: bool, inserts: dict[int, tuple]) -> list:
    paras = list(ANI)
    for i, (old, new) in fixes.items():
        assert old in paras[i], (i, old)
        paras[i] = paras[i].replace(old, new)
    if drop_last:
        paras = paras[:-drop_last]
    paras[-1] = paras[-1].removesuffix(" (ANI)")
    if credit_end:
        paras[-1] += " (ANI)"
    if dateline_first:
        paras[0] = dateline_first + paras[0]
    out = []
    for i, p in enumerate(paras):
        out.append(p)
        if i in inserts:
            out.append(inserts[i])
    return out


pages: list[dict] = []


def add(**kw):
    pages.append(kw)


# ---- ANI story: Asian Lite (real text) ----------------------------------------------------
add(key="al_ani", outlet="asianlite", tpl=tpl_asianlite, title=AL["title"], paras=ANI,
    standfirst=AL["standfirst"], also_read=AL["also_read"],
    date="2023-10-31T19:12:00+05:30", modified="2023-10-31T19:20:11+05:30",
    visible_date="31 October 2023", date_source="meta", precision="minute",
    wire="ANI", story="ani-china-russia-security",
    summary=AL["standfirst"], author="Asian Lite News",
    must_not_contain=["Today: 1 June 2025", "ALSO READ", "Previous Story", "Next Story", "Gaza",
                      "IAEA", "Piers Morgan", "Evergrande", "Don't Miss", "Latest from",
                      "Afghans", "Kazakhstan", "2 mins read", "reports Asian Lite News"],
    body_xpath="//div[contains(@class,'entry-content')]")

# ---- ANI story: Meridian Herald (dateline, ALSO READ mid-body, typo fixed, last para dropped)
add(key="mh_ani", outlet="meridian", tpl=tpl_meridian,
    title="China ready to work with Russia to counter security threats, says top general",
    paras=ani_variant(
        "Beijing [China], October 31 (ANI): ",
        {11: ("during which participated", "during which he participated")},
        drop_last=1, credit_end=True,
        inserts={4: ("also", "ALSO READ:", "Navy invites over 50 nations for MILAN exercise in Visakhapatnam", U("mh_pti")),
                 8: ("ad", "inarticle-1")}),
    summary="China’s top military official Zhang Youxia met Russian Defence Minister Sergei Shoigu on the sidelines of the Xiangshan Forum.",
    byline="ANI", author="ANI", section="World",
    date="2023-10-31T14:55:00+05:30", modified="2023-10-31T15:02:00+05:30",
    visible_date="Oct 31, 2023 15:02 IST", date_source="jsonld", precision="minute",
    wire="ANI", story="ani-china-russia-security",
    keywords="China, Russia, Sergei Shoigu, Zhang Youxia, Xiangshan Forum",
    caption="Russian Defence Minister Sergei Shoigu (File Photo/Reuters)",
    disclaimer="This story has not been edited by Meridian Herald staff and is auto-generated from a syndicated feed.",
    related=[("Analysis: What Shoigu’s Beijing outing tells New Delhi", U("mh_follow")),
             ("Grey-zone incidents in South China Sea up sharply: think tank", U("mh_grey"))],
    feed_query="?utm_source=rss&utm_medium=feed",
    must_not_contain=["Sensex", "Bollywood", "monsoon", "GRAP", "Morning Brief", "Related Stories", "Top Stories"],
    body_xpath="//div[contains(@class,'story-body')]")

# ---- ANI story: Capital Wire Daily ("ANI |" at start, Read more mid-body, US spelling, 2 dropped)
cw_paras = ani_variant(
    "ANI | Beijing: ",
    {5: ("Russian Defence Minister", "Russian Defense Minister"),
     9: ("Russian Defence Minister", "Russian Defense Minister")},
    drop_last=2, credit_end=False,
    inserts={6: ("also", "Read more:", "Russia’s Pacific Fleet wraps up Sea of Japan drills", U("cw_tass"))})
add(key="cw_ani", outlet="capitalwire", tpl=tpl_capitalwire,
    title="Xiangshan Forum: Beijing and Moscow vow to ‘jointly safeguard’ global strategic stability",
    paras=cw_paras,
    summary="Russian defence chief Sergei Shoigu also told the Beijing forum that Moscow was open to talks on a ‘post-conflict’ settlement in Ukraine.",
    byline="ANI", section="China", article_id="3240117",
    date="2023-11-01T01:05:00+08:00", modified="2023-11-01T01:40:00+08:00",
    visible_date="1 Nov 2023 - 1:05AM", date_source="time", precision="minute",
    wire="ANI", story="ani-china-russia-security",
    caption="Delegates arrive for the Beijing Xiangshan Forum. Photo: Handout",
    topics=["China-Russia relations", "Diplomacy", "Xiangshan Forum"],
    related=[("Russia’s Pacific Fleet wraps up Sea of Japan drills", U("cw_tass")),
             ("Shangri-La Dialogue to return to Singapore next year, organisers say", U("cw_sld"))],
    must_not_contain=["Hang Seng", "Typhoon", "Lantau", "MTR", "China Briefing", "Most Popular", "HSI"],
    body_xpath="//div[contains(@class,'cw-article__body')]")

# ---- ANI story: NewsLoop Gulf (new headline, short dateline, Also Read, 3 dropped, straight quotes)
nl_paras = ani_variant(
    "Beijing, Oct 31 (ANI) - ",
    {}, drop_last=3, credit_end=True,
    inserts={7: ("also", "Also Read |", "Indian Coast Guard ship in Colombo on three-day goodwill visit", U("nl_colombo"))})
nl_paras = [p if isinstance(p, tuple) else p.replace("“", '"').replace("”", '"') for p in nl_paras]
add(key="nl_ani", outlet="newsloop", tpl=tpl_newsloop,
    title="Shoigu says Moscow open to ‘post-conflict’ Ukraine talks as China pledges closer military ties",
    paras=nl_paras,
    summary="Russia’s defence minister was speaking at the 10th Beijing Xiangshan Forum.",
    byline="ANI", section="World", slug="shoigu-xiangshan",
    date="2023-10-31T22:30:00+04:00", modified="2023-10-31T22:41:00+04:00",
    date_source="meta", precision="minute",
    wire="ANI", story="ani-china-russia-security",
    caption="Sergei Shoigu. File photo",
    related=[("China manufacturing PMI slips to 49.5 in October", U("nl_pmi")),
             ("What is the Beijing Xiangshan Forum?", U("nl_explainer"))],
    must_not_contain=["Gold rate", "Dubai Airshow", "Emirates ID", "Salik", "Top Videos", "Most Read", "WhatsApp"],
    body_xpath="//section[@id='nl-story-text']")

# ---- PTI story: Meridian Herald and Eastern Bulletin -------------------------------------
mh_pti = list(S.PTI_MILAN)
mh_pti[0] = mh_pti[0].replace("New Delhi, Oct 31 (PTI) ", "New Delhi, October 31 (PTI) — ")
mh_pti[-1] = mh_pti[-1].removesuffix(" PTI ABC DEF")
mh_pti.insert(3, ("ad", "inarticle-1"))
add(key="mh_pti", outlet="meridian", tpl=tpl_meridian,
    title="Navy invites over 50 nations for MILAN exercise in Visakhapatnam",
    paras=mh_pti,
    summary="The multilateral exercise will have a harbour phase and a sea phase, officials said.",
    byline="PTI", author="PTI", section="India",
    date="2023-10-31T12:10:00+05:30", modified="2023-10-31T12:10:00+05:30",
    visible_date="Oct 31, 2023 12:10 IST", date_source="jsonld", precision="minute",
    wire="PTI", story="pti-milan-invites",
    keywords="Indian Navy, MILAN, Visakhapatnam",
    caption="Indian Navy warships during an earlier edition of MILAN (PTI file photo)",
    disclaimer="This story is published from a syndicated wire feed.",
    related=[("China ready to work with Russia to counter security threats, says top general", U("mh_ani"))],
    must_not_contain=["Sensex", "Bollywood", "monsoon", "GRAP", "Morning Brief"],
    body_xpath="//div[contains(@class,'story-body')]")

eb_pti = list(S.PTI_MILAN[:-1])  # last paragraph dropped
add(key="eb_pti", outlet="eastbulletin", tpl=tpl_eastbulletin,
    title="Navy to host MILAN with over 50 nations",
    paras=eb_pti, byline="PTI", section="Nation",
    date="2023-10-31T13:45:00+05:30", date_source="feed", precision="minute",
    wire="PTI", story="pti-milan-invites",
    related=[("Shoigu uses Xiangshan platform to accuse West", U("eb_xiangshan"))],
    must_not_contain=["Horoscope", "Assam", "Alipore", "Tram depot", "Classifieds", "Print this story"],
    body_xpath="//td[@id='storytext']", breaks="<br>\n")

# ---- Xinhua story (NewsLoop) and TASS story (Capital Wire) ------------------------------
add(key="nl_pmi", outlet="newsloop", tpl=tpl_newsloop,
    title="China manufacturing PMI slips to 49.5 in October",
    paras=S.XINHUA_PMI,
    summary="The official gauge of factory activity fell back below the 50-point line.",
    byline="Xinhua", section="Business", slug="china-pmi",
    date="2023-10-31T07:10:00+04:00", modified="2023-10-31T07:10:00+04:00",
    date_source="meta", precision="minute", wire="Xinhua", story="xinhua-china-pmi-october",
    caption="Workers at a factory in eastern China. File photo",
    related=[("Shoigu says Moscow open to ‘post-conflict’ Ukraine talks as China pledges closer military ties", U("nl_ani"))],
    must_not_contain=["Gold rate", "Dubai Airshow", "Emirates ID", "Salik", "Top Videos"],
    body_xpath="//section[@id='nl-story-text']")

add(key="cw_tass", outlet="capitalwire", tpl=tpl_capitalwire,
    title="Russia’s Pacific Fleet wraps up Sea of Japan drills",
    paras=S.TASS_PACIFIC,
    summary="More than ten warships and support vessels took part, the fleet said.",
    byline="TASS", section="Asia", article_id="3240052",
    date="2023-10-31T13:20:00+08:00", modified="2023-10-31T13:20:00+08:00",
    visible_date="31 Oct 2023 - 1:20PM", date_source="time", precision="minute",
    wire="TASS", story="tass-pacific-fleet-drills",
    caption="A Russian Pacific Fleet corvette. Photo: TASS",
    topics=["Russia", "Defence"],
    related=[("Xiangshan Forum: Beijing and Moscow vow to ‘jointly safeguard’ global strategic stability", U("cw_ani"))],
    must_not_contain=["Hang Seng", "Typhoon", "Lantau", "MTR", "China Briefing"],
    body_xpath="//div[contains(@class,'cw-article__body')]")

# ---- A second ANI story (same agency, different story): Capital Wire and NewsLoop --------
cw_col = list(S.ANI_COLOMBO)
cw_col[0] = cw_col[0].replace("Colombo [Sri Lanka], October 30 (ANI): ", "ANI | Colombo: ")
cw_col[-1] = cw_col[-1].removesuffix(" (ANI)")
add(key="cw_colombo", outlet="capitalwire", tpl=tpl_capitalwire,
    title="Indian Coast Guard vessel docks in Colombo for goodwill visit",
    paras=cw_col,
    summary="The ship will hold drills with the Sri Lanka Coast Guard, India’s mission said.",
    byline="ANI", section="South Asia", article_id="3239981",
    date="2023-10-30T22:45:00+08:00", modified="2023-10-30T22:45:00+08:00",
    visible_date="30 Oct 2023 - 10:45PM", date_source="time", precision="minute",
    wire="ANI", story="ani-coast-guard-colombo",
    caption="The Port of Colombo. Photo: Shutterstock",
    topics=["India", "Sri Lanka"],
    related=[("Shangri-La Dialogue to return to Singapore next year, organisers say", U("cw_sld"))],
    must_not_contain=["Hang Seng", "Typhoon", "Lantau", "MTR", "China Briefing"],
    body_xpath="//div[contains(@class,'cw-article__body')]")

add(key="nl_colombo", outlet="newsloop", tpl=tpl_newsloop,
    title="Indian Coast Guard ship in Colombo on three-day goodwill visit",
    paras=S.ANI_COLOMBO[:-1] + [S.ANI_COLOMBO[-1]],
    summary="The visit includes a joint pollution-response exercise.",
    byline="ANI", section="Asia", slug="icg-colombo",
    date="2023-10-30T20:20:00+04:00", modified="2023-10-30T20:20:00+04:00",
    date_source="meta", precision="minute", wire="ANI", story="ani-coast-guard-colombo",
    caption="Port of Colombo. File photo",
    related=[("What is the Beijing Xiangshan Forum?", U("nl_explainer"))],
    must_not_contain=["Gold rate", "Dubai Airshow", "Emirates ID", "Salik", "Top Videos"],
    body_xpath="//section[@id='nl-story-text']")

# ---- Hard negative 1: a different report of the same Xiangshan session (Eastern Bulletin)
add(key="eb_xiangshan", outlet="eastbulletin", tpl=tpl_eastbulletin,
    title="Shoigu uses Xiangshan platform to accuse West",
    paras=S.XIANGSHAN_OTHER, byline="Staff Reporter", section="World",
    date="2023-10-31T20:40:00+05:30", date_source="feed", precision="minute",
    wire=None, story="staff-xiangshan-shoigu-speech",
    related=[("Navy to host MILAN with over 50 nations", U("eb_pti"))],
    must_not_contain=["Horoscope", "Assam", "Alipore", "Tram depot", "Classifieds"],
    body_xpath="//td[@id='storytext']")

# ---- Hard negative 2: follow-up quoting exactly one ANI paragraph (Meridian Herald) -------
QUOTED = ANI[10]
add(key="mh_follow", outlet="meridian", tpl=tpl_meridian,
    title="Analysis: What Shoigu’s Beijing outing tells New Delhi",
    paras=S.FOLLOWUP_INTRO + [QUOTED] + S.FOLLOWUP_OUTRO,
    summary="Moscow’s promises of arms supplies and its line on nuclear testing matter for India.",
    byline="Meridian Herald Desk", author="Meridian Herald Desk", section="Opinion",
    date="2023-11-01T10:00:00+05:30", modified="2023-11-01T10:00:00+05:30",
    visible_date="Nov 01, 2023 10:00 IST", date_source="jsonld", precision="minute",
    wire=None, story="followup-shoigu-india-analysis", quotes_paragraph_of="ani-china-russia-security",
    keywords="Russia, India, CTBT, Sergei Shoigu",
    caption="Russian Defence Minister Sergei Shoigu at the forum in Beijing (File Photo)",
    related=[("China ready to work with Russia to counter security threats, says top general", U("mh_ani"))],
    must_not_contain=["Sensex", "Bollywood", "monsoon", "GRAP", "Morning Brief"],
    body_xpath="//div[contains(@class,'story-body')]")

# ---- Other staff stories ---------------------------------------------------------------
add(key="mh_grey", outlet="meridian", tpl=tpl_meridian,
    title="Grey-zone incidents in South China Sea up sharply: think tank",
    paras=S.GREYZONE,
    summary="A Singapore-based think tank counted more than 200 incidents over the past year.",
    byline="Meridian Herald World Desk", author="Meridian Herald World Desk", section="World",
    date="2023-10-30T16:30:00+05:30", modified="2023-10-30T16:30:00+05:30",
    visible_date="Oct 30, 2023 16:30 IST", date_source="jsonld", precision="minute",
    wire=None, story="staff-south-china-sea-greyzone",
    keywords="South China Sea, coast guard, ASEAN",
    caption="A coast guard vessel in the South China Sea (Representative image)",
    related=[("Analysis: What Shoigu’s Beijing outing tells New Delhi", U("mh_follow"))],
    must_not_contain=["Sensex", "Bollywood", "monsoon", "GRAP", "Morning Brief"],
    body_xpath="//div[contains(@class,'story-body')]")

add(key="cw_sld", outlet="capitalwire", tpl=tpl_capitalwire,
    title="Shangri-La Dialogue to return to Singapore next year, organisers say",
    paras=S.SHANGRILA,
    summary="Invitations will go out to defence ministers of more than 40 countries.",
    byline="Capital Wire Daily Staff", section="Asia", article_id="3239900",
    date="2023-10-30T10:00:00+08:00", modified="2023-10-30T10:00:00+08:00",
    visible_date="30 Oct 2023 - 10:00AM", date_source="time", precision="minute",
    wire=None, story="staff-shangri-la-2024",
    caption="The Shangri-La hotel in Singapore. Photo: Handout",
    topics=["Shangri-La Dialogue", "Defence"],
    related=[("Xiangshan Forum: Beijing and Moscow vow to ‘jointly safeguard’ global strategic stability", U("cw_ani"))],
    must_not_contain=["Hang Seng", "Typhoon", "Lantau", "MTR", "China Briefing"],
    body_xpath="//div[contains(@class,'cw-article__body')]")

add(key="nl_explainer", outlet="newsloop", tpl=tpl_newsloop,
    title="What is the Beijing Xiangshan Forum?",
    paras=S.EXPLAINER,
    summary="China’s flagship security conference, explained.",
    byline="NewsLoop Explainers", section="Explainers", slug="xiangshan-explainer",
    date=None, modified=None, date_source=None, precision=None,
    wire=None, story="explainer-xiangshan-forum",
    caption="The forum venue in Beijing. File photo",
    related=[("China manufacturing PMI slips to 49.5 in October", U("nl_pmi"))],
    must_not_contain=["Gold rate", "Dubai Airshow", "Emirates ID", "Salik", "Top Videos"],
    body_xpath="//section[@id='nl-story-text']")

add(key="eb_local", outlet="eastbulletin", tpl=tpl_eastbulletin,
    title="Coastal security training centre for Haldia",
    paras=S.LOCAL_NODATE, byline="Our Correspondent", section="State",
    date="2023-10-30T18:00:00+05:30", date_source="feed", precision="minute",
    wire=None, story="staff-haldia-coastal-security",
    related=[("Navy to host MILAN with over 50 nations", U("eb_pti"))],
    must_not_contain=["Horoscope", "Assam", "Alipore", "Tram depot", "Classifieds"],
    body_xpath="//td[@id='storytext']", no_date_in_page=True, breaks="<br>\n<br>\n")


# --------------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------------

OUTLETS = {
    "asianlite": dict(name="Asian Lite News", feed="/asianlite/feed.xml", home="/asianlite/", country="GB", kind="rss", sitemap=""),
    "meridian": dict(name="Meridian Herald", feed="/meridian/rss/world.xml", home="/meridian/", country="IN", kind="rss", sitemap="/meridian/news-sitemap.xml"),
    "capitalwire": dict(name="Capital Wire Daily", feed="/capitalwire/atom.xml", home="/capitalwire/", country="HK", kind="atom", sitemap=""),
    "newsloop": dict(name="NewsLoop Gulf", feed="/newsloop/feed.json", home="/newsloop/", country="AE", kind="json", sitemap=""),
    "eastbulletin": dict(name="The Eastern Bulletin", feed="/eastbulletin/rss/headlines.xml", home="/eastbulletin/", country="IN", kind="rss", sitemap=""),
}


def outlet_pages(o: str) -> list[dict]:
    ps = [p for p in pages if p["outlet"] == o]
    # newest first, undated last (as a CMS would list them)
    return sorted(ps, key=lambda p: iso_utc(p["date"]) or "", reverse=True)


def teaser(p: dict) -> str:
    first = next(x for x in p["paras"] if isinstance(x, str))
    return (first[:220].rsplit(" ", 1)[0] + " […]") if len(first) > 220 else first


def feed_asianlite() -> str:
    items = []
    for p in outlet_pages("asianlite"):
        items.append(f"""  <item>
    <title>{esc(p['title'])}</title>
    <link>{p['url']}</link>
    <comments>{p['url']}#respond</comments>
    <pubDate>{rfc822(p['date'])}</pubDate>
    <category><![CDATA[Top News]]></category>
    <category><![CDATA[World News]]></category>
    <guid isPermaLink="false">{B}/asianlite/?p=168422</guid>
    <description><![CDATA[{p['standfirst']}]]></description>
  </item>""")
    # The 404 item: listed by the feed, no page in the snapshot.
    items.append(f"""  <item>
    <title>23 Million Afghans Received Food Aid Last Year</title>
    <link>{U('al_404')}</link>
    <pubDate>{rfc822('2023-10-31T17:55:00+05:30')}</pubDate>
    <category><![CDATA[Top News]]></category>
    <guid isPermaLink="false">{B}/asianlite/?p=168419</guid>
    <description><![CDATA[The World Food Programme said it reached millions of people in Afghanistan with food assistance last year…]]></description>
  </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>Asian Lite News</title>
  <atom:link href="{B}/asianlite/feed.xml" rel="self" type="application/rss+xml" />
  <link>{B}/asianlite/</link>
  <description>Latest News from Asia, UK and Gulf</description>
  <lastBuildDate>{rfc822('2023-10-31T19:25:00+05:30')}</lastBuildDate>
  <language>en-US</language>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <sy:updateFrequency>1</sy:updateFrequency>
  <generator>https://wordpress.org/?v=6.3.2</generator>
{chr(10).join(items)}
</channel>
</rss>
"""


def feed_meridian() -> str:
    items = []
    for p in outlet_pages("meridian"):
        link = p["url"] + p.get("feed_query", "")
        content = paras_html([x for x in p["paras"] if not (isinstance(x, tuple) and x[0] == "ad")])
        items.append(f"""    <item>
      <title><![CDATA[{p['title']}]]></title>
      <link>{esc(link)}</link>
      <guid isPermaLink="false">meridian-{p['url'].rsplit('-', 1)[1].split('.')[0]}</guid>
      <pubDate>{rfc822(p['date'])}</pubDate>
      <dc:creator><![CDATA[{p['author']}]]></dc:creator>
      <category>{p['section']}</category>
      <description><![CDATA[{p['summary']}]]></description>
      <content:encoded><![CDATA[{content}]]></content:encoded>
      <media:content url="{B}/meridian/static/img/story/{p['slug']}.jpg" medium="image" width="1200" height="675"/>
    </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Meridian Herald - World &amp; India</title>
    <link>{B}/meridian/</link>
    <atom:link href="{B}/meridian/rss/world.xml" rel="self" type="application/rss+xml"/>
    <description>Latest news from Meridian Herald</description>
    <language>en-in</language>
    <copyright>Meridian Herald Media Pvt. Ltd.</copyright>
    <lastBuildDate>{rfc822('2023-11-01T10:05:00+05:30')}</lastBuildDate>
    <ttl>5</ttl>
    <image><url>{B}/meridian/static/img/logo-rss.png</url><title>Meridian Herald</title><link>{B}/meridian/</link></image>
{chr(10).join(items)}
  </channel>
</rss>
"""


def feed_capitalwire() -> str:
    entries = []
    for p in outlet_pages("capitalwire"):
        entries.append(f"""  <entry>
    <id>tag:capitalwire.example,2023:article/{p['article_id']}</id>
    <title type="text">{esc(p['title'])}</title>
    <link rel="alternate" type="text/html" href="{p['url']}"/>
    <published>{p['date']}</published>
    <updated>{p['modified']}</updated>
    <author><name>{esc(p['byline'])}</name></author>
    <category term="{esc(p['section'])}"/>
    <summary type="html">{esc(p['summary'])}</summary>
  </entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
  <id>tag:capitalwire.example,2023:feed/all</id>
  <title>Capital Wire Daily - Latest</title>
  <subtitle>News from Hong Kong, China and Asia</subtitle>
  <link rel="self" type="application/atom+xml" href="{B}/capitalwire/atom.xml"/>
  <link rel="alternate" type="text/html" href="{B}/capitalwire/"/>
  <updated>2023-11-01T01:40:00+08:00</updated>
  <rights>Copyright Capital Wire Daily Publishers Ltd.</rights>
  <generator uri="https://capitalwire.example/cms" version="7.2">CWD CMS</generator>
{chr(10).join(entries)}
</feed>
"""


def feed_newsloop() -> str:
    items = []
    for p in outlet_pages("newsloop"):
        it = {"id": p["url"], "url": p["url"], "title": p["title"], "summary": p["summary"],
              "content_text": teaser(p), "image": f"{B}/newsloop/img/story/{p['slug']}.webp",
              "authors": [{"name": p["byline"]}], "tags": [p["section"]], "language": "en"}
        if p["date"]:
            it["date_published"] = p["date"]
            it["date_modified"] = p["modified"]
        items.append(it)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "NewsLoop Gulf",
            "home_page_url": f"{B}/newsloop/", "feed_url": f"{B}/newsloop/feed.json",
            "description": "UAE, Gulf and world news", "language": "en",
            "icon": f"{B}/newsloop/img/icon-512.png", "authors": [{"name": "NewsLoop Gulf"}],
            "items": items}
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def feed_eastbulletin() -> str:
    ps = outlet_pages("eastbulletin")
    seq = "\n".join(f'        <rdf:li rdf:resource="{p["url"]}"/>' for p in ps)
    items = "\n".join(f"""  <item rdf:about="{p['url']}">
    <title>{esc(p['title'])}</title>
    <link>{p['url']}</link>
    <description>{esc(teaser(p))}</description>
    <dc:date>{p['date']}</dc:date>
    <dc:creator>{esc(p['byline'])}</dc:creator>
    <dc:subject>{esc(p['section'])}</dc:subject>
  </item>""" for p in ps)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
  <channel rdf:about="{B}/eastbulletin/rss/headlines.xml">
    <title>The Eastern Bulletin :: Headlines</title>
    <link>{B}/eastbulletin/</link>
    <description>Headlines from The Eastern Bulletin, Kolkata</description>
    <dc:language>en</dc:language>
    <dc:publisher>The Eastern Bulletin</dc:publisher>
    <sy:updatePeriod>hourly</sy:updatePeriod>
    <items>
      <rdf:Seq>
{seq}
      </rdf:Seq>
    </items>
  </channel>
{items}
</rdf:RDF>
"""


def sitemap_meridian() -> str:
    urls = "\n".join(f"""  <url>
    <loc>{p['url']}</loc>
    <lastmod>{p['modified']}</lastmod>
    <news:news>
      <news:publication><news:name>Meridian Herald</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>{p['date']}</news:publication_date>
      <news:title>{esc(p['title'])}</news:title>
      <news:keywords>{esc(p.get('keywords', ''))}</news:keywords>
    </news:news>
  </url>""" for p in outlet_pages("meridian"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
"""


# Chinese and Russian outlets carrying the seed story in translation (seeds/snapshot/zh_ru.py)
EXTRA_FEEDS: dict = {}  # feed file -> writer
COUNTRY_TIMEZONES = {"GB": "Europe/London", "IN": "Asia/Kolkata", "HK": "Asia/Hong_Kong", "AE": "Asia/Dubai"}
import zh_ru  # noqa: E402

zh_ru.extend(sys.modules[__name__])

# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

OUT = HERE


def write(rel: str, text: str) -> None:
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> None:
    """Build into seeds/snapshot/ (default) or into --out DIR (used by the tests)."""
    global OUT
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--out"]:
        OUT = Path(argv[1]).resolve()
    for p in pages:
        p["path"] = P[p["key"]]
        p["url"] = B + p["path"]
        p["canonical"] = SITE + p["path"]
        p.setdefault("slug", p["key"])
        p.setdefault("modified", p.get("date"))
        p.setdefault("visible_date", "")
    # clean previously generated outlet directories so removed pages do not linger
    for o in OUTLETS:
        d = OUT / o
        if d.exists():
            for f in sorted(d.rglob("*"), reverse=True):
                f.unlink() if f.is_file() else f.rmdir()
    expected = []
    for p in pages:
        html_text = p["tpl"](p)
        write(file_for(p["path"]), html_text)
        expected.append({
            "path": p["path"],
            "file": file_for(p["path"]),
            "outlet": p["outlet"],
            "source_name": OUTLETS[p["outlet"]]["name"],
            "status": 200,
            "url_in_feed": p["path"] + p.get("feed_query", ""),
            "title": p["title"],
            "published_at_utc": iso_utc(p["date"]),
            "published_at_local": p["date"],
            "published_precision": p["precision"],
            "date_source": p["date_source"],
            "wire_agency": p["wire"],
            "story": p["story"],
            "language": p.get("language", "en"),
            **({"quotes_paragraph_of": p["quotes_paragraph_of"]} if p.get("quotes_paragraph_of") else {}),
            "body_xpath": p["body_xpath"],
            "body_first": plain_paras(p["paras"])[0][:80],
            "body_last": plain_paras(p["paras"])[-1][-80:],
            "n_paragraphs": len(plain_paras(p["paras"])),
            "no_date_in_page": bool(p.get("no_date_in_page") or p["date"] is None),
            "must_not_contain": p["must_not_contain"],
        })
    expected.append({
        "path": P["al_404"], "file": None, "outlet": "asianlite", "source_name": "Asian Lite News",
        "status": 404, "url_in_feed": P["al_404"],
        "title": "23 Million Afghans Received Food Aid Last Year",
        "published_at_utc": iso_utc("2023-10-31T17:55:00+05:30"), "published_at_local": "2023-10-31T17:55:00+05:30",
        "published_precision": "minute", "date_source": "feed", "wire_agency": None,
        "story": None, "must_not_contain": [],
    })
    write("asianlite/feed.xml", feed_asianlite())
    write("meridian/rss/world.xml", feed_meridian())
    write("meridian/news-sitemap.xml", sitemap_meridian())
    write("capitalwire/atom.xml", feed_capitalwire())
    write("newsloop/feed.json", feed_newsloop())
    write("eastbulletin/rss/headlines.xml", feed_eastbulletin())
    for rel, writer in EXTRA_FEEDS.items():
        write(rel, writer())

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "feed_url", "homepage", "country", "language", "kind", "crawl_delay", "sitemap_url",
                "timezone"])
    for o in OUTLETS.values():
        w.writerow([o.get("id") or ascii_slug(o["name"]), o["name"], B + o["feed"], B + o["home"], o["country"],
                    o.get("language", "en"), o["kind"], "", (B + o["sitemap"]) if o["sitemap"] else "",
                    o.get("timezone") or COUNTRY_TIMEZONES[o["country"]]])
    write("sources.csv", buf.getvalue())

    doc = {
        "_note": "Ground truth for the offline demo snapshot. All pages are SYNTHETIC except "
                 "asianlite (a real page rebuilt from text). Paths are URL paths under __BASE__; "
                 "a path ending in '/' is served from <path>index.html. 'url_in_feed' is the "
                 "link as the feed lists it (may carry tracking parameters); 'path' is canonical.",
        "feeds": {k: v["feed"] for k, v in OUTLETS.items()},
        "pages": expected,
    }
    write("expected.json", json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    for p in pages:
        size = (OUT / file_for(p["path"])).stat().st_size
        print(f"{size:7d}  {p['path']}")


if __name__ == "__main__":
    main()
