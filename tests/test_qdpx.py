"""REFI-QDA export: project.qde and the .qdc validate against the official QDA-XML 1.0 schemas
(tests/fixtures/refi-qda/), the projects read back with an independent reader (pyrefiqda, a
REFI-QDA library generated from those schemas) with every selection's span holding its quote,
rebuilds are byte-identical, the report never ships the full texts, and a new study flows
through with no code change."""
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from pyrefiqda import RefiProject

from platgov_analysis import exports
from platgov_analysis.data import fold_whitespace, load_tables
from platgov_analysis.exports import qdpx

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "tests" / "fixtures" / "refi-qda"
# the source texts beside the clone (as in CI), or where PLATGOV_SOURCES says
SEEDS = Path(os.environ.get("PLATGOV_SOURCES", REPO.parent / "shared" / "seeds"))
needs_texts = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source texts not found in {SEEDS}")


def refi_schema(name: str) -> etree.XMLSchema:
    """An official schema. Codebook.xsd as published was copied out of a typeset document: its
    hyphens are U+2010 and two attributes lack the space before them, so it is not even
    well-formed XML; only those two typographic slips are repaired, nothing else changes."""
    text = (SCHEMAS / name).read_text(encoding="utf-8")
    if name == "Codebook.xsd":
        text = re.sub(r'"(?=[A-Za-z]+=")', '" ', text.replace("\u2010", "-"))
    return etree.XMLSchema(etree.fromstring(text.encode("utf-8")))


@pytest.fixture(scope="module")
def tables():
    return load_tables(check=False)


@pytest.fixture(scope="module")
def built(tables, tmp_path_factory):
    """Both languages' codebooks and shareable projects, and the full-text ones where the
    source texts are available."""
    out = tmp_path_factory.mktemp("qdpx")
    paths = {}
    for lang in ("en", "zh"):
        written, problems = qdpx.export(out, tables, lang, SEEDS if SEEDS.is_dir() else None)
        assert problems == []
        paths.update({p.name: p for p in written})
    return paths


def project_of(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def test_projects_validate_against_the_official_project_schema(built):
    schema = refi_schema("Project.xsd")
    projects = [p for name, p in built.items() if name.endswith(".qdpx")]
    assert len(projects) >= 2
    for path in projects:
        assert schema.validate(project_of(path)), f"{path.name}: {schema.error_log}"


def test_codebooks_validate_against_the_official_codebook_schema(built, tables):
    schema = refi_schema("Codebook.xsd")
    for lang in ("en", "zh"):
        document = etree.parse(str(built[f"platgov-codebook-{lang}.qdc"]))
        assert schema.validate(document), schema.error_log
        codable = document.xpath("//c:Code[@isCodable='true']", namespaces={"c": qdpx.CODEBOOK_NS})
        assert len(codable) == len(tables["codebook"])


def _read_back(path: Path, tmp_path: Path):
    """The project through pyrefiqda, and each source's text as stored in the archive."""
    project = RefiProject.load(path, extract_dir=str(tmp_path / path.stem))
    texts = {}
    for source in project.sources.text_source:
        stored = tmp_path / path.stem / "Sources" / source.plain_text_path.removeprefix("internal://")
        texts[source.guid] = stored.read_bytes()
    return project, texts


def test_shareable_project_round_trips_every_quote_exactly(built, tables, tmp_path):
    project, texts = _read_back(built["platgov-quotes-en.qdpx"], tmp_path)
    quotes = tables["evidence"].set_index("evidence_id")["quote"]
    seen = set()
    for source in project.sources.text_source:
        text = texts[source.guid].decode("utf-8")
        for selection in source.plain_text_selection:
            assert text[selection.start_position:selection.end_position] == quotes[selection.name], selection.name
            seen.add(selection.name)
    assert seen == set(quotes.index)  # one selection per quote, in its study's source
    assert {u.name for u in project.users.user} == {"coder A", "coder B"}


@needs_texts
def test_full_text_project_holds_the_exact_texts_and_finds_every_quote(built, tables, tmp_path):
    project, texts = _read_back(built["platgov-fulltext-en.qdpx"], tmp_path)
    seeds = {(SEEDS / seed).read_bytes() for seed in tables["studies"]["seed_file"]}
    assert set(texts.values()) == seeds  # byte for byte
    quotes = tables["evidence"].set_index("evidence_id")["quote"]
    count = 0
    for source in project.sources.text_source:
        text = texts[source.guid].decode("utf-8")  # offsets are code points of exactly this text
        for selection in source.plain_text_selection:
            span = text[selection.start_position:selection.end_position]
            assert fold_whitespace(span) == fold_whitespace(quotes[selection.name]), selection.name
            assert span == span.strip()
            count += 1
    assert count == len(quotes)


def test_codings_cases_variables_and_notes_follow_the_tables(built, tables, tmp_path):
    project, _ = _read_back(built["platgov-quotes-en.qdpx"], tmp_path)
    codes = {}

    def walk(code_list):
        for code in code_list:
            codes[code.guid] = code
            walk(code.code)

    walk(project.code_book.codes.code)
    by_id = {qdpx.guid("code", c): c for c in tables["codebook"]["code_id"]}
    assert set(by_id) <= set(codes) and all(codes[g].is_codable for g in by_id)
    coded = {}
    for source in project.sources.text_source:
        for selection in source.plain_text_selection:
            for coding in selection.coding:
                coded.setdefault(selection.name, set()).add(coding.code_ref.target_guid)
    evidence = tables["evidence"].dropna(subset=["dimension_id"])
    for row in evidence.itertuples(index=False):
        assert qdpx.guid("code", row.dimension_id) in coded[row.evidence_id]
    cells = tables["case_conditions"]
    for row in cells.dropna(subset=["evidence_id"]).itertuples(index=False):
        assert qdpx.guid("code", row.condition_id) in coded[row.evidence_id]
    focal = tables["cases"][tables["cases"]["role"] == "focal"]
    assert {c.guid for c in project.cases.case} == {qdpx.guid("case", c) for c in focal["case_id"]}
    variables = {v.guid: v.name for v in project.variables.variable}
    assert set(variables.values()) == {"study", "level", "domain", *cells["condition_id"]}
    case = next(c for c in project.cases.case if c.guid == qdpx.guid("case", focal["case_id"].iloc[0]))
    values = {variables[v.variable_ref.target_guid]: v.text_value for v in case.variable_value}
    assert values["study"] == focal["study_id"].iloc[0]
    noted = cells["rationale_en"].notna() | cells["resolution_note"].notna()
    assert len(project.notes.note) == noted.sum() + cells["coder_b_rationale_en"].notna().sum()
    note_guids = {n.guid for n in project.notes.note}
    referenced = {ref.target_guid for s in project.sources.text_source for sel in s.plain_text_selection
                  for coding in sel.coding for ref in coding.note_ref} | {r.target_guid for r in project.note_ref}
    assert referenced == note_guids  # every note is reachable, none dangles


def test_names_follow_the_language(built, tables, tmp_path):
    project, _ = _read_back(built["platgov-quotes-zh.qdpx"], tmp_path)
    names = {c.name for c in project.cases.case}
    focal = tables["cases"][tables["cases"]["role"] == "focal"]
    assert set(focal["name_zh"]) == names


def test_rebuilds_are_byte_identical_and_dateless(tables, tmp_path, built):
    again, _ = qdpx.export(tmp_path, tables, "en", SEEDS if SEEDS.is_dir() else None)
    for path in again:
        assert path.read_bytes() == built[path.name].read_bytes(), path.name
    with zipfile.ZipFile(built["platgov-quotes-en.qdpx"]) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "project.qde" and all(i.date_time == qdpx.ZIP_DATE for i in infos)
    assert [i.filename for i in infos[1:]] == [f"Sources/{qdpx.guid('source', f'quotes:{s}')}.txt"
                                               for s in sorted(tables["studies"]["study_id"])]


def test_full_text_offsets_are_code_points_and_ignore_white_space():
    evidence = pd.DataFrame({"evidence_id": ["x-e1", "x-e2"], "study_id": ["x", "x"],
                             "quote": ["平台治理何以失效", "不在文中"]}).astype("string")
    text = "𠀀标题\n平台治理\n  何以失效。"  # a character outside the BMP first: one code point, two UTF-16 units
    source, missing = qdpx.full_text_source("x", text.encode("utf-8"), evidence)
    start, end = source.spans["x-e1"]
    assert (start, end) == (4, 15) and text[start:end] == "平台治理\n  何以失效"
    assert missing == ["evidence x-e2 (study x): quote not found in the source text, so the full-text project "
                       "has no selection for it"]


@needs_texts
def test_the_report_ships_quotes_only(tables, tmp_path):
    report, private = tmp_path / "report", tmp_path / "private"
    paths, problems = exports.publish(report, sources_dir=SEEDS, fulltext_dir=private)
    assert problems == []
    shipped = list((report / exports.INTERCHANGE_DIR).iterdir())
    assert shipped and not [p for p in shipped if "fulltext" in p.name]
    assert sorted(p.name for p in private.iterdir()) == ["platgov-fulltext-en.qdpx", "platgov-fulltext-zh.qdpx"]
    seeds = [(SEEDS / f).read_bytes() for f in sorted(p.name for p in SEEDS.glob("*.txt"))]
    for path in shipped:
        if path.suffix == ".qdpx":
            with zipfile.ZipFile(path) as archive:
                stored = [archive.read(n) for n in archive.namelist() if n.startswith("Sources/")]
            assert stored and not set(stored) & set(seeds)
            paragraphs = [p for text in stored for p in text.decode("utf-8").split("\n\n") if p]
            quoted = {f"[{r.evidence_id} · {r.location}] {r.quote}" for r in tables["evidence"].itertuples()}
            assert set(paragraphs) == quoted  # every shipped line is one coded quote, nothing more


def test_a_new_study_flows_through_without_code_changes(tables, tmp_path):
    grown = {name: table.copy() for name, table in tables.items()}

    def add(name, **row):
        grown[name] = pd.concat([grown[name], pd.DataFrame([row]).astype(grown[name].dtypes[list(row)].to_dict())],
                                ignore_index=True)

    add("studies", study_id="new2027", seed_file="new.txt", title_zh="新研究", authors_zh="新作者", year=2027,
        title_en="A new study")
    add("codebook", code_id="new2027.dim", scheme="framework", study_id="new2027", label_en="New dimension",
        label_zh="新维度", sort_order=1)
    add("evidence", evidence_id="new2027-e001", study_id="new2027", quote="新平台运行良好", location="一",
        kind="text", dimension_id="new2027.dim")
    add("cases", case_id="new2027.platform", study_id="new2027", name_en="New platform", name_zh="新平台",
        role="focal", admin_level="municipal", domain="other", evidence_id="new2027-e001")
    for condition in tables["case_conditions"]["condition_id"].unique():
        add("case_conditions", case_id="new2027.platform", condition_id=condition, coder_a="unknown",
            coder_b="unknown", value="unknown")
    paths, _ = qdpx.export(tmp_path, grown, "en")
    root = project_of(paths[1])
    ns = {"q": qdpx.PROJECT_NS}
    assert root.xpath("//q:Code[@isCodable='false' and contains(@name, 'new2027')]", namespaces=ns)
    selection = root.xpath("//q:PlainTextSelection[@name='new2027-e001']", namespaces=ns)[0]
    assert selection.xpath("q:Coding/q:CodeRef/@targetGUID", namespaces=ns) == [qdpx.guid("code", "new2027.dim")]
    assert root.xpath(f"//q:Case[@guid='{qdpx.guid('case', 'new2027.platform')}']", namespaces=ns)
    assert refi_schema("Project.xsd").validate(root)


def test_cli_names_missing_source_texts_in_sentences(tmp_path):
    done = subprocess.run([sys.executable, "-m", "platgov_analysis", "export-qdpx", "--out", str(tmp_path / "out"),
                           "--sources", str(tmp_path / "nowhere"), "--lang", "en"],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "source text not found (studies.seed_file)" in done.stdout
    assert not (tmp_path / "out").exists()


def test_the_build_publishes_the_interchange_files_and_links_them(report):
    folder = report / exports.INTERCHANGE_DIR
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["platgov-bibliography.bib", "platgov-bibliography.json", "platgov-bibliography.ris",
                            "platgov-codebook-en.qdc", "platgov-codebook-zh.qdc",
                            "platgov-quotes-en.qdpx", "platgov-quotes-zh.qdpx"])
    index = (report / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{exports.INTERCHANGE_DIR}/{name}"' in index for name in names)
