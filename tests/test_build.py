"""The report build: every run published, key numbers, captions, normalisation, incremental
rebuilds, failure handling, byte-identical outputs.

The full report comes from the session fixture ``report`` (conftest.py). Failure and
incremental behaviour is tested on a tiny project of two notebooks (fixture ``tiny``) so it stays
fast.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys

import nbformat
import networkx as nx
import pandas as pd
import pytest

from platgov_analysis import build as b
from platgov_analysis.build.cache import DEPS_FILE, DIGESTS_FILE
from platgov_analysis.data import REPO_ROOT
from platgov_analysis.runs import BuildConfigError
from tiny_project import GOOD, build_quietly, write_notebook


def test_every_run_is_published_with_notebook_and_figures(report):
    runs = b.load_runs()
    assert len(runs) >= 26
    for run in runs:
        folder = report / run.name
        assert (folder / "notebook.html").exists(), run.name
        assert (folder / "notebook.ipynb").exists(), run.name
        figures = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
        assert figures, f"{run.name} produced no figure"
        for name in figures:
            assert (folder / f"{name}.svg").stat().st_size > 0
            assert (folder / f"{name}.png").stat().st_size > 0


def test_study_runs_rebuild_each_study_from_data(report):
    song = pd.read_csv(report / "study/song2026/en/cases.csv")
    table1 = song.dropna(subset=["interview minutes"])
    assert len(table1) == 8 and table1["site"].nunique() == 7
    assert table1["symbol"].value_counts().to_dict() == {"○": 5, "△": 3}
    assert table1.groupby("site")["interview minutes"].first().to_dict() == {
        "J City": 603, "X County": 157, "Q City": 263, "N District": 131, "C District": 122,
        "Y City": 190, "F City": 575}
    wu_events = pd.read_csv(report / "study/wu2022/en/events.csv")
    assert {"2020-02-11", "2020-02-16"} <= set(wu_events["date"])
    comparison = pd.read_csv(report / "study/qian2025/zh/platform_comparison.csv")
    assert "民呼我为" in comparison.columns
    for study in ("song2026", "wu2022", "chen2021", "shen2021", "qian2025"):
        figures = json.loads((report / f"study/{study}/en/figures.json").read_text(encoding="utf-8"))
        assert {"framework", "actors"} <= set(figures), study
    assert "timeline" in json.loads((report / "study/chen2021/en/figures.json").read_text(encoding="utf-8"))


def test_zh_runs_label_in_chinese(report):
    header = (report / "study/song2026/zh/cases.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "平台" in header and "platform" not in header
    # coded values are shown with their Chinese labels from data/vocabulary.csv, not as codes
    actors = pd.read_csv(report / "study/wu2022/zh/actors.csv")
    assert {"企业", "政府"} <= set(actors["类型"]) and "enterprise" not in set(actors["类型"])


def test_every_caption_names_its_study_and_evidence(report):
    for manifest in report.rglob("figures.json"):
        for name, info in json.loads(manifest.read_text(encoding="utf-8")).items():
            caption = info["caption"]
            assert caption.startswith(("Source:", "来源:")), (manifest, name)
            assert re.search(r"[a-z]+\d{4}-e\d{3}", caption) or "data/" in caption, (manifest, name)


def test_executed_notebooks_carry_no_run_specific_metadata(report):
    text = (report / "comparative/en/notebook.ipynb").read_text(encoding="utf-8")
    for volatile in ("start_time", "end_time", "duration", "input_path", str(REPO_ROOT)):
        assert volatile not in text
    nb = nbformat.reads(text, as_version=4)
    assert [c["id"] for c in nb.cells][:2] == ["cell-000", "cell-001"]
    assert nb.metadata["papermill"]["parameters"]["lang"] == "en"


@pytest.mark.parametrize("run", ["comparative/zh", "networks/all/en", "study/song2026/en"])
def test_notebook_pages_are_nbconverts_page_written_once(report, run):
    """The report's exporter leaves out two passes of nbconvert's (bleach over the highlighted
    code, BeautifulSoup over the whole page): its markup, written out as BeautifulSoup writes it,
    is nbconvert's page to the byte, and every figure has its caption as alternative text."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from platgov_analysis.report.notebook import page_exporter

    book = nbformat.read(report / run / "notebook.ipynb", as_version=4)
    ours, _ = page_exporter().from_notebook_node(book)
    theirs, _ = HTMLExporter(template_name="basic").from_notebook_node(book)
    assert ours != theirs and str(BeautifulSoup(ours, features="html.parser")) == theirs
    captions = {info["caption"] for info in json.loads((report / run / "figures.json").read_text(encoding="utf-8")).values()}
    alts = [img.get("alt") for img in BeautifulSoup(ours, features="html.parser").find_all("img")]
    assert alts and set(alts) == captions


def test_pages_make_no_network_request(report):
    pages = [report / "index.html", *report.rglob("notebook.html")]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', html), page
        assert "<script src" not in html, page


def test_network_exports_load_back_with_evidence(report):
    folder = report / "networks/all/en"
    for graph in (nx.read_graphml(folder / "network.graphml"), nx.read_gexf(folder / "network.gexf")):
        assert graph.number_of_edges() == len(pd.read_csv(folder / "network_edges.csv"))
        assert all(d.get("evidence_id") for _, _, d in graph.edges(data=True))
        assert graph.nodes["alibaba"]["sector"] == "market"


def test_noop_rebuild_runs_nothing(report):
    """Nothing changed: nothing runs and nothing is republished (its time is measured by
    ``make bench``, not asserted here)."""
    before = b.tree_hashes(report)
    out = io.StringIO()
    assert b.build(paths=b.Paths(reports_dir=report), stream=out) == 0
    assert "up to date" in out.getvalue() and "building" not in out.getvalue()
    assert b.tree_hashes(report) == before


def test_every_run_in_a_fresh_kernel_gives_the_bytes_of_the_warm_build(report, tmp_path):
    """The report is built in warm kernels, reset between runs; each run rebuilt from cold in a
    kernel of its own, in a separate work folder, must match it byte for byte (see warm.py)."""
    paths = b.Paths(reports_dir=tmp_path / "reports", work_dir=tmp_path / "work")
    names = [run.name for run in b.load_runs()]
    assert b.build(only=names, force=True, paths=paths, stream=io.StringIO(), warm_kernels=False) == 0
    for name in names:
        fresh = b.tree_hashes(paths.work_dir / "runs" / name)
        for stamp in (b.HASH_FILE, DEPS_FILE):
            fresh.pop(stamp)
        assert fresh == b.tree_hashes(report / name), name


# ----------------------------------------------------------------- a tiny project

def test_editing_a_notebook_rebuilds_only_its_runs_and_data_no_run_reads_rebuild_none(tiny):
    assert build_quietly(tiny)[0] == 0
    assert (tiny.reports_dir / "b/2/value.txt").read_text() == "2"
    write_notebook(tiny.notebooks_dir / "a.ipynb", [GOOD[0], GOOD[1] + "\n# edited"])
    code, log = build_quietly(tiny)
    assert code == 0 and "building 1 of 2 runs" in log and "ok    a" in log
    (tiny.data_dir / "studies.csv").touch()  # a new timestamp is not a change
    assert "up to date" in build_quietly(tiny)[1]
    b.edit_note(tiny.data_dir / "studies.csv")  # neither notebook reads the data (see test_incremental.py),
    code, log = build_quietly(tiny)  # but the report's interchange files are exported from them
    assert code == 0 and "building 0 of 2 runs" in log and "report written" in log


NOOP_SCRIPT = """
import io, sys
from pathlib import Path
import platgov_analysis.build.cache as cache
cache.syntax_digest = None  # a call would fail: every digest that needs parsing must be remembered
from platgov_analysis import build as b
out = io.StringIO()
code = b.build(paths=b.Paths(runs_file=Path({runs!r}), data_dir=Path({data!r}), reports_dir=Path({reports!r}),
                             work_dir=Path({work!r})), stream=out)
print(code, "up to date" in out.getvalue(), sorted({{"pandas", "nbformat", "matplotlib"}} & set(sys.modules)))
"""


def test_a_noop_build_parses_nothing_and_imports_neither_pandas_nor_nbformat(tiny):
    """What keeps a no-op rebuild near-instant: digests that need parsing (module syntax trees,
    one study's rows) are remembered by content in digests.json, and nothing heavy is imported."""
    assert build_quietly(tiny)[0] == 0
    assert (tiny.work_dir / DIGESTS_FILE).exists()
    script = NOOP_SCRIPT.format(runs=str(tiny.runs_file), data=str(tiny.data_dir), reports=str(tiny.reports_dir),
                                work=str(tiny.work_dir))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.stdout.split("\n")[0] == "0 True []", result.stdout + result.stderr


def test_remembered_digests_are_dropped_when_unreadable(tiny, monkeypatch):
    from platgov_analysis.build import cache

    memo = tiny.work_dir / DIGESTS_FILE
    first = cache.Inputs(tiny.data_dir, memo)
    digest = first.module("platgov_analysis.labels")
    first.save()
    monkeypatch.setattr(cache, "syntax_digest", None)
    assert cache.Inputs(tiny.data_dir, memo).module("platgov_analysis.labels") == digest  # remembered
    memo.write_text("{not json", encoding="utf-8")
    monkeypatch.undo()
    assert cache.Inputs(tiny.data_dir, memo).module("platgov_analysis.labels") == digest  # computed afresh


def test_a_failing_run_leaves_the_published_report_untouched(tiny):
    assert build_quietly(tiny)[0] == 0
    index_before = (tiny.reports_dir / "index.html").read_bytes()
    write_notebook(tiny.notebooks_dir / "b.ipynb", [GOOD[0], "1 / 0"])
    write_notebook(tiny.notebooks_dir / "a.ipynb", [GOOD[0], GOOD[1] + "\n# edited"])
    code, log = build_quietly(tiny)
    assert code == 1
    message = next(line for line in log.splitlines() if "failed in cell" in line)
    assert "run b/2" in message and "ZeroDivisionError" in message and "b.ipynb" in message
    assert "Traceback" not in log
    assert (tiny.work_dir / "failed/b/2/notebook.ipynb").exists()  # kept for inspection
    assert "ok    a" in log  # the other run still completed
    assert (tiny.reports_dir / "index.html").read_bytes() == index_before


def test_bad_data_stop_the_build_with_a_sentence_and_keep_the_report(tiny):
    assert build_quietly(tiny)[0] == 0
    index_before = (tiny.reports_dir / "index.html").read_bytes()
    studies = tiny.data_dir / "studies.csv"
    studies.write_text(studies.read_text(encoding="utf-8").replace(",simplified,", ",cyrillic,", 1), encoding="utf-8")
    code, log = build_quietly(tiny)
    assert code == 2
    assert re.search(r'studies\.csv row 3, field script: "cyrillic" is not one of the allowed values', log)
    assert log.rstrip().splitlines()[-1].startswith("  ")  # the sentences close the log, after any run's line
    assert (tiny.reports_dir / "index.html").read_bytes() == index_before


def test_a_runs_list_naming_a_missing_notebook_is_a_sentence(tiny):
    tiny.runs_file.write_text("runs:\n  - notebook: missing.ipynb\n    output: m\n", encoding="utf-8")
    with pytest.raises(BuildConfigError, match="entry 1: notebook missing.ipynb does not exist"):
        b.load_runs(tiny.runs_file)


def test_a_parameter_the_notebook_does_not_declare_is_a_sentence(tiny):
    tiny.runs_file.write_text("runs:\n  - notebook: a.ipynb\n    output: a\n    parameters:\n      valeu: 3\n",
                              encoding="utf-8")
    with pytest.raises(BuildConfigError, match=r"^runs.yaml entry 1: parameter valeu is not in the parameters "
                                                 r"cell of a.ipynb \(it has: out_dir, value\)$"):
        b.load_runs(tiny.runs_file)


STUDY_NOTEBOOK = ["study_id = 'song2026'\nout_dir = '.'", "print(study_id)"]


@pytest.mark.parametrize("entry, sentence", [
    ("  - notebook: a.ipynb\n    output: a/{valeu}\n    matrix:\n      valeu: [1, 2]\n",
     "runs.yaml entry 1: parameter valeu is not in the parameters cell of a.ipynb (it has: out_dir, value)"),
    ("  - notebook: s.ipynb\n    output: s/{study_id}\n    matrix:\n      study_id: [wu2022, wu2023]\n",
     "runs.yaml: run s/wu2023 asks for study_id wu2023, which is not a study in data/studies.csv (there: "),
], ids=["unknown-parameter", "unknown-study"])
def test_runs_list_mistakes_are_one_sentence_before_any_kernel_starts(tmp_path, entry, sentence):
    write_notebook(tmp_path / "a.ipynb", GOOD)
    write_notebook(tmp_path / "s.ipynb", STUDY_NOTEBOOK)
    (tmp_path / "runs.yaml").write_text("runs:\n" + entry, encoding="utf-8")
    # a (warm) kernel starting would kill this build (exit -9) instead of the exit 2 of bad input
    result = subprocess.run([sys.executable, "-m", "platgov_analysis", "build", "--runs", str(tmp_path / "runs.yaml")],
                            capture_output=True, text=True, cwd=REPO_ROOT, env={**os.environ, b.CRASH_AT: "warm-kernel"})
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(sentence), result.stdout
    assert result.stderr == ""


def test_a_notebook_that_is_not_json_is_a_sentence(tmp_path):
    (tmp_path / "a.ipynb").write_text("{ not json", encoding="utf-8")
    (tmp_path / "runs.yaml").write_text("runs:\n  - notebook: a.ipynb\n    output: a\n", encoding="utf-8")
    with pytest.raises(BuildConfigError, match=r"^a\.ipynb: not a readable notebook"):
        b.load_runs(tmp_path / "runs.yaml")


def test_build_cli_reports_bad_runs_list_with_exit_2(tmp_path):
    runs = tmp_path / "runs.yaml"
    runs.write_text("runs: [", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "platgov_analysis", "build", "--runs", str(runs)],
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not valid YAML" in result.stdout and "Traceback" not in result.stderr


def test_hashes_change_with_content_not_timestamps(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "x.csv").write_text("a\n", encoding="utf-8")
    from platgov_analysis.data import folder_digest

    before = folder_digest(folder)
    (folder / "x.csv").touch()
    assert folder_digest(folder) == before
    (folder / "x.csv").write_text("b\n", encoding="utf-8")
    assert folder_digest(folder) != before
    assert hashlib.sha256(b"").hexdigest() != before


def test_a_project_without_notebooks_builds_an_empty_report(tmp_path):
    paths = b.Paths(runs_file=tmp_path / "notebooks" / "runs.yaml", reports_dir=tmp_path / "reports",
                    work_dir=tmp_path / "work")
    code, log = build_quietly(paths)
    assert code == 0, log
    assert "0 runs" in (paths.reports_dir / "index.html").read_text(encoding="utf-8")


def test_runs_are_scheduled_longest_first_once_durations_are_known(tmp_path):
    paths = b.Paths(work_dir=tmp_path)
    runs = [b.Run(name, "x.ipynb", {}) for name in ("a", "b", "c", "d")]
    assert b.longest_first(runs, paths) == runs  # nothing recorded yet: declared order
    results = [b.RunResult(runs[0], True, 2.0), b.RunResult(runs[1], True, 9.0), b.RunResult(runs[2], False, 30.0)]
    b.record_durations(results, paths)
    # d and c (the failed run) have no duration: they go first, then b (9 s) before a (2 s)
    assert [r.name for r in b.longest_first(runs, paths)] == ["c", "d", "b", "a"]


def test_a_build_leaves_no_event_loop_or_socket_open(tiny):
    # nbclient leaves an asyncio loop on each worker thread; the build closes it, otherwise it is
    # collected later with open sockets (ResourceWarnings scattered over unrelated tests)
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        assert build_quietly(tiny, force=True)[0] == 0
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []
