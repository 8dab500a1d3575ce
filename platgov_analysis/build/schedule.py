"""Order and progress of the runs of one build."""
from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from ..runs import Run
from .paths import Paths


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

    def finished(self, result) -> None:
        with self.lock:
            self.running -= 1
            if result.ok:
                self.done += 1
                self._line(f"ok    {result.run.name} ({result.seconds:.1f}s)")
            else:
                self.failed += 1
                self._line(f"FAIL  {result.run.name} ({result.seconds:.1f}s)")


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
