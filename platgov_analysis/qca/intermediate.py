"""Intermediate solutions: parsimony limited to the easy counterfactuals.

Follows R ``QCA`` (Dusa; Ragin 2008, ch. 9): for every pair of a conservative and a
parsimonious model, each conservative term loses the literals that contradict the directional
expectations (keeping those of the parsimonious term it belongs to); the remainders the
parsimonious model uses inside these widened terms are the easy counterfactuals; minimising
the positive configurations together with them gives the intermediate model.
"""
from __future__ import annotations

import pandas as pd

from .minimize import (as_implicant, covered_configurations, minimize, simplifying_assumptions, solution_key,
                       solve_chart)
from .truth_table import row_codes

DONT_CARE = "-"


def check_expectations(expectations: dict, conditions) -> dict:
    """Expectations as condition -> 1, 0 or ``'-'`` (no expectation) for every condition."""
    conditions = list(conditions)
    unknown = sorted(set(expectations) - set(conditions))
    if unknown:
        raise ValueError(f"expectations name conditions not in the analysis: {unknown}")
    checked = {}
    for condition in conditions:
        value = expectations.get(condition, DONT_CARE)
        if str(value) not in ("1", "0", DONT_CARE):
            raise ValueError(f"the expectation for {condition} must be 1, 0 or '-', not {value!r}")
        checked[condition] = DONT_CARE if str(value) == DONT_CARE else int(value)
    return checked


def _widened(term: dict, parsimonious_term: dict, expectations: dict) -> dict:
    """A conservative term without the literals that go against the expectations (the
    parsimonious term's own literals are kept)."""
    return {c: v for c, v in term.items()
            if c in parsimonious_term or expectations[c] == DONT_CARE or expectations[c] == v}


def _easy_by_pair(truth_table, conditions, expectations):
    """{(conservative model, parsimonious model): easy counterfactuals} for every pair."""
    conservative = minimize(truth_table, conditions)
    parsimonious = minimize(truth_table, conditions, include_remainders=True)
    pairs = {}
    for i, c_model in enumerate(conservative):
        for j, p_model in enumerate(parsimonious):
            assumptions = set(simplifying_assumptions(truth_table, conditions, p_model))
            widened = [_widened(ct, pt, expectations) for ct in c_model for pt in p_model
                       if all(ct.get(c) == v for c, v in pt.items())]
            pairs[(i, j)] = assumptions & covered_configurations(widened, conditions)
    return pairs, conservative, parsimonious


def intermediate(truth_table: pd.DataFrame, conditions, expectations: dict) -> list[list[dict]]:
    """Every intermediate model (terms as in :func:`minimize`), over all pairs of a
    conservative and a parsimonious model, duplicates removed, fewest literals first.

    ``expectations`` maps a condition to 1 (its presence is expected to contribute to the
    outcome), 0 (its absence) or ``'-'``; conditions not named count as ``'-'``. With no
    expectation at all the intermediate solution is the conservative one.
    """
    conditions = list(conditions)
    expectations = check_expectations(expectations, conditions)
    pairs, _, _ = _easy_by_pair(truth_table, conditions, expectations)
    positives = {c for c, code in row_codes(truth_table, conditions).items() if code == 1}
    models = {}
    for easy in pairs.values():
        for model in solve_chart(positives, positives | easy, conditions):
            models[frozenset(as_implicant(t, conditions) for t in model)] = model
    return sorted(models.values(), key=lambda s: solution_key(s, conditions))


def counterfactuals(truth_table: pd.DataFrame, conditions, expectations: dict) -> pd.DataFrame:
    """The simplifying assumptions of the parsimonious models, each marked ``easy`` (in line
    with the expectations, so the intermediate solution may use it) or ``difficult``."""
    conditions = list(conditions)
    expectations = check_expectations(expectations, conditions)
    pairs, _, parsimonious = _easy_by_pair(truth_table, conditions, expectations)
    easy = set().union(*pairs.values()) if pairs else set()
    used = sorted({c for model in parsimonious for c in simplifying_assumptions(truth_table, conditions, model)})
    rows = [{**dict(zip(conditions, c)), "counterfactual": "easy" if c in easy else "difficult"} for c in used]
    return pd.DataFrame(rows, columns=[*conditions, "counterfactual"])
