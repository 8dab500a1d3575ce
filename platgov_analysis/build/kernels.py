"""The papermill engine the build executes runs with."""
from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import shutil
import tempfile
import threading

from .paths import crash_point

_SOCKETS: list[str] = []  # the folder of this process's kernel sockets, made on first use
_SOCKETS_MADE = threading.Lock()
_NUMBER = itertools.count()
ENGINE = "platgov"


def register_engine() -> None:
    """Register the engine ``platgov``: nbclient's, kernels on IPC sockets, each with the
    environment variables ``kernel_env`` adds."""
    import papermill.engines as engines
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.utils import remove_args

    class Client(PapermillNotebookClient):
        def create_kernel_manager(self):
            """The kernel talks over IPC sockets of a path no other kernel uses: no TCP port
            picked free and bound a moment later (a race between parallel launches)."""
            manager = super().create_kernel_manager()
            manager.transport, manager.ip = "ipc", ipc_path()
            return manager

        async def async_start_new_kernel_client(self):
            try:
                return await super().async_start_new_kernel_client()
            finally:
                crash_point("kernel")

        # papermill calls the synchronous wrapper, which nbclient binds to its own async
        # method when its class is made: rebound here, or the one above is never called
        start_new_kernel_client = run_sync(async_start_new_kernel_client)

    class Engine(engines.NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            env = {**os.environ, **kwargs.pop("kernel_env", {})}
            return Client(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                          kernel_name=kernel_name, log=engines.logger, log_output=log_output,
                          stdout_file=stdout_file, stderr_file=stderr_file, **kwargs).execute(env=env)

    engines.papermill_engines.register(ENGINE, Engine)


def ipc_path() -> str:
    """A socket path prefix of its own for one kernel, in a folder removed when the build exits
    (short: a socket path has at most 107 bytes)."""
    with _SOCKETS_MADE:
        if not _SOCKETS:
            _SOCKETS.append(tempfile.mkdtemp(prefix="platgov-"))
            atexit.register(shutil.rmtree, _SOCKETS[0], True)
    return os.path.join(_SOCKETS[0], f"k{next(_NUMBER)}")


def close_thread_event_loop() -> None:
    """Close the asyncio loop nbclient leaves on this worker thread: left open, it is collected
    later with its sockets still open (ResourceWarnings). The next run on the thread gets a new one."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop was set on this thread
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
