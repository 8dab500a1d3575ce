"""One plain sentence per problem: file, row as a spreadsheet shows it, field, value and rule.

frictionless reports errors in its own terms (``constraint "pattern" is "^[0-9]{4}..."``); a
researcher editing a CSV in Excel needs the cell and what to type instead. The hints come from
the typing slips of :mod:`.slips`: a case-only difference, a % sign, a date typed 2020/2/11.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .slips import DATE_FORM, DATE_PROPERTY, NUMERIC, date_suggestion, number_slip

TYPE_WORDS = {"integer": "a whole number", "number": "a number", "date": "an ISO date (YYYY-MM-DD)"}
OWN_CHECKS = ("typing-slip", "calendar-date")  # their note is the whole rule


class DataValidationError(Exception):
    """The data in ``data/`` break the schema; ``problems`` holds one sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (or row, or file) of the data package.

    ``slip`` marks a typing slip, which explains every other error of its cell; ``rule_fields``
    are the fields a row rule reads, which cannot be judged while one of them is itself wrong.
    """

    file: str
    row: int | None
    field: str | None
    value: str | None
    rule: str
    slip: bool = field(default=False, compare=False)
    rule_fields: tuple[str, ...] = field(default=(), compare=False)

    @property
    def cell(self) -> tuple:
        return self.file, self.row, self.field

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f", field {self.field}"
        if self.value is None:
            return f"{where}: {self.rule}"
        return f'{where}: "{self.value}" {self.rule}'


def display(path: Path) -> str:
    """A path as the researcher typed it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if Path.cwd() in path.resolve().parents else str(path)
    except ValueError:
        return str(path)


def article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _same_but_case(value: str, candidates) -> str | None:
    return next((c for c in candidates if c != value and c.casefold() == value.strip().casefold()), None)


def _constraint(error, field, shown: str) -> Problem:
    constraint = re.search(r'constraint "(\w+)" is "(.*)"', error.note or "")
    name, limit = constraint.groups() if constraint else ("", error.note)
    row, cell = error.row_number, error.cell
    if name == "required":
        return Problem(shown, row, field.name, None, "is required but empty")
    if name == "enum":
        allowed = field.constraints["enum"]
        near = _same_but_case(cell, allowed)
        hint = f" (codes are case-sensitive: write {near})" if near else ""
        return Problem(shown, row, field.name, cell, f"is not one of the allowed values: {', '.join(allowed)}{hint}")
    if name == "pattern" and field.custom.get(DATE_PROPERTY):
        suggestion = date_suggestion(cell)
        return Problem(shown, row, field.name, cell, f"is not a date written {DATE_FORM}"
                       + (f": write {suggestion}" if suggestion else ""))
    if name == "pattern":
        return Problem(shown, row, field.name, cell, f"does not have the required form (pattern {limit})")
    if name in ("minLength", "maxLength", "minimum", "maximum"):
        words = {"minLength": "is shorter than", "maxLength": "is longer than",
                 "minimum": "is less than", "maximum": "is more than"}
        unit = " characters" if "Length" in name else ""
        return Problem(shown, row, field.name, cell, f"{words[name]} {limit}{unit}")
    return Problem(shown, row, field.name, cell, f"breaks the {name} rule ({limit})")


def _foreign_key(error, resource, shown: str, references) -> Problem:
    target = next(fk for fk in resource.schema.foreign_keys if fk["fields"] == error.field_names
                  or [fk["fields"]] == error.field_names)
    ref = target["reference"]
    ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
    ref_resource = resource.package.get_resource(ref["resource"]) if ref["resource"] else resource
    ref_path = Path(resource.basepath or ".") / ref_resource.path
    value = str(error.field_cells[-1] or "")
    near = _same_but_case(value, references.column(ref_path, ref_fields[-1]))
    hint = f' (ids are case-sensitive: there is "{near}")' if near else ""
    if len(error.field_names) == 2 and error.field_names[0] == "study_id":
        # evidence is looked up within the row's own study, so a quote of another study fails too
        study = error.field_cells[0]
        return Problem(shown, error.row_number, error.field_names[1], value,
                       f"is not {article(error.field_names[1])} of study {study} in {display(ref_path)}{hint}")
    cells = ", ".join("" if c is None else str(c) for c in error.field_cells)
    return Problem(shown, error.row_number, ", ".join(error.field_names), cells,
                   f"is not {article(', '.join(ref_fields))} in {display(ref_path)}{hint}")


def sentence(error, resource, shown: str, rules: dict[str, str], references) -> Problem:
    """Turn one frictionless error into a Problem; ``references`` reads a referenced column
    (``column(path, name)``) for a foreign key's hint."""
    kind = error.type
    row = getattr(error, "row_number", None)
    field_name = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    if kind in OWN_CHECKS:
        return Problem(shown, row, field_name, cell, error.note, slip=kind == "typing-slip")
    if kind == "constraint-error":
        return _constraint(error, resource.schema.get_field(field_name), shown)
    if kind == "type-error":
        ftype = resource.schema.get_field(field_name).type
        hint = number_slip(cell) if ftype in NUMERIC else None
        return Problem(shown, row, field_name, cell, f"is not {TYPE_WORDS.get(ftype, 'of type ' + ftype)}"
                       + (f": it {hint}" if hint else ""))
    if kind == "primary-key":
        pk = resource.schema.primary_key
        names = resource.schema.field_names
        values = ", ".join(str(error.cells[names.index(k)]) for k in pk if names.index(k) < len(error.cells))
        first = re.search(r"position \"?(\d+)", error.note or "")
        again = f" (first used in row {first.group(1)})" if first else ""
        return Problem(shown, row, ", ".join(pk), values, f"repeats a primary key already in the table{again}")
    if kind == "foreign-key":
        return _foreign_key(error, resource, shown, references)
    if kind == "row-constraint":
        formula = re.search(r'conform is "(.*)"', error.note or "")
        formula = formula.group(1) if formula else ""
        names = resource.schema.field_names
        used = tuple(n for n in names if re.search(rf"\b{n}\b", formula))
        values = ", ".join(f"{n} = " + ("empty" if error.cells[names.index(n)] in ("", None)
                                         else f'"{error.cells[names.index(n)]}"') for n in used)
        return Problem(shown, row, None, None, f"{rules.get(formula, error.note)} ({values})", rule_fields=used)
    return Problem(shown, row, field_name, cell, f"{error.message}")
