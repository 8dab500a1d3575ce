"""Gephi-ready exports read back: GEXF 1.3 (official RELAX NG schema, networkx's reader, lxml)
and GraphML (networkx's reader, lxml): labels in the run's language, sector colours, the seeded
layout, size by degree, typed parallel ties as distinct edges, tone and status, and the shared
reference ids on bibliographic coupling edges."""
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from platgov_analysis import networks
from platgov_analysis.exports import gephi

from test_networks import frame, small_tables  # noqa: F401  (fixture)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def gexf_schema():
    return etree.RelaxNG(etree.parse(str(FIXTURES / "gexf-1.3" / "gexf.rng")))


@pytest.fixture
def exported(small_tables, tmp_path):  # noqa: F811
    small_tables["relations"].loc[small_tables["relations"]["relation_id"] == "r2", "status"] = "planned"
    graph = networks.build_graph(small_tables)
    paths = networks.export_graph(graph, tmp_path, "net", lang="zh", seed=7)
    return graph, paths


def test_gexf_is_valid_gexf_1_3(exported, gexf_schema):
    _, paths = exported
    document = etree.parse(str(paths[1]))
    assert document.getroot().get("version") == "1.3"
    assert gexf_schema.validate(document), gexf_schema.error_log


def test_gexf_read_back_has_labels_colours_positions_and_sizes(exported):
    graph, paths = exported
    back = nx.read_gexf(paths[1], version="1.3")
    positions = networks.layout(graph, 7)
    for node, attrs in graph.nodes(data=True):
        shown = back.nodes[node]
        assert shown["label"] == attrs["name_zh"]
        colour = shown["viz"]["color"]
        assert "#{:02X}{:02X}{:02X}".format(colour["r"], colour["g"], colour["b"]) == \
            networks.SECTOR_COLOURS[attrs["sector"]].upper()
        x, y = positions[node]
        assert shown["viz"]["position"]["x"] == pytest.approx(x * networks.POSITION_SCALE, abs=0.01)
        assert shown["viz"]["position"]["y"] == pytest.approx(y * networks.POSITION_SCALE, abs=0.01)
    sizes = {n: back.nodes[n]["viz"]["size"] for n in back}
    assert sizes["gov"] > sizes["ali"] > sizes["bur"]  # 4, 3 and 1 ties


def test_gexf_keeps_typed_parallel_ties_apart_with_tone_and_status(exported):
    graph, paths = exported
    edges = {e.get("id"): e for e in etree.parse(str(paths[1])).iter(f"{GEXF}edge")}
    assert sorted(edges) == ["r1", "r2", "r3", "r4", "r5"]
    gov_ali = [e for e in edges.values() if (e.get("source"), e.get("target")) == ("gov", "ali")]
    assert sorted(e.get("kind") for e in gov_ali) == ["contracts", "supervises"]  # Gephi keeps both
    values = {e.get("id"): {v.get("for"): v.get("value") for v in e.iter(f"{GEXF}attvalue")} for e in edges.values()}
    assert values["r2"]["tone"] == "conflictual" and values["r2"]["status"] == "planned"
    assert values["r1"]["status"] == "actual" and values["r1"]["evidence_id"] == "e1"
    back = nx.read_gexf(paths[1], version="1.3")
    assert back.number_of_edges("gov", "ali") == 2
    assert {d["tone"] for _, _, d in back.edges(data=True)} == {"cooperative", "conflictual", "neutral"}


def test_graphml_carries_the_keys_gephi_maps(exported):
    graph, paths = exported
    keys = {(k.get("for"), k.get("attr.name")) for k in etree.parse(str(paths[0])).iter(f"{GRAPHML}key")}
    assert {("node", name) for name in ("label", "x", "y", "r", "g", "b", "size")} <= keys
    back = nx.read_graphml(paths[0])
    assert isinstance(back, nx.MultiDiGraph) and back.number_of_edges("gov", "ali") == 2
    assert sorted(k for _, _, k in back.edges(keys=True)) == ["r1", "r2", "r3", "r4", "r5"]
    gov = back.nodes["gov"]
    assert gov["label"] == "市政府"
    assert (gov["r"], gov["g"], gov["b"]) == gephi.rgb(networks.SECTOR_COLOURS["state"])
    x, y = networks.layout(graph, 7)["gov"]
    assert (gov["x"], gov["y"]) == pytest.approx((x * networks.POSITION_SCALE, y * networks.POSITION_SCALE), abs=0.01)
    assert gov["size"] > 0
    assert back.edges["gov", "ali", "r2"]["status"] == "planned"


def test_english_run_labels_in_english_and_edges_by_relation_type(small_tables, tmp_path):  # noqa: F811
    vocabulary = frame([["relation_type", "contracts", "contracts with", "签约"]],
                       ["field", "code", "label_en", "label_zh"])
    graph = networks.build_graph(small_tables)
    paths = networks.export_graph(graph, tmp_path, "net", lang="en", vocabulary=vocabulary)
    back = nx.read_gexf(paths[1], version="1.3")
    assert back.nodes["gov"]["label"] == "City government"
    assert back.edges["gov", "ali", "r1"]["label"] == "contracts with"
    assert back.edges["gov", "ali", "r2"]["label"] == "supervises"  # a code without a label shows the code


def test_coupling_edges_carry_the_shared_reference_ids(tmp_path, gexf_schema):
    studies = frame([["A", "Li Ming", "李明", 2020], ["B", "Wang Fang", "王芳", 2021], ["C", "Xu Lei", "徐磊", 2022]],
                    ["study_id", "authors_en", "authors_zh", "year"], integers=["year"])
    citations = frame([["A", "w1"], ["A", "w2"], ["B", "w1"], ["B", "w2"], ["B", "w3"], ["C", "w3"]],
                      ["study_id", "reference_id"])
    references = frame([[w, "x", "t"] for w in ("w1", "w2", "w3")], ["reference_id", "authors", "title"])
    references["year"] = 2000
    graph = networks.coupling_graph({"studies": studies, "citations": citations, "references": references})
    paths = networks.export_graph(graph, tmp_path, "coupling", lang="zh")
    assert gexf_schema.validate(etree.parse(str(paths[1]))), gexf_schema.error_log
    for back in (nx.read_gexf(paths[1], version="1.3"), nx.read_graphml(paths[0])):
        assert back.edges["A", "B"]["references"] == "w1;w2"
        assert back.edges["B", "C"]["references"] == "w3"
        assert not back.has_edge("A", "C")
        assert back.nodes["A"]["label"] == "李明 2020"
    weights = {(e.get("source"), e.get("target")): e.get("weight") for e in etree.parse(str(paths[1])).iter(f"{GEXF}edge")}
    assert weights == {("A", "B"): "2", ("B", "C"): "1"}
