"""Rebuild the three template pages (ru, uk, zh-Hant) from real saved templates; see PROVENANCE.md.

Run from the repository root: python tests/data/pages/build_pages.py TEMPLATE_DIR
TEMPLATE_DIR holds rian.html (karussell/snacktory, Apache-2.0) and bbc_chinese.html (goose3/goose3, Apache-2.0).
The article text is our own translation of the seed story; the templates' furniture is kept as it was.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).parent

RU_TITLE = "Шойгу на Сяншаньском форуме: Россия и Китай вместе ответят на угрозы безопасности"
RU_BODY = [
    "ПЕКИН, 31 октября. Заместитель председателя Центрального военного совета КНР Чжан Юся провел в понедельник "
    "переговоры с министром обороны России Сергеем Шойгу, который участвует в X Пекинском Сяншаньском форуме.",
    "Чжан Юся заявил, что Китай готов вместе с Россией активно реагировать на различные угрозы и вызовы "
    "безопасности и совместно поддерживать глобальный стратегический баланс и стабильность.",
    "Шойгу, в свою очередь, сказал, что Россия готова углублять прагматичные обмены и сотрудничество с Китаем "
    "и продолжать укреплять отношения между двумя странами и двумя армиями.",
    "«В случае создания необходимых условий мы остаемся готовы к политическим дискуссиям на реалистичной основе "
    "как по постконфликтному урегулированию украинского кризиса, так и по дальнейшему сосуществованию с Западом "
    "в целом», — заявил министр на форуме.",
]
UK_TITLE = "Шойгу на Сяншанському форумі: Росія та Китай разом відповідатимуть на загрози безпеці"
UK_BODY = [
    "Заступник голови Центральної військової ради КНР Чжан Юся у понеділок провів переговори з міністром "
    "оборони Росії Сергієм Шойгу, який бере участь у X Пекінському Сяншанському форумі.",
    "Чжан Юся заявив, що Китай готовий разом із Росією активно реагувати на різні загрози та виклики "
    "безпеці й спільно підтримувати глобальний стратегічний баланс і стабільність.",
    "Шойгу, своєю чергою, сказав, що Росія готова поглиблювати прагматичні обміни та співпрацю з Китаєм "
    "і далі зміцнювати відносини між двома країнами та двома арміями.",
    "Аналітики в Києві вважають, що ці заяви свідчать про подальше зближення військових відомств обох країн.",
]
HANT_TITLE = "張又俠會見紹伊古：中俄願共同應對各種安全威脅"
HANT_BODY = [
    "中國中央軍委副主席張又俠週一在北京會見了出席第十屆北京香山論壇的俄羅斯國防部長紹伊古。",
    "張又俠表示，中俄兩國保持高水平雙邊關係，兩軍關係呈現強勁發展勢頭。中方願同俄方一道，"
    "積極應對各種安全威脅和挑戰，共同維護全球戰略平衡與穩定。",
    "紹伊古說，俄方願同中方深化務實交流與合作，繼續提升兩國兩軍關係水平。",
    "紹伊古在論壇上表示，如果具備必要條件，俄方仍準備在現實基礎上就烏克蘭危機的衝突後解決方案進行政治討論。",
]


def _paragraphs(lines: list[str]) -> str:
    return "\n".join(f"<p>{line}</p>" for line in lines)


def build_ru(template: str) -> str:
    """RIA Novosti's page template (the English edition of the same CMS), Russian text, ria.ru date style."""
    page = template.replace("Japanese rally against nuclear power industry", RU_TITLE)
    page = re.sub(
        r'<div class="body">.*?<p>MOSCOW, April 10 \(RIA Novosti\)</p>',
        lambda _: '<div class="body">' + _paragraphs(RU_BODY),
        page,
        count=1,
        flags=re.S,
    )
    page = page.replace(
        '<span class="time nbr">17:08 </span>10/04/2011', '<span class="time nbr">13:42 </span>31.10.2023'
    )
    page = page.replace(
        '<span class="dataday">12/4/2011 </span><span class="datatime"> 22:52</span>',
        '<span class="dataday">01.06.2025 </span><span class="datatime"> 09:15</span>',
    )
    return page.replace("<html ", '<html lang="ru" ', 1)


def build_bbc(template: str, lang: str, title: str, body: list[str], date_line: str) -> str:
    """BBC World Service's 2012 page template (shared by its Chinese, Ukrainian and Russian services); the markup
    dates are dropped so that the date line written on the page is the only one."""
    page = template.replace("zh-Hans", lang)
    page = re.sub(r"<title>.*?</title>", lambda _: f"<title>{title} - BBC</title>", page, count=1, flags=re.S)
    page = re.sub(r"<h1>.*?</h1>", lambda _: f"<h1>{title}</h1>", page, count=1, flags=re.S)
    page = re.sub(r'<meta name="(dcterms\.created|dcterms\.modified|description)"[^>]*>\s*', "", page)
    page = re.sub(
        r'(<div class="datestamp">).*?(</div>)',
        lambda m: m.group(1) + date_line + m.group(2),
        page,
        count=1,
        flags=re.S,
    )
    start = page.index('<p class="ingress">')
    end = page.index("</p>", page.index("民主党此前计划在星期三")) + len("</p>")
    return page[:start] + _paragraphs(body) + page[end:]


def main(template_dir: str) -> None:
    root = Path(template_dir)
    rian = (root / "rian.html").read_text("utf-8")
    bbc = (root / "bbc_chinese.html").read_text("utf-8")
    (HERE / "ru" / "ria_template.html").write_text(build_ru(rian), "utf-8")
    (HERE / "uk" / "bbc_template.html").write_text(
        build_bbc(bbc, "uk", UK_TITLE, UK_BODY, "31 жовтня 2023 р., 13:42"), "utf-8"
    )
    (HERE / "zh-hant").mkdir(exist_ok=True)
    (HERE / "zh-hant" / "bbc_template.html").write_text(
        build_bbc(bbc, "zh-Hant", HANT_TITLE, HANT_BODY, "2023年10月31日 13:42"), "utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1])
