"""Warm kernels leak nothing from one run into the next: every run's output has the same bytes
as in a kernel of its own.

A run that changes what a kernel keeps (names, figures, rc settings, warning filters and the
warnings already shown, environment, ``sys.path``, pandas options, module state, the working
directory) followed by a run that shows all of it, in one warm kernel, against fresh kernels.
The real notebooks are compared the same way in test_build.py.
"""
from __future__ import annotations

from platgov_analysis import build as b
from tiny_project import build_quietly, write_notebook

POLLUTE = """import os, sys, warnings
import matplotlib.pyplot as plt
import pandas as pd
from platgov_analysis import labels
leaked = 1
labels.LEAKED = 1
plt.rcParams["lines.linewidth"] = 9
plt.figure()
warnings.simplefilter("ignore")
warnings.warn("shown once")
os.environ["LEAKED"] = "1"
sys.path.append("/leaked")
pd.set_option("display.max_rows", 3)
os.chdir("/")
1 + 1"""
PROBE = """import os, sys, warnings
import matplotlib.pyplot as plt
import pandas as pd
from platgov_analysis import labels
exec(compile("warnings.warn('shown once')", "probe", "exec"))  # a file name with no kernel pid in it
state = {"names": "leaked" in dir(), "module": hasattr(labels, "LEAKED"), "rc": plt.rcParams["lines.linewidth"],
         "figures": plt.get_fignums(), "environ": "LEAKED" in os.environ, "path": "/leaked" in sys.path,
         "pandas": pd.get_option("display.max_rows"), "cwd": os.path.basename(os.getcwd())}
open("state.txt", "w").write(repr(state))
state"""
RUNS = "runs:\n  - notebook: pollute.ipynb\n    output: pollute\n  - notebook: probe.ipynb\n    output: probe\n"


def test_a_warm_kernel_gives_every_run_the_bytes_of_a_fresh_kernel(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "pollute.ipynb", ["out_dir = '.'", POLLUTE])
    write_notebook(notebooks / "probe.ipynb", ["out_dir = '.'", PROBE, "from platgov_analysis import data\n"
                                                                      "data.load_tables(check=False)['studies']"])
    (notebooks / "runs.yaml").write_text(RUNS, encoding="utf-8")
    warm = b.Paths(runs_file=notebooks / "runs.yaml", reports_dir=tmp_path / "warm", work_dir=tmp_path / "warm-work")
    fresh = b.Paths(runs_file=notebooks / "runs.yaml", reports_dir=tmp_path / "fresh", work_dir=tmp_path / "fresh-work")
    code, log = build_quietly(warm, jobs=1)  # one worker: the probe runs in the kernel the pollution ran in
    assert code == 0, log
    assert log.index("ok    pollute") < log.index("start probe")
    assert build_quietly(fresh, jobs=1, warm_kernels=False)[0] == 0
    state = (fresh.reports_dir / "probe/state.txt").read_text()
    assert "'names': False" in state and "'cwd': 'probe'" in state and "'pandas': 60" in state
    for run in ("pollute", "probe"):  # the cached output: the record of what the run read included
        assert b.tree_hashes(warm.work_dir / "runs" / run) == b.tree_hashes(fresh.work_dir / "runs" / run), run


def test_a_run_that_kills_its_warm_kernel_fails_alone_and_the_next_run_gets_a_new_kernel(tmp_path):
    """The worker's kernel and its one client are made anew after a run that ended the kernel."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "crash.ipynb", ["out_dir = '.'", "import os\nos._exit(1)"])
    write_notebook(notebooks / "after.ipynb", ["out_dir = '.'", "open('after.txt', 'w').write('ran')"])
    (notebooks / "runs.yaml").write_text(
        "runs:\n  - notebook: crash.ipynb\n    output: crash\n  - notebook: after.ipynb\n    output: after\n",
        encoding="utf-8")
    paths = b.Paths(runs_file=notebooks / "runs.yaml", reports_dir=tmp_path / "reports", work_dir=tmp_path / "work")
    code, log = build_quietly(paths, jobs=1)
    assert code == 1, log
    assert "run crash failed" in log and "Traceback" not in log, log
    assert log.index("FAIL  crash") < log.index("ok    after"), log
    assert (paths.work_dir / "runs" / "after" / "after.txt").read_text() == "ran"
