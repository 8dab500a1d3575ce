"""The build's worker threads: each executes runs one after another, in a warm kernel of its own
(or, warm kernels off, a fresh kernel per run).

The workers start before the build checks the data, so their kernels start and import their
libraries meanwhile (two or three seconds); :meth:`Workers.run` then hands them the runs, and
leaving the ``with`` block without runs (bad data, a wrong runs list) shuts the kernels down.
"""
from __future__ import annotations

import threading

from ..runs import Run
from .cache import Inputs
from .execute import RunResult, execute
from .kernels import KERNEL_ARGUMENTS, WarmKernel, close_thread_event_loop
from .paths import KERNEL, Paths
from .schedule import Progress


class Workers:
    """``count`` worker threads, started at once; use as a context manager."""

    def __init__(self, count: int, warm_kernels: bool):
        self._go, self._lock = threading.Event(), threading.Lock()
        self._pending: list[Run] = []
        self._results: dict[str, RunResult] = {}
        self._job: tuple | None = None
        self._threads = [threading.Thread(target=self._work, args=(warm_kernels,), name=f"build-worker-{n}")
                         for n in range(count)]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self._go.set()  # no runs handed over: each worker shuts its kernel down and ends
        for thread in self._threads:
            thread.join()

    def run(self, runs: list[Run], inputs: Inputs, paths: Paths, progress: Progress) -> dict[str, RunResult]:
        """Execute ``runs`` in order, each on the next free worker; the results by run name."""
        self._pending[:] = runs
        self._job = (inputs, paths, progress)
        self.__exit__()
        return self._results

    def _work(self, warm_kernels: bool) -> None:
        kernel = WarmKernel(KERNEL, KERNEL_ARGUMENTS) if warm_kernels else None
        try:
            if kernel is not None:
                try:
                    kernel.start()
                except Exception:  # noqa: BLE001 - the first run starts it again and says what failed
                    pass
            self._go.wait()
            while True:
                with self._lock:
                    if not self._pending:
                        return
                    run = self._pending.pop(0)
                inputs, paths, progress = self._job
                progress.started(run)
                try:
                    result = execute(run, inputs, paths, kernel)
                except Exception as err:  # rendering or caching the output: still one sentence
                    result = RunResult(run, False, 0.0, f"run {run.name} failed: {type(err).__name__}: {err}")
                progress.finished(result)
                with self._lock:
                    self._results[run.name] = result
        finally:
            if kernel is not None:
                kernel.close()
            close_thread_event_loop()
