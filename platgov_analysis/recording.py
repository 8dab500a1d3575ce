"""What a notebook run reads, recorded while it runs, so that the build reruns it only when that
changed (dynamic dependencies, as in "Build Systems à la Carte", Mokhov et al. 2018).

Off unless the build names a file in ``PLATGOV_RECORD`` (or calls :func:`start`). Recorded:
the tables read through :func:`platgov_analysis.data.load_tables` (all rows, or one study's),
the ``platgov_analysis`` modules imported, and any other file of the repository or of the data
folder opened by path; a data file read by path makes the run depend on all the data. The file
is rewritten at each new entry, so it is complete whenever the run ends.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "PLATGOV_RECORD"
DATA_ENV = "PLATGOV_RECORD_DATA"  # the build's data folder, read by path or not
PACKAGE = __name__.rpartition(".")[0]
_REPO_ROOT = Path(__file__).resolve().parents[1]
_IGNORED = [_REPO_ROOT / ".venv", _REPO_ROOT / ".build", Path(__file__).resolve().parent]
_KERNEL = {f"{PACKAGE}.warm"}  # a warm kernel's own (in every run's digest anyway: build.cache.OUTPUT_CODE)
_state: dict = {"path": None}


def start(path: Path | str | None, data_dir: Path | str | None = None) -> None:
    """Record into ``path`` from now on (``None``: stop); ``data_dir`` is the data folder, where
    any file read by path stands for all the data. The run's working directory is its own output,
    so what it reads there is not an input."""
    _state.update(path=Path(path) if path else None, tables={}, files=set(), everything=False, modules=set(),
                  data_dirs={str(Path(data_dir).resolve())} if data_dir else set(), loading=0,
                  own=Path.cwd().resolve())
    if path:
        _install()
        _write()


def _install() -> None:
    if getattr(sys, "_platgov_recording", False):  # one hook per process: hooks cannot be removed
        return
    sys._platgov_recording = True
    sys.addaudithook(_hook)


def table(data_dir: Path, name: str, study: str | None) -> None:
    """A table was read: all its rows, or (``study``) only that study's."""
    if _state["path"] is None:
        return
    scopes, scope = _state["tables"].setdefault(name, set()), study or "*"
    if scope not in scopes:
        scopes.add(scope)
        _state["data_dirs"].add(str(Path(data_dir).resolve()))
        _write()


@contextmanager
def loading() -> Iterator[None]:
    """The loader's own reads of the data files are the tables it records, not file reads."""
    _state["loading"] = _state.get("loading", 0) + 1
    try:
        yield
    finally:
        _state["loading"] -= 1


def _hook(event: str, args: tuple) -> None:
    if _state["path"] is None:
        return
    if event == "import" and (args[0] == PACKAGE or args[0].startswith(PACKAGE + ".")):
        _state["modules"].add(args[0])
        _write()
    elif event == "open" and not _state["loading"] and isinstance(args[0], (str, os.PathLike)):
        mode, flags = args[1], args[2]
        if (mode and any(c in mode for c in "wax")) or (mode is None and flags & (os.O_WRONLY | os.O_RDWR)):
            return
        _opened(Path(os.path.abspath(args[0])))


def _opened(path: Path) -> None:
    if any(path.is_relative_to(Path(d)) for d in _state["data_dirs"]):
        if not _state["everything"]:
            _state["everything"] = True
            _write()
    elif (path.is_relative_to(_REPO_ROOT) and not path.is_relative_to(_state["own"])
          and not any(path.is_relative_to(p) for p in _IGNORED) and str(path) not in _state["files"]):
        _state["files"].add(str(path))
        _write()


def _write() -> None:
    modules = ({m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")} | _state["modules"]) - _KERNEL
    record = {"tables": {name: sorted(scopes) for name, scopes in sorted(_state["tables"].items())},
              "data_dirs": sorted(_state["data_dirs"]), "files": sorted(_state["files"]),
              "everything": _state["everything"], "modules": sorted(modules)}
    path = _state["path"]
    with _suspended():
        path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


@contextmanager
def _suspended() -> Iterator[None]:
    saved, _state["path"] = _state["path"], None
    try:
        yield
    finally:
        _state["path"] = saved


if os.environ.get(ENV):
    start(os.environ[ENV], os.environ.get(DATA_ENV))
