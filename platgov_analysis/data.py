"""Load, validate and quote-check the evidence base in ``data/``.

``data/datapackage.json`` is the single source of truth: fields, types, enums, keys, foreign
keys and the row rules (``rowConstraints``) are all declared there and checked by the
``frictionless`` library. This module only turns the library's findings into one plain
sentence per problem, naming the file, the row as a spreadsheet shows it (header = row 1), the
field, the value and the rule broken.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DESCRIPTOR = "datapackage.json"

# pandas dtypes for the Table Schema types we use: nullable, so "unknown" (an empty cell)
# stays missing instead of becoming 0 or NaN-as-float.
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64"}
TYPE_WORDS = {"integer": "a whole number", "number": "a number", "date": "an ISO date (YYYY-MM-DD)"}


class DataValidationError(Exception):
    """The data in ``data/`` break the schema; ``problems`` holds one sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (or row, or file) of the data package."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f", field {self.field}"
        if self.value is None:
            return f"{where}: {self.rule}"
        return f'{where}: "{self.value}" {self.rule}'


def _display(path: Path) -> str:
    """A path as the researcher typed it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if Path.cwd() in path.resolve().parents else str(path)
    except ValueError:
        return str(path)


def read_descriptor(data_dir: Path | str | None = None) -> dict:
    """The data package descriptor as a dict."""
    path = Path(data_dir or DATA_DIR) / DESCRIPTOR
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError([f"{_display(path)}: file is missing (the schema of the data package)"]) from None
    except json.JSONDecodeError as err:
        raise DataValidationError([f"{_display(path)} line {err.lineno}: not valid JSON ({err.msg})"]) from None


def _csv_structure_problems(path: Path, fields: list[str]) -> list[Problem]:
    """Problems that stop a CSV from parsing into rows: header, quotes, column counts.

    Checked before the content because a wrong header or a stray quote shifts every later
    cell and would otherwise surface as dozens of misleading content errors. Rows are counted
    as lines, which is what a spreadsheet shows: the data never contain line breaks in a cell.
    """
    shown = _display(path)
    problems = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        start = 1  # line on which the record being read starts
        try:
            header = next(reader, None)
            if header is None:
                return [Problem(shown, 1, None, None, "is empty: the header row is missing")]
            if header != fields:
                for column in header:
                    if column not in fields:
                        problems.append(Problem(shown, 1, column, None,
                                                "is not a column declared for this table in datapackage.json"))
                for column in fields:
                    if column not in header:
                        problems.append(Problem(shown, 1, column, None, "is a declared column missing from the header"))
                if not problems:
                    problems.append(Problem(shown, 1, None, None,
                                            f"the columns are out of order; expected: {', '.join(fields)}"))
                return problems  # rows cannot be read against a wrong header
            start = reader.line_num + 1
            for cells in reader:
                broken = next((i for i, cell in enumerate(cells) if "\n" in cell or "\r" in cell), None)
                if broken is not None:
                    problems.append(Problem(shown, start, _column(fields, broken), None,
                                            "a line break inside the cell: an unbalanced double quote probably opens here"))
                elif not cells:
                    problems.append(Problem(shown, start, None, None, "is an empty line: delete it"))
                elif len(cells) != len(fields):
                    problems.append(Problem(shown, start, None, None, f"has {len(cells)} cells but the header has "
                                            f"{len(fields)} columns (check commas and quotes)"))
                start = reader.line_num + 1
        except csv.Error as err:
            handle.seek(0)
            line = handle.read().splitlines()[start - 1]
            opened = len(next(csv.reader([line]))) - 1  # the unclosed cell swallows the rest of its line
            problems.append(Problem(shown, start, _column(fields, opened), None,
                                    f"is not valid CSV ({err}): an unbalanced double quote probably opens here"))
        except UnicodeDecodeError:
            problems.append(Problem(shown, None, None, None, "is not UTF-8 text"))
    return problems


def _column(fields: list[str], index: int) -> str | None:
    return fields[index] if index < len(fields) else None


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _sentence(error, resource, shown: str, rules: dict[str, str]) -> Problem:
    """Turn one frictionless error into a Problem."""
    kind = error.type
    row = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "") or ""
    if kind == "constraint-error":
        constraint = re.search(r'constraint "(\w+)" is "(.*)"', note)
        name, limit = constraint.groups() if constraint else ("", note)
        if name == "required":
            return Problem(shown, row, field, None, "is required but empty")
        if name == "enum":
            allowed = ", ".join(resource.schema.get_field(field).constraints["enum"])
            return Problem(shown, row, field, cell, f"is not one of the allowed values: {allowed}")
        if name == "pattern":
            return Problem(shown, row, field, cell, f"does not have the required form (pattern {limit})")
        if name in ("minLength", "maxLength", "minimum", "maximum"):
            words = {"minLength": "is shorter than", "maxLength": "is longer than",
                     "minimum": "is less than", "maximum": "is more than"}
            unit = " characters" if "Length" in name else ""
            return Problem(shown, row, field, cell, f"{words[name]} {limit}{unit}")
        return Problem(shown, row, field, cell, f"breaks the {name} rule ({limit})")
    if kind == "type-error":
        ftype = resource.schema.get_field(field).type
        return Problem(shown, row, field, cell, f"is not {TYPE_WORDS.get(ftype, 'of type ' + ftype)}")
    if kind == "primary-key":
        pk = resource.schema.primary_key
        names = resource.schema.field_names
        values = ", ".join(str(error.cells[names.index(k)]) for k in pk if names.index(k) < len(error.cells))
        first = re.search(r"position \"?(\d+)", note)
        again = f" (first used in row {first.group(1)})" if first else ""
        return Problem(shown, row, ", ".join(pk), values, f"repeats a primary key already in the table{again}")
    if kind == "foreign-key":
        fields = ", ".join(error.field_names)
        shown_cells = ", ".join("" if c is None else str(c) for c in error.field_cells)
        target = next(fk for fk in resource.schema.foreign_keys if fk["fields"] == error.field_names
                      or [fk["fields"]] == error.field_names)
        ref = target["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], str) else ", ".join(ref["fields"])
        ref_file = f"{ref['resource'] or resource.name}.csv"
        ref_path = _display(Path(resource.basepath or ".") / ref_file)
        if len(error.field_names) == 2 and error.field_names[0] == "study_id":
            # evidence is looked up within the row's own study, so a quote of another study fails too
            study, value = error.field_cells
            return Problem(shown, row, error.field_names[1], value,
                           f"is not {_article(error.field_names[1])} of study {study} in {ref_path}")
        return Problem(shown, row, fields, shown_cells, f"is not {_article(ref_fields)} in {ref_path}")
    if kind == "row-constraint":
        formula = re.search(r'conform is "(.*)"', note)
        formula = formula.group(1) if formula else ""
        names = resource.schema.field_names
        used = [n for n in names if re.search(rf"\b{n}\b", formula)]
        values = ", ".join(f"{n} = " + ("empty" if error.cells[names.index(n)] in ("", None)
                                         else f'"{error.cells[names.index(n)]}"') for n in used)
        return Problem(shown, row, None, None, f"{rules.get(formula, note)} ({values})")
    return Problem(shown, row, field, cell, f"{error.message}")


def validate(data_dir: Path | str | None = None) -> list[str]:
    """Check the data package; return one sentence per problem (empty list = valid)."""
    from frictionless import Checklist, Package, checks

    data_dir = Path(data_dir or DATA_DIR)
    descriptor = read_descriptor(data_dir)
    problems: list[Problem] = []
    for res in descriptor["resources"]:
        path = data_dir / res["path"]
        if not path.exists():
            problems.append(Problem(_display(path), None, None, None,
                                    f"file is missing (table {res['name']} is declared in datapackage.json)"))
            continue
        problems += _csv_structure_problems(path, [f["name"] for f in res["schema"]["fields"]])
    if problems:  # content checks only make sense once every file parses into rows
        return [str(p) for p in problems]

    package = Package(descriptor, basepath=str(data_dir))
    for res in descriptor["resources"]:
        resource = package.get_resource(res["name"])
        rules = {r["formula"]: r["message"] for r in res.get("rowConstraints", [])}
        checklist = Checklist(checks=[checks.row_constraint(formula=f) for f in rules])
        report = resource.validate(checklist)
        shown = _display(data_dir / res["path"])
        for task in report.tasks:
            for error in task.errors:
                problems.append(_sentence(error, resource, shown, rules))
    problems += _unlabelled_codes(descriptor, data_dir)
    ordered = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))
    return [str(p) for p in ordered]


def _unlabelled_codes(descriptor: dict, data_dir: Path) -> list[Problem]:
    """Every code an enum field allows needs its labels in the vocabulary table, so that no
    figure or table falls back to showing a raw code."""
    vocabulary = next((r for r in descriptor["resources"] if r["name"] == "vocabulary"), None)
    if vocabulary is None:
        return []
    path = data_dir / vocabulary["path"]
    with open(path, encoding="utf-8", newline="") as handle:
        labelled = {(row["field"], row["code"]) for row in csv.DictReader(handle)}
    return [Problem(_display(path), None, "code", code, f"is allowed for field {field['name']} in datapackage.json "
                    f"but has no labels here: add a row {field['name']},{code},<English>,<中文>")
            for res in descriptor["resources"] for field in res["schema"]["fields"]
            for code in field.get("constraints", {}).get("enum", []) if (field["name"], code) not in labelled]


def folder_digest(folder: Path | str | None = None, pattern: str = "*") -> str:
    """SHA-256 over the relative names and bytes of the files in a folder (default: data/)."""
    folder = Path(folder or DATA_DIR)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def validate_once(data_dir: Path | str | None = None) -> list[str]:
    """:func:`validate`, remembered by content hash: bytes that passed once (under this same
    validation code) need no second 3-second check, which every build and notebook run makes."""
    data_dir = Path(data_dir or DATA_DIR)
    key = hashlib.sha256((folder_digest(data_dir) + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()).encode())
    stamp = REPO_ROOT / ".build" / "validated" / key.hexdigest()
    if stamp.exists():
        return []
    problems = validate(data_dir)
    if not problems:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    return problems


def load_tables(data_dir: Path | str | None = None, check: bool = True) -> dict[str, pd.DataFrame]:
    """All tables of the data package as DataFrames with stable nullable dtypes.

    Raises DataValidationError when ``check`` is on and the data break the schema, so an
    analysis never runs on data that did not validate.
    """
    data_dir = Path(data_dir or DATA_DIR)
    if check:
        problems = validate_once(data_dir)
        if problems:
            raise DataValidationError(problems)
    tables = {}
    for res in read_descriptor(data_dir)["resources"]:
        fields = res["schema"]["fields"]
        dtypes = {f["name"]: PANDAS_DTYPES.get(f["type"], "string") for f in fields}
        tables[res["name"]] = pd.read_csv(data_dir / res["path"], dtype=dtypes, keep_default_na=False,
                                          na_values=[""], encoding="utf-8")
    return tables


def fold_whitespace(text: str) -> str:
    """Drop all white space: the only difference a verbatim quote may have from its source."""
    return re.sub(r"\s+", "", text)


def verify_quotes(tables: dict[str, pd.DataFrame], sources_dir: Path | str) -> list[str]:
    """Check every evidence quote occurs verbatim in its study's source text.

    Source texts are found through ``studies.seed_file``; they are never copied into the repo.
    Returns one sentence per miss (empty list = every quote found).
    """
    sources_dir = Path(sources_dir)
    seeds = dict(zip(tables["studies"]["study_id"], tables["studies"]["seed_file"]))
    texts: dict[str, str | None] = {}
    problems = []
    for study_id, seed in seeds.items():
        path = sources_dir / seed
        texts[study_id] = fold_whitespace(path.read_text(encoding="utf-8")) if path.exists() else None
        if texts[study_id] is None:
            problems.append(f"{_display(path)}: source text of study {study_id} not found (studies.seed_file)")
    for row in tables["evidence"].itertuples(index=False):
        text = texts.get(row.study_id)
        if text is not None and fold_whitespace(row.quote) not in text:
            problems.append(f'evidence {row.evidence_id} (study {row.study_id}): quote not found in '
                            f'{seeds[row.study_id]}: "{row.quote}"')
    return problems
