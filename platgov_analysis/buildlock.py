"""One build at a time: an exclusive ``flock`` on a file in the build folder.

Two builds sharing ``.build/`` delete each other's half-written run folders and swap the report
under each other. The kernel releases the lock when its holder exits, however it exits
(SIGKILL included), so a crashed build never leaves a stale lock; Python opens the file
close-on-exec, so a notebook kernel that outlives a killed build does not hold it either.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def build_lock(path: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock on ``path``; while another process holds it, call ``waiting`` once with
    that process's pid (as the lock file records it) and wait."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)
