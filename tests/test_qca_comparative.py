"""The comparative QCA on platgov's own data model: cases behind terms, cluster fit,
robustness runs, and the directional expectations table (schema and use)."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from platgov_analysis import cases, data, qca

FIXTURES = Path(__file__).parent / "fixtures"
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]


@pytest.fixture(scope="module")
def lipset():
    return pd.read_csv(FIXTURES / "lipset_crisp.csv", index_col="case")


@pytest.fixture(scope="module")
def tables():
    return data.load_tables()


def test_term_cases_typical_deviant_and_uncovered(lipset):
    model = [{"DEV": 1, "STB": 1}, {"URB": 1, "IND": 1}]
    found = qca.term_cases(lipset, [model], CONDITIONS, "SURV")
    urb_ind = found[found["term"] == "URB*IND"]
    assert set(urb_ind.loc[urb_ind["role"] == "deviant_consistency", "case"]) == {"DE"}
    assert set(found.loc[found["term"] == "DEV*STB", "role"]) == {"typical"}
    narrow = qca.term_cases(lipset, [[{"DEV": 1, "URB": 1, "STB": 1}]], CONDITIONS, "SURV")
    assert set(narrow.loc[narrow["role"] == "uncovered", "case"]) == {"FI", "IE", "FR", "SE"}


def test_cluster_diagnostics_pooled_between_within(lipset):
    model = [{"DEV": 1, "STB": 1}]
    clusters = pd.Series(["north" if c in {"FI", "SE", "EE", "UK", "NL", "IE"} else "south" for c in lipset.index],
                         index=lipset.index)
    table = qca.cluster_diagnostics(lipset, model, CONDITIONS, "SURV", clusters).set_index(["level", "cluster"])
    fitted = qca.fit(lipset, model, CONDITIONS, "SURV").loc["solution"]
    assert table.loc[("pooled", ""), "consistency"] == pytest.approx(fitted["inclS"])
    assert table.loc[("pooled", ""), "coverage"] == pytest.approx(fitted["covS"])
    assert table.loc[("within", "north"), "cases"] == 6
    north = lipset.loc[clusters == "north"]
    assert table.loc[("within", "north"), "coverage"] == pytest.approx(
        qca.fit(north, model, CONDITIONS, "SURV").loc["solution", "covS"])
    assert table.loc[("between", ""), "cases"] == 2


def with_unknowns(lipset):
    frame = lipset.astype(object)
    frame.loc["FI", "STB"] = "unknown"
    frame.loc["GR", ["DEV", "LIT"]] = "unknown"
    return frame


def test_completion_runs_enumerate_every_filling_up_to_the_cap(lipset):
    runs = qca.completion_runs(with_unknowns(lipset), CONDITIONS, "SURV")
    assert runs["run"].nunique() == 8 and runs["run"].iloc[0] == "all 1/8"
    assert (runs["cases"] == len(lipset)).all()
    # FI with STB = 0 (a surviving unstable democracy) needs a second term, unless GR's filling
    # (DEV = LIT = 1) makes FI's row contradictory: 3 of the 8 fillings lose DEV*STB alone
    models = qca.model_shares(runs).query("solution == 'parsimonious'").set_index("expression")
    assert models.loc["DEV*STB", "share"] == pytest.approx(5 / 8)
    terms = qca.term_shares(runs).query("solution == 'parsimonious'").set_index("term")
    assert terms.loc["DEV*STB", "share"] == 1
    sampled = qca.completion_runs(with_unknowns(lipset), CONDITIONS, "SURV", cap=4, seed=1)
    assert sampled["run"].nunique() == 4 and sampled["run"].iloc[0].startswith("sample 1/4 of 2^3")
    assert sampled.equals(qca.completion_runs(with_unknowns(lipset), CONDITIONS, "SURV", cap=4, seed=1))


def test_robustness_runs_gather_every_check_and_are_kept_by_the_values(lipset, tmp_path, monkeypatch):
    groups = pd.Series(["a"] * 9 + ["b"] * 9, index=lipset.index)
    unknown = with_unknowns(lipset)
    codings = {"one": unknown, "value": unknown}
    sets = {"all": CONDITIONS, "three": ["DEV", "LIT", "STB"]}
    options = {"incl_cuts": (1.0, 0.8), "incl_cut": 1.0}
    fresh = qca.robustness_runs(codings, groups, sets, CONDITIONS, "SURV", **options)
    assert list(fresh["check"].unique()) == ["coder", "completion", "leave_one_out", "sweep"]
    assert fresh.equals(pd.concat([
        qca.coder_runs(codings, CONDITIONS, "SURV", incl_cut=1.0),
        qca.completion_runs(unknown, CONDITIONS, "SURV", incl_cut=1.0),
        qca.leave_one_out_runs(unknown, groups, CONDITIONS, "SURV", incl_cut=1.0),
        qca.sweep_runs(unknown, sets, "SURV", incl_cuts=(1.0, 0.8)),
    ], ignore_index=True))
    monkeypatch.setenv("PLATGOV_CACHE", str(tmp_path))
    assert qca.robustness_runs(codings, groups, sets, CONDITIONS, "SURV", **options).equals(fresh)
    monkeypatch.setattr(qca.robustness, "completion_runs", None)  # kept: not solved again
    assert qca.robustness_runs(codings, groups, sets, CONDITIONS, "SURV", **options).equals(fresh)
    with pytest.raises(TypeError):  # other values: solved again
        qca.robustness_runs({**codings, "value": lipset}, groups, sets, CONDITIONS, "SURV", **options)


def test_robust_core_needs_every_check(lipset):
    groups = pd.Series(["a"] * 9 + ["b"] * 9, index=lipset.index)
    runs = pd.concat([
        qca.coder_runs({"one": lipset, "two": lipset}, CONDITIONS, "SURV"),
        qca.leave_one_out_runs(lipset, groups, CONDITIONS, "SURV"),
        qca.sweep_runs(lipset, {"all": CONDITIONS, "three": ["DEV", "LIT", "STB"]}, "SURV", incl_cuts=(1.0, 0.8)),
    ], ignore_index=True)
    shares = qca.term_shares(runs)
    assert set(shares["check"]) == {"coder", "leave_one_out", "sweep"}
    core = set(zip(*qca.robust_core(shares)[["solution", "term"]].to_numpy().T))
    lowest = shares.groupby(["solution", "term"])["share"].min()
    everywhere = shares.groupby(["solution", "term"])["check"].nunique() == 3
    assert core == {key for key in lowest.index if lowest[key] == 1 and everywhere[key]}
    assert ("parsimonious", "DEV*STB") not in core  # one study left out loses it
    assert shares.query("check == 'coder' and solution == 'parsimonious' and term == 'DEV*STB'")["share"].item() == 1
    models = qca.model_shares(runs)
    assert (models["share"] <= 1).all() and (models["present"] <= models["runs"]).all()


def test_expectations_table_and_mapping(tables):
    table = cases.expectations_table(tables, "zh")
    assert table["quote"].notna().all() and set(table["expected_direction"]) <= {"1", "0"}
    walk = set(zip(tables["crosswalk"]["condition_id"], tables["crosswalk"]["framework_id"]))
    assert set(zip(tables["condition_expectations"]["condition_id"],
                   tables["condition_expectations"]["framework_id"])) <= walk
    codebook = tables["codebook"].set_index("code_id")
    stated = tables["condition_expectations"]
    assert (stated["framework_id"].map(codebook["study_id"]) == stated["study_id"]).all()
    conditions = cases.condition_codes(tables, "condition")["code_id"].tolist()
    mapping = cases.condition_expectations(tables, conditions)
    assert set(mapping) == set(conditions) and set(mapping.values()) <= {1, 0, "-"}


def test_an_expectation_outside_the_crosswalk_does_not_validate(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, folder)
    path = folder / "condition_expectations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("LEAD,qian2025.structural-embedding", "LEAD,qian2025.sensing-channels"),
                    encoding="utf-8")
    problems = data.validate(folder)
    assert any("condition_expectations.csv" in p and "crosswalk" in p for p in problems), problems


def test_term_case_evidence_links_terms_to_quotes(tables):
    matrix = cases.case_matrix(tables)
    conditions = ["LEAD", "DATA", "FEEDBACK"]
    complete, _ = qca.complete_cases(matrix, conditions, "EFFECT")
    truth = qca.truth_table(complete, conditions, "EFFECT")
    models = qca.minimize(truth, conditions, include_remainders=True)
    found = qca.term_cases(complete, models, conditions, "EFFECT")
    linked = cases.term_case_evidence(found, tables, conditions, "EFFECT")
    assert set(linked["case_id"]) == set(found["case"])
    known = linked[linked["value"] != "unknown"]
    assert known["quote"].notna().all() and known["evidence_id"].notna().all()
