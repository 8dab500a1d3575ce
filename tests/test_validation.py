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

import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from platgov_analysis import data
from platgov_analysis.data import load, slips, validation

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


def edit_cell(path: Path, field_name: str, new: Callable[[dict], str], pick: Callable[[dict], bool],
              taken: set[int]) -> tuple[int, dict]:
    """Set ``field_name`` in the first row that ``pick`` accepts and whose spreadsheet row is not
    in ``taken``; return that row and its original cells. Only that line changes."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    for number, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, next(csv.reader([line]))))
        if number not in taken and pick(row):
            out = io.StringIO()
            csv.writer(out, lineterminator=line[len(line.rstrip("\r\n")):]).writerow(
                [new(row) if name == field_name else row[name] for name in header])
            lines[number - 1] = out.getvalue()
            path.write_text("".join(lines), encoding="utf-8")
            return number, row
    raise AssertionError(f"{path.name}: no row left for an edit of {field_name}")


def cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "platgov_analysis", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


@dataclass
class Run:
    process: subprocess.Popen
    rows: dict[str, tuple[int, dict]] = field(default_factory=dict)  # the row each cell edit changed
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
         ("field date", '"20.07.2021"', "is not a date written YYYY, YYYY-MM or YYYY-MM-DD")),
]



@dataclass(frozen=True)
class CellEdit:
    """A researcher's slip in one cell of the first row ``pick`` accepts (any row, so that the
    edit survives changes of the data); ``expect`` may name the row's cells as {field}."""

    id: str
    file: str
    field: str
    new: Callable[[dict], str]
    expect: tuple[str, ...]
    pick: Callable[[dict], bool] = lambda row: True


def number(text: str) -> float:
    return float(text) if text else 0.0


def is_day(row: dict) -> bool:
    return len(row["date"]) == 10 and not row["date_end"]


FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

CELL_EDITS = [
    # the tables being recoded are edited by cell, wherever their rows move
    CellEdit("unknown-foreign-key", "relations.csv", "target_actor_id", lambda r: "nobody",
             ("field target_actor_id", '"nobody"', "actor_id", "actors.csv"), lambda r: bool(r["target_actor_id"])),
    CellEdit("evidence-of-another-study", "relations.csv", "evidence_id", lambda r: "wu2022-e023",
             ("field evidence_id", '"wu2022-e023"', "study song2026", "evidence.csv"), lambda r: r["study_id"] == "song2026"),
    CellEdit("row-rule-coders-differ", "case_conditions.csv", "coder_a", lambda r: "0" if r["coder_b"] != "0" else "1",
             ("resolution_note", "codings differ"), lambda r: r["coder_a"] == r["coder_b"] and not r["resolution_note"]),
    # the rules datapackage.json and our checks add
    CellEdit("impossible-day", "events.csv", "date", lambda r: "2020-02-30",
             ("field date", '"2020-02-30"', "not in the calendar", "February 2020 has 29 days"), is_day),
    CellEdit("impossible-month", "indicators.csv", "as_of", lambda r: "2020-13",
             ("field as_of", '"2020-13"', "months run from 01 to 12"), lambda r: bool(r["as_of"])),
    CellEdit("date-end-before-date", "events.csv", "date_end", lambda r: "1999",
             ("date_end must not be earlier than date", 'date = "{date}"', 'date_end = "1999"'),
             lambda r: bool(r["date_end"])),
    CellEdit("value-max-below-value", "indicators.csv", "value_max", lambda r: "0.5",
             ("value_max is below value", 'value = "{value}"', 'value_max = "0.5"'),
             lambda r: number(r["value"]) >= 1 and not r["value_max"]),
    CellEdit("self-tie", "relations.csv", "target_actor_id", lambda r: r["source_id"],
             ("from an actor to itself", 'source_id = "{source_id}"'), lambda r: bool(r["target_actor_id"])),
    # the slips of typing into a spreadsheet
    CellEdit("trailing-space", "events.csv", "case_id", lambda r: r["case_id"] + " ",
             ("field case_id", '"{case_id} "', "has a trailing space"), lambda r: bool(r["case_id"])),
    CellEdit("id-differing-in-case", "events.csv", "case_id", lambda r: r["case_id"].upper(),
             ("field case_id", "is not a case_id", "cases.csv", 'case-sensitive: there is "{case_id}"'),
             lambda r: bool(r["case_id"])),
    CellEdit("full-width-space-in-id", "indicators.csv", "case_id", lambda r: r["case_id"].replace(".", "\u3000.", 1),
             ("field case_id", "full-width space"), lambda r: bool(r["case_id"])),
    CellEdit("full-width-comma-in-id", "citations.csv", "reference_id", lambda r: r["reference_id"].replace("-", "，", 1),
             ("field reference_id", 'full-width characters ("，")', "retype them in ASCII"), lambda r: "-" in r["reference_id"]),
    CellEdit("non-breaking-space", "actors.csv", "sector", lambda r: r["sector"] + "\u00a0",
             ("field sector", "non-breaking space (U+00A0)")),
    CellEdit("zero-width-space", "flows.csv", "evidence_id", lambda r: r["evidence_id"][:4] + "\u200b" + r["evidence_id"][4:],
             ("field evidence_id", "zero-width space (U+200B)")),
    CellEdit("enum-in-wrong-case", "cases.csv", "role", lambda r: r["role"].capitalize(),
             ("field role", "not one of the allowed values", "case-sensitive: write {role}")),
    CellEdit("date-with-slashes", "events.csv", "date", lambda r: r["date"].replace("-", "/"),
             ("field date", "is not a date written YYYY, YYYY-MM or YYYY-MM-DD", "write {date}"), is_day),
    CellEdit("date-in-chinese", "events.csv", "date", lambda r: f"{r['date'][:4]}年{int(r['date'][5:7])}月",
             ("field date", "is not a date written", "write {date}"), lambda r: len(r["date"]) == 7 and not r["date_end"]),
    CellEdit("percent-sign", "indicators.csv", "value", lambda r: r["value"] + "%",
             ("field value", "is not a number", "has a % sign", "write {value}"),
             lambda r: not r["value_max"] and r["qualifier"] != "range"),
    CellEdit("thousands-separators", "indicators.csv", "value", lambda r: f"{int(number(r['value'])):,}",
             ("field value", "thousands separators", "write {value}"),
             lambda r: number(r["value"]) >= 1000 and number(r["value"]).is_integer() and not r["value_max"]),
    CellEdit("excel-scientific-notation", "indicators.csv", "value", lambda r: f"{number(r['value']):.2E}",
             ("field value", "scientific notation", "type it in full"),
             lambda r: number(r["value"]) >= 1e6 and not r["value_max"]),
    CellEdit("full-width-digits", "cases.csv", "site_interview_minutes",
             lambda r: r["site_interview_minutes"].translate(FULL_WIDTH_DIGITS),
             ("field site_interview_minutes", "full-width characters", 'as in "{site_interview_minutes}"'),
             lambda r: bool(r["site_interview_minutes"])),
    CellEdit("missing-value-as-text", "cases.csv", "site_interview_minutes", lambda r: "n/a",
             ("field site_interview_minutes", '"n/a"', "is not a whole number", "leave the cell empty"),
             lambda r: bool(r["site_interview_minutes"])),
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


def folder_instead_of_file(d: Path) -> None:
    (d / "flows.csv").unlink()
    (d / "flows.csv").mkdir()  # e.g. an archive unpacked under the table's name


def saved_in_chinese_excel_encoding(d: Path) -> None:
    path = d / "actors.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))


def saved_as_excel_unicode_text(d: Path) -> None:
    path = d / "actors.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", "\t").encode("utf-16"))


def semicolon_separated(d: Path) -> None:
    # Excel in a locale with decimal commas saves "CSV" with semicolons
    path = d / "studies.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def trailing_empty_columns(d: Path) -> None:
    path = d / "studies.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("".join(line + ",,\n" for line in lines), encoding="utf-8")


def header_with_trailing_space(d: Path) -> None:
    edit_line(d / "studies.csv", 1, ",note\n", ",note \n")


def full_width_comma_separating_cells(d: Path) -> None:
    # typed in a text editor with a Chinese input method: "，" instead of "," between two cells
    path = d / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",", "，", 1)
    path.write_text("".join(lines), encoding="utf-8")


def byte_order_mark(d: Path) -> None:
    path = d / "actors.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Excel's "CSV UTF-8"


def windows_line_ends(d: Path) -> None:
    for path in d.glob("*.csv"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


STRUCTURAL = {
    "folder-instead-of-file": folder_instead_of_file,
    "chinese-excel-encoding": saved_in_chinese_excel_encoding,
    "excel-unicode-text": saved_as_excel_unicode_text,
    "semicolon-separated": semicolon_separated,
    "trailing-empty-columns": trailing_empty_columns,
    "header-trailing-space": header_with_trailing_space,
    "full-width-comma-separating-cells": full_width_comma_separating_cells,
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
    taken: dict[str, set[int]] = {}
    for edit in CONTENT_EDITS:
        edit_line(content / edit.file, edit.row, edit.old, edit.new)
        taken.setdefault(edit.file, set()).add(edit.row)
    rows = {}
    for edit in CELL_EDITS:
        rows[edit.id] = edit_cell(content / edit.file, edit.field, edit.new, edit.pick, taken.setdefault(edit.file, set()))
        taken[edit.file].add(rows[edit.id][0])
    started["content"] = Run(cli("validate", "--data", str(content)), rows)

    for name, breaker in {**STRUCTURAL, **ACCEPTED}.items():
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


@pytest.mark.parametrize("edit", CELL_EDITS, ids=[e.id for e in CELL_EDITS])
def test_cell_slip_is_one_sentence(runs, edit):
    run = runs["content"]
    assert_bad_input(run)
    row, cells = run.rows[edit.id]
    sentence_with(run, f"{edit.file} row {row}", *(part.format_map(cells) for part in edit.expect))


def test_content_errors_do_not_cascade(runs):
    """One sentence per edit: no edit drags follow-on errors into other rows or tables (a slip
    in an id does not add its broken foreign key, a wrong date does not add a row rule)."""
    run = runs["content"]
    assert_bad_input(run)
    assert len(run.problems) == len(CONTENT_EDITS) + len(CELL_EDITS), run.output


# ---------------------------------------------------------------------------------------------
# structural errors


RELATION_FIELDS = next(r["schema"]["fields"] for r in data.read_descriptor(DATA)["resources"] if r["name"] == "relations")

# each structural error: the stable parts of its one sentence
STRUCTURAL_SENTENCES = {
    "unlabelled-code": ("vocabulary.csv", 'field code: "neutral"', "field tone", "no labels", "tone,neutral,"),
    "unbalanced-quote-same-line": ("relations.csv row 6", "not valid CSV", "double quote"),
    # the quote opens in row 5 and runs on: the sentence names the row where it opens
    "unbalanced-quote-running-on": ("relations.csv row 5", "double quote"),
    "wrong-column-count": ("relations.csv row 5", f"{len(RELATION_FIELDS) + 1} cells", f"{len(RELATION_FIELDS)} columns"),
    "missing-table": ("flows.csv", "file is missing", "table flows", "datapackage.json"),
    "missing-descriptor": ("datapackage.json", "file is missing"),
    "unknown-column-header": ("studies.csv row 1", "field url", "not a column declared"),
    # a spreadsheet adds the column to the header and every row: still named, once
    "unknown-column-spreadsheet": ("studies.csv row 1", "field url", "not a column declared"),
    "blank-line": ("events.csv row 4", "empty line"),  # an extra newline after row 3
    "folder-instead-of-file": ("flows.csv", "is a folder, not a file"),
    # the first Chinese cell of the file: row 2, name_zh
    "chinese-excel-encoding": ("actors.csv row 2", "field name_zh", "not UTF-8", "Chinese default encoding (GB18030",
                               "CSV UTF-8"),
    "excel-unicode-text": ("actors.csv", "is UTF-16 text", "Unicode Text", "CSV UTF-8"),
    "semicolon-separated": ("studies.csv row 1", 'separated by ";"', "with commas"),
    "trailing-empty-columns": ("studies.csv row 1", "2 unnamed empty column(s) after note", "delete them"),
    "header-trailing-space": ("studies.csv row 1", "field note", '"note "', "trailing space"),
    "full-width-comma-separating-cells": ("events.csv row 3", "cells but the header has", 'full-width comma "，"'),
}

ACCEPTED = {"byte-order-mark": byte_order_mark, "windows-line-ends": windows_line_ends}


@pytest.mark.parametrize("name", STRUCTURAL_SENTENCES)
def test_structural_error_is_one_sentence(runs, name):
    run = runs[name]
    assert_bad_input(run)
    sentence_with(run, *STRUCTURAL_SENTENCES[name])
    assert len(run.problems) == 1, run.output


@pytest.mark.parametrize("name", ACCEPTED)
def test_excel_byte_order_mark_and_windows_line_ends_are_accepted_transparently(runs, name, tmp_path):
    run = runs[name]
    assert "Traceback" not in run.output, run.output
    assert run.code == 0 and "data package valid" in run.output, run.output
    copy = copy_data(tmp_path / "data")
    ACCEPTED[name](copy)
    original, edited = data.load_tables(DATA, check=False), data.load_tables(copy, check=False)
    for table in original:  # the analyses read the same tables
        pd.testing.assert_frame_equal(edited[table], original[table])


# ---------------------------------------------------------------------------------------------
# the slips behind the sentences


@pytest.mark.parametrize("value, slip", [
    ("2020-02-29", None), ("2021-02-29", "February 2021 has 28 days"), ("1900-02-29", "February 1900 has 28 days"),
    ("2000-02-29", None), ("2020-04-31", "April 2020 has 30 days"), ("2020-00", "months run from 01 to 12"),
    ("2020", None), ("0000", "no year 0"), ("2020/02/30", None),  # the form is the pattern's business
])
def test_calendar_slip_at_every_precision(value, slip):
    found = slips.calendar_slip(value)
    assert found == slip if slip is None else slip in found


@pytest.mark.parametrize("typed, iso", [
    ("2020/02/11", "2020-02-11"), ("2020/2/1", "2020-02-01"), ("2020.2", "2020-02"), ("2020年2月11日", "2020-02-11"),
    ("2020年2月", "2020-02"), ("2020年", "2020"), ("２０２０－０２－１１", "2020-02-11"), ("2020-2-11", "2020-02-11"),
    ("2021/02/29", None), ("Feb-20", None), ("11/02/2020", None),  # no guess where a guess could be wrong
])
def test_date_suggestion(typed, iso):
    assert slips.date_suggestion(typed) == iso


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

    def validate(data_dir, known_valid=frozenset()):
        calls.append((data_dir, known_valid))
        return [] if data_dir.name == "good" else ["a problem"]

    monkeypatch.setattr(validation, "validate", validate)
    monkeypatch.setattr(validation, "REPO_ROOT", tmp_path)  # stamps go to tmp_path/.build/validated
    good, bad = copy_data(tmp_path / "good"), copy_data(tmp_path / "bad")
    edit_line(bad / "events.csv", 3, "\n", "\n\n")
    assert data.validate_once(good) == [] and data.validate_once(good) == []
    assert len(calls) == 1  # the second call trusted the stamps
    assert data.validate_once(bad) == ["a problem"] and data.validate_once(bad) == ["a problem"]
    assert len(calls) == 3  # a failure is never remembered
    edit_line(good / "events.csv", 3, "\n", " \n")  # new bytes: validated again
    data.validate_once(good)
    assert len(calls) == 4
    # only the edited table is checked again: no other table's foreign keys reference events
    tables = {res["name"] for res in data.read_descriptor(good)["resources"]}
    assert calls[-1][1] == tables - {"events"}


def test_validate_once_checks_again_the_tables_that_reference_an_edited_one(tmp_path, monkeypatch):
    """An edit of the evidence table puts every table with a foreign key into it on trial again,
    as a quote id they cite may have gone."""
    calls = []
    monkeypatch.setattr(validation, "validate", lambda data_dir, known_valid=frozenset(): calls.append(known_valid) or [])
    monkeypatch.setattr(validation, "REPO_ROOT", tmp_path)
    good = copy_data(tmp_path / "good")
    data.validate_once(good)
    edit_line(good / "evidence.csv", 3, "\n", " \n")
    data.validate_once(good)
    resources = data.read_descriptor(good)["resources"]
    citing = {res["name"] for res in resources
              if any(fk["reference"]["resource"] == "evidence" for fk in res["schema"].get("foreignKeys", []))}
    assert len(citing) >= 5 and {"relations", "case_conditions"} <= citing
    assert calls[-1] == {res["name"] for res in resources} - citing - {"evidence"}


def test_a_builds_run_leaves_the_check_to_the_build(tmp_path, monkeypatch):
    """A notebook run refuses data that do not validate, except inside a build, which checks them
    itself beside its runs (and publishes nothing unless they pass: test_build's bad-data test)."""
    monkeypatch.setattr(validation, "REPO_ROOT", tmp_path)
    bad = copy_data(tmp_path / "bad")
    edit_line(bad / "events.csv", 3, "\n", "\n\n")
    with pytest.raises(data.DataValidationError):
        data.load_tables(bad)
    monkeypatch.setenv(data.files.CHECKED_BY_BUILD, "1")
    monkeypatch.setattr(validation, "validate", lambda *args, **kwargs: pytest.fail("checked again in the run"))
    assert "events" in data.load_tables(bad)


def test_a_broken_descriptor_is_a_sentence_naming_it(tmp_path):
    """A foreign key without its reference makes frictionless refuse the whole descriptor: the
    check says so in one sentence about datapackage.json instead of a traceback."""
    import json

    broken = copy_data(tmp_path / "broken")
    descriptor = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["schema"].get("foreignKeys"))
    del resource["schema"]["foreignKeys"][0]["reference"]
    (broken / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    problems = data.validate(broken)
    assert len(problems) == 1 and "datapackage.json: is not a valid data package: foreign key" in problems[0]
