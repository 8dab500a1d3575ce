"""Truth tables: the configurations of the conditions, their cases and their sufficiency.

Cases are assigned to the configuration (corner of the property space) in which their
membership is above 0.5, as R ``QCA`` does; inclusion and PRI use every case's membership
in that corner, so crisp data are the special case where membership is 0 or 1.
"""
from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd

from .sets import inclusion, outcome_scores, pri, scores, term_membership

OUT_CODES = {1: 1, 0: 0, "1": 1, "0": 0, "?": None}
MAX_COMPLETE_CONDITIONS = 16  # 2^16 rows: beyond this a complete table is no longer readable


def truth_table(data: pd.DataFrame, conditions, outcome: str, incl_cut: float = 1.0, n_cut: int = 1,
                negate_outcome: bool = False, pri_cut: float = 0.0, complete: bool = False) -> pd.DataFrame:
    """Configurations of ``conditions`` with their cases and sufficiency for ``outcome``.

    One row per observed configuration (with ``complete=True`` also every remainder, OUT
    ``'?'``, n 0), sorted by condition values, with ``n``, ``incl``, ``PRI`` and ``OUT``: 1
    when incl ≥ ``incl_cut`` and PRI ≥ ``pri_cut``, 0 otherwise, ``'?'`` when ``n < n_cut`` so
    the row becomes a remainder. Rows whose cases lie on both sides of the outcome's 0.5 are
    flagged ``contradictory`` whatever their OUT, so coding problems stay visible. ``cases``
    lists the index labels, as R ``QCA`` does.
    """
    conditions = list(conditions)
    if complete and len(conditions) > MAX_COMPLETE_CONDITIONS:
        raise ValueError(f"a complete truth table of {len(conditions)} conditions would have "
                         f"{2 ** len(conditions)} rows; use at most {MAX_COMPLETE_CONDITIONS} conditions")
    values = scores(data, conditions)
    y = outcome_scores(data, outcome, negate_outcome)
    corners = (values.to_numpy() > 0.5).astype(int)
    assigned = ~(values.to_numpy() == 0.5).any(axis=1)  # a 0.5 score belongs to no corner
    observed = sorted({tuple(c) for c, keep in zip(corners, assigned) if keep})
    configs = list(product((0, 1), repeat=len(conditions))) if complete else observed
    rows = []
    for config in configs:
        in_row = assigned & (corners == config).all(axis=1)
        n = int(in_row.sum())
        row = {**dict(zip(conditions, config)), "OUT": "?", "n": n, "incl": np.nan, "PRI": np.nan,
               "contradictory": False, "cases": ",".join(str(label) for label in data.index[in_row])}
        if n:
            member = term_membership(values, dict(zip(conditions, config)))
            row["incl"], row["PRI"] = inclusion(member, y), pri(member, y)
            row["contradictory"] = bool((y[in_row] > 0.5).any() and (y[in_row] < 0.5).any())
            if n >= n_cut:
                row["OUT"] = int(row["incl"] >= incl_cut - 1e-12 and row["PRI"] >= pri_cut - 1e-12)
        rows.append(row)
    columns = [*conditions, "OUT", "n", "incl", "PRI", "contradictory", "cases"]
    return pd.DataFrame(rows, columns=columns).astype({"OUT": object, "n": int})


def row_codes(truth_table: pd.DataFrame, conditions) -> dict[tuple, int | None]:
    """Each listed configuration (a tuple of 0/1 in the conditions' order) -> OUT as 1, 0 or
    None for a remainder; configurations not listed are remainders too."""
    conditions = list(conditions)
    configs = list(map(tuple, truth_table[conditions].to_numpy(dtype=int).tolist()))
    if len(set(configs)) != len(configs):
        raise ValueError("truth table has duplicate configurations")
    try:
        return dict(zip(configs, (OUT_CODES[out] for out in truth_table["OUT"])))
    except (KeyError, TypeError) as error:
        raise ValueError("OUT must be 1, 0 or '?'") from error


def remainders(truth_table: pd.DataFrame, conditions) -> list[tuple]:
    """Every configuration no case (or too few cases) shows, in the conditions' order."""
    codes = row_codes(truth_table, conditions)
    return [c for c in product((0, 1), repeat=len(list(conditions))) if codes.get(c) is None]


def limited_diversity(truth_table: pd.DataFrame, conditions) -> pd.DataFrame:
    """How much of the 2^k property space the cases cover: the remainders are what every
    solution but the conservative one has to make assumptions about."""
    k = len(list(conditions))
    observed = int((truth_table["n"] > 0).sum())
    return pd.DataFrame([{"conditions": k, "configurations": 2 ** k, "observed": observed,
                          "remainders": 2 ** k - observed, "share_observed": observed / 2 ** k}])


def exclude_remainders(truth_table: pd.DataFrame, conditions, configurations) -> pd.DataFrame:
    """A copy of the table in which the given remainders are set to OUT 0, so no solution may
    use them as simplifying assumptions (enhanced standard analysis: contradictory or
    untenable assumptions excluded). Observed rows cannot be excluded this way."""
    conditions = list(conditions)
    codes = row_codes(truth_table, conditions)
    configurations = sorted({tuple(int(v) for v in c) for c in configurations})
    observed = [c for c in configurations if codes.get(c) is not None]
    if observed:
        raise ValueError(f"only remainders can be excluded; observed: {observed}")
    listed = truth_table[conditions].apply(lambda row: tuple(int(v) for v in row), axis=1)
    table = truth_table.copy()
    table.loc[listed.isin(configurations), "OUT"] = 0
    missing = [c for c in configurations if c not in set(listed)]
    added = pd.DataFrame([{**dict(zip(conditions, c)), "OUT": 0, "n": 0, "incl": np.nan, "PRI": np.nan,
                           "contradictory": False, "cases": ""} for c in missing], columns=table.columns)
    table = pd.concat([table, added]) if missing else table
    return table.sort_values(conditions, ignore_index=True).astype({"OUT": object, "n": int, "contradictory": bool})
