"""Crisp-set QCA: truth tables, exact Boolean minimisation, fit, necessity.

Reimplements the parts of R's ``QCA`` package (A. Dusa) that the analysis needs, so the
results can be checked against its published Lipset example without an R dependency.
Minimisation is exact: every equally minimal solution is returned, because a greedy cover
would silently hide model ambiguity.
"""

from itertools import product

import numpy as np
import pandas as pd

_DASH = -1  # internal marker for a condition that is absent from an implicant
_OUT_CODES = {1: 1, 0: 0, "1": 1, "0": 0, "?": None}


def _binary(data, columns):
    """Return ``columns`` as ints, refusing anything but 0/1 so unknowns cannot slip in."""
    values = data[list(columns)]
    if not values.isin([0, 1]).all().all():
        raise ValueError(
            f"columns {list(columns)} must hold only 0/1; use complete_cases() to set aside unknowns"
        )
    return values.astype(int)


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def _inclusion(x, y):
    return _ratio(np.minimum(x, y).sum(), x.sum())


def _coverage(x, y):
    return _ratio(np.minimum(x, y).sum(), y.sum())


def _outcome(data, outcome, negate_outcome):
    y = _binary(data, [outcome])[outcome].to_numpy()
    return 1 - y if negate_outcome else y


def truth_table(data, conditions, outcome, incl_cut=1.0, n_cut=1, negate_outcome=False):
    """Observed configurations of ``conditions`` with their sufficiency for ``outcome``.

    One row per observed configuration, sorted by condition values, with ``n``, ``incl``,
    ``PRI`` and ``OUT`` (1/0, or ``'?'`` when ``n < n_cut`` so the row becomes a remainder).
    Rows holding both outcome values are flagged ``contradictory`` whatever their OUT, so
    coding problems stay visible. ``cases`` lists the index labels, as R's ``QCA`` does.
    """
    conditions = list(conditions)
    values = _binary(data, [*conditions, outcome])
    if negate_outcome:
        values[outcome] = 1 - values[outcome]
    rows = []
    for config, group in values.groupby(conditions, sort=True):
        y = group[outcome].to_numpy()
        x = np.ones_like(y)
        incl = _inclusion(x, y)
        both = np.minimum(np.minimum(x, y), 1 - y).sum()
        n = len(y)
        rows.append(
            {
                **dict(zip(conditions, config)),
                "OUT": "?" if n < n_cut else int(incl >= incl_cut),
                "n": n,
                "incl": incl,
                "PRI": _ratio(np.minimum(x, y).sum() - both, x.sum() - both),
                "contradictory": bool(0 < incl < 1),
                "cases": ",".join(str(label) for label in group.index),
            }
        )
    columns = [*conditions, "OUT", "n", "incl", "PRI", "contradictory", "cases"]
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({"OUT": object})


def _covers(implicant, config):
    return all(v == _DASH or v == c for v, c in zip(implicant, config))


def _prime_implicants(ones):
    """Quine–McCluskey: merge implicants differing in one literal until nothing merges."""
    current, primes = set(ones), set()
    while current:
        merged, used = set(), set()
        for implicant in current:
            for i, value in enumerate(implicant):
                if value == _DASH:
                    continue
                partner = implicant[:i] + (1 - value,) + implicant[i + 1 :]
                if partner in current:
                    merged.add(implicant[:i] + (_DASH,) + implicant[i + 1 :])
                    used.add(implicant)
        primes |= current - used
        current = merged
    return primes


def _minimum_covers(primes, minterms):
    """All covers of ``minterms`` by ``primes`` with the fewest terms (iterative deepening)."""
    coverage = [frozenset(m for m in minterms if _covers(p, m)) for p in primes]
    candidates = {m: [i for i, cov in enumerate(coverage) if m in cov] for m in minterms}
    found = set()

    def extend(uncovered, chosen, budget):
        if not uncovered:
            found.add(chosen)
            return
        if budget == 0:
            return
        target = min(uncovered, key=lambda m: (len(candidates[m]), m))
        for i in candidates[target]:
            extend(uncovered - coverage[i], chosen | {i}, budget - 1)

    size = 0
    while not found:
        size += 1
        extend(frozenset(minterms), frozenset(), size)
    return found


def _term_key(term, conditions):
    """Sort key: terms mentioning earlier conditions first, negated before plain."""
    return tuple((0, term[c]) if c in term else (1, 0) for c in conditions)


def _solution_key(solution, conditions):
    return (sum(len(term) for term in solution), [_term_key(t, conditions) for t in solution])


def minimize(truth_table, conditions, include_remainders=False):
    """Every minimal sum of prime implicants for the positive (OUT = 1) configurations.

    With ``include_remainders=False`` (complex/conservative solution) only positive rows
    may be covered; with ``True`` (parsimonious) unobserved configurations and ``'?'`` rows
    are don't-cares and only OUT = 0 rows are excluded. All covers with the minimum number of
    terms are returned (model ambiguity), fewest literals first, then in a fixed order.
    A solution is a list of terms; a term maps condition -> 0/1. Returns ``[]`` when no
    configuration is positive.
    """
    conditions = list(conditions)
    configs = [tuple(int(v) for v in row) for row in truth_table[conditions].itertuples(index=False)]
    if len(set(configs)) != len(configs):
        raise ValueError("truth table has duplicate configurations")
    try:
        codes = [_OUT_CODES[out] for out in truth_table["OUT"]]
    except (KeyError, TypeError) as error:
        raise ValueError("OUT must be 1, 0 or '?'") from error
    positives = {c for c, code in zip(configs, codes) if code == 1}
    if not positives:
        return []
    if include_remainders:
        negatives = {c for c, code in zip(configs, codes) if code == 0}
        ones = set(product((0, 1), repeat=len(conditions))) - negatives
    else:
        ones = positives
    primes = sorted(p for p in _prime_implicants(ones) if any(_covers(p, m) for m in positives))
    solutions = []
    for cover in _minimum_covers(primes, positives):
        terms = [
            {c: v for c, v in zip(conditions, primes[i]) if v != _DASH} for i in cover
        ]
        solutions.append(sorted(terms, key=lambda t: _term_key(t, conditions)))
    return sorted(solutions, key=lambda s: _solution_key(s, conditions))


def format_term(term, conditions):
    """R ``QCA`` notation, e.g. ``DEV*~URB``; ``'1'`` for the empty (always true) term."""
    unknown = set(term) - set(conditions)
    if unknown:
        raise ValueError(f"term uses conditions not in the list: {sorted(unknown)}")
    return "*".join(c if term[c] == 1 else f"~{c}" for c in conditions if c in term) or "1"


def format_solution(solution, conditions):
    """R ``QCA`` notation, e.g. ``DEV*STB + ~URB*LIT``, terms in a fixed order."""
    terms = sorted(solution, key=lambda t: _term_key(t, conditions))
    return " + ".join(format_term(t, conditions) for t in terms)


def _membership(values, term):
    member = np.ones(len(values), dtype=int)
    for condition, value in term.items():
        member &= (values[condition].to_numpy() == value).astype(int)
    return member


def fit(data, solution, conditions, outcome, negate_outcome=False):
    """Parameters of fit (crisp formulas) for each term and for the whole solution.

    ``inclS = |X∩Y|/|X|``, ``covS = |X∩Y|/|Y|``; a term's ``covU`` is the coverage lost if
    it were dropped: ``covS(solution) - covS(union of the other terms)``. The last row,
    ``'solution'``, has ``covU`` NaN.
    """
    y = _outcome(data, outcome, negate_outcome)
    values = _binary(data, conditions)
    terms = sorted(solution, key=lambda t: _term_key(t, conditions))
    members = [_membership(values, term) for term in terms]
    union = np.zeros(len(data), dtype=int)
    for member in members:
        union |= member
    rows = {}
    for i, (term, member) in enumerate(zip(terms, members)):
        others = np.zeros(len(data), dtype=int)
        for j, other in enumerate(members):
            if j != i:
                others |= other
        rows[format_term(term, conditions)] = {
            "inclS": _inclusion(member, y),
            "covS": _coverage(member, y),
            "covU": _coverage(union, y) - _coverage(others, y),
        }
    rows["solution"] = {"inclS": _inclusion(union, y), "covS": _coverage(union, y), "covU": np.nan}
    return pd.DataFrame.from_dict(rows, orient="index")


def necessity(data, conditions, outcome, negate_outcome=False):
    """Necessity of each condition and its negation ``~C`` for the outcome.

    ``inclN = |X∩Y|/|Y|``; ``RoN = sum(1-X)/sum(1-min(X,Y))`` (R ``QCA``), which is low when
    X is nearly always present and so trivially "necessary"; ``covN = |X∩Y|/|X|``.
    """
    y = _outcome(data, outcome, negate_outcome)
    values = _binary(data, conditions)
    rows = {}
    for condition in conditions:
        present = values[condition].to_numpy()
        for label, x in ((condition, present), (f"~{condition}", 1 - present)):
            rows[label] = {
                "inclN": _coverage(x, y),
                "RoN": _ratio((1 - x).sum(), (1 - np.minimum(x, y)).sum()),
                "covN": _inclusion(x, y),
            }
    return pd.DataFrame.from_dict(rows, orient="index")


def _parse_cells(data, columns, unknown):
    """Numeric 0/1 cells (NaN where unknown) and the unknown mask; empty cells count as unknown."""
    cells = data[columns]
    unknown_mask = cells.isna() | cells.apply(lambda col: col.astype(str).str.strip().eq(unknown))
    numeric = cells.mask(unknown_mask).apply(pd.to_numeric, errors="coerce")
    invalid = ~unknown_mask & ~numeric.isin([0, 1])
    if invalid.any().any():
        bad = [f"{data.index[i]}/{columns[j]}" for i, j in zip(*np.nonzero(invalid.to_numpy()))]
        raise ValueError(f"values must be 0, 1 or {unknown!r}; invalid at {bad}")
    return numeric, unknown_mask


def complete_cases(data, conditions, outcome, unknown="unknown"):
    """Split cases into fully coded ones (as ints) and excluded ones with the reason.

    A case with any unknown (or empty) condition or outcome is excluded rather than coded 0:
    absence of evidence is not evidence of absence.
    """
    columns = [*conditions, outcome]
    numeric, unknown_mask = _parse_cells(data, columns, unknown)
    incomplete = unknown_mask.any(axis=1)
    reasons = [
        "unknown: " + ", ".join(c for c in columns if flags[c])
        for _, flags in unknown_mask.loc[incomplete].iterrows()
    ]
    excluded = data.loc[incomplete, columns].assign(reason=reasons)
    return numeric.loc[~incomplete].astype(int), excluded


def sensitivity(
    data,
    conditions,
    outcome,
    unknown="unknown",
    incl_cut=1.0,
    n_cut=1,
    include_remainders=True,
):
    """How the solution would change if each single unknown were known.

    For every unknown (case, field) the case is added back with that field set to 0 and to 1
    (other incomplete cases stay excluded) and the solutions are compared with the baseline
    on complete cases. Solutions are formatted and joined with ``' | '`` when ambiguous. A
    case with other unknowns still cannot enter the analysis, so its ``if_0``/``if_1``/
    ``changed`` are NA (listed in ``other_unknown``) rather than a misleading "unchanged".
    """
    conditions = list(conditions)
    columns = [*conditions, outcome]
    numeric, unknown_mask = _parse_cells(data, columns, unknown)
    complete = numeric.loc[~unknown_mask.any(axis=1)]

    def solve(frame):
        table = truth_table(frame.astype(int), conditions, outcome, incl_cut, n_cut)
        solutions = minimize(table, conditions, include_remainders)
        return " | ".join(format_solution(s, conditions) for s in solutions)

    baseline = solve(complete)
    rows = []
    for i, j in zip(*np.nonzero(unknown_mask.to_numpy())):
        field = columns[j]
        others = [c for c in columns if c != field and unknown_mask.iloc[i][c]]
        row = {"case": data.index[i], "field": field, "baseline": baseline}
        if others:
            row.update(if_0=pd.NA, if_1=pd.NA, changed=pd.NA)
        else:
            case = numeric.iloc[[i]]
            row["if_0"], row["if_1"] = (
                solve(pd.concat([complete, case.assign(**{field: value})])) for value in (0, 1)
            )
            row["changed"] = row["if_0"] != baseline or row["if_1"] != baseline
        row["other_unknown"] = ", ".join(others)
        rows.append(row)
    columns_out = ["case", "field", "baseline", "if_0", "if_1", "changed", "other_unknown"]
    return pd.DataFrame(rows, columns=columns_out).astype({"changed": "boolean"})


def solutions_table(data, truth, conditions, outcome):
    """Complex and parsimonious solutions (every equally minimal model) with their fit.

    Returns (table, fits): one row per model with its expression and solution inclS/covS, and
    a dict from "<solution> M<model>" to that model's per-term fit table.
    """
    rows, fits = [], {}
    for label, remainders in (("complex", False), ("parsimonious", True)):
        for number, solution in enumerate(minimize(truth, conditions, include_remainders=remainders), start=1):
            table = fit(data, solution, conditions, outcome)
            expression = format_solution(solution, conditions)
            fits[f"{label} M{number}: {expression}"] = table
            rows.append({"solution": label, "model": number, "expression": expression,
                         "inclS": table.loc["solution", "inclS"], "covS": table.loc["solution", "covS"]})
    return pd.DataFrame(rows, columns=["solution", "model", "expression", "inclS", "covS"]), fits
