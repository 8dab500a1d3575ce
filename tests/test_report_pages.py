"""The report's pages as files: both languages, every quote linkable by its id, data text
escaped, no reference outside the report, and the same bytes from the same inputs.
(Their behaviour in a browser: test_report_browser.py.)"""
from __future__ import annotations

import re

import pytest

from platgov_analysis import data
from platgov_analysis.build import tree_hashes
from platgov_analysis.report.pages import link_evidence, page_name
from report_pages import INJECTED, QUOTE_ID, inject, write_pages

STEMS = ("index", "evidence", "matrix", "network")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return write_pages(tmp_path_factory.mktemp("pages"))


def test_every_page_exists_in_both_languages_and_links_the_other(pages):
    for stem in STEMS:
        english, chinese = (pages / page_name(stem, lang) for lang in ("en", "zh"))
        assert f'href="{chinese.name}"' in english.read_text(encoding="utf-8")
        assert f'href="{english.name}"' in chinese.read_text(encoding="utf-8")
    assert "证据" in (pages / "evidence-zh.html").read_text(encoding="utf-8")


def test_every_quote_is_an_anchor_and_caption_ids_link_to_it(pages):
    html = (pages / "evidence.html").read_text(encoding="utf-8")
    ids = data.load_tables()["evidence"]["evidence_id"]
    anchors = set(re.findall(r'<article class="quote" id="([^"]+)"', html))
    assert anchors == set(ids)
    caption = str(link_evidence("Source: song2026. Evidence: song2026-e045, song2026-e112 <x>.", "../../", "zh"))
    assert '<a href="../../evidence-zh.html#song2026-e045">song2026-e045</a>' in caption
    assert caption.endswith("&lt;x&gt;.")


def test_pages_refer_to_nothing_outside_the_report(pages):
    for page in pages.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', html), page
        for script in re.findall(r'<script src="([^"]+)"', html):
            assert (pages / script).is_file(), script
    assert (pages / "assets/cytoscape-LICENSE.txt").is_file()


def test_the_same_inputs_give_the_same_bytes(pages, tmp_path):
    assert tree_hashes(write_pages(tmp_path / "again")) == tree_hashes(pages)


def test_data_text_is_escaped_everywhere(tmp_path):
    folder = write_pages(tmp_path / "pages", inject(tmp_path / "data"))
    for page in folder.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>window.injected" not in html, page
        assert "<b>bold</b>" not in html, page
    evidence = (folder / "evidence.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.injected = 1&lt;/script&gt;" in evidence
    assert QUOTE_ID in evidence and INJECTED not in evidence
