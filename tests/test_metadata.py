"""A publishable data package and citation metadata: frictionless's own command line validates
the package, the descriptor names the licence, contributors and the studies as sources (DOIs
only where the studies print one), CITATION.cff validates with cffconvert (in its own pinned
tool environment), codemeta.json equals a fresh generation, and every version agrees."""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from platgov_analysis import __version__
from platgov_analysis.data import DATA_DIR, load_tables, read_descriptor
from platgov_analysis.exports import metadata

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def studies():
    return load_tables(check=False)["studies"]


def test_frictionless_command_line_validates_the_package():
    frictionless = Path(sys.executable).parent / "frictionless"
    done = subprocess.run([str(frictionless), "validate", "--json", str(DATA_DIR / "datapackage.json")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert json.loads(done.stdout)["valid"] is True


def test_descriptor_is_publishable(studies):
    descriptor = read_descriptor()
    assert descriptor["name"] and descriptor["title"] and descriptor["description"]
    assert descriptor["version"] == __version__
    assert [lic["name"] for lic in descriptor["licenses"]] == ["CC-BY-4.0"]
    assert descriptor["contributors"] and all(c["title"] for c in descriptor["contributors"])
    assert descriptor["sources"] == metadata.package_sources(studies)  # regenerate: export-metadata


def test_sources_link_a_doi_only_where_the_study_prints_one(studies):
    sources = metadata.package_sources(studies)
    assert len(sources) == len(studies)
    for source, row in zip(sources, studies.itertuples(index=False)):
        assert row.title_zh in source["title"]
        assert source.get("path") == (None if row.doi is None or str(row.doi) == "<NA>" else f"https://doi.org/{row.doi}")


def test_versions_agree():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["version"] == project["version"] == read_descriptor()["version"] == __version__


def test_citation_cites_every_study(studies):
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    titles = {ref["title"] for ref in citation["references"]}
    missing = sorted(set(studies["title_zh"]) - titles)
    assert not missing, f"CITATION.cff references lack these studies: {missing}"
    dois = {ref["title"]: ref.get("doi") for ref in citation["references"]}
    for row in studies.itertuples(index=False):
        assert dois[row.title_zh] == (None if str(row.doi) == "<NA>" else row.doi)


def test_citation_cff_validates_with_cffconvert():
    assert metadata.citation_problems() == []


def test_codemeta_is_a_fresh_generation_from_citation_cff():
    committed = (REPO / "codemeta.json").read_text(encoding="utf-8")
    assert committed == metadata.codemeta(), "codemeta.json is stale: run make metadata"


def test_an_invalid_citation_file_is_named_in_a_sentence(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text("cff-version: 1.2.0\ntitle: x\n", encoding="utf-8")  # no message, no authors
    problems = metadata.citation_problems(broken)
    assert len(problems) == 1 and problems[0].startswith("CITATION.cff does not validate")
