"""Back to the cases: who each solution term covers, who contradicts it, who it misses, and
whether the fit holds within and between the clusters (studies) the cases come from."""
from __future__ import annotations

import pandas as pd

from .minimize import format_solution, format_term, term_key
from .sets import coverage, inclusion, outcome_scores, scores, term_membership, union_membership

ROLES = ["typical", "deviant_consistency", "uncovered"]


def term_cases(data: pd.DataFrame, models, conditions, outcome: str, negate_outcome: bool = False) -> pd.DataFrame:
    """For each term of each model the cases it covers (membership > 0.5): ``typical`` where
    the outcome is present (> 0.5), ``deviant_consistency`` where it is absent; and for each
    model the ``uncovered`` positive cases (no term covers them; term left empty).

    Columns: model (1-based), expression, term, case, role, term_membership, outcome.
    """
    conditions = list(conditions)
    values = scores(data, conditions)
    y = outcome_scores(data, outcome, negate_outcome)
    rows = []
    for number, model in enumerate(models, start=1):
        expression = format_solution(model, conditions)
        for term in sorted(model, key=lambda t: term_key(t, conditions)):
            member = term_membership(values, term)
            for case, x, out in zip(data.index, member, y):
                if x > 0.5:
                    rows.append({"model": number, "expression": expression, "term": format_term(term, conditions),
                                 "case": case, "role": ROLES[0] if out > 0.5 else ROLES[1],
                                 "term_membership": x, "outcome": out})
        union = union_membership(values, model)
        rows += [{"model": number, "expression": expression, "term": "", "case": case, "role": ROLES[2],
                  "term_membership": x, "outcome": out}
                 for case, x, out in zip(data.index, union, y) if out > 0.5 and x <= 0.5]
    columns = ["model", "expression", "term", "case", "role", "term_membership", "outcome"]
    return pd.DataFrame(rows, columns=columns)


def cluster_diagnostics(data: pd.DataFrame, model, conditions, outcome: str, clusters: pd.Series,
                        negate_outcome: bool = False) -> pd.DataFrame:
    """Consistency and coverage of a model pooled, between clusters and within each cluster.

    ``pooled`` uses every case; ``within`` one cluster's cases alone (does the relation hold
    inside each study?); ``between`` treats each cluster as one observation, its mean
    membership in the model and in the outcome (does it hold across studies?). Clusters with
    no case in the model have NaN consistency, which says the cluster cannot speak to it.
    """
    conditions = list(conditions)
    x = union_membership(scores(data, conditions), model)
    y = outcome_scores(data, outcome, negate_outcome)
    groups = clusters.reindex(data.index).to_numpy()
    rows = [{"level": "pooled", "cluster": "", "cases": len(data), "consistency": inclusion(x, y),
             "coverage": coverage(x, y)}]
    order = list(pd.unique(groups))
    means = pd.DataFrame({"x": x, "y": y, "g": groups}).groupby("g", sort=False).mean().reindex(order)
    rows.append({"level": "between", "cluster": "", "cases": len(order),
                 "consistency": inclusion(means["x"].to_numpy(), means["y"].to_numpy()),
                 "coverage": coverage(means["x"].to_numpy(), means["y"].to_numpy())})
    for group in order:
        inside = groups == group
        rows.append({"level": "within", "cluster": group, "cases": int(inside.sum()),
                     "consistency": inclusion(x[inside], y[inside]), "coverage": coverage(x[inside], y[inside])})
    return pd.DataFrame(rows, columns=["level", "cluster", "cases", "consistency", "coverage"]).astype(
        {"consistency": float, "coverage": float})

