"""Attribution: credited wire, dateline and cited media from the seeds/agencies.csv patterns."""

from pathlib import Path

import pytest

from forumwatch.tasks.attribute import Attribution, attribute, load_agencies

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
