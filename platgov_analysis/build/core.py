"""The build itself: decide which runs are stale, execute them in parallel, publish."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ..buildlock import build_lock
from ..data.files import CHECKED_BY_BUILD
from ..memo import CACHE_ENV
from ..runs import Run, check_studies, load_runs
from .cache import DIGESTS_FILE, Inputs, current_digest, is_current, published_stamp
from .kernels import register_engine
from .paths import PUBLISHED, SHARED_CACHE, Paths, rel
from .publish import clean_leftovers, publish, start_data_only
from .schedule import Progress, longest_first, record_durations
from .workers import Workers


def build(jobs: int | None = None, force: bool = False, only: list[str] | None = None,
          paths: Paths = Paths(), stream=sys.stdout, warm_kernels: bool = True) -> int:
    """Build the report; return the exit code (0 ok, 1 a run failed, 2 bad data or config).
    Raises BuildConfigError, before any kernel starts, when runs.yaml is wrong."""
    with one_build_at_a_time(paths, stream):
        return build_locked(jobs, force, only, paths, stream, warm_kernels)


@contextmanager
def one_build_at_a_time(paths: Paths, stream) -> Iterator[None]:
    """The build lock on the work folder (a wait is said, with the other build's pid); then the
    leftovers of a killed build go."""
    def waiting(pid: str) -> None:
        print(f"another build (pid {pid}) is using {rel(paths.work_dir)}; waiting for it to finish",
              file=stream, flush=True)

    with build_lock(paths.work_dir / "build.lock", waiting):
        clean_leftovers(paths)
        yield


def build_locked(jobs: int | None, force: bool, only: list[str] | None, paths: Paths, stream,
                 warm_kernels: bool = True) -> int:
    """:func:`build`, for a caller that holds the build lock already."""
    runs = load_runs(paths.runs_file)
    if only:
        runs = [r for r in runs if any(r.name == o or r.name.startswith(o.rstrip("/") + "/") for o in only)]
    inputs = Inputs(paths.data_dir, paths.work_dir / DIGESTS_FILE)
    try:
        return _build_runs(runs, inputs, jobs, force, only, paths, stream, warm_kernels)
    finally:
        inputs.save()


def _build_runs(runs: list[Run], inputs: Inputs, jobs: int | None, force: bool, only: list[str] | None,
                paths: Paths, stream, warm_kernels: bool) -> int:
    """Rerun the stale runs among ``runs`` and publish the report when all of them succeed."""
    digests = {r.name: current_digest(r, inputs, paths) for r in runs}
    stale = [r for r in runs if force or not is_current(r, digests[r.name], paths)]
    stamp_file, stamp = paths.reports_dir / PUBLISHED, published_stamp(digests, paths.data_dir, inputs)
    if not stale and not only and stamp_file.exists() and stamp_file.read_text() == stamp:
        print(f"report is up to date ({len(runs)} runs, nothing changed): {rel(paths.reports_dir / 'index.html')}",
              file=stream)
        return 0

    # content-addressed, so one folder serves every build of the clone (a test's scratch builds too)
    with environment(CACHE_ENV, str(SHARED_CACHE)), environment(CHECKED_BY_BUILD, "1"):  # seen by the kernels
        return _rebuild(runs, stale, digests, inputs, jobs, only, paths, stream, warm_kernels)


@contextmanager
def environment(name: str, value: str) -> Iterator[None]:
    """``name=value`` in this process's environment (and so its kernels') for the block."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def _rebuild(runs: list[Run], stale: list[Run], digests: dict, inputs: Inputs, jobs: int | None,
             only: list[str] | None, paths: Paths, stream, warm_kernels: bool) -> int:
    """Execute the stale runs, check the data meanwhile and, unless only some runs were asked for
    or the data do not validate, publish."""
    check_studies(runs, paths.runs_file, paths.data_dir)
    jobs = jobs or os.cpu_count() or 1
    with Workers(min(jobs, len(stale)), warm_kernels) as workers:  # their kernels start at once
        from ..data import validate_once

        stale = longest_first(stale, paths)
        print(f"building {len(stale)} of {len(runs)} runs with {jobs} parallel jobs "
              f"({len(runs) - len(stale)} up to date)", file=stream, flush=True)
        register_engine()
        # the runs begin as soon as a kernel is up; their kernels leave the data check to this one,
        # and nothing they make is published unless it passes
        workers.start(stale, inputs, paths, Progress(len(stale), stream))
        problems = validate_once(paths.data_dir)
        if problems:
            workers.cancel()
            workers.results()  # the runs under way end first, so the sentences close the log
            print("The data do not validate, so the report was not rebuilt (the last report is untouched):",
                  file=stream)
            for problem in problems:
                print(f"  {problem}", file=stream)
            return 2
        data_only = None if only else start_data_only(paths)  # beside the runs: it reads the data alone
        results = workers.results()
        if data_only is not None:
            data_only.join()
        return _after_runs(runs, results, digests, inputs, only, paths, stream)  # while the kernels shut down


def _after_runs(runs: list[Run], results: dict, digests: dict, inputs: Inputs, only: list[str] | None,
                paths: Paths, stream) -> int:
    """Say which runs failed, or publish the report (unless only some runs were asked for)."""
    record_durations(results.values(), paths)
    failures = [r for r in results.values() if not r.ok]
    if failures:
        print(f"{len(failures)} run(s) failed; the published report was left as it was:", file=stream)
        for failure in sorted(failures, key=lambda r: r.run.name):
            print(f"  {failure.message}", file=stream)
        return 1
    if only:
        print(f"built {len(results)} run(s) into {rel(paths.work_dir / 'runs')}; run without --only to publish",
              file=stream)
        return 0
    digests.update({name: result.digest for name, result in results.items()})
    publish(runs, results, paths, published_stamp(digests, paths.data_dir, inputs))
    print(f"report written: {rel(paths.reports_dir / 'index.html')}", file=stream)
    return 0
