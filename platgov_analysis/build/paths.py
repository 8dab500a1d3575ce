"""Where a build reads and writes, and the points where the crash tests kill it."""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

from ..data import DATA_DIR, REPO_ROOT
from ..runs import RUNS_FILE

NOTEBOOKS_DIR = RUNS_FILE.parent
REPORTS_DIR = REPO_ROOT / "reports"
WORK_DIR = REPO_ROOT / ".build"
SHARED_CACHE = WORK_DIR / "cache"  # results kept by their content (see memo.py), for every build
LOCK_FILE = REPO_ROOT / "requirements.lock"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
HASH_FILE = ".inputs-sha256"
PUBLISHED = ".published"  # in reports/: the digest of the inputs the published report was built from
CRASH_AT = "PLATGOV_CRASH_AT"
KERNEL = "python3"  # run from the project's venv, this is the venv's own interpreter


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


def rel(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter log lines)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
