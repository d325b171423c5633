"""The identity block, rendered from a snapshot built without a database."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from types import MappingProxyType

from generated.capability_matrix import ACTOR_CAPABILITIES
from generated.role_charter import KoraRoleCharterContent
from runtime.capabilities import read_capability_row
from runtime.identity import IdentitySnapshot
from runtime.prompt import CLOSING_LINE, render_identity_block
from runtime.reads import RoleCharter, content_hash
from tests.runtime.pg_substrate import CHARTER_CONTENT, CHARTER_MD, POLICIES
from tests.runtime.test_runtime_capabilities import KORA_GRANTED


def snapshot(actor: str = "kora") -> IdentitySnapshot:
    workspace_id = uuid.uuid4()
    charter = RoleCharter(
        id=uuid.uuid4(),
        workspace_id=workspace_id,
        charter_version="1.2.0",
        schema_version=1,
        content_md=CHARTER_MD,
        content_hash=content_hash(CHARTER_MD),
        content=KoraRoleCharterContent.from_json(CHARTER_CONTENT),
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    return IdentitySnapshot(
        workspace_id,
        charter,
        MappingProxyType(dict(POLICIES)),
        read_capability_row(actor),
    )


def sections(block: str) -> dict[str, list[str]]:
    """Heading -> non-empty lines under it."""
    found: dict[str, list[str]] = {}
    body = block.replace(CLOSING_LINE, "")
    for chunk in re.split(r"^## ", body, flags=re.MULTILINE)[1:]:
        heading, *body = chunk.splitlines()
        found[heading] = [line for line in body if line]
    return found


def test_block_has_the_five_sections_in_order_and_the_closing_line() -> None:
    block = render_identity_block(snapshot())
    assert list(sections(block)) == [
        "§1 Identity (Kora Role Charter v1.2.0)",
        "§2 You CAN",
        "§3 You CANNOT",
        "§4 Active policy values",
        "§5 Granted capabilities (22 of 48)",
    ]
    assert block.rstrip("\n").endswith(CLOSING_LINE)
    assert "source of truth" in CLOSING_LINE


def test_identity_can_and_cannot_come_from_the_charter() -> None:
    found = sections(render_identity_block(snapshot()))
    content = CHARTER_CONTENT["sections"]
    assert found["§1 Identity (Kora Role Charter v1.2.0)"] == [content["identity"]]
    assert found["§2 You CAN"] == [f"- {item}" for item in content["authority_can_do"]]
    assert found["§3 You CANNOT"] == [
        f"- {item}" for item in content["authority_cannot_do"]
    ]


def test_policy_values_are_json_and_missing_expected_ones_are_marked() -> None:
    expected = [*POLICIES, "policy.not.seeded"]
    found = sections(render_identity_block(snapshot(), expected_policy_paths=expected))
    assert found["§4 Active policy values"] == [
        '- policy.budget = {"daily_usd": 12.5, "hard_stop": null}',
        "- policy.escalation.max_open = 3",
        "- policy.not.seeded = <not seeded>",
        '- policy.routing.fallback_order = ["critic", "operator"]',
        "- policy.sea.auto_condense = true",
        '- policy.voice.provider = "elevenlabs"',
    ]


def test_granted_capabilities_are_exactly_the_22_sorted() -> None:
    block = render_identity_block(snapshot())
    listed = sections(block)["§5 Granted capabilities (22 of 48)"]
    assert listed == [f"- {name}" for name in sorted(KORA_GRANTED)]
    for denied in set(ACTOR_CAPABILITIES) - KORA_GRANTED:
        assert denied not in block


def test_an_actor_with_nothing_granted_says_so() -> None:
    block = render_identity_block(snapshot(actor="janitor"))
    assert sections(block)["§5 Granted capabilities (0 of 48)"] == ["- (none)"]
