"""``check-reproducible``: two clean builds of the same inputs must give the same bytes."""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from .cache import DIGESTS_FILE
from .core import build_locked, one_build_at_a_time
from .paths import SHARED_CACHE, Paths


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_reproducible(jobs: int | None = None, paths: Paths = Paths(), stream=sys.stdout) -> int:
    """Two clean builds of the same inputs must give identical bytes for every output file."""
    hashes = []
    with one_build_at_a_time(paths, stream):
        for attempt in (1, 2):
            print(f"clean build {attempt} of 2", file=stream, flush=True)
            shutil.rmtree(paths.work_dir / "runs", ignore_errors=True)
            shutil.rmtree(SHARED_CACHE, ignore_errors=True)  # nothing kept: every font and layout made anew
            (paths.work_dir / DIGESTS_FILE).unlink(missing_ok=True)
            code = build_locked(jobs, True, None, paths, stream)
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
