"""The declared report runs, ``notebooks/runs.yaml``, checked before any kernel starts.

papermill injects any parameter it is given, known to the notebook or not, so a misspelt name
would run with the notebook's default and publish the wrong figures; a study that is not in
the data would fail minutes later, inside a kernel. Both are one sentence at start-up instead.
"""
from __future__ import annotations

import ast
import csv
import json
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from .data.files import ENCODING, REPO_ROOT

RUNS_FILE = REPO_ROOT / "notebooks" / "runs.yaml"
STUDY_PARAMETER = "study_id"
EVERY_STUDY = "all"  # the study_id value that means every study (studies.rows, networks)


class BuildConfigError(Exception):
    """``runs.yaml`` is malformed or names what does not exist; the message says where."""


@dataclass(frozen=True)
class Run:
    """One notebook executed with one set of parameters into one report folder."""

    name: str
    notebook: str
    parameters: dict = field(hash=False)


def notebook_parameters(path: Path) -> set[str]:
    """The names assigned in the notebook's cell tagged ``parameters`` (papermill's convention)."""
    return set(parameter_defaults(path))


def parameter_defaults(path: Path) -> dict:
    """Each name the ``parameters`` cell assigns with its default (None where it is not a literal).

    The notebook is read as plain JSON, not with nbformat: its schema validator takes a second to
    import, which every build, a no-op one too, would pay."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        cell = next((c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
        source = None if cell is None else "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    except (ValueError, KeyError, TypeError, AttributeError) as err:  # not JSON, or not a notebook
        raise BuildConfigError(f"{path.name}: not a readable notebook ({str(err).splitlines()[0]})") from None
    if cell is None:
        return {}
    try:
        body = ast.parse(source).body
    except SyntaxError as err:
        raise BuildConfigError(f"{path.name}: the parameters cell is not valid Python (line {err.lineno})") from None
    defaults = {}
    for node in body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    defaults[target.id] = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    defaults[target.id] = None
    return defaults


def load_runs(runs_file: Path = RUNS_FILE) -> list[Run]:
    """Expand ``runs.yaml`` (each entry's ``matrix`` crossed) into the list of runs."""
    import yaml

    if not runs_file.exists():  # a project without notebooks yet builds an empty report
        return []
    try:
        spec = yaml.safe_load(runs_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise BuildConfigError(f"{runs_file}: not valid YAML ({err})") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("runs", []), list):
        raise BuildConfigError(f"{runs_file.name}: needs a list under 'runs:'")
    runs = []
    for number, entry in enumerate(spec.get("runs", []), start=1):
        where = f"{runs_file.name} entry {number}"
        if not isinstance(entry, dict) or "notebook" not in entry or "output" not in entry:
            raise BuildConfigError(f"{where}: needs 'notebook' and 'output'")
        notebook = runs_file.parent / entry["notebook"]
        if not notebook.is_file():
            raise BuildConfigError(f"{where}: notebook {entry['notebook']} does not exist")
        parameters, matrix = entry.get("parameters", {}), entry.get("matrix", {})
        if not (isinstance(parameters, dict) and isinstance(matrix, dict)
                and all(isinstance(values, list) for values in matrix.values())):
            raise BuildConfigError(f"{where}: 'parameters' must map names to values, 'matrix' names to lists of values")
        known = notebook_parameters(notebook)
        unknown = sorted((set(parameters) | set(matrix)) - known)
        if unknown:
            raise BuildConfigError(f"{where}: parameter {unknown[0]} is not in the parameters cell of "
                                   f"{entry['notebook']} (it has: {', '.join(sorted(known)) or 'no parameters cell'})")
        keys = sorted(matrix)
        for values in itertools.product(*(matrix[k] for k in keys)):
            params = {**parameters, **dict(zip(keys, values))}
            try:
                name = entry["output"].format(**params)
            except KeyError as err:
                raise BuildConfigError(f"{where}: output uses {err} which is not a parameter") from None
            runs.append(Run(name, entry["notebook"], params))
    names = [r.name for r in runs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise BuildConfigError(f"{runs_file.name}: two runs write the same folder: {', '.join(duplicated)}")
    return runs


def check_studies(runs: list[Run], runs_file: Path, data_dir: Path) -> None:
    """Every ``study_id`` a run asks for is a study of the data (or ``all``). Checked before any
    kernel starts; a ``studies.csv`` that cannot be read is left to the data's validation to name."""
    try:
        with open(data_dir / "studies.csv", encoding=ENCODING, newline="") as handle:
            studies = [row.get("study_id") for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error):
        return
    for run in runs:
        study = run.parameters.get(STUDY_PARAMETER)
        if study is not None and study != EVERY_STUDY and study not in studies:
            raise BuildConfigError(f"{runs_file.name}: run {run.name} asks for study_id {study}, which is not a "
                                   f"study in {data_dir.name}/studies.csv (there: {', '.join(studies)}, or all)")
