"""The runtime against a real PostgreSQL: the identity block from a warm cache, and the
three reads of `on_turn_start` run concurrently against the same reads one after another.

The server, schema and seed data are the runtime tests' own (tests/runtime/pg_substrate.py).
The reads are timed on localhost and again through a proxy that adds network latency: on
loopback a round trip costs CPU, not waiting, so there is little for concurrency to hide.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from bench.process import BenchError
from bench.results import Results

# Seconds the proxy holds each chunk. The event loop sleeps in whole milliseconds (epoll), so
# 1 ms is the finest delay it gives; the measured `SELECT 1` shows the round trip it makes.
ONE_WAY_DELAY = 0.001


@contextmanager
def seeded_substrate() -> Iterator[tuple[str, uuid.UUID]]:
    """(reader DSN, workspace id) on a throwaway server, started, set up and seeded by the
    runtime tests' own functions; the server is stopped and removed on leaving the block."""
    from tests.runtime import pg_substrate

    try:
        with pg_substrate.running_cluster() as cluster:
            substrate = pg_substrate.create_substrate(cluster)
            yield substrate.reader_dsn, substrate.seed_workspace()
    except pg_substrate.PostgresSetupError as error:
        raise BenchError(f"PostgreSQL: {error}") from None


@contextmanager
def delayed(dsn: str, one_way: float) -> Iterator[str]:
    """The DSN of a TCP proxy to `dsn`'s server that holds every chunk `one_way` seconds."""
    from runtime.background import BackgroundLoop

    target = urlsplit(dsn)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await asyncio.sleep(one_way)
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def accept(client: asyncio.StreamReader, reply: asyncio.StreamWriter) -> None:
        server, request = await asyncio.open_connection(target.hostname, target.port)
        await asyncio.gather(pipe(client, request), pipe(server, reply))

    loop = BackgroundLoop("bench-delay-proxy")
    try:
        proxy = loop.submit_and_wait(asyncio.start_server(accept, "127.0.0.1", 0), 5.0)
        port = proxy.sockets[0].getsockname()[1]
        yield target._replace(netloc=f"{target.username}@127.0.0.1:{port}").geturl()
    finally:
        loop.shutdown()


def interleaved(
    calls: dict[str, Callable[[], object]], *, number: int, repeat: int
) -> dict[str, float]:
    """Median seconds per call; batches of `number` calls, the callables taking turns."""
    batches: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(number):
                call()
            batches[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(found) for name, found in batches.items()}


def three_reads(dsn: str, workspace: uuid.UUID, repeat: int) -> dict[str, float]:
    """ms per call: `on_turn_start` with a cold cache, and its reads run by hand, gathered and
    one after another, on a loop thread of their own, so every variant pays the same hop;
    and one `SELECT 1` round trip on a plain connection, the unit the reads are made of."""
    import asyncpg

    from runtime.background import BackgroundLoop
    from runtime.capabilities import read_capability_row
    from runtime.database import Database
    from runtime.identity import load_identity
    from runtime.provider import IsoKronMemoryProvider
    from runtime.reads import read_active_role_charter, read_policy_registry

    # A zero TTL makes every on_turn_start run its three reads.
    provider = IsoKronMemoryProvider(
        {
            "isokron_dsn": dsn,
            "default_workspace_id": str(workspace),
            "cache_ttl_seconds": 0,
        }
    )
    loop = BackgroundLoop("bench-reads")
    database = Database(dsn, connect_timeout=5.0)
    connection = loop.submit_and_wait(asyncpg.connect(dsn), 10.0)

    async def gathered() -> None:
        pool = await database.pool()
        await load_identity(
            pool, workspace, actor_kind="kora", expected_policy_paths=None, timeout=5.0
        )

    async def one_after_another() -> None:
        pool = await database.pool()
        await read_active_role_charter(pool, workspace)
        await read_policy_registry(pool, workspace)
        read_capability_row("kora")

    calls: dict[str, Callable[[], object]] = {
        "on_turn_start": lambda: provider.on_turn_start(1, "hello"),
        "gathered": lambda: loop.submit_and_wait(gathered(), 10.0),
        "one_after_another": lambda: loop.submit_and_wait(one_after_another(), 10.0),
        "select_1": lambda: loop.submit_and_wait(connection.fetchval("SELECT 1"), 10.0),
    }
    try:
        provider.initialize("bench")
        interleaved(calls, number=3, repeat=1)  # opens the pools' connections
        times = interleaved(calls, number=20, repeat=repeat)
    finally:
        provider.shutdown()
        loop.submit_and_wait(database.close(timeout=5.0), 10.0)
        loop.submit_and_wait(connection.close(), 10.0)
        loop.shutdown()
    return {name: round(seconds * 1e3, 3) for name, seconds in times.items()}


def black_hole_turns(dsn: str, workspace: uuid.UUID) -> dict[str, float]:
    """Issue 15's outage figures, through a proxy that stops answering (accepting and never
    forwarding, a TCP black hole) from the first turn: ms for turn 1 and for the slowest of
    turns 2 to 20 (each `on_turn_start` and `system_prompt_block`), and seconds until the
    block is back once the proxy forwards again. Default settings: a 5 s read timeout."""
    from runtime.provider import IsoKronMemoryProvider
    from tests.runtime.pg_substrate import TcpProxy

    def turn(provider: IsoKronMemoryProvider, number: int) -> float:
        started = time.perf_counter()
        for call in (
            lambda: provider.on_turn_start(number, "hi"),
            provider.system_prompt_block,
        ):
            try:
                call()
            except Exception:  # the runtime's error: what a failing turn gets
                pass
        return time.perf_counter() - started

    with TcpProxy(dsn) as proxy:
        proxy.stall()
        provider = IsoKronMemoryProvider(
            {"isokron_dsn": proxy.dsn, "default_workspace_id": str(workspace)}
        )
        try:
            first = turn(provider, 1)
            later = max(turn(provider, n) for n in range(2, 21))
            proxy.resume()
            back = time.perf_counter()
            while "## §1" not in _block_or_empty(provider):
                if time.perf_counter() - back > 60:
                    raise BenchError("the block did not come back within 60 s")
                time.sleep(0.01)
            recovered = time.perf_counter() - back
        finally:
            provider.shutdown()
    return {
        "turn_1_ms": round(first * 1e3, 1),
        "turns_2_to_20_slowest_ms": round(later * 1e3, 3),
        "fresh_after_return_s": round(recovered, 2),
    }


def _block_or_empty(provider: Any) -> str:
    try:
        block: str = provider.system_prompt_block()
    except Exception:
        return ""
    return block


def runtime(results: Results, repeat: int) -> None:
    from runtime.provider import IsoKronMemoryProvider

    with seeded_substrate() as (dsn, workspace):
        config: dict[str, Any] = {
            "isokron_dsn": dsn,
            "default_workspace_id": str(workspace),
        }
        warm = IsoKronMemoryProvider(config)
        try:
            warm.initialize("bench")
            if "## §1 Identity" not in warm.system_prompt_block():  # fills the cache
                raise BenchError("system_prompt_block() rendered no identity block")
            block = interleaved(
                {"block": warm.system_prompt_block}, number=2000, repeat=repeat
            )["block"]
        finally:
            warm.shutdown()

        outage = black_hole_turns(dsn, workspace)
        reads = {"localhost": three_reads(dsn, workspace, repeat)}
        with delayed(dsn, ONE_WAY_DELAY) as slow_dsn:
            reads["delay_proxy"] = three_reads(slow_dsn, workspace, repeat)

    results.sections["runtime"] = {
        "system_prompt_block_warm_us": round(block * 1e6, 2),
        "black_hole": outage,
        "reads_ms": reads,
        "proxy_one_way_delay_ms": ONE_WAY_DELAY * 1e3,
    }
    results.target(
        "system_prompt_block_warm",
        "`system_prompt_block()` from a warm cache, per call",
        block * 1e6,
        at_most=50,
        unit="µs",
    )
    results.target(
        "black_hole_turns_2_to_20",
        "with a black-hole database, the slowest of turns 2 to 20 (issue 15: each under"
        " 50 ms)",
        outage["turns_2_to_20_slowest_ms"],
        at_most=50,
        unit="ms",
    )
    for network, ms in reads.items():
        results.target(
            f"on_turn_start_concurrent_{network}",
            f"{network.replace('_', ' ')}: the three reads one after another / "
            "`on_turn_start` running them concurrently (no number in issue 6, which asks "
            "to show the concurrency: expected faster)",
            ms["one_after_another"] / ms["on_turn_start"],
            at_least=1.0,
        )
