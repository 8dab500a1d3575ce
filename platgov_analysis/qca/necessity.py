"""Necessity: single conditions and disjunctions (SUIN conditions), with relevance (RoN)."""
from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pandas as pd

from .sets import coverage, inclusion, outcome_scores, relevance, scores


def _parameters(x: np.ndarray, y: np.ndarray) -> dict:
    # necessity flips sufficiency: inclN = |X∩Y|/|Y|, covN = |X∩Y|/|X|
    return {"inclN": coverage(x, y), "RoN": relevance(x, y), "covN": inclusion(x, y)}


def necessity(data: pd.DataFrame, conditions, outcome: str, negate_outcome: bool = False) -> pd.DataFrame:
    """Necessity of each condition and its negation ``~C`` for the outcome.

    ``inclN = sum(min(X,Y))/sum(Y)``; ``RoN = sum(1-X)/sum(1-min(X,Y))`` (R ``QCA``), which
    is low when X is nearly always present and so trivially "necessary";
    ``covN = sum(min(X,Y))/sum(X)``.
    """
    y = outcome_scores(data, outcome, negate_outcome)
    values = scores(data, conditions)
    rows = {}
    for condition in conditions:
        present = values[condition].to_numpy()
        rows[condition] = _parameters(present, y)
        rows[f"~{condition}"] = _parameters(1 - present, y)
    return pd.DataFrame.from_dict(rows, orient="index")


def necessity_disjunctions(data: pd.DataFrame, conditions, outcome: str, incl_cut: float = 0.9,
                           max_literals: int = 3, negate_outcome: bool = False) -> pd.DataFrame:
    """Disjunctions of literals (SUIN conditions: sufficient but unnecessary parts of a
    factor that is insufficient but necessary) whose inclN reaches ``incl_cut``.

    Only minimal ones are listed: no literal or smaller disjunction within them is necessary
    already, so each entry adds something a single condition does not. Read RoN beside
    inclN: a disjunction that almost every case belongs to is trivially necessary. Sorted by
    inclN, then RoN, both descending.
    """
    conditions = list(conditions)
    y = outcome_scores(data, outcome, negate_outcome)
    values = scores(data, conditions)
    literal = {(c, v): values[c].to_numpy() if v else 1 - values[c].to_numpy()
               for c in conditions for v in (1, 0)}
    necessary, rows = [], {}
    for size in range(1, max_literals + 1):
        for chosen in combinations(conditions, size):
            for signs in product((1, 0), repeat=size):
                parts = frozenset(zip(chosen, signs))
                if any(smaller <= parts for smaller in necessary):
                    continue
                x = np.max([literal[p] for p in parts], axis=0)
                if coverage(x, y) >= incl_cut - 1e-12:
                    necessary.append(parts)
                    if size > 1:
                        label = " + ".join(c if v else f"~{c}" for c, v in zip(chosen, signs))
                        rows[label] = _parameters(x, y)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["inclN", "RoN", "covN"])
    return table.sort_values(["inclN", "RoN"], ascending=False, kind="stable")
