"""Bad input gives exit code 2 and one plain sentence per problem, never a traceback.

Each test edits a copy of ``data/`` the way a researcher would (a text edit of one line of one
CSV file), runs ``python -m platgov_analysis validate --data <copy>`` in a subprocess and checks
that the output has a sentence naming the file, the row as a spreadsheet shows it (header =
row 1), the field, the bad value and the rule.

Speed: a validating subprocess costs ~5 s (most of it importing frictionless' dependencies), so
all subprocesses of this module are started together by the ``runs`` fixture and the tests
only wait for their own. The content errors (which the validator reports all at once) are
applied to one shared copy, one edit per table/row, and checked one sentence per edit, plus a
check that the edits together give exactly one sentence each (no cascades). Structural errors
(header, quotes, column counts, missing files) stop validation before the content checks, so
each gets its own copy; they cost ~1 s each.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from platgov_analysis import data

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SEEDS = REPO.parent / "shared" / "seeds"
SUMMARY_SUFFIX = "problem(s): the data package does not validate."


# ---------------------------------------------------------------------------------------------
# helpers


def copy_data(dest: Path) -> Path:
    shutil.copytree(DATA, dest)
    return dest


def edit_line(path: Path, row: int, old: str, new: str) -> None:
    """Replace ``old`` (which must occur exactly once) by ``new`` in spreadsheet row ``row``."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    line = lines[row - 1]
    assert line.count(old) == 1, f"{path.name} row {row}: expected {old!r} once in {line!r}"
    lines[row - 1] = line.replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


def cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "platgov_analysis", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


@dataclass
class Run:
    process: subprocess.Popen
    _result: tuple[int, str, str] | None = field(default=None, init=False)

    def result(self) -> tuple[int, str, str]:
        if self._result is None:
            out, err = self.process.communicate(timeout=180)
            self._result = (self.process.returncode, out, err)
        return self._result

    @property
    def code(self) -> int:
        return self.result()[0]

    @property
    def output(self) -> str:
        return self.result()[1] + self.result()[2]

    @property
    def problems(self) -> list[str]:
        """The problem sentences: every printed line but the closing summary line."""
        return [line for line in self.result()[1].splitlines()
                if line.strip() and not line.endswith(SUMMARY_SUFFIX)
                and not line.startswith("The data package does not validate")]


def sentence_with(run: Run, *parts: str) -> str:
    """The one output line that contains all ``parts``; fails with the whole output otherwise."""
    hits = [line for line in run.problems if all(part in line for part in parts)]
    assert len(hits) == 1, f"expected one sentence containing {parts}, got {len(hits)} in:\n{run.output}"
    return hits[0]


def assert_bad_input(run: Run) -> None:
    assert "Traceback" not in run.output, run.output
    assert run.code == 2, f"exit code {run.code}, expected 2 (bad input):\n{run.output}"


# ---------------------------------------------------------------------------------------------
# the content errors, all applied to one copy (one edit per table and row)


@dataclass(frozen=True)
class Edit:
    id: str
    file: str
    row: int
    old: str
    new: str
    expect: tuple[str, ...]  # stable parts of the sentence besides the file name and "row N"


CONTENT_EDITS = [
    Edit("unknown-foreign-key", "relations.csv", 5,
         "song2026.j-psb-tech-enterprises,,song2026.j-psb-big-data-platform,co_develops",
         "song2026.j-psb-tech-enterprises,nobody,,co_develops",
         ("field target_actor_id", '"nobody"', "actor_id", "actors.csv")),
    Edit("evidence-of-another-study", "relations.csv", 10, ",song2026-e046,", ",wu2022-e023,",
         ("field evidence_id", '"wu2022-e023"', "study song2026", "evidence.csv")),
    Edit("duplicate-primary-key", "indicators.csv", 3, "song2026-i002,", "song2026-i001,",
         ("field indicator_id", '"song2026-i001"', "primary key", "row 2")),
    Edit("value-outside-enum", "actors.csv", 3, ",department,", ",company,",
         ("field actor_type", '"company"', "allowed values", "enterprise")),
    Edit("missing-required-value", "evidence.csv", 6, ",三、研究方法与资料来源,", ",,",
         ("field location", "required", "empty")),
    Edit("text-in-integer-field", "cases.csv", 7, ",122,○,", ",2小时02分,○,",
         ("field site_interview_minutes", '"2小时02分"', "whole number")),
    Edit("text-in-number-field", "indicators.csv", 5, ",131,,minute,", ",about 131,,minute,",
         ("field value", '"about 131"', "a number")),
    Edit("date-not-iso", "events.csv", 4, ",2021-07-20,", ",20.07.2021,",
         ("field date", '"20.07.2021"', "required form", "pattern")),
    Edit("row-rule-coders-differ", "case_conditions.csv", 2,
         "LEAD,unknown,unknown,unknown,", "LEAD,unknown,1,unknown,",
         ("resolution_note", "codings differ")),
]


# ---------------------------------------------------------------------------------------------
# structural errors, one copy each


def unbalanced_quote_same_line(d: Path) -> None:
    # an opening quote typed before a cell; the row's next quote (same line) ends it too early
    edit_line(d / "relations.csv", 6, ",song2026.j-psb-big-data-platform,\"Some",
              ",\"song2026.j-psb-big-data-platform,\"Some")


def unbalanced_quote_running_on(d: Path) -> None:
    # an opening quote that is never closed on its line: the cell runs on into row 6
    edit_line(d / "relations.csv", 5, ",Eight benchmarked", ",\"Eight benchmarked")


def wrong_column_count(d: Path) -> None:
    # a comma typed inside an unquoted cell splits it in two
    edit_line(d / "relations.csv", 5, "own part without", "own part, without")


def missing_table(d: Path) -> None:
    (d / "flows.csv").unlink()


def missing_descriptor(d: Path) -> None:
    (d / "datapackage.json").unlink()


def unknown_column_header_only(d: Path) -> None:
    edit_line(d / "studies.csv", 1, ",note\n", ",note,url\n")


def unknown_column_spreadsheet_style(d: Path) -> None:
    # a spreadsheet that gains a column writes the header and an (empty) cell in every row
    path = d / "studies.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",url"] + [line + "," for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def blank_line(d: Path) -> None:
    edit_line(d / "events.csv", 3, "\n", "\n\n")


def unlabelled_code(d: Path) -> None:
    # a code the schema allows loses its labels: figures would show the raw code
    path = d / "vocabulary.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("tone,neutral,")), encoding="utf-8")


STRUCTURAL = {
    "blank-line": blank_line,
    "unlabelled-code": unlabelled_code,
    "unbalanced-quote-same-line": unbalanced_quote_same_line,
    "unbalanced-quote-running-on": unbalanced_quote_running_on,
    "wrong-column-count": wrong_column_count,
    "missing-table": missing_table,
    "missing-descriptor": missing_descriptor,
    "unknown-column-spreadsheet": unknown_column_spreadsheet_style,
    "unknown-column-header": unknown_column_header_only,
}

ALTERED_QUOTE = ("song2026-e001", "平台治理何以失效:基于政府与数字平台企业的实证研究",
                 "平台治理为何失效:基于政府与数字平台企业的实证研究")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every CLI run of this module at once; tests wait only for their own."""
    base = tmp_path_factory.mktemp("validation")
    started: dict[str, Run] = {}

    started["shipped"] = Run(cli("validate", "--data", str(DATA)))

    content = copy_data(base / "content" / "data")
    for edit in CONTENT_EDITS:
        edit_line(content / edit.file, edit.row, edit.old, edit.new)
    started["content"] = Run(cli("validate", "--data", str(content)))

    for name, breaker in STRUCTURAL.items():
        copy = copy_data(base / name / "data")
        breaker(copy)
        started[name] = Run(cli("validate", "--data", str(copy)))

    if SEEDS.is_dir():
        copy = copy_data(base / "quote" / "data")
        evidence_id, quote, altered = ALTERED_QUOTE
        edit_line(copy / "evidence.csv", 2, f"{evidence_id},song2026,{quote},", f"{evidence_id},song2026,{altered},")
        sources = base / "quote" / "sources"
        sources.mkdir()
        for seed in SEEDS.glob("*.txt"):
            shutil.copy(seed, sources / seed.name)
        started["quote"] = Run(cli("verify-quotes", "--data", str(copy), "--sources", str(sources)))

    yield started
    for run in started.values():
        if run.process.poll() is None:
            run.process.kill()
            run.process.communicate()


# ---------------------------------------------------------------------------------------------
# the shipped data


def test_shipped_data_validates(runs):
    run = runs["shipped"]
    assert "Traceback" not in run.output, run.output
    assert run.code == 0, run.output
    assert "data package valid" in run.output


def test_load_tables_gives_nullable_dtypes():
    tables = data.load_tables(DATA, check=False)  # validity: test_shipped_data_validates
    descriptor = data.read_descriptor(DATA)
    expected_dtype = {"string": "string", "integer": "Int64", "number": "Float64"}
    assert set(tables) == {res["name"] for res in descriptor["resources"]}
    for res in descriptor["resources"]:
        frame = tables[res["name"]]
        assert list(frame.columns) == [f["name"] for f in res["schema"]["fields"]], res["name"]
        for fld in res["schema"]["fields"]:
            assert str(frame[fld["name"]].dtype) == expected_dtype[fld["type"]], (res["name"], fld["name"])
    # an empty cell stays missing (pd.NA), in string and integer columns alike
    cases = tables["cases"].set_index("case_id")
    assert cases.loc["song2026.j-intelligence-command", "site_interview_minutes"] == 603
    assert cases["site_interview_minutes"].isna().any()
    assert cases["outcome_symbol"].isna().any()
    assert not (tables["evidence"]["note"] == "").any()


# ---------------------------------------------------------------------------------------------
# content errors


@pytest.mark.parametrize("edit", CONTENT_EDITS, ids=[e.id for e in CONTENT_EDITS])
def test_content_error_is_one_sentence(runs, edit):
    run = runs["content"]
    assert_bad_input(run)
    sentence = sentence_with(run, f"{edit.file} row {edit.row}", *edit.expect)
    assert sentence.count("\n") == 0


def test_content_errors_do_not_cascade(runs):
    """One sentence per edit: no edit drags follow-on errors into other rows or tables."""
    run = runs["content"]
    assert_bad_input(run)
    assert len(run.problems) == len(CONTENT_EDITS), run.output


# ---------------------------------------------------------------------------------------------
# structural errors


# each structural error: the stable parts of its one sentence
STRUCTURAL_SENTENCES = {
    "unlabelled-code": ("vocabulary.csv", 'field code: "neutral"', "field tone", "no labels", "tone,neutral,"),
    "unbalanced-quote-same-line": ("relations.csv row 6", "not valid CSV", "double quote"),
    # the quote opens in row 5 and runs on: the sentence names the row where it opens
    "unbalanced-quote-running-on": ("relations.csv row 5", "double quote"),
    "wrong-column-count": ("relations.csv row 5", "12 cells", "11 columns"),
    "missing-table": ("flows.csv", "file is missing", "table flows", "datapackage.json"),
    "missing-descriptor": ("datapackage.json", "file is missing"),
    "unknown-column-header": ("studies.csv row 1", "field url", "not a column declared"),
    # a spreadsheet adds the column to the header and every row: still named, once
    "unknown-column-spreadsheet": ("studies.csv row 1", "field url", "not a column declared"),
    "blank-line": ("events.csv row 4", "empty line"),  # an extra newline after row 3
}


@pytest.mark.parametrize("name", STRUCTURAL_SENTENCES)
def test_structural_error_is_one_sentence(runs, name):
    run = runs[name]
    assert_bad_input(run)
    sentence_with(run, *STRUCTURAL_SENTENCES[name])
    assert len(run.problems) == 1, run.output


# ---------------------------------------------------------------------------------------------
# quotes against the source texts


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source texts not found at {SEEDS}")
def test_altered_quote_is_reported(runs):
    run = runs["quote"]
    assert_bad_input(run)
    evidence_id, _, altered = ALTERED_QUOTE
    sentence_with(run, f"evidence {evidence_id}", "study song2026", "not found", "000_35f499b336f4d41b.txt",
                  f'"{altered}"')
    assert len([line for line in run.output.splitlines() if line.startswith("evidence ")]) == 1, run.output
    assert "1 of " in run.output


def test_validate_once_remembers_only_valid_bytes(tmp_path, monkeypatch):
    calls = []

    def validate(data_dir):
        calls.append(data_dir)
        return [] if data_dir.name == "good" else ["a problem"]

    monkeypatch.setattr(data, "validate", validate)
    monkeypatch.setattr(data, "REPO_ROOT", tmp_path)  # stamps go to tmp_path/.build/validated
    good, bad = copy_data(tmp_path / "good"), copy_data(tmp_path / "bad")
    edit_line(bad / "events.csv", 3, "\n", "\n\n")
    assert data.validate_once(good) == [] and data.validate_once(good) == []
    assert len(calls) == 1  # the second call trusted the stamp
    assert data.validate_once(bad) == ["a problem"] and data.validate_once(bad) == ["a problem"]
    assert len(calls) == 3  # a failure is never remembered
    edit_line(good / "events.csv", 3, "\n", " \n")  # new bytes: validated again
    data.validate_once(good)
    assert len(calls) == 4
