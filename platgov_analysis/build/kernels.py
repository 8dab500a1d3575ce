"""The papermill engine the build executes runs with, and the warm kernels it can run them in.

Every kernel talks over IPC sockets. A warm kernel is started once per build worker, imports
the heavy libraries once (``platgov_analysis.warm``) and is reset before each run it executes;
runs still go through papermill's engine API, so ``papermill`` on the command line runs every
notebook as before.
"""
from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import shutil
import tempfile
import threading
from pathlib import Path

from .paths import crash_point

_SOCKETS: list[str] = []  # the folder of this process's kernel sockets, made on first use
_SOCKETS_MADE = threading.Lock()
_NUMBER = itertools.count()
ENGINE = "platgov"
# no shutdown notices in the build log; no input history (a run's cells went to IPython's SQLite
# database, in a thread of their own: CPU the runs need, for a history nobody reads)
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]


def register_engine() -> None:
    """Register the engine ``platgov``: nbclient's, kernels on IPC sockets, each with the
    environment variables ``kernel_env`` adds; given ``warm_kernel``, the run executes in it."""
    import papermill.engines as engines
    from jupyter_core.utils import run_sync
    from nbclient.util import run_hook
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.utils import remove_args

    class Client(PapermillNotebookClient):
        reused_client = None  # a warm kernel's own client, connected and ready already

        def create_kernel_manager(self):
            """The kernel talks over IPC sockets of a path no other kernel uses: no TCP port
            picked free and bound a moment later (a race between parallel launches)."""
            manager = super().create_kernel_manager()
            manager.transport, manager.ip = "ipc", ipc_path()
            return manager

        async def async_start_new_kernel_client(self):
            """A warm kernel's client is reused: a new one would wait about a quarter of a second
            for its IOPub subscription to be heard (jupyter_client's ``wait_for_ready``)."""
            try:
                if self.reused_client is None:
                    return await super().async_start_new_kernel_client()
                self.kc = self.reused_client
                self.kc.allow_stdin = False
                await run_hook(self.on_notebook_start, notebook=self.nb)
                return self.kc
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
            warm = kwargs.pop("warm_kernel", None)
            client = Client(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                            kernel_name=kernel_name, log=engines.logger, log_output=log_output,
                            stdout_file=stdout_file, stderr_file=stderr_file,
                            km=warm.manager if warm else None, **kwargs)
            client.reused_client = warm.client if warm else None
            return client.execute(env=env)  # a warm kernel and its client stay, for the worker's next run

    engines.papermill_engines.register(ENGINE, Engine)


def ipc_path() -> str:
    """A socket path prefix of its own for one kernel, in a folder removed when the build exits
    (short: a socket path has at most 107 bytes)."""
    with _SOCKETS_MADE:
        if not _SOCKETS:
            _SOCKETS.append(tempfile.mkdtemp(prefix="platgov-"))
            atexit.register(shutil.rmtree, _SOCKETS[0], True)
    return os.path.join(_SOCKETS[0], f"k{next(_NUMBER)}")


class WarmKernel:
    """One worker's kernel: started on first use with the libraries imported, reset by
    :meth:`prepare` before each run, restarted after a run that killed it.

    One client talks to it for all its runs (the resets and the runs' cells alike): its channels
    are connected once, and each message is matched to its reply by id, so nothing of one run
    reaches the next."""

    def __init__(self, kernel_name: str, arguments: list[str]):
        self.kernel_name, self.arguments = kernel_name, arguments
        self.manager = self.client = None
        self._ready = False

    def prepare(self, out_dir: Path, record: Path, data_dir: Path) -> None:
        """A live kernel in the state of a fresh one, in ``out_dir``, recording into ``record``."""
        from jupyter_core.utils import run_sync

        run_sync(self._prepare)(str(out_dir), str(record), str(data_dir))

    def start(self) -> None:
        """Start the kernel (it imports the libraries on its own) unless it runs already; from
        the thread that will use it, as its event loop is that thread's."""
        from jupyter_core.utils import run_sync

        run_sync(self._start)()

    async def _start(self) -> None:
        from jupyter_client import AsyncKernelManager

        if self.manager is not None and not await self.manager.is_alive():
            await self._shutdown()
        if self.manager is None:
            self.manager = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc", ip=ipc_path())
            await self.manager.start_kernel(extra_arguments=[
                *self.arguments, "--IPKernelApp.exec_lines=__import__('platgov_analysis.warm').warm.warm()"])
            self.client, self._ready = self.manager.client(), False
            self.client.start_channels()
            crash_point("warm-kernel")

    async def _prepare(self, *arguments: str) -> None:
        await self._start()
        if not self._ready:  # once per kernel: it replies when its libraries are imported
            await self.client.wait_for_ready(timeout=120)
            self._ready = True
        reply = await self.client.execute_interactive(
            f"__import__('importlib').import_module('platgov_analysis.warm').prepare{arguments!r}",
            silent=True, store_history=False, timeout=120)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not be reset: {reply['content'].get('evalue')}")

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        if self.manager is not None:
            run_sync(self._shutdown)()

    async def _shutdown(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        await self.manager.shutdown_kernel(now=True)
        self.manager = self.client = None


def close_thread_event_loop() -> None:
    """Close the asyncio loop nbclient leaves on this worker thread: left open, it is collected
    later with its sockets still open (ResourceWarnings). The next run on the thread gets a new one."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop was set on this thread
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
