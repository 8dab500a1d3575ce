"""Executing one run: its notebook through papermill into a fresh folder, normalised, rendered
as a page, and swapped in as the run's cached output."""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .. import recording
from ..folders import swap_in
from ..runs import Run
from .cache import DEPS_FILE, Inputs, cache_dir, recorded, run_digest
from .kernels import ENGINE, KERNEL_ARGUMENTS, WarmKernel
from .paths import HASH_FILE, KERNEL, Paths, crash_point, rel


@dataclass
class RunResult:
    run: Run
    ok: bool
    seconds: float
    message: str = ""
    digest: str | None = None  # of the inputs the run read, as its record says


def normalise_notebook(path: Path):
    """Strip what changes from run to run: timings, paths, random cell ids, kernel versions;
    return the notebook as written."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": papermill_meta.get("parameters", {})}
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return nb


def execute(run: Run, inputs: Inputs, paths: Paths, kernel: WarmKernel | None = None) -> RunResult:
    """Execute one run into a fresh folder, in ``kernel`` (or a kernel of its own); on success
    its output replaces the run's cached output.

    A failed run keeps its executed notebook under ``.build/failed/`` for inspection.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.monotonic()
    out = paths.work_dir / "tmp" / run.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    notebook_out = out / "notebook.ipynb"
    if kernel is None:  # the recording starts before the first cell, binding no name a notebook could use
        engine_kwargs = {"kernel_env": {recording.ENV: str(out / DEPS_FILE), recording.DATA_ENV: str(paths.data_dir)},
                         "extra_arguments": [*KERNEL_ARGUMENTS,
                                             "--IPKernelApp.exec_lines=__import__('platgov_analysis.recording')"]}
    else:
        engine_kwargs = {"warm_kernel": kernel}
    try:
        if kernel is not None:
            kernel.prepare(out, out / DEPS_FILE, paths.data_dir)
        papermill.execute_notebook(
            str(paths.notebooks_dir / run.notebook), str(notebook_out), parameters={**run.parameters, "out_dir": "."},
            kernel_name=KERNEL, engine_name=ENGINE, progress_bar=False, log_output=False,
            # written once at the end (or on an error), not after every cell, as the run's
            # folder is read only when it ended
            request_save_on_cell_execute=False,
            # the kernel's working directory; papermill's own cwd= would chdir this whole
            # process, which races between parallel runs
            resources={"metadata": {"path": str(out)}}, **engine_kwargs)
    except PapermillExecutionError as err:
        failed = paths.work_dir / "failed" / run.name
        shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), str(failed))
        evalue = str(err.evalue).strip().splitlines()[0] if str(err.evalue).strip() else ""
        return RunResult(run, False, time.monotonic() - start,
                         f"run {run.name} failed in cell [{err.exec_count}] of {run.notebook}: {err.ename}: {evalue} "
                         f"- executed notebook kept at {rel(failed / 'notebook.ipynb')}")
    except Exception as err:  # kernel died, notebook unreadable, ...: still one sentence
        return RunResult(run, False, time.monotonic() - start, f"run {run.name} failed: {type(err).__name__}: {err}")
    from ..report import render_notebook_html  # here: a first run need not wait for its import (pandas, matplotlib)

    render_notebook_html(normalise_notebook(notebook_out), out / "notebook.html", title=run.name,
                         depth=run.name.count("/") + 1)
    digest = run_digest(run, recorded(out), inputs, paths.notebooks_dir)
    (out / HASH_FILE).write_text(digest)
    crash_point("run-output")
    target = cache_dir(run, paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    swap_in(out, target)
    shutil.rmtree(out, ignore_errors=True)  # the previous output, if there was one
    return RunResult(run, True, time.monotonic() - start, digest=digest)
