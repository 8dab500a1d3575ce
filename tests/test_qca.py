"""Tests for platgov_analysis.qca against the published Lipset csQCA benchmark.

Expected values come from /work/shared/qca-benchmarks/README.md (R package ``QCA``, data ``LC``;
Rihoux & De Meur 2009, p. 57); see tests/fixtures/README.md.
"""

import importlib
import io
from itertools import combinations, product
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platgov_analysis import qca

FIXTURE = Path(__file__).parent / "fixtures" / "lipset_crisp.csv"
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]


@pytest.fixture(scope="module")
def lipset():
    return pd.read_csv(FIXTURE, index_col="case")


def solutions_as_strings(data, negate_outcome, include_remainders):
    table = qca.truth_table(data, CONDITIONS, "SURV", negate_outcome=negate_outcome)
    solutions = qca.minimize(table, CONDITIONS, include_remainders=include_remainders)
    return [qca.format_solution(s, CONDITIONS) for s in solutions]


def test_truth_table_matches_published(lipset):
    # DEV URB LIT IND STB | OUT n incl
    expected = [
        (0, 0, 0, 0, 0, 0, 3, 0.0),
        (0, 0, 0, 0, 1, 0, 2, 0.0),
        (0, 0, 1, 0, 0, 0, 2, 0.0),
        (0, 0, 1, 0, 1, 0, 1, 0.0),
        (1, 0, 1, 0, 1, 1, 2, 1.0),
        (1, 0, 1, 1, 0, 0, 1, 0.0),
        (1, 0, 1, 1, 1, 1, 2, 1.0),
        (1, 1, 1, 1, 0, 0, 1, 0.0),
        (1, 1, 1, 1, 1, 1, 4, 1.0),
    ]
    table = qca.truth_table(lipset, CONDITIONS, "SURV")
    assert len(table) == 9
    for row, (*config, out, n, incl) in zip(table.itertuples(index=False), expected):
        assert [getattr(row, c) for c in CONDITIONS] == config
        assert row.OUT == out
        assert row.n == n
        assert row.incl == pytest.approx(incl, abs=5e-4)
        assert row.PRI == pytest.approx(incl, abs=5e-4)  # crisp sets: PRI equals incl
        assert not row.contradictory
    assert table["n"].sum() == len(lipset)
    assert table.loc[8, "cases"] == "BE,CZ,NL,UK"


def test_truth_table_n_cut_makes_remainders_and_flags_contradictions():
    data = pd.DataFrame(
        {"A": [1, 1, 1, 0], "Y": [1, 1, 0, 0]}, index=["p", "q", "r", "s"]
    )
    table = qca.truth_table(data, ["A"], "Y", incl_cut=0.6, n_cut=2)
    assert table["OUT"].tolist() == ["?", 1]
    assert table["contradictory"].tolist() == [False, True]
    assert table.loc[1, "incl"] == pytest.approx(2 / 3)
    assert table.loc[1, "cases"] == "p,q,r"


@pytest.mark.parametrize(
    ("negate_outcome", "include_remainders", "expected"),
    [
        (False, False, "DEV*~URB*LIT*STB + DEV*LIT*IND*STB"),
        (False, True, "DEV*STB"),
        (True, False, "~DEV*~URB*~IND + DEV*LIT*IND*~STB"),
        (True, True, "~DEV + ~STB"),
    ],
)
def test_solutions_match_published(lipset, negate_outcome, include_remainders, expected):
    assert solutions_as_strings(lipset, negate_outcome, include_remainders) == [expected]


def fit_for(data, negate_outcome, include_remainders):
    table = qca.truth_table(data, CONDITIONS, "SURV", negate_outcome=negate_outcome)
    (solution,) = qca.minimize(table, CONDITIONS, include_remainders=include_remainders)
    return qca.fit(data, solution, CONDITIONS, "SURV", negate_outcome=negate_outcome)


def test_fit_complex_surv(lipset):
    result = fit_for(lipset, False, False)
    assert result.index.tolist() == ["DEV*~URB*LIT*STB", "DEV*LIT*IND*STB", "solution"]
    expected = {
        "DEV*~URB*LIT*STB": (1.000, 0.500, 0.250),
        "DEV*LIT*IND*STB": (1.000, 0.750, 0.500),
    }
    for term, (incl_s, cov_s, cov_u) in expected.items():
        assert result.loc[term, "inclS"] == pytest.approx(incl_s, abs=5e-4)
        assert result.loc[term, "covS"] == pytest.approx(cov_s, abs=5e-4)
        assert result.loc[term, "covU"] == pytest.approx(cov_u, abs=5e-4)
    assert result.loc["solution", "inclS"] == pytest.approx(1.000, abs=5e-4)
    assert result.loc["solution", "covS"] == pytest.approx(1.000, abs=5e-4)


def test_fit_parsimonious_surv(lipset):
    result = fit_for(lipset, False, True)
    assert result.loc["DEV*STB", "covS"] == pytest.approx(1.000, abs=5e-4)
    assert result.loc["solution", "covS"] == pytest.approx(1.000, abs=5e-4)


def test_fit_parsimonious_not_surv(lipset):
    result = fit_for(lipset, True, True)
    assert result.loc["~DEV", "covS"] == pytest.approx(0.800, abs=5e-4)
    assert result.loc["~STB", "covS"] == pytest.approx(0.700, abs=5e-4)
    assert result.loc["~DEV", "covU"] == pytest.approx(0.300, abs=5e-4)
    assert result.loc["~STB", "covU"] == pytest.approx(0.200, abs=5e-4)


@pytest.mark.parametrize(
    ("condition", "incl_n", "ro_n", "cov_n"),
    [("DEV", 1.000, 0.800, 0.800), ("STB", 1.000, 0.700, 0.727), ("LIT", 1.000, 0.500, 0.615)],
)
def test_necessity_matches_published(lipset, condition, incl_n, ro_n, cov_n):
    result = qca.necessity(lipset, CONDITIONS, "SURV")
    assert round(result.loc[condition, "inclN"], 3) == incl_n
    assert round(result.loc[condition, "RoN"], 3) == ro_n
    assert round(result.loc[condition, "covN"], 3) == cov_n
    assert result.loc[f"~{condition}", "inclN"] == pytest.approx(1 - incl_n)


def test_model_ambiguity_returns_every_minimal_solution():
    # Cyclic function: on-set 000,001,010,101,110,111; off-set 011,100. Six prime implicants,
    # two different three-term covers and no two-term cover.
    on = {(0, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1)}
    configs = list(product((0, 1), repeat=3))
    table = pd.DataFrame(configs, columns=["A", "B", "C"])
    table["OUT"] = pd.Series([int(c in on) for c in configs], dtype=object)
    for include_remainders in (False, True):
        solutions = qca.minimize(table, ["A", "B", "C"], include_remainders=include_remainders)
        assert [qca.format_solution(s, ["A", "B", "C"]) for s in solutions] == [
            "~A*~B + A*C + B*~C",
            "~A*~C + A*B + ~B*C",
        ]


def test_complete_cases_never_codes_unknown_as_zero(lipset):
    csv = FIXTURE.read_text()
    csv = csv.replace("FI,1,0,1,0,1,1", "FI,1,0,1,0,unknown,1")
    csv = csv.replace("GR,0,0,0,0,0,0", "GR,unknown,0,unknown,0,0,0")
    csv = csv.replace("AU,1,0,1,1,0,0", "AU,,0,1,1,0,0")  # empty cell: also unknown
    data = pd.read_csv(io.StringIO(csv), index_col="case")
    complete, excluded = qca.complete_cases(data, CONDITIONS, "SURV")
    assert sorted(complete.index) == sorted(set(lipset.index) - {"FI", "GR", "AU"})
    assert (complete.dtypes == "int64").all()
    pd.testing.assert_frame_equal(complete, lipset.loc[complete.index])
    assert excluded["reason"].to_dict() == {
        "AU": "unknown: DEV",
        "FI": "unknown: STB",
        "GR": "unknown: DEV, LIT",
    }
    with pytest.raises(ValueError, match="complete_cases"):
        qca.truth_table(data, CONDITIONS, "SURV")


def test_complete_cases_rejects_invalid_values(lipset):
    data = lipset.astype(object)
    data.loc["FI", "STB"] = 2
    with pytest.raises(ValueError, match="FI/STB"):
        qca.complete_cases(data, CONDITIONS, "SURV")


def test_sensitivity_to_single_unknowns(lipset):
    data = lipset.astype(object)
    data.loc["FI", "STB"] = "unknown"
    data.loc["AU", "DEV"] = "unknown"
    data.loc["GR", ["DEV", "LIT"]] = "unknown"
    result = qca.sensitivity(data, CONDITIONS, "SURV").set_index(["case", "field"])
    assert sorted(result.index) == [("AU", "DEV"), ("FI", "STB"), ("GR", "DEV"), ("GR", "LIT")]
    assert (result["baseline"] == "DEV*STB").all()
    assert result.loc[("AU", "DEV"), "if_0"] == "DEV*STB"
    assert not result.loc[("AU", "DEV"), "changed"]
    # FI with STB = 0 would be a surviving unstable democracy: DEV*STB no longer suffices.
    assert result.loc[("FI", "STB"), "if_1"] == "DEV*STB"
    assert "DEV*~URB + DEV*STB" in result.loc[("FI", "STB"), "if_0"].split(" | ")
    assert result.loc[("FI", "STB"), "changed"]
    # GR stays incomplete whichever way one of its two unknowns goes.
    assert result.loc[("GR", "DEV"), "other_unknown"] == "LIT"
    assert pd.isna(result.loc[("GR", "DEV"), "changed"])


# --- property tests on random truth tables -------------------------------------------------


@st.composite
def random_truth_tables(draw):
    """Tables of 3-4 conditions; each configuration positive, negative, '?' or unobserved."""
    k = draw(st.integers(3, 4))
    statuses = draw(st.lists(st.sampled_from([1, 0, "?", None]), min_size=2**k, max_size=2**k))
    conditions = [f"C{i}" for i in range(k)]
    rows = [
        (*config, status)
        for config, status in zip(product((0, 1), repeat=k), statuses)
        if status is not None
    ]
    table = pd.DataFrame(rows, columns=[*conditions, "OUT"]).astype({"OUT": object})
    return conditions, table


def covers(term, config):
    return all(v is None or v == c for v, c in zip(term, config))


def brute_force_minimal_covers(k, positives, off):
    """All fewest-term covers of ``positives`` by prime implicants that avoid ``off``."""
    configs = list(product((0, 1), repeat=k))
    index = {c: i for i, c in enumerate(configs)}

    def mask(term):
        return sum(1 << index[c] for c in configs if covers(term, c))

    off_mask = sum(1 << index[c] for c in off)
    target = sum(1 << index[c] for c in positives)
    implicants = [t for t in product((0, 1, None), repeat=k) if not mask(t) & off_mask]
    implicant_set = set(implicants)
    primes = [
        t
        for t in implicants
        if mask(t) & target
        and not any(
            t[:i] + (None,) + t[i + 1 :] in implicant_set for i in range(k) if t[i] is not None
        )
    ]
    masks = {t: mask(t) for t in primes}
    found, size = set(), 0
    while not found:
        size += 1
        for combo in combinations(primes, size):
            union = 0
            for t in combo:
                union |= masks[t]
            if union & target == target:
                found.add(frozenset(combo))
    return found


@settings(derandomize=True, max_examples=300, deadline=None)
@given(random_truth_tables(), st.booleans())
def test_minimize_is_exact_and_complete(generated, include_remainders):
    conditions, table = generated
    k = len(conditions)
    status = {tuple(row[:k]): row[k] for row in table.itertuples(index=False)}
    positives = {c for c, s in status.items() if s == 1}
    negatives = {c for c, s in status.items() if s == 0}
    solutions = qca.minimize(table, conditions, include_remainders=include_remainders)
    if not positives:
        assert solutions == []
        return
    # Conservative solutions treat remainders as OFF; parsimonious ones as don't-cares.
    off = negatives if include_remainders else set(product((0, 1), repeat=k)) - positives
    as_tuples = {
        frozenset(tuple(term.get(c) for c in conditions) for term in solution)
        for solution in solutions
    }
    assert len(as_tuples) == len(solutions)
    assert len({len(solution) for solution in solutions}) == 1
    for solution in as_tuples:
        assert all(any(covers(t, c) for t in solution) for c in positives)
        assert not any(covers(t, c) for t in solution for c in off)
    expected = brute_force_minimal_covers(k, positives, off)
    assert {len(s) for s in expected} == {len(next(iter(as_tuples)))}
    assert as_tuples == expected
    assert qca.minimize(table, conditions, include_remainders=include_remainders) == solutions


def test_solutions_table_lists_complex_and_parsimonious_models_with_fit(lipset):
    conditions = ["DEV", "URB", "LIT", "IND", "STB"]
    truth = qca.truth_table(lipset, conditions, "SURV")
    table, fits = qca.solutions_table(lipset, truth, conditions, "SURV")
    assert table[["solution", "model", "expression"]].values.tolist() == [
        ["conservative", 1, "DEV*~URB*LIT*STB + DEV*LIT*IND*STB"], ["parsimonious", 1, "DEV*STB"]]
    assert table["inclS"].tolist() == [1.0, 1.0] and table["covS"].tolist() == [1.0, 1.0]
    assert fits["conservative M1: DEV*~URB*LIT*STB + DEV*LIT*IND*STB"].loc["DEV*~URB*LIT*STB", "covU"] == pytest.approx(0.25)


# --- intermediate solutions: properties on random truth tables ------------------------------


@settings(derandomize=True, max_examples=300, deadline=None)
@given(random_truth_tables(), st.lists(st.sampled_from([1, 0, "-"]), min_size=4, max_size=4))
def test_intermediate_lies_between_conservative_and_parsimonious(generated, directions):
    conditions, table = generated
    expectations = dict(zip(conditions, directions))
    positives = {tuple(row[:-1]) for row in table.itertuples(index=False) if row[-1] == 1}
    parsimonious = [qca.covered_configurations(m, conditions)
                    for m in qca.minimize(table, conditions, include_remainders=True)]
    models = qca.intermediate(table, conditions, expectations)
    if not positives:
        assert models == []
        return
    counterfactuals = qca.counterfactuals(table, conditions, expectations)
    easy = set(counterfactuals.loc[counterfactuals["counterfactual"] == "easy", conditions].apply(tuple, axis=1))
    for model in models:
        covered = qca.covered_configurations(model, conditions)
        # as sets of configurations (and so of cases): conservative ⊆ intermediate ⊆ parsimonious
        assert positives <= covered
        assert any(covered <= p for p in parsimonious)
        assert set(qca.simplifying_assumptions(table, conditions, model)) <= easy  # only easy counterfactuals
    if set(directions) == {"-"}:
        assert models == qca.minimize(table, conditions)


def test_intermediate_rejects_bad_expectations(lipset):
    table = qca.truth_table(lipset, CONDITIONS, "SURV")
    with pytest.raises(ValueError, match="not in the analysis"):
        qca.intermediate(table, CONDITIONS, {"GDP": 1})
    with pytest.raises(ValueError, match="must be 1, 0 or '-'"):
        qca.intermediate(table, CONDITIONS, {"DEV": 2})


def test_size_guard_stops_with_a_sentence(monkeypatch):
    conditions = [f"C{i}" for i in range(13)]
    table = pd.DataFrame([[1] * 13 + [1]], columns=[*conditions, "OUT"]).astype({"OUT": object})
    with pytest.raises(ValueError, match="exact minimisation of 13 conditions"):
        qca.minimize(table, conditions, include_remainders=True)
    monkeypatch.setattr(importlib.import_module("platgov_analysis.qca.minimize"), "MAX_COVER_STEPS", 2)
    on = [(0, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1)]
    cyclic = pd.DataFrame(list(product((0, 1), repeat=3)), columns=["A", "B", "C"])
    cyclic["OUT"] = pd.Series([int(tuple(c) in on) for c in product((0, 1), repeat=3)], dtype=object)
    with pytest.raises(ValueError, match="too many covers"):
        qca.minimize(cyclic, ["A", "B", "C"])
