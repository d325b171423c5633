"""A dedicated event loop on a daemon thread, for hosts that call the provider synchronously.

Hosts such as Hermes call memory providers from plain threads, sometimes from inside their own
running event loop. Running our coroutines on a loop we own means a synchronous call never
needs, nor blocks, the caller's loop; and one loop keeps the pool and the cache on one thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

logger = logging.getLogger(__name__)


class LoopClosedError(RuntimeError):
    """The loop was shut down: nothing more runs on it."""


class BackgroundLoop:
    """An event loop running on its own daemon thread until `shutdown()`."""

    def __init__(self, name: str = "isokron-loop") -> None:
        self._loop = asyncio.new_event_loop()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=name, daemon=True
        )
        self._thread.start()

    @property
    def is_running(self) -> bool:
        return self._thread.is_alive() and not self._closed

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start `coro` on the loop; its future, to wait on from another thread (or not)."""
        with self._lock:
            if self._closed:
                coro.close()
                raise LoopClosedError("the background loop has been shut down")
            return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def submit_and_wait(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coro` on the loop and wait for its result, at most `timeout` seconds.

        On timeout the coroutine is cancelled and `TimeoutError` is raised.
        """
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError(
                "submit_and_wait called from the loop's own thread would deadlock"
            )
        future = self.submit(coro)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise TimeoutError(f"did not finish within {timeout:g} s") from None

    def shutdown(self, timeout: float = 5.0) -> None:
        """Cancel what is still running, stop the loop, join the thread and close the loop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        drained = asyncio.run_coroutine_threadsafe(
            _cancel_remaining_tasks(), self._loop
        )
        try:
            drained.result(timeout)
        except TimeoutError:
            logger.warning(
                "background loop: tasks still running after %g s; stopping", timeout
            )
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.warning("background loop: thread did not stop within %g s", timeout)
            return
        self._loop.close()


async def _cancel_remaining_tasks() -> None:
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()
