"""BackgroundLoop: the synchronous facade over a loop on a daemon thread."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from runtime.background import BackgroundLoop


@pytest.fixture
def loop() -> Iterator[BackgroundLoop]:
    background = BackgroundLoop()
    yield background
    background.shutdown()


def test_runs_on_its_own_daemon_thread(loop: BackgroundLoop) -> None:
    async def where() -> threading.Thread:
        return threading.current_thread()

    thread = loop.submit_and_wait(where(), timeout=1)
    assert thread is not threading.current_thread()
    assert thread.daemon


def test_result_and_exception_come_back_to_the_caller(loop: BackgroundLoop) -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def fail() -> None:
        raise LookupError("no such thing")

    assert loop.submit_and_wait(answer(), timeout=1) == 42
    with pytest.raises(LookupError, match="no such thing"):
        loop.submit_and_wait(fail(), timeout=1)


def test_timeout_raises_in_time_and_cancels_the_coroutine(loop: BackgroundLoop) -> None:
    cancelled = threading.Event()

    async def hang() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"within 0\.2 s"):
        loop.submit_and_wait(hang(), timeout=0.2)
    assert time.monotonic() - started < 0.5
    assert cancelled.wait(1)


def test_many_threads_share_the_loop(loop: BackgroundLoop) -> None:
    async def slow(i: int) -> int:
        await asyncio.sleep(0.1)
        return i

    started = time.monotonic()
    with ThreadPoolExecutor(20) as pool:
        results = list(
            pool.map(lambda i: loop.submit_and_wait(slow(i), timeout=2), range(20))
        )
    assert results == list(range(20))
    assert time.monotonic() - started < 1.0  # concurrently, not 20 x 0.1 s


def test_calling_from_the_loop_thread_is_refused_not_a_deadlock(
    loop: BackgroundLoop,
) -> None:
    async def reenter() -> None:
        async def inner() -> None:
            return None

        loop.submit_and_wait(inner(), timeout=1)

    with pytest.raises(RuntimeError, match="deadlock"):
        loop.submit_and_wait(reenter(), timeout=1)


def test_shutdown_cancels_pending_work_stops_the_thread_and_refuses_more() -> None:
    threads_before = set(threading.enumerate())
    background = BackgroundLoop()
    [loop_thread] = set(threading.enumerate()) - threads_before
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def spawn() -> None:
        asyncio.get_running_loop().create_task(forever())
        await asyncio.sleep(0)

    background.submit_and_wait(spawn(), timeout=1)
    assert loop_thread.is_alive()
    started = time.monotonic()
    background.shutdown()
    assert time.monotonic() - started < 1.0
    assert cancelled.is_set()
    assert not background.is_running
    assert not loop_thread.is_alive()

    async def late() -> None:
        return None

    with pytest.raises(RuntimeError, match="shut down"):
        background.submit_and_wait(late(), timeout=1)
    background.shutdown()  # idempotent
