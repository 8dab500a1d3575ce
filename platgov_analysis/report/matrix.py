"""The clickable comparative views: the case x condition matrix, each cell opening its quote,
rationale, both coders' values and the resolution note, and the truth table and solutions of
the comparative notebook's analysis, each row's cases linking to their cells.

The analysis is computed here from the data with the comparative notebook's own default
parameters (conditions, outcome, cuts), so the page shows what that notebook shows.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import cases, qca
from ..labels import code_labels, localized
from ..qca.diagnostics import ROLES
from ..runs import parameter_defaults

COMPARATIVE = "comparative.ipynb"


@dataclass
class Comparison:
    """The configurational comparison as the comparative notebook runs it."""

    conditions: list[str]
    outcome: str
    truth: pd.DataFrame
    solutions: pd.DataFrame
    term_cases: pd.DataFrame
    excluded: pd.DataFrame


def comparison(tables: dict[str, pd.DataFrame], notebooks_dir: Path) -> Comparison | None:
    """Truth table, solutions with fit and the cases behind each term (None without the notebook)."""
    notebook = notebooks_dir / COMPARATIVE
    if not notebook.exists():
        return None
    defaults = parameter_defaults(notebook)
    conditions, outcome = list(defaults["conditions"]), defaults["outcome"]
    cuts = {"incl_cut": defaults.get("incl_cut", 1.0), "n_cut": defaults.get("n_cut", 1)}
    complete, excluded = qca.complete_cases(cases.case_matrix(tables), conditions, outcome)
    truth = qca.truth_table(complete, conditions, outcome, complete=True, **cuts)
    expectations = cases.condition_expectations(tables, conditions)
    solutions, _ = qca.solutions_table(complete, truth, conditions, outcome, expectations)
    behind = [qca.term_cases(complete, models, conditions, outcome).assign(solution=label)
              for label, models in qca.solutions(truth, conditions, expectations).items()]
    return Comparison(conditions, outcome, truth, solutions, pd.concat(behind, ignore_index=True), excluded)


def cell_id(case_id: str, code: str) -> str:
    return f"cell-{case_id}-{code}"


def _cells(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], dict]:
    """Every coded cell with the quotes behind the final value and behind coder B's value."""
    quotes = tables["evidence"].set_index("evidence_id")[["quote", "location"]]
    cells = {}
    for row in tables["case_conditions"].to_dict("records"):
        row = {k: (None if pd.isna(v) else v) for k, v in row.items()}
        for prefix, key in (("", "evidence_id"), ("coder_b_", "coder_b_evidence_id")):
            found = quotes.loc[row[key]] if row[key] in quotes.index else None
            row[prefix + "quote"] = None if found is None else found["quote"]
            row[prefix + "location"] = None if found is None else found["location"]
        cells[(row["case_id"], row["condition_id"])] = row
    return cells


def matrix_context(tables: dict[str, pd.DataFrame], lang: str, result: Comparison | None) -> dict:
    """What the matrix page shows in ``lang``: the codes, the cases by study with their cells,
    and the truth table and solutions where the comparison ran."""
    codes = cases.condition_codes(tables)
    codes = codes.assign(label=localized(codes, "label", lang))[["code_id", "scheme", "label", "definition_en"]]
    focal = cases.focal_cases(tables)
    names = dict(zip(focal["case_id"], localized(focal, "name", lang)))
    matrix = cases.case_matrix(tables)
    cells = _cells(tables)
    rows = [{"case_id": case_id, "name": names[case_id], "study_id": study,
             "cells": [{"code": code, "value": matrix.at[case_id, code], "id": cell_id(case_id, code),
                        **cells.get((case_id, code), {})} for code in codes["code_id"]]}
            for case_id, study in zip(focal["case_id"], focal["study_id"])]
    context = {"codes": codes.to_dict("records"), "rows": rows, "names": names,
               "value_labels": code_labels(tables["vocabulary"], "value", lang), "result": None, "matrix_href": ""}
    if result is not None:
        context["result"] = {"conditions": result.conditions, "outcome": result.outcome,
                             "truth": _truth_rows(result), "solutions": solution_rows(result),
                             "excluded": result.excluded.reset_index().to_dict("records")}
    return context


def _truth_rows(result: Comparison) -> list[dict]:
    rows = []
    for row in result.truth.to_dict("records"):
        members = [c for c in str(row["cases"]).split(",") if c]
        rows.append({**row, "members": members, "incl": _round(row["incl"]), "PRI": _round(row["PRI"])})
    return rows


def solution_rows(result: Comparison) -> list[dict]:
    """Each model of each solution with its fit and its cases: typical, deviant for consistency, uncovered."""
    behind = result.term_cases
    rows = []
    for row in result.solutions.to_dict("records"):
        mine = behind[(behind["solution"] == row["solution"]) & (behind["model"] == row["model"])]
        rows.append({**{k: _round(v) for k, v in row.items()},
                     **{role: sorted(set(mine.loc[mine["role"] == role, "case"])) for role in ROLES}})
    return rows


def _round(value):
    return round(value, 3) if isinstance(value, float) and pd.notna(value) else ("" if pd.isna(value) else value)
