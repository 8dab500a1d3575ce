"""The whole check of the data package: structure first, then frictionless with our own checks,
one sentence per mistake, remembered by content so that valid bytes are checked once."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from . import load
from .files import DATA_DIR, ENCODING, REPO_ROOT, folder_digest, read_descriptor
from .messages import Problem, display, sentence
from .structure import structure_problems

PACKAGE_DIR = Path(__file__).resolve().parent


class References:
    """The values of referenced columns, read once per validation, for a foreign key's hint."""

    def __init__(self) -> None:
        self._columns: dict[tuple[Path, str], list[str]] = {}

    def column(self, path: Path, name: str) -> list[str]:
        if (path, name) not in self._columns:
            with open(path, encoding=ENCODING, newline="") as handle:
                self._columns[path, name] = [row[name] for row in csv.DictReader(handle)]
        return self._columns[path, name]


def validate(data_dir: Path | str | None = None) -> list[str]:
    """Check the data package; return one sentence per problem (empty list = valid)."""
    from frictionless import Checklist, Package, checks

    from .checks import calendar_dates, typing_slips

    data_dir = Path(data_dir or DATA_DIR)
    descriptor = read_descriptor(data_dir)
    problems: list[Problem] = []
    for res in descriptor["resources"]:
        path = data_dir / res["path"]
        if not path.exists():
            problems.append(Problem(display(path), None, None, None,
                                    f"file is missing (table {res['name']} is declared in datapackage.json)"))
            continue
        problems += structure_problems(path, [f["name"] for f in res["schema"]["fields"]])
    if problems:  # content checks only make sense once every file parses into rows
        return [str(p) for p in problems]

    package = Package(descriptor, basepath=str(data_dir))
    references = References()
    for res in descriptor["resources"]:
        resource = package.get_resource(res["name"])
        rules = {r["formula"]: r["message"] for r in res.get("rowConstraints", [])}
        checklist = Checklist(checks=[*(checks.row_constraint(formula=f) for f in rules),
                                      typing_slips(), calendar_dates()])
        report = resource.validate(checklist)
        shown = display(data_dir / res["path"])
        for task in report.tasks:
            problems += [sentence(error, resource, shown, rules, references) for error in task.errors]
    problems += _unlabelled_codes(descriptor, data_dir)
    ordered = sorted(set(_one_per_mistake(problems)), key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))
    return [str(p) for p in ordered]


def _one_per_mistake(problems: list[Problem]) -> list[Problem]:
    """A typing slip explains every other error of its cell (a stray space also breaks the
    foreign key), and a row rule is not judged on a cell that is itself wrong."""
    slipped = {p.cell for p in problems if p.slip}
    wrong_cells = {p.cell for p in problems if p.field}
    return [p for p in problems if (p.slip or p.cell not in slipped)
            and not any((p.file, p.row, name) in wrong_cells for name in p.rule_fields)]


def _unlabelled_codes(descriptor: dict, data_dir: Path) -> list[Problem]:
    """Every code an enum field allows needs its labels in the vocabulary table, so that no
    figure or table falls back to showing a raw code."""
    vocabulary = next((r for r in descriptor["resources"] if r["name"] == "vocabulary"), None)
    if vocabulary is None:
        return []
    path = data_dir / vocabulary["path"]
    with open(path, encoding=ENCODING, newline="") as handle:
        labelled = {(row["field"], row["code"]) for row in csv.DictReader(handle)}
    return [Problem(display(path), None, "code", code, f"is allowed for field {field['name']} in datapackage.json "
                    f"but has no labels here: add a row {field['name']},{code},<English>,<中文>")
            for res in descriptor["resources"] for field in res["schema"]["fields"]
            for code in field.get("constraints", {}).get("enum", []) if (field["name"], code) not in labelled]


def stamps_dir() -> Path:
    """Where :func:`validate_once` notes the data it found valid, one empty file per digest."""
    return REPO_ROOT / ".build" / "validated"


def validate_once(data_dir: Path | str | None = None) -> list[str]:
    """:func:`validate`, remembered by content hash: bytes that passed once (under this same
    validation code) need no second 3-second check, which every build and notebook run makes."""
    data_dir = Path(data_dir or DATA_DIR)
    key = hashlib.sha256((folder_digest(data_dir) + folder_digest(PACKAGE_DIR, "*.py")).encode())
    stamp = stamps_dir() / key.hexdigest()
    if stamp.exists():
        return []
    problems = validate(data_dir)
    if not problems:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    return problems
