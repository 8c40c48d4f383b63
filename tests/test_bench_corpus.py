"""The bench's page corpus: real-page templates keep their markup and carry our story; bench folders are safe."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest
from trafilatura import bare_extraction

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench import chaos, own_folder, real_templates  # noqa: E402
from bench.pages import ensure_corpus, load_corpus  # noqa: E402

PAGE = """<!DOCTYPE html><html><head><title>Old headline | Site</title>
<meta property="og:title" content="Old headline"><meta property="og:url" content="https://site.example/old">
<meta property="article:published_time" content="2017-03-15T10:20:00Z">
<link rel="canonical" href="https://site.example/old">
<script type="application/ld+json">{"datePublished": "2017-03-15T10:20:00+00:00"}</script></head>
<body><nav><p>Home</p><p>World</p></nav><h1><span>Old</span> headline</h1>
<aside><p>A sidebar teaser long enough to count as a paragraph of text, one.</p>
<p>A sidebar teaser long enough to count as a paragraph of text, two.</p>
<p>A sidebar teaser long enough to count as a paragraph of text, three.</p></aside>
<div class="story"><p>The old story's first paragraph, which is long enough to be story text here.</p>
<figure><img src="a.jpg"></figure>
<p>The old story's second paragraph, which is long enough to be story text, and a bit longer.</p>
<p>The old story's third paragraph, which is long enough to be story text, and longer still than that.</p>
<p>The old story's fourth paragraph, with <a href="/x">a link</a>, long enough to be story text too.</p></div>
<footer><time datetime="2017-03-15">March 15, 2017</time></footer></body></html>"""


def test_prepare_marks_the_story_container_title_dates_and_address():
    template = real_templates.prepare(PAGE)
    assert template is not None
    assert "old story" not in template  # every paragraph of the story container went
    assert template.count("sidebar teaser") == 3  # the container with less paragraph text kept its own
    assert template.count("__BODY__") == 1 and "<figure>" in template  # the rest of the container stays
    assert "Old headline" not in template and template.count("__TITLE__") == 3  # <title>, og:title, <h1>
    assert "2017-03-15" not in template and template.count("__DATE__") == 3  # meta, JSON-LD, <time>
    assert "March 15, 2017" in template  # dates written as words stay: they are part of what the page costs
    assert "https://site.example/old" not in template and template.count("__URL__") == 2
    page = real_templates.render(
        template, "http://127.0.1.1:8790/news/a.html", "New & improved", ["One <p>.", "Two."], datetime(2026, 5, 4, 3)
    )
    assert "<p>One &lt;p&gt;.</p><p>Two.</p>" in page and "New &amp; improved" in page
    assert page.count("2026-05-04T03:00:00+00:00") == 3 and "__" not in page


def test_prepare_gives_a_page_without_a_published_time_one_carrying_the_story_date():
    page = PAGE.replace('<meta property="article:published_time" content="2017-03-15T10:20:00Z">', "")
    template = real_templates.prepare(page)
    assert template is not None and template.count('property="article:published_time"') == 1
    rendered = real_templates.render(template, "http://h/a", "T", ["x"] * 3, datetime(2026, 5, 4, 3))
    assert '<meta property="article:published_time" content="2026-05-04T03:00:00+00:00">' in rendered


def test_prepare_refuses_a_page_without_three_story_paragraphs():
    assert (
        real_templates.prepare("<html><body><p>Too short.</p><div><p>One long paragraph only.</p></div></body></html>")
        is None
    )


def test_stored_templates_give_their_story_back_to_trafilatura():
    """A sample of the shipped templates (every tenth): default trafilatura finds the story put in them."""
    templates = real_templates.load_templates()
    assert len(templates) >= 90 and len({name for name, _ in templates}) == len(templates)
    for name, template in templates[::10]:
        assert all(marker in template for marker in ("__BODY__", "__TITLE__")), name
        assert real_templates.recovered_share(template) >= real_templates.MIN_SHARE == 0.9, name


def test_a_real_template_corpus_page_extracts_to_its_story(tmp_path):
    meta = ensure_corpus(tmp_path / "corpus", 12, 4, kind="real")
    assert meta["templates"] == "real" and len(meta["pages"]) == 12
    for page in meta["pages"]:
        html = (tmp_path / "corpus" / page["outlet"] / page["path"].lstrip("/")).read_text(encoding="utf-8")
        assert "__TITLE__" not in html and "__BODY__" not in html and "__BASE__" in html
        doc = bare_extraction(html.replace("__BASE__", "http://127.0.1.1:8790"), with_metadata=True)
        assert doc.title and page["title"] in doc.title
        assert len((doc.text or "").split()) >= 0.9 * page["n_words"]
        iso_dates = {found[:10] for found in real_templates.ISO_DATE.findall(html)}
        assert iso_dates == {page["published_at"][:10]}  # the template's own ISO dates were replaced


def test_bench_folders_that_hold_other_files_are_refused_and_left_alone(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "thesis.tex").write_text("years of work")
    with pytest.raises(SystemExit, match="did not make"):
        ensure_corpus(theirs, 5, 2)
    with pytest.raises(SystemExit, match="did not make"):
        chaos.main(["--out", str(theirs), "--rounds", "1"])
    assert [p.name for p in theirs.iterdir()] == ["thesis.tex"]


def test_a_bench_folder_is_made_again_only_when_it_is_ours(tmp_path):
    ours = tmp_path / "ours"
    own_folder.remake(ours)
    (ours / "leftover.duckdb").write_text("old run")
    own_folder.remake(ours)
    assert [p.name for p in ours.iterdir()] == [own_folder.MARKER]
    corpus = tmp_path / "corpus"
    first = ensure_corpus(corpus, 6, 2, kind="generated")
    assert ensure_corpus(corpus, 6, 2, kind="generated") == first == load_corpus(corpus)  # reused, not rewritten
    assert ensure_corpus(corpus, 6, 2, kind="real")["templates"] == "real"  # other parameters: made again
