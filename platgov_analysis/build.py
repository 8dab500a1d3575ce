"""Build the report: run every notebook of ``notebooks/runs.yaml`` through papermill.

Runs execute in parallel (one kernel each), are skipped when nothing they depend on changed
(content hashes, not timestamps), and are published into ``reports/`` only when every run
succeeded: the new report is assembled in a staging folder and swapped in whole, so a failed or
killed build leaves the last good report untouched. One build runs at a time per build folder;
each starts by removing what a killed one left behind.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .buildlock import build_lock
from .data import DATA_DIR, REPO_ROOT, folder_digest
from .folders import ASIDE, recover, swap_in
from .runs import RUNS_FILE, Run, check_studies, load_runs

NOTEBOOKS_DIR = RUNS_FILE.parent
REPORTS_DIR = REPO_ROOT / "reports"
WORK_DIR = REPO_ROOT / ".build"
LOCK_FILE = REPO_ROOT / "requirements.lock"
PACKAGE_DIR = Path(__file__).resolve().parent
HASH_FILE = ".inputs-sha256"
PUBLISHED = ".published"  # in reports/: the digest of the inputs the published report was built from
CRASH_AT = "PLATGOV_CRASH_AT"
KERNEL = "python3"  # run from the project's venv, this is the venv's own interpreter

# Kernel launches pick free TCP ports and bind them a moment later; two launches at once can
# pick the same ports. Launching one kernel at a time (until it answers) closes that race.
_KERNEL_LAUNCH = threading.Lock()


@dataclass(frozen=True)
class Paths:
    """Where a build reads and writes; the defaults are the repository's own folders."""

    runs_file: Path = RUNS_FILE
    data_dir: Path = DATA_DIR
    reports_dir: Path = REPORTS_DIR
    work_dir: Path = WORK_DIR

    @property
    def notebooks_dir(self) -> Path:
        return self.runs_file.parent

    @property
    def staging_dir(self) -> Path:
        return self.reports_dir.with_name(self.reports_dir.name + ".staging")


def crash_point(name: str) -> None:
    """Fault injection for the crash tests: with ``PLATGOV_CRASH_AT=<name>`` in its environment
    the build kills itself here with SIGKILL, as ``kill -9`` or a power cut would: no clean-up."""
    if os.environ.get(CRASH_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def shared_inputs_digest(data_dir: Path = DATA_DIR) -> str:
    """What every run reads: the data, the helper package (its code, the report's templates and
    assets) and the locked environment."""
    digest = hashlib.sha256()
    for part in (folder_digest(data_dir), folder_digest(PACKAGE_DIR),
                 hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()):
        digest.update(part.encode())
    return digest.hexdigest()


def run_digest(run: Run, shared: str, notebooks_dir: Path) -> str:
    """Content hash of everything a run depends on."""
    digest = hashlib.sha256(shared.encode())
    digest.update((notebooks_dir / run.notebook).read_bytes())
    digest.update(json.dumps(run.parameters, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def cache_dir(run: Run, paths: Paths) -> Path:
    """Where the last successful output of a run is kept between builds."""
    return paths.work_dir / "runs" / run.name


def is_current(run: Run, digest: str, paths: Paths) -> bool:
    stamp = cache_dir(run, paths) / HASH_FILE
    return stamp.exists() and stamp.read_text() == digest


class _SerialLaunchEngine:
    """papermill engine that launches kernels one at a time (see _KERNEL_LAUNCH)."""

    @staticmethod
    def register() -> None:
        import papermill.engines as engines
        from jupyter_core.utils import run_sync
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.utils import remove_args

        class Client(PapermillNotebookClient):
            async def async_start_new_kernel(self, **kwargs):
                await asyncio.to_thread(_KERNEL_LAUNCH.acquire)
                try:
                    await super().async_start_new_kernel(**kwargs)
                except BaseException:
                    _KERNEL_LAUNCH.release()
                    raise

            async def async_start_new_kernel_client(self):
                try:
                    return await super().async_start_new_kernel_client()
                finally:
                    _KERNEL_LAUNCH.release()
                    crash_point("kernel")

            # papermill calls the synchronous wrappers, which nbclient binds to its own async
            # methods when its class is made: rebound here, or the two above are never called
            start_new_kernel = run_sync(async_start_new_kernel)
            start_new_kernel_client = run_sync(async_start_new_kernel_client)

        class Engine(engines.NBClientEngine):
            @classmethod
            def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                         stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
                kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
                return Client(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                              kernel_name=kernel_name, log=engines.logger, log_output=log_output,
                              stdout_file=stdout_file, stderr_file=stderr_file, **kwargs).execute()

        engines.papermill_engines.register("platgov", Engine)


def normalise_notebook(path: Path) -> None:
    """Strip what changes from run to run: timings, paths, random cell ids, kernel versions."""
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


@dataclass
class RunResult:
    run: Run
    ok: bool
    seconds: float
    message: str = ""


def execute(run: Run, digest: str, paths: Paths) -> RunResult:
    """Execute one run into a fresh folder; on success it replaces the run's cached output.

    A failed run keeps its executed notebook under ``.build/failed/`` for inspection.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .report import render_notebook_html

    start = time.monotonic()
    out = paths.work_dir / "tmp" / run.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    notebook_out = out / "notebook.ipynb"
    try:
        papermill.execute_notebook(
            str(paths.notebooks_dir / run.notebook), str(notebook_out), parameters={**run.parameters, "out_dir": "."},
            kernel_name=KERNEL, engine_name="platgov", progress_bar=False, log_output=False,
            # the kernel's working directory; papermill's own cwd= would chdir this whole
            # process, which races between parallel runs
            resources={"metadata": {"path": str(out)}},
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # no per-run TCP or shutdown notices
        )
    except PapermillExecutionError as err:
        failed = paths.work_dir / "failed" / run.name
        shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), str(failed))
        evalue = str(err.evalue).strip().splitlines()[0] if str(err.evalue).strip() else ""
        return RunResult(run, False, time.monotonic() - start,
                         f"run {run.name} failed in cell [{err.exec_count}] of {run.notebook}: {err.ename}: {evalue} "
                         f"- executed notebook kept at {_rel(failed / 'notebook.ipynb')}")
    except Exception as err:  # kernel died, notebook unreadable, ...: still one sentence
        return RunResult(run, False, time.monotonic() - start, f"run {run.name} failed: {type(err).__name__}: {err}")
    normalise_notebook(notebook_out)
    render_notebook_html(notebook_out, out / "notebook.html", title=run.name, depth=run.name.count("/") + 1)
    (out / HASH_FILE).write_text(digest)
    crash_point("run-output")
    target = cache_dir(run, paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    swap_in(out, target)
    shutil.rmtree(out, ignore_errors=True)  # the previous output, if there was one
    return RunResult(run, True, time.monotonic() - start)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class Progress:
    """Runs done / running / failed with elapsed time, one line per event (CI-log friendly)."""

    def __init__(self, total: int, stream=sys.stdout):
        self.total, self.stream = total, stream
        self.done = self.failed = self.running = 0
        self.start = time.monotonic()
        self.lock = threading.Lock()

    def _line(self, text: str) -> None:
        elapsed = int(time.monotonic() - self.start)
        print(f"[{self.done}/{self.total} done, {self.running} running, {self.failed} failed, "
              f"{elapsed // 60:02d}:{elapsed % 60:02d}] {text}", file=self.stream, flush=True)

    def started(self, run: Run) -> None:
        with self.lock:
            self.running += 1
            self._line(f"start {run.name}")

    def finished(self, result: RunResult) -> None:
        with self.lock:
            self.running -= 1
            if result.ok:
                self.done += 1
                self._line(f"ok    {result.run.name} ({result.seconds:.1f}s)")
            else:
                self.failed += 1
                self._line(f"FAIL  {result.run.name} ({result.seconds:.1f}s)")


def publish(runs: list[Run], results: dict[str, RunResult], paths: Paths, stamp: str) -> None:
    """Assemble the report, stamp included, in a staging folder from the cached runs, then swap
    it in whole: the swap is the one moment the published report changes."""
    from . import exports
    from .report import write_index

    reports_dir, staging = paths.reports_dir, paths.staging_dir
    staging.mkdir(parents=True)
    for run in runs:
        shutil.copytree(cache_dir(run, paths), staging / run.name, ignore=shutil.ignore_patterns(HASH_FILE))
        crash_point("assembly")
    readme = reports_dir / "README.md"
    if readme.exists():
        shutil.copy2(readme, staging / "README.md")
    exports.publish(staging, paths.data_dir)
    write_index(staging, runs, paths.data_dir, paths.notebooks_dir)
    (staging / PUBLISHED).write_text(stamp)
    crash_point("swap")
    swap_in(staging, reports_dir)
    crash_point("swapped")
    shutil.rmtree(staging, ignore_errors=True)  # the previous report


def clean_leftovers(paths: Paths) -> None:
    """Remove what a killed build left: half-written run folders, a staging report, a previous
    report or cached run still set aside by the fallback of :func:`swap_in`."""
    shutil.rmtree(paths.work_dir / "tmp", ignore_errors=True)
    recover(paths.reports_dir)
    shutil.rmtree(paths.staging_dir, ignore_errors=True)
    for aside in sorted((paths.work_dir / "runs").rglob("*" + ASIDE), reverse=True):
        if aside.is_dir():
            recover(aside.with_name(aside.name.removesuffix(ASIDE)))


def published_stamp(digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()


def build(jobs: int | None = None, force: bool = False, only: list[str] | None = None,
          paths: Paths = Paths(), stream=sys.stdout) -> int:
    """Build the report; return the exit code (0 ok, 1 a run failed, 2 bad data or config).
    Raises BuildConfigError, before any kernel starts, when runs.yaml is wrong."""
    with _one_build_at_a_time(paths, stream):
        return _build(jobs, force, only, paths, stream)


@contextmanager
def _one_build_at_a_time(paths: Paths, stream) -> Iterator[None]:
    """The build lock on the work folder (a wait is said, with the other build's pid); then the
    leftovers of a killed build go."""
    def waiting(pid: str) -> None:
        print(f"another build (pid {pid}) is using {_rel(paths.work_dir)}; waiting for it to finish",
              file=stream, flush=True)

    with build_lock(paths.work_dir / "build.lock", waiting):
        clean_leftovers(paths)
        yield


def _build(jobs: int | None, force: bool, only: list[str] | None, paths: Paths, stream) -> int:
    runs = load_runs(paths.runs_file)
    if only:
        runs = [r for r in runs if any(r.name == o or r.name.startswith(o.rstrip("/") + "/") for o in only)]
    shared = shared_inputs_digest(paths.data_dir)
    digests = {r.name: run_digest(r, shared, paths.notebooks_dir) for r in runs}
    stale = [r for r in runs if force or not is_current(r, digests[r.name], paths)]
    stamp_file = paths.reports_dir / PUBLISHED
    stamp = published_stamp(digests)
    if not stale and not only and stamp_file.exists() and stamp_file.read_text() == stamp:
        print(f"report is up to date ({len(runs)} runs, nothing changed): {_rel(paths.reports_dir / 'index.html')}",
              file=stream)
        return 0

    from .data import validate_once

    problems = validate_once(paths.data_dir)
    if problems:
        print("The data do not validate, so the report was not rebuilt (the last report is untouched):",
              file=stream)
        for problem in problems:
            print(f"  {problem}", file=stream)
        return 2
    check_studies(runs, paths.runs_file, paths.data_dir)

    jobs = jobs or os.cpu_count() or 1
    stale = longest_first(stale, paths)
    print(f"building {len(stale)} of {len(runs)} runs with {jobs} parallel jobs "
          f"({len(runs) - len(stale)} up to date)", file=stream, flush=True)
    _SerialLaunchEngine.register()
    progress = Progress(len(stale), stream)
    results: dict[str, RunResult] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_tracked, run, digests[run.name], paths, progress) for run in stale]
        for future in as_completed(futures):
            result = future.result()
            results[result.run.name] = result
    record_durations(results.values(), paths)
    failures = [r for r in results.values() if not r.ok]
    if failures:
        print(f"{len(failures)} run(s) failed; the published report was left as it was:", file=stream)
        for failure in sorted(failures, key=lambda r: r.run.name):
            print(f"  {failure.message}", file=stream)
        return 1
    if only:
        print(f"built {len(stale)} run(s) into {_rel(paths.work_dir / 'runs')}; run without --only to publish",
              file=stream)
        return 0
    publish(runs, results, paths, stamp)
    print(f"report written: {_rel(paths.reports_dir / 'index.html')}", file=stream)
    return 0


def _durations_file(paths: Paths) -> Path:
    return paths.work_dir / "durations.json"


def longest_first(runs: list[Run], paths: Paths) -> list[Run]:
    """Runs ordered by how long they took last time, longest first (unknown ones first of all,
    in declared order), so that no long run starts last and keeps one core busy alone."""
    try:
        seconds = json.loads(_durations_file(paths).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return runs
    return sorted(runs, key=lambda run: -seconds.get(run.name, float("inf")))


def record_durations(results, paths: Paths) -> None:
    """Remember each successful run's duration for :func:`longest_first`."""
    path = _durations_file(paths)
    try:
        seconds = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        seconds = {}
    seconds.update({r.run.name: round(r.seconds, 1) for r in results if r.ok})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(seconds, sort_keys=True, indent=1) + "\n", encoding="utf-8")


def _tracked(run: Run, digest: str, paths: Paths, progress: Progress) -> RunResult:
    progress.started(run)
    try:
        result = execute(run, digest, paths)
    finally:
        _close_thread_event_loop()
    progress.finished(result)
    return result


def _close_thread_event_loop() -> None:
    """Close the asyncio loop nbclient leaves on this worker thread: left open, it is collected
    later with its sockets still open (ResourceWarnings). The next run on the thread gets a new one."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop was set on this thread
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_reproducible(jobs: int | None = None, paths: Paths = Paths(), stream=sys.stdout) -> int:
    """Two clean builds of the same inputs must give identical bytes for every output file."""
    hashes = []
    with _one_build_at_a_time(paths, stream):
        for attempt in (1, 2):
            print(f"clean build {attempt} of 2", file=stream, flush=True)
            shutil.rmtree(paths.work_dir / "runs", ignore_errors=True)
            code = _build(jobs, True, None, paths, stream)
            if code:
                return code
            hashes.append(tree_hashes(paths.reports_dir))
    differing = sorted(k for k in hashes[0].keys() | hashes[1].keys() if hashes[0].get(k) != hashes[1].get(k))
    for name in differing:
        print(f"  differs between the two builds: reports/{name}", file=stream)
    if differing:
        print(f"{len(differing)} of {len(hashes[0])} files differ: the build is not reproducible.", file=stream)
        return 1
    print(f"reproducible: all {len(hashes[0])} files identical across two clean builds", file=stream)
    return 0


def edit_note(table: Path, text: str = " (edited)") -> None:
    """A real, valid edit of a data table: append text to the first row's note cell."""
    import csv

    with open(table, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["note"] = (rows[0]["note"] or "") + text
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def bench(jobs: int | None = None, stream=sys.stdout) -> int:
    """Time (a) a cold parallel build, (b) a plain sequential papermill loop over the same runs,
    (c) a no-op rebuild, (d) a rebuild after touching a data file (timestamp only) and (e) after
    changing one data file's bytes; print the ratios."""
    import subprocess
    import tempfile

    import papermill

    runs = load_runs()
    command = [sys.executable, "-m", "platgov_analysis", "build"]
    if jobs:
        command += ["--jobs", str(jobs)]

    def timed(action) -> float:
        start = time.monotonic()
        action()
        return time.monotonic() - start

    def quiet_build() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    with _one_build_at_a_time(Paths(), stream):
        shutil.rmtree(WORK_DIR / "runs", ignore_errors=True)
        (REPORTS_DIR / PUBLISHED).unlink(missing_ok=True)
    cold = timed(quiet_build)

    def sequential() -> None:
        with tempfile.TemporaryDirectory() as scratch:
            for run in runs:
                folder = Path(scratch) / run.name
                folder.mkdir(parents=True)
                papermill.execute_notebook(str(NOTEBOOKS_DIR / run.notebook), str(folder / "out.ipynb"),
                                           parameters={**run.parameters, "out_dir": str(folder)},
                                           kernel_name=KERNEL, progress_bar=False)

    plain = timed(sequential)
    noop = timed(quiet_build)
    edited = DATA_DIR / "studies.csv"
    os.utime(edited)
    touched = timed(quiet_build)
    original = edited.read_bytes()
    try:
        edit_note(edited)
        changed = timed(quiet_build)
    finally:
        edited.write_bytes(original)
    quiet_build()
    print(f"runs: {len(runs)}, parallel jobs: {jobs or os.cpu_count()}", file=stream)
    print(f"(a) cold parallel build:          {cold:7.1f} s", file=stream)
    print(f"(b) sequential papermill loop:    {plain:7.1f} s", file=stream)
    print(f"(c) no-op rebuild:                {noop:7.2f} s", file=stream)
    print(f"(d) rebuild after touching data:  {touched:7.2f} s", file=stream)
    print(f"(e) rebuild after editing data:   {changed:7.1f} s", file=stream)
    print(f"(a)/(b) = {cold / plain:.2f} (target <= 0.55); (c) = {noop:.2f} s (target <= 1 s)", file=stream)
    return 0
