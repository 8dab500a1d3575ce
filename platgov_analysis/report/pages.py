"""What every report page shares: the templates, the page names per language, the assets and
the safe ways to put data into a page.

Pages open from the file system with no server and make no network request: scripts, styles
and the Noto Sans SC font (so Chinese renders whatever fonts the reader has) are copied from
``assets/`` into ``reports/assets/``. Data text is escaped by the templates (autoescape) and
embedded JSON cannot close its ``<script>`` element, so a quote containing ``<script>`` is text.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from .. import fonts
from ..labels import LANGS, localized, text

HERE = Path(__file__).resolve().parent
ASSETS = "assets"
EVIDENCE_ID = re.compile(r"\b[a-z]+\d{4}-e\d{3,}\b")
# the report's own pages, in the order of their navigation bar
PAGES = (("index", "Report", "报告"), ("evidence", "Evidence", "证据"), ("matrix", "Matrix and truth table", "矩阵与真值表"),
         ("network", "Networks", "关系网络"))


def page_name(stem: str, lang: str) -> str:
    """The file of a report page in a language: ``evidence.html`` (en), ``evidence-zh.html``."""
    return f"{stem}.html" if lang == LANGS[0] else f"{stem}-{lang}.html"


def study_labels(tables, lang: str) -> dict[str, str]:
    """Each study's authors and year in ``lang``, as filters and menus name it."""
    studies = tables["studies"]
    years = studies["year"].astype("string").fillna("")
    return {study: f"{authors} {year}".strip()
            for study, authors, year in zip(studies["study_id"], localized(studies, "authors", lang), years)}


def json_script(value) -> Markup:
    """JSON for a ``<script type="application/json">`` element: ``<``, ``>`` and ``&`` escaped,
    so no data text can end the element or start another."""
    dumped = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(dumped.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def link_evidence(value: str, root: str = "", lang: str = LANGS[0]) -> Markup:
    """Text with every evidence id (``song2026-e045``) a link to its row in the evidence browser."""
    target = f"{root}{page_name('evidence', lang)}"
    parts, last = [], 0
    for match in EVIDENCE_ID.finditer(value):
        parts.append(escape(value[last:match.start()]))
        parts.append(Markup('<a href="{0}#{1}">{1}</a>').format(target, match.group()))
        last = match.end()
    parts.append(escape(value[last:]))
    return Markup("").join(parts)


_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True)
_ENV.filters["json_script"] = json_script
_ENV.globals.update(page_name=page_name, pages=PAGES, langs=LANGS)


def render(template: str, lang: str, root: str = "", **context) -> str:
    """A template rendered in ``lang``: ``t(en, zh)`` picks our wording, ``evidence(text)`` links ids."""
    return _ENV.get_template(template).render(
        lang=lang, root=root, t=lambda en, zh: text(lang, en, zh),
        evidence=lambda value: link_evidence(value, root, lang), **context)


def write_page(report_dir: Path, stem: str, template: str, context) -> None:
    """Write one page per language (``stem.html``, ``stem-zh.html``), each linking to the other;
    ``context(lang)`` gives what the template shows in that language."""
    for lang in LANGS:
        page = render(template, lang, stem=stem, **context(lang))
        (report_dir / page_name(stem, lang)).write_text(page, encoding="utf-8")


def copy_assets(report_dir: Path) -> None:
    """The scripts, styles and vendored library into ``reports/assets/``, and the font cut down
    to the characters of the report's pages and scripts (so call it once every page is written),
    with its licence."""
    target = report_dir / ASSETS
    target.mkdir(exist_ok=True)
    for path in sorted((HERE / ASSETS).iterdir()):
        if path.suffix != ".md":
            shutil.copyfile(path, target / path.name)
    shown = "".join(sorted({char for page in sorted(report_dir.rglob("*.html"))
                            for char in html.unescape(page.read_text(encoding="utf-8"))}  # &#30340; shows 的
                           | {char for script in sorted(target.glob("*.js")) for char in script.read_text(encoding="utf-8")}))
    (target / fonts.WEB_FONT).write_bytes(fonts.subset_font(fonts.FAMILY, shown))
    (target / "NotoSansSC-LICENSE.txt").write_text(fonts.licence_text(), encoding="utf-8")
