"""Each executed notebook as a page of the report (code hidden, one click shows it)."""
from __future__ import annotations

import logging
from pathlib import Path

from ..labels import LANGS
from .pages import render


def render_notebook_html(notebook: Path, html_path: Path, title: str, depth: int) -> None:
    """Render an executed notebook as a page that opens from the file system, its navigation in
    the run's language (its ``lang`` parameter, English without one)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.log.setLevel(logging.ERROR)  # not one alt-text notice per figure in the build log
    book = nbformat.read(notebook, as_version=4)
    body, _ = exporter.from_notebook_node(book)
    lang = book.metadata.get("papermill", {}).get("parameters", {}).get("lang", LANGS[0])
    html_path.write_text(render("notebook.html", lang, root="../" * depth, title=title, body=body, stem=None),
                         encoding="utf-8")
