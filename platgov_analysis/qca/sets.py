"""Set memberships and the fuzzy-set formulas every QCA measure is built from.

Crisp sets are the special case of fuzzy sets with scores 0 and 1, so one set of formulas
(R ``QCA``: minimum for AND, maximum for OR, ``1 - x`` for NOT) serves both.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def scores(data: pd.DataFrame, columns) -> pd.DataFrame:
    """``columns`` as float membership scores, refusing anything outside [0, 1] so that
    unknowns (strings, empty cells) cannot slip into an analysis."""
    columns = list(columns)
    values = data[columns]
    if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in values.dtypes):  # text: parse it
        values = values.apply(pd.to_numeric, errors="coerce")
    grid = values.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(grid).any() or not ((grid >= 0) & (grid <= 1)).all():
        raise ValueError(f"columns {columns} must hold membership scores in [0, 1]; "
                         "use complete_cases() to set aside unknowns")
    return pd.DataFrame(grid, index=data.index, columns=columns)


def outcome_scores(data: pd.DataFrame, outcome: str, negate_outcome: bool = False) -> np.ndarray:
    """The outcome's membership scores, or those of its negation ``~Y = 1 - Y``."""
    y = scores(data, [outcome])[outcome].to_numpy()
    return 1 - y if negate_outcome else y


def term_membership(values: pd.DataFrame, term: dict) -> np.ndarray:
    """Membership in a conjunction (``{condition: 1 or 0}``): the minimum over its literals;
    the empty term (always true) has membership 1 everywhere."""
    member = np.ones(len(values))
    for condition, value in term.items():
        x = values[condition].to_numpy()
        member = np.minimum(member, x if value == 1 else 1 - x)
    return member


def union_membership(values: pd.DataFrame, terms) -> np.ndarray:
    """Membership in a disjunction of terms: the maximum over its terms (0 for no term)."""
    member = np.zeros(len(values))
    for term in terms:
        member = np.maximum(member, term_membership(values, term))
    return member


def ratio(numerator, denominator):
    """A share that is NaN, not an error, when the base is empty (element by element for arrays)."""
    if np.ndim(denominator) == 0:
        return float(numerator / denominator) if denominator else float("nan")
    shares = np.full(np.shape(denominator), np.nan)
    based = denominator != 0
    shares[based] = numerator[based] / denominator[based]
    return shares


def inclusion(x: np.ndarray, y: np.ndarray):
    """Sufficiency inclusion (consistency) of X in Y: sum(min(X, Y)) / sum(X); for a 2-D X (one
    set per row, cases along the last axis) one value per row."""
    return ratio(np.minimum(x, y).sum(axis=-1), x.sum(axis=-1))


def coverage(x: np.ndarray, y: np.ndarray) -> float:
    """Sufficiency coverage of Y by X: sum(min(X, Y)) / sum(Y); necessity inclusion likewise."""
    return ratio(np.minimum(x, y).sum(), y.sum())


def pri(x: np.ndarray, y: np.ndarray):
    """Proportional reduction in inconsistency: how much of X's inclusion in Y is not also
    inclusion in ~Y (a set that is a subset of both Y and ~Y is no evidence for Y)."""
    both = np.minimum(np.minimum(x, y), 1 - y).sum(axis=-1)
    return ratio(np.minimum(x, y).sum(axis=-1) - both, x.sum(axis=-1) - both)


def relevance(x: np.ndarray, y: np.ndarray) -> float:
    """Relevance of a necessary condition (RoN, Schneider & Wagemann): low when X is nearly
    always present and therefore trivially necessary."""
    return ratio((1 - x).sum(), (1 - np.minimum(x, y)).sum())


def parse_cells(data: pd.DataFrame, columns: list[str], unknown: str):
    """Numeric scores (NaN where unknown) and the unknown mask; empty cells count as unknown."""
    cells = data[columns]
    if all(pd.api.types.is_numeric_dtype(dtype) for dtype in cells.dtypes):  # numbers: unknown = missing
        grid = cells.to_numpy(dtype=float, na_value=np.nan)
        flags = np.isnan(grid)
    else:
        flags = (cells.isna() | cells.apply(lambda col: col.astype(str).str.strip().eq(unknown))).to_numpy()
        grid = cells.mask(flags).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        invalid = ~flags & ~((grid >= 0) & (grid <= 1))  # NaN (text that is no number) is invalid too
    if invalid.any():
        bad = [f"{data.index[i]}/{columns[j]}" for i, j in zip(*np.nonzero(invalid))]
        raise ValueError(f"values must be membership scores in [0, 1] or {unknown!r}; invalid at {bad}")
    return (pd.DataFrame(grid, index=cells.index, columns=columns),
            pd.DataFrame(flags, index=cells.index, columns=columns))


def complete_cases(data: pd.DataFrame, conditions, outcome: str, unknown: str = "unknown"):
    """Split cases into fully coded ones (ints when crisp, floats when fuzzy) and excluded ones
    with the reason.

    A case with any unknown (or empty) condition or outcome is excluded rather than coded 0:
    absence of evidence is not evidence of absence.
    """
    columns = [*conditions, outcome]
    numeric, unknown_mask = parse_cells(data, columns, unknown)
    flags = unknown_mask.to_numpy()
    incomplete = flags.any(axis=1)
    reasons = ["unknown: " + ", ".join(c for c, flag in zip(columns, row) if flag) for row in flags[incomplete]]
    excluded = data.loc[incomplete, columns].assign(reason=reasons)
    complete = numeric.loc[~incomplete]
    crisp = np.isin(complete.to_numpy(), (0, 1)).all()
    return (complete.astype(int) if crisp else complete.astype(float)), excluded
