"""Tests for platgov_analysis.figures and .labels: CJK glyphs, deterministic files, captions,
bilingual labels and the plot_* functions on small hand-made inputs."""

import io
import json
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402
from PIL import Image  # noqa: E402

from platgov_analysis import figures, fonts, labels, networks, studies  # noqa: E402


def frame(rows, columns, integers=()):
    """A DataFrame with the nullable dtypes load_tables uses (None -> <NA>)."""
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({c: ("Int64" if c in integers else "string") for c in columns})


@pytest.fixture(autouse=True)
def isolated_style():
    """Every test gets its own rcParams (set_style changes them globally) and closes its figures."""
    with mpl.rc_context():
        yield
    plt.close("all")


def render_strictly(fig, fmt="png"):
    """Draw the figure with every warning an error (a missing glyph fails the test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
    return buffer.getvalue()


def chinese_figure():
    """A Chinese title, Chinese seaborn axis and tick labels, and a network with Chinese node labels."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3))
    table = pd.DataFrame({"平台": ["城市大脑", "健康码"], "关系数": [3, 5]})
    sns.barplot(data=table, x="平台", y="关系数", ax=left)  # axis labels come from the column names
    fig.suptitle("平台治理何以失效")
    graph = nx.Graph([("gov", "ali"), ("gov", "ten")])
    positions = {"gov": (0, 0), "ali": (1, 1), "ten": (1, -1)}
    nx.draw_networkx_nodes(graph, positions, ax=right)
    nx.draw_networkx_labels(graph, positions, labels={"gov": "市政府", "ali": "阿里巴巴", "ten": "腾讯"}, ax=right)
    assert left.get_xlabel() == "平台" and left.get_ylabel() == "关系数"
    return fig


# ---------------------------------------------------------------- CJK glyphs

def test_set_style_renders_chinese_without_missing_glyphs():
    figures.set_style()
    assert mpl.rcParams["font.sans-serif"][0] != "DejaVu Sans"  # the CJK font comes first
    assert mpl.rcParams["axes.unicode_minus"] is False
    png = render_strictly(chinese_figure())
    assert png.startswith(b"\x89PNG")
    render_strictly(chinese_figure(), fmt="svg")


def test_glyph_check_can_fail_without_cjk_font():
    """The control: with only DejaVu Sans, the same figure must raise the missing-glyph warning."""
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    with pytest.raises(UserWarning, match="Glyph .* missing"):
        render_strictly(chinese_figure())


def test_seaborn_theme_after_set_style_would_lose_cjk_font():
    """Documents why use_cjk_font must follow any seaborn style: set_theme resets the font list."""
    figures.set_style()
    family = fonts.use_cjk_font()
    assert mpl.rcParams["font.sans-serif"] == [family, fonts.FALLBACK]
    sns.set_theme(style="white")
    assert family not in mpl.rcParams["font.sans-serif"]


# ---------------------------------------------------------------- save_figure

def simple_figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [2, 0, 1], marker="o")
    ax.set_title("城市大脑 ties")
    ax.set_xlabel("年份")
    return fig


def test_save_figure_writes_files_and_manifest(tmp_path):
    figures.set_style()
    out = tmp_path / "figs"
    paths = figures.save_figure(simple_figure(), out, "fig1", "Source: test. Evidence: e1.")
    assert [p.name for p in paths] == ["fig1.svg", "fig1.png"]
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
    assert paths[1].read_bytes().startswith(b"\x89PNG")
    assert paths[0].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    manifest = json.loads((out / figures.MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"fig1": {"caption": "Source: test. Evidence: e1.", "files": ["fig1.svg", "fig1.png"]}}

    figures.save_figure(simple_figure(), out, "a_fig0", "来源:测试。")
    manifest = json.loads((out / figures.MANIFEST).read_text(encoding="utf-8"))
    assert list(manifest) == ["a_fig0", "fig1"]  # both kept, sorted by name
    assert manifest["a_fig0"]["caption"] == "来源:测试。"
    assert "来源" in (out / figures.MANIFEST).read_text(encoding="utf-8")  # not \u-escaped


def test_save_figure_draws_once_per_file_and_crops_like_tight(tmp_path):
    """One tight box, measured before drawing, serves both files: two draws, not the four of
    ``bbox_inches="tight"``, and the same crop (caption included) that "tight" would give."""
    figures.set_style()
    fig, draws = simple_figure(), []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    png = figures.save_figure(fig, tmp_path, "fig", "Source: x. Evidence: e1, e2.")[1]
    assert len(draws) == 2
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")  # the caption is in the figure now
    with Image.open(png) as ours, Image.open(buffer) as tight:
        assert ours.size == tight.size


def test_save_figure_is_byte_identical(tmp_path):
    figures.set_style()
    first = figures.save_figure(simple_figure(), tmp_path / "a", "fig", "Source: x. Evidence: e1, e2.")
    second = figures.save_figure(simple_figure(), tmp_path / "b", "fig", "Source: x. Evidence: e1, e2.")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    svg = first[0].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in first[1].read_bytes()


def test_kept_text_extents_change_no_byte(tmp_path, monkeypatch):
    """The canvas that keeps text extents across renderers draws what Agg's own canvas draws: a
    study's framework and a small figure, whose tight boxes end at a fraction of a pixel."""
    from contextlib import nullcontext

    from platgov_analysis import data

    codebook = data.load_tables(study="qian2025")["codebook"].query("scheme == 'framework'")
    figures.set_style()

    def both(folder):
        return (figures.save_figure(simple_figure(), folder, "small", "来源:测试。Evidence: e1.")
                + figures.save_figure(figures.plot_framework(codebook, "en", "Framework"), folder, "framework",
                                      "Source: Qian 2025."))

    kept = both(tmp_path / "kept")
    monkeypatch.setattr(figures.saving, "_measured_once", lambda fig: nullcontext())
    for a, b in zip(kept, both(tmp_path / "plain")):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_kept_figure_is_the_figure_made_afresh(tmp_path, monkeypatch):
    """With the build's cache, a figure drawn as before is copied, not finished and rasterised
    again, and its files are the bytes made without the cache; an rc setting that reaches Agg
    alone (antialiasing, absent from the SVG) makes it anew."""
    from platgov_analysis.figures import saving
    from platgov_analysis.memo import CACHE_ENV

    figures.set_style()
    fresh = [p.read_bytes() for p in figures.save_figure(simple_figure(), tmp_path / "fresh", "fig", "Source: x.")]
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    made = [p.read_bytes() for p in figures.save_figure(simple_figure(), tmp_path / "made", "fig", "Source: x.")]
    finished, rasterised = saving._finish_svg, saving._png
    monkeypatch.setattr(saving, "_finish_svg", lambda svg: pytest.fail("finished again"))
    monkeypatch.setattr(saving, "_png", lambda fig, box: pytest.fail("rasterised again"))
    kept = [p.read_bytes() for p in figures.save_figure(simple_figure(), tmp_path / "kept", "fig", "Source: x.")]
    assert fresh == made == kept
    assert (tmp_path / "kept" / figures.MANIFEST).exists()

    monkeypatch.setattr(saving, "_finish_svg", finished)
    monkeypatch.setattr(saving, "_png", rasterised)
    mpl.rcParams["lines.antialiased"] = False
    jagged = [p.read_bytes() for p in figures.save_figure(simple_figure(), tmp_path / "jagged", "fig", "Source: x.")]
    assert jagged[0] == fresh[0] and jagged[1] != fresh[1]


def test_save_figure_draws_caption_into_figure(tmp_path):
    figures.set_style()
    fig = simple_figure()
    figures.save_figure(fig, tmp_path, "fig", "Source: caption text.")
    assert any(t.get_text() == "Source: caption text." for t in fig.texts)


def test_save_table(tmp_path):
    path = figures.save_table(pd.DataFrame({"名称": ["甲", "乙"], "n": [1, 2]}), tmp_path / "t", "tab")
    assert path.read_bytes() == "名称,n\n甲,1\n乙,2\n".encode("utf-8")


# ---------------------------------------------------------------- caption

def test_caption_names_source_and_sorted_unique_ids():
    text = figures.caption("Song 2026", ["e3;e1", "e1", None, pd.NA, "e2;", "e3"], "en")
    assert text == "Source: Song 2026. Evidence: e1, e2, e3."


def test_caption_with_note_and_without_evidence():
    # a figure that aggregates a whole table passes no ids and names the table in the note
    assert figures.caption("S", [], "en", note="All rows of relations.csv.") == \
        "Source: S. All rows of relations.csv."
    assert figures.caption("S", [None, ""], "en") == "Source: S."
    assert figures.caption("S", ["e1"], "en", note="Dates approximate.") == \
        "Source: S. Evidence: e1. Dates approximate."
    assert figures.caption("S", pd.Series(["x-01"], dtype="string"), "en") == "Source: S. Evidence: x-01."


def test_caption_truncates_after_twelve():
    ids = [f"e{i:02d}" for i in range(14, 0, -1)]  # given out of order
    text = figures.caption("S", [";".join(ids[:7]), ";".join(ids[7:])], "en")
    listed = ", ".join(f"e{i:02d}" for i in range(1, 13))
    assert text == f"Source: S. Evidence: {listed} … (14 rows)."
    assert "e13" not in text and "e14" not in text
    exactly_twelve = figures.caption("S", [f"e{i:02d}" for i in range(1, 13)], "en")
    assert "rows" not in exactly_twelve and exactly_twelve.endswith("e12.")


def test_caption_chinese():
    assert figures.caption("宋锴业 2026", ["e2;e1"], "zh") == "来源:宋锴业 2026。证据:e1, e2。"
    zh_note = figures.caption("宋锴业 2026", [], "zh", note="全部关系。")
    assert zh_note.startswith("来源:宋锴业 2026。") and zh_note.endswith("全部关系。") and "证据" not in zh_note
    assert "Source" not in figures.caption("宋锴业 2026", ["e1"], "zh")
    with pytest.raises(ValueError, match="fr"):
        figures.caption("S", [], "fr")


# ---------------------------------------------------------------- labels

def test_localized_falls_back_to_other_language():
    table = frame([["A", "甲"], [None, "乙"], ["C", None], [None, None]], ["name_en", "name_zh"])
    assert labels.localized(table, "name", "en").tolist()[:3] == ["A", "乙", "C"]
    assert labels.localized(table, "name", "zh").tolist()[:3] == ["甲", "乙", "C"]
    assert pd.isna(labels.localized(table, "name", "en").iloc[3])


def test_localized_without_other_column():
    table = frame([["x"], [None]], ["metric_en"])
    result = labels.localized(table, "metric", "en")
    assert result.iloc[0] == "x" and pd.isna(result.iloc[1])


def test_check_lang():
    assert labels.check_lang("en") == "en" and labels.check_lang("zh") == "zh"
    with pytest.raises(ValueError) as info:
        labels.check_lang("fr")
    message = str(info.value)
    assert '"fr"' in message and "en" in message and "zh" in message
    with pytest.raises(ValueError):
        labels.localized(frame([["a", "b"]], ["x_en", "x_zh"]), "x", "fr")
    assert labels.text("zh", "yes", "是") == "是" and labels.text("en", "yes", "是") == "yes"


# ---------------------------------------------------------------- plots

LANGS = ["en", "zh"]


def codebook_two_levels():
    return frame([
        ["F", None, 1, "Framework", "框架"],  # a third level: F groups D1 and D2
        ["D1", "F", 2, "Power", "权力结构"],
        ["D1a", "D1", 3, "within government", "政府内部"],
        ["D1b", "D1", 4, "government-enterprise", "政企之间"],
        ["D2", "F", 5, "Resources", "边界资源"],
        ["D2a", "D2", 6, "within government", None],  # falls back to English in zh
    ], ["code_id", "parent_id", "sort_order", "label_en", "label_zh"], integers=("sort_order",))


@pytest.mark.parametrize("lang", LANGS)
def test_plot_framework_two_levels(lang):
    figures.set_style()
    codebook = codebook_two_levels().iloc[1:].reset_index(drop=True)  # drop the group row F
    codebook["parent_id"] = codebook["parent_id"].mask(codebook["parent_id"] == "F")  # D1, D2 become roots
    assert codebook["parent_id"].isna().sum() == 2
    fig = figures.plot_framework(codebook, lang, "框架 / Framework")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    # 2 dimension boxes + 3 part boxes
    assert sum(isinstance(p, Rectangle) for p in ax.patches) == 5
    shown = {t.get_text() for t in ax.texts}
    assert ("Power" if lang == "en" else "权力结构") in shown
    render_strictly(fig)


def test_plot_framework_with_group_row():
    figures.set_style()
    fig = figures.plot_framework(codebook_two_levels(), "zh", "框架")
    ax = fig.axes[0]
    assert sum(isinstance(p, Rectangle) for p in ax.patches) == 5  # group row F is the title, not a box
    assert "框架" in ax.get_title()
    render_strictly(fig)


def small_events():
    rows = [
        ["x-d1", "x", "2012", "E-government starts", "电子政务起步"],
        ["x-d2", "x", "2016-05", "City brain launched", "城市大脑启动"],
        ["x-d3", "x", "2020-02-11", "Health code launched", "健康码上线"],
        ["x-d4", "x", "2020-02", "Code spreads", "健康码推广"],
        ["x-d5", "x", "2020-03-01", "National code", "全国健康码"],
        ["y-d1", "y", "2019", "Other study", "其他研究"],
    ]
    return frame(rows, ["event_id", "study_id", "date", "description_en", "description_zh"])


def test_study_events_precision_and_order_small():
    events = studies.study_events({"events": small_events()}, "x")
    assert events["event_id"].tolist() == ["x-d1", "x-d2", "x-d4", "x-d3", "x-d5"]
    assert events["precision"].tolist() == ["year", "month", "month", "day", "day"]
    assert events["start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2012-01-01", "2016-05-01", "2020-02-01", "2020-02-11", "2020-03-01"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("split_year", [None, 2020])
def test_plot_timeline(lang, split_year):
    figures.set_style()
    events = studies.study_events({"events": small_events()}, "x")
    fig = figures.plot_timeline(events, lang, "时间线", split_year=split_year)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == (1 if split_year is None else 2)
    if split_year:
        assert len(fig.axes[0].texts) == 2 and len(fig.axes[1].texts) == 3  # before 2020 / 2020
    render_strictly(fig)


def flow_links(kind, cyclic=False):
    """citizens -> platform -> department, then department -> platform (a loop) or platform -> street office."""
    last = (["department", "部门", "platform", "平台"] if cyclic else ["platform", "平台", "street office", "街道"])
    rows = [
        [kind, 1, "citizens", "市民", "platform", "平台", "report", "上报"],
        [kind, 2, "platform", "平台", "department", "部门", "dispatch", "派单"],
        [kind, 3, *last, None, None],
    ]
    return frame(rows, ["diagram_kind", "seq", "source_en", "source_zh", "target_en", "target_zh",
                        "label_en", "label_zh"], integers=("seq",))


@pytest.mark.parametrize("kind", ["process", "escalation", "architecture"])
@pytest.mark.parametrize("lang", LANGS)
def test_plot_flow(kind, lang):
    figures.set_style()
    links = flow_links(kind, cyclic=kind == "escalation")
    fig = figures.plot_flow(links, lang, "流程")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert sum(isinstance(p, FancyArrowPatch) for p in ax.patches) == 3  # one arrow per link
    render_strictly(fig)


def test_flow_labels_of_opposite_links_sit_on_opposite_sides():
    figures.set_style()
    rows = [["process", 1, "platform", "平台", "secretary", "书记", "submit for approval", "报批"],
            ["process", 2, "secretary", "书记", "platform", "平台", "return with instructions", "批示后返回"]]
    links = frame(rows, ["diagram_kind", "seq", "source_en", "source_zh", "target_en", "target_zh",
                         "label_en", "label_zh"], integers=("seq",))
    fig = figures.plot_flow(links, "en", "flow")
    ax = fig.axes[0]
    tags = {t.get_text().split("\u00a0")[0]: t for t in ax.texts if t.get_text()[:1].isdigit()}
    assert set(tags) == {"1", "2"}
    fig.canvas.draw()
    first, second = (tags[k].get_window_extent() for k in ("1", "2"))
    assert not first.overlaps(second)
    assert {tags["1"].get_va(), tags["2"].get_va()} == {"bottom", "top"}  # one bows up, one down
    render_strictly(fig)


def test_flow_positions_layers_and_tiers():
    links = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "c", "d"]})
    # layers follow the longest path; each layer is centred on the main row
    assert figures.flow_positions(links, "process") == {"a": (0, 0), "b": (1, 0.5), "d": (1, -0.5), "c": (2, 0)}
    # architecture: the same layers turned into top-down tiers
    assert figures.flow_positions(links, "architecture") == {"a": (0, 0), "b": (-0.5, -1), "d": (0.5, -1), "c": (0, -2)}
    ring = figures.flow_positions(links, "escalation")
    assert set(ring) == {"a", "b", "c", "d"}
    cyclic = pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"]})
    assert set(figures.flow_positions(cyclic, "process")) == {"a", "b"}  # a loop falls back to a ring


@pytest.mark.parametrize("lang", LANGS)
def test_plot_indicator_panel(lang):
    figures.set_style()
    indicators = frame([
        ["J City", "J市", "interview time", "10小时03分", None],
        ["X County", "X县", "interview time", "2小时37分", "2023"],
        ["Hangzhou", "杭州", "users", "1000万", "2020-02"],
        ["Shanghai", "上海", "cameras", "100万+", None],
        ["Jiaxing", None, "events handled", "98%", "2020-12-31"],
    ], ["entity_en", "entity_zh", "metric_en", "value_as_printed", "as_of"])
    fig = figures.plot_indicator_panel(indicators, lang, "指标", columns=4)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 5  # one tile per indicator, in a 2 x 4 grid
    assert ax.get_xlim() == (0, 4) and ax.get_ylim() == (0, 2)
    assert ax.texts[0].get_text() == "10小时03分"
    assert "2020-02" in [t.get_text() for t in ax.texts]
    render_strictly(fig)


@pytest.mark.parametrize("lang", LANGS)
def test_plot_case_matrix(lang):
    figures.set_style()
    matrix = pd.DataFrame({"LEAD": ["1", "0", "unknown"], "DATA": ["unknown", "1", "0"],
                           "EFFECT": ["1", "1", "0"]}, index=["c1", "c2", "c3"]).astype("string")
    groups = pd.Series(["song2026", "song2026", "wu2022"])
    row_labels = pd.Series(["情指行一体化平台", "一站式审批服务平台", "杭州健康码"])
    fig = figures.plot_case_matrix(matrix, groups, row_labels, lang, "案例矩阵")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    # colour index per value: "1" -> 0, "0" -> 1, "unknown" -> 2
    assert ax.images[0].get_array().tolist() == [[0, 2, 0], [1, 0, 0], [2, 1, 1]]
    cell_texts = [t.get_text() for t in ax.texts if t.get_text() in {"1", "0", "?"}]
    assert sorted(cell_texts) == sorted(["1", "?", "1", "0", "1", "1", "?", "0", "0"])
    render_strictly(fig)


@pytest.mark.parametrize("lang", LANGS)
def test_plot_counts(lang):
    figures.set_style()
    table = frame([["song2026", "interview", 5], ["song2026", "text", 3], ["wu2022", "text", 4]],
                  ["study", "kind", "n"], integers=("n",))
    fig = figures.plot_counts(table, "study", "kind", lang, "证据", "条数")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0)
    assert widths == [3, 4, 5]
    assert ax.get_xlabel() == "条数"
    render_strictly(fig)


def test_plot_counts_palette_fixes_colours_order_and_legend_title():
    figures.set_style()
    vocabulary = frame([["outcome_category", code, code, zh] for code, zh in
                        [("effective", "有效"), ("shelved", "搁置"), ("underperforming", "未达预期")]],
                       ["field", "code", "label_en", "label_zh"])
    palette = figures.outcome_palette(vocabulary, "zh")
    assert list(palette) == ["有效", "未达预期", "搁置"]  # OUTCOME_COLOURS order, not alphabetical
    table = frame([["a", "搁置", 2], ["a", "有效", 1], ["b", "未达预期", 3]], ["study", "verdict", "n"], integers=("n",))
    fig = figures.plot_counts(table, "study", "verdict", "zh", "成效", "个", legend_title="成效判断", palette=palette)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["有效", "未达预期", "搁置"]
    assert legend.get_title().get_text() == "成效判断"
    shelved = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_width() == 2]
    assert mpl.colors.to_hex(shelved[0].get_facecolor()) == figures.OUTCOME_COLOURS["shelved"]
    render_strictly(fig)


def test_plot_site_interview_time_and_periods():
    figures.set_style()
    sites = pd.DataFrame({"site": ["J市", "X县"], "minutes": [603, 157], "platforms": [2, 1],
                          "outcome": ["mixed", "underperforming"]})
    fig = figures.plot_site_interview_time(sites, "zh")
    assert any(t.get_text().startswith("10h03") for t in fig.axes[0].texts)
    render_strictly(fig)
    periods = pd.DataFrame({"study": ["a", "b"], "start": [pd.Timestamp("2023-07-05"), pd.NaT],
                            "end": [pd.Timestamp("2023-07-25"), pd.NaT], "label": ["2023-07-05 – 2023-07-25", ""]})
    fig = figures.plot_periods(periods, "zh", "调研时间")
    assert isinstance(fig, Figure)
    render_strictly(fig)


def test_plot_network_small_graph():
    figures.set_style()
    actors = frame([["gov", "市政府", "City government", "government", "state", "municipal"],
                    ["ali", "阿里巴巴", "Alibaba", "enterprise", "market", "not_applicable"]],
                   ["actor_id", "name_zh", "name_en", "actor_type", "sector", "gov_level"])
    relations = frame([["r1", "s1", "gov", "ali", None, "contracts", "cooperative", None, "", "e1", "actual"],
                       ["r2", "s1", "ali", "gov", None, "reports_to", "neutral", None, "", "e2", "planned"]],
                      ["relation_id", "study_id", "source_id", "target_actor_id", "target_case_id",
                       "relation_type", "tone", "case_id", "description_en", "evidence_id", "status"])
    cases = frame([], ["case_id", "study_id", "name_zh", "name_en", "admin_level"])
    graph = networks.build_graph({"actors": actors, "cases": cases, "relations": relations})
    vocabulary = frame([["sector", "state", "state", "政府"], ["sector", "market", "market", "市场"],
                        ["sector", "society", "society", "社会"], ["sector", "platform", "platform", "平台"],
                        *[["gov_level", level, level, f"层级{i}"] for i, level in enumerate(networks.LEVEL_MARKERS)],
                        ["tone", "cooperative", "cooperative", "合作"], ["tone", "conflictual", "conflictual", "冲突"],
                        ["tone", "neutral", "neutral", "中性"],
                        *[["status", s, s, f"状态{i}"] for i, s in enumerate(networks.STATUSES)]],
                       ["field", "code", "label_en", "label_zh"])
    fig = figures.plot_network(graph, vocabulary, "zh", "关系网络", figsize=(5, 4))
    assert isinstance(fig, Figure)
    assert {"市政府", "阿里巴巴"} <= {t.get_text() for t in fig.axes[0].texts}
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:4] == ["政府", "市场", "社会", "平台"] and legend[-4:-1] == ["合作", "冲突", "中性"]
    assert legend[-1] == "(状态1, 状态2, 状态3, 状态4)"  # the planned tie is drawn faded and explained
    render_strictly(fig)


def test_decode_shows_labels_and_keeps_unlabelled_codes():
    vocabulary = frame([["tone", "cooperative", "cooperative", "合作"], ["speaker_role", "enterprise", "enterprise", "企业"]],
                       ["field", "code", "label_en", "label_zh"])
    table = frame([["cooperative", "enterprise"], ["odd", None]], ["tone", "speaker"])
    shown = labels.decode(table, vocabulary, "zh", {"tone": "tone", "speaker": "speaker_role"})
    assert shown["tone"].tolist() == ["合作", "odd"]
    assert shown["speaker"].iloc[0] == "企业" and pd.isna(shown["speaker"].iloc[1])
    assert table["tone"].tolist() == ["cooperative", "odd"]  # the input is not changed
    assert labels.decode(table, vocabulary, "en", ["tone"])["tone"].tolist() == ["cooperative", "odd"]
    with pytest.raises(ValueError, match="lang must be one of"):
        labels.code_labels(vocabulary, "tone", "fr")


def test_caption_sits_below_the_axis_label(tmp_path):
    figures.set_style()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh(["甲", "乙"], [1, 2])
    ax.set_xlabel("一个很长的横轴标题\n占两行")
    label_bottom = ax.xaxis.label.get_window_extent().y0
    figures.save_figure(fig, tmp_path, "f", "来源:测试。")
    caption = fig.texts[-1]
    assert caption.get_text() == "来源:测试。"
    assert caption.get_window_extent().y1 < label_bottom
