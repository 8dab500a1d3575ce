"""Each study's own tables, rebuilt from the coded data (DataFrames in, DataFrames out).

Nothing here knows a particular study: what a study shows depends on what was coded for it
(a Table-1-like case list when cases carry interview minutes, a comparison when it has two or
more focal cases, ...), so a new study added as rows flows through unchanged.
"""
from __future__ import annotations

import pandas as pd

from .labels import check_lang, code_labels, decode, localized, text

OUTCOME_ORDER = ["effective", "underperforming", "shelved", "hollow", "not_assessed"]


def study_row(tables: dict[str, pd.DataFrame], study_id: str) -> pd.Series:
    """The study's row; a clear error for an unknown id (e.g. a typo in a parameter)."""
    studies = tables["studies"].set_index("study_id")
    if study_id not in studies.index:
        raise ValueError(f'study_id "{study_id}" is not in data/studies.csv (known: {", ".join(studies.index)})')
    return studies.loc[study_id]


def of_study(frame: pd.DataFrame, study_id: str) -> pd.DataFrame:
    """Rows of one study (or all rows for ``"all"``)."""
    return frame if study_id == "all" else frame[frame["study_id"] == study_id].reset_index(drop=True)


def headline(tables: dict[str, pd.DataFrame], study_id: str, lang: str = "en") -> str:
    """One sentence on what the evidence base holds for a study, counted from the tables."""
    tally = outcome_tally(tables, study_id)
    counts = {name: len(of_study(tables[name], study_id)) for name in ("evidence", "relations", "events", "indicators")}
    verdict = code_labels(tables["vocabulary"], "outcome_category", lang)
    if lang == "en":
        verdicts = ", ".join(f"{n} {verdict[category]}" for category, n in tally.items()) or "none"
        return (f"{study_id}: {tally.sum()} focal platforms ({verdicts}), {counts['evidence']} quotes, "
                f"{counts['relations']} relations, {counts['events']} dated events, {counts['indicators']} reported figures.")
    verdicts = "、".join(f"{verdict[category]} {n} 个" for category, n in tally.items()) or "无"
    return (f"{study_id}:焦点平台 {tally.sum()} 个({verdicts}),引文 {counts['evidence']} 条,关系 {counts['relations']} 条,"
            f"日期事件 {counts['events']} 个,数据 {counts['indicators']} 项。")


def study_card(tables: dict[str, pd.DataFrame], study_id: str) -> pd.DataFrame:
    """Bibliographic and design facts of a study as a two-column table (empty = not stated)."""
    row = study_row(tables, study_id)
    fields = ["authors_zh", "authors_en", "year", "title_zh", "title_en", "title_en_source", "venue_zh",
              "volume_issue", "pages", "doi", "article_no", "design", "method_en", "sites_zh", "framework_en",
              "seed_file"]
    return pd.DataFrame({"field": fields, "value": [row[f] for f in fields]}).fillna("(not stated)")


def format_minutes(minutes) -> str:
    """603 -> '10h03' (the way study 000 prints interview time, as 10小时03分)."""
    if pd.isna(minutes):
        return ""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours}h{rest:02d}"


def case_table(tables: dict[str, pd.DataFrame], study_id: str, lang: str = "en", role: str | None = "focal") -> pd.DataFrame:
    """The study's cases, with only the columns it actually coded (its 'Table 1')."""
    cases = of_study(tables["cases"], study_id)
    if role:
        cases = cases[cases["role"] == role]
    cases = decode(cases, tables["vocabulary"], lang, ["outcome_category", "admin_level", "domain"])
    table = pd.DataFrame({
        "case_id": cases["case_id"],
        text(lang, "site", "地点"): localized(cases, "place", lang),
        text(lang, "platform", "平台"): localized(cases, "name", lang),
        text(lang, "expected logic", "预期运行逻辑"): localized(cases, "expected_logic", lang),
        text(lang, "interview time (site)", "访谈时间(调研地)"): cases["site_interview_minutes"].map(format_minutes),
        text(lang, "interview minutes", "访谈分钟"): cases["site_interview_minutes"],
        text(lang, "symbol", "符号"): cases["outcome_symbol"],
        text(lang, "outcome", "成效"): cases["outcome_category"],
        text(lang, "level", "层级"): cases["admin_level"],
        text(lang, "domain", "领域"): cases["domain"],
    })
    return table.dropna(axis=1, how="all").loc[:, lambda t: (t != "").any()].reset_index(drop=True)


def outcome_tally(tables: dict[str, pd.DataFrame], study_id: str) -> pd.Series:
    """Focal cases per outcome category (e.g. 5 shelved, 3 underperforming)."""
    cases = of_study(tables["cases"], study_id)
    focal = cases[cases["role"] == "focal"]
    return focal["outcome_category"].value_counts().reindex(OUTCOME_ORDER).dropna().astype(int)


def site_interview_time(tables: dict[str, pd.DataFrame], study_id: str, lang: str = "en") -> pd.DataFrame:
    """Interview minutes per field site with the outcomes of the site's platforms.

    The minutes are a per-site figure, so a site with two platforms appears once; its outcome
    reads 'mixed' when its platforms differ, rather than double-counting the time.
    ``outcome_label`` is the outcome in ``lang``.
    """
    cases = of_study(tables["cases"], study_id).dropna(subset=["site_interview_minutes"])
    cases = cases.assign(site=localized(cases, "place", lang))
    grouped = cases.groupby("site", sort=False).agg(
        minutes=("site_interview_minutes", "first"),
        platforms=("case_id", "size"),
        outcome=("outcome_category", lambda s: s.iloc[0] if s.nunique() == 1 else "mixed"),
        evidence=("evidence_id", lambda s: ";".join(sorted(s))),
    ).reset_index()
    labels = code_labels(tables["vocabulary"], "outcome_category", lang)
    return grouped.assign(outcome_label=grouped["outcome"].map(labels))


def top_dimension(codebook: pd.DataFrame, code_ids: pd.Series) -> pd.Series:
    """Map framework codes to the dimension they count under: a sub-dimension counts under its
    parent, unless that parent is only the framework's group row (which has a parent of none)."""
    parent = codebook.set_index("code_id")["parent_id"]

    def top(code):
        up = parent.get(code)
        if pd.isna(code) or pd.isna(up) or pd.isna(parent.get(up)):
            return code
        return up

    return code_ids.map(top)


def interview_evidence(tables: dict[str, pd.DataFrame], study_id: str, lang: str = "en") -> pd.DataFrame:
    """Interview excerpts counted by the study's own dimension and by speaker type."""
    evidence = of_study(tables["evidence"], study_id)
    interviews = evidence[evidence["kind"] == "interview"]
    labels = localized(tables["codebook"].set_index("code_id"), "label", lang)
    dimension = top_dimension(tables["codebook"], interviews["dimension_id"]).map(labels)
    speakers = interviews["speaker_role"].fillna("unknown").map(code_labels(tables["vocabulary"], "speaker_role", lang))
    counts = pd.DataFrame({"dimension": dimension.fillna(text(lang, "(none)", "(无)")), "speaker": speakers})
    return counts.value_counts().rename("excerpts").reset_index().sort_values(["dimension", "speaker"],
                                                                             ignore_index=True)


def evidence_per_dimension(tables: dict[str, pd.DataFrame], lang: str = "en") -> pd.DataFrame:
    """Evidence rows tied to each study's own framework dimensions, counted per study."""
    linked = tables["evidence"].dropna(subset=["dimension_id"])
    labels = localized(tables["codebook"].set_index("code_id"), "label", lang)
    dimension = top_dimension(tables["codebook"], linked["dimension_id"]).map(labels)
    return (linked.assign(dimension=dimension).groupby(["study_id", "dimension"]).size()
            .rename("n").reset_index())


def actors_per_study(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Distinct (study_id, actor_id) pairs: the actors each study's relations name."""
    relations = tables["relations"]
    ends = pd.concat([relations[["study_id", "source_id"]].set_axis(["study_id", "actor_id"], axis=1),
                      relations[["study_id", "target_actor_id"]].set_axis(["study_id", "actor_id"], axis=1)])
    return ends.dropna().drop_duplicates().sort_values(["study_id", "actor_id"], ignore_index=True)


def actor_types_per_study(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Actors named per study, counted by actor type."""
    named = actors_per_study(tables).merge(tables["actors"][["actor_id", "actor_type"]], on="actor_id")
    return named.groupby(["study_id", "actor_type"]).size().rename("n").reset_index()


def study_actors(tables: dict[str, pd.DataFrame], study_id: str, lang: str = "en") -> pd.DataFrame:
    """Actors tied to the study's relations, with type, sector, level and tie count."""
    relations = of_study(tables["relations"], study_id)
    ends = pd.concat([relations["source_id"], relations["target_actor_id"].dropna()])
    counts = ends.value_counts()
    actors = tables["actors"][tables["actors"]["actor_id"].isin(counts.index)]
    actors = decode(actors, tables["vocabulary"], lang, ["actor_type", "sector", "gov_level"])
    table = pd.DataFrame({
        "actor_id": actors["actor_id"],
        text(lang, "actor", "主体"): localized(actors, "name", lang),
        text(lang, "type", "类型"): actors["actor_type"],
        text(lang, "sector", "部门"): actors["sector"],
        text(lang, "level", "层级"): actors["gov_level"],
        text(lang, "ties", "关系数"): actors["actor_id"].map(counts).astype(int),
    })
    return table.sort_values([text(lang, "type", "类型"), "actor_id"], ignore_index=True)


def platform_comparison(tables: dict[str, pd.DataFrame], study_id: str, lang: str = "en") -> pd.DataFrame:
    """Focal platforms side by side: who operates, dispatches, handles orders; channels; outcome.

    Built from relations (operates / dispatches_orders / handles_orders / leads / supervises),
    flows (the links into the platform) and the case outcome; an empty cell = not coded.
    """
    check_lang(lang)
    cases = of_study(tables["cases"], study_id)
    focal = cases[cases["role"] == "focal"]
    relations = of_study(tables["relations"], study_id)
    names = localized(tables["actors"].set_index("actor_id"), "name", lang)
    verdict = code_labels(tables["vocabulary"], "outcome_category", lang)
    rows = {}
    for case in focal.itertuples(index=False):
        rels = relations[(relations["case_id"] == case.case_id) | (relations["target_case_id"] == case.case_id)]

        def who(types, rels=rels):
            picked = rels[rels["relation_type"].isin(types)]["source_id"].drop_duplicates()
            return "; ".join(names[a] for a in picked)

        flows = tables["flows"][tables["flows"]["case_id"] == case.case_id]
        kind = flows["diagram_id"].str.contains("flow")
        channels = flows[kind & (flows["seq"] <= flows[kind]["seq"].min() + 3) if len(flows[kind]) else kind]
        rows[getattr(case, f"name_{lang}")] = {
            text(lang, "operates / leads", "运行/牵头"): who(["operates"]),
            text(lang, "leadership", "领导"): who(["leads", "supervises"]),
            text(lang, "dispatches work orders", "派单"): who(["dispatches_orders"]),
            text(lang, "handles work orders", "处置工单"): who(["handles_orders"]),
            text(lang, "developed by", "开发"): who(["develops", "co_develops"]),
            text(lang, "inputs (first links of its flow)", "输入(流程首段)"):
                "; ".join(localized(channels, "source", lang).drop_duplicates()),
            text(lang, "outcome", "成效"): verdict[case.outcome_category],
        }
    return pd.DataFrame(rows)


def indicator_table(tables: dict[str, pd.DataFrame], study_id: str, lang: str = "en") -> pd.DataFrame:
    """The study's figures with value as printed, normalised value, unit and date."""
    indicators = decode(of_study(tables["indicators"], study_id), tables["vocabulary"], lang, ["qualifier"])
    return pd.DataFrame({
        "indicator_id": indicators["indicator_id"],
        text(lang, "about", "对象"): localized(indicators, "entity", lang),
        text(lang, "metric", "指标"): indicators["metric_en"],
        text(lang, "as printed", "原文"): indicators["value_as_printed"],
        text(lang, "value", "数值"): indicators["value"],
        text(lang, "unit", "单位"): indicators["unit"],
        text(lang, "qualifier", "限定"): indicators["qualifier"],
        text(lang, "as of", "时点"): indicators["as_of"],
    })


def study_events(tables: dict[str, pd.DataFrame], study_id: str) -> pd.DataFrame:
    """The study's dated events with a plottable start date (a year or month -> its first day)."""
    events = of_study(tables["events"], study_id).copy()
    events["start"] = pd.to_datetime(events["date"].map(_period_start), format="%Y-%m-%d")
    events["precision"] = events["date"].str.len().map({4: "year", 7: "month", 10: "day"})
    return events.sort_values(["start", "event_id"], ignore_index=True)


def source_label(tables: dict[str, pd.DataFrame], study_id: str) -> str:
    """How captions name a study: authors, year, short title and key."""
    row = study_row(tables, study_id)
    year = "" if pd.isna(row["year"]) else f" {row['year']}"
    return f"{row['authors_zh']}{year}, 《{row['title_zh']}》 [{study_id}]"


def timeline_split_year(events: pd.DataFrame) -> int | None:
    """The year to zoom into when a timeline has long context and a dense final year
    (as study 001's health-code weeks of 2020 after decades of e-government)."""
    if events.empty:
        return None
    years = events["start"].dt.year
    last = years.max()
    dense = (years == last).sum()
    return int(last) if years.min() < last - 4 and dense >= 5 and dense < len(events) else None


def fieldwork_periods(tables: dict[str, pd.DataFrame], lang: str = "en") -> pd.DataFrame:
    """Each study's fieldwork period (start, end, label); NaT where the study states none."""
    rows = []
    for study in tables["studies"].itertuples(index=False):
        events = study_events(tables, study.study_id)
        work = events[events["event_type"] == "fieldwork"]
        if work.empty:
            rows.append({"study": study.study_id, "start": pd.NaT, "end": pd.NaT, "label": "", "evidence": ""})
            continue
        ends = work["date_end"].fillna(work["date"])
        end_days = pd.to_datetime(ends.map(_period_end))
        # label with the dates as printed, picked by real date, not by string order
        label = f"{work.loc[work['start'].idxmin(), 'date']} – {ends.loc[end_days.idxmax()]}"
        end = end_days.max()
        rows.append({"study": study.study_id, "start": work["start"].min(), "end": end, "label": label,
                     "evidence": ";".join(work["evidence_id"])})
    return pd.DataFrame(rows)


def _period_start(date: str) -> str:
    """First day of a period given at year/month/day precision (2020 -> 2020-01-01)."""
    return {4: f"{date}-01-01", 7: f"{date}-01"}.get(len(date), date)


def _period_end(date: str) -> str:
    """Last day of a period given at year/month/day precision."""
    if len(date) == 4:
        return f"{date}-12-31"
    if len(date) == 7:
        return str((pd.Period(date, "M").end_time).date())
    return date
