"""charset: real encoded samples in several scripts, lying declarations, BOMs."""

from __future__ import annotations

import codecs

import pytest

from forumwatch.tasks.charset import declared_encoding, decode_html, normalize_encoding

ZH_S = "北京香山论坛于十月在北京举行，中俄两国国防部长出席并发表讲话。与会者讨论了地区安全、军事合作、军控和南海问题。"
ZH_T = "北京香山論壇於十月在北京舉行，中俄兩國國防部長出席並發表講話。與會者討論了地區安全、軍事合作、軍控和南海問題。"
JA = "北京香山フォーラムが十月に開催され、中国とロシアの国防相が出席し、地域の安全保障と軍事協力について議論した。"
RU = "Сяншаньский форум по безопасности прошёл в Пекине; министры обороны России и Китая обсудили военное сотрудничество и контроль над вооружениями."
EN = "The minister said \u201cthe forum was useful\u201d \u2014 and the caf\u00e9\u2019s coffee cost \u20ac3. \u2018Quite\u2019 so."


def page(text: str, meta: str | None = None) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<!doctype html><html><head>{head}<title>x</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    "text, codec, expected",
    [
        (ZH_S, "gbk", "gb18030"),
        (ZH_S, "gb2312", "gb18030"),
        (ZH_T, "big5", "big5hkscs"),
        (JA, "shift_jis", "cp932"),
        (RU, "cp1251", "cp1251"),
        (EN, "cp1252", "cp1252"),
    ],
)
def test_undeclared_encodings_are_detected(text: str, codec: str, expected: str) -> None:
    decoded, used = decode_html(page(text).encode(codec), "text/html")
    assert text in decoded
    assert used == expected


@pytest.mark.parametrize(
    "text, codec, expected",
    [(ZH_S, "gbk", "gb18030"), (ZH_S, "gb2312", "gb18030"), (ZH_T, "big5", "big5hkscs"),
     (JA, "shift_jis", "cp932"), (RU, "cp1251", "cp1251")],
)  # fmt: skip
def test_declared_charset_is_used_and_widened(text: str, codec: str, expected: str) -> None:
    meta = {"gbk": "GBK", "gb2312": "gb2312", "big5": "big5", "shift_jis": "Shift_JIS", "cp1251": "windows-1251"}[codec]
    decoded, used = decode_html(page(text, meta).encode(codec), None)
    assert text in decoded and used == expected


@pytest.mark.parametrize(
    "text, codec", [(ZH_S, "gbk"), (ZH_S, "gb2312"), (EN, "cp1252"), (JA, "shift_jis"), (RU, "cp1251")]
)
def test_lying_meta_utf8_is_caught(text: str, codec: str) -> None:
    decoded, used = decode_html(page(text, "utf-8").encode(codec), "text/html; charset=UTF-8")
    assert text in decoded
    assert used != "utf-8"


def test_windows_1252_smart_quotes_declared_as_latin1() -> None:
    decoded, used = decode_html(page(EN).encode("cp1252"), "text/html; charset=ISO-8859-1")
    assert used == "cp1252" and "\u201cthe forum was useful\u201d" in decoded


def test_utf8_beats_a_wrong_single_byte_label() -> None:
    decoded, used = decode_html(page(RU, "windows-1251").encode("utf-8"), "text/html; charset=iso-8859-1")
    assert used == "utf-8" and RU in decoded


def test_a_utf16_label_on_bytes_without_nul_is_a_lie() -> None:
    """A server saying charset=utf-16 over a UTF-8 (or GBK) page turned it into CJK-looking garbage."""
    for text, codec in ((RU, "utf-8"), (ZH_S, "gbk")):
        for label in ("utf-16", "UTF-16LE", "utf-32"):
            body = page(text).encode(codec)
            body += b" " * (-len(body) % 4)  # an even length: the wrong codec decodes without an error
            decoded, used = decode_html(body, f"text/html; charset={label}")
            assert text in decoded and not used.startswith(("utf-16", "utf-32")), (codec, label, used)
    decoded, used = decode_html(page(JA).encode("utf-16-le"), "text/html; charset=utf-16le")  # a true label
    assert used == "utf-16-le" and JA in decoded


def test_boms_win_over_everything() -> None:
    body = codecs.BOM_UTF8 + page(ZH_S, "gbk").encode("utf-8")
    decoded, used = decode_html(body, "text/html; charset=gbk")
    assert used == "utf-8" and ZH_S in decoded and not decoded.startswith("\ufeff")
    decoded, used = decode_html(codecs.BOM_UTF16_LE + page(JA).encode("utf-16-le"), None)
    assert used == "utf-16-le" and JA in decoded


def test_header_charset_then_meta_then_xml_declaration() -> None:
    body = page(ZH_T, "big5").encode("big5")
    assert declared_encoding(body, 'text/html; charset="gb2312"') == "gb18030"
    assert declared_encoding(body, "text/html") == "big5hkscs"
    feed = f'<?xml version="1.0" encoding="gb2312"?><rss><channel><title>{ZH_S}</title></channel></rss>'
    decoded, used = decode_html(feed.encode("gb2312"), "application/rss+xml")
    assert used == "gb18030" and ZH_S in decoded
    http_equiv = f'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>{JA}</p>'
    assert decode_html(http_equiv.encode("shift_jis"), None) == (http_equiv, "cp932")


def test_ascii_and_empty() -> None:
    assert decode_html(b"<p>plain</p>", None) == ("<p>plain</p>", "utf-8")
    assert decode_html(b"", "text/html; charset=utf-8") == ("", "utf-8")


def test_normalize_encoding() -> None:
    assert normalize_encoding("GB2312") == "gb18030"
    assert normalize_encoding("iso-8859-1") == "cp1252"
    assert normalize_encoding("US-ASCII") == "cp1252"
    assert normalize_encoding("Shift_JIS") == "cp932"
    assert normalize_encoding("x-sjis") == "cp932"
    assert normalize_encoding("big5") == "big5hkscs"
    assert normalize_encoding("windows-1251") == "cp1251"
    assert normalize_encoding("no-such-charset") is None
