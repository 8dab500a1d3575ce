"""The plots: each returns a matplotlib Figure, which the notebook saves with
:func:`~platgov_analysis.figures.save_figure` and a caption."""
from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..labels import code_labels, localized, text

OUTCOME_COLOURS = {"effective": "#2a9d8f", "underperforming": "#e9c46a", "shelved": "#e76f51",
                   "hollow": "#9c6644", "not_assessed": "#bbbbbb", "mixed": "#8d99ae"}


def outcome_palette(vocabulary: pd.DataFrame, lang: str) -> dict[str, str]:
    """Outcome label in ``lang`` -> its colour, in the order effective … not assessed."""
    labels = code_labels(vocabulary, "outcome_category", lang)
    return {labels[code]: colour for code, colour in OUTCOME_COLOURS.items() if code in labels}


VALUE_COLOURS = {"1": "#264653", "0": "#e9c46a", "unknown": "#f1f1f1", "missing": "#ff00ff"}


def plot_site_interview_time(sites: pd.DataFrame, lang: str):
    """Interview minutes per field site, bars coloured by the outcome of the site's platforms."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ordered = sites.sort_values("minutes", ascending=False)
    colours = [OUTCOME_COLOURS[o] for o in ordered["outcome"]]
    ax.barh(ordered["site"], ordered["minutes"], color=colours)
    ax.invert_yaxis()
    for y, (minutes, n) in enumerate(zip(ordered["minutes"], ordered["platforms"])):
        label = f"{int(minutes) // 60}h{int(minutes) % 60:02d}" + (f"  ({n} {text(lang, 'platforms', '个平台')})" if n > 1 else "")
        ax.text(minutes + 5, y, label, va="center", fontsize=8)
    ax.set_xlabel(text(lang, "interview time at the site (minutes)", "调研地访谈时间(分钟)"))
    shown = dict(zip(ordered["outcome"], ordered.get("outcome_label", ordered["outcome"])))
    handles = [plt.Rectangle((0, 0), 1, 1, color=OUTCOME_COLOURS[o]) for o in shown]
    ax.legend(handles, list(shown.values()), title=text(lang, "outcome", "成效"), loc="lower right", fontsize=8)
    ax.set_title(text(lang, "Interview time per field site, by platform outcome", "各调研地访谈时间与平台运行成效"))
    return fig


def _boxes(ax, labels: list[str], x: float, y_top: float, width: float, colour: str, fontsize: float = 8):
    """Stack labelled boxes vertically at column x; return their centre y positions."""
    ys = []
    for i, label in enumerate(labels):
        y = y_top - i * 1.0
        ax.add_patch(plt.Rectangle((x - width / 2, y - 0.38), width, 0.76, facecolor=colour, edgecolor="#555555",
                                   linewidth=0.6))
        ax.text(x, y, "\n".join(textwrap.wrap(label, 16 if any(ord(c) > 0x2E80 for c in label) else 26)),
                ha="center", va="center", fontsize=fontsize)
        ys.append(y)
    return ys


def plot_framework(codebook: pd.DataFrame, lang: str, title: str):
    """A framework's dimensions as a tree: top-level dimensions and their sub-dimensions."""
    labels = localized(codebook, "label", lang)
    frame = codebook.assign(label=labels).sort_values(["sort_order", "code_id"])
    ids = set(frame["code_id"])
    roots = frame[frame["parent_id"].isna() | ~frame["parent_id"].isin(ids)]
    columns = []  # (root label, [children labels])
    for root in roots.itertuples(index=False):
        children = frame[frame["parent_id"] == root.code_id]
        if len(children) and children["code_id"].isin(frame["parent_id"]).any():
            # a group row: its children are the dimensions, grandchildren their parts
            for child in children.itertuples(index=False):
                grand = frame[frame["parent_id"] == child.code_id]["label"].tolist()
                columns.append((child.label, grand, root.label))
        else:
            columns.append((root.label, children["label"].tolist(), None))
    depth = max([len(c[1]) for c in columns] + [1])
    fig, ax = plt.subplots(figsize=(max(2.4 * len(columns), 5), 1.3 + 0.9 * (depth + 1)))
    for i, (head, parts, _group) in enumerate(columns):
        _boxes(ax, [head], i * 2.4, 0, 2.2, "#cfe1f2", 8.5)
        part_ys = _boxes(ax, parts, i * 2.4, -1.2, 2.0, "#f4f4f4", 7.5)
        for y in part_ys:
            ax.plot([i * 2.4, i * 2.4], [-0.38, y + 0.38], color="#999999", linewidth=0.6, zorder=0)
    groups = [c[2] for c in columns if c[2]]
    ax.set_title(title + (f"\n{groups[0]}" if groups and len(set(groups)) == 1 else ""), fontsize=10)
    ax.set_xlim(-1.3, 2.4 * len(columns) - 1.1)
    ax.set_ylim(-1.2 - depth, 0.7)
    ax.set_axis_off()
    return fig


def plot_timeline(events: pd.DataFrame, lang: str, title: str, split_year: int | None = None):
    """Dated events on a time axis; with ``split_year`` a second panel zooms into that year.

    Events dated to a year or month are drawn at its first day with a hollow marker, so a
    reader sees which dates are coarse.
    """
    labels = localized(events, "description", lang)
    panels = [events.index] if split_year is None else [
        events.index[events["start"].dt.year < split_year], events.index[events["start"].dt.year >= split_year]]
    panels = [p for p in panels if len(p)]
    heights = [max(2.2, 0.28 * len(p) + 1) for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, index in zip(axes[:, 0], panels):
        part = events.loc[index]
        y = range(len(part))
        exact = part["precision"] == "day"
        ax.scatter(part["start"][exact], [i for i, e in zip(y, exact) if e], color="#264653", zorder=3, s=22)
        ax.scatter(part["start"][~exact], [i for i, e in zip(y, exact) if not e], facecolor="white",
                   edgecolor="#264653", zorder=3, s=22)
        for i, (start, date, label) in enumerate(zip(part["start"], part["date"], labels.loc[index])):
            ax.text(start, i, f"  {date}  {textwrap.shorten(str(label), 70, placeholder='…')}", va="center",
                    fontsize=7.5)
        ax.set_yticks([])
        ax.invert_yaxis()
        span = part["start"].max() - part["start"].min()
        pad = max(span * 0.05, pd.Timedelta(days=3))
        ax.set_xlim(part["start"].min() - pad, part["start"].max() + span * 1.6 + pd.Timedelta(days=20))
        # the room right of the last event is for its label: no dates there that no event has
        low, last = ax.get_xlim()[0], mdates.date2num(part["start"].max())
        ticks = [tick for tick in ax.get_xticks() if low <= tick <= last + 1]
        fmt = "%Y" if span > pd.Timedelta(days=730) else "%Y-%m"
        ax.set_xticks(ticks, [mdates.num2date(tick).strftime(fmt) for tick in ticks])
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def flow_positions(links: pd.DataFrame, kind: str) -> dict:
    """Node positions for a flow diagram: a ring for escalation loops, layers otherwise.

    Layers follow the longest path from the sources; links that point back to a node met
    earlier in the flow (feedback, loops) are set aside for layering and still drawn.
    """
    import networkx as nx

    order = list(dict.fromkeys(pd.concat([links["source"], links["target"]]).tolist()))
    if kind == "escalation":
        return nx.circular_layout(order)
    rank = {node: i for i, node in enumerate(order)}
    forward = nx.DiGraph()
    forward.add_nodes_from(order)
    forward.add_edges_from((u, v) for u, v in zip(links["source"], links["target"]) if rank[v] > rank[u])
    layer = {}
    for node in nx.topological_sort(forward):
        preds = list(forward.predecessors(node))
        layer[node] = 1 + max(layer[p] for p in preds) if preds else 0
    sizes = pd.Series(layer).value_counts()
    positions, counts = {}, {}
    for node in order:
        depth = layer[node]
        # each layer centred on the main row, so a fan-in (many channels, one platform) is symmetric
        positions[node] = (depth, (sizes[depth] - 1) / 2 - counts.get(depth, 0))
        counts[depth] = counts.get(depth, 0) + 1
    if kind == "architecture":  # top-down tiers
        positions = {n: (-y, -x) for n, (x, y) in positions.items()}
    return positions


def plot_flow(links: pd.DataFrame, lang: str, title: str):
    """A diagram from the flows table (one diagram_id): boxes and arrows in seq order."""
    from matplotlib.patches import FancyArrowPatch

    kind = links["diagram_kind"].iloc[0]
    frame = pd.DataFrame({"source": localized(links, "source", lang), "target": localized(links, "target", lang),
                          "label": localized(links, "label", lang) if "label_en" in links else None,
                          "seq": links["seq"]}).sort_values("seq")
    positions = flow_positions(frame, kind)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    scale_x = 2.6 if kind != "escalation" else 4.2
    scale_y = 1.2 if kind != "escalation" else 3.0
    fig_w = min(max((max(xs) - min(xs) + 1) * scale_x, 6), 16)
    fig_h = min(max((max(ys) - min(ys) + 1) * scale_y, 3), 12)
    fig, ax = plt.subplots(figsize=(fig_w, fig_h))
    wrap = 10 if lang == "zh" else 18
    for node, (x, y) in positions.items():
        ax.text(x, y, "\n".join(textwrap.wrap(str(node), wrap)), ha="center", va="center", fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.35", "facecolor": "#e8f1f8", "edgecolor": "#4C72B0", "linewidth": 0.7},
                zorder=3)
    # a no-break space keeps the step number on the first line of its label when it wraps
    frame["tag"] = [f"{seq}" + (f"\u00a0{label}" if pd.notna(label) else "") for seq, label in zip(frame["seq"], frame["label"])]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    rad = 0.15
    # links repeated between the same pair in the same direction share one arrow and one label
    for (source, target), tags in frame.groupby(["source", "target"], sort=False)["tag"]:
        start, end = positions[source], positions[target]
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color="#555555",
                                     linewidth=0.8, shrinkA=22, shrinkB=22, connectionstyle=f"arc3,rad={rad}",
                                     zorder=2))
        label = "\n".join(line for tag in tags for line in textwrap.wrap(tag, wrap + 2))
        x, y, above = _arc_apex(ax, start, end, rad)
        ax.text(x, y, label, fontsize=6.5, color="#333333", ha="center", va="bottom" if above else "top", zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
    return fig


def _arc_apex(ax, start, end, rad: float) -> tuple[float, float, bool]:
    """Data position of the middle of an ``arc3`` arrow and whether it bows upwards.

    matplotlib bends ``arc3`` arrows in display space, so the apex is found there: a label
    placed at it sits on its own arrow, on the outer side, and the labels of two opposite links
    between one pair (which bow to opposite sides) stay apart.
    """
    (x1, y1), (x2, y2) = ax.transData.transform([start, end])
    apex = ((x1 + x2) / 2 + rad * (y2 - y1) / 2, (y1 + y2) / 2 - rad * (x2 - x1) / 2)
    x, y = ax.transData.inverted().transform(apex)
    return x, y, apex[1] >= (y1 + y2) / 2


def plot_indicator_panel(indicators: pd.DataFrame, lang: str, title: str, columns: int = 4):
    """Indicators as a grid of tiles (value as printed, what it measures, date): figures in
    mixed units are read side by side, never put on one axis. One axes for all tiles keeps
    large panels fast to draw."""
    n = len(indicators)
    rows = max(1, -(-n // columns))
    fig, ax = plt.subplots(figsize=(2.4 * columns, 1.1 * rows + 0.6))
    about = localized(indicators, "entity", lang).reset_index(drop=True)
    for i, row in indicators.reset_index(drop=True).iterrows():
        x, y = i % columns, rows - 1 - i // columns
        ax.add_patch(plt.Rectangle((x + 0.03, y + 0.05), 0.94, 0.9, facecolor="white", edgecolor="#dddddd"))
        ax.text(x + 0.5, y + 0.68, row["value_as_printed"], ha="center", va="center", fontsize=11,
                weight="bold", color="#264653")
        label = row["metric_en"] if lang == "en" else about.iloc[i]
        ax.text(x + 0.5, y + 0.32, "\n".join(textwrap.wrap(str(label), 30 if lang == "en" else 14)[:2]),
                ha="center", va="center", fontsize=6.5)
        if pd.notna(row["as_of"]):
            ax.text(x + 0.95, y + 0.08, row["as_of"], ha="right", va="bottom", fontsize=5.5, color="#777777")
    ax.set_xlim(0, columns)
    ax.set_ylim(0, rows)
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    return fig


def plot_periods(periods: pd.DataFrame, lang: str, title: str):
    """Periods (e.g. fieldwork) as horizontal bars on one time axis; a label where none is given."""
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(periods) + 1.5))
    for i, row in enumerate(periods.itertuples(index=False)):
        if pd.isna(row.start):
            ax.text(0.01, i, text(lang, "no fieldwork period stated", "未说明调研时间"), va="center", fontsize=8,
                    color="#777777", transform=ax.get_yaxis_transform())
            continue
        ax.barh(i, (row.end - row.start).days + 1, left=row.start, height=0.5, color="#4C72B0")
        ax.text(row.end, i, f"  {row.label}", va="center", fontsize=7.5)
    ax.set_yticks(range(len(periods)), periods["study"])
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    fig.autofmt_xdate()
    return fig


def plot_counts(table: pd.DataFrame, x: str, hue: str, lang: str, title: str, xlabel: str,
                legend_title: str | None = None, palette: dict[str, str] | None = None):
    """Horizontal stacked bars of counts (e.g. evidence per study by kind, actors by type).

    ``palette`` (hue value -> colour) fixes colours and stacking order, e.g. the outcome
    colours shared by every figure; otherwise hue values are coloured in sorted order.
    """
    wide = table.pivot_table(index=x, columns=hue, values="n", aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(wide) + 1.6))
    if palette:
        wide = wide[[value for value in palette if value in wide.columns]]
        wide.plot.barh(stacked=True, ax=ax, color=[palette[value] for value in wide.columns], width=0.7)
    else:
        wide.plot.barh(stacked=True, ax=ax, colormap="tab20", width=0.7)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left", title=legend_title or hue,
              title_fontsize=8)
    ax.set_title(title, fontsize=10)
    return fig


def plot_case_matrix(matrix: pd.DataFrame, groups: pd.Series, row_labels: pd.Series, lang: str, title: str):
    """Case x condition heatmap: 1, 0 and unknown in distinct colours, cases grouped by study,
    the outcome as the last column set apart by a line."""
    from matplotlib.colors import ListedColormap

    order = list(VALUE_COLOURS)
    codes = matrix.replace({v: i for i, v in enumerate(order)}).astype(int)
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * matrix.shape[1] + 3, 0.32 * len(matrix) + 1.8))
    ax.imshow(codes.to_numpy(), cmap=ListedColormap(list(VALUE_COLOURS.values())), vmin=0, vmax=len(order) - 1,
              aspect="auto")
    for (i, j), value in pd.DataFrame(matrix.to_numpy()).stack().items():
        ax.text(j, i, "?" if value == "unknown" else value, ha="center", va="center", fontsize=7,
                color="white" if value == "1" else "#333333")
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, fontsize=8)
    ax.set_yticks(range(len(matrix)), [textwrap.shorten(str(s), 34, placeholder="…") for s in row_labels], fontsize=7)
    ax.xaxis.tick_top()
    ax.axvline(matrix.shape[1] - 1.5, color="black", linewidth=1.5)
    previous = None
    for i, group in enumerate(groups):
        if previous is not None and group != previous:
            ax.axhline(i - 0.5, color="black", linewidth=0.8)
        previous = group
    for i, group in enumerate(groups):
        if i == 0 or groups.iloc[i - 1] != group:
            ax.text(matrix.shape[1] - 0.4, i - 0.3, group, fontsize=7, va="top", ha="left", color="#444444")
    ax.grid(False)
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="#999999") for v, c in VALUE_COLOURS.items()
               if v != "missing"]
    ax.legend(handles, ["1", "0", text(lang, "unknown (?)", "未知(?)")], loc="upper left",
              bbox_to_anchor=(1.12, 0), fontsize=7, ncol=1)
    ax.set_title(title, fontsize=10, pad=24)
    return fig


def plot_crosswalk(matrix: pd.DataFrame, lang: str, title: str):
    """Conditions x study framework dimensions: where the studies' frameworks meet."""
    values = matrix.replace({"core": 2, "partial": 1, "": 0}).astype(int)
    fig, ax = plt.subplots(figsize=(0.42 * matrix.shape[1] + 3, 0.45 * len(matrix) + 3.4))
    sns.heatmap(values, cmap=sns.color_palette(["#f7f7f7", "#a8dadc", "#1d3557"], as_cmap=True), vmin=0, vmax=2,
                cbar=False, linewidths=0.5, linecolor="white", ax=ax)
    ax.set_xticklabels([textwrap.shorten(c.get_text(), 40, placeholder="…") for c in ax.get_xticklabels()],
                       rotation=75, ha="right", fontsize=6.5)
    ax.set_ylabel("")
    ax.set_xlabel("")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in ["#1d3557", "#a8dadc"]]
    ax.legend(handles, [text(lang, "core", "核心"), text(lang, "partial", "部分")], loc="upper left",
              bbox_to_anchor=(1.01, 1), fontsize=7)
    ax.set_title(title, fontsize=10)
    return fig


def plot_network(graph, vocabulary: pd.DataFrame, lang: str, title: str, seed: int = 7, figsize=(11, 8.5)):
    """A relation network with its legend (colour = sector, marker = level, line = tone, faded =
    a tie that is not actual), the legend worded from ``vocabulary`` (data/vocabulary.csv) in ``lang``."""
    from ..networks import ACTUAL, LABEL_ALL_UP_TO, draw_network, legend_handles

    fig, ax = plt.subplots(figsize=figsize)
    draw_network(graph, ax, lang=lang, seed=seed, label_size=6.5 if len(graph) > 30 else 7.5)
    if len(graph) > LABEL_ALL_UP_TO:
        title += text(lang, "\n(labels: actors with 3+ ties or in 2+ studies; all nodes in the exports)",
                      "\n(标注:3条以上关系或见于2项以上研究的主体;全部节点见导出文件)")
    faded = any(status not in ACTUAL for _, _, status in graph.edges(data="status"))
    ax.legend(handles=legend_handles(vocabulary, lang, faded), fontsize=6.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title, fontsize=10)
    return fig


def plot_bars(table: pd.DataFrame, x: str, y: str, hue: str | None, title: str, xlabel: str, ylabel: str,
              legend_title: str | None = None):
    """A seaborn bar chart with the house style (used for tie types, centralities, coupling)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.barplot(data=table, x=x, y=y, hue=hue, ax=ax, errorbar=None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelsize=8)
    if hue:
        ax.legend(fontsize=7, title=legend_title or hue, title_fontsize=8)
    ax.set_title(title, fontsize=10)
    return fig
