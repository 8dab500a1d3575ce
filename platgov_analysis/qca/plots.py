"""The robustness summary figure (saved by the notebook through ``figures.save_figure``)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..labels import text

CHECK_LABELS = {"coder": ("coders A / B / resolved", "编码员A/B/协调值"),
                "completion": ("fillings of the unknowns", "未知值的填补"),
                "leave_one_out": ("leave one study out", "逐一剔除研究"),
                "sweep": ("cuts and condition sets", "阈值与条件组合")}
SOLUTION_LABELS = {"conservative": ("conservative", "保守解"), "intermediate": ("intermediate", "中间解"),
                   "parsimonious": ("parsimonious", "简约解")}


def plot_term_shares(shares: pd.DataFrame, lang: str, title: str):
    """Solution terms (rows, grouped by solution) x robustness checks (columns): the share of
    eligible runs in which the term appears; 1 in every column is the robust core."""
    solution = shares["solution"].map(lambda s: text(lang, *SOLUTION_LABELS[s]))
    order = shares["solution"].map(list(SOLUTION_LABELS).index).astype(str)
    wide = shares.assign(row=order + solution + ": " + shares["term"]).pivot_table(
        index="row", columns="check", values="share", aggfunc="first", sort=True)
    wide = wide[[c for c in CHECK_LABELS if c in wide.columns]]
    wide.columns = [text(lang, *CHECK_LABELS[c]) for c in wide.columns]
    wide.index = [row[1:] for row in wide.index]  # the sort prefix keeps the solutions in reporting order
    fig, ax = plt.subplots(figsize=(1.6 * wide.shape[1] + 4, 0.38 * len(wide) + 1.6))
    sns.heatmap(wide, vmin=0, vmax=1, cmap="Blues", annot=True, fmt=".2f", linewidths=0.5, linecolor="white",
                cbar_kws={"label": text(lang, "share of runs with the term", "含该项的运行占比")}, ax=ax)
    ax.grid(False)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="both", labelsize=8)
    ax.set_title(title, fontsize=10)
    return fig
