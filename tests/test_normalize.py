"""Normalisation removes wire and page furniture and folds case and punctuation."""

from pathlib import Path

from forumwatch.tasks.normalize import fold, normalize, strip_furniture

PAGE = Path(__file__).parent / "data" / "asianlite-2023-10-31-china-russia-security.txt"


def test_real_page_keeps_body_drops_furniture():
    text = normalize(PAGE.read_text(encoding="utf-8"))
    assert "china has said it is ready to work with russia" in text
    assert "tass reported" in text and text.endswith("in addition to academics and diplomats tass reported")
    for furniture in [
        "also read",
        "previous story",
        "latest from",
        "uae aid for gaza",
        "reports asian lite news",
        "2 mins read",
        "today",
        "ani",
    ]:
        assert f" {furniture} " not in f" {text} ", furniture


def test_datelines_and_credits_removed():
    body = "China has said it is ready to work with Russia."
    for lead in [
        "New Delhi [India], Oct 31 (ANI): ",
        "BEIJING, Oct. 31 (Xinhua) -- ",
        "MOSCOW, October 31. /TASS/. ",
        "WASHINGTON (Reuters) - ",
        "New Delhi, Oct 31: ",
        "NEW DELHI: ",
        "ANI | ",
    ]:
        assert strip_furniture(lead + body) == body, lead
    for tail in [" (ANI)", " -- PTI", "\n(With inputs from PTI)", "….reports Asian Lite News"]:
        assert strip_furniture(body + tail) == body, tail
    tagline = "(This story has not been edited by Devdiscourse staff and is auto-generated from a syndicated feed.)"
    assert strip_furniture(body + "\nALSO READ: Other story\nRead more: Third story\n" + tagline) == body


def test_sentence_with_colon_is_not_a_dateline():
    assert strip_furniture('Zhang said: "We are ready."') == 'Zhang said: "We are ready."'


def test_fold():
    assert fold("Moscow’s “Post-Conflict” Café — 29-31 Oct…") == "moscow s post conflict cafe 29 31 oct"
