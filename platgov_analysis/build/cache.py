"""What a run's output depends on, as one content hash, and where that output is kept."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..data import DATA_DIR, folder_digest
from ..runs import Run
from .paths import HASH_FILE, LOCK_FILE, PACKAGE_DIR, Paths


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


def published_stamp(digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()
