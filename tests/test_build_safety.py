"""Builds cannot corrupt each other, interactive outputs, or the published report.

Real builds of the tiny project run as separate processes: a second build waits for the first
(and names its pid), and a build killed with SIGKILL at each named point of its work
(``PLATGOV_CRASH_AT``) leaves the last published report exactly as it was; the next build
removes what the killed one left and publishes in full.
"""
from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from platgov_analysis import build as b
from platgov_analysis import folders
from platgov_analysis.data import REPO_ROOT
from tiny_project import GOOD, build_quietly, write_notebook

BUILD = ("import sys; from pathlib import Path; from platgov_analysis import build as b; "
         "sys.exit(b.build(paths=b.Paths(*map(Path, sys.argv[1:]))))")


def start_build(paths: b.Paths, log: Path, **env: str) -> subprocess.Popen:
    """A build of ``paths`` in its own process, printing into ``log``."""
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-c", BUILD, *map(str, (paths.runs_file, paths.data_dir,
                                                                          paths.reports_dir, paths.work_dir))],
                                stdout=out, stderr=subprocess.STDOUT, cwd=REPO_ROOT, env={**os.environ, **env})


def wait_for(condition, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


# ---------------------------------------------------------------------------------------------
# one build at a time


def test_a_second_build_waits_for_the_first_and_names_its_pid(tiny, tmp_path):
    gate = tmp_path / "gate"  # run a of the first build holds its kernel until the test opens the gate
    hold = f"import pathlib, time\nwhile not pathlib.Path(r'{gate}').exists():\n    time.sleep(0.1)"
    write_notebook(tiny.notebooks_dir / "a.ipynb", [GOOD[0], hold, GOOD[1]])
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_build(tiny, first_log)
    try:
        wait_for(lambda: "start a" in first_log.read_text(encoding="utf-8"), "the first build to start run a")
        second = start_build(tiny, second_log)
        wait_for(lambda: "waiting" in second_log.read_text(encoding="utf-8"), "the second build to wait")
        assert second_log.read_text(encoding="utf-8").splitlines() == [
            f"another build (pid {first.pid}) is using {tiny.work_dir}; waiting for it to finish"]
        gate.touch()
        assert first.wait(120) == 0, first_log.read_text(encoding="utf-8")
        assert second.wait(120) == 0, second_log.read_text(encoding="utf-8")
    finally:
        gate.touch()
    assert "report is up to date" in second_log.read_text(encoding="utf-8")  # the first one built it
    assert (tiny.reports_dir / "a/value.txt").read_text() == "1"


def _default_out_dir(notebook: Path) -> str:
    cell = next(c for c in nbformat.read(notebook, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    return next(ast.literal_eval(node.value) for node in ast.parse(cell.source).body
                if isinstance(node, ast.Assign) and node.targets[0].id == "out_dir")


@pytest.mark.parametrize("notebook", ["study.ipynb", "overview.ipynb", "networks.ipynb", "comparative.ipynb"])
def test_interactive_runs_write_into_interactive_not_reports(notebook):
    folder = (REPO_ROOT / "notebooks" / _default_out_dir(REPO_ROOT / "notebooks" / notebook)).resolve()
    assert folder.is_relative_to(REPO_ROOT / "interactive"), f"{notebook} writes interactive runs to {folder}"


def test_builds_leave_interactive_outputs_in_place(tiny):
    mine = tiny.reports_dir.parent / "interactive" / "study" / "figure.svg"  # the repository's layout
    mine.parent.mkdir(parents=True)
    mine.write_text("a researcher's interactive run", encoding="utf-8")
    assert build_quietly(tiny)[0] == 0
    assert build_quietly(tiny, force=True)[0] == 0  # publishes again: the report is swapped
    assert mine.read_text(encoding="utf-8") == "a researcher's interactive run"


# ---------------------------------------------------------------------------------------------
# crash safety

# each crash point, and the leftover the killed build is expected to leave for the next one
CRASH_POINTS = {
    "warm-kernel": None,  # a worker's kernel has just started, before the data are checked: no run yet
    "kernel": "work/tmp",  # a kernel has just started: run folders half made
    "run-output": "work/tmp",  # a run's output is complete but not yet cached; the other run goes on
    "assembly": "reports.staging",  # the first run copied into the staging report
    "swap": "reports.staging",  # staging complete, stamped, just before the swap
    "swapped": "reports.staging",  # the new report is in place; staging holds the old one
}


def test_a_killed_build_keeps_the_published_report_and_the_next_build_recovers(tiny, tmp_path):
    assert build_quietly(tiny)[0] == 0
    root = tiny.reports_dir.parent
    for point, leftover in CRASH_POINTS.items():
        published = b.tree_hashes(tiny.reports_dir)
        for name in ("a", "b"):  # both runs change, so the new report differs from the published one
            write_notebook(tiny.notebooks_dir / f"{name}.ipynb", [GOOD[0], f"{GOOD[1]}\n# edit at {point}"])
        log = tmp_path / f"{point}.log"
        killed = start_build(tiny, log, **{b.CRASH_AT: point})
        assert killed.wait(120) == -signal.SIGKILL, f"{point}: not killed\n{log.read_text(encoding='utf-8')}"
        after_crash = b.tree_hashes(tiny.reports_dir)
        assert leftover is None or (root / leftover).exists(), f"{point}: the killed build left no {leftover}"

        code, out = build_quietly(tiny)
        assert code == 0, f"after a kill at {point}:\n{out}"
        assert "waiting" not in out, f"{point}: the killed build's lock outlived it"
        rebuilt = b.tree_hashes(tiny.reports_dir)
        # the killed build changed nothing that was published, or (killed after its swap) published in full
        assert after_crash == (rebuilt if point == "swapped" else published), point
        assert {"index.html", b.PUBLISHED, "a/value.txt", "a/notebook.html", "b/2/value.txt"} <= set(rebuilt)
        for run in ("a", "b/2"):
            assert f"# edit at {point}" in (tiny.reports_dir / run / "notebook.ipynb").read_text(encoding="utf-8")
        left = [p for p in (tiny.staging_dir, root / "reports.old") if p.exists()]
        left += [p for p in (tiny.work_dir / "tmp").rglob("*") if p.is_file()]  # runs move theirs out
        assert not left, f"{point}: the next build left {left}"


def test_without_an_atomic_exchange_a_crash_between_renames_is_recovered(tmp_path, monkeypatch):
    monkeypatch.setattr(folders, "_exchange", lambda first, second: False)  # macOS, some network disks
    target, new, aside = tmp_path / "reports", tmp_path / "reports.staging", tmp_path / "reports.old"

    def published() -> str:
        return (target / "index.html").read_text()

    def fresh() -> None:
        for folder, text in ((target, "old"), (new, "new")):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            (folder / "index.html").write_text(text)

    fresh()
    folders.swap_in(new, target)
    assert published() == "new" and (new / "index.html").read_text() == "old"
    fresh()
    os.rename(target, aside)  # killed after the first of the three renames
    folders.recover(target)
    assert published() == "old" and not aside.exists()
    fresh()
    os.rename(target, aside)
    os.rename(new, target)  # killed after the second
    folders.recover(target)
    assert published() == "new" and not aside.exists()
