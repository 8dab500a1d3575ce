"""Robustness: how the solutions move with the coder, the unknowns, the studies and the cuts.

Every check produces *runs*: one row per model found in one analysis, with the columns
``check, run, conditions, cases, solution, model, expression`` (a run without any model keeps
one row with model 0 and an empty expression, so it still counts). The summaries read runs.
"""
from __future__ import annotations

import io
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

from ..memo import remembered, source_digest
from .fit import solutions
from .minimize import format_solution, minimize
from .sets import parse_cells, complete_cases
from .truth_table import row_codes, truth_table

RUN_COLUMNS = ["check", "run", "conditions", "cases", "solution", "model", "expression"]


def _models(frame: pd.DataFrame, conditions, outcome, incl_cut, n_cut, expectations, negate_outcome,
            memo: dict | None = None):
    """{solution: [expression, ...]} for complete cases. The models depend on the truth table's
    OUT codes alone, so ``memo`` (codes -> models) lets many analyses share one minimisation."""
    table = truth_table(frame, conditions, outcome, incl_cut, n_cut, negate_outcome)
    key = (tuple(sorted(row_codes(table, conditions).items(), key=repr)),
           None if expectations is None else tuple(sorted(expectations.items())))
    if memo is not None and key in memo:
        return memo[key]
    found = solutions(table, conditions, expectations) if len(table) else {}
    models = {label: [format_solution(m, conditions) for m in found_models] for label, found_models in found.items()}
    if memo is not None:
        memo[key] = models
    return models


def solve(data: pd.DataFrame, conditions, outcome: str, check: str = "baseline", run: str = "baseline",
          incl_cut: float = 1.0, n_cut: int = 1, expectations: dict | None = None, negate_outcome: bool = False,
          unknown: str = "unknown", memo: dict | None = None) -> pd.DataFrame:
    """The runs of one analysis: every model of every solution on the complete cases (``memo``:
    see :func:`_models`; pass one dict to analyses of the same conditions)."""
    conditions = list(conditions)
    complete, _ = complete_cases(data, conditions, outcome, unknown)
    found = _models(complete, conditions, outcome, incl_cut, n_cut, expectations, negate_outcome, memo)
    labels = ["conservative", *(["intermediate"] if expectations is not None else []), "parsimonious"]
    base = {"check": check, "run": run, "conditions": ",".join(conditions), "cases": len(complete)}
    rows = [{**base, "solution": label, "model": number, "expression": expression}
            for label in labels for number, expression in enumerate(found.get(label) or [""], start=1)]
    for row in rows:
        row["model"] = row["model"] if row["expression"] else 0
    return pd.DataFrame(rows, columns=RUN_COLUMNS)


def coder_runs(matrices: dict[str, pd.DataFrame], conditions, outcome: str, **options) -> pd.DataFrame:
    """The solutions under each coding (e.g. coder A, coder B, resolved values)."""
    return pd.concat([solve(frame, conditions, outcome, "coder", name, **options) for name, frame in matrices.items()],
                     ignore_index=True)


def completion_runs(data: pd.DataFrame, conditions, outcome: str, cap: int = 1024, seed: int = 0,
                    unknown: str = "unknown", **options) -> pd.DataFrame:
    """The solutions under every 0/1 filling of the unknown cells (conditions and outcome)
    jointly, enumerated up to ``cap`` fillings and a fixed-seed sample of ``cap`` beyond it.

    Run names say which: ``all 7/8`` or ``sample 7/1024 of 2^40``. Fillings that give the
    cases the same configurations are solved once.
    """
    conditions = list(conditions)
    columns = [*conditions, outcome]
    numeric, mask = parse_cells(data, columns, unknown)
    cells = list(zip(*np.nonzero(mask.to_numpy())))
    exhaustive = 2 ** len(cells) <= cap
    fillings = (np.array(list(product((0, 1), repeat=len(cells))), dtype=int).reshape(-1, len(cells)) if exhaustive
                else np.random.default_rng(seed).integers(0, 2, size=(cap, len(cells))))
    solved, runs, grid, memo = {}, [], numeric.to_numpy(copy=True), {}
    rows, cols = (np.array([c[i] for c in cells], dtype=int) for i in (0, 1))
    for number, filling in enumerate(fillings, start=1):
        grid[rows, cols] = filling
        configs, counts = np.unique(grid.astype(int), axis=0, return_counts=True)
        signature = configs.tobytes() + counts.tobytes()  # the cases' configurations decide the solutions
        if signature not in solved:
            frame = pd.DataFrame(grid.astype(int), index=data.index, columns=columns)
            solved[signature] = solve(frame, conditions, outcome, "completion", memo=memo, **options)
        name = f"all {number}/{len(fillings)}" if exhaustive else f"sample {number}/{cap} of 2^{len(cells)}"
        runs.append(solved[signature].assign(run=name))
    return pd.concat(runs, ignore_index=True)


def leave_one_out_runs(data: pd.DataFrame, groups: pd.Series, conditions, outcome: str, **options) -> pd.DataFrame:
    """The solutions with each group (study) left out in turn."""
    return pd.concat([solve(data[groups.reindex(data.index) != group], conditions, outcome, "leave_one_out",
                            f"without {group}", **options) for group in pd.unique(groups)], ignore_index=True)


def sweep_runs(data: pd.DataFrame, condition_sets: dict[str, list], outcome: str, incl_cuts=(1.0,), n_cuts=(1,),
               expectations: dict | None = None, **options) -> pd.DataFrame:
    """The solutions over inclusion cuts, frequency cuts and condition sets; expectations are
    passed on for the conditions each set contains."""
    runs = []
    for (label, conditions), incl_cut, n_cut in product(condition_sets.items(), incl_cuts, n_cuts):
        chosen = None if expectations is None else {c: expectations.get(c, "-") for c in conditions}
        runs.append(solve(data, conditions, outcome, "sweep", f"{label} incl {incl_cut:g} n {n_cut}",
                          incl_cut=incl_cut, n_cut=n_cut, expectations=chosen, **options))
    return pd.concat(runs, ignore_index=True)


def robustness_runs(codings: dict[str, pd.DataFrame], groups: pd.Series, condition_sets: dict[str, list],
                    conditions, outcome: str, resolved: str = "value", cap: int = 1024, seed: int = 0,
                    incl_cuts=(1.0,), n_cuts=(1,), **options) -> pd.DataFrame:
    """Every check's runs in one table: the coders (each of ``codings``), the joint completions
    of the unknowns, each group (study) left out, and the sweep over cuts and condition sets
    (these three on the ``resolved`` coding). ``options``: ``incl_cut``, ``n_cut``, ``expectations``.

    The runs depend on the coded values alone, so builds keep them by those (``memo``): an
    edited quote or rationale does not solve the hundreds of analyses again.
    """
    conditions, matrix = list(conditions), codings[resolved]
    key = ({name: frame.to_csv() for name, frame in sorted(codings.items())}, groups.to_csv(),
           sorted(condition_sets.items()), conditions, outcome, resolved, cap, seed, list(incl_cuts), list(n_cuts),
           sorted(options.items(), key=repr), np.__version__, pd.__version__,
           [source_digest(module) for module in sorted(Path(__file__).parent.glob("*.py"))])

    def compute() -> bytes:
        expectations = options.get("expectations")
        runs = pd.concat([
            coder_runs(codings, conditions, outcome, **options),
            completion_runs(matrix, conditions, outcome, cap=cap, seed=seed, **options),
            leave_one_out_runs(matrix, groups, conditions, outcome, **options),
            sweep_runs(matrix, condition_sets, outcome, incl_cuts=incl_cuts, n_cuts=n_cuts, expectations=expectations),
        ], ignore_index=True)
        return runs.to_csv(index=False).encode("utf-8")

    kept = remembered("robustness", key, compute)
    return pd.read_csv(io.BytesIO(kept), dtype={**dict.fromkeys(RUN_COLUMNS, str), "cases": int, "model": int},
                       keep_default_na=False)


def _terms(expression: str) -> list[str]:
    return [t for t in expression.split(" + ") if t]


def _term_conditions(term: str) -> set[str]:
    return {literal.lstrip("~") for literal in term.split("*")} - {"1"}


def term_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """For each check, solution and term: in how many of the runs that could contain it (their
    conditions include the term's) it appears in at least one model, and the share."""
    rows = []
    for (check, solution), part in runs.groupby(["check", "solution"], sort=False):
        per_run = part.groupby("run", sort=False).agg(
            conditions=("conditions", "first"), terms=("expression", lambda e: {t for x in e for t in _terms(x)}))
        for term in sorted({t for terms in per_run["terms"] for t in terms}):
            eligible = per_run["conditions"].map(lambda c: _term_conditions(term) <= set(c.split(",")))
            present = per_run["terms"].map(lambda terms: term in terms)
            rows.append({"check": check, "solution": solution, "term": term, "runs": int(eligible.sum()),
                         "present": int((present & eligible).sum()),
                         "share": (present & eligible).sum() / eligible.sum()})
    return pd.DataFrame(rows, columns=["check", "solution", "term", "runs", "present", "share"])


def model_shares(runs: pd.DataFrame) -> pd.DataFrame:
    """For each check and solution: the share of runs in which each model appears."""
    counts = runs.groupby(["check", "solution", "expression"], sort=False)["run"].nunique().rename("present")
    totals = runs.groupby(["check", "solution"], sort=False)["run"].nunique().rename("runs")
    table = counts.reset_index().merge(totals.reset_index(), on=["check", "solution"])
    table["share"] = table["present"] / table["runs"]
    return table[["check", "solution", "expression", "runs", "present", "share"]]


def robust_core(shares: pd.DataFrame) -> pd.DataFrame:
    """The terms present in every eligible run of every check (share 1 throughout), per
    solution: what survives coder, unknowns, studies and cuts alike."""
    checks = shares["check"].nunique()
    grouped = shares.groupby(["solution", "term"], sort=False).agg(checks=("check", "nunique"),
                                                                   lowest_share=("share", "min"))
    core = grouped[(grouped["checks"] == checks) & (grouped["lowest_share"] == 1)]
    return core.reset_index()[["solution", "term", "checks"]]


def sensitivity(data, conditions, outcome, unknown="unknown", incl_cut=1.0, n_cut=1, include_remainders=True):
    """How the solution would change if each single unknown were known.

    For every unknown (case, field) the case is added back with that field set to 0 and to 1
    (other incomplete cases stay excluded) and the solutions are compared with the baseline
    on complete cases. Solutions are formatted and joined with ``' | '`` when ambiguous. A
    case with other unknowns still cannot enter the analysis, so its ``if_0``/``if_1``/
    ``changed`` are NA (listed in ``other_unknown``) rather than a misleading "unchanged".
    """
    conditions = list(conditions)
    columns = [*conditions, outcome]
    numeric, unknown_mask = parse_cells(data, columns, unknown)
    complete = numeric.loc[~unknown_mask.any(axis=1)]

    def solve_one(frame):
        table = truth_table(frame.astype(int), conditions, outcome, incl_cut, n_cut)
        return " | ".join(format_solution(s, conditions) for s in minimize(table, conditions, include_remainders))

    baseline = solve_one(complete)
    rows = []
    for i, j in zip(*np.nonzero(unknown_mask.to_numpy())):
        field = columns[j]
        others = [c for c in columns if c != field and unknown_mask.iloc[i][c]]
        row = {"case": data.index[i], "field": field, "baseline": baseline}
        if others:
            row.update(if_0=pd.NA, if_1=pd.NA, changed=pd.NA)
        else:
            case = numeric.iloc[[i]]
            row["if_0"], row["if_1"] = (solve_one(pd.concat([complete, case.assign(**{field: value})]))
                                        for value in (0, 1))
            row["changed"] = row["if_0"] != baseline or row["if_1"] != baseline
        row["other_unknown"] = ", ".join(others)
        rows.append(row)
    columns_out = ["case", "field", "baseline", "if_0", "if_1", "changed", "other_unknown"]
    return pd.DataFrame(rows, columns=columns_out).astype({"changed": "boolean"})
