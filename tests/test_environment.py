"""requirements.txt (the direct pins), requirements.lock (everything installed, with hashes),
environment.yml (the conda mirror) and the installed environment must agree.

Every direct dependency is pinned exactly in requirements.txt; ``make lock`` resolves those pins
into requirements.lock, which ``make report`` / ``make test`` install with ``--require-hashes``.
environment.yml lists the direct pins at the same versions, as conda-forge packages
(``name=version``) or in its ``pip:`` section (``name==version``). ``python``, ``pip`` and the
editable install ``-e .`` are the conda file's own business and are ignored.
"""
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = REPO / "requirements.txt"
ENVIRONMENT = REPO / "environment.yml"
LOCK = REPO / "requirements.lock"
VENV = REPO / ".venv"
RELOCK = "edit requirements.txt, then run `make lock`"
IGNORED = {"python", "pip"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$")
CONDA_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)=(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$")


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares it (``PyYAML`` = ``pyyaml``, ``a_b`` = ``a-b``)."""
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def requirement_lines() -> list[str]:
    lines = []
    for raw in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in requirement_lines():
        match = PIN.match(line)
        assert match, f"requirements.txt: {line!r} is not an exact name==version pin"
        name = normalise(match["name"])
        assert name not in pins, f"requirements.txt pins {name} twice"
        pins[name] = match["version"]
    return pins


def environment_pins() -> dict[str, str]:
    """Pins of environment.yml: conda dependencies and the pip section, by normalised name."""
    env = yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))
    pins: dict[str, str] = {}

    def add(name: str, version: str, where: str) -> None:
        name = normalise(name)
        assert name not in pins, f"environment.yml lists {name} twice (second time in {where})"
        pins[name] = version

    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, f"environment.yml: unexpected dependency mapping {dep!r}"
            for item in dep["pip"]:
                if item.strip() == "-e .":
                    continue
                match = PIN.match(item.strip())
                assert match, f"environment.yml pip section: {item!r} is not an exact name==version pin"
                add(match["name"], match["version"], "the pip section")
            continue
        dep = str(dep).strip()
        if normalise(re.split(r"[=<>!~ ]", dep, maxsplit=1)[0]) in IGNORED:
            continue
        match = CONDA_PIN.match(dep)
        assert match, f"environment.yml: conda dependency {dep!r} is not an exact name=version pin"
        add(match["name"], match["version"], "the conda dependencies")
    return pins


def test_every_requirement_is_an_exact_pin():
    lines = requirement_lines()
    assert lines, "requirements.txt names no packages"
    loose = [line for line in lines if not PIN.match(line)]
    assert not loose, f"requirements.txt lines that are not exact name==version pins: {loose}"


def test_environment_yml_parses_and_has_python_and_pip():
    env = yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))
    names = [normalise(re.split(r"[=<>!~ ]", d, maxsplit=1)[0]) for d in env["dependencies"] if isinstance(d, str)]
    assert "python" in names
    assert "pip" in names


@pytest.mark.parametrize("name", sorted(requirement_pins()))
def test_requirement_pin_is_mirrored_in_environment_yml(name):
    env = environment_pins()
    assert name in env, f"{name} is pinned in requirements.txt but missing from environment.yml"
    assert env[name] == requirement_pins()[name], (
        f"{name}: requirements.txt pins {requirement_pins()[name]}, environment.yml {env[name]}")


def test_environment_yml_pins_nothing_beyond_requirements():
    extra = sorted(set(environment_pins()) - set(requirement_pins()))
    assert not extra, f"environment.yml pins packages that requirements.txt does not: {extra}"


def test_both_files_pin_the_same_versions():
    assert environment_pins() == requirement_pins()


# ---------------------------------------------------------------------------------------------
# the lock


def lock_entries() -> dict[str, dict]:
    """Each package of requirements.lock: its version, its hashes and what it is required by."""
    entries: dict[str, dict] = {}
    current = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line):
            current = entries.setdefault(normalise(match[1]), {"version": match[2], "hashes": [], "via": []})
        elif match := re.match(r"^\s+--hash=(sha256:[0-9a-f]{64})", line):
            current["hashes"].append(match[1])
        elif match := re.match(r"^\s+#\s+(?:via\s+)?([-\w. ]+)$", line):
            if current and match[1].strip() != "via":
                current["via"].append(match[1].strip())
    return entries


def test_lock_header_names_its_platform_and_tool():
    header = LOCK.read_text(encoding="utf-8").split("\n==", 1)[0][:1000]
    assert "Linux x86_64" in header and "CPython 3.11" in header
    assert "uv pip compile" in header and "--generate-hashes" in header


def test_every_locked_package_has_hashes():
    entries = lock_entries()
    assert len(entries) > len(requirement_pins())  # transitive dependencies are locked too
    unhashed = sorted(name for name, entry in entries.items() if not entry["hashes"])
    assert not unhashed, f"requirements.lock: no hash for {unhashed}"


def test_direct_pins_are_locked_at_their_versions():
    entries = lock_entries()
    for name, version in requirement_pins().items():
        assert name in entries, f"{name} is pinned in requirements.txt but missing from requirements.lock: run `make lock`"
        assert entries[name]["version"] == version, (
            f"{name}: requirements.txt pins {version}, requirements.lock has {entries[name]['version']}: run `make lock`")


def test_lock_names_no_direct_pin_that_requirements_txt_dropped():
    direct = {name for name, entry in lock_entries().items() if "-r requirements.txt" in entry["via"]}
    stale = sorted(direct - set(requirement_pins()))
    assert not stale, f"requirements.lock still locks {stale} for requirements.txt, which no longer pins it: run `make lock`"


def test_environment_yml_agrees_with_the_lock():
    entries = lock_entries()
    differing = {name: (version, entries.get(name, {}).get("version"))
                 for name, version in environment_pins().items() if entries.get(name, {}).get("version") != version}
    assert not differing, f"environment.yml vs requirements.lock (name: (yml, lock)): {differing}; {RELOCK}"


def test_build_backend_is_the_locked_setuptools():
    requires = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    assert requires == [f"setuptools=={lock_entries()['setuptools']['version']}"]


@pytest.mark.skipif(Path(sys.prefix).resolve() != VENV.resolve(),
                    reason="runs in the project's .venv only (make test); another environment is not installed from the lock")
def test_installed_environment_is_exactly_the_lock():
    installed = {normalise(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    installed.pop("platgov-analysis")  # the project itself, installed with --no-deps
    installed.pop("pip")  # the venv's own installer
    locked = {name: entry["version"] for name, entry in lock_entries().items()}
    differing = {name: (installed.get(name), locked.get(name))
                 for name in installed.keys() | locked.keys() if installed.get(name) != locked.get(name)}
    assert not differing, (f".venv differs from requirements.lock (name: (installed, locked)): {differing}; "
                           "rebuild it: rm -rf .venv && make test")
