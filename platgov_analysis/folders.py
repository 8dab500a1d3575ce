"""Replacing a whole folder so that a crash at any instant leaves the old one or the new one.

The published report and each run's cached output are replaced by swapping a complete new
folder into place, never by writing into the old one. On Linux the two folders are exchanged
by one ``renameat2(RENAME_EXCHANGE)`` call, so the name always holds one complete folder.
Where that call is missing (macOS, some network file systems) three renames are used instead,
through an ``.old`` folder beside the target, and :func:`recover` puts things right after a
crash between them.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
ASIDE = ".old"


def _exchange(first: Path, second: Path) -> bool:
    """Swap two existing folders in one step; False where this system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_in(new: Path, target: Path) -> None:
    """Put the complete folder ``new`` at ``target``; afterwards ``new`` holds what ``target``
    held (delete it), or is gone if there was nothing."""
    if not target.exists():
        os.rename(new, target)
    elif not _exchange(new, target):
        aside = target.with_name(target.name + ASIDE)
        shutil.rmtree(aside, ignore_errors=True)
        os.rename(target, aside)
        os.rename(new, target)
        os.rename(aside, new)


def recover(target: Path) -> None:
    """After a crash inside the fallback of :func:`swap_in`: the old folder goes back to
    ``target`` if nothing took its place, and is deleted if the new one did."""
    aside = target.with_name(target.name + ASIDE)
    if not aside.exists():
        return
    if target.exists():
        shutil.rmtree(aside)
    else:
        os.rename(aside, target)
