"""The facts a reader checks first, read through ``platgov_analysis.data.load_tables``.

Expected values are taken from the source texts themselves (``../shared/seeds``), not from
the tables: song2026's Table 1 (000_35f499b336f4d41b.txt) and wu2022's dated health-code
timeline of February-March 2020 (001_0a22edc5b170d2f2.txt, traditional script).
The tables are read (and validated) from a copy of ``data/``, as an analysis would read them.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from platgov_analysis import data
from platgov_analysis.report.evidence import evidence_columns

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"

# song2026, 表1 调研地点与政府平台的描述性统计: total interview time per site as printed
TABLE1_TIME_AS_PRINTED = {
    "J市": "10小时03分", "X县": "2小时37分", "Q市": "4小时23分", "N区": "2小时11分",
    "C区": "2小时02分", "Y市": "3小时10分", "F市": "9小时35分",
}
TABLE1_MINUTES = {"J市": 603, "X县": 157, "Q市": 263, "N区": 131, "C区": 122, "Y市": 190, "F市": 575}

# wu2022, 三、(一): the dated steps of the health code and its setting, February-March 2020
WU2022_DATES = ["2020-02-04", "2020-02-05", "2020-02-10", "2020-02-11", "2020-02-12", "2020-02-15",
                "2020-02-16", "2020-02-18", "2020-03-14"]
WU2022_LAUNCHES = {  # date -> platforms the text says went live that day
    "2020-02-05": {"wu2022.yuhang-health-code", "wu2022.enterprise-health-code"},
    "2020-02-11": {"wu2022.hangzhou-health-code"},
    "2020-03-14": {"wu2022.international-health-code"},
}


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory) -> Path:
    return Path(shutil.copytree(REPO / "data", tmp_path_factory.mktemp("evidence") / "data"))


@pytest.fixture(scope="module")
def tables(data_copy) -> dict[str, pd.DataFrame]:
    return data.load_tables(data_copy)  # validates (check=True), as every analysis does


def evidence_quote(tables, evidence_id: str) -> str:
    return tables["evidence"].set_index("evidence_id").loc[evidence_id, "quote"]


# ---------------------------------------------------------------------------------------------
# song2026, Table 1


def test_table1_minutes_are_the_printed_hours_and_minutes():
    # guards the expected numbers themselves: 10小时03分 = 603 minutes etc.
    for site, printed in TABLE1_TIME_AS_PRINTED.items():
        hours, minutes = map(int, re.fullmatch(r"(\d+)小时(\d+)分", printed).groups())
        assert hours * 60 + minutes == TABLE1_MINUTES[site], site


@pytest.mark.skipif(not (SEEDS / "000_35f499b336f4d41b.txt").exists(), reason="song2026 source text not found")
def test_table1_rows_are_in_the_source_text():
    text = (SEEDS / "000_35f499b336f4d41b.txt").read_text(encoding="utf-8")
    for site, printed in TABLE1_TIME_AS_PRINTED.items():
        assert re.search(rf"^{site}\t{printed}\t", text, re.MULTILINE), (site, printed)


@pytest.fixture(scope="module")
def table1(tables) -> pd.DataFrame:
    cases = tables["cases"]
    return cases[(cases["study_id"] == "song2026") & (cases["role"] == "focal")
                 & cases["site_interview_minutes"].notna()]


def test_table1_has_eight_platforms_at_seven_sites(table1):
    assert len(table1) == 8, table1["case_id"].tolist()
    assert table1["place_zh"].nunique() == 7
    assert set(table1["place_zh"]) == set(TABLE1_MINUTES)
    assert table1["place_zh"].value_counts()["J市"] == 2


def test_table1_outcome_symbols(table1):
    assert table1["outcome_symbol"].value_counts().to_dict() == {"○": 5, "△": 3}
    by_symbol = table1.groupby("outcome_symbol")["outcome_category"].agg(set).to_dict()
    assert by_symbol == {"○": {"shelved"}, "△": {"underperforming"}}


def test_table1_interview_minutes_per_site(table1):
    per_site = table1.groupby("place_zh")["site_interview_minutes"].agg(set).to_dict()
    assert per_site == {site: {minutes} for site, minutes in TABLE1_MINUTES.items()}


# ---------------------------------------------------------------------------------------------
# wu2022, the health-code timeline


@pytest.fixture(scope="module")
def wu2022_events(tables) -> pd.DataFrame:
    events = tables["events"]
    return events[events["study_id"] == "wu2022"]


@pytest.mark.parametrize("date", WU2022_DATES)
def test_wu2022_health_code_date_is_coded(wu2022_events, date):
    assert date in set(wu2022_events["date"]), f"no wu2022 event dated {date}"


@pytest.mark.parametrize("date", sorted(WU2022_LAUNCHES))
def test_wu2022_launches_on_the_printed_day(wu2022_events, date):
    launched = wu2022_events[(wu2022_events["date"] == date) & (wu2022_events["event_type"] == "launch")]
    assert WU2022_LAUNCHES[date] <= set(launched["case_id"].dropna()), launched[["event_id", "case_id"]]


def test_wu2022_dated_events_quote_the_day_as_printed(tables, wu2022_events):
    """Every day-exact event of Feb-Mar 2020 quotes its day (e.g. '2月11日'), or '次日' with its anchor."""
    dated = wu2022_events[wu2022_events["date"].str.fullmatch(r"2020-0[23]-\d\d")]
    assert len(dated) >= len(WU2022_DATES)
    for event in dated.itertuples():
        day = dt.date.fromisoformat(event.date)
        quote = evidence_quote(tables, event.evidence_id)
        printed = f"{day.month}月{day.day}日"
        before = day - dt.timedelta(days=1)
        relative = "次日" in quote and f"{before.month}月{before.day}日" in quote
        assert printed in quote or relative, f"{event.event_id} {event.date}: quote {quote!r} lacks {printed}"


# ---------------------------------------------------------------------------------------------
# cross-study conditions


def test_every_focal_case_is_coded_once_on_every_condition_and_the_outcome(tables):
    codebook = tables["codebook"]
    codes = set(codebook.loc[codebook["scheme"].isin(["condition", "outcome"]), "code_id"])
    assert "EFFECT" in codes and len(codes) >= 2
    focal = set(tables["cases"].loc[tables["cases"]["role"] == "focal", "case_id"])
    assert focal
    coded = tables["case_conditions"]
    counts = coded.groupby(["case_id", "condition_id"]).size()
    expected = pd.MultiIndex.from_product([sorted(focal), sorted(codes)], names=["case_id", "condition_id"])
    missing = expected.difference(counts.index)
    assert missing.empty, f"focal cases without a row for a condition: {list(missing)[:10]}"
    assert (counts.reindex(expected) == 1).all(), counts[counts > 1]
    extra = counts.index.difference(expected)
    assert extra.empty, f"case_conditions rows for non-focal cases or non-condition codes: {list(extra)[:10]}"


def test_condition_values_and_their_evidence(tables):
    coded = tables["case_conditions"]
    for column in ["coder_a", "coder_b", "value"]:
        assert set(coded[column].dropna()) <= {"1", "0", "unknown"}, column
        assert coded[column].notna().all(), column
    known = coded[coded["value"] != "unknown"]
    assert len(known) > 0
    assert known["evidence_id"].notna().all(), known.loc[known["evidence_id"].isna(), ["case_id", "condition_id"]]
    assert known["rationale_en"].notna().all(), known.loc[known["rationale_en"].isna(), ["case_id", "condition_id"]]
    assert (known["rationale_en"].str.strip().str.len() > 0).all()


# ---------------------------------------------------------------------------------------------
# actors and relations


def test_every_enterprise_has_a_relation(tables):
    relations = tables["relations"]
    tied = set(relations["source_id"]) | set(relations["target_actor_id"].dropna())
    actors = tables["actors"]
    enterprises = set(actors.loc[actors["actor_type"] == "enterprise", "actor_id"])
    assert enterprises
    assert not enterprises - tied, f"enterprises without a relation: {sorted(enterprises - tied)}"


def test_one_real_actor_appears_in_two_studies(tables):
    relations = tables["relations"]
    ends = pd.concat([relations[["study_id", "source_id"]].set_axis(["study_id", "actor_id"], axis=1),
                      relations[["study_id", "target_actor_id"]].set_axis(["study_id", "actor_id"], axis=1)])
    studies_of = ends.dropna().groupby("actor_id")["study_id"].nunique()
    assert studies_of.get("alibaba", 0) >= 2, f"alibaba is named in relations of {studies_of.get('alibaba', 0)} study"


# ---------------------------------------------------------------------------------------------
# evidence


def test_quotes_are_short(tables):
    lengths = tables["evidence"]["quote"].str.len()
    assert lengths.notna().all()
    bad = tables["evidence"].loc[(lengths < 4) | (lengths > 160), ["evidence_id", "quote"]]
    assert bad.empty, bad


def _row_study(name: str, frame: pd.DataFrame, tables) -> pd.Series | None:
    if "study_id" in frame:
        return frame["study_id"]
    if name == "case_conditions":
        return frame["case_id"].map(tables["cases"].set_index("case_id")["study_id"])
    if name == "actors":  # study-specific actors carry their study as prefix (song2026.…)
        return frame["actor_id"].str.extract(r"^([a-z]+[0-9]{4})\.", expand=False)
    return None


def test_evidence_belongs_to_the_rows_study(tables):
    study_of_evidence = tables["evidence"].set_index("evidence_id")["study_id"]
    checked = 0
    mismatches = []
    for name, frame in tables.items():
        if name == "evidence":
            continue
        columns = [c for c in frame.columns if c.endswith("evidence_id")]
        own = _row_study(name, frame, tables)
        if not columns or own is None:
            continue
        for column in columns:
            rows = frame[own.notna() & frame[column].notna()]
            owner = rows[column].map(study_of_evidence)
            wrong = rows[owner.astype("string") != own[rows.index].astype("string")]
            checked += len(rows)
            mismatches += [f"{name}.{column} row {i + 2}: {r[column]}" for i, r in wrong.iterrows()]
    assert checked > 800  # sanity: the check saw the coded rows
    assert not mismatches, mismatches[:10]


def test_evidence_dimensions_are_the_studys_own(tables):
    evidence = tables["evidence"]
    with_dimension = evidence[evidence["dimension_id"].notna()]
    study_of_code = tables["codebook"].set_index("code_id")["study_id"]
    wrong = with_dimension[with_dimension["dimension_id"].map(study_of_code) != with_dimension["study_id"]]
    assert wrong.empty, wrong[["evidence_id", "dimension_id"]]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source texts not found at {SEEDS}")
def test_every_quote_is_found_in_its_source(tables):
    assert data.verify_quotes(tables, SEEDS) == []


# ---------------------------------------------------------------------------------------------
# shared works


def test_ansell_miura_2020_is_cited_by_song2026_and_shen2021(tables):
    assert "ansell-miura-2020" in set(tables["references"]["reference_id"])
    citations = tables["citations"]
    citing = set(citations.loc[citations["reference_id"] == "ansell-miura-2020", "study_id"])
    assert {"song2026", "shen2021"} <= citing


# ---------------------------------------------------------------------------------------------
# the summary command


def test_summary_prints_the_kappa_table(tables, data_copy):
    # ``tables`` ran first: the copy is validated and stamped, so the command skips re-validation
    result = subprocess.run([sys.executable, "-m", "platgov_analysis", "summary", "--data", str(data_copy)],
                            cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kappa" in result.stdout
    overall = [line for line in result.stdout.splitlines() if line.split()[:1] == ["overall"]]
    assert len(overall) == 2, result.stdout  # per condition and per study
    n_rows = len(tables["case_conditions"])
    assert all(line.split()[1] == str(n_rows) for line in overall), overall
    for study in tables["studies"]["study_id"]:
        assert any(line.split()[:1] == [study] for line in result.stdout.splitlines()), study


# ---------------------------------------------------------------------------------------------
# second pass (issue 11): quotes in use, the blind coding on record, the corrections a reader
# checks first


def test_every_quote_is_cited_by_a_row_or_kept_as_context(tables, data_copy):
    cited = set()
    for table, field, _ in evidence_columns(data.read_descriptor(data_copy)):
        cited |= set(tables[table][field].dropna())
    evidence = tables["evidence"]
    orphans = evidence[~evidence["evidence_id"].isin(cited) & evidence["context_note"].isna()]
    assert orphans.empty, f"quotes cited by no row and without a context_note: {orphans['evidence_id'].tolist()}"
    context = evidence[evidence["context_note"].notna()]
    assert (context["context_note"].str.strip().str.len() > 10).all()  # a reason, not a tick


def test_blind_second_coding_is_on_record_for_every_cell(tables):
    coded = tables["case_conditions"]
    known_b = coded[coded["coder_b"] != "unknown"]
    assert known_b["coder_b_evidence_id"].notna().all() and known_b["coder_b_rationale_en"].notna().all()
    differ = coded[coded["coder_a"] != coded["coder_b"]]
    assert len(differ) > 0  # the two codings are independent, not copies
    assert differ["resolution_note"].str.contains("resolved", case=False).all(), differ["case_id"].tolist()


def test_health_code_line_of_development(tables):
    """wu2022: the Yuhang and enterprise codes are stages of one line that led to the Hangzhou
    code; the study gives them no verdict of their own, and Alibaba's units built the Hangzhou code."""
    cases = tables["cases"].set_index("case_id")
    for stage in ("wu2022.yuhang-health-code", "wu2022.enterprise-health-code"):
        assert cases.loc[stage, "outcome_category"] == "not_assessed", stage
    assert cases.loc["wu2022.hangzhou-health-code", "outcome_category"] == "effective"
    relations = tables["relations"].set_index("relation_id")
    units = relations.loc[["wu2022-r013", "wu2022-r014", "wu2022-r015"]]
    assert set(units["target_case_id"]) == {"wu2022.hangzhou-health-code"}, units[["source_id", "target_case_id"]]
    conditions = tables["case_conditions"].set_index(["case_id", "condition_id"])
    assert conditions.loc[("wu2022.yuhang-health-code", "EFFECT"), "value"] == "unknown"


def test_zhejiang_anti_epidemic_platform_is_a_case_with_its_builders(tables):
    cases = tables["cases"].set_index("case_id")
    platform = "wu2022.zhejiang-anti-epidemic-information-platform"
    assert "數字抗疫信息平臺" in cases.loc[platform, "name_zh"]
    builders = tables["relations"][tables["relations"]["target_case_id"] == platform]
    assert len(builders) >= 3 and (builders["status"] == "actual").all()
    # the national system's outcome no longer borrows the quote about the Zhejiang platform
    national = cases.loc["wu2022.national-health-code"]
    if pd.notna(national["outcome_evidence_id"]):
        assert "浙江" not in evidence_quote(tables, national["outcome_evidence_id"])


def test_inferred_tie_of_h_company_is_gone(tables):
    """song2026-r019 once had H公司 take part in the data-trading platform, where the passage says
    firms are reluctant to trade there: the tie is now denied, never actual."""
    r019 = tables["relations"].set_index("relation_id").loc["song2026-r019"]
    assert r019["status"] == "denied"
