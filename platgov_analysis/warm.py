"""The kernel side of the build's warm kernels: the heavy libraries imported once per kernel,
and, before each run, the kernel brought back to the state it had just after that warm-up.

What a run can leave behind, and what :func:`prepare` does about it: the user namespace,
history, ``Out`` and the execution counter (IPython's reset, counter back to 1); open figures
(closed); ``platgov_analysis`` modules and their module-level state (dropped, so the next run
imports them afresh and the recording sees which); matplotlib's rc settings, warning filters
and the warnings already shown, environment variables, ``sys.path``, pandas options (restored
from the snapshot); the working directory (the next run's folder). Libraries a run imported
beyond the preloaded ones stay imported: re-importing compiled extensions is not safe. The
build's test compares every run against a fresh kernel, byte for byte.
"""
from __future__ import annotations

import copy
import gc
import importlib
import os
import sys
import warnings

PRELOAD = ("numpy", "pandas", "scipy.stats", "matplotlib.pyplot", "seaborn", "networkx", "PIL.Image",
           "IPython.display")
PACKAGE = __name__.rpartition(".")[0]
KEEP = {f"{PACKAGE}.recording", __name__}  # their state is this kernel's, not a run's
_snapshot: dict = {}


def warm() -> None:
    """Import the heavy libraries and remember the state a run must start from."""
    for name in PRELOAD:
        importlib.import_module(name)
    import matplotlib
    from pandas._config import config

    _snapshot.update(rc=copy.deepcopy(dict(matplotlib.rcParams)), filters=list(warnings.filters),
                     environ=dict(os.environ), path=list(sys.path), pandas=copy.deepcopy(config._global_config))
    # what the warm-up made lives as long as the kernel: the full collection in IPython's reset
    # before every run (and the collector during runs) need not walk it again, ~70 ms a run
    gc.freeze()


def prepare(out_dir: str, record: str, data_dir: str) -> None:
    """Reset what the previous run changed (see the module's docstring); start the recording."""
    import random

    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    from IPython import get_ipython
    from pandas._config import config

    plt.close("all")
    get_ipython().reset(new_session=True)
    for name in [m for m in sys.modules if (m == PACKAGE or m.startswith(PACKAGE + ".")) and m not in KEEP]:
        del sys.modules[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated rc keys warn when set, even to their value
        matplotlib.rcParams.update(_snapshot["rc"])
    warnings.filters[:] = _snapshot["filters"]
    warnings.onceregistry.clear()
    warnings._filters_mutated()  # every module's record of warnings already shown is void
    os.environ.clear()
    os.environ.update(_snapshot["environ"])
    sys.path[:] = _snapshot["path"]
    config._global_config.clear()
    config._global_config.update(copy.deepcopy(_snapshot["pandas"]))
    random.seed()
    np.random.seed()
    os.chdir(out_dir)
    sys.modules[f"{PACKAGE}.recording"].start(record, data_dir)
