"""The platgov look and the captions every figure carries."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..fonts import use_cjk_font
from ..labels import check_lang


def set_style() -> None:
    """The platgov look: seaborn's white grid, the CJK font, deterministic file output."""
    sns.set_theme(style="whitegrid", context="notebook")
    use_cjk_font()
    plt.rcParams["svg.hashsalt"] = "platgov"  # stable ids inside SVG files
    plt.rcParams["svg.fonttype"] = "none"  # text as text; save_figure embeds the font's subset
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 100  # screen resolution: the SVG is the figure for print
    plt.rcParams["savefig.bbox"] = "tight"


def caption(source: str, evidence_ids, lang: str, note: str = "") -> str:
    """A figure caption naming the source study(ies) and the evidence rows behind it.

    Figures that aggregate a whole table pass no ids and name the table in ``note`` instead.
    """
    ids = sorted({part for i in evidence_ids if pd.notna(i) for part in str(i).split(";") if part})
    listed = ", ".join(ids) if len(ids) <= 12 else f"{', '.join(ids[:12])} … ({len(ids)} rows)"
    if check_lang(lang) == "en":
        body = f"Source: {source}." + (f" Evidence: {listed}." if ids else "")
    else:
        body = f"来源:{source}。" + (f"证据:{listed}。" if ids else "")
    return f"{body}{' ' if lang == 'en' else ''}{note}".strip()
