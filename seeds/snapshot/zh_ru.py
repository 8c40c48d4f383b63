"""Two SYNTHETIC outlets of the demo snapshot in Chinese and Russian, each carrying the seed story in
translation (tests/data/asianlite-2023-10-31-china-russia-security.zh.txt / .ru.txt, translated for
forumwatch), with dates in their conventions and their pages' traps.

- 环宇军事网 Huanyu Military Net (huanyu/): a Chinese portal; RSS 2.0 with `+0800` pubDates; the page
  shows "2023年10月31日 22:05 来源：亚洲简讯" as text only (no date markup: the date comes from the
  feed, or from the text read in the source's time zone Asia/Shanghai); crawl day "今天：2025年6月1日"
  above it; 相关阅读 / 上一篇 / 下一篇 / 头条新闻最新消息 outside the body.
- Северный курьер Severny Kurier (kurier/): a Russian outlet; RSS 2.0 with `+0300` pubDates;
  `article:published_time` +03:00 and the visible "31 октября 2023, 17:20"; crawl day
  "Сегодня: 1 июня 2025"; ЧИТАЙТЕ ТАКЖЕ / Предыдущая новость / Следующая новость outside the body.

Neither outlet exists; the story is ANI's, translated.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
SEED = "asianlite-2023-10-31-china-russia-security"

OUTLETS = {
    "huanyu": dict(
        name="Huanyu Military Net (环宇军事网)", feed="/huanyu/rss/mil.xml", home="/huanyu/", country="CN", kind="rss",
        sitemap="", language="zh", timezone="Asia/Shanghai",
    ),
    "kurier": dict(
        name="Severny Kurier (Северный курьер)", feed="/kurier/rss.xml", home="/kurier/", country="RU", kind="rss",
        sitemap="", language="ru", timezone="Europe/Moscow",
    ),
}  # fmt: skip
PATHS = {
    "hy_ani": "/huanyu/mil/2023-10/31/c_1129950.htm",
    "ku_ani": "/kurier/news/2023/10/31/kitay-i-rossiya-gotovy-vmeste-protivostoyat-ugrozam/",
}


def translated(language: str) -> dict:
    """The translated page's parts: crawl day, date line, reading time, title, standfirst, body
    (ending with the ANI credit), the related link, and the sidebar lines after it."""
    lines = [ln.strip() for ln in (DATA / f"{SEED}.{language}.txt").read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    credit = "（ANI）" if language == "zh" else "(ANI)"
    end = next(i for i, ln in enumerate(lines) if ln.endswith(credit))
    return {
        "today": lines[0],
        "date": lines[1],
        "read": lines[2],
        "title": lines[3],
        "standfirst": lines[4],
        "body": lines[5 : end + 1],
        "also": lines[end + 1],
        "rest": lines[end + 2 :],
    }


HY_MENU = ["首页", "军事", "国际", "中国", "评论", "图片", "视频", "专题", "军情观察", "装备", "历史"]
HY_HOT = ["歼-20新型号亮相珠海航展", "外交部：中方坚决反对任何形式的“台独”分裂活动", "2023年全国征兵工作全面展开",
          "海军第45批护航编队起航", "国防部就美舰过航台湾海峡答记者问"]  # fmt: skip
KU_MENU = ["Главное", "Политика", "В мире", "Армия", "Экономика", "Общество", "Происшествия", "Культура", "Спорт"]
KU_HOT = ["В Архангельске открылся новый мост через Северную Двину", "Прогноз погоды на выходные: заморозки до -10",
          "Курс рубля: что ждет валютный рынок в ноябре", "Северный флот провел учения в Баренцевом море",
          "В Мурманске стартовал фестиваль северного сияния"]  # fmt: skip


def _sidebar(m, items: list[str], cls: str) -> str:
    return "\n".join(f'<div class="{cls}"><p>{m.esc(t)}</p></div>' for t in items)


def tpl_huanyu(m, a: dict) -> str:
    base = f"{m.B}/huanyu"
    t = a["parts"]
    rest = t["rest"]  # 上一篇, title, 下一篇, title, 头条新闻最新消息, 5 x (title, teaser), 返回顶部, 不容错过, ...
    latest = "\n".join(
        f'<li class="hy-latest__item"><a href="{base}/world/{i}.htm"><b>{m.esc(rest[i])}</b><span>{m.esc(rest[i + 1])}</span></a></li>'
        for i in range(5, 15, 2)
    )
    hot = "\n".join(f'<li><a href="{base}/hot/{n}.htm">{m.esc(h)}</a></li>' for n, h in enumerate(HY_HOT))
    body = "\n".join(f"<p>{m.esc(p, quote=False)}</p>" for p in a["paras"])
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{m.esc(a["title"])}_环宇军事网</title>
<meta name="keywords" content="中俄,张又侠,绍伊古,香山论坛">
<meta name="description" content="{m.esc(t["standfirst"])}">
<meta property="og:title" content="{m.esc(a["title"])}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="环宇军事网">
<link rel="canonical" href="{a["canonical"]}">
<link rel="alternate" type="application/rss+xml" title="环宇军事网 军事" href="{base}/rss/mil.xml">
<style>{m.css_blob("hy", "#b40000", "'Microsoft YaHei',SimSun,sans-serif", 4)}</style>
{m.analytics("huanyu")}
</head>
<body>
<div class="hy-topbar"><span class="hy-today">{m.esc(t["today"])} 星期日</span> <a href="{base}/app/">下载客户端</a> <a href="{base}/login/">登录</a></div>
<div class="hy-header"><a class="hy-logo" href="{base}/">环宇军事网</a>{m.menu("hy-nav", base, HY_MENU)}</div>
<div class="hy-crumb"><a href="{base}/">首页</a> &gt; <a href="{base}/mil/">军事</a> &gt; 正文</div>
<div class="hy-main">
  <h1 class="hy-title">{m.esc(a["title"])}</h1>
  <div class="hy-info"><span class="hy-time">{m.esc(a["visible_date"])}</span> <span class="hy-source">来源：亚洲简讯</span> <span class="hy-read">{m.esc(t["read"])}</span></div>
  <div class="hy-summary">{m.esc(t["standfirst"])}</div>
  <div id="zoom" class="hy-article">
{body}
  </div>
  <div class="hy-editor">【责任编辑：王明】</div>
  <div class="hy-also"><a href="{base}/world/also.htm">{m.esc(t["also"])}</a></div>
  <div class="hy-pager"><span>{m.esc(rest[0])}</span> <a href="{base}/world/prev.htm">{m.esc(rest[1])}</a><br><span>{m.esc(rest[2])}</span> <a href="{base}/world/next.htm">{m.esc(rest[3])}</a></div>
  {m.share_buttons("hy-share", a["url"], a["title"])}
</div>
<div class="hy-side">
  <h3>{m.esc(rest[4])}</h3><ul class="hy-latest">{latest}</ul>
  <h3>热点排行</h3><ol class="hy-hot">{hot}</ol>
  <a href="#top" class="hy-top">{m.esc(rest[15])}</a>
  <h3>{m.esc(rest[16])}</h3><ul class="hy-miss">{"".join(f'<li><a href="{base}/miss/{n}.htm">{m.esc(x)}</a></li>' for n, x in enumerate(rest[17:]))}</ul>
</div>
<div class="hy-footer">{m.menu("hy-foot", base, HY_MENU)}<p>环宇军事网 版权所有 未经授权禁止转载</p></div>
</body>
</html>
"""


def tpl_kurier(m, a: dict) -> str:
    base = f"{m.B}/kurier"
    t = a["parts"]
    rest = t[
        "rest"
    ]  # Предыдущая новость, title, Следующая новость, title, Последнее..., 5 x (title, teaser), Наверх, ...
    latest = "\n".join(
        f'<li class="ku-latest__item"><h4>{m.esc(rest[i])}</h4><p>{m.esc(rest[i + 1])}</p></li>'
        for i in range(5, 15, 2)
    )
    hot = "\n".join(f'<li><a href="{base}/news/{n}/">{m.esc(h)}</a></li>' for n, h in enumerate(KU_HOT))
    body = "\n".join(f"<p>{m.esc(p, quote=False)}</p>" for p in a["paras"])
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>{m.esc(a["title"])} — Северный курьер</title>
<meta name="description" content="{m.esc(t["standfirst"])}">
<meta property="og:title" content="{m.esc(a["title"])}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Северный курьер">
<meta property="article:published_time" content="{a["date"]}">
<meta property="article:modified_time" content="{a["modified"]}">
<link rel="canonical" href="{a["canonical"]}">
<link rel="alternate" type="application/rss+xml" title="Северный курьер" href="{base}/rss.xml">
<style>{m.css_blob("ku", "#1d4e89", "'PT Sans',Arial,sans-serif", 4)}</style>
{m.analytics("kurier")}
</head>
<body>
<div class="ku-cookie">Мы используем файлы cookie. Продолжая пользоваться сайтом, вы соглашаетесь с этим. <button>Понятно</button></div>
<div class="ku-topbar"><span class="ku-today">{m.esc(t["today"])}</span> <span class="ku-weather">Архангельск −3°</span></div>
<div class="ku-header"><a class="ku-logo" href="{base}/">Северный курьер</a>{m.menu("ku-nav", base, KU_MENU)}</div>
<main class="ku-main">
  <div class="ku-head">
    <div class="ku-meta"><span class="ku-date">{m.esc(a["visible_date"])}</span> <span class="ku-read">{m.esc(t["read"])}</span></div>
    <h1 class="ku-title">{m.esc(a["title"])}</h1>
    <div class="ku-lead">{m.esc(t["standfirst"])}</div>
  </div>
  <article class="ku-article">
    <div class="ku-article__text" itemprop="articleBody">
{body}
    </div>
  </article>
  <div class="ku-also"><a href="{base}/news/also/">{m.esc(t["also"])}</a></div>
  <div class="ku-pager"><span>{m.esc(rest[0])}</span> <a href="{base}/news/prev/">{m.esc(rest[1])}</a> <span>{m.esc(rest[2])}</span> <a href="{base}/news/next/">{m.esc(rest[3])}</a></div>
  {m.share_buttons("ku-share", a["url"], a["title"])}
</main>
<aside class="ku-side">
  <h3>{m.esc(rest[4])}</h3><ul class="ku-latest">{latest}</ul>
  <h3>Самое читаемое</h3><ol class="ku-hot">{hot}</ol>
  <a href="#top" class="ku-top">{m.esc(rest[15])}</a>
  <h3>{m.esc(rest[16])}</h3>{_sidebar(m, rest[17:], "ku-miss")}
</aside>
<footer class="ku-footer">{m.menu("ku-foot", base, KU_MENU)}<p>© Северный курьер. Все права защищены. 18+</p></footer>
</body>
</html>
"""


def feed(m, outlet: str) -> str:
    """RSS 2.0 of one of these outlets, pubDates in the outlet's own offset (+0800, +0300)."""
    o = OUTLETS[outlet]
    items = []
    for p in m.outlet_pages(outlet):
        offset = p["date"][19:].replace(":", "")
        pub = m.rfc822(p["date"]).rsplit(" ", 1)[0] + " " + offset
        items.append(f"""    <item>
      <title>{m.esc(p["title"])}</title>
      <link>{p["url"]}</link>
      <guid isPermaLink="true">{p["url"]}</guid>
      <pubDate>{pub}</pubDate>
      <category>{m.esc(p["section"])}</category>
      <description><![CDATA[{p["parts"]["standfirst"]}]]></description>
    </item>""")
    language = "zh-cn" if o["language"] == "zh" else "ru"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{m.esc(o["name"])}</title>
    <link>{m.B}{o["home"]}</link>
    <description>{m.esc(o["name"])}</description>
    <language>{language}</language>
{chr(10).join(items)}
  </channel>
</rss>
"""


def extend(m) -> None:
    """Add the two outlets, their pages and feed writers to the builder module `m`."""
    m.P.update(PATHS)
    m.OUTLETS.update(OUTLETS)
    zh, ru = translated("zh"), translated("ru")
    m.add(key="hy_ani", outlet="huanyu", tpl=lambda a: tpl_huanyu(m, a), title=zh["title"], paras=zh["body"],
          parts=zh, section="军事", date="2023-10-31T22:05:00+08:00", visible_date="2023年10月31日 22:05",
          date_source="feed", precision="minute", wire="ANI", story="ani-china-russia-security-zh",
          must_not_contain=["今天：2025年6月1日", "阅读时间", "亚洲简讯报道", "责任编辑", "相关阅读", "上一篇", "下一篇",
                            "加沙", "国际原子能机构", "皮尔斯·摩根", "恒大", "阿富汗", "哈萨克斯坦", "热点排行"],
          body_xpath="//div[@id='zoom']", language="zh")  # fmt: skip
    m.add(key="ku_ani", outlet="kurier", tpl=lambda a: tpl_kurier(m, a), title=ru["title"], paras=ru["body"],
          parts=ru, section="В мире", date="2023-10-31T17:20:00+03:00", modified="2023-10-31T17:31:00+03:00",
          visible_date="31 октября 2023, 17:20", date_source="meta", precision="minute", wire="ANI",
          story="ani-china-russia-security-ru",
          must_not_contain=["Сегодня: 1 июня 2025", "мин. чтения", "сообщает Asian Lite News", "ЧИТАЙТЕ ТАКЖЕ",
                            "Предыдущая новость", "Следующая новость", "Газа", "МАГАТЭ", "Пирс Морган", "Evergrande",
                            "афганцев", "Казахстана", "Самое читаемое"],
          body_xpath="//div[@itemprop='articleBody']", language="ru")  # fmt: skip
    m.EXTRA_FEEDS.update({o["feed"].lstrip("/"): (lambda key=key: feed(m, key)) for key, o in OUTLETS.items()})
