"""The capability row and `actor_has_capability`, against the generated matrix."""

from __future__ import annotations

from generated.capability_matrix import ACTOR_CAPABILITIES, ACTOR_CAPABILITY_MATRIX
from runtime.capabilities import actor_has_capability, read_capability_row

# The Kora column of the example substrate (issue 2): 22 of the 48 capabilities.
KORA_GRANTED = frozenset(
    {
        "cap_sea_create",
        "cap_sea_link_authoring",
        "cap_sea_read_view",
        "cap_read_unfiltered_relationlink",
        "cap_read_precommit_scratchpad",
        "cap_read_cross_agent_scratchpad",
        "cap_read_ticket_attachment",
        "cap_read_escalation_queue",
        "cap_write_agent_scratchpad",
        "cap_propose_class2",
        "cap_author_operations",
        "cap_request_critic_reconsideration",
        "cap_override_nonsecurity_critic_verdict",
        "cap_propose_policy_change",
        "cap_propose_convention",
        "cap_submit_declaration",
        "cap_route_intent",
        "cap_release_poison_pill",
        "cap_quarantine_package",
        "cap_request_human_escalation",
        "cap_observe_hnao",
        "cap_run_pre_screen",
    }
)
ACTORS = ("operator", "kora", "critic", "oracle", "claude_pm")


def test_kora_row_is_exactly_the_22_granted_capabilities() -> None:
    row = read_capability_row()
    assert row.actor_kind == "kora"
    assert row.granted == KORA_GRANTED
    assert len(row.denied) == 26
    assert row.granted | row.denied == frozenset(ACTOR_CAPABILITIES)
    assert not row.granted & row.denied


def test_rows_agree_with_every_matrix_cell() -> None:
    rows = {actor: read_capability_row(actor) for actor in ACTORS}
    for capability, cells in ACTOR_CAPABILITY_MATRIX.items():
        assert tuple(cells) == ACTORS
        for actor, allowed in cells.items():
            assert rows[actor].has(capability) is allowed
            assert actor_has_capability(actor, capability) is allowed


def test_unknown_capability_is_false_not_key_error() -> None:
    row = read_capability_row("kora")
    assert row.has("cap_does_not_exist") is False
    assert actor_has_capability("kora", "cap_does_not_exist") is False
    # A near miss of a granted name must not match either.
    assert actor_has_capability("kora", "cap_sea_create ") is False


def test_unknown_actor_is_granted_nothing() -> None:
    row = read_capability_row("janitor")
    assert row.granted == frozenset()
    assert row.denied == frozenset(ACTOR_CAPABILITIES)
    assert row.has("cap_sea_create") is False
    assert actor_has_capability("janitor", "cap_sea_create") is False
