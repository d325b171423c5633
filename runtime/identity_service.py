"""The turn path behind the provider: which workspace a call means, and its block, fast.

`IdentityService` owns the session bindings (`runtime.sessions`), a `FailureCache` of
rendered identities (`runtime.cache`), the pool and the background loop. A host thread
asking for a block:

1. finds the entry of its workspace without waking the loop; a fresh block is returned at
   once, and so is the answer of a workspace in backoff after a failure: the last good
   block while it is servable, else the failure, raised again;
2. otherwise waits for a load (shared with every concurrent caller), at most the turn
   deadline. A load that misses it goes on in the background; until it ends, every turn
   answers from the entry without waiting, as in 1.

A session's first read starts at `initialize`, before its first turn asks for the block. A
first read that still misses the deadline (a cold pool on a loaded machine) costs that turn
its block, not the session: the read goes on, and the next call is served it.

So once a read fails or times out, no turn waits on the database until it has answered
again: an outage costs one turn deadline, then nothing. What a turn can be served is
bounded: a block is never older than `ttl + max_stale` (`CachePolicy`), and only outages
(`DatabaseError`) are bridged with an older block; a charter found missing, tampered or
too large fails the block at once.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from runtime.background import BackgroundLoop, LoopClosedError
from runtime.cache import CachePolicy, Entry, FailureCache
from runtime.config import ProviderConfig
from runtime.database import Database, validate_dsn
from runtime.errors import ConfigError, DatabaseError, DatabaseUnavailableError
from runtime.identity import IdentitySnapshot, load_identity
from runtime.prompt import render_identity_block
from runtime.reads import as_workspace
from runtime.sessions import SessionBindings

logger = logging.getLogger(__name__)

# The turn deadline: at most this, and at most half the read timeout.
MAX_TURN_DEADLINE = 0.75  # Hermes builds its first system prompt within a second
# How long closing the pool may take at shutdown before its connections are terminated.
_CLOSE_SECONDS = 2.0


def default_turn_deadline(read_timeout: float) -> float:
    return min(MAX_TURN_DEADLINE, read_timeout / 2)


@dataclass(frozen=True, slots=True)
class RenderedIdentity:
    """A snapshot and the block rendered from it: cached, and dropped, together."""

    snapshot: IdentitySnapshot
    block: str
    charter_json_chars: int

    def characters(self) -> int:
        """What the cache weighs it by: its texts' characters (the policies are in the
        block, rendered as their JSON)."""
        return (
            len(self.block)
            + len(self.snapshot.charter.content_md)
            + self.charter_json_chars
        )


class IdentityService:
    """Sessions, cache, pool and loop of one provider; see the module docstring."""

    def __init__(
        self,
        config: ProviderConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        policy: CachePolicy | None = None,
        turn_deadline: float | None = None,
    ) -> None:
        if config.dsn is not None:
            validate_dsn(config.dsn)
        self.config = config
        self.sessions = SessionBindings()
        self.turn_deadline = (
            default_turn_deadline(config.read_timeout_seconds)
            if turn_deadline is None
            else turn_deadline
        )
        self._clock = clock
        self._cache: FailureCache[uuid.UUID, RenderedIdentity] = FailureCache(
            self._load,
            policy or CachePolicy(ttl=config.cache_ttl_seconds),
            clock=clock,
            weigh=RenderedIdentity.characters,
        )
        self._lock = threading.Lock()
        # Whether the user has been told there is no workspace (at `initialize`, or by
        # the first call that found none): once, not on every turn of the session.
        self._told_no_workspace = False
        self._loop: BackgroundLoop | None = None
        self._database: Database | None = None

    @property
    def cache(self) -> FailureCache[uuid.UUID, RenderedIdentity]:
        return self._cache

    def bind(self, session_id: str, call: Mapping[str, object]) -> uuid.UUID | None:
        """Bind the session to the workspace its `initialize` names, or the configured
        default; a `workspace_id` that is falsy or not a UUID is refused here."""
        workspace = (
            as_workspace(call["workspace_id"])
            if "workspace_id" in call
            else self.config.default_workspace_id
        )
        self.sessions.bind(session_id, workspace)
        self.running_loop()
        if workspace is None:  # the provider warns, with the host's callback
            self._told_no_workspace = True
        else:
            self._warm(workspace)
        return workspace

    def _warm(self, workspace: uuid.UUID) -> None:
        """Start reading the identity a new session will ask for first, without waiting:
        a host builds the session's system prompt once, soon after `initialize`, and that
        turn then finds the read done rather than starting it against the turn deadline.
        Nothing starts for a fresh entry, or one in backoff after a failure."""
        entry = self._cache.lookup(workspace)
        if entry is None or (entry.error is None and not entry.is_fresh(self._clock())):
            self._start_load(workspace, entry)

    def workspace_for(self, call: Mapping[str, object]) -> uuid.UUID | None:
        workspace = self.sessions.resolve(call, self.config.default_workspace_id)
        if workspace is None and not self._told_no_workspace:
            self._told_no_workspace = True
            logger.warning(
                "isokron: no workspace_id given and no default_workspace_id configured;"
                " no identity block"
            )
        return workspace

    def block(self, call: Mapping[str, object]) -> str:
        """The call's workspace's block, or "" when the call has no workspace."""
        workspace = self.workspace_for(call)
        return "" if workspace is None else self.rendered(workspace).block

    def rendered(self, workspace_id: uuid.UUID | str) -> RenderedIdentity:
        """The workspace's block and snapshot by the turn path; raises an `IsoKronError`."""
        workspace = as_workspace(workspace_id)
        now = self._clock()
        entry = self._cache.lookup(workspace)
        if entry is not None:
            if entry.is_fresh(now):
                return _value(entry)
            if entry.in_backoff(now):
                return self._stale_or_raise(entry, now)
        future = self._start_load(workspace, entry)
        if entry is not None and isinstance(entry.error, DatabaseError):
            # An outage past its backoff: retried in the background, never waited for;
            # until that load ends, later turns do not even start one.
            entry = self._cache.mark_overdue(workspace, entry, entry.error)
            return self._stale_or_raise(entry, now)
        try:
            entry = future.result(self.turn_deadline)
        except concurrent.futures.TimeoutError as exc:
            error = DatabaseUnavailableError(
                f"reading the identity of workspace {workspace}: no answer within the turn"
                f" deadline of {self.turn_deadline:g} s; the read goes on in the background"
            )
            error.__cause__ = exc  # a TimeoutError, as a read's own timeout gives
            entry = self._cache.mark_overdue(workspace, entry, error)
        except concurrent.futures.CancelledError as exc:
            raise DatabaseUnavailableError(
                "isokron: the provider was shut down during a read"
            ) from exc
        if entry.error is None and entry.value is not None:
            return entry.value  # just loaded: served even with a TTL of 0
        return self._stale_or_raise(entry, self._clock())

    def _start_load(
        self, workspace: uuid.UUID, seen: Entry[RenderedIdentity] | None
    ) -> concurrent.futures.Future[Entry[RenderedIdentity]]:
        """The load of `workspace` on the loop: joins the one in flight, if any, or
        answers with what a load stored after `seen` was looked up."""
        try:
            return self.running_loop().submit(self._cache.load(workspace, seen))
        except LoopClosedError as exc:
            raise DatabaseUnavailableError(
                "isokron: the provider was shut down"
            ) from exc

    def invalidate(self, workspace_id: uuid.UUID | str) -> None:
        """Drop the workspace's cached identity, so the next use reads the database."""
        workspace = as_workspace(workspace_id)

        async def drop() -> None:
            self._cache.invalidate(workspace)

        try:
            self.running_loop().submit_and_wait(drop(), timeout=_CLOSE_SECONDS)
        except (TimeoutError, LoopClosedError) as exc:
            raise DatabaseUnavailableError(
                f"isokron: could not drop the cached identity of workspace {workspace}"
            ) from exc

    def running_loop(self) -> BackgroundLoop:
        with self._lock:
            if self._loop is None:
                if self.config.dsn is None:
                    raise ConfigError("isokron_dsn: not configured")
                self._database = Database(
                    self.config.dsn,
                    connect_timeout=self.config.read_timeout_seconds,
                    max_size=self.config.pool_max_size,
                )
                self._loop = BackgroundLoop()
            return self._loop

    def shutdown(self) -> None:
        """Close the pool and stop the loop; a later call starts afresh."""
        with self._lock:
            loop, database = self._loop, self._database
            self._loop = self._database = None
        self.sessions.clear()
        if loop is None:
            return
        if database is not None:
            try:
                loop.submit_and_wait(
                    database.close(timeout=_CLOSE_SECONDS), timeout=_CLOSE_SECONDS + 1
                )
            except Exception:
                logger.exception("isokron: closing the connection pool failed")
        loop.shutdown()
        self._cache.clear()  # only once the loop that owns it has stopped

    def _stale_or_raise(
        self, entry: Entry[RenderedIdentity], now: float
    ) -> RenderedIdentity:
        value = entry.servable(now)
        if value is not None:
            return value
        if entry.error is None:  # expired and not reloaded: cannot happen after a load
            raise DatabaseUnavailableError("isokron: no identity could be loaded")
        raise entry.error.detached()

    async def _load(self, workspace: uuid.UUID) -> RenderedIdentity:
        database = self._database
        if database is None:
            raise DatabaseUnavailableError(
                "isokron: the provider was shut down during a read"
            )
        snapshot = await load_identity(
            await database.pool(),
            workspace,
            actor_kind=self.config.actor_kind,
            expected_policy_paths=self.config.expected_policy_paths,
            timeout=self.config.read_timeout_seconds,
        )
        block = render_identity_block(
            snapshot, expected_policy_paths=self.config.expected_policy_paths
        )
        charter_json = json.dumps(
            snapshot.charter.content.to_json(), ensure_ascii=False
        )
        return RenderedIdentity(snapshot, block, len(charter_json))


def _value(entry: Entry[RenderedIdentity]) -> RenderedIdentity:
    assert entry.value is not None  # a fresh entry has its value
    return entry.value
