"""`IsoKronMemoryProvider`: the identity block as a Hermes-style memory provider.

The host calls it synchronously; the reads run on a `BackgroundLoop` against a lazily opened
pool, through a per-workspace TTL cache. A fresh cached snapshot is served on the caller's
thread (`TTLCache.peek`), without waking the loop; only a miss or an expired entry goes to the
loop, where concurrent misses share one load. The rendered block is kept with the snapshot it
was rendered from and reused while that snapshot is the cached one. Errors are raised, never
papered over: a host that cannot read the substrate gets no identity block rather than a
wrong one.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.background import BackgroundLoop
from runtime.cache import TTLCache
from runtime.config import (
    HermesConfig,
    ProviderConfig,
    hermes_config_schema,
    load_hermes_config,
    redacted_dsn,
    save_hermes_config,
)
from runtime.database import Database
from runtime.errors import ConfigError, DatabaseUnavailableError
from runtime.identity import IdentitySnapshot, load_identity
from runtime.prompt import render_identity_block

if TYPE_CHECKING:
    _MemoryProviderBase = object
else:
    try:  # a real Hermes MemoryProvider when the agent is importable
        from agent.memory_provider import MemoryProvider as _MemoryProviderBase
    except ImportError:
        _MemoryProviderBase = object

logger = logging.getLogger(__name__)

# How long a synchronous call waits beyond the read timeout before giving up on the loop.
_GRACE_SECONDS = 1.0


class IsoKronMemoryProvider(_MemoryProviderBase):
    """Hermes' `MemoryProvider`, whole; context only: it exposes no tools, stores nothing,
    and its every hook past the identity block is a deliberate no-op."""

    name = "isokron"

    def __init__(
        self,
        config: Mapping[str, object] | ProviderConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if isinstance(config, ProviderConfig):
            self.config = config
        else:
            self.config = ProviderConfig.from_mapping(config or {}, environ=environ)
        self.session_id = ""
        self.hermes: HermesConfig | None = None  # set when read from a Hermes home
        self._warning_callback: Callable[[str], object] | None = None
        self._workspace_id: uuid.UUID | None = None  # the last one the host named
        self._lock = threading.Lock()
        self._loop: BackgroundLoop | None = None
        self._database: Database | None = None
        self._cache: TTLCache[uuid.UUID, IdentitySnapshot] = TTLCache(
            self.config.cache_ttl_seconds, clock=clock
        )
        # workspace -> (snapshot, its block). Replaced whole, read by identity (`is`), so a
        # block is only ever served for the very snapshot it was rendered from.
        self._blocks: dict[uuid.UUID, tuple[IdentitySnapshot, str]] = {}

    # -- the MemoryProvider interface ------------------------------------------------------

    def is_available(self) -> bool:
        """Configured with a DSN; makes no network call."""
        return self.config.dsn is not None

    def initialize(self, session_id: str, **kwargs: Any) -> None:
        self.session_id = session_id
        callback = kwargs.get("warning_callback")
        self._warning_callback = callback if callable(callback) else None
        self._remember_workspace(kwargs)
        self._running_loop()
        if self._workspace_id is None and self.config.default_workspace_id is None:
            self._warn(
                "isokron: no default_workspace_id is configured and the host names no"
                " workspace, so there is no identity block"
            )

    def get_tool_schemas(self) -> list[dict[str, Any]]:
        return []

    def system_prompt_block(self, **kwargs: Any) -> str:
        """The §1 to §5 identity block for the current workspace, or "" when there is none."""
        workspace_id = self._workspace_for(kwargs)
        if workspace_id is None:
            return ""
        snapshot = self.identity(workspace_id)
        rendered = self._blocks.get(workspace_id)
        if rendered is not None and rendered[0] is snapshot:
            return rendered[1]
        block = render_identity_block(
            snapshot, expected_policy_paths=self.config.expected_policy_paths
        )
        self._blocks[workspace_id] = (snapshot, block)
        return block

    def on_turn_start(self, turn_number: int, message: str, **kwargs: Any) -> None:
        """Refresh the cached identity when it is stale; the three reads run concurrently."""
        self._remember_workspace(kwargs)
        workspace_id = self._workspace_for(kwargs)
        if workspace_id is not None:
            self.identity(workspace_id)

    def prefetch(self, query: str, *, session_id: str = "") -> str:
        # The identity belongs in the system prompt, not in per-turn recall.
        return ""

    def shutdown(self) -> None:
        """Close the pool and stop the loop; a later call starts afresh."""
        with self._lock:
            loop, database = self._loop, self._database
            self._loop = self._database = None
        if loop is None:
            return
        if database is not None:
            try:
                loop.submit_and_wait(
                    database.close(timeout=2.0), timeout=2.0 + _GRACE_SECONDS
                )
            except Exception:
                logger.exception("isokron: closing the connection pool failed")
        loop.shutdown()
        self._cache.clear()  # only once the loop that owns it has stopped
        self._blocks.clear()

    # -- the rest of Hermes' MemoryProvider: a context-only provider's answers -------------

    @classmethod
    def from_hermes_home(cls, home: Path | None = None) -> IsoKronMemoryProvider:
        """Configured from a Hermes home (see `load_hermes_config`). A wrong configuration
        does not raise: Hermes would drop the plugin with a DEBUG line. The provider is
        made unavailable, the problem is logged at WARNING and `hermes memory status`
        shows it."""
        loaded = load_hermes_config(home)
        provider = cls(loaded.config)
        provider.hermes = loaded
        return provider

    def queue_prefetch(self, query: str, *, session_id: str = "") -> None:
        """Nothing to recall per turn; `on_turn_start` keeps the identity fresh."""

    def sync_turn(
        self,
        user_content: str,
        assistant_content: str,
        *,
        session_id: str = "",
        messages: list[dict[str, Any]] | None = None,
    ) -> None:
        """Conversations are not stored: the substrate, not the chat, is the identity."""

    def handle_tool_call(
        self, tool_name: str, args: dict[str, Any], **kwargs: Any
    ) -> str:
        """There are no tools; Hermes routes none here, and a stray call gets a JSON error."""
        return json.dumps(
            {"error": f"isokron exposes no tools; {tool_name!r} is not one"}
        )

    def on_session_end(self, messages: list[dict[str, Any]]) -> None:
        """Nothing to extract from a finished session."""

    def on_session_switch(
        self,
        new_session_id: str,
        *,
        parent_session_id: str = "",
        reset: bool = False,
        rewound: bool = False,
        **kwargs: Any,
    ) -> None:
        """Follow the new session id; a new conversation (`reset`) reads the identity
        afresh, as the charter's per-session discipline asks."""
        self.session_id = new_session_id
        workspace_id = self._workspace_id or self.config.default_workspace_id
        if reset and workspace_id is not None:
            self.invalidate(workspace_id)

    def on_pre_compress(self, messages: list[dict[str, Any]]) -> str:
        """The identity lives in the system prompt, which compression keeps."""
        return ""

    def on_delegation(
        self, task: str, result: str, *, child_session_id: str = "", **kwargs: Any
    ) -> None:
        """A subagent's work changes nothing in the substrate's identity."""

    def on_memory_write(
        self,
        action: str,
        target: str,
        content: str,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Built-in memory writes are not mirrored: the identity is read-only here."""

    def get_config_schema(self) -> list[dict[str, Any]]:
        return hermes_config_schema()

    def save_config(self, values: dict[str, Any], hermes_home: str) -> None:
        """`hermes memory setup`: the non-secret values go to `memory.isokron` in
        config.yaml (the DSN, a secret, goes to `.env` as ISOKRON_DSN, by Hermes)."""
        save_hermes_config(values, Path(hermes_home))

    def backup_paths(self) -> list[str]:
        """Everything lives in Postgres and HERMES_HOME; nothing else on disk."""
        return []

    def get_status_config(self, provider_config: Mapping[str, Any]) -> dict[str, Any]:
        """What `hermes memory status` prints: the state, why, and the effective values
        (the DSN's password hidden)."""
        if self.hermes is not None and self.hermes.problem is not None:
            return {"state": f"{self.hermes.state}: {self.hermes.problem}"}
        config = self.config
        if config.dsn is None:
            return {"state": "not configured: no isokron_dsn"}
        workspace = config.default_workspace_id
        return {
            "state": "configured",
            "isokron_dsn": redacted_dsn(config.dsn),
            "default_workspace_id": str(workspace) if workspace else "(none)",
            "actor_kind": config.actor_kind,
            "cache_ttl_seconds": config.cache_ttl_seconds,
            "read_timeout_seconds": config.read_timeout_seconds,
            "pool_max_size": config.pool_max_size,
        }

    def _warn(self, message: str) -> None:
        """A problem the user must see: at WARNING, and through Hermes' callback."""
        logger.warning("%s", message)
        if self._warning_callback is not None:
            try:
                self._warning_callback(message)
            except Exception:
                logger.debug(
                    "isokron: the host's warning callback failed", exc_info=True
                )

    # -- beyond the interface --------------------------------------------------------------

    def identity(self, workspace_id: uuid.UUID | str) -> IdentitySnapshot:
        """The workspace's identity snapshot, from the cache or read afresh."""
        workspace = _workspace_uuid(workspace_id)
        cached = self._cache.peek(workspace)
        if cached is not None:  # fresh by the cache's clock: no hop to the loop
            return cached
        loop = self._running_loop()
        timeout = self.config.read_timeout_seconds
        try:
            return loop.submit_and_wait(
                self._cache.get(workspace, lambda: self._load(workspace)),
                timeout=timeout + _GRACE_SECONDS,
            )
        except TimeoutError as exc:  # the reads time out first; this is the backstop
            raise DatabaseUnavailableError(
                f"reading the identity of workspace {workspace}: no answer within {timeout:g} s"
            ) from exc

    def invalidate(self, workspace_id: uuid.UUID | str) -> None:
        """Drop the workspace's cached identity, so the next use reads the database."""
        workspace = _workspace_uuid(workspace_id)

        async def drop() -> None:
            self._cache.invalidate(workspace)

        self._running_loop().submit_and_wait(drop(), timeout=_GRACE_SECONDS)

    async def _load(self, workspace_id: uuid.UUID) -> IdentitySnapshot:
        database = self._database
        if database is None:
            raise RuntimeError("isokron: the provider was shut down during a read")
        return await load_identity(
            await database.pool(),
            workspace_id,
            actor_kind=self.config.actor_kind,
            expected_policy_paths=self.config.expected_policy_paths,
            timeout=self.config.read_timeout_seconds,
        )

    def _running_loop(self) -> BackgroundLoop:
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

    def _remember_workspace(self, kwargs: Mapping[str, Any]) -> None:
        if kwargs.get("workspace_id"):
            self._workspace_id = _workspace_uuid(kwargs["workspace_id"])

    def _workspace_for(self, kwargs: Mapping[str, Any]) -> uuid.UUID | None:
        if kwargs.get("workspace_id"):
            return _workspace_uuid(kwargs["workspace_id"])
        workspace_id = self._workspace_id or self.config.default_workspace_id
        if workspace_id is None:
            logger.warning(
                "isokron: no workspace_id given and no default_workspace_id configured;"
                " no identity block"
            )
        return workspace_id


def _workspace_uuid(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValueError(f"workspace_id must be a UUID, got {value!r}") from None


def register(ctx: Any, config: Mapping[str, object] | None = None) -> None:
    """Plugin entry point: hands the host a provider configured from `config`, or, as
    Hermes calls it (no config), from the Hermes home: `memory.isokron.*` in config.yaml
    over `ISOKRON_*`."""
    ctx.register_memory_provider(
        IsoKronMemoryProvider(config)
        if config is not None
        else IsoKronMemoryProvider.from_hermes_home()
    )
