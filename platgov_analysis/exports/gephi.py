"""Graph files that open in Gephi laid out, labelled and coloured: GEXF 1.3 and GraphML.

networkx writes neither GEXF 1.3's edge ``kind`` (Gephi keeps parallel edges of one pair only
when their kinds differ, so without it two coded ties merge into one) nor GraphML's display
keys, so GEXF is written here and GraphML gets the attributes Gephi maps (label, x, y, r, g, b,
size). What a node or edge looks like is decided by the caller (``networks.export_graph``).
"""
from __future__ import annotations

from numbers import Integral, Real
from pathlib import Path

import networkx as nx
from lxml import etree

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"


def rgb(colour: str) -> tuple[int, int, int]:
    """'#4C72B0' -> (76, 114, 176)."""
    return tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))


def edge_rows(graph: nx.Graph):
    """(source, target, id, attributes) per edge: the key for multigraphs, else 'source--target'."""
    if graph.is_multigraph():
        return [(u, v, str(k), d) for u, v, k, d in graph.edges(keys=True, data=True)]
    return [(u, v, f"{u}--{v}", d) for u, v, d in graph.edges(data=True)]


def _gexf_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Integral):
        return "integer"
    return "double" if isinstance(value, Real) else "string"


def _attribute_types(rows) -> dict[str, str]:
    """Every attribute name in first-seen order with its GEXF type (string when types mix)."""
    types: dict[str, str] = {}
    for attrs in rows:
        for key, value in attrs.items():
            kind = _gexf_type(value)
            types[key] = kind if types.get(key, kind) == kind else "string"
    return types


def _attvalues(parent, attrs: dict, types: dict[str, str]) -> None:
    values = etree.SubElement(parent, f"{{{GEXF_NS}}}attvalues")
    for key in types:
        if key in attrs:
            value = attrs[key]
            text = str(value).lower() if isinstance(value, bool) else str(value)
            etree.SubElement(values, f"{{{GEXF_NS}}}attvalue", {"for": key, "value": text})


def write_gexf(graph: nx.Graph, path: Path, node_looks: dict, edge_looks: dict, kind_attribute: str,
               description: str) -> Path:
    """GEXF 1.3: each node with its label, viz:color, viz:position and viz:size, each edge with
    ``kind`` = its ``kind_attribute`` value (so typed parallel ties stay apart), its label and
    colour, and every node and edge attribute as typed GEXF attributes. No date is written."""
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap={None: GEXF_NS, "viz": VIZ_NS}, version="1.3")
    meta = etree.SubElement(root, f"{{{GEXF_NS}}}meta")
    etree.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "platgov"
    etree.SubElement(meta, f"{{{GEXF_NS}}}description").text = description
    graph_el = etree.SubElement(root, f"{{{GEXF_NS}}}graph", mode="static",
                                defaultedgetype="directed" if graph.is_directed() else "undirected")
    node_types = _attribute_types(d for _, d in graph.nodes(data=True))
    edges = edge_rows(graph)
    edge_types = _attribute_types(d for _, _, _, d in edges)
    edge_types.pop("weight", None)  # written as the edge's own weight
    for cls, types in (("node", node_types), ("edge", edge_types)):
        declared = etree.SubElement(graph_el, f"{{{GEXF_NS}}}attributes", {"class": cls, "mode": "static"})
        for key, kind in types.items():
            etree.SubElement(declared, f"{{{GEXF_NS}}}attribute", id=key, title=key, type=kind)
    nodes_el = etree.SubElement(graph_el, f"{{{GEXF_NS}}}nodes", count=str(graph.number_of_nodes()))
    for node, attrs in graph.nodes(data=True):
        look = node_looks[node]
        node_el = etree.SubElement(nodes_el, f"{{{GEXF_NS}}}node", id=str(node), label=look["label"])
        _attvalues(node_el, attrs, node_types)
        r, g, b = rgb(look["colour"])
        etree.SubElement(node_el, f"{{{VIZ_NS}}}color", r=str(r), g=str(g), b=str(b))
        etree.SubElement(node_el, f"{{{VIZ_NS}}}position", x=str(look["x"]), y=str(look["y"]), z="0.0")
        etree.SubElement(node_el, f"{{{VIZ_NS}}}size", value=str(look["size"]))
    edges_el = etree.SubElement(graph_el, f"{{{GEXF_NS}}}edges", count=str(len(edges)))
    for u, v, edge_id, attrs in edges:
        look = edge_looks[edge_id]
        fields = {"id": edge_id, "source": str(u), "target": str(v)}
        if kind_attribute in attrs:
            fields["kind"] = str(attrs[kind_attribute])
        if look.get("label"):
            fields["label"] = look["label"]
        if "weight" in attrs:
            fields["weight"] = str(attrs["weight"])
        edge_el = etree.SubElement(edges_el, f"{{{GEXF_NS}}}edge", fields)
        _attvalues(edge_el, attrs, edge_types)
        r, g, b = rgb(look["colour"])
        etree.SubElement(edge_el, f"{{{VIZ_NS}}}color", r=str(r), g=str(g), b=str(b))
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return path


def write_graphml(graph: nx.Graph, path: Path, node_looks: dict, edge_looks: dict) -> Path:
    """GraphML with every attribute plus the keys Gephi maps to its display: label, x, y, r, g,
    b and size on nodes; label, r, g, b on edges."""
    shown = graph.copy()
    for node, look in node_looks.items():
        r, g, b = rgb(look["colour"])
        shown.nodes[node].update(label=look["label"], x=look["x"], y=look["y"], r=r, g=g, b=b, size=look["size"])
    for u, v, edge_id, attrs in edge_rows(shown):
        look = edge_looks[edge_id]
        r, g, b = rgb(look["colour"])
        attrs.update(r=r, g=g, b=b, **({"label": look["label"]} if look.get("label") else {}))
    nx.write_graphml(shown, path)
    return path
