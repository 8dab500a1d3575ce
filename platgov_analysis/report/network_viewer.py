"""The interactive network viewer, ``reports/network.html``: the merged network and each
study's, drawn by the vendored cytoscape.js at the seeded positions of ``networks.layout``,
with pan and zoom, names on hover, filters by study, relation type, tone and status, and each
tie's description and quote on a click.

Every tie of every status is in the page; like the report's figures and exports, the viewer
opens on the actual ties (``networks.ACTUAL``), and the other statuses are a click away.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from .. import networks
from ..labels import code_labels
from ..runs import EVERY_STUDY
from .pages import study_labels, write_page

SEED = 7  # the networks notebook's layout_seed: the viewer opens as its figure is drawn
SCALE = 120  # layout units -> screen pixels at zoom 1


def graph_positions(graph: nx.MultiDiGraph, study_ids) -> dict[str, dict[str, list[float]]]:
    """Per view (``all`` and each study with ties) the seeded position of each of its nodes,
    laid out over every tie of that view; y flipped, as screens count downwards."""
    views = {}
    for view in [EVERY_STUDY, *study_ids]:
        part = networks.filter_graph(graph, study_id=view, statuses=None)
        if len(part):
            views[view] = {node: [round(x * SCALE, 1), round(-y * SCALE, 1)]
                           for node, (x, y) in sorted(networks.layout(part, SEED).items())}
    return views


def viewer_data(tables: dict[str, pd.DataFrame], graph: nx.MultiDiGraph, positions: dict, lang: str) -> dict:
    """Nodes, ties (with their quotes), positions per view and the labels of the codes, in ``lang``."""
    other = "zh" if lang == "en" else "en"
    vocabulary = tables["vocabulary"]
    quotes = tables["evidence"].set_index("evidence_id")
    nodes = [{"id": node, "name": attrs.get(f"name_{lang}") or attrs.get(f"name_{other}") or node,
              "sector": attrs["sector"], "kind": attrs["kind"], "studies": attrs["studies"].split(";"),
              "colour": networks.SECTOR_COLOURS.get(attrs["sector"], networks.NEUTRAL_COLOUR)}
             for node, attrs in sorted(graph.nodes(data=True))]
    edges = []
    for source, target, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        quote = quotes.loc[attrs["evidence_id"]] if attrs["evidence_id"] in quotes.index else None
        edges.append({"id": key, "source": source, "target": target, "study": attrs["study_id"],
                      "type": attrs["relation_type"], "tone": attrs["tone"], "status": attrs["status"],
                      "evidence_id": attrs["evidence_id"], "description": attrs["description_en"] or "",
                      "quote": "" if quote is None else quote["quote"],
                      "location": "" if quote is None else quote["location"],
                      "colour": networks.TONE_STYLES[attrs["tone"]][0], "style": networks.TONE_STYLES[attrs["tone"]][1]})
    labels = {field: code_labels(vocabulary, field, lang) for field in ("relation_type", "tone", "status", "sector")}
    used = {field: sorted({e[key] for e in edges}) for field, key in (("relation_type", "type"), ("tone", "tone"),
                                                                     ("status", "status"))}
    return {"nodes": nodes, "edges": edges, "positions": positions,
            "studies": study_labels(tables, lang),
            "labels": labels, "used": used, "default_statuses": list(networks.ACTUAL),
            "sectors": networks.SECTOR_COLOURS}


def write_network_viewer(report_dir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write the viewer, of every coded tie, in every language."""
    graph = networks.build_graph(tables)
    positions = graph_positions(graph, tables["studies"]["study_id"])
    write_page(report_dir, "network", "network.html", lambda lang: {"data": viewer_data(tables, graph, positions, lang)})
