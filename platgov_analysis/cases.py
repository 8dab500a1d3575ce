"""The cross-study case comparison: case x condition matrix, its evidence, agreement, crosswalk.

Everything reads the coded tables (see ``data.load_tables``) and returns DataFrames. Values
stay the strings ``"1"``, ``"0"`` and ``"unknown"``: an unknown is never turned into 0 here;
the QCA module decides how unknown cases enter an analysis (they are left out and reported).
"""
from __future__ import annotations

import warnings

import pandas as pd

from .labels import localized
from .studies import actors_per_study

VALUES = ["1", "0", "unknown"]


def condition_codes(tables: dict[str, pd.DataFrame], scheme: str | None = None) -> pd.DataFrame:
    """The cross-study conditions and outcome (or one scheme of them) in display order."""
    codebook = tables["codebook"]
    chosen = codebook[codebook["scheme"].isin([scheme] if scheme else ["condition", "outcome"])]
    return chosen.sort_values(["sort_order", "code_id"]).reset_index(drop=True)


def focal_cases(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Focal cases ordered by study (in studies-table order) and case id."""
    cases = tables["cases"]
    order = {s: i for i, s in enumerate(tables["studies"]["study_id"])}
    focal = cases[cases["role"] == "focal"].copy()
    focal["_study_order"] = focal["study_id"].map(order)
    return focal.sort_values(["_study_order", "case_id"]).drop(columns="_study_order").reset_index(drop=True)


def case_matrix(tables: dict[str, pd.DataFrame], column: str = "value") -> pd.DataFrame:
    """Focal cases x conditions and outcome, one coder's values (``value``, ``coder_a``, ``coder_b``).

    A case missing a row for a condition shows ``"missing"`` so a gap in the coding is visible
    rather than silently read as unknown.
    """
    codes = condition_codes(tables)["code_id"].tolist()
    wide = tables["case_conditions"].pivot(index="case_id", columns="condition_id", values=column)
    cases = focal_cases(tables).set_index("case_id")
    matrix = wide.reindex(index=cases.index, columns=codes).astype("string").fillna("missing")
    matrix.columns.name = None
    return matrix


def matrix_evidence(tables: dict[str, pd.DataFrame], lang: str = "en") -> pd.DataFrame:
    """Each coded cell with its value, quote, location and rationale (the drill-down table)."""
    cells = tables["case_conditions"].merge(
        tables["evidence"][["evidence_id", "quote", "location"]], on="evidence_id", how="left")
    cases = focal_cases(tables)
    cases = cases.assign(case=localized(cases, "name", lang))[["case_id", "study_id", "case"]]
    codes = condition_codes(tables)[["code_id", "sort_order"]]
    table = (cells.merge(cases, on="case_id").merge(codes, left_on="condition_id", right_on="code_id")
             .sort_values(["study_id", "case_id", "sort_order"]))
    columns = ["study_id", "case_id", "case", "condition_id", "value", "coder_a", "coder_b", "quote",
               "location", "evidence_id", "rationale_en", "resolution_note"]
    return table[columns].reset_index(drop=True)


def unknown_counts(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Number of focal cases whose final value is unknown, per condition."""
    return case_matrix(tables).eq("unknown").sum().rename("unknown")


def intercoder_kappa(tables: dict[str, pd.DataFrame], by: str = "condition") -> pd.DataFrame:
    """Cohen's kappa between the two independent codings, per condition (``by="condition"``)
    or per study (``by="study"``), and overall.

    Kappa is undefined (NaN) when both coders used a single category throughout; agreement is
    reported beside it so such a row is still readable.
    """
    from sklearn.exceptions import UndefinedMetricWarning
    from sklearn.metrics import cohen_kappa_score

    coded = tables["case_conditions"]
    if by == "condition":
        keys, groups = coded["condition_id"], condition_codes(tables)["code_id"].tolist()
    elif by == "study":
        keys = coded["case_id"].map(tables["cases"].set_index("case_id")["study_id"])
        groups = [s for s in tables["studies"]["study_id"] if (keys == s).any()]
    else:
        raise ValueError(f'by must be "condition" or "study", not {by!r}')
    rows = []
    for label, part in [*((g, coded[keys == g]) for g in groups), ("overall", coded)]:
        a, b = part["coder_a"].astype(str), part["coder_b"].astype(str)
        with warnings.catch_warnings():  # one category throughout: kappa is NaN by design
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            kappa = cohen_kappa_score(a, b, labels=VALUES) if len(part) else float("nan")
        rows.append({by: label, "n": len(part), "agreement": (a == b).mean() if len(part) else float("nan"),
                     "kappa": kappa})
    return pd.DataFrame(rows)


def crosswalk_matrix(tables: dict[str, pd.DataFrame], lang: str = "en") -> pd.DataFrame:
    """Cross-study conditions x study framework dimensions (core / partial / empty)."""
    codebook = tables["codebook"].set_index("code_id")
    walk = tables["crosswalk"].copy()
    walk["study_id"] = walk["framework_id"].map(codebook["study_id"])
    walk["dimension"] = walk["framework_id"].map(localized(codebook, "label", lang))
    walk["column"] = walk["study_id"] + ": " + walk["dimension"]
    matrix = walk.pivot_table(index="condition_id", columns="column", values="strength", aggfunc="first")
    codes = condition_codes(tables)["code_id"]
    return matrix.reindex(index=[c for c in codes if c in matrix.index]).fillna("")


def _study_of_rows(name: str, frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series | None:
    """The study each row belongs to, also for tables that reach their study through a key."""
    if "study_id" in frame:
        return frame["study_id"]
    if name == "case_conditions":
        return frame["case_id"].map(tables["cases"].set_index("case_id")["study_id"])
    if name == "crosswalk":
        return frame["framework_id"].map(tables["codebook"].set_index("code_id")["study_id"])
    return None


def table_counts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per table, in all and per study; actors and references count once per study naming them."""
    studies = tables["studies"]["study_id"].tolist()
    per_study = {"actors": actors_per_study(tables)["study_id"], "references": tables["citations"]["study_id"]}
    rows = []
    for name, frame in tables.items():
        owner = per_study.get(name, _study_of_rows(name, frame, tables))
        counts = owner.value_counts() if owner is not None else pd.Series(dtype="int64")
        rows.append({"table": name, "all": len(frame), **{s: int(counts.get(s, 0)) for s in studies}})
    return pd.DataFrame(rows).set_index("table")


def summary_text(tables: dict[str, pd.DataFrame]) -> str:
    """The ``summary`` command's report: counts, unknowns per condition, intercoder kappa."""
    counts = table_counts(tables).to_string()
    unknowns = unknown_counts(tables).to_string()
    kappa = intercoder_kappa(tables).round(3).to_string(index=False)
    by_study = intercoder_kappa(tables, by="study").round(3).to_string(index=False)
    n_focal = len(focal_cases(tables))
    return (f"Rows per table and study (actors, references: distinct ones each study names):\n{counts}\n\n"
            f"Focal cases: {n_focal}. Unknown final values per condition:\n{unknowns}\n\n"
            f"Intercoder agreement (Cohen's kappa, coder_a vs coder_b):\n{kappa}\n\n"
            f"Intercoder agreement per study:\n{by_study}\n")


def expectations_table(tables: dict[str, pd.DataFrame], lang: str = "en") -> pd.DataFrame:
    """Each directional expectation with its study dimension and the quote stating it."""
    codebook = tables["codebook"].set_index("code_id")
    table = tables["condition_expectations"].merge(
        tables["evidence"][["evidence_id", "quote", "location"]], on="evidence_id", how="left")
    table["dimension"] = table["framework_id"].map(localized(codebook, "label", lang))
    order = condition_codes(tables, "condition")["code_id"].tolist()
    table["_order"] = table["condition_id"].map({c: i for i, c in enumerate(order)})
    columns = ["condition_id", "expected_direction", "study_id", "dimension", "quote", "location", "evidence_id",
               "rationale_en"]
    return table.sort_values(["_order", "study_id", "framework_id"])[columns].reset_index(drop=True)


def condition_expectations(tables: dict[str, pd.DataFrame], conditions) -> dict[str, object]:
    """The expectation per condition for the intermediate solution: 1 or 0 where every study
    stating one agrees, ``'-'`` where none states one or they disagree (no easy claim then)."""
    stated = tables["condition_expectations"].groupby("condition_id")["expected_direction"].agg(set)
    return {c: int(next(iter(stated[c]))) if c in stated and len(stated[c]) == 1 else "-" for c in conditions}


def crosswalk_condition_sets(tables: dict[str, pd.DataFrame], conditions) -> dict[str, list[str]]:
    """Condition sets the crosswalk supports, from the chosen ``conditions``: all of them,
    and per study those its own framework maps to (two or more), for the robustness sweep."""
    walk = tables["crosswalk"].assign(
        study_id=lambda w: w["framework_id"].map(tables["codebook"].set_index("code_id")["study_id"]))
    sets = {"chosen": list(conditions)}
    for study in tables["studies"]["study_id"]:
        mapped = set(walk.loc[walk["study_id"] == study, "condition_id"])
        subset = [c for c in conditions if c in mapped]
        if len(subset) >= 2 and subset != list(conditions) and subset not in sets.values():
            sets[study] = subset
    return sets


def term_case_evidence(term_cases: pd.DataFrame, tables: dict[str, pd.DataFrame], conditions, outcome: str,
                       lang: str = "en") -> pd.DataFrame:
    """Each case behind a solution term with the coded cells that put it there (the term's
    conditions and the outcome; all chosen conditions for an uncovered case), each with its
    value, quote and evidence id: the path from a term to its cases to their quotes."""
    cells = matrix_evidence(tables, lang)[["case_id", "case", "condition_id", "value", "quote", "evidence_id"]]
    rows = []
    for row in term_cases.itertuples(index=False):
        used = ([literal.lstrip("~") for literal in row.term.split("*")] if row.term else list(conditions))
        for condition in [*used, outcome]:
            rows.append({"model": row.model, "term": row.term, "role": row.role, "case_id": row.case,
                         "condition_id": condition})
    linked = pd.DataFrame(rows, columns=["model", "term", "role", "case_id", "condition_id"]).merge(
        cells, on=["case_id", "condition_id"], how="left")
    return linked[["model", "term", "role", "case_id", "case", "condition_id", "value", "quote", "evidence_id"]]
