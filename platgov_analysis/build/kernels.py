"""The papermill engine the build executes runs with."""
from __future__ import annotations

import asyncio
import threading

from .paths import crash_point

# Kernel launches pick free TCP ports and bind them a moment later; two launches at once can
# pick the same ports. Launching one kernel at a time (until it answers) closes that race.
_KERNEL_LAUNCH = threading.Lock()
ENGINE = "platgov"


def register_engine() -> None:
    """Register the engine ``platgov``: nbclient's, launching kernels one at a time."""
    import papermill.engines as engines
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.utils import remove_args

    class Client(PapermillNotebookClient):
        async def async_start_new_kernel(self, **kwargs):
            await asyncio.to_thread(_KERNEL_LAUNCH.acquire)
            try:
                await super().async_start_new_kernel(**kwargs)
            except BaseException:
                _KERNEL_LAUNCH.release()
                raise

        async def async_start_new_kernel_client(self):
            try:
                return await super().async_start_new_kernel_client()
            finally:
                _KERNEL_LAUNCH.release()
                crash_point("kernel")

        # papermill calls the synchronous wrappers, which nbclient binds to its own async
        # methods when its class is made: rebound here, or the two above are never called
        start_new_kernel = run_sync(async_start_new_kernel)
        start_new_kernel_client = run_sync(async_start_new_kernel_client)

    class Engine(engines.NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            return Client(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                          kernel_name=kernel_name, log=engines.logger, log_output=log_output,
                          stdout_file=stdout_file, stderr_file=stderr_file, **kwargs).execute()

    engines.papermill_engines.register(ENGINE, Engine)


def close_thread_event_loop() -> None:
    """Close the asyncio loop nbclient leaves on this worker thread: left open, it is collected
    later with its sockets still open (ResourceWarnings). The next run on the thread gets a new one."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop was set on this thread
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
