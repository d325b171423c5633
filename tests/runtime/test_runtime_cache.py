"""TTLCache: expiry by an injected clock, single flight, failures, invalidation."""

from __future__ import annotations

import asyncio
import threading

import pytest

from runtime.cache import TTLCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingLoader:
    """Loads `value-N` for the Nth call, after an optional gate opens."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail_with: Exception | None = None

    async def __call__(self) -> str:
        self.calls += 1
        call = self.calls
        await self.gate.wait()
        if self.fail_with is not None:
            raise self.fail_with
        return f"value-{call}"


def test_value_is_kept_for_ttl_seconds_of_the_clock() -> None:
    async def main() -> None:
        clock, load = FakeClock(), CountingLoader()
        cache: TTLCache[str, str] = TTLCache(60, clock=clock)
        assert await cache.get("ws", load) == "value-1"
        clock.now += 59.9
        assert await cache.get("ws", load) == "value-1"
        clock.now += 0.1
        assert await cache.get("ws", load) == "value-2"
        assert load.calls == 2

    asyncio.run(main())


def test_keys_are_independent() -> None:
    async def main() -> None:
        load = CountingLoader()
        cache: TTLCache[str, str] = TTLCache(60, clock=FakeClock())
        assert await cache.get("a", load) == "value-1"
        assert await cache.get("b", load) == "value-2"
        assert await cache.get("a", load) == "value-1"

    asyncio.run(main())


def test_concurrent_misses_share_one_load() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.gate.clear()
        cache: TTLCache[str, str] = TTLCache(60, clock=FakeClock())
        waiters = [asyncio.create_task(cache.get("ws", load)) for _ in range(100)]
        await asyncio.sleep(0.01)
        load.gate.set()
        assert set(await asyncio.gather(*waiters)) == {"value-1"}
        assert load.calls == 1

    asyncio.run(main())


def test_a_failed_load_reaches_every_waiter_and_is_not_cached() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.gate.clear()
        load.fail_with = RuntimeError("database down")
        cache: TTLCache[str, str] = TTLCache(60, clock=FakeClock())
        waiters = [asyncio.create_task(cache.get("ws", load)) for _ in range(10)]
        await asyncio.sleep(0.01)
        load.gate.set()
        results = await asyncio.gather(*waiters, return_exceptions=True)
        assert all(isinstance(r, RuntimeError) for r in results)
        assert load.calls == 1
        load.fail_with = None
        assert await cache.get("ws", load) == "value-2"

    asyncio.run(main())


def test_one_cancelled_waiter_does_not_cancel_the_shared_load() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.gate.clear()
        cache: TTLCache[str, str] = TTLCache(60, clock=FakeClock())
        impatient = asyncio.create_task(cache.get("ws", load))
        patient = asyncio.create_task(cache.get("ws", load))
        await asyncio.sleep(0.01)
        impatient.cancel()
        load.gate.set()
        assert await patient == "value-1"
        with pytest.raises(asyncio.CancelledError):
            await impatient
        assert load.calls == 1

    asyncio.run(main())


def test_invalidate_forces_a_reload() -> None:
    async def main() -> None:
        load = CountingLoader()
        cache: TTLCache[str, str] = TTLCache(60, clock=FakeClock())
        await cache.get("ws", load)
        cache.invalidate("ws")
        assert await cache.get("ws", load) == "value-2"

    asyncio.run(main())


def test_a_load_in_flight_when_invalidated_is_not_kept() -> None:
    async def main() -> None:
        load = CountingLoader()
        load.gate.clear()
        cache: TTLCache[str, str] = TTLCache(60, clock=FakeClock())
        before = asyncio.create_task(cache.get("ws", load))
        await asyncio.sleep(0.01)
        cache.invalidate("ws")  # e.g. the charter changed while it was being read
        load.gate.set()
        assert await before == "value-1"
        assert await cache.get("ws", load) == "value-2"

    asyncio.run(main())


# -- peek: the fresh value from any thread, without the loop ------------------------------


def test_peek_serves_only_fresh_values_by_the_same_clock_and_never_loads() -> None:
    clock, load = FakeClock(), CountingLoader()
    cache: TTLCache[str, str] = TTLCache(60, clock=clock)
    assert cache.peek("ws") is None  # a miss does not load
    assert asyncio.run(cache.get("ws", load)) == "value-1"
    clock.now += 59.9
    assert cache.peek("ws") == "value-1"
    clock.now += 0.1  # expired at exactly ttl, as for get()
    assert cache.peek("ws") is None
    assert load.calls == 1
    assert asyncio.run(cache.get("ws", load)) == "value-2"
    assert cache.peek("ws") == "value-2"
    cache.invalidate("ws")
    assert cache.peek("ws") is None
    assert cache.peek("other") is None
    assert load.calls == 2


def test_peek_from_other_threads_during_reloads_is_never_stale_or_torn() -> None:
    """Reader threads peek while the loop thread expires, reloads and invalidates the entry.

    The clock moves only between loads, so a value loaded at clock time t expires at t + ttl.
    A reader that read the clock as c before peeking and got value t must have c < t + ttl:
    the cache never serves a value that was already expired when the call began.
    """
    ttl = 10.0
    clock = FakeClock()
    cache: TTLCache[str, float] = TTLCache(ttl, clock=clock)
    stop = threading.Event()
    served: list[list[tuple[float, float]]] = [[] for _ in range(4)]  # one per reader
    errors: list[str] = []

    async def load() -> float:
        await asyncio.sleep(0)  # a real suspension, as a database read has
        return clock.now  # the load time is the value

    def reader(mine: list[tuple[float, float]]) -> None:
        while not stop.is_set():
            before = clock()
            value = cache.peek("ws")
            if value is None:
                continue
            if not isinstance(value, float):
                errors.append(f"torn or foreign value {value!r}")
            mine.append((before, value))  # (clock before the peek, value served)

    async def writer() -> None:
        for step in range(2000):
            await cache.get("ws", load)
            if step % 7 == 0:
                cache.invalidate("ws")
            else:
                clock.now += ttl / 3  # every third step expires the entry
            if step % 50 == 0:
                await asyncio.sleep(0.001)  # let the readers run

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
    peeks = [peek for mine in served for peek in mine]
    assert len({value for _, value in peeks}) > 10, "the readers saw too few loads"
    stale = [(before, value) for before, value in peeks if before >= value + ttl]
    assert stale == []
