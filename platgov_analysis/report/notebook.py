"""Each executed notebook as a page of the report (code hidden, one click shows it)."""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from ..labels import LANGS
from .pages import render

NBCONVERT_TEMPLATES = Path(__file__).resolve().parent / "templates" / "nbconvert"
_PER_THREAD = threading.local()  # one exporter per thread: nbconvert does not say its exporters are thread-safe


def page_exporter():
    """nbconvert's HTML exporter with the basic template, less two passes over what it made
    itself, which took four fifths of a page's time: bleach sanitising the Pygments-highlighted
    code of the cells (our notebooks' code, escaped by Pygments; the ``notebook-page`` template)
    and BeautifulSoup parsing and writing out the whole page again, to give an image without
    alternative text a placeholder (every figure of ours has its caption as its alt text). The
    page is that of nbconvert up to how the same markup is written (tested). A cell's highlighted
    code is kept for the build's other pages: most runs share their notebook's code."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7) up to its BeautifulSoup pass
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name")) or "ipython3"
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", lambda source, language=None, metadata=None: _highlighted(
                source, language or lexer, (metadata or {}).get("magics_language")))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = PageExporter(template_name="notebook-page", extra_template_basedirs=[str(NBCONVERT_TEMPLATES)])
    exporter.log.setLevel(logging.ERROR)
    return exporter


@lru_cache(maxsize=4096)
def _highlighted(source: str, lexer: str, magics_language: str | None) -> str:
    """nbconvert's ``highlight_code`` filter, of a cell's code (Pygments took half of a page's time)."""
    return _highlighter(lexer)(source, metadata={"magics_language": magics_language} if magics_language else None)


@lru_cache(maxsize=8)
def _highlighter(lexer: str):
    from nbconvert.filters.highlight import Highlight2HTML

    return Highlight2HTML(pygments_lexer=lexer)


def _exporter():
    """This thread's exporter, made once: making one (its templates compiled) costs about as
    much as converting a notebook."""
    if not hasattr(_PER_THREAD, "exporter"):
        _PER_THREAD.exporter = page_exporter()
    return _PER_THREAD.exporter


def render_notebook_html(book, html_path: Path, title: str, depth: int) -> None:
    """Render an executed notebook (a notebook node, as nbformat reads it) as a page that opens
    from the file system, its navigation in the run's language (its ``lang`` parameter, English
    without one)."""
    body, _ = _exporter().from_notebook_node(book)
    lang = book.metadata.get("papermill", {}).get("parameters", {}).get("lang", LANGS[0])
    html_path.write_text(render("notebook.html", lang, root="../" * depth, title=title, body=body, stem=None),
                         encoding="utf-8")
