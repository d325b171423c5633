"""`IsoKronMemoryProvider`: the identity block as a Hermes memory provider (a subclass of
Hermes' `MemoryProvider` when the agent is importable, the same members either way).

The host calls it synchronously. Each session's workspace is bound at `initialize`
(`runtime.sessions`); the reads run on a `BackgroundLoop` against a lazily opened pool,
through a bounded cache of rendered blocks that also remembers failures
(`runtime.identity_service`, `runtime.cache`). A fresh block is served on the caller's
thread without waking the loop; a turn never waits on the database longer than the turn
deadline, and after a failure not at all. Errors are `runtime.errors`' own, never papered
over: a host that cannot read the substrate gets no identity block, or during an outage the
last good one within bounded staleness, never a wrong one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.cache import CachePolicy
from runtime.config import (
    HermesConfig,
    ProviderConfig,
    hermes_config_schema,
    load_hermes_config,
    redacted_dsn,
    save_hermes_config,
)
from runtime.errors import ConfigError
from runtime.identity import IdentitySnapshot
from runtime.identity_service import IdentityService

if TYPE_CHECKING:
    _MemoryProviderBase = object
else:
    try:  # a real Hermes MemoryProvider when the agent is importable
        from agent.memory_provider import MemoryProvider as _MemoryProviderBase
    except ImportError:
        _MemoryProviderBase = object

logger = logging.getLogger(__name__)


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
        cache_policy: CachePolicy | None = None,
        turn_deadline: float | None = None,
    ) -> None:
        if isinstance(config, ProviderConfig):
            self.config = config
        else:
            self.config = ProviderConfig.from_mapping(config or {}, environ=environ)
        self.session_id = ""
        self.hermes: HermesConfig | None = None  # set when read from a Hermes home
        self._warning_callback: Callable[[str], object] | None = None
        # Sessions, cache, pool and loop; the DSN is validated here (ConfigError).
        self._service = IdentityService(
            self.config, clock=clock, policy=cache_policy, turn_deadline=turn_deadline
        )

    # -- the MemoryProvider interface ------------------------------------------------------

    def is_available(self) -> bool:
        """Configured with a DSN; makes no network call."""
        return self.config.dsn is not None

    def initialize(self, session_id: str, **kwargs: Any) -> None:
        self.session_id = session_id
        callback = kwargs.get("warning_callback")
        self._warning_callback = callback if callable(callback) else None
        problem = self.configuration_problem()
        if problem is not None:  # a host that initializes it anyway hears why it is off
            self._warn(f"isokron: {problem}; no identity block")
            return
        workspace = self._service.bind(session_id, kwargs)
        if workspace is None:
            self._warn(
                "isokron: no default_workspace_id is configured and the host names no"
                " workspace, so there is no identity block"
            )

    def get_tool_schemas(self) -> list[dict[str, Any]]:
        return []

    def system_prompt_block(self, **kwargs: Any) -> str:
        """The §1 to §5 identity block of the call's session, or "" when it has no workspace.

        The workspace is the one bound at `initialize` to `session_id` (or, with no
        `session_id`, to the provider's only session), or a `workspace_id` this call names;
        never one a previous call named (`runtime.sessions`). The turn path never waits on
        the database longer than the turn deadline (`runtime.identity_service`).
        """
        return self._service.block(kwargs)

    def on_turn_start(self, turn_number: int, message: str, **kwargs: Any) -> None:
        """Refresh the cached identity when it is stale; the three reads run concurrently.
        Remembers nothing of `kwargs` for later calls."""
        workspace = self._service.workspace_for(kwargs)
        if workspace is not None:
            self._service.rendered(workspace)

    def prefetch(self, query: str, *, session_id: str = "") -> str:
        # The identity belongs in the system prompt, not in per-turn recall.
        return ""

    def shutdown(self) -> None:
        """Close the pool and stop the loop, forget the sessions; a later call starts afresh."""
        self._service.shutdown()

    # -- the rest of Hermes' MemoryProvider: a context-only provider's answers -------------

    @classmethod
    def from_hermes_home(cls, home: Path | None = None) -> IsoKronMemoryProvider:
        """Configured from a Hermes home (see `load_hermes_config`). A wrong configuration
        does not raise: Hermes would drop the plugin with a DEBUG line. The provider is
        made unavailable, the problem is logged at WARNING and `hermes memory status`
        shows it."""
        loaded = load_hermes_config(home)
        try:
            provider = cls(loaded.config)
        except ConfigError as error:  # a check beyond load_hermes_config's
            logger.warning("isokron: misconfigured, the provider stays off: %s", error)
            loaded = dataclasses.replace(
                loaded,
                state="misconfigured",
                problem=str(error),
                config=ProviderConfig(),
            )
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
        """Follow the new session id (`SessionBindings.switch`); a new conversation
        (`reset`) reads the identity afresh, as the charter's per-session discipline asks."""
        self.session_id = new_session_id
        sessions = self._service.sessions
        if sessions.switch(new_session_id, parent_session_id) and reset:
            workspace_id = sessions.bound(new_session_id)
            if workspace_id is not None:
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
        hermes = self.hermes
        return hermes_config_schema(
            dsn_in_config_yaml=hermes is not None and hermes.dsn_in_config_yaml
        )

    def save_config(self, values: dict[str, Any], hermes_home: str) -> None:
        """`hermes memory setup`: the non-secret values go to `memory.isokron` in
        config.yaml (the DSN, a secret, goes to `.env` as ISOKRON_DSN, by Hermes)."""
        save_hermes_config(values, Path(hermes_home))

    def backup_paths(self) -> list[str]:
        """Everything lives in Postgres and HERMES_HOME; nothing else on disk."""
        return []

    def configuration_problem(self) -> str | None:
        """Why the provider cannot run ("misconfigured: ..." or "not configured: ..."),
        or None."""
        if self.hermes is not None and self.hermes.problem is not None:
            return f"{self.hermes.state}: {self.hermes.problem}"
        if self.config.dsn is None:
            return "not configured: no isokron_dsn"
        return None

    def get_status_config(self, provider_config: Mapping[str, Any]) -> dict[str, Any]:
        """What `hermes memory status` prints: the state, why, and the effective values
        (the DSN's password hidden)."""
        problem = self.configuration_problem()
        if problem is not None:
            return {"state": problem}
        config = self.config
        assert config.dsn is not None  # no problem: a DSN
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
        """The workspace's identity snapshot, by the same path as the block."""
        return self._service.rendered(workspace_id).snapshot

    def invalidate(self, workspace_id: uuid.UUID | str) -> None:
        """Drop the workspace's cached identity, so the next use reads the database."""
        self._service.invalidate(workspace_id)


def register(ctx: Any, config: Mapping[str, object] | None = None) -> None:
    """Plugin entry point: hands the host a provider configured from `config`, or, as
    Hermes calls it (no config), from the Hermes home: `memory.isokron.*` in config.yaml
    over `ISOKRON_*`."""
    ctx.register_memory_provider(
        IsoKronMemoryProvider(config)
        if config is not None
        else IsoKronMemoryProvider.from_hermes_home()
    )
