"""Truth tables: the configurations of the conditions, their cases and their sufficiency.

Cases are assigned to the configuration (corner of the property space) in which their
membership is above 0.5, as R ``QCA`` does; inclusion and PRI use every case's membership
in that corner, so crisp data are the special case where membership is 0 or 1.
"""
from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd

from .sets import inclusion, outcome_scores, pri, scores

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
    values = scores(data, conditions).to_numpy()
    y = outcome_scores(data, outcome, negate_outcome)
    corners = (values > 0.5).astype(int)
    assigned = ~(values == 0.5).any(axis=1)  # a 0.5 score belongs to no corner
    observed = sorted({tuple(c) for c in corners[assigned].tolist()})
    listed = list(product((0, 1), repeat=len(conditions))) if complete else observed
    configs = np.array(listed, dtype=int).reshape(len(listed), len(conditions))
    # every configuration at once: membership of each case in each corner (configs x cases)
    member = np.where(configs[:, None, :] == 1, values[None, :, :], 1 - values[None, :, :]).min(axis=2, initial=1.0)
    in_row = assigned[None, :] & (corners[None, :, :] == configs[:, None, :]).all(axis=2)
    n = in_row.sum(axis=1)
    incl = np.where(n > 0, inclusion(member, y), np.nan)  # a remainder has no inclusion
    pri_ = np.where(n > 0, pri(member, y), np.nan)
    contradictory = (n > 0) & (in_row & (y > 0.5)).any(axis=1) & (in_row & (y < 0.5)).any(axis=1)
    out = [("?" if count < max(n_cut, 1) else int(i >= incl_cut - 1e-12 and p >= pri_cut - 1e-12))
           for count, i, p in zip(n.tolist(), incl.tolist(), pri_.tolist())]
    labels = [str(label) for label in data.index]
    return pd.DataFrame({**{c: configs[:, k] for k, c in enumerate(conditions)}, "OUT": pd.Series(out, dtype=object),
                         "n": n.astype(int), "incl": incl, "PRI": pri_, "contradictory": contradictory,
                         "cases": [",".join(np.array(labels, dtype=object)[row]) for row in in_row]})


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
