"""Refresh the committed outputs of the notebook cells that nbval compares.

Cells that state a result start with ``# NBVAL_CHECK_OUTPUT``; their outputs are committed so a
silent change of a result fails ``make test``. After an intended change (a corrected data row, a
new study), run ``make refresh-outputs``: every notebook is executed with its default parameters
and only the checked cells keep their outputs, so the diff shows exactly which results moved.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARK = "# NBVAL_CHECK_OUTPUT"


def is_checked(cell) -> bool:
    """A code cell whose output nbval compares with the committed one."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith(MARK)


def refresh(path: Path | str, timeout: int = 900) -> int:
    """Execute ``path`` and keep the outputs of its checked cells only; returns their number."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    executed = nbformat.from_dict(notebook)
    NotebookClient(executed, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    kept = 0
    for cell, ran in zip(notebook.cells, executed.cells):
        if cell.cell_type != "code":
            continue
        # nbval takes a checked cell without an execution count for one never run, so only the
        # checked cells keep theirs (nbval does not compare counts)
        cell.execution_count = ran.execution_count if is_checked(cell) else None
        cell.outputs = ran.outputs if is_checked(cell) else []
        kept += is_checked(cell)
    nbformat.write(notebook, path)
    return kept
