"""Slow pure results kept between builds, by the content they are computed from.

Where ``PLATGOV_CACHE`` names a folder (the build sets it to ``.build/cache/``), a slow pure
function (a font cut to some characters, a seeded network layout, a figure's finished files) keeps its result there under
the SHA-256 of everything the result depends on (its inputs, the code's own source, the library
versions), and reads it back the next time instead of computing it. Without the variable (a
notebook opened in JupyterLab) it simply computes. The result is the same either way, so a
cached and an uncached run give the same bytes; entries are written whole and renamed into
place, so parallel runs can share the folder.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

CACHE_ENV = "PLATGOV_CACHE"


def _entry(kind: str, key: object) -> Path | None:
    """Where the result for ``kind`` and ``key`` is kept; ``None`` without a cache folder."""
    folder = os.environ.get(CACHE_ENV)
    return Path(folder) / kind / hashlib.sha256(repr(key).encode()).hexdigest() if folder else None


def remembered(kind: str, key: object, compute: Callable[[], bytes]) -> bytes:
    """``compute()``, or what it returned before for the same ``kind`` and ``key`` (whose
    ``repr`` must name every input of the result)."""
    kept = _entry(kind, key)
    if kept is None:
        return compute()
    if kept.exists():
        return kept.read_bytes()
    value = compute()
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
    partial.write_bytes(value)
    partial.replace(kept)
    return value


def remembered_tree(kind: str, key: object, make: Callable[[Path], None], target: Path) -> None:
    """Fill the folder ``target`` with what ``make(folder)`` writes into an empty folder, or with
    the copy kept from an earlier call with the same ``kind`` and ``key``."""
    kept = kept_tree(kind, key, make)
    if kept is None:
        make(target)
        return
    shutil.copytree(kept, target, dirs_exist_ok=True)


def kept_tree(kind: str, key: object, make: Callable[[Path], None]) -> Path | None:
    """The kept folder for ``kind`` and ``key``, made by ``make(folder)`` first if there is none
    yet; ``None`` without a cache folder."""
    kept = _entry(kind, key)
    if kept is None:
        return None
    if not kept.is_dir():
        kept.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f"{kept.name}.", dir=kept.parent))
        make(fresh)
        try:
            fresh.rename(kept)
        except OSError:  # a parallel build kept the same result first
            shutil.rmtree(fresh, ignore_errors=True)
    return kept


def source_digest(path: str | Path) -> str:
    """The SHA-256 of a file (a module's source, the lock): part of a key, so that editing it drops
    the results made with it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
