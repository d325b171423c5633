"""A per-key TTL cache whose concurrent misses share one load (single flight)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """Values kept for `ttl` seconds after they were loaded, as measured by `clock`.

    Every caller that misses on a key while a load for it is in flight awaits that same load,
    so N concurrent misses cost one load. A failed load is shared by its waiters and not
    cached: the next call tries again. Use it from one event loop; it is not thread-safe.
    """

    def __init__(
        self, ttl: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._values: dict[K, tuple[float, V]] = {}  # key -> (expires_at, value)
        self._loading: dict[K, asyncio.Task[V]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The fresh value for `key`, loading it with `load` on a miss."""
        cached = self._values.get(key)
        if cached is not None and self._clock() < cached[0]:
            return cached[1]
        task = self._loading.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(key, load))
            task.add_done_callback(_retrieve_exception)
            self._loading[key] = task
        # One waiter giving up (a caller's timeout) must not cancel the load the others share.
        return await asyncio.shield(task)

    def invalidate(self, key: K) -> None:
        """Forget `key`; a load already in flight still answers its waiters but is not kept."""
        self._values.pop(key, None)
        self._loading.pop(key, None)

    def clear(self) -> None:
        self._values.clear()
        self._loading.clear()

    async def _load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        this = asyncio.current_task()
        try:
            value = await load()
        finally:
            still_current = self._loading.get(key) is this
            if still_current:
                del self._loading[key]
        if still_current:
            self._values[key] = (self._clock() + self._ttl, value)
        return value


def _retrieve_exception(task: asyncio.Task[object]) -> None:
    # A load whose waiters all gave up would otherwise log "exception was never retrieved".
    if not task.cancelled():
        task.exception()
