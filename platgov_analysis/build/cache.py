"""What a run's output depends on, as one content hash, and where that output is kept.

A run records what it reads (``platgov_analysis.recording``) into ``DEPS_FILE`` beside its
cached output; the next build digests only those inputs: the tables it read (all rows, or one
study's), the ``platgov_analysis`` modules it imported (their syntax tree without docstrings,
so comments and docstrings do not count), the other files it opened; always its notebook, its
parameters, the data's schema, the locked environment and the code that turns an executed
notebook into the run's files. A run with no record depends on all the data and all modules.

Digests that need parsing (a module's syntax tree, one study's rows of a table) are remembered
between builds in ``DIGESTS_FILE``, keyed by the SHA-256 of the bytes they were made from, so a
build that finds nothing changed reads and hashes files but parses none and imports no pandas.
"""
from __future__ import annotations

import ast
import hashlib
import json
import threading
from functools import cache
from pathlib import Path

from ..data.files import DESCRIPTOR, ENCODING, folder_digest, read_descriptor
from ..runs import Run
from .paths import HASH_FILE, LOCK_FILE, PACKAGE_DIR, Paths

DEPS_FILE = ".dependencies.json"
DIGESTS_FILE = "digests.json"
_PARSING = threading.Lock()  # CPython 3.11's parser is not safe to enter from two threads at once
PACKAGE = PACKAGE_DIR.name
# the build's own code that shapes a run's files (warm kernel, normalised notebook, HTML page);
# the report's other pages are written when publishing, so they do not make a run stale
OUTPUT_CODE = ("build.execute", "build.kernels", "recording", "report.notebook", "warm")
# the code that makes the remembered digests: when it (or the environment) changes, they are dropped
DIGEST_CODE = (Path(__file__), PACKAGE_DIR / "data" / "load.py", LOCK_FILE)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def module_file(name: str) -> Path:
    """The source file of a ``platgov_analysis`` module, by its dotted name."""
    base = PACKAGE_DIR.parent.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def syntax_digest(source: str) -> str:
    """Hash of a module's syntax tree without docstrings or positions: comments, blank lines,
    layout and docstrings do not change it."""
    with _PARSING:
        tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return _sha(ast.dump(tree, include_attributes=False).encode())


class Inputs:
    """Digests of everything a run may depend on, each computed at most once per build; those
    that need parsing also remembered across builds in ``memo_file`` (see :meth:`save`)."""

    def __init__(self, data_dir: Path, memo_file: Path | None = None):
        self.data_dir = data_dir
        self.module = cache(self._module)
        self.table = cache(self._table)
        self.file = cache(self._file)
        self._memo_file, self._lock = memo_file, threading.Lock()
        self._code = _sha(b"".join(_sha(p.read_bytes()).encode() for p in DIGEST_CODE))
        self._remembered, self._used = {}, {}
        if memo_file is not None and memo_file.exists():
            try:
                stored = json.loads(memo_file.read_text(encoding="utf-8"))
            except ValueError:  # a torn file: start afresh
                stored = {}
            if stored.get("code") == self._code:
                self._remembered = stored.get("digests", {})

    def _memo(self, key: str, compute) -> str:
        with self._lock:
            value = self._remembered.get(key)
        if value is None:
            value = compute()
        with self._lock:
            self._used[key] = value
        return value

    def save(self) -> None:
        """Keep the digests this build used for the next one (written whole, then renamed)."""
        if self._memo_file is None or self._used == self._remembered:
            return
        self._memo_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self._memo_file.with_suffix(".partial")
        partial.write_text(json.dumps({"code": self._code, "digests": dict(sorted(self._used.items()))}, indent=0),
                           encoding="utf-8")
        partial.replace(self._memo_file)

    def _module(self, name: str) -> str:
        path = module_file(name)
        if not path.is_file():
            return "missing"
        source = path.read_bytes()
        return self._memo(f"syntax {_sha(source)}", lambda: syntax_digest(source.decode("utf-8")))

    def _table(self, data_dir: str, name: str, scope: str) -> str:
        resource = next((r for r in read_descriptor(data_dir)["resources"] if r["name"] == name), None)
        if resource is None:
            return "missing"
        content = (Path(data_dir) / resource["path"]).read_bytes()
        if scope == "*":
            return _sha(content)
        return self._memo(f"rows {_sha(content)} {scope}", lambda: _study_digest(content, scope))

    @cache
    def _listing(self) -> tuple[str, ...]:
        names = []
        for path in sorted(PACKAGE_DIR.rglob("*.py")):
            parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
            if "__pycache__" not in parts:
                names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        return tuple(names)

    def _file(self, path: str) -> str:
        return _sha(Path(path).read_bytes()) if Path(path).is_file() else "missing"

    def modules(self, prefixes=("",)) -> list[str]:
        """The package's modules whose names start with one of ``prefixes`` (below the package)."""
        return [n for n in self._listing() if any(n.removeprefix(PACKAGE + ".").startswith(p) for p in prefixes)]


def _study_digest(content: bytes, study: str) -> str:
    """Digest of the rows of a table a run scoped to ``study`` sees (see ``data.load.study_rows``)."""
    import io

    import pandas as pd

    from ..data.load import study_rows

    frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding=ENCODING)
    return _sha(study_rows(frame, study).to_csv(index=False, lineterminator="\n").encode())


def run_digest(run: Run, deps: dict | None, inputs: Inputs, notebooks_dir: Path) -> str:
    """Content hash of everything a run depends on, as its record ``deps`` says (``None``: no
    record, so all the data and every module)."""
    data_dirs = deps["data_dirs"] if deps else [str(inputs.data_dir.resolve())]
    parts = {"notebook": _sha((notebooks_dir / run.notebook).read_bytes()), "parameters": run.parameters,
             "lock": _sha(LOCK_FILE.read_bytes()),
             "schema": [_sha((Path(d) / DESCRIPTOR).read_bytes()) for d in data_dirs],
             "output code": {m: inputs.module(m) for m in inputs.modules(OUTPUT_CODE)}}
    if deps is None or deps["everything"]:
        parts["tables"] = {d: {r["name"]: inputs.table(d, r["name"], "*") for r in read_descriptor(d)["resources"]}
                           for d in data_dirs}
        modules = inputs.modules()
    else:
        parts["tables"] = {d: {t: [inputs.table(d, t, s) for s in scopes] for t, scopes in deps["tables"].items()}
                           for d in data_dirs}
        modules = deps["modules"]
    parts["modules"] = {m: inputs.module(m) for m in modules}
    parts["files"] = {f: inputs.file(f) for f in (deps or {}).get("files", [])}
    return _sha(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode())


def cache_dir(run: Run, paths: Paths) -> Path:
    """Where the last successful output of a run is kept between builds."""
    return paths.work_dir / "runs" / run.name


def recorded(folder: Path) -> dict | None:
    """The dependencies a run recorded into ``folder``; ``None`` when it recorded none."""
    try:
        return json.loads((folder / DEPS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def current_digest(run: Run, inputs: Inputs, paths: Paths) -> str | None:
    """The digest of the inputs the cached output of ``run`` depends on, as they are now; ``None``
    when there is no cached output."""
    folder = cache_dir(run, paths)
    if not (folder / HASH_FILE).exists():
        return None
    return run_digest(run, recorded(folder), inputs, paths.notebooks_dir)


def is_current(run: Run, digest: str | None, paths: Paths) -> bool:
    stamp = cache_dir(run, paths) / HASH_FILE
    return digest is not None and stamp.exists() and stamp.read_text() == digest


def published_stamp(digests: dict[str, str | None], data_dir: Path, inputs: Inputs) -> str:
    """What the published report was made from: its runs' inputs; all the data, which the report's
    own pages and interchange files are made from; and the code and templates that make them
    (modules by syntax tree, so a comment-only edit republishes nothing)."""
    assets = {str(p.relative_to(PACKAGE_DIR)): _sha(p.read_bytes()) for p in sorted(PACKAGE_DIR.rglob("*"))
              if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    return _sha(json.dumps({"runs": digests, "data": folder_digest(data_dir),
                            "code": {m: inputs.module(m) for m in inputs.modules()}, "assets": assets},
                           sort_keys=True).encode())
