"""``make bench``: time the build against a plain papermill loop, from cold and after edits.

A command, not a test: the numbers depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..data import DATA_DIR
from ..runs import load_runs
from .cache import DIGESTS_FILE
from .core import one_build_at_a_time
from .paths import KERNEL, NOTEBOOKS_DIR, PACKAGE_DIR, PUBLISHED, REPORTS_DIR, SHARED_CACHE, WORK_DIR, Paths

# (label, what, target ratio to (b) or target seconds)
CASES = [("a", "cold parallel build", 0.30, None), ("b", "sequential papermill loop", None, None),
         ("c", "no-op rebuild", None, 0.5), ("e1", "after editing case_conditions.csv", 0.06, None),
         ("e2", "after editing one relation of one study", 0.25, None),
         ("e3", "after a comment-only edit of a module", None, 0.5)]
WEIGHT_TARGET_MB = 25  # reports/ on disk, as `du -sh reports` counts it (MiB)
EDITED_STUDY = "chen2021"
EDITED_MODULE = PACKAGE_DIR / "labels.py"


def edit_note(table: Path, text: str = " (edited)", column: str = "note", study: str | None = None) -> None:
    """A real, valid edit of a data table: append text to one cell of the first row (of ``study``)."""
    with open(table, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if study is None or r["study_id"] == study)
    row[column] = (row[column] or "") + text
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _edits():
    """Each edit as (label, file, function applying it); the file is restored after timing."""
    return [("e1", DATA_DIR / "case_conditions.csv",
             lambda: edit_note(DATA_DIR / "case_conditions.csv", column="rationale_en")),
            ("e2", DATA_DIR / "relations.csv", lambda: edit_note(DATA_DIR / "relations.csv", study=EDITED_STUDY)),
            ("e3", EDITED_MODULE, lambda: EDITED_MODULE.write_text(EDITED_MODULE.read_text(encoding="utf-8")
                                                                    + "# a comment\n", encoding="utf-8"))]


def report_weight(reports_dir: Path = REPORTS_DIR) -> tuple[float, float]:
    """``reports/`` in MiB: on disk (what ``du`` counts: whole blocks, folders too) and as the
    files' bytes."""
    entries = [reports_dir, *reports_dir.rglob("*")]
    on_disk = sum(p.lstat().st_blocks * 512 for p in entries)
    return on_disk / 2**20, sum(p.lstat().st_size for p in entries if p.is_file()) / 2**20


def _timed(action) -> float:
    start = time.monotonic()
    action()
    return time.monotonic() - start


def bench_once(jobs: int | None) -> dict[str, float]:
    """One measurement of every case, in seconds."""
    import papermill

    from ..data.validation import stamps_dir  # here: with it, every command would import pandas

    runs = load_runs()
    command = [sys.executable, "-m", "platgov_analysis", "build"] + (["--jobs", str(jobs)] if jobs else [])

    def quiet_build() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sequential() -> None:
        with tempfile.TemporaryDirectory() as scratch:
            for run in runs:
                folder = Path(scratch) / run.name
                folder.mkdir(parents=True)
                papermill.execute_notebook(str(NOTEBOOKS_DIR / run.notebook), str(folder / "out.ipynb"),
                                           parameters={**run.parameters, "out_dir": str(folder)},
                                           kernel_name=KERNEL, progress_bar=False)

    with one_build_at_a_time(Paths(), sys.stdout):
        shutil.rmtree(WORK_DIR / "runs", ignore_errors=True)
        shutil.rmtree(SHARED_CACHE, ignore_errors=True)  # cold: no font subset, layout or figure kept either
        # nor any data checked before: (e1) and (e2) then validate their edited tables, as a real edit would
        shutil.rmtree(stamps_dir(), ignore_errors=True)
        (WORK_DIR / DIGESTS_FILE).unlink(missing_ok=True)
        (REPORTS_DIR / PUBLISHED).unlink(missing_ok=True)
    seconds = {"a": _timed(quiet_build), "b": _timed(sequential), "c": _timed(quiet_build)}
    for label, path, apply in _edits():
        original = path.read_bytes()
        try:
            apply()
            seconds[label] = _timed(quiet_build)
        finally:
            path.write_bytes(original)
        quiet_build()  # back to the report of the unedited inputs
    return seconds


def bench(jobs: int | None = None, repeat: int = 1, stream=sys.stdout) -> int:
    """Measure ``repeat`` times; print each case's median (and range), its ratio to (b) and the target."""
    measured = [bench_once(jobs) for _ in range(repeat)]
    plain = statistics.median(m["b"] for m in measured)
    print(f"runs: {len(load_runs())}, parallel jobs: {jobs or os.cpu_count()}, cores: {os.cpu_count()}, "
          f"repeats: {repeat}", file=stream)
    met = True
    for label, what, ratio_target, seconds_target in CASES:
        values = [m[label] for m in measured]
        median = statistics.median(values)
        spread = f" ({min(values):.2f}–{max(values):.2f})" if repeat > 1 else ""
        target, ok = "", True
        if ratio_target is not None:
            ok = median / plain <= ratio_target
            target = f"target <= {ratio_target:.2f}"
        elif seconds_target is not None:
            ok = median <= seconds_target
            target = f"target <= {seconds_target} s"
        met &= ok
        print(f"({label:>2}) {what:<42} {median:7.2f} s{spread}  ratio {median / plain:5.3f}  "
              f"{target}{'' if ok else '  MISSED'}", file=stream)
    on_disk, content = report_weight()
    met &= on_disk < WEIGHT_TARGET_MB
    print(f"reports/ weight: {on_disk:.1f} MiB on disk ({content:.1f} MiB of files)  target < {WEIGHT_TARGET_MB} MiB"
          f"{'' if on_disk < WEIGHT_TARGET_MB else '  MISSED'}", file=stream)
    print("all targets met" if met else "some targets missed", file=stream)
    return 0
