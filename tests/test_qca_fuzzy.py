"""platgov_analysis.qca on fuzzy sets, against R ``QCA``'s published results on the Lipset
fuzzy data ``LF``. Expected values and their sources: tests/fixtures/lipset_fuzzy_published.csv
and tests/fixtures/README.md."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from platgov_analysis import qca

FIXTURES = Path(__file__).parent / "fixtures"
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]
PUBLISHED = pd.read_csv(FIXTURES / "lipset_fuzzy_published.csv", dtype={"expectations": str})


@pytest.fixture(scope="module")
def lf():
    return pd.read_csv(FIXTURES / "lipset_fuzzy.csv", index_col="case")


def expectations_of(text):
    return None if pd.isna(text) else dict(zip(CONDITIONS, (int(v) for v in text.split(","))))


def published_models():
    fits = PUBLISHED[PUBLISHED["what"] == "fit"]
    return [(cut, exp, solution, expression, part)
            for (cut, exp, solution, expression), part in fits.groupby(
                ["incl_cut", "expectations", "solution", "expression"], dropna=False, sort=False)]


@pytest.mark.parametrize(("incl_cut", "expectations", "solution", "expression", "expected"), published_models(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_solutions_and_fit_match_published(lf, incl_cut, expectations, solution, expression, expected):
    truth = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=incl_cut)
    models = qca.solutions(truth, CONDITIONS, expectations_of(expectations))[solution]
    as_terms = [set(qca.format_solution(m, CONDITIONS).split(" + ")) for m in models]
    published = set(expression.split(" + "))
    assert published in as_terms
    if solution != "intermediate" or expectations == "1,1,1,1,1":
        assert as_terms == [published]  # a unique model, as R prints
    model = models[as_terms.index(published)]
    result = qca.fit(lf, model, CONDITIONS, "SURV")
    for row in expected.itertuples(index=False):
        for column in ("inclS", "PRI", "covS", "covU"):
            value = getattr(row, column)
            if column == "covU" and pd.isna(value) and row.term != "solution":
                value = getattr(row, "covS") if len(published) == 1 else np.nan  # R prints "-"
            if pd.notna(value):
                assert round(result.loc[row.term, column], 3) == pytest.approx(value), (row.term, column)


def test_truth_table_rows_and_counts_match_published(lf):
    truth = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8)
    positive = truth[truth["OUT"] == 1]
    # one-row conservative terms give the published incl and PRI of the positive rows
    fits = PUBLISHED.query("what == 'fit' and solution == 'conservative' and incl_cut == 0.8")
    for row in fits[fits["term"] != "solution"].itertuples(index=False):
        config = qca.parse_term(row.term, CONDITIONS)
        match = positive[(positive[CONDITIONS] == pd.Series(config)).all(axis=1)]
        assert round(match["incl"].item(), 3) == row.inclS and round(match["PRI"].item(), 3) == row.PRI
    counts = PUBLISHED.query("what == 'out_counts'")["expression"].item()
    by_out = {out: int(truth.loc[truth["OUT"] == out, "n"].sum()) for out in (1, 0)}
    assert f"{by_out[1]}/{by_out[0]}/0" == counts


def test_truth_table_rows_follow_the_fuzzy_formulas(lf):
    truth = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8, complete=True)
    assert len(truth) == 32 and (truth["OUT"] == "?").sum() == 32 - (truth["n"] > 0).sum()
    y = lf["SURV"].to_numpy()
    for row in truth[truth["n"] > 0].itertuples(index=False):
        config = dict(zip(CONDITIONS, row[:5]))
        m = np.min([lf[c] if v else 1 - lf[c] for c, v in config.items()], axis=0)
        assert row.incl == pytest.approx(np.minimum(m, y).sum() / m.sum())
        both = np.minimum(np.minimum(m, y), 1 - y).sum()
        assert row.PRI == pytest.approx((np.minimum(m, y).sum() - both) / (m.sum() - both))
        assert row.n == sum((m > 0.5))
    assert truth["n"].sum() == len(lf)
    diversity = qca.limited_diversity(truth, CONDITIONS).iloc[0]
    assert diversity["configurations"] == 32 and diversity["observed"] == (truth["n"] > 0).sum()


def test_contradictory_simplifying_assumptions_match_published(lf):
    truth = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8)
    negated = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8, negate_outcome=True)
    rows = [int("".join(map(str, c)), 2) + 1 for c in qca.contradictory_simplifying_assumptions(truth, negated, CONDITIONS)]
    expected = PUBLISHED.query("what == 'contradictory_assumptions'")["expression"].item()
    assert rows == [int(r) for r in expected.split(",")]


def test_enhanced_analysis_excludes_contradictory_assumptions(lf):
    truth = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8)
    negated = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8, negate_outcome=True)
    csa = qca.contradictory_simplifying_assumptions(truth, negated, CONDITIONS)
    enhanced = qca.exclude_remainders(truth, CONDITIONS, csa)
    for model in qca.minimize(enhanced, CONDITIONS, include_remainders=True):
        assert not set(qca.simplifying_assumptions(truth, CONDITIONS, model)) & set(csa)
    with pytest.raises(ValueError, match="only remainders"):
        qca.exclude_remainders(truth, CONDITIONS, [(1, 1, 1, 1, 1)])


def test_simplifying_assumptions_of_the_parsimonious_solution(lf):
    truth = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8)
    (model,) = qca.minimize(truth, CONDITIONS, include_remainders=True)
    assumptions = qca.simplifying_assumptions(truth, CONDITIONS, model)
    covered = qca.covered_configurations(model, CONDITIONS)
    assert set(assumptions) == covered - set(map(tuple, truth[CONDITIONS].to_numpy()))
    table = qca.counterfactuals(truth, CONDITIONS, dict.fromkeys(CONDITIONS, 1))
    easy = table[table["counterfactual"] == "easy"][CONDITIONS].apply(tuple, axis=1).tolist()
    assert easy == [(1, 1, 1, 0, 1)]  # the one remainder the published intermediate solution adds
    assert len(table) == len(assumptions)


def test_prime_implicant_chart_and_essentials(lf):
    truth = qca.truth_table(lf, CONDITIONS, "SURV", incl_cut=0.8)
    chart = qca.prime_implicant_chart(truth, CONDITIONS, include_remainders=True)
    assert chart.columns.tolist() == ["10101", "11111"]
    assert qca.essential_implicants(chart) == ["DEV*~IND", "URB*STB"]
    assert chart.loc["DEV*~IND"].tolist() == [True, False]


def test_fuzzy_necessity_follows_the_formulas(lf):
    result = qca.necessity(lf, CONDITIONS, "SURV")
    x, y = lf["STB"].to_numpy(), lf["SURV"].to_numpy()
    assert result.loc["STB", "inclN"] == pytest.approx(np.minimum(x, y).sum() / y.sum())
    assert result.loc["STB", "covN"] == pytest.approx(np.minimum(x, y).sum() / x.sum())
    assert result.loc["STB", "RoN"] == pytest.approx((1 - x).sum() / (1 - np.minimum(x, y)).sum())
    assert result.loc["~STB", "inclN"] == pytest.approx(np.minimum(1 - x, y).sum() / y.sum())


def test_suin_disjunction_matches_published_lc():
    lc = pd.read_csv(FIXTURES / "lipset_crisp.csv", index_col="case")
    result = qca.necessity_disjunctions(lc, CONDITIONS, "SURV", incl_cut=1.0, max_literals=2)
    assert result.index.tolist() == ["~URB + IND"]
    assert result.loc["~URB + IND"].round(3).tolist() == [1.0, 0.0, 0.444]


def test_half_memberships_belong_to_no_row():
    data = pd.DataFrame({"A": [0.5, 0.9, 0.2], "Y": [1.0, 0.8, 0.1]}, index=["p", "q", "r"])
    truth = qca.truth_table(data, ["A"], "Y", incl_cut=0.8)
    assert truth["n"].tolist() == [1, 1] and truth["cases"].tolist() == ["r", "q"]
