"""Tests for platgov_analysis.studies and .cases: hand-made tables for the arithmetic, the
shipped data (data/*.csv) for the facts of the studies."""

import warnings

import pandas as pd
import pytest

from platgov_analysis import cases, studies
from platgov_analysis.data import load_tables


def frame(rows, columns, integers=()):
    """A DataFrame with the nullable dtypes load_tables uses (None -> <NA>)."""
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({c: ("Int64" if c in integers else "string") for c in columns})


@pytest.fixture(scope="module")
def tables():
    # check=False: validation is tested elsewhere, and a check would write its cache stamp into .build/
    return load_tables(check=False)


# ---------------------------------------------------------------- small helpers

@pytest.mark.parametrize("minutes, shown", [(603, "10h03"), (157, "2h37"), (60, "1h00"), (59, "0h59"), (0, "0h00")])
def test_format_minutes(minutes, shown):
    assert studies.format_minutes(minutes) == shown


def test_format_minutes_missing():
    assert studies.format_minutes(pd.NA) == ""
    assert studies.format_minutes(None) == ""


def test_study_row_unknown_id_names_known_ids():
    table = {"studies": frame([["a2020", "A"], ["b2021", "B"]], ["study_id", "title_en"])}
    assert studies.study_row(table, "b2021")["title_en"] == "B"
    with pytest.raises(ValueError) as info:
        studies.study_row(table, "c2022")
    message = str(info.value)
    assert "c2022" in message and "a2020" in message and "b2021" in message


def test_study_row_unknown_id_real_data(tables):
    with pytest.raises(ValueError, match="song2026.*qian2025|qian2025.*song2026"):
        studies.study_row(tables, "song2062")


def test_study_events_small_table():
    events = frame([["s-d3", "s", "2020-02-11"], ["s-d1", "s", "2019"], ["s-d2", "s", "2020-02"],
                    ["s-d0", "s", "2020-02-01"], ["t-d1", "t", "2001"]], ["event_id", "study_id", "date"])
    result = studies.study_events({"events": events}, "s")
    # 2020-02 and 2020-02-01 start on the same day: event_id breaks the tie
    assert result["event_id"].tolist() == ["s-d1", "s-d0", "s-d2", "s-d3"]
    assert result["precision"].tolist() == ["year", "day", "month", "day"]
    assert result["start"].dt.strftime("%Y-%m-%d").tolist() == ["2019-01-01", "2020-02-01", "2020-02-01", "2020-02-11"]


# ---------------------------------------------------------------- study tables on the shipped data

def test_case_table_song2026(tables):
    table = studies.case_table(tables, "song2026")
    assert table.columns.tolist() == ["case_id", "site", "platform", "expected logic", "interview time (site)",
                                      "interview minutes", "symbol", "outcome", "level", "domain"]
    # 9 focal cases in data/cases.csv: the 8 platforms of the study's Table 1 (with site interview
    # minutes and an outcome symbol) plus the J City public-security big-data platform, which the
    # text discusses but Table 1 does not list (no minutes, no symbol).
    assert len(table) == 9
    in_table_1 = table[table["interview minutes"].notna()]
    assert len(in_table_1) == 8
    assert in_table_1["symbol"].notna().all()
    assert set(in_table_1["symbol"]) == {"○", "△"}
    extra = table[table["interview minutes"].isna()]
    assert extra["case_id"].tolist() == ["song2026.j-psb-big-data-platform"]
    assert extra["interview time (site)"].tolist() == [""]
    j_city = table[table["case_id"] == "song2026.j-intelligence-command"].iloc[0]
    assert j_city["interview time (site)"] == "10h03" and j_city["interview minutes"] == 603
    assert j_city["site"] == "J City" and j_city["outcome"] == "shelved"


def test_case_table_chinese_and_uncoded_columns_dropped(tables):
    zh = studies.case_table(tables, "song2026", lang="zh")
    assert "地点" in zh.columns and "平台" in zh.columns
    assert "情指行一体化平台" in zh["平台"].tolist()
    # wu2022 coded no interview minutes or outcome symbols: those columns are left out
    wu = studies.case_table(tables, "wu2022")
    assert len(wu) == 6  # five platforms of the health-code story plus Zhejiang's 數字抗疫信息平臺
    for column in ("interview time (site)", "interview minutes", "symbol"):
        assert column not in wu.columns
    assert {"case_id", "platform", "outcome"} <= set(wu.columns)


def test_site_interview_time_song2026(tables):
    sites = studies.site_interview_time(tables, "song2026")
    assert len(sites) == 7
    by_site = sites.set_index("site")
    assert by_site.loc["J City", "minutes"] == 603
    assert by_site.loc["J City", "platforms"] == 2
    assert by_site.loc["J City", "outcome"] == "mixed"  # one shelved, one underperforming
    assert by_site.loc["J City", "evidence"] == "song2026-e028;song2026-e030"
    assert (by_site.drop("J City")["platforms"] == 1).all()
    assert by_site.loc["F City", "outcome"] == "underperforming"
    # minutes counted once per site: 603 + 157 + 263 + 131 + 122 + 190 + 575
    assert sites["minutes"].sum() == 2041
    zh = studies.site_interview_time(tables, "song2026", lang="zh").set_index("site")
    assert zh.loc["J市", "minutes"] == 603
    assert zh.loc["J市", "outcome"] == "mixed" and zh.loc["J市", "outcome_label"] == "不一"
    assert zh.loc["F市", "outcome_label"] == "未达预期"


def test_outcome_tally_song2026(tables):
    # data/cases.csv, focal song2026 cases: shelved (○) = intelligence-command, Q big-data trading,
    # N smart community, C data lifecycle, Y integrated public data -> 5; underperforming (△) =
    # smart policing, X one-stop approval, F joint approval -> 3, plus the J City PSB big-data
    # platform (not in Table 1, coded underperforming from the text) -> 4.
    tally = studies.outcome_tally(tables, "song2026")
    assert tally.to_dict() == {"underperforming": 4, "shelved": 5}
    assert tally.index.tolist() == ["underperforming", "shelved"]  # OUTCOME_ORDER
    assert tally.sum() == len(studies.case_table(tables, "song2026"))


def test_study_events_real_data(tables):
    seen = set()
    for study_id in tables["studies"]["study_id"]:
        events = studies.study_events(tables, study_id)
        assert events["start"].is_monotonic_increasing, study_id
        assert events["start"].notna().all()
        assert set(events["precision"]) <= {"year", "month", "day"}
        expected = events["date"].str.len().map({4: "year", 7: "month", 10: "day"})
        assert events["precision"].tolist() == expected.tolist()
        seen |= set(events["precision"])
    assert seen == {"year", "month", "day"}
    song = studies.study_events(tables, "song2026")
    assert song.loc[0, "date"] == "2021" and song.loc[0, "precision"] == "year"
    assert str(song.loc[0, "start"].date()) == "2021-01-01"


def test_platform_comparison_qian2025(tables):
    focal = tables["cases"][(tables["cases"]["study_id"] == "qian2025") & (tables["cases"]["role"] == "focal")]
    assert len(focal) == 2
    table = studies.platform_comparison(tables, "qian2025")
    assert table.columns.tolist() == focal["name_en"].tolist()
    zh = studies.platform_comparison(tables, "qian2025", lang="zh")
    assert zh.columns.tolist() == ["综合信息平台", "民呼我为"]
    assert "派单" in zh.index
    assert zh.loc["派单", "民呼我为"].strip() != ""
    minhu = focal[focal["name_zh"] == "民呼我为"]["name_en"].iloc[0]
    assert table.loc["dispatches work orders", minhu].strip() != ""
    # the verdict as labelled in data/vocabulary.csv, not the raw code
    verdicts = dict(zip(tables["vocabulary"].query("field == 'outcome_category'")["code"],
                        tables["vocabulary"].query("field == 'outcome_category'")["label_en"]))
    assert table.loc["outcome"].tolist() == focal["outcome_category"].map(verdicts).tolist()
    assert set(zh.loc["成效"]) <= set(tables["vocabulary"]["label_zh"])


def test_fieldwork_periods(tables):
    periods = studies.fieldwork_periods(tables).set_index("study")
    assert periods.index.tolist() == tables["studies"]["study_id"].tolist()
    qian = periods.loc["qian2025"]
    assert qian["start"] == pd.Timestamp("2023-07-05")
    assert qian["end"] == pd.Timestamp("2023-07-25")
    assert qian["label"] == "2023-07-05 – 2023-07-25"
    # shen2021 states a month range: 2019-09 to the end of 2020-12
    assert periods.loc["shen2021", "start"] == pd.Timestamp("2019-09-01")
    assert periods.loc["shen2021", "end"] == pd.Timestamp("2020-12-31")
    # a study that states no fieldwork period gets NaT, not a guess
    stated = set(tables["events"][tables["events"]["event_type"] == "fieldwork"]["study_id"])
    for study in set(periods.index) - stated:
        assert pd.isna(periods.loc[study, "start"]) and periods.loc[study, "label"] == ""


def test_fieldwork_label_agrees_with_period(tables):
    """Mixed-precision dates ('2024' vs '2024-12-02') must be compared as dates, not strings."""
    periods = studies.fieldwork_periods(tables).dropna(subset=["start"])
    for row in periods.itertuples(index=False):
        first, last = row.label.split(" – ")
        assert pd.Timestamp(studies._period_start(first)) == row.start, row.study
        assert pd.Timestamp(studies._period_end(last)) == row.end, row.study


# ---------------------------------------------------------------- cases: matrix and kappa

def small_case_tables(conditions_rows):
    """Two studies, three focal cases and one mentioned case; conditions C1, C2 and outcome OUT."""
    return {
        "studies": frame([["s2"], ["s1"]], ["study_id"]),  # s2 comes first in studies-table order
        "cases": frame([["s1.b", "s1", "focal"], ["s1.a", "s1", "focal"], ["s2.x", "s2", "focal"],
                        ["s1.m", "s1", "mentioned"]], ["case_id", "study_id", "role"]),
        "codebook": frame([["OUT", "outcome", 9], ["C2", "condition", 2], ["C1", "condition", 1],
                           ["s1.dim", "framework", 1]], ["code_id", "scheme", "sort_order"],
                          integers=("sort_order",)),
        "case_conditions": frame(conditions_rows, ["case_id", "condition_id", "coder_a", "coder_b", "value"]),
    }


def test_case_matrix_small():
    rows = [["s1.a", "C1", "1", "1", "1"], ["s1.a", "C2", "0", "0", "0"], ["s1.a", "OUT", "1", "1", "1"],
            ["s1.b", "C1", "unknown", "0", "unknown"], ["s1.b", "C2", "1", "1", "1"],  # s1.b has no OUT row
            ["s2.x", "C1", "0", "0", "0"], ["s2.x", "C2", "0", "1", "1"], ["s2.x", "OUT", "0", "0", "0"],
            ["s1.m", "C1", "1", "1", "1"]]
    matrix = cases.case_matrix(small_case_tables(rows))
    assert matrix.index.tolist() == ["s2.x", "s1.a", "s1.b"]  # focal only, study order then case id
    assert matrix.columns.tolist() == ["C1", "C2", "OUT"]  # conditions then outcome, by sort_order
    assert matrix.loc["s1.b", "OUT"] == "missing"  # a gap in the coding stays visible
    assert matrix.loc["s1.b", "C1"] == "unknown"  # never turned into 0
    assert matrix.loc["s2.x", "C2"] == "1"
    assert cases.case_matrix(small_case_tables(rows), column="coder_a").loc["s2.x", "C2"] == "0"


def test_case_matrix_real_data(tables):
    matrix = cases.case_matrix(tables)
    focal = tables["cases"][tables["cases"]["role"] == "focal"]
    assert len(matrix) == len(focal) and matrix.index.is_unique
    assert set(matrix.index) == set(focal["case_id"])
    codes = tables["codebook"][tables["codebook"]["scheme"].isin(["condition", "outcome"])]
    assert sorted(matrix.columns) == sorted(codes["code_id"])
    assert matrix.columns[-1] == codes[codes["scheme"] == "outcome"]["code_id"].iloc[0]
    values = set(pd.unique(matrix.to_numpy().ravel()))
    assert values <= {"1", "0", "unknown"}


def kappa_rows(condition, pairs):
    return [[f"s1.c{i}", condition, a, b, a] for i, (a, b) in enumerate(pairs)]


def test_intercoder_kappa_perfect_agreement():
    pairs = [("1", "1"), ("0", "0"), ("unknown", "unknown"), ("1", "1")]
    result = cases.intercoder_kappa(small_case_tables(kappa_rows("C1", pairs))).set_index("condition")
    assert result.loc["C1", "kappa"] == pytest.approx(1.0)
    assert result.loc["C1", "agreement"] == 1.0 and result.loc["C1", "n"] == 4
    assert result.loc["overall", "kappa"] == pytest.approx(1.0)
    assert result.index.tolist() == ["C1", "C2", "OUT", "overall"]
    assert result.loc["C2", "n"] == 0 and pd.isna(result.loc["C2", "kappa"])  # nothing coded


def test_intercoder_kappa_hand_computed():
    # C1, 10 items.   coder_b=1  coder_b=0
    #   coder_a=1        4          2      (6)
    #   coder_a=0        1          3      (4)
    #                   (5)        (5)
    # p_o = (4 + 3) / 10 = 0.7; p_e = 0.6 * 0.5 + 0.4 * 0.5 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    c1 = [("1", "1")] * 4 + [("1", "0")] * 2 + [("0", "1")] + [("0", "0")] * 3
    # C2, 4 items, full agreement over three categories: kappa 1
    c2 = [("1", "1"), ("0", "0"), ("unknown", "unknown"), ("1", "1")]
    rows = kappa_rows("C1", c1) + [[f"s1.d{i}", "C2", a, b, a] for i, (a, b) in enumerate(c2)]
    result = cases.intercoder_kappa(small_case_tables(rows)).set_index("condition")
    assert result.loc["C1", "agreement"] == pytest.approx(0.7)
    assert result.loc["C1", "kappa"] == pytest.approx(0.4)
    assert result.loc["C2", "kappa"] == pytest.approx(1.0)
    # overall (14 items pooled): a = 8x1, 5x0, 1xunknown; b = 7x1, 6x0, 1xunknown
    # p_o = 11/14; p_e = (8*7 + 5*6 + 1*1) / 14^2 = 87/196; kappa = (154 - 87) / (196 - 87) = 67/109
    assert result.loc["overall", "n"] == 14
    assert result.loc["overall", "agreement"] == pytest.approx(11 / 14)
    assert result.loc["overall", "kappa"] == pytest.approx(67 / 109)


def test_intercoder_kappa_single_category_is_nan():
    # both coders used "1" throughout: p_e = 1, kappa = 0/0, documented as NaN; agreement still 1
    rows = kappa_rows("C1", [("1", "1")] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn may warn that kappa is undefined
        result = cases.intercoder_kappa(small_case_tables(rows)).set_index("condition")
    assert pd.isna(result.loc["C1", "kappa"])
    assert result.loc["C1", "agreement"] == 1.0


def test_intercoder_kappa_one_coder_constant_is_zero():
    # coder_a always "1", coder_b 3x"1", 1x"0": p_o = 0.75, p_e = 1 * 0.75 = 0.75 -> kappa 0
    rows = kappa_rows("C1", [("1", "1")] * 3 + [("1", "0")])
    result = cases.intercoder_kappa(small_case_tables(rows)).set_index("condition")
    assert result.loc["C1", "kappa"] == pytest.approx(0.0)
    assert result.loc["C1", "agreement"] == pytest.approx(0.75)


def test_intercoder_kappa_per_study_hand_computed():
    # s1: 3 items, agreement 2/3; s2: 2 items in full agreement over two categories -> kappa 1
    rows = [["s1.a", "C1", "1", "1", "1"], ["s1.b", "C1", "0", "0", "0"], ["s1.a", "C2", "1", "0", "1"],
            ["s2.x", "C1", "1", "1", "1"], ["s2.x", "C2", "0", "0", "0"]]
    result = cases.intercoder_kappa(small_case_tables(rows), by="study").set_index("study")
    assert result.index.tolist() == ["s2", "s1", "overall"]  # studies-table order
    assert result.loc["s1", "n"] == 3 and result.loc["s1", "agreement"] == pytest.approx(2 / 3)
    # s1: a = 2x1, 1x0; b = 1x1, 2x0; p_o = 2/3, p_e = (2*1 + 1*2) / 9 = 4/9 -> kappa (6 - 4) / (9 - 4) = 0.4
    assert result.loc["s1", "kappa"] == pytest.approx(0.4)
    assert result.loc["s2", "kappa"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="by must be"):
        cases.intercoder_kappa(small_case_tables(rows), by="coder")


def test_intercoder_kappa_real_data_bounds(tables):
    result = cases.intercoder_kappa(tables).set_index("condition")
    focal = (tables["cases"]["role"] == "focal").sum()
    assert (result.drop("overall")["n"] == focal).all()
    assert result.loc["overall", "n"] == len(tables["case_conditions"])
    assert result["agreement"].between(0, 1).all()
    assert (result["kappa"].dropna() <= 1).all()


def test_actor_types_and_evidence_dimensions_per_study(tables):
    types = studies.actor_types_per_study(tables)
    named = studies.actors_per_study(tables)
    assert types["n"].sum() == len(named)  # every named actor counted once per study
    assert types.query("study_id == 'wu2022' and actor_type == 'enterprise'")["n"].item() >= 6
    per_dimension = studies.evidence_per_dimension(tables)
    song = per_dimension[per_dimension["study_id"] == "song2026"]
    # study 000's sub-dimensions count under power structure / boundary resources / values
    assert set(song["dimension"]) <= set(tables["codebook"].query("study_id == 'song2026'")["label_en"])
    assert len(song) == 3


def test_headline_counts_from_the_tables(tables):
    line = studies.headline(tables, "song2026", "en")
    assert line.startswith("song2026: 9 focal platforms (4 underperforming, 5 shelved)")
    assert f"{(tables['evidence']['study_id'] == 'song2026').sum()} quotes" in line
    assert "焦点平台 9 个(未达预期 4 个、搁置 5 个)" in studies.headline(tables, "song2026", "zh")
