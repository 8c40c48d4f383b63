import pytest

from forumwatch.resources import seed_path
from forumwatch.tasks.sources import SourcesError, read_sources, slugify


def test_bundled_sources_file_reads(tmp_path):
    sources = read_sources(seed_path("sources.csv"))
    assert len(sources) >= 9
    assert len({s.source_id for s in sources}) == len(sources)
    assert all(s.feed_url.startswith("http") for s in sources)


def test_minimal_columns_and_extra_columns(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,feed_url,crawl_delay,notes\nAsian Lite News,https://asianlite.com/feed/,2.5,x\n")
    [source] = read_sources(path)
    assert source.source_id == "asianlite-com-feed" and source.crawl_delay == 2.5 and source.country is None


@pytest.mark.parametrize(
    "content, message",
    [
        ("title,url\nA,https://a\n", "missing column(s) name, feed_url"),
        ("name,feed_url\nA,ftp://a/feed\n", "need a name and an http(s) feed_url"),
        ("name,feed_url,crawl_delay\nA,https://a/f,soon\n", "crawl_delay must be a number"),
        ("name,feed_url\n", "no sources listed"),
    ],
)
def test_bad_sources_file_gives_clear_error(tmp_path, content, message):
    path = tmp_path / "s.csv"
    path.write_text(content)
    with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_sources(path)


def test_missing_file(tmp_path):
    with pytest.raises(SourcesError, match="not found"):
        read_sources(tmp_path / "nope.csv")


def test_slugify():
    assert slugify("The Tribune (India)") == "the-tribune-india"
    assert slugify("Xinhua English") == "xinhua-english"
