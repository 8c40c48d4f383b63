from forumwatch.tasks.urls import article_id, canonical_url


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
