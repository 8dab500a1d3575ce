"""A tiny project for build tests: two one-line notebooks, a runs list and a copy of the data,
so that a build takes seconds (a kernel start per run), not the full report's minutes."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import nbformat

from platgov_analysis import build as b
from platgov_analysis.data import DATA_DIR

GOOD = ["value = 1\nout_dir = '.'", "from pathlib import Path\nPath(out_dir, 'value.txt').write_text(str(value))"]
RUNS = ("runs:\n  - notebook: a.ipynb\n    output: a\n  - notebook: b.ipynb\n    output: b/{value}\n"
        "    matrix:\n      value: [2]\n")


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code cells, the first tagged ``parameters``."""
    book = nbformat.v4.new_notebook()
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    book.cells[0].metadata["tags"] = ["parameters"]
    for i, cell in enumerate(book.cells):
        cell["id"] = f"c{i}"
    nbformat.write(book, path)


def make_tiny(root: Path) -> b.Paths:
    """The project under ``root``: notebooks/ (a, b, runs.yaml), data/, reports/ and work/."""
    notebooks = root / "notebooks"
    notebooks.mkdir(parents=True)
    write_notebook(notebooks / "a.ipynb", GOOD)
    write_notebook(notebooks / "b.ipynb", GOOD)
    (notebooks / "runs.yaml").write_text(RUNS, encoding="utf-8")
    shutil.copytree(DATA_DIR, root / "data")
    return b.Paths(runs_file=notebooks / "runs.yaml", data_dir=root / "data", reports_dir=root / "reports",
                   work_dir=root / "work")


def build_quietly(paths: b.Paths, **kwargs) -> tuple[int, str]:
    """Build in this process; the exit code and everything the build printed."""
    out = io.StringIO()
    return b.build(paths=paths, stream=out, **kwargs), out.getvalue()
