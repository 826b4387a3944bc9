"""Ctrl-C during a build: the running notebooks' kernels stop at once, and Sphinx's "Interrupted!" is the last line.

While a notebook runs, nbclient (0.10, 0.11) replaces the SIGINT and SIGTERM handlers by one
that shuts its kernel down gracefully in the background. Stopped in the middle of a cell, the
kernel prints raw ``zmq.error.ZMQError`` tracebacks; the clean-up then runs twice ("Task
exception was never retrieved", or an AssertionError that Sphinx reports as a crash); and no
KeyboardInterrupt reaches Sphinx. So, as each notebook's kernel starts, this puts its own
handlers back in their place: the kernel is killed (it has nothing left to save), then

- in the main process, Ctrl-C is a KeyboardInterrupt, which Sphinx reports as "Interrupted!";
- a ``-j`` worker ignores Ctrl-C: the main process alone reacts and stops the workers with
  SIGTERM, which ends a worker as it would without nbclient, its kernel with it. (A worker that
  reported its own KeyboardInterrupt first would make Sphinx print a crash report instead.)

The next build runs the interrupted notebooks again: they never reached the cache. This can
go when nbclient lets a caller keep its signal handlers (or re-raises KeyboardInterrupt after
an immediate shutdown) and myst-nb passes that on.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib.metadata
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator

from nbclient import NotebookClient
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

_STOPS = (signal.SIGINT, signal.SIGTERM)


def kill_kernel(client: NotebookClient) -> None:
    """Kill the client's kernel (and its process group) at once; nothing if it is not running."""
    provisioner = getattr(client.km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    try:
        if getattr(provisioner, "pgid", None):
            os.killpg(provisioner.pgid, signal.SIGKILL)
        elif process is not None:
            process.kill()
    except ProcessLookupError:
        pass  # it had already stopped


def stop_handler(client: NotebookClient, in_worker: bool):
    """The SIGINT/SIGTERM handler while ``client`` runs: kill its kernel, then stop as if nbclient were not there."""

    def stop(signum: int, frame: object) -> None:
        if signum == signal.SIGINT and in_worker:
            return  # the main process handles Ctrl-C and stops this worker
        kill_kernel(client)
        if signum == signal.SIGINT:
            # The clean-up nbclient left for the exit would resume the abandoned execution, which
            # then finds its kernel dead: two more tracebacks after "Interrupted!".
            atexit.unregister(client._cleanup_kernel)
            raise KeyboardInterrupt
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    return stop


def take_signals(client: NotebookClient) -> None:
    """Replace the SIGINT and SIGTERM handlers nbclient has just given the running loop by ``stop_handler``'s."""
    handler = stop_handler(client, in_worker=multiprocessing.parent_process() is not None)
    loop = asyncio.get_running_loop()
    try:
        for stop in _STOPS:
            loop.remove_signal_handler(stop)  # else the loop would still run nbclient's on each signal
            signal.signal(stop, handler)
    except ValueError:  # not the main thread: nbclient could install none either
        pass


def _handlers_first(start_new_kernel):
    """``NotebookClient.async_start_new_kernel``, taking the signals before the kernel starts."""

    async def start_with_our_handlers(self: NotebookClient, **kwargs) -> None:
        take_signals(self)
        await start_new_kernel(self, **kwargs)

    return start_with_our_handlers


def _handlers_restored(setup_kernel):
    """``NotebookClient.async_setup_kernel``, giving SIGINT and SIGTERM back their handlers of before the notebook."""

    @contextlib.asynccontextmanager
    async def setup_restoring_handlers(self: NotebookClient, **kwargs) -> AsyncIterator[None]:
        before = {stop: signal.getsignal(stop) for stop in _STOPS}
        try:
            async with setup_kernel(self, **kwargs):
                yield
        finally:
            with contextlib.suppress(ValueError):  # not the main thread: nothing was changed
                for stop, handler in before.items():
                    signal.signal(stop, handler)

    return setup_restoring_handlers


def _worker_ignores_ctrl_c() -> None:
    """In a ``-j`` worker, just forked: Ctrl-C is the main process's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_installed = False


def install() -> None:
    """Patch nbclient once per process (see the module's docstring); ExtensionError if it changed shape."""
    global _installed
    if _installed:
        return
    start, setup = (getattr(NotebookClient, name, None) for name in ("async_start_new_kernel", "async_setup_kernel"))
    if start is None or setup is None:
        version = importlib.metadata.version("nbclient")
        raise ExtensionError(f"nbclient {version} has no NotebookClient.async_start_new_kernel or "
                             "async_setup_kernel, which _ext/rnn_site/interrupt.py wraps (written against "
                             "nbclient 0.11.0); install the locked versions, or update the patch")
    NotebookClient.async_start_new_kernel = _handlers_first(start)
    NotebookClient.async_setup_kernel = _handlers_restored(setup)
    os.register_at_fork(after_in_child=_worker_ignores_ctrl_c)
    _installed = True


def setup(app: Sphinx) -> dict[str, bool]:
    """Install the kernel-stopping signal handlers."""
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
