"""Tagging from the seed rules: the real Asian Lite page, word boundaries, co-occurrence per paragraph."""

from __future__ import annotations

import csv
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.resources import seeds_dir
from forumwatch.tasks.normalize import ascii_runs, spaced_runs
from forumwatch.tasks.tag import (
    _ASCII_WORD_BYTES,
    _CJK_CHAR,
    _LETTER,
    CJK,
    WORD,
    Matcher,
    Paragraph,
    TagRules,
    _spaced_offsets,
    _term_regex,
    _word_offsets,
    compile_group,
    compile_rule,
    fold,
    group_screen,
    load_rules,
    paragraphs,
    screen_index,
    tag_article,
)

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


def plain_terms(rule: Matcher, text: str) -> list[list[str]]:
    """Each group's matches in the text: every regex run over the whole text, no screen."""
    return [[m.group(0) for m in group.finditer(text)] for group in rule.groups]


def screened_terms(rule: Matcher, text: str) -> list[list[str]]:
    """Each group's matches in the text as tag_article finds them: the regex tried only where the screen says."""
    index = screen_index((rule,))
    para = Paragraph(text, index)
    return [para.terms(group, bit) if para.groups & bit else [] for group, bit in zip(rule.groups, index.bits[0])]


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
    assert screened_terms(rule, text) == plain_terms(rule, text)


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


TRANSLATIONS = {  # the seed story translated (by us, faithfully) with its page furniture and sidebar
    "zh": (PAGE.with_suffix(".zh.txt"), "（ANI）", ("加沙", "以色列", "哈马斯", "伊朗", "国际原子能机构", "反恐")),
    "ru": (PAGE.with_suffix(".ru.txt"), "(ANI)", ("Газа", "Израил", "ХАМАС", "Иран", "МАГАТЭ", "терроризм")),
}


def split_translation(language: str) -> tuple[str, str]:
    path, credit, _ = TRANSLATIONS[language]
    text = path.read_text(encoding="utf-8")
    end = text.index(credit) + len(credit)
    return text[:end], text[end:]


@pytest.mark.parametrize("language", sorted(TRANSLATIONS))
def test_translated_seed_story_tags_as_the_english_one(rules, language):
    body, _ = split_translation(language)
    result = tag_article(language, body, rules)
    english = tag_article("en", split_page()[0], rules)
    assert keys(result.topics, "topic") == keys(english.topics, "topic")
    assert "sino_russian_military" in keys(result.topics, "topic")
    assert not {"middle_east", "counter_terrorism"} & keys(result.topics, "topic")
    assert keys(result.forums, "forum") == {"xiangshan"}
    assert {"zhang_youxia", "sergei_shoigu"} <= keys(result.people, "person")
    assert "iaea" not in keys(result.people, "person")
    paras = paragraphs(body)
    rows = result.topics + result.forums + result.people
    for row in rows:  # evidence: real words of the paragraph it names
        terms = row["evidence"].split("; ")
        assert terms and all(t and t in paras[row["paragraph"]] for t in terms), row
    evidence = " ".join(r["evidence"] for r in rows)
    for sidebar_word in TRANSLATIONS[language][2]:
        assert sidebar_word not in evidence


@pytest.mark.parametrize("language", sorted(TRANSLATIONS))
def test_translated_sidebar_alone_would_tag_middle_east(rules, language):
    """Guards the test above: the translated sidebar does carry the traps."""
    _, sidebar = split_translation(language)
    result = tag_article(language, sidebar, rules)
    assert {"middle_east", "counter_terrorism"} <= keys(result.topics, "topic")
    assert "iaea" in keys(result.people, "person")
    assert "sino_russian_military" not in keys(result.topics, "topic")


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("министр обороны Сергей Шойгу заявил", "sergei_shoigu"),
        ("встреча с Сергеем Шойгу", "sergei_shoigu"),
        ("переговоры с Чжан Юся и Шойгу", "zhang_youxia"),
        ("中央军委副主席张又侠会见俄罗斯国防部长绍伊古", "zhang_youxia"),
        ("会见绍伊古时说", "sergei_shoigu"),
        ("据ANI报道，Shoigu说", "sergei_shoigu"),
        ("Владимира Путина", "vladimir_putin"),
    ],
)
def test_person_aliases_in_chinese_and_russian(rules, text, person):
    assert person in keys(tag_article("x", text, rules).people, "person")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("на Сяншаньском форуме", True),
        ("Сяншаньского форума по безопасности", True),
        ("Сяншаньский форум", True),
        ("СЯНШАНЬСКИЙ ФОРУМ", True),
        ("第十届北京香山论坛开幕", True),
        ("香山安全论坛于10月29日举行", True),
        ("香山公园的论坛", False),
        ("форум в Сяншане", False),
    ],
)
def test_forum_aliases_inflect_and_need_no_spaces(rules, text, found):
    assert (keys(tag_article("x", text, rules).forums, "forum") == {"xiangshan"}) is found


def test_russian_stems_yo_and_cjk_boundaries():
    rule = compile_rule("t", "Россия* | российск* & военн* сотрудничеств* | 军事合作 & Шойгу | 绍伊古 | ANI")

    def hit(text: str) -> bool:
        return all(group.search(text) for group in rule.groups)

    assert hit("российско-китайское военное сотрудничество, сказал Шойгу")
    assert hit("РОССИЙСКОЕ ВОЕННОЕ СОТРУДНИЧЕСТВО, ШОЙГУ")
    assert hit("中俄军事合作，绍伊古说，российские")  # CJK terms match inside a run of CJK
    assert hit("据ANI报道：российск军事合作")  # a CJK neighbour is a boundary for Latin and Cyrillic terms
    assert not hit("белороссийский военный сотрудник ANI")  # stems still start at a word boundary
    yo = compile_rule("y", "Пётр* | объём*")
    assert yo.groups[0].search("Петра") and yo.groups[0].search("ОБЪЕМ")


@pytest.mark.parametrize(
    "text",
    [
        "第十届北京香山论坛开幕",
        "据ANI报道，绍伊古说",
        "中俄 军事 合作",
        "РОССИЙСКО-китайское Военное сотрудничество",
        "Пётр и ОБЪЁМ",
        "ロシアの国防相ショイグ",
        "쇼이구는 말했다",
    ],
)
def test_cjk_and_cyrillic_screens_never_reject_what_the_regex_matches(text):
    rule = compile_rule(
        "t",
        "香山论坛 | Xiangshan & ANI | 绍伊古 | ショイグ | 쇼이구 & 中俄 军事 | военн* сотрудничеств* | Пётр* | объем*",
    )
    assert screened_terms(rule, text) == plain_terms(rule, text)
    assert any(plain_terms(rule, text)), text  # each text exercises some group


def plain_tags(text: str, rules: TagRules) -> list[tuple[str, int, str, int]]:
    """What tag_article finds, computed the slow way: every group's regex over every paragraph."""
    paras = paragraphs(text)
    out = []
    for matcher in rules.topics + rules.forums + rules.people:
        hits = [found for para in paras if all(found := plain_terms(matcher, para))]
        if hits:
            first = next(i for i, para in enumerate(paras) if all(plain_terms(matcher, para)))
            evidence = "; ".join(dict.fromkeys(t for terms in hits[0] for t in terms))
            out.append((matcher.key, first, evidence, len(hits)))
    return out


def seed_words() -> list[str]:
    """The words of the seed terms, as written, stem stars dropped."""
    rows = (seeds_dir() / name for name in ("topics.csv", "forums.csv", "people.csv"))
    text = " ".join(path.read_text(encoding="utf-8").split("\n", 1)[1] for path in rows)
    return sorted({w.strip("*") for w in re.split(r"[\s|&,]+", text) if w.strip("*")})


# Seed words and what surrounds words: separators, CJK neighbours, case-folding and boundary traps.
TEXT_PIECES = st.sampled_from(seed_words()) | st.sampled_from(
    [" ", " ", "-", "’", "'", ",", "\n", "_", "x", "ёж", "ſ", "İ", "K", "ͅ", "中俄", "军事", "据", "报道", "1"]
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(pieces=st.lists(TEXT_PIECES | st.text(max_size=3), max_size=30), upper=st.booleans())
def test_tags_are_those_of_every_regex_over_every_paragraph(rules, pieces, upper):
    """The screens and the searches only where they say change nothing: the same tags, paragraphs, evidence."""
    text = "".join(pieces)
    text = text.upper() if upper else text
    found = [
        (row[column], row["paragraph"], row["evidence"], row["n_paragraphs"])
        for result in [tag_article("x", text, rules)]
        for column, rows in (("topic", result.topics), ("forum", result.forums), ("person", result.people))
        for row in rows
    ]
    assert found == plain_tags(text, rules)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(pieces=st.lists(TEXT_PIECES | st.text(max_size=3), max_size=30))
def test_a_group_is_tried_at_every_offset_where_it_matches(rules, pieces):
    text = "".join(pieces)
    rule = rules.topics[0]  # three groups of Latin, Cyrillic and CJK terms, stems and multi-word terms
    assert screened_terms(rule, text) == plain_terms(rule, text)


def test_the_word_memo_stays_bounded(monkeypatch):
    rule = compile_rule("sr", "China | Chinese & Russia | Russian* & militar*")
    index = screen_index((rule,))
    monkeypatch.setattr("forumwatch.tasks.tag.MEMO_WORDS", 3)
    for text in ("china and russia", "the russians and the militaries", "china china others"):
        para = Paragraph(text, index)
        assert screened_terms(rule, text) == plain_terms(rule, text)
        assert len(index.memo) <= max(3, len(set(text.split()))) and index.passing <= set(index.memo)
    assert para.hits == {"china": index.bits[0][0]}


def test_threads_share_the_memo_across_resets(rules, monkeypatch):
    """Tagging in threads (the flows' task runner) while the memo keeps being reset gives the same tags."""
    body, sidebar = split_page()
    texts = paragraphs(body + "\n" + sidebar) * 4
    alone = [tag_article("x", text, rules) for text in texts]
    monkeypatch.setattr("forumwatch.tasks.tag.MEMO_WORDS", 20)
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda text: tag_article("x", text, rules), texts)) == alone


def reference_group(terms: str) -> re.Pattern[str]:
    """compile_group's regex as first written: each term with its own letter checks, none shared."""
    parts = sorted({t.strip() for t in terms.split("|") if t.strip().strip("*")}, key=len, reverse=True)

    def alone(term: str) -> str:  # the word-end check unless the term ends with `*` or a CJK character
        last = term.split()[-1]
        check = "" if last.endswith("*") or _CJK_CHAR.match(last[-1]) else f"(?!{_LETTER})"
        return _term_regex(term).body + (f"{_LETTER}*" if last.endswith("*") else "") + check

    spaced = [alone(p) for p in parts if not _CJK_CHAR.match(p)]
    unspaced = [alone(p) for p in parts if _CJK_CHAR.match(p)]
    branches = ([f"(?<!{_LETTER})(?:" + "|".join(spaced) + ")"] if spaced else []) + unspaced
    return re.compile("|".join(branches), re.IGNORECASE)


SHARING_GROUPS = [
    "NATO summit | NATO* | Xi | 中俄 | 中俄 军事* | 军演 | Shoigu | Шойгу* | Пётр* | objet* | ab* | a | ab",
    "военн* сотрудничеств* | военн* | Россия | Росси* | 中国* | 中国 | Putin 普京 | Putin",
]


@pytest.fixture(scope="module")
def group_pairs() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(the shared-checks regex, the reference regex) for every seed group and the groups above."""
    groups = list(SHARING_GROUPS)
    for name, column in (("topics.csv", "rule"), ("forums.csv", "aliases"), ("people.csv", "aliases")):
        for row in csv.DictReader((seeds_dir() / name).open(encoding="utf-8-sig")):
            rule = row.get(column) or ""
            groups += rule.split("&") if column == "rule" else [rule]
    groups = [g for g in groups if any(t.strip().strip("*") for t in g.split("|"))]
    return [(compile_group(g), reference_group(g)) for g in groups]


@settings(max_examples=150, derandomize=True, deadline=None)
@given(pieces=st.lists(TEXT_PIECES | st.text(max_size=3), max_size=30), upper=st.booleans())
def test_shared_letter_checks_find_what_each_terms_own_checks_find(group_pairs, pieces, upper):
    """compile_group shares the word-end check and a stem's letters over runs of terms: every seed group finds
    the same spans as with each term's own checks."""
    text = "".join(pieces)
    text = text.upper() if upper else text
    for shared, reference in group_pairs:
        assert [m.span() for m in shared.finditer(text)] == [m.span() for m in reference.finditer(text)], (
            reference.pattern[:200]
        )


def test_the_letter_class_takes_the_same_characters_case_free():
    """The tag regexes are case-insensitive but hold their letter class case-free (its character set compiles
    3x faster so): it takes the very characters the case-insensitive class takes, every code point tried."""
    every = "".join(map(chr, range(0x110000)))
    case_free = re.compile(_LETTER, re.IGNORECASE).findall(every)
    assert case_free == re.compile(f"[^\\W{CJK}]", re.IGNORECASE).findall(every)
    assert len(case_free) > 20_000 and "中" not in case_free and "ж" in case_free and "İ" in case_free


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=st.text(st.characters(max_codepoint=127)) | st.just("".join(map(chr, range(128))) * 2))
def test_the_words_of_an_ascii_paragraph_are_those_re_finds(text):
    """A folded ASCII paragraph's words come from a byte table and a split: the very list WORD's findall gives."""
    folded = fold(text)
    assert ascii_runs(folded, _ASCII_WORD_BYTES) == WORD.findall(folded) == re.findall(r"\w+", folded)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(["ab", "a", "b", "ab1", "_", " ", "-", ".", "\n", "AB"]), max_size=25),
    word=st.sampled_from(["ab", "a", "b", "ab1", "_"]),
)
def test_a_word_stands_where_its_spaced_out_form_stands(pieces, word):
    """In an ASCII paragraph a word's offsets come from ' word ' in the spaced-out words: those _word_offsets gives."""
    folded = fold("".join(pieces))
    spaced = f" {spaced_runs(folded, _ASCII_WORD_BYTES)} "
    assert _spaced_offsets(spaced, word) == _word_offsets(folded, word)
    assert Paragraph("".join(pieces), screen_index(())).spaced == spaced
