"""Relation networks: build, filter, measure, lay out, draw and export.

The graph is a directed multigraph: one node per actor (and per platform that a relation
points to), one edge per coded relation, so two coded ties between the same actors stay two
edges, each with its own evidence id.
"""
from __future__ import annotations

import json
from itertools import combinations, product
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .exports import gephi
from .memo import remembered, source_digest
from .labels import check_lang, code_labels

PLATFORM = "platform"
STATE = "state"
# Marker per government level, so level stays readable in grey-scale print too.
LEVEL_MARKERS = {"central": "^", "provincial": "s", "municipal": "o", "district_county": "D",
                 "township": "v", "village_community": "p", "grid": "h", "multi_level": "8"}
SECTOR_COLOURS = {"state": "#4C72B0", "market": "#DD8452", "society": "#55A868", PLATFORM: "#8172B3"}
TONE_STYLES = {"cooperative": ("#2a7a2a", "solid"), "conflictual": ("#c0392b", "dashed"),
               "neutral": ("#888888", "dotted")}
# A tie the study presents as happening; nominal, planned, denied and risk ties are kept in the
# data but left out of networks and metrics unless asked for, and drawn faded when shown.
ACTUAL = ("actual",)
STATUSES = ("actual", "nominal", "planned", "denied", "risk")


class NetworkDataError(ValueError):
    """A relation names an actor or platform that is not in the tables."""


def build_graph(tables: dict[str, pd.DataFrame]) -> nx.MultiDiGraph:
    """The typed, directed multigraph of all coded relations.

    Node attributes: kind (actor/platform), actor_type, sector, gov_level, name_zh, name_en,
    studies (';'-joined). Edge attributes: relation_id, relation_type, tone, status, study_id,
    case_id, evidence_id, description_en. Every status is kept; ``filter_graph`` chooses.
    """
    actors = tables["actors"].set_index("actor_id")
    cases = tables["cases"].set_index("case_id")
    relations = tables["relations"].sort_values("relation_id")
    graph = nx.MultiDiGraph()
    studies: dict[str, set] = {}
    for rel in relations.itertuples(index=False):
        for end, table, kind in [(rel.source_id, actors, "actor"), (rel.target_actor_id, actors, "actor"),
                                 (rel.target_case_id, cases, "platform")]:
            if pd.notna(end) and end not in table.index:
                raise NetworkDataError(f'relations {rel.relation_id}: {kind} "{end}" is not in the {kind} table')
        target = rel.target_actor_id if pd.notna(rel.target_actor_id) else rel.target_case_id
        for node in (rel.source_id, target):
            studies.setdefault(node, set()).add(rel.study_id)
    for node in sorted(studies):  # sorted insertion keeps layouts stable
        if node in actors.index:
            row = actors.loc[node]
            attrs = {"kind": "actor", "actor_type": row.actor_type, "sector": row.sector,
                     "gov_level": row.gov_level, "name_zh": row.name_zh, "name_en": row.name_en}
        else:
            row = cases.loc[node]
            attrs = {"kind": PLATFORM, "actor_type": PLATFORM, "sector": PLATFORM,
                     "gov_level": row.admin_level, "name_zh": row.name_zh, "name_en": row.name_en}
        graph.add_node(node, studies=";".join(sorted(studies[node])), **attrs)
    for rel in relations.itertuples(index=False):
        target = rel.target_actor_id if pd.notna(rel.target_actor_id) else rel.target_case_id
        graph.add_edge(rel.source_id, target, key=rel.relation_id, relation_id=rel.relation_id,
                       relation_type=rel.relation_type, tone=rel.tone, status=rel.status, study_id=rel.study_id,
                       case_id="" if pd.isna(rel.case_id) else rel.case_id, evidence_id=rel.evidence_id,
                       description_en=rel.description_en)
    return graph


def filter_graph(graph: nx.MultiDiGraph, study_id: str | None = None, relation_types=None,
                 tones=None, include_platforms: bool = True, statuses=ACTUAL) -> nx.MultiDiGraph:
    """Keep the edges of one study / some relation types / some tones / some statuses (by
    default only actual ties; ``statuses=None`` keeps every status), and their nodes."""
    kept = nx.MultiDiGraph()
    for u, v, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        if study_id not in (None, "all") and attrs["study_id"] != study_id:
            continue
        if statuses and attrs["status"] not in statuses:
            continue
        if relation_types and attrs["relation_type"] not in relation_types:
            continue
        if tones and attrs["tone"] not in tones:
            continue
        if not include_platforms and PLATFORM in (graph.nodes[u]["kind"], graph.nodes[v]["kind"]):
            continue
        for node in sorted((u, v)):
            if node not in kept:
                kept.add_node(node, **graph.nodes[node])
        kept.add_edge(u, v, key=key, **attrs)
    return kept


def brokerage(graph: nx.MultiDiGraph) -> pd.Series:
    """Per node: pairs of its neighbours on opposite sides (state vs market/society/platform)
    that are not tied to each other, i.e. pairs only this node connects across the divide."""
    simple = nx.Graph(graph.to_undirected())
    side = {n: graph.nodes[n]["sector"] == STATE for n in simple}
    counts = {}
    for node in simple:
        neighbours = sorted(simple.neighbors(node))
        counts[node] = sum(1 for a, b in combinations(neighbours, 2)
                           if side[a] != side[b] and not simple.has_edge(a, b))
    return pd.Series(counts, name="brokerage", dtype="int64")


def node_metrics(graph: nx.MultiDiGraph, lang: str = "en") -> pd.DataFrame:
    """Degree, degree centrality, betweenness and state-market/society brokerage per node."""
    check_lang(lang)
    simple = nx.Graph(graph.to_undirected())
    table = pd.DataFrame({
        "node": list(graph.nodes),
        "name": [graph.nodes[n][f"name_{lang}"] for n in graph.nodes],
        "actor_type": [graph.nodes[n]["actor_type"] for n in graph.nodes],
        "sector": [graph.nodes[n]["sector"] for n in graph.nodes],
        "studies": [graph.nodes[n]["studies"] for n in graph.nodes],
        "ties": [graph.degree(n) for n in graph.nodes],
    })
    centrality = nx.degree_centrality(simple) if len(simple) > 1 else {n: 0.0 for n in simple}
    between = nx.betweenness_centrality(simple) if len(simple) > 2 else {n: 0.0 for n in simple}
    table["degree_centrality"] = table["node"].map(centrality).round(4)
    table["betweenness"] = table["node"].map(between).round(4)
    table["brokerage"] = table["node"].map(brokerage(graph)).astype("int64")
    return table.sort_values(["betweenness", "ties", "node"], ascending=[False, False, True]).reset_index(drop=True)


def tie_summary(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Per study: ties by tone, and the share of ties between state and market actors."""
    rows = []
    for u, v, attrs in graph.edges(data=True):
        sectors = {graph.nodes[u]["sector"], graph.nodes[v]["sector"]}
        rows.append({"study_id": attrs["study_id"], "tone": attrs["tone"],
                     "gov_enterprise": sectors == {"state", "market"}})
    edges = pd.DataFrame(rows, columns=["study_id", "tone", "gov_enterprise"])
    summary = edges.pivot_table(index="study_id", columns="tone", aggfunc="size", fill_value=0)
    summary = summary.reindex(columns=list(TONE_STYLES), fill_value=0)
    summary.columns.name = None
    summary["ties"] = summary.sum(axis=1)
    summary["gov_enterprise_share"] = (edges.groupby("study_id")["gov_enterprise"].mean().round(3))
    return summary.reset_index()


def tie_status(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Ties per study and status (one column per status, in ``STATUSES`` order), so the ties
    left out of the default network stay visible."""
    edges = pd.DataFrame([(d["study_id"], d["status"]) for _, _, d in graph.edges(data=True)],
                         columns=["study_id", "status"])
    table = edges.pivot_table(index="study_id", columns="status", aggfunc="size", fill_value=0)
    table = table.reindex(columns=list(STATUSES), fill_value=0)
    table.columns.name = None
    return table.reset_index()


def tie_types(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Ties per study and relation type (long format: study_id, relation_type, n)."""
    rows = [(d["study_id"], d["relation_type"]) for _, _, d in graph.edges(data=True)]
    edges = pd.DataFrame(rows, columns=["study_id", "relation_type"])
    return edges.groupby(["study_id", "relation_type"]).size().rename("n").reset_index()


def centrality_by_sector(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Mean degree centrality per study and sector, each study's network measured on its own."""
    studies = sorted({d["study_id"] for _, _, d in graph.edges(data=True)})
    parts = [node_metrics(filter_graph(graph, study_id=s)).assign(study_id=s) for s in studies]
    if not parts:
        return pd.DataFrame(columns=["study_id", "sector", "degree_centrality"])
    return pd.concat(parts).groupby(["study_id", "sector"], as_index=False)["degree_centrality"].mean()


def bridging_actors(graph: nx.MultiDiGraph, lang: str = "en") -> pd.DataFrame:
    """Actors tied to relations of two or more studies: where the studies' networks meet."""
    rows = [{"node": n, "name": d[f"name_{check_lang(lang)}"], "actor_type": d["actor_type"],
             "studies": d["studies"]} for n, d in graph.nodes(data=True) if ";" in d["studies"]]
    return pd.DataFrame(rows, columns=["node", "name", "actor_type", "studies"]).sort_values("node", ignore_index=True)


def layout(graph: nx.MultiDiGraph, seed: int = 7, aspect: float = 4 / 3) -> dict:
    """Seeded, stable positions: each connected component gets its own spring layout, scaled
    with the square root of its node count (similar spacing in big and small clusters), and the
    components are packed by their real extent in rows of about ``aspect`` (width / height),
    largest first, so small clusters neither crowd into the big one nor leave empty bands.
    Builds keep the positions of a graph's shape (``memo``): a second of Kamada-Kawai each."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in graph.edges()))
    key = (sorted(simple.nodes), sorted(simple.edges), seed, aspect, nx.__version__, np.__version__,
           source_digest(__file__))
    kept = json.loads(remembered("layouts", key, lambda: json.dumps(_packed_layout(simple, seed, aspect)).encode()))
    return {node: tuple(xy) for node, xy in kept}


def _packed_layout(simple: nx.Graph, seed: int, aspect: float) -> list:
    """:func:`layout` of a simple graph, as [node, [x, y]] pairs in the order they are placed."""
    components = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    blocks = []  # (nodes, local positions from (0, 0), width, height)
    for nodes in components:
        # an explicit graph, not simple.subgraph(): a subgraph view iterates its node *set*, so
        # its order (and the layout) would change with Python's per-process hash seed
        part = nx.Graph()
        part.add_nodes_from(nodes)
        part.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in simple.subgraph(nodes).edges()))
        # Kamada-Kawai evens out the spacing of dense cores; the seeded spring layout it starts
        # from makes layout_seed choose among equally good pictures
        local = (nx.kamada_kawai_layout(part, pos=nx.spring_layout(part, seed=seed, iterations=100))
                 if len(nodes) > 1 else {nodes[0]: (0.0, 0.0)})
        xs, ys = [local[n][0] for n in nodes], [local[n][1] for n in nodes]
        spread = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        scale = 0.75 * len(nodes) ** 0.5 / spread if len(nodes) > 1 else 0.0
        moved = {n: ((local[n][0] - min(xs)) * scale, (local[n][1] - min(ys)) * scale) for n in nodes}
        blocks.append((nodes, moved, (max(xs) - min(xs)) * scale, (max(ys) - min(ys)) * scale))
    gap = 0.6
    area = sum((w + gap) * (h + gap) for _, _, w, h in blocks)
    row_width = max(max(w for _, _, w, _ in blocks), (area * aspect) ** 0.5)
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for nodes, moved, width, height in blocks:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y - row_height - gap, 0.0
        for node in nodes:
            positions[node] = (x + moved[node][0], y - height + moved[node][1])
        x += width + gap
        row_height = max(row_height, height)
    return [[node, [float(x), float(y)]] for node, (x, y) in positions.items()]


def draw_network(graph: nx.MultiDiGraph, ax, lang: str = "en", seed: int = 7, label_size: float = 7) -> dict:
    """Draw nodes (colour = sector, marker = government level), edges (colour/style = tone) and
    labels pushed apart by adjustText so they do not overlap in common cases."""
    from adjustText import adjust_text

    check_lang(lang)
    positions = layout(graph, seed, aspect=ax.figure.get_figwidth() / ax.figure.get_figheight())
    drawable = nx.DiGraph()  # parallel ties are drawn once per tone; the data keep every one
    drawable.add_nodes_from(sorted(graph.nodes))
    for marker in sorted(set(LEVEL_MARKERS.values()) | {"o"}):
        nodes = [n for n in sorted(graph.nodes) if LEVEL_MARKERS.get(graph.nodes[n]["gov_level"], "o") == marker]
        if nodes:
            nx.draw_networkx_nodes(drawable, positions, nodelist=nodes, ax=ax, node_shape=marker, node_size=110,
                                   node_color=[SECTOR_COLOURS[graph.nodes[n]["sector"]] for n in nodes],
                                   edgecolors="white", linewidths=0.6)
    for (tone, (colour, style)), actual in product(TONE_STYLES.items(), (True, False)):
        edges = sorted({(u, v) for u, v, d in graph.edges(data=True)
                        if d["tone"] == tone and (d["status"] in ACTUAL) == actual and u != v})
        if edges:
            tone_graph = nx.DiGraph(edges)
            nx.draw_networkx_edges(tone_graph, positions, edgelist=edges, ax=ax, edge_color=colour, style=style,
                                   width=0.8 if actual else 0.6, arrows=True, arrowsize=7,
                                   alpha=0.75 if actual else FADED_ALPHA,
                                   connectionstyle="arc3,rad=0.08" if actual else "arc3,rad=0.2", node_size=110)
    labelled = labelled_nodes(graph)
    texts = [ax.text(x, y, _short(graph.nodes[n][f"name_{lang}"]), fontsize=label_size, ha="center", va="center")
             for n, (x, y) in sorted(positions.items()) if n in labelled]
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="datalim")  # distances on screen are distances in the layout
    ax.autoscale()
    if texts:
        # a fixed iteration budget (never a time limit) keeps the result identical run to run
        adjust_text(texts, ax=ax, expand=(1.05, 1.2), iter_lim=100,
                    arrowprops={"arrowstyle": "-", "color": "#bbbbbb", "lw": 0.4})
    return positions


LABEL_ALL_UP_TO = 60
FADED_ALPHA = 0.3


def labelled_nodes(graph: nx.MultiDiGraph) -> set:
    """Every node of a graph of up to 60 nodes; in larger (merged) graphs only the actors with
    three or more ties or present in two or more studies, so the labels stay readable."""
    if len(graph) <= LABEL_ALL_UP_TO:
        return set(graph.nodes)
    return {n for n in graph.nodes if graph.degree(n) >= 3 or ";" in graph.nodes[n]["studies"]}


def _short(label: str, width: int = 18) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def legend_handles(vocabulary: pd.DataFrame, lang: str = "en", faded: bool = False):
    """Legend entries for sector colours, level markers and tone styles, worded in ``lang``;
    with ``faded``, one more for the faded ties that are not actual."""
    from matplotlib.lines import Line2D

    sectors, levels, tones = (code_labels(vocabulary, field, lang) for field in ("sector", "gov_level", "tone"))
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=sectors[s]) for s, c in SECTOR_COLOURS.items()]
    handles += [Line2D([], [], marker=m, linestyle="", color="#666666", label=levels[level])
                for level, m in LEVEL_MARKERS.items()]
    handles += [Line2D([], [], color=c, linestyle=s, label=tones[t]) for t, (c, s) in TONE_STYLES.items()]
    if faded:
        statuses = code_labels(vocabulary, "status", lang)
        words = ", ".join(statuses[s] for s in STATUSES if s not in ACTUAL)
        handles.append(Line2D([], [], color="#444444", alpha=FADED_ALPHA, label=f"({words})"))
    return handles


NEUTRAL_COLOUR = "#999999"  # nodes without a sector (e.g. the studies of the coupling graph)
POSITION_SCALE = 100  # layout units -> Gephi's screen units, so a graph opens at a readable size


def node_looks(graph: nx.Graph, lang: str = "en", seed: int = 7) -> dict:
    """Per node what Gephi shows: its name in ``lang`` (the other language, then the id, where
    missing), the sector colour, the seeded position of :func:`layout` (so the file opens as the
    figure is drawn) and a size growing with the number of ties."""
    other = "zh" if check_lang(lang) == "en" else "en"
    positions = layout(graph, seed) if len(graph) else {}
    looks = {}
    for node, attrs in graph.nodes(data=True):
        label = next((attrs[k] for k in (f"name_{lang}", f"name_{other}") if isinstance(attrs.get(k), str)), str(node))
        x, y = positions[node]
        looks[node] = {"label": label, "colour": SECTOR_COLOURS.get(attrs.get("sector"), NEUTRAL_COLOUR),
                       "x": round(x * POSITION_SCALE, 2), "y": round(y * POSITION_SCALE, 2),
                       "size": round(8 + 4 * graph.degree(node) ** 0.5, 2)}
    return looks


def edge_looks(graph: nx.Graph, lang: str = "en", vocabulary: pd.DataFrame | None = None) -> dict:
    """Per edge id: its relation type worded in ``lang`` (from ``vocabulary``; the code without
    one) and its tone colour."""
    types = code_labels(vocabulary, "relation_type", lang) if vocabulary is not None else {}
    return {edge_id: {"label": types.get(attrs.get("relation_type"), attrs.get("relation_type")),
                      "colour": TONE_STYLES.get(attrs.get("tone"), (NEUTRAL_COLOUR,))[0]}
            for _, _, edge_id, attrs in gephi.edge_rows(graph)}


def export_graph(graph: nx.Graph, out_dir: Path | str, name: str, lang: str = "en", seed: int = 7,
                 vocabulary: pd.DataFrame | None = None) -> list[Path]:
    """Gephi-ready GEXF 1.3 and GraphML (labels in ``lang``, sector colours, the seeded layout,
    size by degree; edge kind = relation type) and CSV node/edge lists with every attribute."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.graphml", out_dir / f"{name}.gexf",
             out_dir / f"{name}_nodes.csv", out_dir / f"{name}_edges.csv"]
    nodes, edges = node_looks(graph, lang, seed), edge_looks(graph, lang, vocabulary)
    gephi.write_graphml(graph, paths[0], nodes, edges)
    gephi.write_gexf(graph, paths[1], nodes, edges, kind_attribute="relation_type",
                     description=f"platgov: {name} ({lang})")
    pd.DataFrame([{"id": n, **d} for n, d in graph.nodes(data=True)]).to_csv(paths[2], index=False, lineterminator="\n")
    pd.DataFrame([{"source": u, "target": v, **d} for u, v, d in graph.edges(data=True)]).to_csv(
        paths[3], index=False, lineterminator="\n")
    return paths


def coupling(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bibliographic coupling of the studies through the works they cite.

    Returns (pairs, shared): pairs has one row per pair of studies with the number of works
    both cite and their reference ids (';'-joined); shared lists each work cited by two or
    more studies.
    """
    citations = tables["citations"]
    by_study = citations.groupby("study_id")["reference_id"].apply(set)
    studies = tables["studies"]["study_id"].tolist()
    pairs = []
    for a, b in combinations(studies, 2):
        both = sorted(by_study.get(a, set()) & by_study.get(b, set()))
        pairs.append({"study_a": a, "study_b": b, "shared_works": len(both), "shared_references": ";".join(both)})
    counts = citations.groupby("reference_id")["study_id"].apply(lambda s: ";".join(sorted(s)))
    shared = counts[counts.str.contains(";")].rename("cited_by").reset_index()
    shared = shared.merge(tables["references"][["reference_id", "authors", "year", "title"]], on="reference_id")
    return pd.DataFrame(pairs), shared.sort_values("reference_id", ignore_index=True)


def coupling_graph(tables: dict[str, pd.DataFrame]) -> nx.Graph:
    """Studies as nodes (named by authors and year), an edge per pair citing a work in common,
    weighted by the number of shared works and carrying their reference ids (';'-joined)."""
    pairs, _ = coupling(tables)
    graph = nx.Graph()
    counts = tables["citations"]["study_id"].value_counts()
    for row in tables["studies"].itertuples(index=False):
        year = "" if pd.isna(row.year) else f" {row.year}"
        graph.add_node(row.study_id, works_cited=int(counts.get(row.study_id, 0)),
                       name_en=f"{row.authors_en}{year}", name_zh=f"{row.authors_zh}{year}")
    for row in pairs[pairs["shared_works"] > 0].itertuples(index=False):
        graph.add_edge(row.study_a, row.study_b, weight=int(row.shared_works), references=row.shared_references)
    return graph
