"""The whole check of the data package: structure first, then frictionless with our own checks,
one sentence per mistake, remembered by content so that valid bytes are checked once."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from . import load
from .files import DATA_DIR, DESCRIPTOR, ENCODING, REPO_ROOT, folder_digest, read_descriptor
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


def validate(data_dir: Path | str | None = None, known_valid: frozenset[str] = frozenset()) -> list[str]:
    """Check the data package; return one sentence per problem (empty list = valid).
    ``known_valid``: tables whose content check is left out, as it passed on the same inputs."""
    from frictionless import Checklist, FrictionlessException, Package, checks

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

    try:
        package = Package(descriptor, basepath=str(data_dir))
    except FrictionlessException as err:  # the descriptor itself is wrong: frictionless's own sentence
        reasons = "; ".join(reason.note for reason in err.reasons) or err.error.note
        return [str(Problem(display(data_dir / DESCRIPTOR), None, None, None, f"is not a valid data package: {reasons}"))]
    references = References()
    for res in descriptor["resources"]:
        if res["name"] in known_valid:
            continue
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
    """:func:`validate`, remembered per table by content: a table that passed under the same
    descriptor, with the same bytes and the same bytes of the tables its foreign keys reference,
    under this same validation code, is not checked again. Every build and notebook run calls
    this; after an edit of one table only that table and the tables that reference it are
    checked (about 0.05 s each, where the whole check takes a second)."""
    data_dir = Path(data_dir or DATA_DIR)
    stamps = {name: stamps_dir() / key for name, key in _table_keys(data_dir).items()}
    known = frozenset(name for name, stamp in stamps.items() if stamp.exists())
    if known == set(stamps):
        return []
    problems = validate(data_dir, known_valid=known)
    if not problems:
        for stamp in stamps.values():
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
    return problems


def _table_keys(data_dir: Path) -> dict[str, str]:
    """Per table, the digest of what its check reads: the descriptor, its file, the files of the
    tables its foreign keys reference, and the validation code."""
    descriptor = read_descriptor(data_dir)  # a missing or broken descriptor: the sentence that says so
    paths = {res["name"]: data_dir / res["path"] for res in descriptor["resources"]}
    common = hashlib.sha256((data_dir / DESCRIPTOR).read_bytes()).hexdigest() + folder_digest(PACKAGE_DIR, "*.py")
    keys = {}
    for res in descriptor["resources"]:
        read = {res["name"]} | {fk.get("reference", {}).get("resource") or res["name"]
                                for fk in res.get("schema", {}).get("foreignKeys", [])}
        digest = hashlib.sha256(common.encode())
        for name in sorted(read):
            path = paths.get(name)
            digest.update(f"{name}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest() if path is not None and path.exists() else b"missing")
        keys[res["name"]] = digest.hexdigest()
    return keys
