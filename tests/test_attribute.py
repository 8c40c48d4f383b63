"""Attribution: credited wire, dateline and cited media from the seeds/agencies.csv patterns."""

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.tasks.attribute import (
    CITATION_LEAD,
    Agencies,
    Attribution,
    _Body,
    attribute,
    found_in,
    load_agencies,
    screen_strings,
)
from forumwatch.tasks.normalize import body_lines
from forumwatch.tasks.prefilter import fold, may_match

PAGE = Path(__file__).parent / "data" / "asianlite-2023-10-31-china-russia-security.txt"


@pytest.fixture(scope="module")
def agencies():
    return load_agencies()


def test_asianlite_page(agencies):
    got = attribute(PAGE.read_text(encoding="utf-8"), agencies)
    assert got == Attribution("ANI", None, None, ["TASS", "Xinhua"])


@pytest.mark.parametrize(
    ("text", "wire", "place", "date"),
    [
        ("New Delhi [India], Oct 31 (ANI): China said it is ready.", "ANI", "New Delhi", "Oct 31"),
        ("ANI | China said it is ready.", "ANI", None, None),
        ("China said it is ready.\n-- PTI", "PTI", None, None),
        ("New Delhi, Oct 31 (PTI) China said it is ready.", "PTI", "New Delhi", "Oct 31"),
        ("WASHINGTON (Reuters) - The US said it is ready.", "Reuters", "WASHINGTON", None),
        ("BEIJING, Oct. 31 (Xinhua) -- China said it is ready.", "Xinhua", "BEIJING", "Oct. 31"),
        ("MOSCOW, October 31. /TASS/. Russia is ready.", "TASS", "MOSCOW", "October 31"),
        ("China said it is ready (IANS)", "IANS", None, None),
        ("China said it is ready.\n(With inputs from AFP)", "AFP", None, None),
        ("Officials said they are ready, according to Reuters.", None, None, None),
        ("The ap was good.", None, None, None),
    ],
)
def test_credit_forms(agencies, text, wire, place, date):
    got = attribute(text, agencies)
    assert (got.wire_agency, got.dateline_place, got.dateline_date) == (wire, place, date)


def test_cited_media(agencies):
    text = (
        "NEW DELHI: Beijing is ready, as per Xinhua. TASS reported the visit, Global Times said, "
        "and according to Reuters the talks went on. (ANI)"
    )
    got = attribute(text, agencies)
    assert got.wire_agency == "ANI"
    assert got.cited_media == ["Global Times", "Reuters", "TASS", "Xinhua"]  # the credit is not a citation


def test_cited_needs_the_cue_near_the_name(agencies):
    near = "Officials met, according to the state-run news agency Xinhua, on Monday."
    assert attribute(near, agencies).cited_media == ["Xinhua"]
    assert attribute("Xinhuanet said so. Xinhua-style prose.", agencies).cited_media == []  # whole names only
    far = "According to one official. " + "The talks went on. " * 30 + "Xinhua was there."
    assert attribute(far, agencies).cited_media == []
    repeated = "Xinhua was there. " * 40 + "Later Xinhua reported it."  # the last of many mentions has the cue
    assert attribute(repeated, agencies).cited_media == ["Xinhua"]


def test_crediting_wire_cited_separately(agencies):
    got = attribute("Beijing is ready, Reuters reported. (Reuters)", agencies)
    assert got.wire_agency == "Reuters" and got.cited_media == ["Reuters"]


@pytest.mark.parametrize("language", ["zh", "ru"])
def test_translated_page_is_credited_as_the_english_one(agencies, language):
    got = attribute(PAGE.with_suffix(f".{language}.txt").read_text(encoding="utf-8"), agencies)
    assert got == Attribution("ANI", None, None, ["TASS", "Xinhua"])


@pytest.mark.parametrize(
    ("text", "wire", "place", "date"),
    [
        (
            "新华社北京10月31日电（记者 张三 李四）中央军委副主席张又侠会见绍伊古。\n（完）",
            "Xinhua",
            "北京",
            "10月31日",
        ),
        ("新华社莫斯科１０月３１日电　俄罗斯国防部长绍伊古说……（完）", "Xinhua", "莫斯科", "10月31日"),  # full-width
        ("新华网北京2023年10月31日电 香山论坛闭幕。", "Xinhua", "北京", "2023年10月31日"),
        ("中新社北京10月31日电 (记者 王五)第十届北京香山论坛31日闭幕。", "China News Service", "北京", "10月31日"),
        ("2023-10-31 13:42:05 来源：新华网\n中俄两军关系发展势头强劲。", "Xinhua", None, None),
        ("人民网北京10月31日电 香山论坛闭幕。", "People's Daily", "北京", "10月31日"),
        ("中方表示愿加强合作。\n《人民日报》（2023年10月31日 03 版）", "People's Daily", None, None),
        ("两军合作不断深化。\n来源：中国军网-解放军报 | 责任编辑：刘七", "PLA Daily", None, None),
        ("中国军网北京10月31日电 香山论坛开幕。\n来源：中国军网", "China Military Online", "北京", "10月31日"),
        ("【环球时报报道 记者 赵六】绍伊古表示愿深化合作。", "Global Times", None, None),
        ("央视新闻消息，第十届北京香山论坛开幕。", "CCTV", None, None),
        ("МОСКВА, 31 октября. /ТАСС/. Россия готова к обсуждению.", "TASS", "МОСКВА", "31 октября"),
        ("ПЕКИН, 31 октября. /Корр. ТАСС Иван Петров/. Шойгу прибыл в Пекин.", "TASS", "ПЕКИН", "31 октября"),
        ("МОСКВА, 31 окт — РИА Новости. Шойгу заявил, что Россия готова.", "RIA Novosti", "МОСКВА", "31 окт"),
        ("Москва. 31 октября. INTERFAX.RU - Министр обороны РФ прибыл в Пекин.", "Interfax", "Москва", "31 октября"),
        ("МИНСК, 31 окт – Sputnik. Министр обороны Беларуси прибыл в Пекин.", "Sputnik", "МИНСК", "31 окт"),
        ("Министр выступил на пленарном заседании.\nИсточник: «Красная звезда»", "Krasnaya Zvezda", None, None),
        ("Шойгу прибыл в Пекин.\nИсточник: ТАСС", "TASS", None, None),
        ("Агентство ТАСС было основано в 1904 году.", None, None, None),
        ("新华社记者张三摄", None, None, None),
    ],
)
def test_chinese_and_russian_credit_forms(agencies, text, wire, place, date):
    got = attribute(text, agencies)
    assert (got.wire_agency, got.dateline_place, got.dateline_date) == (wire, place, date)


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("中国官方媒体新华社周三报道，中方愿同俄方一道。据俄罗斯塔斯社报道，绍伊古说。", ["TASS", "Xinhua"]),
        ("据俄罗斯卫星通讯社10月31日报道，绍伊古表示。", ["Sputnik"]),
        ("塔斯社10月31日电 绍伊古表示。", []),  # digits end the gap after a name: a dateline is no citation
        ("据俄罗斯卫星通讯社报道，国际文传电讯社援引消息人士说。", ["Interfax", "Sputnik"]),
        ("新华社北京10月31日电（记者 张三）中方表示。", []),  # the dateline credit is not a citation
        ("【环球时报报道 记者 赵六】绍伊古表示。", []),
        (
            'Министр заявил это, сообщает РИА "Новости". По данным «Интерфакса», визит продлится два дня.',
            ["Interfax", "RIA Novosti"],
        ),
        ("Шойгу прибыл в Пекин, сообщило в среду российское информационное агентство ТАСС.", ["TASS"]),
        (
            "Как пишет газета «Красная звезда», учения прошли успешно. ТАСС передает, что всё спокойно.",
            ["Krasnaya Zvezda", "TASS"],
        ),
        ("ТАСС был основан в 1904 году. Красная звезда горит на башне.", []),
        ("Об этом рассказал газете «Жэньминь жибао» генерал, сообщает Синьхуа.", ["People's Daily", "Xinhua"]),
    ],
)
def test_chinese_and_russian_citations(agencies, text, cited):
    assert attribute(text, agencies).cited_media == cited


def test_every_agency_named_in_the_brief_has_chinese_or_russian_forms(agencies):
    names = {a.name for a in agencies}
    assert {
        "Xinhua",
        "China News Service",
        "People's Daily",
        "PLA Daily",
        "China Military Online",
        "Global Times",
    } <= names
    assert {"CCTV", "TASS", "RIA Novosti", "Interfax", "Sputnik", "Krasnaya Zvezda"} <= names


CITED_PIECES = [
    *("according to", "As  Per", "reported by", "QUOTING", "interview with", "said", "Reports", "told", "the"),
    *("сообщает", "по данным", "со ссылкой на", "передаёт", "ПЕРЕДАЕТ", "пишет", "агентства", "газете"),
    *("据", "报道", "援引", "称", "表示", "记者", "。", "10"),
    *("Xinhua", "TASS", "Reuters", "ТАСС", "РИА Новости", "«Интерфакса»", "Синьхуа", "新华社", "塔斯社", "环球时报"),
    *(" ", " ", "\n", ",", "-", "ſ", "K", "İ", "ё"),
    *("RT", "START", "AP", "JAPAN", "Associated Press", "Интерфакс", "«Интерфакса»", "_"),
]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    text=st.lists(st.sampled_from(CITED_PIECES) | st.text(max_size=3), max_size=14).map("".join),
    index=st.integers(min_value=0),
)
def test_a_citation_holds_a_cue_word_of_its_language(agencies, text, index):
    """The cue-word screen never skips a window where the citation regex matches."""
    cited = [a for a in agencies if a.kind == "cited"]
    agency = cited[index % len(cited)]
    assert agency.cues, agency.name  # every language's cues have fixed words
    if agency.regex.search(text):
        assert any(cue in fold(text) for cue in agency.cues), (agency.name, text)


def _cited_by_every_row(text, agencies):
    """The cited names as attribute found them before its screens: every cited row's regex over the whole body."""
    body = "\n".join(unicodedata.normalize("NFKC", line) for line in body_lines(text))
    return sorted({a.name for a in agencies if a.kind == "cited" and a.regex.search(body)})


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(CITED_PIECES) | st.text(max_size=3), max_size=14).map("".join))
def test_cited_media_are_those_of_every_row_searched_in_full(agencies, text):
    """The screens (literals, a cue word in the body, in a name's window; a name cited once) skip no citation."""
    assert attribute(text, agencies).cited_media == _cited_by_every_row(text, agencies), text


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=st.lists(st.sampled_from(CITED_PIECES) | st.text(max_size=3), max_size=14).map("".join))
def test_the_folded_characters_of_a_text_are_its_characters_folded(text):
    """holds_cue screens cue words by the folded set of the text's characters, not by the folded text's."""
    assert set(fold(text)) == set(fold("".join(set(text))))


LONG_PIECES = st.sampled_from(CITED_PIECES) | st.text(max_size=3) | st.just("word " * 12) | st.just("x" * 70)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    text=st.lists(LONG_PIECES, max_size=40).map("".join),
    index=st.integers(min_value=0),
    cuts=st.lists(st.integers(min_value=0, max_value=2000), min_size=3, max_size=3).map(sorted),
)
def test_a_window_searched_near_the_name_first_answers_as_searched_whole(agencies, text, index, cuts):
    """found_in, which tries the CITATION_LEAD characters before the name before the whole window, finds a match
    exactly when the window's search does (every cited row's regex, windows anywhere in long texts)."""
    cited = [a for a in agencies if a.kind == "cited"]
    regex = cited[index % len(cited)].regex
    start, near, stop = (min(cut, len(text)) for cut in cuts)
    assert found_in(regex, text, start, near, stop) == (regex.search(text, start, stop) is not None)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(text=st.lists(LONG_PIECES, max_size=40).map("".join))
def test_cited_media_of_long_texts_are_those_of_every_row_searched_in_full(agencies, text):
    """Names far from their cue (more than CITATION_LEAD characters) are still cited when the cue is in reach."""
    assert attribute(text, agencies).cited_media == _cited_by_every_row(text, agencies), text


def test_a_cue_further_than_the_lead_before_the_name_still_cites_it(agencies):
    text = "Talks ended. According to the Chinese state news agency Xinhua, they went well."
    assert text.index("Xinhua") - text.index("According") > CITATION_LEAD
    assert attribute(text, agencies).cited_media == ["Xinhua"]


SCREEN_STRINGS = sorted({s for a in load_agencies() if a.literals for s in a.literals})
SCREEN_PIECES = st.sampled_from(SCREEN_STRINGS) | st.sampled_from(CITED_PIECES) | st.text(max_size=3)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(pieces=st.lists(SCREEN_PIECES, max_size=12), cut=st.integers(min_value=0, max_value=3))
def test_the_strings_a_body_holds_answer_every_screen_as_searching_the_text(agencies, pieces, cut):
    """A body looks each screen string up once (not when it lacks a character or a shorter string it holds): every
    row's screen answers as a search of the text would, in ASCII texts and others, with pieces cut anywhere."""
    text = "".join(piece[cut:] if i % 2 else piece for i, piece in enumerate(pieces))
    body = _Body(text, agencies.strings)
    assert body.held == {s for s in SCREEN_STRINGS if s in text}
    assert all(body.may_match(a.literals) == may_match(a.literals, text) for a in agencies)


def test_a_plain_list_of_rows_attributes_as_the_loaded_rows(agencies):
    text = PAGE.read_text(encoding="utf-8")
    assert isinstance(agencies, Agencies) and agencies.strings == screen_strings(list(agencies))
    assert attribute(text, list(agencies)) == attribute(text, agencies)
