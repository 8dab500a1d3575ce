"""Build the report: run every notebook of ``notebooks/runs.yaml`` through papermill.

Runs execute in parallel (one kernel each), are skipped when nothing they depend on changed
(content hashes, not timestamps), and are published into ``reports/`` only when every run
succeeded: the new report is assembled in a staging folder and swapped in, so a failed build
leaves the last good report untouched.
"""
from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .data import DATA_DIR, REPO_ROOT, folder_digest

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
RUNS_FILE = NOTEBOOKS_DIR / "runs.yaml"
REPORTS_DIR = REPO_ROOT / "reports"
WORK_DIR = REPO_ROOT / ".build"
LOCK_FILE = REPO_ROOT / "requirements.lock"
PACKAGE_DIR = Path(__file__).resolve().parent
HASH_FILE = ".inputs-sha256"
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


class BuildConfigError(Exception):
    """``runs.yaml`` is malformed; the message says where."""


@dataclass(frozen=True)
class Run:
    """One notebook executed with one set of parameters into one report folder."""

    name: str
    notebook: str
    parameters: dict = field(hash=False)


def load_runs(runs_file: Path = RUNS_FILE) -> list[Run]:
    """Expand ``runs.yaml`` (each entry's ``matrix`` crossed) into the list of runs."""
    import yaml

    if not runs_file.exists():  # a project without notebooks yet builds an empty report
        return []
    try:
        spec = yaml.safe_load(runs_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise BuildConfigError(f"{runs_file}: not valid YAML ({err})") from None
    runs = []
    for number, entry in enumerate(spec.get("runs", []), start=1):
        where = f"{runs_file.name} entry {number}"
        if not isinstance(entry, dict) or "notebook" not in entry or "output" not in entry:
            raise BuildConfigError(f"{where}: needs 'notebook' and 'output'")
        if not (runs_file.parent / entry["notebook"]).exists():
            raise BuildConfigError(f"{where}: notebook {entry['notebook']} does not exist")
        matrix = entry.get("matrix", {})
        keys = sorted(matrix)
        for values in itertools.product(*(matrix[k] for k in keys)):
            params = {**entry.get("parameters", {}), **dict(zip(keys, values))}
            try:
                name = entry["output"].format(**params)
            except KeyError as err:
                raise BuildConfigError(f"{where}: output uses {err} which is not a parameter") from None
            runs.append(Run(name, entry["notebook"], params))
    names = [r.name for r in runs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise BuildConfigError(f"{runs_file.name}: two runs write the same folder: {', '.join(duplicated)}")
    return runs


def shared_inputs_digest(data_dir: Path = DATA_DIR) -> str:
    """What every run reads: the data, the helper package and the locked environment."""
    digest = hashlib.sha256()
    for part in (folder_digest(data_dir), folder_digest(PACKAGE_DIR, "*.py"),
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
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.utils import remove_args

        class Client(PapermillNotebookClient):
            async def async_start_new_kernel(self, **kwargs):
                import asyncio

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
    target = cache_dir(run, paths)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(out), str(target))
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


def publish(runs: list[Run], results: dict[str, RunResult], paths: Paths) -> None:
    """Assemble the report in a staging folder from the cached runs, then swap it in."""
    from .report import write_index

    reports_dir = paths.reports_dir
    staging = reports_dir.with_name(reports_dir.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for run in runs:
        shutil.copytree(cache_dir(run, paths), staging / run.name, ignore=shutil.ignore_patterns(HASH_FILE))
    readme = reports_dir / "README.md"
    if readme.exists():
        shutil.copy2(readme, staging / "README.md")
    write_index(staging, runs, results)
    old = reports_dir.with_name(reports_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if reports_dir.exists():
        os.replace(reports_dir, old)
    os.replace(staging, reports_dir)
    shutil.rmtree(old, ignore_errors=True)


def published_stamp(digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()


def build(jobs: int | None = None, force: bool = False, only: list[str] | None = None,
          paths: Paths = Paths(), stream=sys.stdout) -> int:
    """Build the report; return the exit code (0 ok, 1 a run failed, 2 bad data or config)."""
    runs = load_runs(paths.runs_file)
    if only:
        runs = [r for r in runs if any(r.name == o or r.name.startswith(o.rstrip("/") + "/") for o in only)]
    shared = shared_inputs_digest(paths.data_dir)
    digests = {r.name: run_digest(r, shared, paths.notebooks_dir) for r in runs}
    stale = [r for r in runs if force or not is_current(r, digests[r.name], paths)]
    stamp_file = paths.reports_dir / ".published"
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
    publish(runs, results, paths)
    stamp_file.write_text(stamp)
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
    for attempt in (1, 2):
        print(f"clean build {attempt} of 2", file=stream, flush=True)
        shutil.rmtree(paths.work_dir / "runs", ignore_errors=True)
        code = build(jobs=jobs, force=True, paths=paths, stream=stream)
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

    shutil.rmtree(WORK_DIR / "runs", ignore_errors=True)
    (REPORTS_DIR / ".published").unlink(missing_ok=True)
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
