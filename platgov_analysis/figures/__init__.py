"""One place for figure style, Chinese glyphs, bilingual labels, captions and saving.

Every figure of platgov goes through :func:`save_figure`, which writes SVG and PNG that are
byte-identical across runs and records the caption, so a reader can always trace a figure to
its study and its evidence rows.

Parts: ``style`` (the look, captions), ``saving`` (figure and table files), ``plots`` (one
function per kind of figure).
"""
from .plots import (OUTCOME_COLOURS, VALUE_COLOURS, flow_positions, outcome_palette, plot_bars, plot_case_matrix,
                    plot_counts, plot_crosswalk, plot_flow, plot_framework, plot_indicator_panel, plot_network,
                    plot_periods, plot_site_interview_time, plot_timeline)
from .saving import MANIFEST, save_figure, save_table
from .style import caption, set_style

__all__ = ["MANIFEST", "OUTCOME_COLOURS", "VALUE_COLOURS", "caption", "flow_positions", "outcome_palette", "plot_bars",
           "plot_case_matrix", "plot_counts", "plot_crosswalk", "plot_flow", "plot_framework", "plot_indicator_panel",
           "plot_network", "plot_periods", "plot_site_interview_time", "plot_timeline", "save_figure", "save_table",
           "set_style"]
