"""Parameters of fit of sufficiency solutions, and the solutions table the report shows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .intermediate import intermediate
from .minimize import format_solution, format_term, minimize, term_key
from .sets import coverage, inclusion, outcome_scores, pri, scores, term_membership, union_membership


def fit(data: pd.DataFrame, solution, conditions, outcome: str, negate_outcome: bool = False) -> pd.DataFrame:
    """inclS, PRI, covS and covU of each term and of the whole solution (fuzzy formulas).

    A term's ``covU`` is the coverage lost if it were dropped:
    ``covS(solution) - covS(union of the other terms)``. The last row, ``'solution'``, has
    ``covU`` NaN.
    """
    y = outcome_scores(data, outcome, negate_outcome)
    values = scores(data, conditions)
    terms = sorted(solution, key=lambda t: term_key(t, conditions))
    union = union_membership(values, terms)
    rows = {}
    for i, term in enumerate(terms):
        member = term_membership(values, term)
        others = union_membership(values, terms[:i] + terms[i + 1:])
        rows[format_term(term, conditions)] = {"inclS": inclusion(member, y), "PRI": pri(member, y),
                                               "covS": coverage(member, y),
                                               "covU": coverage(union, y) - coverage(others, y)}
    rows["solution"] = {"inclS": inclusion(union, y), "PRI": pri(union, y), "covS": coverage(union, y),
                        "covU": np.nan}
    return pd.DataFrame.from_dict(rows, orient="index")


def solutions(truth: pd.DataFrame, conditions, expectations: dict | None = None) -> dict[str, list]:
    """The conservative, intermediate (when ``expectations`` are given) and parsimonious
    models of a truth table, in the reporting order of the standards."""
    found = {"conservative": minimize(truth, conditions)}
    if expectations is not None:
        found["intermediate"] = intermediate(truth, conditions, expectations)
    found["parsimonious"] = minimize(truth, conditions, include_remainders=True)
    return found


def solutions_table(data: pd.DataFrame, truth: pd.DataFrame, conditions, outcome: str,
                    expectations: dict | None = None, negate_outcome: bool = False):
    """Conservative, intermediate and parsimonious solutions (every equally minimal model)
    with their fit.

    Returns (table, fits): one row per model with its expression and solution inclS / PRI /
    covS, and a dict from "<solution> M<model>: <expression>" to that model's per-term fit.
    """
    rows, fits = [], {}
    for label, models in solutions(truth, conditions, expectations).items():
        for number, model in enumerate(models, start=1):
            table = fit(data, model, conditions, outcome, negate_outcome)
            expression = format_solution(model, conditions)
            fits[f"{label} M{number}: {expression}"] = table
            rows.append({"solution": label, "model": number, "expression": expression,
                         **table.loc["solution", ["inclS", "PRI", "covS"]].to_dict()})
    return pd.DataFrame(rows, columns=["solution", "model", "expression", "inclS", "PRI", "covS"]), fits
