"""The three reads behind the identity block, fetched together for one workspace."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from runtime.capabilities import CapabilityRow, read_capability_row
from runtime.reads import (
    ConnectionSource,
    RoleCharter,
    read_active_role_charter,
    read_policy_registry,
)


@dataclass(frozen=True, slots=True)
class IdentitySnapshot:
    """Everything the identity block shows, as read at one moment for one workspace."""

    workspace_id: uuid.UUID
    charter: RoleCharter
    policies: Mapping[str, Any]
    capabilities: CapabilityRow


async def load_identity(
    source: ConnectionSource,
    workspace_id: uuid.UUID,
    *,
    actor_kind: str,
    expected_policy_paths: Collection[str] | None,
    timeout: float,
) -> IdentitySnapshot:
    """Run the charter, policy and capability reads concurrently; any failure fails the whole."""
    charter, policies, capabilities = await asyncio.gather(
        read_active_role_charter(source, workspace_id, timeout=timeout),
        read_policy_registry(
            source, workspace_id, expected_paths=expected_policy_paths, timeout=timeout
        ),
        _read_capability_row(actor_kind),
    )
    return IdentitySnapshot(workspace_id, charter, policies, capabilities)


async def _read_capability_row(actor_kind: str) -> CapabilityRow:
    # In memory, from the generated matrix; a coroutine only so it joins the gather.
    return _capability_row(actor_kind)


# The matrix is a constant: one row per actor kind, shared by every snapshot.
_capability_row = functools.lru_cache(maxsize=64)(read_capability_row)
