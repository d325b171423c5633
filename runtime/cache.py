"""A bounded per-key cache that remembers failures as well as values, for the turn path.

Each key has at most one `Entry`: the last good value (if any) with how long it is fresh
and how long it may still be served stale, and the last failure (if any) with when the key
may be tried again. Loads of a key are single-flight: concurrent misses share one load.

- **Bounded.** At most `max_entries` keys, least recently used dropped first; an entry past
  every use (no longer servable, not in backoff, no load in flight) is swept out. A value
  lives and dies with its entry: nothing else holds it.
- **Failures cost nothing.** A failed load is kept for a jittered, exponentially growing
  backoff; nothing loads the key again before that. When the failure is an outage
  (`DatabaseError`), the last good value stays servable until `servable_until`, and the
  cache retries in the background, as long as someone still asks for the key, so the value
  is fresh again within one retry period of the database coming back.
- **Threads.** `lookup`, `mark_overdue`, `invalidate` and `clear` may be called from any
  thread: entries are immutable and replaced whole under `_lock`. Loads, the in-flight table
  and the retry timers belong to the one event loop that runs `load`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from runtime.errors import DatabaseError, IsoKronError
from runtime.limits import MAX_CACHED_CHARACTERS, MAX_CACHED_WORKSPACES

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class CachePolicy:
    """How long values and failures are kept. Times are in seconds of the cache's clock.

    - `ttl`: a value is fresh this long after it was loaded.
    - `max_entries`, `max_weight`: at most this many keys, and values weighing at most this
      much in all (the `weigh` of the cache, e.g. characters of text); the least recently
      used go first.
    - `max_stale`: during an outage the last good value is served at most this long past
      `ttl`; so a served value is never older than `ttl + max_stale`.
    - `backoff_base`, `backoff_max`: after the n-th failure in a row, nothing loads the key
      for `min(backoff_max, backoff_base * 2 ** (n - 1))`, times a random factor in
      [0.5, 1] so that many keys failing together do not retry together. The retry period
      is therefore at most `backoff_max` plus the time a failing load takes.
    """

    ttl: float = 60.0
    max_stale: float = 300.0
    max_entries: int = MAX_CACHED_WORKSPACES
    max_weight: int = MAX_CACHED_CHARACTERS
    backoff_base: float = 0.5
    backoff_max: float = 2.0

    def backoff(self, failures: int, rng: random.Random) -> float:
        full = min(self.backoff_max, self.backoff_base * 2.0 ** min(failures - 1, 30))
        return full * rng.uniform(0.5, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry(Generic[V]):
    """What the cache knows about one key, replaced whole on every change."""

    value: V | None = None  # the last good value, while servable
    fresh_until: float = -math.inf
    servable_until: float = -math.inf  # fresh_until + max_stale, for outages only
    error: IsoKronError | None = None  # the last failure, until a load succeeds
    retry_at: float = -math.inf  # no load before this; inf while a load is overdue
    failures: int = 0  # failed loads in a row
    stored_at: float = -math.inf
    outcome: int = 0  # which of the cache's loads stored it, counted from 1
    weight: int = 0  # of the value, by the cache's `weigh`

    def is_fresh(self, now: float) -> bool:
        return self.error is None and self.value is not None and now < self.fresh_until

    def in_backoff(self, now: float) -> bool:
        return self.error is not None and now < self.retry_at

    def servable(self, now: float) -> V | None:
        """The value, while it may still be served (fresh, or stale during an outage)."""
        if self.value is None:
            return None
        if self.error is None and now < self.fresh_until:
            return self.value
        return self.value if now < self.servable_until else None

    def expires_at(self) -> float:
        return max(self.fresh_until, self.servable_until, self.retry_at)


class _Unseen:
    """The type of `UNSEEN`: a `load` caller that did not look the key up first."""


UNSEEN = _Unseen()


class FailureCache(Generic[K, V]):
    """Values and failures per key, loaded by `loader(key)`; see the module docstring."""

    def __init__(
        self,
        loader: Callable[[K], Awaitable[V]],
        policy: CachePolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        weigh: Callable[[V], int] | None = None,
    ) -> None:
        self._loader = loader
        self._weigh = weigh
        self.policy = policy or CachePolicy()
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()  # guards _entries and _wanted
        self._entries: OrderedDict[K, Entry[V]] = OrderedDict()
        self._weight = 0  # the sum of the entries' weights
        self._wanted: dict[K, float] = {}  # key -> clock of the last lookup
        self._loading: dict[K, asyncio.Task[Entry[V]]] = {}  # the loop's own
        self._retries: dict[K, asyncio.TimerHandle] = {}  # the loop's own
        self._stores = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def weight(self) -> int:
        with self._lock:
            return self._weight

    def lookup(self, key: K) -> Entry[V] | None:
        """The key's entry, or None; from any thread, never loading. Marks it recently used."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self._wanted[key] = now
        return entry

    async def load(self, key: K, seen: Entry[V] | _Unseen | None = UNSEEN) -> Entry[V]:
        """Load the key (or join the load in flight) and return the entry it leaves.

        `seen` is the entry the caller found by `lookup` before asking (None: none). If a
        load has stored another since, that entry is the answer and nothing is read: a miss
        that reaches the loop just after the load it would have joined has ended is still
        served by that load. Without `seen`, a load always runs or is joined.

        A failure is not raised: it is in the returned entry, with the last good value when
        the failure is an outage. One waiter giving up does not cancel the shared load.
        """
        task = self._loading.get(key)
        if task is None and not isinstance(seen, _Unseen):
            with self._lock:
                current = self._entries.get(key)
            # Stored by a later load, not merely marked overdue since (`mark_overdue`).
            if current is not None and current.outcome > (seen.outcome if seen else 0):
                return current
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(key, asked=True))
            self._loading[key] = task
        return await asyncio.shield(task)

    def is_loading(self, key: K) -> bool:
        """Whether a load of `key` is in flight; on the loop only."""
        return key in self._loading

    def mark_overdue(
        self, key: K, seen: Entry[V] | None, error: IsoKronError
    ) -> Entry[V]:
        """A caller gave up waiting for the load in flight: until that load ends, callers
        get `error` (or the last good value, while servable) without waiting. Nothing
        changes if the entry is no longer `seen`: the load has ended in the meantime."""
        with self._lock:
            current = self._entries.get(key)
            if current is not seen:
                return current if current is not None else Entry(error=error)
            base: Entry[V] = seen if seen is not None else Entry()
            overdue = replace(
                base,
                error=error.detached(),
                retry_at=math.inf,
                servable_until=self._stale_limit(base),
            )
            self._put(key, overdue)
            self._evict_over_capacity()
            return overdue

    def invalidate(self, key: K) -> None:
        """Forget `key`; a load already in flight still answers its waiters but is not kept."""
        with self._lock:
            self._drop(key)
        self._loading.pop(key, None)
        handle = self._retries.pop(key, None)
        if handle is not None:
            handle.cancel()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._wanted.clear()
            self._weight = 0
        self._loading.clear()
        for handle in self._retries.values():
            handle.cancel()
        self._retries.clear()

    # -- on the loop ---------------------------------------------------------------------

    async def _load(self, key: K, *, asked: bool) -> Entry[V]:
        """`asked`: a caller wants the key now, not only a background retry."""
        this = asyncio.current_task()
        outcome: V | IsoKronError
        try:
            outcome = await self._loader(key)
        except IsoKronError as exc:
            outcome = exc.detached()
        except Exception as exc:  # a defect, still reported through the contract
            error = IsoKronError(f"loading {key!r} failed: {type(exc).__name__}: {exc}")
            error.__cause__ = exc.with_traceback(None)
            outcome = error
        finally:
            still_current = self._loading.get(key) is this
            if still_current:
                del self._loading[key]
        if not still_current:  # invalidated meanwhile: answer the waiters, keep nothing
            return _entry_for(outcome, self._clock(), self.policy)
        return self._store(key, outcome, asked=asked)

    def _store(self, key: K, outcome: V | IsoKronError, *, asked: bool) -> Entry[V]:
        now = self._clock()
        with self._lock:
            previous = self._entries.get(key)
            if isinstance(outcome, IsoKronError):
                failures = (previous.failures if previous else 0) + 1
                entry: Entry[V] = Entry(
                    error=outcome,
                    retry_at=now + self.policy.backoff(failures, self._rng),
                    failures=failures,
                )
                if isinstance(outcome, DatabaseError) and previous is not None:
                    # An outage: the last good value stays servable, for a bounded time.
                    entry = replace(
                        entry,
                        value=previous.value,
                        weight=previous.weight,
                        fresh_until=previous.fresh_until,
                        servable_until=self._stale_limit(previous),
                    )
            else:
                entry = _entry_for(outcome, now, self.policy)
                if self._weigh is not None:
                    entry = replace(entry, weight=self._weigh(outcome))
            self._stores += 1
            entry = replace(entry, stored_at=now, outcome=self._stores)
            self._put(key, entry)
            # Asked for since the previous outcome was stored (a turn that found it), or now.
            since = previous.stored_at if previous is not None else math.inf
            wanted = asked or self._wanted.get(key, -math.inf) >= since
            self._evict_over_capacity()
            if self._stores % max(1, self.policy.max_entries // 4) == 0:
                self._sweep(now)
        if isinstance(outcome, DatabaseError) and wanted:
            self._schedule_retry(key, entry.retry_at - now)
        return entry

    def _stale_limit(self, entry: Entry[V]) -> float:
        if entry.value is None:
            return -math.inf
        return max(entry.servable_until, entry.fresh_until + self.policy.max_stale)

    def _schedule_retry(self, key: K, delay: float) -> None:
        loop = asyncio.get_running_loop()
        old = self._retries.pop(key, None)
        if old is not None:
            old.cancel()
        self._retries[key] = loop.call_later(max(0.0, delay), self._retry, key)

    def _retry(self, key: K) -> None:
        """Retry an outage in the background, if someone asked for the key since the last
        attempt began (else the entry simply expires)."""
        self._retries.pop(key, None)
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry.error is None or key in self._loading:
            return
        task = asyncio.get_running_loop().create_task(self._load(key, asked=False))
        self._loading[key] = task

    def _put(self, key: K, entry: Entry[V]) -> None:
        # Called with _lock held: the entry becomes the most recently used.
        old = self._entries.get(key)
        self._weight += entry.weight - (old.weight if old is not None else 0)
        self._entries[key] = entry
        self._entries.move_to_end(key)

    def _drop(self, key: K) -> None:
        # Called with _lock held.
        old = self._entries.pop(key, None)
        if old is not None:
            self._weight -= old.weight
        self._wanted.pop(key, None)

    def _evict_over_capacity(self) -> None:
        # Called with _lock held. A key in flight or with a retry pending may be evicted: its
        # load then stores it anew, as the most recently used. The newest entry stays, even
        # alone over `max_weight`: what was just loaded is what the caller is waiting for.
        while len(self._entries) > 1 and (
            len(self._entries) > self.policy.max_entries
            or self._weight > self.policy.max_weight
        ):
            self._drop(next(iter(self._entries)))

    def _sweep(self, now: float) -> None:
        # Called with _lock held, on the loop.
        dead = [
            key
            for key, entry in self._entries.items()
            if now >= entry.expires_at() and key not in self._loading
        ]
        for key in dead:
            self._drop(key)


def _entry_for(outcome: V | IsoKronError, now: float, policy: CachePolicy) -> Entry[V]:
    if isinstance(outcome, IsoKronError):
        return Entry(error=outcome, retry_at=now + policy.backoff(1, random.Random()))
    return Entry(value=outcome, fresh_until=now + policy.ttl)
