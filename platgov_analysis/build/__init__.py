"""Build the report: run every notebook of ``notebooks/runs.yaml`` through papermill.

Runs execute in parallel (one kernel each), are skipped when nothing they depend on changed
(content hashes, not timestamps), and are published into ``reports/`` only when every run
succeeded: the new report is assembled in a staging folder and swapped in whole, so a failed or
killed build leaves the last good report untouched. One build runs at a time per build folder;
each starts by removing what a killed one left behind.

Parts: ``paths`` (folders, crash points), ``cache`` (what a run depends on), ``kernels`` (the
papermill engine, warm kernels), ``execute`` (one run), ``workers`` (the threads that execute
runs), ``schedule`` (order, progress), ``publish``, ``core`` (the build); ``reproducible`` and
``bench`` check and time it.
"""
from ..runs import Run, load_runs
from .bench import bench, edit_note
from .core import build
from .execute import RunResult, normalise_notebook
from .paths import CRASH_AT, HASH_FILE, PUBLISHED, Paths
from .reproducible import check_reproducible, tree_hashes
from .schedule import longest_first, record_durations

__all__ = ["CRASH_AT", "HASH_FILE", "PUBLISHED", "Paths", "Run", "RunResult", "bench", "build", "check_reproducible",
           "edit_note", "load_runs", "longest_first", "normalise_notebook", "record_durations", "tree_hashes"]
