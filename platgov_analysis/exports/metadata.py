"""Release metadata: the data package's sources, CITATION.cff validation and codemeta.json.

``CITATION.cff`` is the one hand-kept description of platgov; ``codemeta.json`` is generated
from it by cffconvert, the Citation File Format's own converter. cffconvert 2.0.0 pins
jsonschema 3, which the project's environment cannot share (nbformat and frictionless need
jsonschema 4), so it runs in a tool environment of its own under ``.build/tools/``, created on
first use from the exact pins in ``tools/cffconvert.txt``. The descriptor's ``sources`` are
generated from ``studies.csv``, so a sixth study appears there without editing JSON by hand.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from ..data import DATA_DIR, DESCRIPTOR, REPO_ROOT

CITATION_FILE = REPO_ROOT / "CITATION.cff"
CODEMETA_FILE = REPO_ROOT / "codemeta.json"
TOOL_PINS = REPO_ROOT / "tools" / "cffconvert.txt"
TOOLS_DIR = REPO_ROOT / ".build" / "tools"


class ToolError(RuntimeError):
    """The cffconvert tool environment could not be set up; the message says why."""


def package_sources(studies: pd.DataFrame) -> list[dict]:
    """The data package's ``sources``: each study as cited (authors, title, venue, year) with
    its DOI link where the study prints a DOI, and none where it does not."""
    sources = []
    for row in studies.itertuples(index=False):
        venue = " ".join(str(v) for v in (row.venue_zh, row.volume_issue) if not pd.isna(v))
        venue += f": {row.pages}" if venue and not pd.isna(row.pages) else ""
        parts = [row.authors_zh, row.title_zh, venue, "" if pd.isna(row.year) else str(row.year)]
        source = {"title": ". ".join(p for p in parts if p) + "."
                  + ("" if pd.isna(row.article_no) else f" 文章编号 {row.article_no}.")}
        if not pd.isna(row.doi):
            source["path"] = f"https://doi.org/{row.doi}"
        sources.append(source)
    return sources


def write_descriptor_sources(studies: pd.DataFrame, data_dir: Path = DATA_DIR) -> Path:
    """Set the descriptor's ``sources`` from the studies, leaving every other key as it is."""
    path = Path(data_dir) / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["sources"] = package_sources(studies)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def cffconvert(*args: str) -> subprocess.CompletedProcess:
    """Run cffconvert (in its own pinned environment, made on first use) with ``args``."""
    pins = TOOL_PINS.read_bytes()
    env_dir = TOOLS_DIR / f"cffconvert-{hashlib.sha256(pins).hexdigest()[:12]}"
    program = env_dir / "bin" / "cffconvert"
    if not program.exists():
        steps = [[sys.executable, "-m", "venv", "--clear", str(env_dir)],
                 [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  "--no-deps", "-r", str(TOOL_PINS)]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode:
                raise ToolError(f"could not set up cffconvert in {env_dir} from {TOOL_PINS.name}: "
                                f"{(done.stderr.strip().splitlines() or ['no message'])[-1]}")
    return subprocess.run([str(program), *args], capture_output=True, text=True, cwd=REPO_ROOT)


def citation_problems(citation: Path = CITATION_FILE) -> list[str]:
    """cffconvert's verdict on CITATION.cff: an empty list when it validates."""
    done = cffconvert("--validate", "--infile", str(citation))
    if done.returncode == 0:
        return []
    lines = [line for line in (done.stderr or done.stdout).strip().splitlines() if line.strip()]
    return [f"{citation.name} does not validate against the Citation File Format schema: "
            f"{lines[-1] if lines else 'cffconvert gave no reason'}"]


def codemeta(citation: Path = CITATION_FILE) -> str:
    """codemeta.json as cffconvert generates it from CITATION.cff."""
    done = cffconvert("--format", "codemeta", "--infile", str(citation))
    if done.returncode:
        raise ToolError(f"cffconvert could not convert {citation.name}: {done.stderr.strip()}")
    return done.stdout.rstrip("\n") + "\n"


def export(tables: dict[str, pd.DataFrame], data_dir: Path = DATA_DIR) -> tuple[list[Path], list[str]]:
    """Validate CITATION.cff, then write codemeta.json and the descriptor's sources. Returns the
    files written and the problems (nothing is written while CITATION.cff does not validate)."""
    problems = citation_problems()
    if problems:
        return [], problems
    CODEMETA_FILE.write_text(codemeta(), encoding="utf-8")
    return [CODEMETA_FILE, write_descriptor_sources(tables["studies"], data_dir)], []
