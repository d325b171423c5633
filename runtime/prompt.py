"""The identity block of the system prompt, rendered from an `IdentitySnapshot`."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from generated.capability_matrix import ACTOR_CAPABILITY_MATRIX
from runtime.identity import IdentitySnapshot

NOT_SEEDED = "<not seeded>"
CLOSING_LINE = (
    "The IsoKron substrate is the source of truth: this block is a cached reading of it, "
    "and where they differ, the substrate wins."
)


def render_identity_block(
    snapshot: IdentitySnapshot, *, expected_policy_paths: Collection[str] | None = None
) -> str:
    """§1 identity, §2 can, §3 cannot, §4 policy values, §5 granted capabilities, closing line."""
    charter = snapshot.charter
    sections = charter.sections
    granted = sorted(snapshot.capabilities.granted)
    paths = sorted(set(snapshot.policies) | set(expected_policy_paths or ()))
    policy_lines = [
        f"{path} = {_policy_value(snapshot.policies, path)}" for path in paths
    ]
    parts = [
        f"## §1 Identity (Kora Role Charter v{charter.charter_version})",
        sections.identity,
        "## §2 You CAN",
        _bullets(sections.authority_can_do),
        "## §3 You CANNOT",
        _bullets(sections.authority_cannot_do),
        "## §4 Active policy values",
        _bullets(policy_lines),
        f"## §5 Granted capabilities ({len(granted)} of {len(ACTOR_CAPABILITY_MATRIX)})",
        _bullets(granted),
        CLOSING_LINE,
    ]
    return "\n\n".join(parts) + "\n"


def _policy_value(policies: Mapping[str, Any], path: str) -> str:
    if path not in policies:
        return NOT_SEEDED
    # JSON, so the string "true" and the boolean true read differently.
    return json.dumps(policies[path], ensure_ascii=False)


def _bullets(items: Iterable[str]) -> str:
    lines = [f"- {item}" for item in items]
    return "\n".join(lines) if lines else "- (none)"
