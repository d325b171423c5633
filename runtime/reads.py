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
import re
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from types import MappingProxyType
from typing import Any, TypeAlias

import asyncpg

from generated.role_charter import (
    KoraRoleCharterContent,
    KoraRoleCharterSections,
    MirrorValidationError,
)
from runtime.errors import (
    DatabaseQueryError,
    DatabaseUnavailableError,
    LimitExceededError,
    NoActiveRoleCharterError,
    RoleCharterIntegrityError,
    RoleCharterShapeError,
    WorkspaceBindingError,
)
from runtime.limits import (
    MAX_CHARTER_BYTES,
    MAX_ITEM_CHARS,
    MAX_JSON_DEPTH,
    MAX_POLICIES,
    MAX_POLICY_VALUE_BYTES,
)

__all__ = [
    "DEFAULT_READ_TIMEOUT",
    "DatabaseQueryError",
    "DatabaseUnavailableError",
    "LimitExceededError",
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
# JSON string policy ("elevenlabs") indistinguishable from undecoded JSON text. A text over
# its cap (`runtime.limits`, the `$2`) is not sent at all: the row says only how long it is.
_CHARTER_SQL = """
SELECT id, workspace_id, schema_version, content_hash, created_at,
       CASE WHEN octet_length(charter_version) <= $3 THEN charter_version END
           AS charter_version,
       octet_length(charter_version) AS charter_version_bytes,
       CASE WHEN octet_length(content_md) <= $2 THEN content_md END AS content_md,
       octet_length(content_md) AS content_md_bytes,
       CASE WHEN octet_length(j.text) <= $2 THEN j.text END AS content_json,
       octet_length(j.text) AS content_json_bytes
FROM public.kora_role_charter c, LATERAL (SELECT c.content_jsonb::text AS text) j
WHERE workspace_id = $1 AND is_active
LIMIT 2
"""
_POLICY_SQL = """
SELECT policy_path,
       CASE WHEN octet_length(v.text) <= $2 THEN v.text END AS policy_json,
       octet_length(v.text) AS policy_json_bytes
FROM public.kora_policy_registry p, LATERAL (SELECT p.policy_value::text AS text) v
WHERE workspace_id = $1
ORDER BY policy_path
LIMIT $3
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

# A lost or unusable connection, an unreachable or starting or stopping server, no connection
# slot left: the database cannot serve the read now, and the connection is discarded.
_UNAVAILABLE = (
    OSError,
    asyncpg.exceptions.InterfaceError,  # the client's view of a closed or broken connection
    asyncpg.exceptions.InternalClientError,  # a killed idle connection, seen mid-protocol
    asyncpg.exceptions.PostgresConnectionError,  # class 08
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: too many connections
    asyncpg.exceptions.OperatorInterventionError,  # class 57: terminated, shutting down
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleCharter:
    """The active `kora_role_charter` row, verified against its hash and its generated type,
    and its shown sections against the hashed text (`check_sections_against_text`)."""

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
    workspace = as_workspace(workspace_id)
    rows = await _fetch_in_workspace(
        conn,
        workspace,
        _CHARTER_SQL,
        MAX_CHARTER_BYTES,
        MAX_ITEM_CHARS,
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

    More than `MAX_POLICIES` rows, or a value over `MAX_POLICY_VALUE_BYTES` or
    `MAX_JSON_DEPTH`, is a `LimitExceededError`. When `expected_paths` is given, a difference
    from it is logged as a warning; it is not an error, because the identity block marks
    missing entries itself.
    """
    workspace = as_workspace(workspace_id)
    rows = await _fetch_in_workspace(
        conn,
        workspace,
        _POLICY_SQL,
        MAX_POLICY_VALUE_BYTES,
        MAX_POLICIES + 1,
        what="reading the policy registry",
        timeout=timeout,
    )
    if len(rows) > MAX_POLICIES:
        raise LimitExceededError(
            f"workspace {workspace} has more than {MAX_POLICIES} policies"
        )
    policies = {
        row["policy_path"]: _decoded_json(
            row["policy_json"],
            row["policy_json_bytes"],
            MAX_POLICY_VALUE_BYTES,
            where=f"policy {row['policy_path']} of workspace {workspace}",
        )
        for row in rows
    }
    if expected_paths is not None:
        _warn_on_path_difference(workspace, policies.keys(), expected_paths)
    return MappingProxyType(policies)


def as_workspace(workspace_id: object) -> uuid.UUID:
    """A `uuid.UUID`, or its canonical text as a `str`; anything else (a falsy value, an
    int, a malformed string) is a `WorkspaceBindingError`."""
    if isinstance(workspace_id, uuid.UUID):
        return workspace_id
    if isinstance(workspace_id, str) and workspace_id:
        try:
            return uuid.UUID(workspace_id)
        except ValueError:
            pass
    shown = repr(workspace_id)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    raise WorkspaceBindingError(f"workspace id must be a UUID, got {shown}")


async def _fetch_in_workspace(
    source: ConnectionSource,
    workspace: uuid.UUID,
    sql: str,
    *args: object,
    what: str,
    timeout: float,
) -> list[Any]:
    try:
        async with asyncio.timeout(timeout):
            async with _connection(source) as conn:
                if conn.is_in_transaction():
                    # The caller's own transaction: the setting ends with it instead.
                    await conn.execute(_SET_WORKSPACE_SQL, str(workspace))
                    return list(await conn.fetch(sql, workspace, *args))
                return await _select_in_own_transaction(
                    conn,
                    workspace,
                    sql,
                    args,
                    cleanup=min(timeout, _MAX_CLEANUP_SECONDS),
                )
    except TimeoutError as exc:
        raise DatabaseUnavailableError(
            f"{what} for workspace {workspace}: no answer from the database within {timeout:g} s"
        ) from exc
    except _UNAVAILABLE as exc:
        raise DatabaseUnavailableError(
            f"{what} for workspace {workspace}: database unavailable:"
            f" {type(exc).__name__}: {exc}"
        ) from exc
    except asyncpg.PostgresError as exc:
        raise DatabaseQueryError(
            f"{what} for workspace {workspace}: the database refused the read:"
            f" {type(exc).__name__}: {exc}"
        ) from exc


async def _select_in_own_transaction(
    conn: Any,
    workspace: uuid.UUID,
    sql: str,
    args: tuple[object, ...],
    *,
    cleanup: float,
) -> list[Any]:
    """BEGIN READ ONLY and the setting (one round trip), the SELECT, COMMIT.

    A failure the server reported on a healthy connection (an error response, a
    cancellation by the read's timeout) rolls the transaction back before it propagates.
    The ROLLBACK gets `cleanup` seconds: after a cancellation asyncpg first waits for the
    server to acknowledge the cancel, which a server that has stopped answering never does.
    Any other failure (the connection lost, the protocol broken), or a ROLLBACK that does not
    succeed in time, closes the connection: it is never used again, with or without the
    setting, so a pool replaces it instead of handing it on.
    """
    # uuid.UUID(int=...) gives the canonical text even for a subclass overriding __str__.
    begin = _BEGIN_IN_WORKSPACE.format(workspace=uuid.UUID(int=workspace.int))
    try:
        await conn.execute(begin)
        rows = await conn.fetch(sql, workspace, *args)
        await conn.execute("COMMIT")
    except BaseException as exc:
        healthy = isinstance(exc, asyncpg.PostgresError | asyncio.CancelledError)
        if healthy and not isinstance(exc, _UNAVAILABLE):
            await _roll_back_or_close(conn, cleanup)
        else:
            _discard(conn)
        raise
    return list(rows)


async def _roll_back_or_close(conn: Any, cleanup: float) -> None:
    try:
        if conn.is_closed():
            return
        async with asyncio.timeout(cleanup):
            await conn.execute("ROLLBACK")
    except BaseException as exc:
        _discard(conn)
        # A second cancellation propagates; a failed ROLLBACK gives way to the read's error.
        if not isinstance(exc, Exception):
            raise


def _discard(conn: Any) -> None:
    """Close the connection at once. A pooled connection's proxy may already be detached
    (asyncpg then raises InterfaceError): its connection is then already out of our hands."""
    with suppress(Exception):
        conn.terminate()


@asynccontextmanager
async def _connection(source: ConnectionSource) -> AsyncIterator[Any]:
    if isinstance(source, asyncpg.Pool):
        async with source.acquire() as conn:
            yield conn
    else:
        yield source


def _verified_charter(row: Any) -> RoleCharter:
    where = f"active role charter {row['id']} of workspace {row['workspace_id']}"
    for column, cap in (
        ("content_md", MAX_CHARTER_BYTES),
        ("content_json", MAX_CHARTER_BYTES),
        ("charter_version", MAX_ITEM_CHARS),
    ):
        if row[column] is None and row[f"{column}_bytes"] is not None:
            raise LimitExceededError(
                f"{where}: {column} is {row[f'{column}_bytes']} bytes, over the cap of {cap}"
            )
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
    document = _decoded_json(
        row["content_json"],
        row["content_json_bytes"],
        MAX_CHARTER_BYTES,
        where=f"{where}: content_jsonb",
    )
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
    check_sections_against_text(content.sections, content_md, where=where)
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


# Outside strings, one step per bracket; Postgres prints jsonb canonically, so a string is
# exactly a double-quoted run with backslash escapes.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _decoded_json(text: str | None, size: int | None, cap: int, *, where: str) -> Any:
    """JSON text from the database, decoded once its size and nesting are within the caps;
    None for SQL NULL."""
    if text is None:
        if size is not None:
            raise LimitExceededError(f"{where} is {size} bytes, over the cap of {cap}")
        return None
    brackets = (_DEPTH_STEP.get(c, 0) for c in _JSON_STRING.sub("", text))
    depth = max(accumulate(brackets, initial=0))
    if depth > MAX_JSON_DEPTH:
        raise LimitExceededError(
            f"{where} nests {depth} levels deep, over the cap of {MAX_JSON_DEPTH}"
        )
    try:
        return json.loads(text)
    except (
        ValueError,
        RecursionError,
    ) as exc:  # not from Postgres' jsonb; still fail closed
        raise LimitExceededError(f"{where} cannot be decoded: {exc}") from exc


# -- the shown sections against the hashed text ----------------------------------------------
#
# content_md is what the hash covers; content_jsonb is what the block shows. Each section the
# block shows must be, exactly, the content of one heading of content_md: the identity its
# paragraphs, each list field its list items, in order, nothing added, dropped or moved; and
# the three headings in the order of the fields (identity, can, cannot), so that can and
# cannot cannot trade places. Whitespace is compared collapsed. What this leaves:
# the fields the block does not show are checked for shape only; the charter_version column
# and the policies are not under any hash (they are neutralised and capped when rendered).

_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+")


@dataclass(frozen=True, slots=True)
class _HeadingContent:
    paragraphs: tuple[str, ...]
    items: tuple[str, ...]


def check_sections_against_text(
    sections: KoraRoleCharterSections, content_md: str, *, where: str
) -> None:
    """Raise `RoleCharterIntegrityError` unless every shown section is one heading's content."""
    headings = _headings(content_md)
    wanted: dict[str, Callable[[_HeadingContent], bool]] = {
        "identity": lambda h: h.paragraphs == _paragraphs(sections.identity),
        "authority_can_do": lambda h: (
            h.items == tuple(map(_collapsed, sections.authority_can_do))
        ),
        "authority_cannot_do": lambda h: (
            h.items == tuple(map(_collapsed, sections.authority_cannot_do))
        ),
    }
    candidates = {
        field: [i for i, heading in enumerate(headings) if matches(heading)]
        for field, matches in wanted.items()
    }
    for field, found in candidates.items():
        if not found:
            raise RoleCharterIntegrityError(
                f"{where}: content_jsonb sections.{field} is not the content of any heading"
                " of content_md, which the hash covers"
            )
    previous = -1
    for field, found in candidates.items():
        # The earliest heading after the previous field's: a greedy choice finds an
        # increasing one whenever there is one.
        later = [i for i in found if i > previous]
        if not later:
            raise RoleCharterIntegrityError(
                f"{where}: content_jsonb sections {', '.join(wanted)} do not match headings"
                f" of content_md in that order (sections.{field} is out of place)"
            )
        previous = later[0]


def _headings(markdown: str) -> list[_HeadingContent]:
    found: list[_HeadingContent] = []
    paragraphs: list[str] = []
    items: list[str] = []
    unit: list[str] = []
    into = paragraphs

    def flush() -> None:
        if unit:
            into.append(_collapsed(" ".join(unit)))
            unit.clear()

    for line in markdown.splitlines():
        if _HEADING.match(line):
            flush()
            found.append(_HeadingContent(tuple(paragraphs), tuple(items)))
            paragraphs, items = [], []
            into = paragraphs
        elif not line.strip():
            flush()
        elif item := _LIST_ITEM.match(line):
            flush()
            into = items
            unit.append(line[item.end() :])
        else:
            if not unit:
                into = paragraphs
            unit.append(line)
    flush()
    found.append(_HeadingContent(tuple(paragraphs), tuple(items)))
    return found


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(
        _collapsed(part) for part in re.split(r"\n[ \t]*\n", text) if part.strip()
    )


def _collapsed(text: str) -> str:
    return " ".join(text.split())


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
