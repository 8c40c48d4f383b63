"""Tagging from the seed rules: the real Asian Lite page, word boundaries, co-occurrence per paragraph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forumwatch.resources import seeds_dir
from forumwatch.tasks.tag import WORD, Words, compile_rule, fold, group_screen, load_rules, paragraphs, tag_article

PAGE = Path(__file__).parent / "data" / "asianlite-2023-10-31-china-russia-security.txt"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def split_page() -> tuple[str, str]:
    """The story body runs up to and including the paragraph ending '(ANI)'; the rest is sidebar."""
    text = PAGE.read_text(encoding="utf-8")
    end = text.index("(ANI)") + len("(ANI)")
    return text[:end], text[end:]


def keys(rows: list[dict], column: str) -> set[str]:
    return {row[column] for row in rows}


def test_asianlite_body_tags(rules):
    body, _ = split_page()
    result = tag_article("asianlite", body, rules)
    topics = keys(result.topics, "topic")
    assert {"sino_russian_military", "arms_control", "ukraine_war"} <= topics
    assert "middle_east" not in topics
    assert keys(result.forums, "forum") == {"xiangshan"}
    people = keys(result.people, "person")
    assert {"zhang_youxia", "sergei_shoigu"} <= people
    assert "iaea" not in people
    evidence = " ".join(r["evidence"] for r in result.topics + result.forums + result.people)
    for sidebar_word in ("Gaza", "IAEA", "Israel", "Hamas", "Iran"):
        assert sidebar_word.lower() not in evidence.lower()

    by_topic = {r["topic"]: r for r in result.topics}
    assert "CTBT" in by_topic["arms_control"]["evidence"]
    paras = paragraphs(body)
    sr = by_topic["sino_russian_military"]
    first = paras[sr["paragraph"]]
    assert all(term in first for term in sr["evidence"].split("; "))  # evidence points at a real paragraph
    assert sr["rules_version"] == rules.version and sr["n_paragraphs"] >= 2


def test_asianlite_sidebar_alone_would_tag_middle_east(rules):
    """Guards the body test: the sidebar text does trigger the tags the body must not get."""
    _, sidebar = split_page()
    result = tag_article("sidebar", sidebar, rules)
    assert "middle_east" in keys(result.topics, "topic")
    assert "iaea" in keys(result.people, "person")
    assert "sino_russian_military" not in keys(result.topics, "topic")


def test_terms_match_case_insensitively_on_word_boundaries():
    rule = compile_rule("sr", "China | Chinese & Russia | Russian* & militar*")

    def hit(text: str) -> bool:
        return all(group.search(text) for group in rule.groups)

    assert hit("CHINESE and russian MILITARIES met")
    assert hit("China’s navy and Russia's militaries")
    assert not hit("Chinaware from Prussia, military band")  # China/Russia only as whole words


@pytest.mark.parametrize(
    "text",
    [
        "CHINESE and russian MILITARIES met",
        "China’s navy and Russia's militaries",
        "Chinaware from Prussia, military band",
        "ſino: the CHİNA and RUSSİA militarı",
        "the Chinese-Russian military",
        "china_russia military",
        "ЧИНА Russia militar",
    ],
)
def test_word_screen_never_rejects_what_the_regex_matches(text):
    """The screen may let through a paragraph the regex then rejects, never the other way round."""
    rule = compile_rule("sr", "China | Chinese & Russia | Russian* & militar* | People's Army | U.S. forces")
    words = Words.of(set(WORD.findall(fold(text))))
    for group, screen in zip(rule.groups, rule.screens):
        if group.search(text):
            assert words.may_match(screen), (text, group.pattern)


def test_an_alias_with_an_ampersand_is_one_term(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds, ignore=shutil.ignore_patterns("snapshot", "*.py", "__pycache__"))
    (seeds / "people.csv").write_text(
        "person,name,aliases,kind,role,organisation,country\nrnd,R&D Board,R&D Board,org,,,\n", encoding="utf-8"
    )
    rules = load_rules(seeds)
    assert [r["person"] for r in tag_article("x", "The R&D Board met.", rules).people] == ["rnd"]
    assert tag_article("x", "Team R met the D Board.", rules).people == []  # not split into "R" & "D Board"


def test_fold_matches_what_ignorecase_takes_as_equal():
    assert fold("ſİıςK") == "siiσk"  # long s, dotted I, dotless i, final sigma, Kelvin sign
    assert len(fold("Straße İstanbul")) == len("Straße İstanbul")  # one character for one
    assert group_screen("militar* | joint exercise* | People's Army") == group_screen(
        "PEOPLE'S army | Joint Exercise* | MILITAR*"
    )
    screen = group_screen("militar* | joint exercise*")
    assert screen.words == {"joint"} and screen.prefixes == ("militar",)
    assert group_screen("(ANI) | China") is None  # a term that starts with punctuation cannot be screened


def test_cooccurrence_is_per_paragraph(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds, ignore=shutil.ignore_patterns("snapshot", "*.py", "__pycache__"))
    (seeds / "topics.csv").write_text(
        "topic,label,rule,description\nsr,SR,China & Russia & militar*,test\nhyphen,H,test-ban treaty | People's Army,test\n",
        encoding="utf-8",
    )
    rules = load_rules(seeds)
    split = tag_article("x", "China spoke.\n\nRussia listened.\nThe military watched.", rules)
    assert split.topics == []
    together = tag_article("x", "intro\n\nChina and Russia held military drills.", rules)
    assert [(r["topic"], r["paragraph"], r["evidence"]) for r in together.topics] == [
        ("sr", 1, "China; Russia; military")
    ]
    variants = tag_article("x", "The Test Ban Treaty and the People’s Army.", rules)
    assert variants.topics[0]["evidence"] == "Test Ban Treaty; People’s Army"


def test_rules_come_from_seeds(rules):
    assert len(rules.topics) >= 12
    expected = {
        "sino_russian_military",
        "arms_control",
        "ukraine_war",
        "south_china_sea",
        "taiwan",
        "korean_peninsula",
        "indo_pacific_quad",
        "aukus",
        "middle_east",
        "counter_terrorism",
        "defence_industry",
        "maritime_security",
    }
    assert expected <= {m.key for m in rules.topics}
    assert {"xiangshan", "shangri_la", "msc", "raisina", "halifax", "manama", "valdai", "mcis"} <= {
        m.key for m in rules.forums
    }
    assert {"zhang_youxia", "sergei_shoigu", "dong_jun", "lloyd_austin", "andrei_belousov", "rajnath_singh"} <= {
        m.key for m in rules.people
    }


def test_empty_text(rules):
    result = tag_article("empty", "", rules)
    assert (result.topics, result.forums, result.people) == ([], [], [])
