"""A per-key TTL cache whose concurrent misses share one load (single flight)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """Values kept for `ttl` seconds after they were loaded, as measured by `clock`.

    Every caller that misses on a key while a load for it is in flight awaits that same load,
    so N concurrent misses cost one load. A failed load is shared by its waiters and not
    cached: the next call tries again.

    Threads: `get`, `invalidate` and `clear` belong to one event loop, which owns the loads in
    flight. `peek` may be called from any thread, so a fresh value can be served without a hop
    to that loop. This is sound because an entry is an immutable `(expires_at, value)` pair
    that the loop stores, replaces or removes whole, and readers and writers of the entry
    table take `_lock`: a reader gets an entry that was current at some instant during its
    call, never a torn one, whatever the interpreter's own guarantees about dicts.
    """

    def __init__(
        self, ttl: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        # Guards _values, each time only for the length of one dict access.
        self._lock = threading.Lock()
        self._values: dict[K, tuple[float, V]] = {}  # key -> (expires_at, value)
        self._loading: dict[K, asyncio.Task[V]] = {}  # the loop's own; no lock

    def peek(self, key: K) -> V | None:
        """The fresh value for `key`, or None; from any thread, never loading, never waiting
        on the loop. (A cached None is indistinguishable from a miss: cache no None.)"""
        entry = self._fresh_entry(key)
        return None if entry is None else entry[1]

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The fresh value for `key`, loading it with `load` on a miss."""
        entry = self._fresh_entry(key)
        if entry is not None:
            return entry[1]
        task = self._loading.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(key, load))
            task.add_done_callback(_retrieve_exception)
            self._loading[key] = task
        # One waiter giving up (a caller's timeout) must not cancel the load the others share.
        return await asyncio.shield(task)

    def invalidate(self, key: K) -> None:
        """Forget `key`; a load already in flight still answers its waiters but is not kept."""
        with self._lock:
            self._values.pop(key, None)
        self._loading.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
        self._loading.clear()

    def _fresh_entry(self, key: K) -> tuple[float, V] | None:
        with self._lock:
            entry = self._values.get(key)
        # Expiry is judged by the caller's reading of the clock, after the entry was taken.
        if entry is not None and self._clock() < entry[0]:
            return entry
        return None

    async def _load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        this = asyncio.current_task()
        try:
            value = await load()
        finally:
            still_current = self._loading.get(key) is this
            if still_current:
                del self._loading[key]
        if still_current:
            entry = (self._clock() + self._ttl, value)
            with self._lock:
                self._values[key] = entry
        return value


def _retrieve_exception(task: asyncio.Task[object]) -> None:
    # A load whose waiters all gave up would otherwise log "exception was never retrieved".
    if not task.cancelled():
        task.exception()
