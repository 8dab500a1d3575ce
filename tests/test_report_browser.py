"""The HTML report in a real headless browser (Debian chromium + chromedriver via selenium):
the index loads from the file system, every image renders, every link resolves, Chinese
shows in the bundled font, and a screenshot is taken.

Skipped, with the reason, where chromium is not installed; ``.ci/run`` installs it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")

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
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _all_images_render(driver) -> list[str]:
    """Wait until images settle; return the sources of those that failed to render."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("Array.from(document.images).forEach(i => { i.loading = 'eager'; });")
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(
        "return Array.from(document.images).every(i => i.complete);"))
    return [src for src, ok in driver.execute_script(IMAGES_LOADED) if not ok]


def test_index_loads_with_every_image_and_link(report, browser, tmp_path):
    index = report / "index.html"
    browser.get(index.as_uri())
    assert browser.title == "platgov report"
    assert "平台治理" in browser.find_element("tag name", "h1").text
    assert _all_images_render(browser) == []
    assert len(browser.find_elements("tag name", "img")) >= 100
    font_ready = browser.execute_script(
        "return document.fonts.check('16px \"Noto Sans SC\"', '平台治理')")
    assert font_ready, "the bundled CJK font did not load"
    screenshot = tmp_path / "index.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000

    links = [a.get_attribute("href") for a in browser.find_elements("tag name", "a")]
    assert len(links) > 100
    pages = []
    for link in links:
        target = Path(unquote(urlparse(link).path))
        assert target.exists(), f"broken link: {link}"
        if target.suffix == ".html" and target != index:
            pages.append(link)
    for page in pages[:: max(1, len(pages) // 8)]:  # a spread of the notebook pages
        browser.get(page)
        assert browser.title.endswith("platgov")
        assert _all_images_render(browser) == [], page
        assert browser.find_elements("css selector", ".output_png, .output_area img")
