"""The landing page, ``reports/index.html`` (and ``index-zh.html``), read as a report: what
platgov is and how to cite it, the headline cross-study results, one card per study, then the
index of every run; and the pages of the data alone (evidence browser, matrix, network viewer),
which a build writes while the runs execute. All are pure functions of the data, the runs and
their outputs: no build status, no timings (those go to the build's log), so an incremental and
a clean build of the same inputs give the same bytes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import cases, networks
from ..data import load_tables, read_descriptor
from ..exports import INTERCHANGE_DIR
from ..labels import LANGS, code_labels, localized
from .evidence import write_evidence
from .matrix import comparison, matrix_context, solution_rows
from .network_viewer import write_network_viewer
from .pages import copy_assets, page_name, write_page

TABLE_SUFFIXES = (".csv",)
EXPORT_SUFFIXES = (".graphml", ".gexf")
COMPARATIVE_RUN = "comparative/{lang}"
MERGED_NETWORK_RUN = "networks/all/{lang}"


def write_data_pages(report_dir: Path, data_dir: Path, notebooks_dir: Path) -> None:
    """Write the pages that show the data alone, each in every language: the evidence browser,
    the matrix (with the comparative notebook's default analysis) and the network viewer. They
    read no run's output, so a build makes them beside the runs."""
    tables = load_tables(data_dir)
    result = comparison(tables, notebooks_dir)
    write_evidence(report_dir, tables, data_dir)
    write_page(report_dir, "matrix", "matrix.html", context=lambda lang: matrix_context(tables, lang, result))
    write_network_viewer(report_dir, tables)


def write_index(report_dir: Path, runs, data_dir: Path, notebooks_dir: Path) -> Path:
    """Write the landing page in every language, once the runs' outputs and the data pages
    (:func:`write_data_pages`) are in ``report_dir``, then the assets, whose font is cut down to
    the characters of every page; return the path of ``index.html``."""
    tables = load_tables(data_dir)
    result = comparison(tables, notebooks_dir)
    graph = networks.build_graph(tables)
    focal = cases.focal_cases(tables)
    groups: dict[str, list] = {}
    for run in runs:  # groups in the order of the runs list, which puts each study's material first
        groups.setdefault(run.notebook, []).append(_run_entry(report_dir, run))
    write_page(report_dir, "index", "index.html", context=lambda lang: {
        "about": _about(data_dir), "groups": list(groups.items()), "runs": runs,
        "interchange": sorted(p.name for p in (report_dir / INTERCHANGE_DIR).glob("*") if p.is_file()),
        "folder": INTERCHANGE_DIR, "studies": study_cards(tables, runs, lang),
        "headline": _headline(report_dir, tables, result, graph, lang),
        "result": None if result is None else {"solutions": solution_rows(result)},
        "names": dict(zip(focal["case_id"], localized(focal, "name", lang))),
        "matrix_href": page_name("matrix", lang)})
    copy_assets(report_dir)
    return report_dir / "index.html"


def _about(data_dir: Path) -> dict:
    """Title, description, version, licence and authors of the data package, for the citation."""
    descriptor = read_descriptor(data_dir)
    return {"title": descriptor.get("title", ""), "description": descriptor.get("description", ""),
            "version": descriptor.get("version", ""),
            "licence": ", ".join(lic.get("name", "") for lic in descriptor.get("licenses", [])),
            "authors": ", ".join(c.get("title", "") for c in descriptor.get("contributors", []))}


def _headline(report_dir: Path, tables: dict[str, pd.DataFrame], result, graph, lang: str) -> dict:
    """The numbers and figures the headline sentences cite, from the data and the runs' outputs."""
    matrix = cases.case_matrix(tables)
    focal = cases.focal_cases(tables)
    comparative, merged = COMPARATIVE_RUN.format(lang=lang), MERGED_NETWORK_RUN.format(lang=lang)
    core = report_dir / comparative / "robust_core.csv"
    actual = networks.filter_graph(graph)
    return {
        "cases": len(matrix), "studies": focal["study_id"].nunique(), "codes": matrix.shape[1],
        "unknown": int(matrix.eq("unknown").to_numpy().sum()), "cells": int(matrix.size),
        "matrix_png": _existing(report_dir, f"{comparative}/case_matrix.png"),
        "network_png": _existing(report_dir, f"{merged}/network.png"),
        "comparison": None if result is None else {"conditions": result.conditions, "outcome": result.outcome,
                                                   "complete": len(matrix) - len(result.excluded)},
        "core": pd.read_csv(core, dtype=str).fillna("").to_dict("records") if core.exists() else None,
        "core_csv": _existing(report_dir, f"{comparative}/robust_core.csv"),
        "nodes": actual.number_of_nodes(), "ties": actual.number_of_edges(),
        "bridges": len(networks.bridging_actors(actual, lang)),
    }


def _existing(report_dir: Path, relative: str) -> str | None:
    return relative if (report_dir / relative).exists() else None


def study_cards(tables: dict[str, pd.DataFrame], runs, lang: str) -> list[dict]:
    """One card per study: its title, authors, design, what it contributes and its pages."""
    studies = tables["studies"]
    designs = code_labels(tables["vocabulary"], "design", lang)
    counts = {name: tables[name]["study_id"].value_counts() for name in ("evidence", "relations")}
    focal = cases.focal_cases(tables)["study_id"].value_counts()
    cards = []
    for row, title, authors in zip(studies.to_dict("records"), localized(studies, "title", lang),
                                   localized(studies, "authors", lang)):
        study = row["study_id"]
        pages = [run.name for run in runs
                 if run.parameters.get("study_id") == study and run.parameters.get("lang", lang) == lang]
        cards.append({"study_id": study, "title": title, "authors": authors,
                      "year": "" if pd.isna(row["year"]) else row["year"],
                      "design": designs.get(row["design"], row["design"]),
                      "quotes": int(counts["evidence"].get(study, 0)), "relations": int(counts["relations"].get(study, 0)),
                      "cases": int(focal.get(study, 0)), "pages": pages})
    return cards


def _run_entry(report_dir: Path, run) -> dict:
    folder = report_dir / run.name
    manifest_path = folder / "figures.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    figures = [{"name": name, "caption": info["caption"], "png": f"{run.name}/{name}.png",
                "svg": f"{run.name}/{name}.svg"} for name, info in sorted(manifest.items())]
    files = [(path.relative_to(folder).as_posix(), f"{run.name}/{path.relative_to(folder).as_posix()}")
             for path in sorted(folder.rglob("*")) if path.suffix in TABLE_SUFFIXES + EXPORT_SUFFIXES]
    return {"name": run.name, "parameters": sorted(run.parameters.items()), "figures": figures, "files": files,
            "lang": run.parameters.get("lang", LANGS[0])}
