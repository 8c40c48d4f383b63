"""Labelled benchmark corpus: wire stories, their syndicated copies across outlet templates, hard negatives.

Stories are built from shared news-sentence templates with slot fills (so stories on the same forum
share phrases), plus the real Asian Lite body. Every article carries `label` (its true story).
Hard negatives: a follow-up that quotes one paragraph of an earlier story, and a second agency's
report of the same forum session sharing a couple of quotes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
ASIANLITE = ROOT / "tests" / "data" / "asianlite-2023-10-31-china-russia-security.txt"

FORUMS = [
    "Xiangshan Forum",
    "Shangri-La Dialogue",
    "Munich Security Conference",
    "Raisina Dialogue",
    "Valdai Discussion Club",
    "Halifax International Security Forum",
    "Manama Dialogue",
    "Doha Forum",
]
PEOPLE = [
    "Sergei Shoigu",
    "Zhang Youxia",
    "Lloyd Austin",
    "S Jaishankar",
    "Rajnath Singh",
    "Dong Jun",
    "Richard Marles",
    "Boris Pistorius",
    "Wang Yi",
    "Sergei Lavrov",
    "Antony Blinken",
    "Kishida Fumio",
    "Jens Stoltenberg",
    "Ng Eng Hen",
    "Gilberto Teodoro",
    "Prabowo Subianto",
]
COUNTRIES = [
    "China",
    "Russia",
    "India",
    "the United States",
    "Japan",
    "Australia",
    "Germany",
    "Singapore",
    "the Philippines",
    "Indonesia",
    "Vietnam",
    "South Korea",
    "Pakistan",
    "Iran",
    "France",
    "Britain",
]
TOPICS = [
    "arms control",
    "maritime security",
    "the South China Sea",
    "the Ukraine conflict",
    "nuclear stability",
    "counter-terrorism",
    "military-technical cooperation",
    "cyber security",
    "the Taiwan Strait",
    "supply chains",
    "space security",
    "the Indo-Pacific order",
    "joint exercises",
    "defence industry",
]
VERBS = ["deepen", "expand", "review", "strengthen", "discuss", "resume", "accelerate", "coordinate", "reassess"]
WORDS = (
    "government officials regional partners strategic dialogue framework agreement bilateral talks pressure "
    "security architecture delegation ministry statement frontier troops naval patrol exercise drills budget "
    "treaty verification mechanism stability crisis escalation diplomacy sanctions reform summit alliance "
    "investment corridor infrastructure technology missile drone satellite coast guard incident channel "
    "hotline trust transparency doctrine deterrence posture capability procurement industry roadmap "
    "consultation envoy negotiator observer analyst think-tank panel plenary session keynote remarks "
    "spokesperson briefing press conference communique declaration commitment initiative proposal "
    "concern warning threat challenge opportunity partnership neighbourhood border dispute resolution "
    "humanitarian relief reconstruction energy grain shipping route strait island reef outpost base "
    "airspace intercept radar deployment rotation garrison reserve modernisation shipyard contract"
).split()
QUOTES = [
    "we remain ready for political discussions on a realistic basis",
    "dialogue is the only way to manage differences between major powers",
    "no country should seek its own security at the expense of others",
    "our forces will continue to operate wherever international law allows",
    "the region cannot afford another arms race",
    "we are determined to continue cooperation with interested states",
    "freedom of navigation is not negotiable for any of us",
    "we want guardrails so that competition does not veer into conflict",
]
TEMPLATES = [
    "{p} said {c} is ready to {v} cooperation with {c2} on {t}, {w}.",
    "Speaking at the {f}, {p} told delegates that {t} remained a priority for {c}, {w}.",
    "The {n}th edition of the {f} is being held from {m} {d1}-{d2}, with delegations from over {k} countries, {w}.",
    "{p} held talks with visiting {p2} on the sidelines of the {f}, and the two sides agreed to {v} {t}.",
    "“{q},” {p} said during the plenary session on {t}.",
    "{c} and {c2} have maintained a high-level relationship and ties exhibit strong momentum on {t}, {w}.",
    "Officials said the talks covered {t} and {t2}, as well as plans to {v} {w}.",
    "{p2}, meanwhile, said {c2} would {v} exchanges with {c} on {t} in the coming months, {w}.",
    "Analysts at the {f} noted that {t} had become central to relations between {c} and {c2}, {w}.",
    "The ministry said {k} agreements on {t} were signed, covering {w}.",
    "{p} warned that tensions over {t2} could escalate unless {c} and {c2} {v} their dialogue, {w}.",
    "According to the organisers, more than {k}0 speakers will address {t} and {t2} during the {f}.",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Outlet:
    source_id: str
    style: str  # the page template / edit style of this outlet


OUTLETS = [
    Outlet("theprint", "full"),
    Outlet("asianlite", "standfirst_tagline"),
    Outlet("devdiscourse", "no_dateline"),
    Outlet("lokmat", "also_read"),
    Outlet("business-standard", "syndicated_tagline"),
    Outlet("tribune", "trim"),
    Outlet("newsonair", "pipe_credit"),
    Outlet("republicworld", "sidebar"),
    Outlet("latestly", "typos"),
    Outlet("sify", "merged_paragraphs"),
    Outlet("daijiworld", "read_more"),
    Outlet("ptinews", "inputs_from"),
    Outlet("outlookindia", "heavy_trim"),
    Outlet("newsdrum", "quotes_dashes"),
]
AGENCIES = {
    "ANI": "{place} [{country}], {mon} {day} (ANI): ",
    "PTI": "{place}, {mon} {day} (PTI) ",
    "IANS": "{place}, {mon} {day} (IANS) ",
    "Xinhua": "{PLACE}, {mon}. {day} (Xinhua) -- ",
    "TASS": "{PLACE}, {month} {day}. /TASS/. ",
    "Reuters": "{PLACE} (Reuters) - ",
}
PLACES = [
    ("New Delhi", "India"),
    ("Beijing", "China"),
    ("Moscow", "Russia"),
    ("Singapore", "Singapore"),
    ("Munich", "Germany"),
    ("Doha", "Qatar"),
    ("Washington", "US"),
    ("Tokyo", "Japan"),
]


SYLLABLES = "ka ri to shan mel vor di ab en qu lo sa ni ver tam ho zel pra gu fi on tel mar bas".split()


def _names(rng: random.Random, k: int) -> list[str]:
    """Story-specific proper nouns (places, units, officials): different stories name different things."""
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize() for _ in range(k)]


def _words(rng: random.Random, k: int, names: list[str] | None = None) -> str:
    pick = lambda: rng.choice(names) if names and rng.random() < 0.35 else rng.choice(WORDS)  # noqa: E731
    return " ".join(pick() for _ in range(k))


def _sentence(rng: random.Random, forum: str, people: list[str], quotes: list[str], names: list[str]) -> str:
    c, c2 = rng.sample(COUNTRIES, 2)
    t, t2 = rng.sample(TOPICS, 2)
    return rng.choice(TEMPLATES).format(
        p=people[0] if rng.random() < 0.6 else rng.choice(PEOPLE),
        p2=people[1],
        c=c,
        c2=c2,
        t=t,
        t2=t2,
        v=rng.choice(VERBS),
        f=forum,
        q=rng.choice(quotes),
        w=_words(rng, rng.randint(7, 14), names),
        n=rng.randint(3, 21),
        m=rng.choice(MONTHS),
        d1=rng.randint(1, 20),
        d2=rng.randint(21, 28),
        k=rng.randint(2, 99),
    )


def _story_paragraphs(rng: random.Random, forum: str, people: list[str], quotes: list[str]) -> list[str]:
    names = _names(rng, 12)
    paragraphs = []
    for _ in range(rng.randint(6, 12)):
        paragraphs.append(" ".join(_sentence(rng, forum, people, quotes, names) for _ in range(rng.randint(1, 3))))
    return paragraphs


def asianlite_paragraphs() -> list[str]:
    """The real body paragraphs of the Asian Lite page (no chrome, credit, sidebar)."""
    lines = [ln.strip() for ln in ASIANLITE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("China has said"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("ALSO READ"))
    return [re.sub(r"\s*\(ANI\)$", "", ln) for ln in lines[start:end]]


def _typo(rng: random.Random, text: str, n: int) -> str:
    words = text.split(" ")
    for _ in range(n):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 4:
            j = rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def _headline(rng: random.Random, title: str) -> str:
    choice = rng.random()
    if choice < 0.45:
        return title
    if choice < 0.6:
        return title.upper() if rng.random() < 0.3 else title.rstrip(".") + ": Report"
    words = title.split()
    rng.shuffle(words)
    return " ".join(words[: max(4, len(words) - 2)]).capitalize()


def render(
    rng: random.Random, outlet: Outlet, paragraphs: list[str], dateline: str, agency: str, other_titles: list[str]
) -> str:
    """One outlet's page text for a wire story, in that outlet's template and edit style."""
    paras = list(paragraphs)
    credit = f" ({agency})"
    style = outlet.style
    if style in ("trim", "heavy_trim"):
        keep = rng.uniform(0.6, 0.85) if style == "trim" else rng.uniform(0.4, 0.6)
        paras = paras[: max(2, round(len(paras) * keep))]
    if style == "typos":
        paras = [_typo(rng, p, 2) for p in paras]
    if style == "merged_paragraphs":
        paras = [" ".join(paras[i : i + 2]) for i in range(0, len(paras), 2)]
    if style == "quotes_dashes":
        paras = [p.replace("“", '"').replace("”", '"').replace(" - ", " — ") for p in paras]
    lead = dateline if style not in ("no_dateline", "pipe_credit") else ""
    if style == "pipe_credit":
        lead = f"{agency} | "
    paras[0] = lead + paras[0]
    if style not in ("no_dateline", "inputs_from"):
        paras[-1] = paras[-1] + credit
    if style == "also_read":
        paras.insert(rng.randint(1, len(paras) - 1), f"ALSO READ: {rng.choice(other_titles)}")
    if style == "read_more":
        paras.insert(rng.randint(1, len(paras) - 1), f"Read more: {rng.choice(other_titles)}")
        paras.append(f"Also Read | {rng.choice(other_titles)}")
    if style == "standfirst_tagline":
        paras.insert(0, paragraphs[1][:160] + "….reports Asian Lite News")
        paras.append(f"ALSO READ: {rng.choice(other_titles)}")
    if style == "syndicated_tagline":
        paras.append(
            "(Except for the headline, this story has not been edited by Business Standard staff "
            "and is published from a syndicated feed.)"
        )
    if style == "inputs_from":
        paras.append(f"(With inputs from {agency})")
    if style == "sidebar":
        paras += [
            "Previous Story",
            rng.choice(other_titles),
            "Next Story",
            rng.choice(other_titles),
            "Latest from Top News",
        ] + [f"{t}\n{_words(rng, 25)}" for t in rng.sample(other_titles, 3)]
    return "\n\n".join(paras)


def build(n_stories: int = 60, seed: int = 7, start: str = "2023-10-01", days: int = 40) -> pd.DataFrame:
    """Articles with columns article_id, url, source_id, title, published_at, text, label, kind."""
    rng = random.Random(seed)
    t0 = pd.Timestamp(start)
    titles = [
        f"{rng.choice(PEOPLE)} {rng.choice(['urges', 'backs', 'warns on', 'seeks'])} "
        f"{rng.choice(TOPICS)} at {rng.choice(FORUMS)}"
        for _ in range(max(20, n_stories))
    ]
    rows: list[dict] = []

    def add(label: str, kind: str, source: str, title: str, when: pd.Timestamp, text: str) -> None:
        n = len(rows)
        rows.append(
            {
                "article_id": f"b{n:07d}",
                "url": f"https://{source}.example/{label}/{n}",
                "source_id": source,
                "title": title,
                "published_at": when,
                "text": text,
                "label": label,
                "kind": kind,
            }
        )

    for s in range(n_stories):
        forum = FORUMS[s % len(FORUMS)]
        people = rng.sample(PEOPLE, 2)
        quotes = rng.sample(QUOTES, 3)
        agency = rng.choice(list(AGENCIES))
        place, country = rng.choice(PLACES)
        when = t0 + pd.Timedelta(minutes=rng.randint(0, days * 1440))
        paragraphs = asianlite_paragraphs() if s == 0 else _story_paragraphs(rng, forum, people, quotes)
        title = titles[s] if s else "China, Russia Ready to Tackle Security Threats Together"
        dateline = AGENCIES[agency].format(
            place=place,
            PLACE=place.upper(),
            country=country,
            mon=when.strftime("%b"),
            month=when.strftime("%B"),
            day=when.day,
        )
        label = f"s{s:05d}"
        add(label, "original", agency.lower(), title, when, dateline + "\n\n".join(paragraphs) + f" ({agency})")
        for outlet in rng.sample(OUTLETS, rng.randint(3, 12)):
            delay = pd.Timedelta(minutes=rng.randint(10, 36 * 60))
            add(
                label,
                outlet.style,
                outlet.source_id,
                _headline(rng, title),
                when + delay,
                render(rng, outlet, paragraphs, dateline, agency, titles),
            )
        if s % 3 == 1:  # follow-up story quoting one paragraph of this one
            follow = _story_paragraphs(rng, forum, people, quotes)
            follow.insert(rng.randint(1, len(follow)), rng.choice(paragraphs))
            fl = f"f{s:05d}"
            add(
                fl,
                "follow_up",
                agency.lower(),
                title + " — what happens next",
                when + pd.Timedelta(days=1),
                "\n\n".join(follow) + f" ({agency})",
            )
            add(
                fl,
                "follow_up_copy",
                "theprint",
                "What next: " + title,
                when + pd.Timedelta(days=1, hours=3),
                "\n\n".join(follow[:-1]),
            )
        if s % 3 == 2:  # another agency's report of the same forum session, sharing two quotes
            other = _story_paragraphs(rng, forum, people, quotes)
            for quote in quotes[:2]:
                other.insert(rng.randint(0, len(other)), f"“{quote},” {people[0]} said at the session.")
            ol = f"o{s:05d}"
            add(ol, "same_session", "reuters", title, when + pd.Timedelta(hours=2), "\n\n".join(other))
            add(ol, "same_session_copy", "newsonair", title, when + pd.Timedelta(hours=5), "\n\n".join(other[:-2]))
    return pd.DataFrame(rows)


if __name__ == "__main__":
    frame = build()
    print(frame.groupby("kind").size().to_string())
    print(len(frame), "articles,", frame["label"].nunique(), "stories")
