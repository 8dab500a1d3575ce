"""Interchange files, so the evidence base opens in the tools researchers already use.

Modules, one per format family: ``qdpx`` (REFI-QDA project and codebook for QDA suites),
``gephi`` (GEXF 1.3 and GraphML, written through ``networks.export_graph``), ``bibliography``
(BibTeX, RIS, CSL-JSON) and ``metadata`` (CITATION.cff, codemeta.json, the data package's
sources). :func:`publish` is what the report build calls.
"""
from __future__ import annotations

from pathlib import Path

from ..data import DATA_DIR, REPO_ROOT
from ..labels import LANGS

INTERCHANGE_DIR = "interchange"  # the report's folder of interchange files
DEFAULT_SOURCES = REPO_ROOT.parent / "shared" / "seeds"  # where the source texts sit beside a clone
FULLTEXT_DIR = REPO_ROOT / "exports"  # git-ignored: the full-text project is never committed


def publish(report_dir: Path, data_dir: Path = DATA_DIR, sources_dir: Path | None = DEFAULT_SOURCES,
            fulltext_dir: Path = FULLTEXT_DIR) -> tuple[list[Path], list[str]]:
    """Write ``<report_dir>/interchange/``: the shareable REFI-QDA project and its codebook in
    each language, and the bibliography. Where the source texts are available locally, the
    full-text project goes to ``fulltext_dir``, outside the report, which may be published
    while the texts may not. Returns the files written and the quotes the full texts lack."""
    from ..data import load_tables
    from . import bibliography, qdpx

    tables = load_tables(data_dir, check=False)  # callers have validated the data
    out = Path(report_dir) / INTERCHANGE_DIR
    paths, problems = bibliography.export(out, tables), []
    for lang in LANGS:
        written, missing = qdpx.export(out, tables, lang, sources_dir, fulltext_dir)
        paths += written
        problems += [p for p in missing if p not in problems]
    return paths, problems
