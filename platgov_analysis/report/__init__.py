"""The static HTML report: a landing page that reads as a report, the evidence browser, the
clickable matrix and truth table, the network viewer, and each executed notebook as a page.

Modules: ``pages`` (templates, page names per language, assets, safe embedding), ``index``
(the landing page and run index; the data pages), ``evidence``, ``matrix``,
``network_viewer`` and ``notebook``. Every page is in English and Chinese and opens from the
file system with no server and no network request.
"""
from .index import write_data_pages, write_index
from .notebook import render_notebook_html

__all__ = ["render_notebook_html", "write_data_pages", "write_index"]
