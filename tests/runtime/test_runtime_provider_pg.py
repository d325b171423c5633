"""IsoKronMemoryProvider end to end: a real server, the sync facade, the cache, failures."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from runtime.background import BackgroundLoop
from runtime.errors import RoleCharterIntegrityError
from runtime.identity import IdentitySnapshot
from runtime.prompt import CLOSING_LINE, render_identity_block
from runtime.provider import IsoKronMemoryProvider, register
from tests.runtime.pg_substrate import (
    POLICIES,
    READER,
    SUPERUSER,
    Substrate,
    TcpProxy,
)
from tests.runtime.test_runtime_capabilities import KORA_GRANTED

pytestmark = pytest.mark.postgres

CHARTER_SELECT = "%FROM public.kora_role_charter%"
POLICY_SELECT = "%FROM public.kora_policy_registry%"

MakeProvider = Callable[..., IsoKronMemoryProvider]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def make_provider(substrate: Substrate) -> Iterator[MakeProvider]:
    """Providers reading as the ordinary role; each is shut down after the test."""
    made: list[IsoKronMemoryProvider] = []

    def make(
        clock: Callable[[], float] = time.monotonic, **config: Any
    ) -> IsoKronMemoryProvider:
        raw = {"isokron_dsn": substrate.reader_dsn, "read_timeout_seconds": 2, **config}
        # Not about the turn deadline (test_runtime_faults_pg.py is): a loaded machine's
        # slow first read must not fail these.
        provider = IsoKronMemoryProvider(raw, clock=clock, turn_deadline=10)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.shutdown()


def granted_lines(block: str) -> list[str]:
    after = block.split("## §5 Granted capabilities (22 of 48)\n\n", 1)[1]
    return after.split("\n\n", 1)[0].splitlines()


# -- the interface ----------------------------------------------------------------------


def test_block_for_the_workspace_the_host_names(
    make_provider: MakeProvider, workspace_id: uuid.UUID
) -> None:
    provider = make_provider(expected_policy_paths=[*POLICIES, "policy.not.seeded"])
    provider.initialize("session-1", workspace_id=str(workspace_id), platform="cli")
    block = provider.system_prompt_block()
    assert "## §1 Identity (Kora Role Charter v1.2.0)" in block
    assert "You are Kora, the coordinating agent" in block
    assert '- policy.voice.provider = "elevenlabs"' in block
    assert "- policy.not.seeded = <not seeded>" in block
    assert granted_lines(block) == [f"- {cap}" for cap in sorted(KORA_GRANTED)]
    assert block.rstrip().endswith(CLOSING_LINE)


def test_the_interface_shape(make_provider: MakeProvider) -> None:
    provider = make_provider()
    assert provider.name == "isokron"
    assert provider.is_available()
    assert provider.get_tool_schemas() == []
    assert provider.prefetch("anything", session_id="s") == ""
    assert not IsoKronMemoryProvider({}).is_available()


def test_workspace_comes_from_kwargs_then_the_configured_default(
    make_provider: MakeProvider, substrate: Substrate, caplog: pytest.LogCaptureFixture
) -> None:
    default, named = substrate.seed_workspace(), uuid.uuid4()
    substrate.add_charter(named, charter_version="9.9.9")
    provider = make_provider(default_workspace_id=str(default))
    assert "v1.2.0" in provider.system_prompt_block()
    assert "v9.9.9" in provider.system_prompt_block(workspace_id=named)
    provider.on_turn_start(1, "hello", workspace_id=str(named))
    # A workspace a call names is for that call only: the next call is not served it.
    assert "v1.2.0" in provider.system_prompt_block()

    without = make_provider()
    with caplog.at_level(logging.WARNING, logger="runtime.provider"):
        assert without.system_prompt_block() == ""
        without.on_turn_start(1, "hello")
    assert "no workspace_id" in caplog.text


def test_register_hands_the_host_a_provider(
    substrate: Substrate, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Context:
        def __init__(self) -> None:
            self.providers: list[Any] = []

        def register_memory_provider(self, provider: Any) -> None:
            self.providers.append(provider)

    monkeypatch.setenv("ISOKRON_DSN", substrate.reader_dsn)
    ctx = Context()
    register(ctx)
    register(ctx, {"isokron_dsn": "${ISOKRON_DSN}", "cache_ttl_seconds": 5})
    assert [p.name for p in ctx.providers] == ["isokron", "isokron"]
    assert all(p.config.dsn == substrate.reader_dsn for p in ctx.providers)
    assert ctx.providers[1].config.cache_ttl_seconds == 5


def test_a_tampered_charter_fails_the_block_closed(
    make_provider: MakeProvider, substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    substrate.execute(
        "UPDATE kora_role_charter SET content_md = replace(content_md, 'Kora', 'K0ra') "
        "WHERE workspace_id = %(ws)s AND is_active",
        {"ws": workspace_id},
    )
    provider = make_provider()
    with pytest.raises(RoleCharterIntegrityError):
        provider.system_prompt_block(workspace_id=workspace_id)


# -- the cache --------------------------------------------------------------------------


def test_100_concurrent_cold_calls_make_one_round_trip_per_read(
    make_provider: MakeProvider, substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    provider = make_provider(default_workspace_id=str(workspace_id))
    start = threading.Barrier(100)

    def call(_: int) -> str:
        start.wait()
        return provider.system_prompt_block()

    substrate.reset_statement_counts()
    with ThreadPoolExecutor(100) as pool:
        blocks = list(pool.map(call, range(100)))
    assert len(set(blocks)) == 1 and "22 of 48" in blocks[0]
    assert substrate.statement_calls(CHARTER_SELECT) == 1
    assert substrate.statement_calls(POLICY_SELECT) == 1


def test_ttl_follows_the_injected_clock_and_invalidate_rereads(
    make_provider: MakeProvider, substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    clock = FakeClock()
    provider = make_provider(clock, default_workspace_id=str(workspace_id))
    substrate.reset_statement_counts()
    provider.system_prompt_block()
    substrate.execute(
        "UPDATE kora_policy_registry SET policy_value = '\"azure\"' "
        "WHERE workspace_id = %(ws)s AND policy_path = 'policy.voice.provider'",
        {"ws": workspace_id},
    )
    clock.now += 59.0
    assert '"elevenlabs"' in provider.system_prompt_block()  # still cached
    assert substrate.statement_calls(POLICY_SELECT) == 1
    clock.now += 1.0
    assert '"azure"' in provider.system_prompt_block()  # 60 s: read again
    assert substrate.statement_calls(POLICY_SELECT) == 2

    substrate.execute(
        "UPDATE kora_policy_registry SET policy_value = '\"local\"' "
        "WHERE workspace_id = %(ws)s AND policy_path = 'policy.voice.provider'",
        {"ws": workspace_id},
    )
    assert '"azure"' in provider.system_prompt_block()
    provider.invalidate(workspace_id)
    assert '"local"' in provider.system_prompt_block()
    assert substrate.statement_calls(POLICY_SELECT) == 3
    assert substrate.statement_calls(CHARTER_SELECT) == 3


def test_a_fresh_block_is_served_on_the_callers_thread_and_rendered_once(
    make_provider: MakeProvider,
    substrate: Substrate,
    workspace_id: uuid.UUID,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hops: list[str] = []
    renders: list[uuid.UUID] = []
    submit = BackgroundLoop.submit
    render = render_identity_block

    def counting_submit(self: BackgroundLoop, coro: Any) -> Any:
        hops.append(threading.current_thread().name)
        return submit(self, coro)

    def counting_render(snapshot: IdentitySnapshot, **kwargs: Any) -> str:
        renders.append(snapshot.workspace_id)
        return render(snapshot, **kwargs)

    monkeypatch.setattr(BackgroundLoop, "submit", counting_submit)
    monkeypatch.setattr(
        "runtime.identity_service.render_identity_block", counting_render
    )
    clock = FakeClock()
    provider = make_provider(clock, default_workspace_id=str(workspace_id))
    first = provider.system_prompt_block()  # cold: one hop to the loop, one render
    assert (len(hops), len(renders)) == (1, 1)
    clock.now += 59.0
    warm = [provider.system_prompt_block() for _ in range(100)]
    provider.on_turn_start(2, "hi")
    assert provider.identity(str(workspace_id)) is provider.identity(workspace_id)
    assert (len(hops), len(renders)) == (1, 1)  # no loop, no render while fresh
    assert all(block is first for block in warm)

    clock.now += 1.0  # expired: back to the loop, and a new snapshot is rendered anew
    substrate.reset_statement_counts()
    assert provider.system_prompt_block() == first
    assert (len(hops), len(renders)) == (2, 2)
    assert substrate.statement_calls(POLICY_SELECT) == 1
    provider.invalidate(workspace_id)  # a hop of its own, then a miss: a third load
    provider.system_prompt_block()
    assert (len(hops), len(renders)) == (4, 3)


def test_host_threads_racing_the_loops_reload_get_whole_blocks_never_expired_ones(
    make_provider: MakeProvider, substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """Host threads read the cache while the loop thread replaces the entry in it.

    Once the clock has passed the TTL, with the database already changed, no call that
    begins may return the old block; every block is whole; the eight threads' misses on the
    expired entry share one load.
    """
    clock = FakeClock()
    provider = make_provider(clock, default_workspace_id=str(workspace_id))
    old_block = provider.system_prompt_block()
    substrate.execute(
        "UPDATE kora_policy_registry SET policy_value = '\"azure\"' "
        "WHERE workspace_id = %(ws)s AND policy_path = 'policy.voice.provider'",
        {"ws": workspace_id},
    )
    substrate.reset_statement_counts()
    stop = threading.Event()
    calls: list[list[tuple[float, str]]] = [[] for _ in range(8)]  # one list per thread

    def host(mine: list[tuple[float, str]]) -> None:
        while not stop.is_set():
            before = clock()  # (clock before the call, block)
            mine.append((before, provider.system_prompt_block()))

    def each_thread_made(more: int, than: list[int]) -> None:
        deadline = time.monotonic() + 10
        while any(len(mine) < n + more for mine, n in zip(calls, than, strict=True)):
            assert time.monotonic() < deadline, "the host threads made no progress"
            time.sleep(0.005)

    hosts = [threading.Thread(target=host, args=(mine,)) for mine in calls]
    for thread in hosts:
        thread.start()
    try:
        each_thread_made(50, [0] * len(calls))
        clock.now = 60.0  # the cached snapshot expires now
        each_thread_made(50, [len(mine) for mine in calls])
    finally:
        stop.set()
        for thread in hosts:
            thread.join(5)
    seen = [call for mine in calls for call in mine]
    new_block = provider.system_prompt_block()
    assert '"azure"' in new_block and new_block == old_block.replace(
        '"elevenlabs"', '"azure"'
    )
    assert {block for _, block in seen} == {old_block, new_block}
    assert [b for before, b in seen if before >= 60.0 and b != new_block] == []
    assert substrate.statement_calls(POLICY_SELECT) == 1
    assert substrate.statement_calls(CHARTER_SELECT) == 1


def test_on_turn_start_costs_six_round_trips(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """Two reads of three round trips each (runtime.reads), and none on release.

    One pooled connection, so the warm-up has prepared both SELECTs on it: with two, which
    connection runs which read varies, and asyncpg prepares a statement (one more round
    trip) the first time a connection runs it. The concurrency has a test of its own.
    """
    with TcpProxy(substrate.reader_dsn) as counter:
        provider = IsoKronMemoryProvider(
            {
                "isokron_dsn": counter.dsn,
                "default_workspace_id": str(workspace_id),
                "cache_ttl_seconds": 0,  # every turn reads
                "pool_max_size": 1,
            },
            turn_deadline=10,
        )
        try:
            provider.on_turn_start(1, "hello")  # connect, prepare the cached statements
            counter.take()
            for turn in range(10):
                provider.on_turn_start(turn, "hello")
            assert counter.take() == 10 * 6
        finally:
            provider.shutdown()


def test_initialize_starts_the_sessions_first_read(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """Hermes builds a session's system prompt once, soon after `initialize`: that first
    block must not depend on a cold pool's connect and reads beating the turn deadline
    (here 1 ms, which no cold read meets), or the whole session goes without it."""
    provider = IsoKronMemoryProvider(
        {"isokron_dsn": substrate.reader_dsn}, turn_deadline=0.001
    )
    try:
        substrate.reset_statement_counts()
        provider.initialize("s", workspace_id=str(workspace_id))
        for _ in range(200):  # the read runs without anyone asking
            if substrate.statement_calls(POLICY_SELECT) and substrate.statement_calls(
                CHARTER_SELECT
            ):
                break
            time.sleep(0.05)
        time.sleep(0.5)  # and is rendered and stored
        assert "## §5" in provider.system_prompt_block()
        assert substrate.statement_calls(CHARTER_SELECT) == 1
    finally:
        provider.shutdown()


# -- concurrency of the three reads ------------------------------------------------------

WAITING_READS = (
    "SELECT count(*)::int, coalesce(extract(epoch FROM clock_timestamp() - max(query_start)), 0)"
    " FROM pg_stat_activity WHERE usename = %(reader)s AND wait_event_type = 'Lock'"
)


def test_on_turn_start_runs_the_reads_concurrently(
    make_provider: MakeProvider, substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """Both reads are seen in flight at once on the server, each blocked on a table lock.

    Read one after the other, the second could not start until the first finished, which it
    cannot while the lock is held: at most one would ever be waiting.
    """
    provider = make_provider(read_timeout_seconds=5)
    hold = 0.3
    with psycopg.connect(substrate.cluster.dsn(SUPERUSER)) as locker:
        locker.execute(
            "LOCK TABLE kora_role_charter, kora_policy_registry IN ACCESS EXCLUSIVE MODE"
        )
        started = time.monotonic()
        turn = threading.Thread(
            target=provider.on_turn_start,
            args=(1, "hi"),
            kwargs={"workspace_id": workspace_id},
        )
        turn.start()
        waiting, overlap = 0, 0.0
        deadline = time.monotonic() + 3
        while waiting < 2 and time.monotonic() < deadline:
            [(waiting, overlap)] = substrate.execute(WAITING_READS, {"reader": READER})
            time.sleep(0.01)
        assert waiting == 2, (
            "the charter and policy reads were never in flight together"
        )
        time.sleep(hold)
        [(waiting, overlap)] = substrate.execute(WAITING_READS, {"reader": READER})
        locker.rollback()  # releases the lock
    turn.join(5)
    elapsed = time.monotonic() - started
    assert waiting == 2
    assert float(overlap) >= hold  # both still in flight for at least `hold` seconds
    assert elapsed < 2 * hold + 1.0, elapsed
    print(
        f"\nreads in flight together for {float(overlap):.3f} s; turn took {elapsed:.3f} s"
    )


# -- failures and recovery --------------------------------------------------------------


# Outages, a database that never answers and the other faults: test_runtime_faults_pg.py.


def test_shutdown_closes_the_pool_and_stops_the_loop(
    make_provider: MakeProvider, substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    threads_before = set(threading.enumerate())
    provider = make_provider(default_workspace_id=str(workspace_id))
    provider.system_prompt_block()
    [loop_thread] = set(threading.enumerate()) - threads_before
    provider.shutdown()
    assert not loop_thread.is_alive()
    deadline = time.monotonic() + 2
    while (
        connections := _provider_connections(substrate)
    ) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert connections == 0
    assert "22 of 48" in provider.system_prompt_block()  # a later call starts afresh


def _provider_connections(substrate: Substrate) -> int:
    [(count,)] = substrate.execute(
        "SELECT count(*)::int FROM pg_stat_activity"
        " WHERE application_name = 'isokron-memory-provider'"
    )
    return int(count)
