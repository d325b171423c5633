"""The two database reads behind the identity block: the active role charter and the policies.

Each read runs in its own read-only transaction that first sets `app.current_workspace_id`
with `set_config(..., true)`, so row level security applies and the setting ends with the
transaction, never leaking to the next user of a pooled connection. Each read has a timeout.
Everything fails closed: a missing, tampered or malformed charter raises, it never degrades.

A read costs three round trips: BEGIN with the setting, the SELECT, COMMIT (see
`_BEGIN_IN_WORKSPACE` for why no fewer), and nothing on release (`runtime.database`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeAlias

import asyncpg

from generated.role_charter import (
    KoraRoleCharterContent,
    KoraRoleCharterSections,
    MirrorValidationError,
)
from runtime.errors import (
    DatabaseUnavailableError,
    NoActiveRoleCharterError,
    RoleCharterIntegrityError,
    RoleCharterShapeError,
)

__all__ = [
    "DEFAULT_READ_TIMEOUT",
    "DatabaseUnavailableError",
    "NoActiveRoleCharterError",
    "RoleCharter",
    "RoleCharterIntegrityError",
    "RoleCharterShapeError",
    "read_active_role_charter",
    "read_policy_registry",
]

logger = logging.getLogger(__name__)

# An asyncpg Connection or Pool; asyncpg ships no type information.
ConnectionSource: TypeAlias = Any
WorkspaceId: TypeAlias = uuid.UUID | str

DEFAULT_READ_TIMEOUT = 5.0
# At most this long (or the read's timeout, when shorter) to roll back a failed read.
_MAX_CLEANUP_SECONDS = 1.0

# Casting jsonb to text means the value arrives as JSON text whether or not the connection has
# a jsonb codec, and is decoded exactly once here. Selecting the jsonb itself would make a
# JSON string policy ("elevenlabs") indistinguishable from undecoded JSON text.
_CHARTER_SQL = """
SELECT id, workspace_id, charter_version, schema_version, content_md, content_hash,
       content_jsonb::text AS content_json, created_at
FROM public.kora_role_charter
WHERE workspace_id = $1 AND is_active
LIMIT 2
"""
_POLICY_SQL = """
SELECT policy_path, policy_value::text AS policy_json
FROM public.kora_policy_registry
WHERE workspace_id = $1
ORDER BY policy_path
"""
_SET_WORKSPACE_SQL = "SELECT set_config('app.current_workspace_id', $1, true)"

# Round trips. asyncpg sends every parameterised statement as its own Bind/Execute/Sync and
# waits for it; it has no pipelining (MagicStack/asyncpg#839, #588), and in the extended
# protocol each Sync ends an implicit transaction, so the setting and the SELECT need an
# explicit one. What can be combined is BEGIN and set_config: a simple-query message may hold
# several statements, run in order, though no bound parameter; so both go in one message, one
# round trip, BEGIN first, so `true` scopes the setting to our transaction. The workspace is a
# literal there, which is safe because it is formatted from a `uuid.UUID` (hex digits and
# dashes only); the SELECT keeps its bound `$1`. Not done, because unsound or not ours to do:
# - set_config inside the SELECT itself (a subquery, a CTE, a join): the order in which one
#   statement evaluates the RLS policy's `current_setting` and our `set_config` is the
#   planner's choice, not a guarantee;
# - COMMIT folded into anything later: the connection would sit in the pool mid-transaction;
# - a server-side function doing both: DDL in the substrate's schema, which we only read.
_BEGIN_IN_WORKSPACE = (
    "BEGIN READ ONLY;"
    " SELECT set_config('app.current_workspace_id', '{workspace}', true)"
)

# What a lost or unreachable server looks like from asyncpg: refused or reset sockets
# (OSError), a server starting or shutting down (class 57), a broken connection (class 08).
_UNREACHABLE = (
    OSError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.PostgresConnectionError,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleCharter:
    """The active `kora_role_charter` row, verified against its hash and its generated type."""

    id: uuid.UUID
    workspace_id: uuid.UUID
    charter_version: str
    schema_version: int
    content_md: str
    content_hash: str
    content: KoraRoleCharterContent
    created_at: datetime

    @property
    def sections(self) -> KoraRoleCharterSections:
        return self.content.sections


def content_hash(content_md: str) -> str:
    """Hex SHA-256 of the UTF-8 text: Postgres' `encode(digest(content_md, 'sha256'), 'hex')`."""
    return hashlib.sha256(content_md.encode("utf-8")).hexdigest()


async def read_active_role_charter(
    conn: ConnectionSource,
    workspace_id: WorkspaceId,
    *,
    timeout: float = DEFAULT_READ_TIMEOUT,
) -> RoleCharter:
    """The workspace's active role charter; raises rather than return anything unverified."""
    workspace = _as_workspace(workspace_id)
    rows = await _fetch_in_workspace(
        conn,
        workspace,
        _CHARTER_SQL,
        what="reading the active role charter",
        timeout=timeout,
    )
    if not rows:
        raise NoActiveRoleCharterError(
            f"workspace {workspace} has no active role charter"
        )
    if len(rows) > 1:
        raise RoleCharterIntegrityError(
            f"workspace {workspace} has more than one active charter"
        )
    return _verified_charter(rows[0])


async def read_policy_registry(
    conn: ConnectionSource,
    workspace_id: WorkspaceId,
    *,
    expected_paths: Collection[str] | None = None,
    timeout: float = DEFAULT_READ_TIMEOUT,
) -> Mapping[str, Any]:
    """`policy_path -> value` for the workspace, values decoded from JSON, in path order.

    When `expected_paths` is given, a difference from it is logged as a warning; it is not an
    error, because the identity block marks missing entries itself.
    """
    workspace = _as_workspace(workspace_id)
    rows = await _fetch_in_workspace(
        conn,
        workspace,
        _POLICY_SQL,
        what="reading the policy registry",
        timeout=timeout,
    )
    policies = {row["policy_path"]: json.loads(row["policy_json"]) for row in rows}
    if expected_paths is not None:
        _warn_on_path_difference(workspace, policies.keys(), expected_paths)
    return MappingProxyType(policies)


def _as_workspace(workspace_id: WorkspaceId) -> uuid.UUID:
    if isinstance(workspace_id, uuid.UUID):
        return workspace_id
    try:
        return uuid.UUID(workspace_id)
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"workspace id must be a UUID, got {workspace_id!r}") from None


async def _fetch_in_workspace(
    source: ConnectionSource,
    workspace: uuid.UUID,
    sql: str,
    *,
    what: str,
    timeout: float,
) -> list[Any]:
    try:
        async with asyncio.timeout(timeout):
            async with _connection(source) as conn:
                if conn.is_in_transaction():
                    # The caller's own transaction: the setting ends with it instead.
                    await conn.execute(_SET_WORKSPACE_SQL, str(workspace))
                    return list(await conn.fetch(sql, workspace))
                return await _select_in_own_transaction(
                    conn, workspace, sql, cleanup=min(timeout, _MAX_CLEANUP_SECONDS)
                )
    except TimeoutError as exc:
        raise DatabaseUnavailableError(
            f"{what} for workspace {workspace}: no answer from the database within {timeout:g} s"
        ) from exc
    except _UNREACHABLE as exc:
        raise DatabaseUnavailableError(
            f"{what} for workspace {workspace}: database unreachable: {exc}"
        ) from exc


async def _select_in_own_transaction(
    conn: Any, workspace: uuid.UUID, sql: str, *, cleanup: float
) -> list[Any]:
    """BEGIN READ ONLY and the setting (one round trip), the SELECT, COMMIT.

    Any failure, a cancellation by the read's timeout included, rolls the transaction back
    before it propagates. The ROLLBACK gets `cleanup` seconds: after a cancellation asyncpg
    first waits for the server to acknowledge the cancel, which a server that has stopped
    answering never does. A connection that cannot roll back in time is closed, so it is
    never used again with the setting in force, and the read fails within its timeout plus
    `cleanup` instead of hanging.
    """
    # uuid.UUID(int=...) gives the canonical text even for a subclass overriding __str__.
    begin = _BEGIN_IN_WORKSPACE.format(workspace=uuid.UUID(int=workspace.int))
    try:
        await conn.execute(begin)
        rows = await conn.fetch(sql, workspace)
        await conn.execute("COMMIT")
    except BaseException:
        await _roll_back_or_close(conn, cleanup)
        raise
    return list(rows)


async def _roll_back_or_close(conn: Any, cleanup: float) -> None:
    if conn.is_closed():
        return
    try:
        async with asyncio.timeout(cleanup):
            await conn.execute("ROLLBACK")
    except BaseException as exc:
        conn.terminate()
        # A second cancellation propagates; a failed ROLLBACK gives way to the read's error.
        if not isinstance(exc, Exception):
            raise


@asynccontextmanager
async def _connection(source: ConnectionSource) -> AsyncIterator[Any]:
    if isinstance(source, asyncpg.Pool):
        async with source.acquire() as conn:
            yield conn
    else:
        yield source


def _verified_charter(row: Any) -> RoleCharter:
    where = f"active role charter {row['id']} of workspace {row['workspace_id']}"
    content_md, stored_hash = row["content_md"], row["content_hash"]
    if content_md is None or stored_hash is None:
        missing = "content_md" if content_md is None else "content_hash"
        raise RoleCharterIntegrityError(f"{where}: {missing} is NULL")
    actual_hash = content_hash(content_md)
    if actual_hash != stored_hash:
        raise RoleCharterIntegrityError(
            f"{where}: content_hash {stored_hash!r} is not the SHA-256 of content_md"
            f" ({actual_hash!r}); the text was changed without its hash"
        )
    document = None if row["content_json"] is None else json.loads(row["content_json"])
    try:
        content = KoraRoleCharterContent.from_json(document)
    except MirrorValidationError as exc:
        raise RoleCharterShapeError(
            f"{where}: content_jsonb {exc}", path=exc.path
        ) from exc
    if row["schema_version"] != content.schema_version:
        raise RoleCharterIntegrityError(
            f"{where}: schema_version column is {row['schema_version']} but content_jsonb"
            f" says {content.schema_version}"
        )
    return RoleCharter(
        id=row["id"],
        workspace_id=row["workspace_id"],
        charter_version=row["charter_version"],
        schema_version=row["schema_version"],
        content_md=content_md,
        content_hash=stored_hash,
        content=content,
        created_at=row["created_at"],
    )


def _warn_on_path_difference(
    workspace: uuid.UUID, present: Collection[str], expected: Collection[str]
) -> None:
    missing = sorted(set(expected) - set(present))
    unexpected = sorted(set(present) - set(expected))
    if missing or unexpected:
        logger.warning(
            "policy registry of workspace %s differs from the expected %d paths:"
            " missing %s, unexpected %s",
            workspace,
            len(set(expected)),
            missing or "none",
            unexpected or "none",
        )
