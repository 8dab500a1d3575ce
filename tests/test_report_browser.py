"""The HTML report in a real headless browser (Debian chromium + chromedriver via selenium):
the index loads from the file system, every image renders, every link resolves, Chinese
shows in the bundled font; the evidence search, the matrix cells and the network viewer work;
no page logs an error or requests anything outside file://. Screenshots of each page are kept
in .build/test-artifacts/ (git-ignored).

Skipped, with the reason, where chromium is not installed; ``.ci/run`` installs it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from platgov_analysis import data, networks
from platgov_analysis.data import REPO_ROOT
from platgov_analysis.report.pages import page_name
from report_pages import INJECTED, QUOTE_ID, inject, write_pages

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")

ARTIFACTS = REPO_ROOT / ".build" / "test-artifacts"
OUTSIDE_FILES = "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('file://'));"
# after the fonts settled: the families of the faces that loaded (a check() of a family with no
# face at all would pass, so the faces are counted instead)
LOADED_FACES = """
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => done([...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)));
"""
IMAGES_LOADED = """
return Array.from(document.images).map(img => [img.getAttribute('src'), img.complete && img.naturalWidth > 0]);
"""


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must not try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--allow-file-access-from-files", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _check_clean(driver, name: str) -> None:
    """No console error, no request outside file://; a screenshot kept as a test artefact."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors
    assert driver.execute_script(OUTSIDE_FILES) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000


def _all_images_render(driver) -> list[str]:
    """Wait until images settle; return the sources of those that failed to render."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("Array.from(document.images).forEach(i => { i.loading = 'eager'; });")
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(
        "return Array.from(document.images).every(i => i.complete);"))
    return [src for src, ok in driver.execute_script(IMAGES_LOADED) if not ok]


def test_index_loads_with_every_image_and_link(report, browser):
    index = report / "index.html"
    browser.get(index.as_uri())
    assert browser.title == "platgov report"
    assert "平台治理" in browser.find_element("tag name", "h1").text
    assert _all_images_render(browser) == []
    assert len(browser.find_elements("tag name", "img")) >= 2  # the headline figures
    assert any("Noto Sans SC" in family for family in browser.execute_async_script(LOADED_FACES)), \
        "the bundled CJK font did not load"
    _check_clean(browser, "report-index")

    links = [a.get_attribute("href") for a in browser.find_elements("tag name", "a")]
    assert len(links) > 100
    pages = []
    for link in links:
        target = Path(unquote(urlparse(link).path))
        assert target.exists(), f"broken link: {link}"
        if target.name == "notebook.html":
            pages.append(link)
    for page in pages[:: max(1, len(pages) // 8)]:  # a spread of the notebook pages
        browser.get(page)
        assert browser.title.endswith("platgov")
        assert _all_images_render(browser) == [], page
        assert browser.find_elements("css selector", ".output_png, .output_area img")
    # a caption's evidence id opens its quote in the evidence browser
    cited = next(link for link in links if "evidence.html#" in link)
    browser.get(cited)
    assert browser.execute_script("return document.querySelector(':target').className") == "quote"


# ------------------------------------------------------- the pages, written from the data

@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return write_pages(tmp_path_factory.mktemp("pages"))


def _visible(driver, selector: str) -> list:
    return [e for e in driver.find_elements("css selector", selector) if e.is_displayed()]


def test_svg_figures_carry_their_font(report, browser):
    """A Chinese SVG figure opened on its own, on a machine with no CJK font installed, renders
    its text in the subset of Noto Sans SC it carries."""
    svg = report / "networks" / "all" / "zh" / "network.svg"
    browser.get(svg.as_uri())
    families = browser.execute_async_script(LOADED_FACES)
    assert any("Noto Sans SC" in family for family in families), families
    shown = browser.execute_script("return Array.from(document.querySelectorAll('text')).map(t => t.textContent).join('')")
    assert any("\u4e00" <= char <= "\u9fff" for char in shown)
    _check_clean(browser, "figure-network-zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_evidence_search_finds_a_quote_and_hides_the_others(pages, browser, lang):
    browser.get((pages / page_name("evidence", lang)).as_uri())
    total = len(browser.find_elements("css selector", "#quotes .quote"))
    assert total == len(data.load_tables()["evidence"])
    browser.find_element("id", "search").send_keys("各业务块会自己靠过来")
    shown = _visible(browser, "#quotes .quote")
    assert [q.get_attribute("id") for q in shown] == [QUOTE_ID]
    assert browser.find_element("id", "shown").text == "1"
    _check_clean(browser, f"evidence-{lang}")


def test_evidence_filters_and_anchors(pages, browser):
    browser.get((pages / "evidence.html").as_uri() + "?study=wu2022")
    shown = _visible(browser, "#quotes .quote")
    assert shown and all(q.get_attribute("data-study") == "wu2022" for q in shown)
    browser.get((pages / "evidence.html").as_uri() + "#" + QUOTE_ID)
    assert browser.execute_script("return document.querySelector(':target').id") == QUOTE_ID


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_clicking_a_matrix_cell_shows_its_quote(pages, browser, lang):
    browser.get((pages / page_name("matrix", lang)).as_uri())
    cell = "cell-song2026.j-intelligence-command-DEMAND"
    assert not _visible(browser, f'[id="{cell}"]')
    browser.find_element("css selector", f'a[href="#{cell}"]').click()
    detail = browser.find_element("id", cell)
    assert detail.is_displayed()
    assert "各业务块会自己靠过来" in detail.text and "song2026-e057" in detail.text
    # a truth-table row's case links to its row of the matrix
    link = browser.find_element("css selector", ".truth td a[href^='#case-']")
    link.click()
    assert browser.execute_script("return document.querySelector(':target').tagName") == "TR"
    _check_clean(browser, f"matrix-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_viewer_draws_the_exported_network_and_shows_a_ties_evidence(pages, browser, lang, tmp_path):
    import pandas as pd
    from selenium.webdriver.common.action_chains import ActionChains

    graph = networks.filter_graph(networks.build_graph(data.load_tables()))
    networks.export_graph(graph, tmp_path, "network", lang)
    nodes, edges = (len(pd.read_csv(tmp_path / f"network_{part}.csv")) for part in ("nodes", "edges"))
    browser.get((pages / page_name("network", lang)).as_uri())
    counts = browser.find_element("id", "counts")
    assert (int(counts.get_attribute("data-nodes")), int(counts.get_attribute("data-edges"))) == (nodes, edges)
    drawn = browser.execute_script("const cy = window.platgovNetwork; "
                                   "return [cy.nodes(':visible').length, cy.edges(':visible').length];")
    assert drawn == [nodes, edges]
    # click the middle of a tie drawn apart from the others
    edge_id, x, y = browser.execute_script("""
        const cy = window.platgovNetwork;
        const edges = cy.edges(':visible').filter(e => e.source().id() !== e.target().id());
        let best = null, gap = -1;
        edges.forEach(e => {
          const m = e.renderedMidpoint();
          const near = Math.min(...cy.elements(':visible').not(e).map(o => {
            const p = o.isNode() ? o.renderedPosition() : o.renderedMidpoint();
            return Math.hypot(p.x - m.x, p.y - m.y);
          }));
          if (near > gap) { gap = near; best = [e.id(), m.x, m.y]; }
        });
        return best;""")
    canvas = browser.find_element("id", "graph")
    ActionChains(browser).move_to_element_with_offset(canvas, x - canvas.size["width"] / 2,
                                                      y - canvas.size["height"] / 2).click().perform()
    expected = next(d["evidence_id"] for _, _, key, d in graph.edges(keys=True, data=True) if key == edge_id)
    shown = browser.find_element("css selector", "#tie a.evidence-id")
    assert shown.text == expected
    assert shown.get_attribute("href").endswith(f"{page_name('evidence', lang)}#{expected}")
    _check_clean(browser, f"network-{lang}")


def test_landing_page_reads_as_a_report(pages, browser):
    for lang in ("en", "zh"):
        browser.get((pages / page_name("index", lang)).as_uri())
        assert browser.find_elements("id", "headline-matrix") and browser.find_elements("id", "headline-network")
        assert len(browser.find_elements("css selector", ".card")) == len(data.load_tables()["studies"])
        _check_clean(browser, f"index-{lang}")


def test_injected_markup_renders_as_text(browser, tmp_path):
    folder = write_pages(tmp_path / "pages", inject(tmp_path / "data"))
    browser.get((folder / "evidence.html").as_uri() + "#" + QUOTE_ID)
    assert INJECTED in browser.find_element("id", QUOTE_ID).text
    browser.get((folder / "matrix.html").as_uri() + "#cell-song2026.j-intelligence-command-DEMAND")
    assert INJECTED in browser.find_element("id", "cell-song2026.j-intelligence-command-DEMAND").text
    browser.get((folder / "network.html").as_uri())
    browser.execute_script("window.platgovNetwork.getElementById('song2026-r001').emit('tap')")
    assert INJECTED in browser.find_element("id", "tie").text
    assert browser.execute_script("return window.injected") is None
    assert all(b.text != "bold" for b in browser.find_elements("tag name", "b"))
