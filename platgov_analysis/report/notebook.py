"""Each executed notebook as a page of the report (code hidden, one click shows it)."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from ..labels import LANGS
from .pages import render


_PER_THREAD = threading.local()  # one exporter per thread: nbconvert does not say its exporters are thread-safe


def _exporter():
    """This thread's HTML exporter, made once: making one (its templates compiled) cost about a
    third of converting a notebook (0.04 of 0.15 s)."""
    if not hasattr(_PER_THREAD, "exporter"):
        from nbconvert import HTMLExporter

        _PER_THREAD.exporter = HTMLExporter(template_name="basic")
        _PER_THREAD.exporter.log.setLevel(logging.ERROR)  # not one alt-text notice per figure in the build log
    return _PER_THREAD.exporter


def render_notebook_html(notebook: Path, html_path: Path, title: str, depth: int) -> None:
    """Render an executed notebook as a page that opens from the file system, its navigation in
    the run's language (its ``lang`` parameter, English without one)."""
    import nbformat

    book = nbformat.read(notebook, as_version=4)
    body, _ = _exporter().from_notebook_node(book)
    lang = book.metadata.get("papermill", {}).get("parameters", {}).get("lang", LANGS[0])
    html_path.write_text(render("notebook.html", lang, root="../" * depth, title=title, body=body, stem=None),
                         encoding="utf-8")
