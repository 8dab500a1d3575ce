"""The build's worker threads: each executes runs one after another, in a warm kernel of its own
(or, warm kernels off, a fresh kernel per run).

The workers start first, so their kernels start and import their libraries (two or three
seconds) while the build orders the runs; :meth:`Workers.start` hands them the runs, which
begin as soon as a kernel is up, and the build checks the data meanwhile (:meth:`Workers.cancel`
if they do not validate). :meth:`Workers.results` waits for the runs alone; the kernels shut down
when the ``with`` block is left, while the report is published.
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
        self._settled = threading.Condition(self._lock)  # a run ended, or a worker did
        self._pending: list[Run] = []
        self._running, self._live = 0, count  # runs under way; workers not ended
        self._results: dict[str, RunResult] = {}
        self._job: tuple | None = None
        self._threads = [threading.Thread(target=self._work, args=(warm_kernels,), name=f"build-worker-{n}")
                         for n in range(count)]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()  # no runs handed over, or no more: each worker shuts its kernel down and ends
        self._go.set()
        for thread in self._threads:
            thread.join()

    def start(self, runs: list[Run], inputs: Inputs, paths: Paths, progress: Progress) -> None:
        """Hand ``runs`` over, to be executed in order, each on the next free worker."""
        with self._lock:
            self._pending[:] = runs
            self._job = (inputs, paths, progress)
        self._go.set()

    def cancel(self) -> None:
        """Start no further run; those under way end as they would."""
        with self._lock:
            self._pending.clear()

    def results(self) -> dict[str, RunResult]:
        """Wait until every run handed over has ended; the results by run name."""
        with self._settled:
            self._settled.wait_for(lambda: (not self._pending and not self._running) or not self._live)
            return dict(self._results)

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
                    self._running += 1
                inputs, paths, progress = self._job
                result = RunResult(run, False, 0.0, f"run {run.name} failed: its worker ended")
                try:
                    progress.started(run)
                    try:
                        result = execute(run, inputs, paths, kernel)
                    except Exception as err:  # rendering or caching the output: still one sentence
                        result = RunResult(run, False, 0.0, f"run {run.name} failed: {type(err).__name__}: {err}")
                    progress.finished(result)
                finally:
                    with self._settled:
                        self._results[run.name] = result
                        self._running -= 1
                        self._settled.notify_all()
        finally:
            with self._settled:
                self._live -= 1
                self._settled.notify_all()
            if kernel is not None:
                kernel.close()
            close_thread_event_loop()
