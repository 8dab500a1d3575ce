"""Reading the evidence base: the tables as DataFrames (where it lives: ``files``)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .. import recording
from .files import CHECKED_BY_BUILD, DATA_DIR, ENCODING, read_descriptor
from .messages import DataValidationError, display

# pandas dtypes for the Table Schema types we use: nullable, so "unknown" (an empty cell)
# stays missing instead of becoming 0 or NaN-as-float.
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64"}


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
    runs on data that did not validate (in a build's run the build checks them: see
    ``CHECKED_BY_BUILD``).
    """
    from .validation import validate_once

    data_dir = Path(data_dir or DATA_DIR)
    with recording.loading():
        if check and not os.environ.get(CHECKED_BY_BUILD):
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
