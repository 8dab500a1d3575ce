"""Where the evidence base lives and what identifies its content: paths, the descriptor, digests.

Kept free of pandas, so that a build which finds nothing changed never imports it.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .messages import DataValidationError, display

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
DESCRIPTOR = "datapackage.json"
ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark of Excel's "CSV UTF-8"
# Set by the build for its kernels: it checks the data itself, beside its runs, and publishes
# nothing they made unless the check passes, so a run neither waits for nor repeats the check.
CHECKED_BY_BUILD = "PLATGOV_DATA_CHECKED_BY_BUILD"


def read_descriptor(data_dir: Path | str | None = None) -> dict:
    """The data package descriptor as a dict."""
    path = Path(data_dir or DATA_DIR) / DESCRIPTOR
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError([f"{display(path)}: file is missing (the schema of the data package)"]) from None
    except json.JSONDecodeError as err:
        raise DataValidationError([f"{display(path)} line {err.lineno}: not valid JSON ({err.msg})"]) from None


def folder_digest(folder: Path | str | None = None, pattern: str = "*") -> str:
    """SHA-256 over the relative names and bytes of the files in a folder (default: data/)."""
    folder = Path(folder or DATA_DIR)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
