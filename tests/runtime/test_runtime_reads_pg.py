"""The charter and policy reads against a real PostgreSQL, as an ordinary role under RLS."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import psycopg
import pytest

from generated.role_charter import KoraRoleCharterContent
from runtime.database import Database, register_json_codecs
from runtime.reads import (
    DatabaseUnavailableError,
    NoActiveRoleCharterError,
    RoleCharterIntegrityError,
    RoleCharterShapeError,
    check_sections_against_text,
    content_hash,
    read_active_role_charter,
    read_policy_registry,
)
from tests.project import CHARTER_ARRAY_FIELDS as ARRAY_FIELDS
from tests.project import CHARTER_STRING_FIELDS as STRING_FIELDS
from tests.runtime.pg_substrate import (
    CHARTER_CONTENT,
    CHARTER_MD,
    POLICIES,
    SUPERUSER,
    Substrate,
    TcpProxy,
)

pytestmark = pytest.mark.postgres

T = TypeVar("T")


def run_with_connection(dsn: str, use: Callable[[Any], Awaitable[T]]) -> T:
    """Run `use(conn)` on a fresh asyncpg connection without any codec."""

    async def main() -> T:
        conn = await asyncpg.connect(dsn)
        try:
            return await use(conn)
        finally:
            await conn.close()

    return asyncio.run(main())


def run_with_pool(
    dsn: str, use: Callable[[Any], Awaitable[T]], *, max_size: int = 2
) -> T:
    """Run `use(pool)` on a pool whose connections decode JSON, as the runtime's pool does."""

    async def main() -> T:
        async with asyncpg.create_pool(
            dsn, min_size=0, max_size=max_size, init=register_json_codecs
        ) as pool:
            return await use(pool)

    return asyncio.run(main())


# -- the active role charter ---------------------------------------------------------------


def test_reads_the_active_charter_verified(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    charter = run_with_connection(
        substrate.reader_dsn, lambda c: read_active_role_charter(c, workspace_id)
    )
    assert charter.workspace_id == workspace_id
    assert charter.charter_version == "1.2.0"  # the active row, not the inactive 1.1.0
    assert charter.schema_version == 1
    assert charter.content_md == CHARTER_MD
    assert charter.content == KoraRoleCharterContent.from_json(CHARTER_CONTENT)
    assert charter.sections.authority_can_do == tuple(
        CHARTER_CONTENT["sections"]["authority_can_do"]
    )
    # The stored hash was computed by pgcrypto; the Python hash of the same text is equal.
    assert charter.content_hash == content_hash(CHARTER_MD)


def test_charter_read_is_the_same_with_or_without_a_jsonb_codec(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    bare = run_with_connection(
        substrate.reader_dsn, lambda c: read_active_role_charter(c, workspace_id)
    )
    pooled = run_with_pool(
        substrate.reader_dsn, lambda p: read_active_role_charter(p, workspace_id)
    )
    assert bare == pooled


def test_python_hash_is_byte_equal_to_pgcrypto(substrate: Substrate) -> None:
    texts = [CHARTER_MD, "", "ascii only", "e\u0301 vs \u00e9", "\U0001f9ed\u2028"]
    for text in texts:
        [(pg_hash,)] = substrate.execute(
            "SELECT encode(digest(%(t)s, 'sha256'), 'hex')", {"t": text}
        )
        assert content_hash(text) == pg_hash, text


def test_tampered_content_md_is_an_integrity_error(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    substrate.execute(
        "UPDATE kora_role_charter SET content_md = content_md || ' ' "
        "WHERE workspace_id = %(ws)s AND is_active",
        {"ws": workspace_id},
    )
    with pytest.raises(
        RoleCharterIntegrityError, match="not the SHA-256 of content_md"
    ):
        run_with_connection(
            substrate.reader_dsn, lambda c: read_active_role_charter(c, workspace_id)
        )


@pytest.mark.parametrize("column", ["content_md", "content_hash"])
def test_null_content_or_hash_is_an_integrity_error(
    substrate: Substrate, column: str
) -> None:
    workspace_id = uuid.uuid4()
    if column == "content_md":
        substrate.add_charter(workspace_id, content_md=None)
    else:
        substrate.add_charter(workspace_id, content_hash_sql="NULL")
    with pytest.raises(RoleCharterIntegrityError, match=f"{column} is NULL"):
        run_with_connection(
            substrate.reader_dsn, lambda c: read_active_role_charter(c, workspace_id)
        )


def test_schema_version_column_disagreeing_with_content_is_an_integrity_error(
    substrate: Substrate,
) -> None:
    workspace_id = uuid.uuid4()
    substrate.add_charter(workspace_id, schema_version=2)
    with pytest.raises(RoleCharterIntegrityError, match="schema_version"):
        run_with_connection(
            substrate.reader_dsn, lambda c: read_active_role_charter(c, workspace_id)
        )


def test_no_active_row_is_its_own_error(substrate: Substrate) -> None:
    only_inactive = uuid.uuid4()
    substrate.add_charter(only_inactive, is_active=False)
    for workspace_id in (only_inactive, uuid.uuid4()):
        with pytest.raises(NoActiveRoleCharterError, match=str(workspace_id)):
            run_with_connection(
                substrate.reader_dsn,
                lambda c, ws=workspace_id: read_active_role_charter(c, ws),
            )


def _with(path: tuple[str, ...], value: object) -> dict[str, Any]:
    """CHARTER_CONTENT with the value at `path` replaced, or removed when `value` is DELETE."""
    document: dict[str, Any] = json.loads(json.dumps(CHARTER_CONTENT))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


DELETE = object()
MALFORMED: list[tuple[str, object, str]] = [
    ("null document", None, "$"),
    ("array document", [CHARTER_CONTENT], "$"),
    ("schema_version 2", _with(("schema_version",), 2), "$.schema_version"),
    ("schema_version true", _with(("schema_version",), True), "$.schema_version"),
    ("schema_version missing", _with(("schema_version",), DELETE), "$ schema_version"),
    ("sections not an object", _with(("sections",), "all of it"), "$.sections"),
    ("unknown top-level key", {**CHARTER_CONTENT, "extra": 1}, "$.extra"),
    (
        "unknown section key",
        _with(("sections", "authority_maybe_do"), []),
        "$.sections.authority_maybe_do",
    ),
    *[
        (f"{f} is a number", _with(("sections", f), 7), f"$.sections.{f}")
        for f in STRING_FIELDS
    ],
    *[
        (f"{f} is missing", _with(("sections", f), DELETE), f"$.sections {f}")
        for f in STRING_FIELDS
    ],
    *[
        (f"{f} is a string", _with(("sections", f), "one"), f"$.sections.{f}")
        for f in ARRAY_FIELDS
    ],
    *[
        (f"{f}[1] is an int", _with(("sections", f), ["ok", 1]), f"$.sections.{f}[1]")
        for f in ARRAY_FIELDS
    ],
    *[
        (f"{f} is missing", _with(("sections", f), DELETE), f"$.sections {f}")
        for f in ARRAY_FIELDS
    ],
]


@pytest.mark.parametrize(
    ("document", "path"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_content_jsonb_is_a_shape_error_naming_the_path(
    substrate: Substrate, document: object, path: str
) -> None:
    workspace_id = uuid.uuid4()
    substrate.add_charter(workspace_id, content=document)  # content_hash is correct
    with pytest.raises(RoleCharterShapeError) as caught:
        run_with_connection(
            substrate.reader_dsn, lambda c: read_active_role_charter(c, workspace_id)
        )
    # "$.sections identity": the error is at $.sections and names the missing key.
    path, _, missing_key = path.partition(" ")
    assert caught.value.path == path
    assert f"content_jsonb {path}:" in str(caught.value)
    assert missing_key in str(caught.value)


# -- the policy registry -------------------------------------------------------------------


def test_reads_the_policy_registry_decoded(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    for read in (run_with_connection, run_with_pool):
        policies = read(
            substrate.reader_dsn, lambda c: read_policy_registry(c, workspace_id)
        )
        assert dict(policies) == POLICIES
        assert policies["policy.voice.provider"] == "elevenlabs"  # not '"elevenlabs"'
        assert list(policies) == sorted(POLICIES)
        with pytest.raises(TypeError):
            policies["policy.voice.provider"] = "other"  # type: ignore[index]


def test_policy_path_difference_is_a_warning_not_a_failure(
    substrate: Substrate, workspace_id: uuid.UUID, caplog: pytest.LogCaptureFixture
) -> None:
    expected = [*sorted(POLICIES)[1:], "policy.not.seeded"]
    with caplog.at_level(logging.WARNING, logger="runtime.reads"):
        policies = run_with_connection(
            substrate.reader_dsn,
            lambda c: read_policy_registry(c, workspace_id, expected_paths=expected),
        )
    assert dict(policies) == POLICIES
    [record] = caplog.records
    assert "policy.not.seeded" in record.getMessage()
    assert sorted(POLICIES)[0] in record.getMessage()

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="runtime.reads"):
        run_with_connection(
            substrate.reader_dsn,
            lambda c: read_policy_registry(
                c, workspace_id, expected_paths=list(POLICIES)
            ),
        )
    assert caplog.records == []


# -- row level security and the workspace setting --------------------------------------------


def test_reader_is_an_ordinary_role(substrate: Substrate) -> None:
    """Superusers and owners bypass RLS; the isolation tests mean nothing unless this holds."""
    [(is_super, bypass, owns)] = substrate.execute(
        "SELECT rolsuper, rolbypassrls, pg_has_role('kora_reader', tableowner, 'USAGE') "
        "FROM pg_roles, pg_tables WHERE rolname = 'kora_reader' "
        "AND tablename = 'kora_policy_registry'"
    )
    assert (is_super, bypass, owns) == (False, False, False)
    [(enabled, forced)] = substrate.execute(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
        "WHERE oid = 'public.kora_policy_registry'::regclass"
    )
    assert (enabled, forced) == (True, True)


def test_workspace_never_sees_another_workspaces_policies(substrate: Substrate) -> None:
    a, b = substrate.seed_workspace(), uuid.uuid4()
    substrate.add_policies(
        b, {"policy.voice.provider": "b-only", "policy.b.secret": "b"}
    )

    async def as_reader(conn: Any) -> tuple[Any, ...]:
        seen_by_a = await read_policy_registry(conn, a)
        seen_by_b = await read_policy_registry(conn, b)
        # RLS itself, without the reader's WHERE clause: only the set workspace's rows.
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.current_workspace_id', $1, true)", str(a)
            )
            raw_a = await conn.fetch(
                "SELECT DISTINCT workspace_id FROM kora_policy_registry"
            )
        unset = await conn.fetchval("SELECT count(*) FROM kora_policy_registry")
        return seen_by_a, seen_by_b, raw_a, unset

    seen_by_a, seen_by_b, raw_a, unset = run_with_connection(
        substrate.reader_dsn, as_reader
    )
    assert dict(seen_by_a) == POLICIES
    assert dict(seen_by_b) == {
        "policy.voice.provider": "b-only",
        "policy.b.secret": "b",
    }
    assert [row[0] for row in raw_a] == [a]
    assert unset == 0  # no workspace set: nothing visible, not everything


CURRENT_SETTING = "SELECT current_setting('app.current_workspace_id', true)"


def test_workspace_setting_does_not_outlive_the_read(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    async def on_one_connection(conn: Any) -> tuple[Any, ...]:
        await read_active_role_charter(conn, workspace_id)
        after_charter = await conn.fetchval(CURRENT_SETTING)
        await read_policy_registry(conn, workspace_id)
        after_policies = await conn.fetchval(CURRENT_SETTING)
        # The probe can see a leak: a session-level setting does survive.
        await conn.execute(
            "SELECT set_config('app.current_workspace_id', $1, false)", "x"
        )
        leaked = await conn.fetchval(CURRENT_SETTING)
        return after_charter, after_policies, leaked

    after_charter, after_policies, leaked = run_with_connection(
        substrate.reader_dsn, on_one_connection
    )
    assert after_charter in ("", None)
    assert after_policies in ("", None)
    assert leaked == "x"


def test_workspace_setting_is_empty_on_the_next_use_of_a_pooled_connection(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    # asyncpg's default release runs RESET ALL, so this alone would not catch a session-level
    # set_config; the single-connection test above does, and so does the next one, on the
    # runtime's own pool, which does not reset.
    async def on_pool_of_one(pool: Any) -> tuple[Any, ...]:
        await read_policy_registry(pool, workspace_id)
        async with pool.acquire() as conn:
            setting = await conn.fetchval(CURRENT_SETTING)
            backend = await conn.fetchval("SELECT pg_backend_pid()")
        async with pool.acquire() as conn:
            same_backend = await conn.fetchval("SELECT pg_backend_pid()") == backend
        return setting, same_backend

    setting, same_backend = run_with_pool(
        substrate.reader_dsn, on_pool_of_one, max_size=1
    )
    assert setting in ("", None)
    assert same_backend


def test_workspace_setting_is_empty_on_the_next_use_of_the_runtimes_own_pool(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """The runtime's pool does not reset sessions on release (`runtime.database`), so here
    the no-leak guarantee rests on `set_config(..., true)` alone, and this test would see a
    session-level setting: the probe at the end shows that one does survive release."""

    async def on_runtime_pool_of_one() -> tuple[Any, ...]:
        database = Database(substrate.reader_dsn, connect_timeout=5, max_size=1)
        pool = await database.pool()
        try:
            async with pool.acquire() as conn:
                backend = await conn.fetchval("SELECT pg_backend_pid()")
            await read_active_role_charter(pool, workspace_id)
            await read_policy_registry(pool, workspace_id)
            async with pool.acquire() as conn:
                setting = await conn.fetchval(CURRENT_SETTING)
                same_backend = await conn.fetchval("SELECT pg_backend_pid()") == backend
                await conn.execute(
                    "SELECT set_config('app.current_workspace_id', $1, false)", "probe"
                )
            async with pool.acquire() as conn:
                leaked = await conn.fetchval(CURRENT_SETTING)
            return setting, same_backend, leaked
        finally:
            await database.close(timeout=5)

    setting, same_backend, leaked = asyncio.run(on_runtime_pool_of_one())
    assert same_backend
    assert setting in ("", None)
    assert leaked == "probe"


def test_a_read_interrupted_inside_its_transaction_leaves_the_connection_clean(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """A read cancelled by its timeout while its transaction is open (the SELECT waits on a
    lock) rolls back: the connection is out of the transaction and the setting is gone."""

    async def interrupted(conn: Any) -> tuple[Any, ...]:
        with psycopg.connect(substrate.cluster.dsn(SUPERUSER)) as locker:
            locker.execute("LOCK TABLE kora_policy_registry IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(DatabaseUnavailableError, match=r"within 0\.3 s"):
                await read_policy_registry(conn, workspace_id, timeout=0.3)
            locker.rollback()
        in_transaction = conn.is_in_transaction()
        setting = await conn.fetchval(CURRENT_SETTING)
        policies = await read_policy_registry(conn, workspace_id)
        return in_transaction, setting, policies

    in_transaction, setting, policies = run_with_connection(
        substrate.reader_dsn, interrupted
    )
    assert not in_transaction
    assert setting in ("", None)
    assert dict(policies) == POLICIES


@pytest.mark.parametrize("source", ["connection", "runtime pool"])
@pytest.mark.parametrize("answered", [0, 1], ids=["stall at BEGIN", "stall at SELECT"])
def test_a_server_that_stops_answering_mid_read_is_an_error_not_a_hang(
    substrate: Substrate, workspace_id: uuid.UUID, source: str, answered: int
) -> None:
    """The read times out, its ROLLBACK cannot be answered either, and the connection is
    closed: the error comes within the timeout plus the cleanup bound, min(timeout, 1 s)."""

    async def read_through(proxy: TcpProxy) -> tuple[float, bool]:
        database = Database(proxy.dsn, connect_timeout=5, max_size=1)
        conn = await asyncpg.connect(proxy.dsn)
        reader = conn if source == "connection" else await database.pool()
        try:
            await read_policy_registry(reader, workspace_id)  # connected and prepared
            proxy.stall(after=answered)
            started = time.monotonic()
            with pytest.raises(DatabaseUnavailableError, match=r"within 0\.3 s"):
                await read_policy_registry(reader, workspace_id, timeout=0.3)
            elapsed = time.monotonic() - started
            # The pool's connection was closed too: the pool would replace it.
            return elapsed, conn.is_closed() or source != "connection"
        finally:
            conn.terminate()
            await database.close(timeout=1)

    with TcpProxy(substrate.reader_dsn) as proxy:
        elapsed, closed = asyncio.run(read_through(proxy))
    assert 0.3 <= elapsed < 0.3 + 0.3 + 0.3, elapsed
    assert closed


def test_a_read_costs_three_round_trips(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """BEGIN READ ONLY with set_config in one message, the SELECT, COMMIT; none on release."""

    async def count(dsn: str, counter: TcpProxy) -> dict[str, int]:
        database = Database(dsn, connect_timeout=5, max_size=1)
        pool = await database.pool()
        counts = {}
        try:
            for read in (read_active_role_charter, read_policy_registry):
                await read(pool, workspace_id)  # connect, prepare the cached statements
                counter.take()
                for _ in range(5):
                    await read(pool, workspace_id)
                counts[read.__name__] = counter.take()
        finally:
            await database.close(timeout=5)
        return counts

    with TcpProxy(substrate.reader_dsn) as counter:
        counts = asyncio.run(count(counter.dsn, counter))
    assert counts == {"read_active_role_charter": 15, "read_policy_registry": 15}


def test_reads_inside_the_callers_transaction_scope_the_setting_to_it(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    async def in_manual_transaction(conn: Any) -> tuple[Any, ...]:
        await conn.execute("BEGIN")
        policies = await read_policy_registry(conn, workspace_id)
        inside = await conn.fetchval(CURRENT_SETTING)
        await conn.execute("ROLLBACK")
        after = await conn.fetchval(CURRENT_SETTING)
        async with conn.transaction():
            charter = await read_active_role_charter(conn, workspace_id)
        return policies, inside, after, charter

    policies, inside, after, charter = run_with_connection(
        substrate.reader_dsn, in_manual_transaction
    )
    assert dict(policies) == POLICIES
    assert inside == str(workspace_id)
    assert after in ("", None)
    assert charter.workspace_id == workspace_id


def test_charter_read_also_works_when_the_charter_table_has_rls(
    substrate: Substrate, workspace_id: uuid.UUID
) -> None:
    """The substrate may protect the charter table the same way; the read scopes itself."""
    other = substrate.seed_workspace()
    substrate.execute(
        "ALTER TABLE kora_role_charter ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY charter_workspace ON kora_role_charter USING (workspace_id = "
        "nullif(current_setting('app.current_workspace_id', true), '')::uuid)"
    )
    try:
        charter = run_with_connection(
            substrate.reader_dsn, lambda c: read_active_role_charter(c, workspace_id)
        )
        assert charter.workspace_id == workspace_id
        visible = run_with_connection(
            substrate.reader_dsn,
            lambda c: c.fetchval("SELECT count(*) FROM kora_role_charter"),
        )
        assert visible == 0
    finally:
        substrate.execute(
            "DROP POLICY charter_workspace ON kora_role_charter;"
            "ALTER TABLE kora_role_charter DISABLE ROW LEVEL SECURITY"
        )
    assert other != workspace_id


def test_pool_connections_decode_jsonb(substrate: Substrate) -> None:
    value = run_with_pool(
        substrate.reader_dsn,
        lambda p: p.fetchval("""SELECT '{"a": ["é", 1]}'::jsonb"""),
    )
    assert value == {"a": ["é", 1]}


# -- an unreachable database ------------------------------------------------------------------


def test_a_database_that_never_answers_is_a_clear_error_within_the_timeout(
    black_hole: int,
) -> None:
    async def read() -> None:
        pool = await asyncpg.create_pool(
            f"postgresql://kora_reader@127.0.0.1:{black_hole}/substrate", min_size=0
        )
        try:
            await read_policy_registry(pool, uuid.uuid4(), timeout=0.3)
        finally:
            pool.terminate()

    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError, match=r"within 0\.3 s"):
        asyncio.run(read())
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 0.8, elapsed


# -- the shown sections against the hashed text ------------------------------------------------


def _sections(**change: Any) -> Any:
    return KoraRoleCharterContent.from_json(
        {"schema_version": 1, "sections": {**CHARTER_CONTENT["sections"], **change}}
    ).sections


def test_sections_match_markdown_written_in_other_ordinary_ways() -> None:
    """Other list markers, wrapped lines, extra blank lines and other headings: only the
    content under each heading counts, whitespace collapsed."""
    markdown = (
        "Kora's charter\n\n"
        "### Who\n\n"
        "You are Kora, the coordinating agent\n"
        "  of the IsoKron substrate — ≠ operator.\n\n\n"
        "## Allowed\n"
        "* Author operations within\n  granted capabilities\n"
        "+ Propose policy changes for operator review\n"
        "## Never\n\n"
        "1. Approve its own policy proposals\n"
        "2) Override a security or policy verdict\n"
    )
    check_sections_against_text(_sections(), markdown, where="charter")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"identity": "You are EvilBot."}, "sections.identity"),
        ({"identity": "You are Kora"}, "sections.identity"),
        (
            {"authority_can_do": ["Author operations within granted capabilities"]},
            "can_do",
        ),
        (
            {"authority_cannot_do": ["Approve its own policy proposals", "Extra"]},
            "cannot_do",
        ),
        (
            {
                "authority_can_do": CHARTER_CONTENT["sections"]["authority_cannot_do"],
                "authority_cannot_do": CHARTER_CONTENT["sections"]["authority_can_do"],
            },
            "order",
        ),
        (
            {
                "authority_can_do": list(
                    reversed(CHARTER_CONTENT["sections"]["authority_can_do"])
                )
            },
            "can_do",
        ),
    ],
)
def test_sections_that_differ_from_the_hashed_text_are_refused(
    change: dict[str, Any], says: str
) -> None:
    with pytest.raises(RoleCharterIntegrityError, match=says):
        check_sections_against_text(_sections(**change), CHARTER_MD, where="charter")
    check_sections_against_text(_sections(), CHARTER_MD, where="charter")
