"""Where the evidence base lives, and reading it: the descriptor and the tables as DataFrames."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .. import recording
from .messages import DataValidationError, display

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
DESCRIPTOR = "datapackage.json"
ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark of Excel's "CSV UTF-8"

# pandas dtypes for the Table Schema types we use: nullable, so "unknown" (an empty cell)
# stays missing instead of becoming 0 or NaN-as-float.
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64"}


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


STUDY_COLUMN = "study_id"


def study_rows(frame: pd.DataFrame, study: str) -> pd.DataFrame:
    """The rows a run scoped to ``study`` sees: the study's own and those of no study, numbered anew."""
    return frame[frame[STUDY_COLUMN].fillna("").isin([study, ""])].reset_index(drop=True)


class Tables(Mapping):
    """The tables by name; each one read is recorded for the build (see ``recording``)."""

    def __init__(self, frames: dict[str, pd.DataFrame], data_dir: Path, study: str | None):
        self._frames, self._data_dir, self.study = frames, data_dir, study

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames[name]
        recording.table(self._data_dir, name, self.study if STUDY_COLUMN in frame.columns else None)
        return frame

    def __iter__(self):
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)


def load_tables(data_dir: Path | str | None = None, check: bool = True,
                study: str | None = None) -> Tables:
    """All tables of the data package as DataFrames with stable nullable dtypes.

    With ``study``, a table that has a ``study_id`` column holds only that study's rows and the
    rows of no study (numbered anew from 0), so what the run shows can only depend on them;
    tables shared by the studies (actors, references, vocabulary, ...) are whole. Raises
    DataValidationError when ``check`` is on and the data break the schema, so an analysis never
    runs on data that did not validate.
    """
    from .validation import validate_once

    data_dir = Path(data_dir or DATA_DIR)
    with recording.loading():
        if check:
            problems = validate_once(data_dir)
            if problems:
                raise DataValidationError(problems)
        tables = {}
        for res in read_descriptor(data_dir)["resources"]:
            fields = res["schema"]["fields"]
            dtypes = {f["name"]: PANDAS_DTYPES.get(f["type"], "string") for f in fields}
            frame = pd.read_csv(data_dir / res["path"], dtype=dtypes, keep_default_na=False, na_values=[""],
                                encoding=ENCODING)
            if study is not None and STUDY_COLUMN in frame.columns:
                frame = study_rows(frame, study)
            tables[res["name"]] = frame
    return Tables(tables, data_dir, study)
