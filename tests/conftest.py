"""Shared fixtures: the full report, built once per test session (see test_build.py), and the
tiny project of tiny_project.py."""
from __future__ import annotations

import io

import pytest

from platgov_analysis import build as b
from tiny_project import make_tiny


@pytest.fixture(scope="session")
def report(tmp_path_factory):
    """The whole report built into a temporary folder; the repo's .build cache is reused, so a
    warm local run is quick while CI builds it from cold."""
    reports = tmp_path_factory.mktemp("report") / "reports"
    out = io.StringIO()
    code = b.build(paths=b.Paths(reports_dir=reports), stream=out)
    assert code == 0, out.getvalue()
    return reports


@pytest.fixture
def tiny(tmp_path) -> b.Paths:
    return make_tiny(tmp_path)
