"""A tiny project for build tests: two one-line notebooks, a runs list and a small copy of the
data (three studies), so that a build takes seconds (a kernel start per run), not the full report's
minutes, and publishing its pages a fraction of a second."""
from __future__ import annotations

import csv
import io
import json
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
    small_data(root / "data")
    return b.Paths(runs_file=notebooks / "runs.yaml", data_dir=root / "data", reports_dir=root / "reports",
                   work_dir=root / "work")


SMALL_STUDIES = ("wu2022", "chen2021", "qian2025")  # qian2025 brings two condition expectations


def small_data(target: Path, studies=SMALL_STUDIES, source: Path = DATA_DIR) -> Path:
    """A valid copy of the data package holding only ``studies``: their rows and the rows of no
    study, and then, until nothing changes, only the rows whose foreign keys (as the descriptor
    declares them) still find their row."""
    target.mkdir(parents=True)
    for notes in source.glob("*.md"):  # the package's documents (licence, codebook notes) travel whole
        shutil.copy2(notes, target)
    shutil.copy2(source / "datapackage.json", target)
    descriptor = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    tables, headers = {}, {}
    for resource in descriptor["resources"]:
        with open(source / resource["path"], encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            headers[resource["name"]] = reader.fieldnames
            tables[resource["name"]] = [row for row in reader if not row.get("study_id") or row["study_id"] in studies]
    keys = [(resource["name"], [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"], fk["reference"])
            for resource in descriptor["resources"] for fk in resource["schema"].get("foreignKeys", [])]
    changed = True
    while changed:
        changed = False
        for name, fields, reference in keys:
            target_fields = [reference["fields"]] if isinstance(reference["fields"], str) else reference["fields"]
            present = {tuple(row[f] for f in target_fields) for row in tables[reference["resource"] or name]}
            kept = [row for row in tables[name]
                    if not all(row[f] for f in fields) or tuple(row[f] for f in fields) in present]
            changed |= len(kept) < len(tables[name])
            tables[name] = kept
    for resource in descriptor["resources"]:
        with open(target / resource["path"], "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=headers[resource["name"]], lineterminator="\n")
            writer.writeheader()
            writer.writerows(tables[resource["name"]])
    return target


def build_quietly(paths: b.Paths, **kwargs) -> tuple[int, str]:
    """Build in this process; the exit code and everything the build printed."""
    out = io.StringIO()
    return b.build(paths=paths, stream=out, **kwargs), out.getvalue()
