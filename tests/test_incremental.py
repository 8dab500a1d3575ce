"""Incremental rebuilds equal clean ones: each run reruns only when what it read changed.

A small project (three studies of the data) whose notebooks read the data the ways the real
ones do (one study's rows, whole tables, a data file by path) and import package modules. For each single edit (one per
table, one per study, a comment in a module) the incrementally rebuilt report must be
byte-identical to a clean build of the same inputs, and only the runs that read the edit rerun.
"""
from __future__ import annotations

import csv
import shutil

import pytest

from platgov_analysis import build as b
from platgov_analysis.build import cache
from tiny_project import build_quietly, small_data, write_notebook

STUDIES = ["wu2022", "chen2021"]
PARAMETERS = "study_id = 'wu2022'\ndata_dir = '.'\nout_dir = '.'"
WRITE = ("from pathlib import Path\n"
         "for name in {names}:\n"
         "    Path(out_dir, name + '.csv').write_text(tables[name].to_csv(index=False), encoding='utf-8')")
NOTEBOOKS = {
    # one study's rows of the study tables, and the shared tables it joins to
    "study.ipynb": [PARAMETERS, "from platgov_analysis import data\n"
                    "tables = data.load_tables(data_dir, check=False, study=study_id)",
                    WRITE.format(names=["evidence", "relations", "cases", "actors", "vocabulary"])],
    # whole tables, and a module of the package
    "cross.ipynb": [PARAMETERS, "from platgov_analysis import data, labels\n"
                    "tables = data.load_tables(data_dir, check=False)",
                    WRITE.format(names=["case_conditions", "crosswalk", "studies"]) + "\n"
                    "Path(out_dir, 'labels.txt').write_text(str(labels.code_labels(tables['vocabulary'], "
                    "'outcome_category', 'en')), encoding='utf-8')"],
    # a data file read by path: the recording cannot tell which rows matter, so all the data do
    "path.ipynb": [PARAMETERS, "from pathlib import Path\n"
                   "Path(out_dir, 'copy.csv').write_bytes(Path(data_dir, 'references.csv').read_bytes())"],
}
# a free-text cell of each table, whose edit keeps the data valid
EDITED_COLUMN = {"studies": "note", "evidence": "note", "codebook": "definition_en", "crosswalk": "rationale_en",
                 "condition_expectations": "rationale_en", "cases": "note", "actors": "note", "relations": "note",
                 "indicators": "note", "events": "note", "flows": "label_en", "references": "title",
                 "case_conditions": "rationale_en", "vocabulary": "label_en", "citations": None}
STUDY_READS = {"evidence", "relations", "cases", "actors", "vocabulary"}  # by study.ipynb, one study's rows
WHOLE_READS = {"case_conditions", "crosswalk", "studies", "vocabulary"}  # by cross.ipynb


def readers(path) -> set[str]:
    """The runs an edit of the first row of the table at ``path`` must rerun."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        study = next(csv.DictReader(handle)).get("study_id")
    runs = {"p"} | ({"c"} if path.stem in WHOLE_READS else set())  # p reads a data file by path: all data
    if path.stem in STUDY_READS:
        runs |= {f"s/{s}" for s in STUDIES if study in (None, s)}  # a shared table (no study_id): both
    return runs


@pytest.fixture
def project(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name, cells in NOTEBOOKS.items():
        write_notebook(notebooks / name, cells)
    data_dir = small_data(tmp_path / "data")
    (notebooks / "runs.yaml").write_text(
        f"runs:\n  - notebook: study.ipynb\n    output: s/{{study_id}}\n    parameters:\n      data_dir: {data_dir}\n"
        f"    matrix:\n      study_id: [{', '.join(STUDIES)}]\n"
        f"  - notebook: cross.ipynb\n    output: c\n    parameters:\n      data_dir: {data_dir}\n"
        f"  - notebook: path.ipynb\n    output: p\n    parameters:\n      data_dir: {data_dir}\n", encoding="utf-8")
    return b.Paths(runs_file=notebooks / "runs.yaml", data_dir=data_dir, reports_dir=tmp_path / "reports",
                   work_dir=tmp_path / "work")


def rebuilt(log: str) -> set[str]:
    return {line.split("ok    ")[1].split(" (")[0] for line in log.splitlines() if "ok    " in line}


def report_hashes(paths: b.Paths) -> dict[str, str]:
    """Every published file, index.html included: the report carries no build status."""
    return b.tree_hashes(paths.reports_dir)


def build(paths: b.Paths) -> tuple[int, str]:
    """Fresh kernels: these notebooks are too light for a warm-up to pay (test_kernels.py shows
    a warm kernel records the same)."""
    return build_quietly(paths, jobs=2, warm_kernels=False)


def assert_incremental_equals_clean(project, tmp_path, step: str) -> set[str]:
    code, log = build(project)
    assert code == 0, log
    clean = b.Paths(project.runs_file, project.data_dir, tmp_path / step / "reports", tmp_path / step / "work")
    code, clean_log = build(clean)
    assert code == 0, clean_log
    assert report_hashes(project) == report_hashes(clean), step
    shutil.rmtree(tmp_path / step)
    return rebuilt(log)


def test_single_edits_rerun_only_their_readers_and_equal_a_clean_build(project, tmp_path):
    assert build(project)[0] == 0
    for table, column in EDITED_COLUMN.items():
        path = project.data_dir / f"{table}.csv"
        expected = readers(path)
        if column is None:  # no free text: drop the first row (a citation is nothing else's key)
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
        else:
            b.edit_note(path, column=column, text=" (edited)")
        assert assert_incremental_equals_clean(project, tmp_path, table) == expected, table
    for study in STUDIES:
        b.edit_note(project.data_dir / "relations.csv", study=study, text=f" ({study} edited)")
        assert assert_incremental_equals_clean(project, tmp_path, study) == {f"s/{study}", "p"}, study


def test_a_comment_or_docstring_in_a_module_reruns_nothing(project):
    module = cache.module_file("platgov_analysis.labels")
    source = module.read_text(encoding="utf-8")
    edited = source.replace('"""', '"""An edited docstring. ', 1) + "\n# a comment\n"
    assert cache.syntax_digest(edited) == cache.syntax_digest(source) != cache.syntax_digest(source + "X = 1\n")
    assert build(project)[0] == 0
    try:
        module.write_text(edited, encoding="utf-8")
        code, log = build(project)
    finally:
        module.write_text(source, encoding="utf-8")
    assert code == 0 and "up to date" in log, log
