import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forumwatch.identity import KEPT, UNNORMAL_PATH_PATTERN, normal_path
from forumwatch.tasks.urls import article_id, canonical_url, canonical_url_keeping_path


def test_tracking_parameters_removed_and_query_sorted():
    url = "https://www.ThePrint.in/world/china-russia/123/?utm_source=rss&utm_medium=feed&b=2&a=1&fbclid=XYZ#comments"
    assert canonical_url(url) == "https://www.theprint.in/world/china-russia/123/?a=1&b=2"


def test_scheme_host_and_default_port_normalised():
    assert canonical_url("HTTPS://Example.COM:443//news//a") == "https://example.com/news/a"
    assert canonical_url("http://example.com:80/a") == "http://example.com/a"
    assert canonical_url("http://example.com:8080/a") == "http://example.com:8080/a"
    assert canonical_url("http://example.com") == "http://example.com/"


def test_meaningful_query_kept():
    assert canonical_url("https://x.com/story.php?id=42&utm_campaign=z") == "https://x.com/story.php?id=42"


def test_article_id_same_for_tracking_variants_and_differs_otherwise():
    a = article_id("https://x.com/a?utm_source=twitter")
    assert a == article_id("https://X.com/a#top") == article_id("https://x.com/a?fbclid=1&gclid=2")
    assert a != article_id("https://x.com/b")
    assert len(a) == 16


def test_internationalised_host():
    assert canonical_url("https://bücher.example/a") == "https://xn--bcher-kva.example/a"


# --- the path's normal form (RFC 3986 6.2.2, RFC 3987 3.1) ---------------------------------------------------

NEWS_RU = "http://h.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1"


@pytest.mark.parametrize(
    "spelling",
    [
        "http://h.example/новости/1",  # the IRI form many Russian CMS feeds write
        NEWS_RU,  # what the page's canonical link says
        "http://h.example/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8/1",  # lower-case hex
        "http://h.example/%D0%BD%d0%be%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1",  # mixed
        "HTTP://H.example:80/новости//1?utm_source=rss#top",
        "http://h.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%31",  # an escaped digit
    ],
)
def test_every_spelling_of_a_non_ascii_path_is_one_article(spelling):
    assert canonical_url(spelling) == NEWS_RU
    assert article_id(spelling) == article_id(NEWS_RU)


def test_chinese_path_and_unreserved_escapes():
    assert (
        canonical_url("http://h.example/中文/新闻.html")
        == "http://h.example/%E4%B8%AD%E6%96%87/%E6%96%B0%E9%97%BB.html"
    )
    assert article_id("http://h.example/%7Efoo/%41%2d%2E%5f") == article_id("http://h.example/~foo/A-._")


def test_reserved_escapes_stay_escaped_and_bad_escapes_are_read_as_percent_signs():
    assert canonical_url("http://h.example/a%2fb%2Fc%3f%23%25") == "http://h.example/a%2Fb%2Fc%3F%23%25"
    assert canonical_url("http://h.example/a%2Fb") != canonical_url("http://h.example/a/b")
    assert canonical_url("http://h.example/100%/x%zz%4") == "http://h.example/100%25/x%25zz%254"
    assert canonical_url("http://h.example/a b\tc") == "http://h.example/a%20bc"  # urlsplit drops tabs, as browsers do


ASCII_PATHS = ["/", "/world/china-russia/123/", "/a_b.c~d/e!$&'()*+,;=:@", "/x%2Fy%3Fz%C3%A9", "/a|b{c}^d"]


@pytest.mark.parametrize("path", ASCII_PATHS)
def test_ascii_urls_already_normal_keep_their_form_and_id(path):
    url = f"https://www.theprint.in{path}?id=42&b=%D0%BD"
    assert canonical_url(url) == canonical_url_keeping_path(url)  # the rule before schema version 4


NORMAL_ASCII_PATHS = st.lists(
    st.one_of(st.sampled_from(sorted(KEPT - {"?", "#"})), st.sampled_from(["%2F", "%3F", "%25", "%C3%A9", "%7C"])),
    max_size=30,
).map(lambda parts: "/" + "".join(parts))


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(NORMAL_ASCII_PATHS)
def test_ascii_paths_in_normal_form_are_left_alone(path):
    url = "http://h.example" + path
    assert canonical_url(url) == canonical_url_keeping_path(url)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=40))
def test_the_sql_pattern_finds_every_path_normal_path_changes(path):
    """The migration's one SQL pass (UNNORMAL_PATH_PATTERN) misses no URL whose path would change."""
    url = "http://h.example/" + path.replace("?", "").replace("#", "")
    split = url.index("/", len("http://"))
    changes = normal_path(url[split:]) != url[split:]
    assert bool(re.search(UNNORMAL_PATH_PATTERN, url)) == changes
