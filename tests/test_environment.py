"""requirements.txt (the pin file) and environment.yml (the conda mirror) must agree.

Every direct dependency is pinned exactly in requirements.txt; environment.yml lists the same
packages at the same versions, as conda-forge packages (``name=version``) or in its ``pip:``
section (``name==version``). ``python``, ``pip`` and the editable install ``-e .`` are the
conda file's own business and are ignored.
"""
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = REPO / "requirements.txt"
ENVIRONMENT = REPO / "environment.yml"
IGNORED = {"python", "pip"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$")
CONDA_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)=(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$")


def normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-")


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
