"""FailureCache: expiry by an injected clock, single flight, failures kept with jittered
backoff, stale values bridging outages, background retries, bounded size."""

from __future__ import annotations

import asyncio
import math
import random
import threading

import pytest

from runtime.cache import CachePolicy, Entry, FailureCache
from runtime.errors import (
    DatabaseUnavailableError,
    IsoKronError,
    NoActiveRoleCharterError,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingLoader:
    """Loads `key-N` for the Nth call, after an optional gate opens."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail_with: Exception | None = None

    async def __call__(self, key: str) -> str:
        self.calls += 1
        call = self.calls
        await self.gate.wait()
        if self.fail_with is not None:
            raise self.fail_with
        return f"{key}-{call}"


def make(
    load: CountingLoader, clock: FakeClock, **policy: float
) -> FailureCache[str, str]:
    return FailureCache(load, CachePolicy(**policy), clock=clock, rng=random.Random(7))  # type: ignore[arg-type]


async def value(cache: FailureCache[str, str], key: str) -> str | None:
    entry = await cache.load(key)
    return entry.value


def test_value_is_fresh_for_ttl_seconds_of_the_clock() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache = make(load, clock, ttl=60)
        assert await value(cache, "ws") == "ws-1"
        clock.now += 59.9
        entry = cache.lookup("ws")
        assert entry is not None and entry.is_fresh(clock.now)
        clock.now += 0.1
        assert not entry.is_fresh(clock.now)
        assert await value(cache, "ws") == "ws-2"
        assert load.calls == 2

    asyncio.run(main())


def test_concurrent_loads_share_one() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.gate.clear()
        cache = make(load, FakeClock())
        waiters = [asyncio.create_task(value(cache, "ws")) for _ in range(100)]
        await asyncio.sleep(0.01)
        load.gate.set()
        assert set(await asyncio.gather(*waiters)) == {"ws-1"}
        assert load.calls == 1

    asyncio.run(main())


def test_a_miss_reaching_the_loop_after_the_shared_load_ended_is_served_by_it() -> None:
    """Two turns miss together; the second's request reaches the loop only once the
    first's load has stored its entry. It gets that entry: one read, not two."""

    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache = make(load, clock, ttl=60)
        first_seen, second_seen = cache.lookup("ws"), cache.lookup("ws")
        assert first_seen is None and second_seen is None
        first = await cache.load("ws", first_seen)
        second = await cache.load("ws", second_seen)
        assert second is first and second.value == "ws-1" and load.calls == 1
        # What the caller saw itself is no answer: an expired entry is loaded again.
        clock.now += 60
        expired = cache.lookup("ws")
        assert expired is first
        assert (await cache.load("ws", expired)).value == "ws-2" and load.calls == 2

    asyncio.run(main())


def test_an_entry_marked_overdue_before_its_load_started_is_no_answer() -> None:
    """A turn asks for a load, gives up at once and marks the entry overdue, all before
    the loop starts the load: the load must still run, or the entry stays overdue (no
    retry before infinity) and the key is never read again."""

    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        load.fail_with = DatabaseUnavailableError("down")
        cache = make(load, clock, backoff_base=1, backoff_max=1)
        failed = await cache.load("ws")
        clock.now = failed.retry_at
        seen = cache.lookup("ws")
        assert seen is failed and not seen.in_backoff(clock.now)
        overdue = cache.mark_overdue("ws", seen, DatabaseUnavailableError("no answer"))
        assert overdue.retry_at == math.inf
        load.fail_with = None
        entry = await cache.load("ws", seen)
        assert entry.value == "ws-2" and load.calls == 2

    asyncio.run(main())


def test_one_cancelled_waiter_does_not_cancel_the_shared_load() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.gate.clear()
        cache = make(load, FakeClock())
        impatient = asyncio.create_task(cache.load("ws"))
        patient = asyncio.create_task(cache.load("ws"))
        await asyncio.sleep(0.01)
        impatient.cancel()
        load.gate.set()
        assert (await patient).value == "ws-1"
        with pytest.raises(asyncio.CancelledError):
            await impatient
        assert load.calls == 1

    asyncio.run(main())


def test_a_failure_is_kept_for_a_jittered_backoff_that_grows() -> None:
    """Not raised: returned in the entry, detached, and no load runs before `retry_at`."""

    async def main() -> list[float]:
        clock, load = FakeClock(), CountingLoader()
        load.fail_with = NoActiveRoleCharterError("no charter")
        cache = make(load, clock, backoff_base=1, backoff_max=8)
        delays = []
        for _ in range(6):
            entry = await cache.load("ws")
            assert isinstance(entry.error, NoActiveRoleCharterError)
            assert entry.error.__traceback__ is None
            assert entry.value is None and entry.in_backoff(clock.now)
            delays.append(entry.retry_at - clock.now)
            clock.now = entry.retry_at
        assert load.calls == 6
        load.fail_with = None
        entry = await cache.load("ws")
        assert entry.error is None and entry.value == "ws-7" and entry.failures == 0
        return delays

    delays = asyncio.run(main())
    for n, delay in enumerate(delays):
        full = min(8.0, 2.0**n)
        assert full / 2 <= delay <= full, (n, delay)
    assert len(set(delays)) == len(delays)  # jittered, not a fixed schedule


def test_jitter_spreads_keys_that_fail_together() -> None:
    rng = random.Random(1)
    policy = CachePolicy(backoff_base=1, backoff_max=8)
    delays = [policy.backoff(3, rng) for _ in range(1000)]
    assert 2.0 <= min(delays) and max(delays) <= 4.0
    assert max(delays) - min(delays) > 1.5


def test_an_outage_keeps_the_last_good_value_servable_for_max_stale() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache = make(load, clock, ttl=60, max_stale=300)
        await cache.load("ws")
        clock.now += 100  # expired
        load.fail_with = DatabaseUnavailableError("down")
        entry = await cache.load("ws")
        assert isinstance(entry.error, DatabaseUnavailableError)
        assert entry.servable(clock.now) == "ws-1"
        clock.now = 1000 + 60 + 300 - 0.01
        assert entry.servable(clock.now) == "ws-1"
        clock.now += 0.01  # ttl + max_stale after the load: never older than that
        assert entry.servable(clock.now) is None

    asyncio.run(main())


def test_a_data_failure_is_never_bridged_with_an_older_value() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache = make(load, clock, ttl=60, max_stale=300)
        await cache.load("ws")
        clock.now += 61
        load.fail_with = NoActiveRoleCharterError("the charter was deactivated")
        entry = await cache.load("ws")
        assert entry.value is None and entry.servable(clock.now) is None

    asyncio.run(main())


def test_an_outage_is_retried_in_the_background_until_it_ends() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.fail_with = DatabaseUnavailableError("down")
        cache = FailureCache(
            load,  # type: ignore[arg-type]
            CachePolicy(backoff_base=0.02, backoff_max=0.05),
        )
        entry = await cache.load("ws")
        assert entry.error is not None
        for _ in range(100):  # the caller keeps asking (a turn each 10 ms)
            await asyncio.sleep(0.01)
            cache.lookup("ws")
            if load.calls >= 4:
                break
        assert load.calls >= 4  # retried with nobody waiting on it
        load.fail_with = None
        for _ in range(100):
            await asyncio.sleep(0.01)
            cache.lookup("ws")
            entry = cache.lookup("ws")  # type: ignore[assignment]
            if entry is not None and entry.error is None:
                break
        assert entry is not None and entry.error is None and entry.value is not None
        calls = load.calls
        await asyncio.sleep(0.2)
        assert load.calls == calls  # healthy: no more background loads

    asyncio.run(main())


def test_nobody_asking_stops_the_retries() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.fail_with = DatabaseUnavailableError("down")
        cache = FailureCache(
            load,  # type: ignore[arg-type]
            CachePolicy(backoff_base=0.01, backoff_max=0.01),
        )
        await cache.load("ws")
        await asyncio.sleep(0.3)
        assert load.calls == 2  # the one retry after the load asked for, then none

    asyncio.run(main())


def test_mark_overdue_answers_from_the_entry_until_the_load_ends() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache = make(load, clock, ttl=60, max_stale=300)
        await cache.load("ws")
        clock.now += 61
        load.gate.clear()
        pending = asyncio.create_task(cache.load("ws"))
        await asyncio.sleep(0)
        seen = cache.lookup("ws")
        error = DatabaseUnavailableError("no answer within the turn deadline")
        overdue = cache.mark_overdue("ws", seen, error)
        assert overdue.in_backoff(clock.now + 1e6)  # until the load ends, however long
        assert overdue.servable(clock.now) == "ws-1"
        assert cache.mark_overdue("ws", seen, error) is overdue  # no longer `seen`
        load.gate.set()
        assert (await pending).value == "ws-2"
        assert cache.lookup("ws") is not overdue

    asyncio.run(main())


def test_a_load_in_flight_when_invalidated_is_not_kept() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.gate.clear()
        cache = make(load, FakeClock())
        before = asyncio.create_task(cache.load("ws"))
        await asyncio.sleep(0.01)
        cache.invalidate("ws")  # e.g. the charter changed while it was being read
        load.gate.set()
        assert (await before).value == "ws-1"
        assert cache.lookup("ws") is None
        assert await value(cache, "ws") == "ws-2"

    asyncio.run(main())


def test_a_defect_in_the_loader_is_still_an_isokron_error() -> None:
    async def main() -> Entry[str]:
        load = CountingLoader()
        load.fail_with = KeyError("bug")
        return await make(load, FakeClock()).load("ws")

    entry = asyncio.run(main())
    assert type(entry.error) is IsoKronError
    assert isinstance(entry.error.__cause__, KeyError)


# -- bounded ---------------------------------------------------------------------------


def test_at_most_max_entries_least_recently_used_first() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache = make(load, clock, max_entries=100)
        for i in range(100):
            await cache.load(f"k{i}")
        cache.lookup("k0")  # used: survives
        for i in range(100, 150):
            await cache.load(f"k{i}")
        assert len(cache) == 100
        assert cache.lookup("k0") is not None
        assert cache.lookup("k1") is None and cache.lookup("k50") is None
        assert cache.lookup("k51") is not None and cache.lookup("k149") is not None

    asyncio.run(main())


def test_values_weigh_at_most_max_weight_in_all() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache: FailureCache[str, str] = FailureCache(
            load,  # type: ignore[arg-type]
            CachePolicy(max_entries=1000, max_weight=100),
            clock=clock,
            weigh=lambda value: 6,
        )
        for i in range(100):
            await cache.load(f"k{i:03}")
            assert cache.weight <= 100
        assert len(cache) == 100 // 6 and cache.weight == 6 * (100 // 6)
        assert cache.lookup("k099") is not None and cache.lookup("k000") is None
        cache.invalidate("k099")
        assert cache.weight == 6 * (100 // 6 - 1)
        load.fail_with = DatabaseUnavailableError("down")
        clock.now += 100
        entry = await cache.load("k098")  # the outage keeps the value, and its weight
        assert entry.value == "k098-99" and cache.weight == 6 * (100 // 6 - 1)

    asyncio.run(main())


def test_expired_entries_are_swept_out() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache = make(load, clock, ttl=10, max_stale=5, max_entries=1000)
        for i in range(500):
            await cache.load(f"old{i}")
        clock.now += 15  # every one of them past ttl + max_stale
        for i in range(250):  # a sweep runs every max_entries // 4 stores
            await cache.load(f"new{i}")
        assert len(cache) == 250
        assert cache.lookup("old0") is None

    asyncio.run(main())


def test_20_000_keys_stay_within_the_bound() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        load.fail_with = NoActiveRoleCharterError("unknown workspace")
        cache = make(load, clock, max_entries=1024)
        for i in range(20_000):
            await cache.load(f"ws{i}")
            if i % 1000 == 0:
                assert len(cache) <= 1024
        assert len(cache) == 1024

    asyncio.run(main())


# -- lookup from other threads -------------------------------------------------------------


def test_lookup_from_other_threads_during_reloads_is_never_stale_or_torn() -> None:
    """Reader threads look up while the loop thread expires, reloads and invalidates.

    The clock moves only between loads, so a value loaded at clock time t is fresh until
    t + ttl. A reader that read the clock as c before looking up and found a fresh value
    loaded at t must have c < t + ttl.
    """
    ttl = 10.0
    clock = FakeClock()

    async def load(key: str) -> float:
        await asyncio.sleep(0)  # a real suspension, as a database read has
        return clock.now  # the load time is the value

    cache: FailureCache[str, float] = FailureCache(
        load, CachePolicy(ttl=ttl), clock=clock
    )
    stop = threading.Event()
    served: list[list[tuple[float, float]]] = [[] for _ in range(4)]
    errors: list[str] = []

    def reader(mine: list[tuple[float, float]]) -> None:
        while not stop.is_set():
            before = clock()
            entry = cache.lookup("ws")
            if entry is None or not entry.is_fresh(before):
                continue
            if not isinstance(entry.value, float):
                errors.append(f"torn or foreign value {entry.value!r}")
            else:
                mine.append((before, entry.value))

    async def writer() -> None:
        for step in range(2000):
            await cache.load("ws")
            if step % 7 == 0:
                cache.invalidate("ws")
            else:
                clock.now += ttl / 3
            if step % 50 == 0:
                await asyncio.sleep(0.001)

    readers = [threading.Thread(target=reader, args=(mine,)) for mine in served]
    for thread in readers:
        thread.start()
    try:
        asyncio.run(writer())
    finally:
        stop.set()
        for thread in readers:
            thread.join(5)
    assert errors == []
    found = [pair for mine in served for pair in mine]
    assert len({v for _, v in found}) > 10, "the readers saw too few loads"
    assert [(b, v) for b, v in found if b >= v + ttl] == []
    assert math.isfinite(clock.now)
