"""Labelled Chinese and Russian grouping corpora: hand-written wire stories (stories_zh_ru.py) and the
translated seed story, each republished by outlets in their conventions: portal source and editor
lines, new headlines, related-link and sidebar blocks, trimmed endings, merged paragraphs, light
edits (synonyms, full-width digits, quote styles, ё/е), a dropped dateline. Every article carries
`label` (its true story), `kind` and `language`.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pandas as pd
from stories_zh_ru import RU, ZH

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "asianlite-2023-10-31-china-russia-security.txt"

ZH_EDITS = [("表示", "说"), ("两国", "双方"), ("进一步", "更加"), ("积极", "主动"), ("深化", "加深"), ("目前", "当前")]
RU_EDITS = [("заявил", "сказал"), ("отметил", "подчеркнул"), ("остаемся", "остаёмся"), ("все более", "всё более"),
            ("Министр обороны", "Глава Минобороны"), ("в понедельник", "30 октября")]  # fmt: skip
ZH_STYLES = ["portal", "retitled", "trim", "edit", "merged", "app", "no_dateline", "sidebar", "heavy_trim"]
RU_STYLES = ["portal", "retitled", "trim", "edit", "merged", "no_dateline", "sidebar", "heavy_trim", "lowercase"]
ZH_OUTLETS = ["sina", "sohu", "163", "ifeng", "qq", "chinanews", "huanqiu", "people", "81cn", "cctv"]
RU_OUTLETS = ["rg", "mk", "iz", "kp", "vz", "lenta", "gazeta", "rbc", "regnum", "redstar"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def seed_story(language: str) -> tuple:
    """The translated seed story as (label, agency, dateline, title, published, paragraphs)."""
    lines = [ln.strip() for ln in SEED.with_suffix(f".{language}.txt").read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    credit = "（ANI）" if language == "zh" else "(ANI)"
    end = next(i for i, ln in enumerate(lines) if ln.endswith(credit))
    body = lines[5 : end + 1]  # after crawl day, date, reading time, title and standfirst
    body[-1] = body[-1].removesuffix(credit).rstrip()
    return (f"{language}-seed", "ANI", "", lines[3], "2023-10-31 06:00", body)


def _paragraphs(story: tuple, stories: dict[str, tuple]) -> list[str]:
    out = []
    for para in story[5]:
        if para.startswith("QUOTE:"):
            _, label, index = para.split(":")
            para = stories[label][5][int(index)]
        out.append(para)
    return out


def _headline(rng: random.Random, title: str, language: str) -> str:
    if language == "zh":
        return rng.choice([title, title + "（图）", "独家｜" + title, re.sub(r"[：:].*", "", title) or title])
    return rng.choice([title, title.upper(), title + " (видео)", "Главное: " + title])


def render(rng: random.Random, style: str, story: tuple, paras: list[str], language: str, others: list[str]) -> str:
    """One outlet's page text for a story, in a Chinese or Russian outlet's template and edits."""
    label, agency, dateline, title, published, _ = story
    paras = list(paras)
    zh = language == "zh"
    signoff = "（完）" if zh and dateline.startswith(("新华社", "中新社", "中国军网")) else ""
    if style in ("trim", "heavy_trim"):
        keep = rng.uniform(0.6, 0.85) if style == "trim" else rng.uniform(0.45, 0.6)
        paras = paras[: max(2, round(len(paras) * keep))]
        signoff = ""
    if style == "merged":
        paras = ["".join(paras[i : i + 2]) if zh else " ".join(paras[i : i + 2]) for i in range(0, len(paras), 2)]
    if style == "edit":
        edits = rng.sample(ZH_EDITS if zh else RU_EDITS, 3)
        for old, new in edits:
            paras = [p.replace(old, new, 1) for p in paras]
        if zh:
            paras = [p.translate(FULLWIDTH).replace("“", "「").replace("”", "」") for p in paras]
        else:
            paras = [p.replace("«", '"').replace("»", '"').replace(" — ", " - ") for p in paras]
    if style == "lowercase":
        paras = [p.lower() for p in paras]
    lead = "" if style == "no_dateline" else dateline
    if style == "no_dateline" and agency != "ANI":
        lead = (
            ("据" + {"Xinhua": "新华社", "China News Service": "中新社"}.get(agency, "媒体") + "报道，") if zh else ""
        )
    paras[0] = lead + paras[0]
    if signoff:
        paras[-1] += signoff
    if agency == "ANI":
        paras[-1] += "（ANI）" if zh else " (ANI)"
    when = pd.Timestamp(published)
    if style == "portal":
        source = {"Xinhua": "新华网", "China News Service": "中国新闻网", "Global Times": "环球网",
                  "China Military Online": "中国军网", "ANI": "亚洲简讯"}.get(agency, agency)  # fmt: skip
        if zh:
            paras.insert(0, f"{when:%Y-%m-%d %H:%M:%S} 来源：{source}")
            paras.append(f"【责任编辑：{rng.choice(['张三', '李四', '王五'])}】")
        else:
            paras.insert(rng.randint(1, len(paras) - 1), f"Читайте также: {rng.choice(others)}")
            paras.append(f"Источник: {agency}")
    if style == "retitled":
        paras.insert(
            0, f"原标题：{title}" if zh else f"{when.day} {_RU_MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"
        )
    if style == "app":
        paras.insert(0, "点击进入专题：第十届北京香山论坛")
        paras.append("编辑：刘洋 校对：陈晨")
    if style == "sidebar":
        head = ["上一篇", rng.choice(others), "下一篇", rng.choice(others), "热点推荐"] if zh else [
            "Предыдущая новость", rng.choice(others), "Следующая новость", rng.choice(others), "Новости по теме"]  # fmt: skip
        paras += head + rng.sample(others, 3)
    return "\n\n".join(paras)


_RU_MONTHS = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()


def build(language: str, seed: int = 11) -> pd.DataFrame:
    """Articles with columns article_id, url, source_id, title, published_at, text, label, kind, language."""
    rng = random.Random(f"{language}-{seed}")
    stories = {s[0]: s for s in [seed_story(language)] + (ZH if language == "zh" else RU)}
    titles = [s[3] for s in stories.values()]
    styles, outlets = (ZH_STYLES, ZH_OUTLETS) if language == "zh" else (RU_STYLES, RU_OUTLETS)
    rows: list[dict] = []

    def add(label: str, kind: str, source: str, title: str, when: pd.Timestamp, text: str) -> None:
        n = len(rows)
        rows.append(
            {
                "article_id": f"{language}{n:06d}",
                "url": f"https://{source}.example/{label}/{n}",
                "source_id": source,
                "title": title,
                "published_at": when,
                "text": text,
                "label": label,
                "kind": kind,
                "language": language,
            }
        )

    for label, story in stories.items():
        paras = _paragraphs(story, stories)
        when = pd.Timestamp(story[4])
        others = [t for t in titles if t != story[3]]
        agency_source = story[1].lower().replace(" ", "-").replace("'", "")
        add(label, "original", agency_source, story[3], when, render(rng, "original", story, paras, language, others))
        if label.endswith("-seed"):  # the translated page itself, header, standfirst, sidebar and all
            add(label, "page", "asianlite", story[3], when, SEED.with_suffix(f".{language}.txt").read_text("utf-8"))
        for style, outlet in zip(rng.sample(styles, rng.randint(4, len(styles))), rng.sample(outlets, len(outlets))):
            delay = pd.Timedelta(minutes=rng.randint(10, 36 * 60))
            text = render(rng, style, story, paras, language, others)
            add(label, style, outlet, _headline(rng, story[3], language), when + delay, text)
    return pd.DataFrame(rows)


if __name__ == "__main__":
    for lang in ("zh", "ru"):
        frame = build(lang)
        print(
            lang, len(frame), "articles,", frame["label"].nunique(), "stories;", frame.groupby("kind").size().to_dict()
        )
