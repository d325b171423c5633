"""The example substrate is valid TypeScript, and the Node oracle reads it correctly.

Everything else compares tsmirror with this oracle, so these tests pin both
ends: the example to issue 2's Kora column, and the oracle to TypeScript.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.oracle import OracleError, ajv_verdicts, node_evaluate, tsc

SUBSTRATE = Path(__file__).resolve().parent.parent / "examples" / "substrate"
CAPABILITY_MATRIX = (
    SUBSTRATE / "packages" / "sea-mcp-server" / "src" / "capability-matrix.ts"
)
ROLE_CHARTER = (
    SUBSTRATE / "packages" / "sb1-substrate-shapes" / "src" / "kora-role-charter.ts"
)

# Copied from issue 2, in source order; "(kora)" marks the capabilities Kora holds.
# Written out here rather than read from the example, so an edit to the example's
# Kora column fails this test instead of moving the expectation with it.
ISSUE_2_CAPABILITIES = """
cap_sea_create (kora), cap_sea_edit_field, cap_sea_link_authoring (kora), cap_sea_set_status,
cap_sea_set_priority, cap_sea_add_narrative, cap_sea_claim_for_edit, cap_sea_condense,
cap_sea_seed_intake, cap_sea_modify_condensation_draft, cap_sea_request_deletion,
cap_sea_approve_deletion, cap_sea_read_private_notes, cap_sea_bulk_import,
cap_sea_propose_actor_window_rollback, cap_sea_confirm_actor_window_rollback,
cap_sea_read_view (kora), cap_sea_claim_pair_for_link, cap_sea_force_release_claim,
cap_critic_flag_advisory_link_type, cap_run_full_advisory_pass, cap_cancel_condensation_session,
cap_cancel_advisory_pass, cap_resume_rollback,
cap_read_unfiltered_relationlink (kora), cap_read_precommit_scratchpad (kora),
cap_read_cross_agent_scratchpad (kora), cap_read_ticket_attachment (kora),
cap_read_escalation_queue (kora), cap_write_agent_scratchpad (kora), cap_propose_class2 (kora),
cap_author_operations (kora), cap_request_critic_reconsideration (kora),
cap_override_nonsecurity_critic_verdict (kora), cap_override_security_or_policy_verdict,
cap_propose_policy_change (kora), cap_propose_convention (kora), cap_submit_declaration (kora),
cap_route_intent (kora), cap_release_poison_pill (kora), cap_quarantine_package (kora),
cap_request_human_escalation (kora), cap_observe_hnao (kora), cap_run_pre_screen (kora),
cap_operator_approve_policy_change, cap_operator_bless_convention, cap_operator_ack_escalation,
cap_operator_update_policy
"""
ISSUE_2_ENTRIES = [entry.split() for entry in ISSUE_2_CAPABILITIES.split(",")]
EXPECTED_ORDER = [words[0] for words in ISSUE_2_ENTRIES]
EXPECTED_KORA = {words[0]: words[1:] == ["(kora)"] for words in ISSUE_2_ENTRIES}

VALID_SECTIONS = {
    "identity": "Kora, the workspace's coordinating agent.",
    "authority_can_do": ["Create SEA entries.", "Quarantine a package."],
    "authority_cannot_do": ["Override a security verdict."],
    "override_preconditions": ["The critic's verdict is not about security or policy."],
    "escalation_triggers": ["A poison pill is released."],
    "audit_attribution": "Every action is logged with actor_kind = 'kora'.",
    "per_session_discipline": ["Re-read this charter."],
    "charter_modification": "Only the operator changes this charter.",
    "effective_date_clause": "Effective from activation until superseded.",
}


def test_issue_2_list_is_transcribed_whole() -> None:
    # Guards the transcription above: a lost comma would merge two names.
    assert len(EXPECTED_ORDER) == len(set(EXPECTED_ORDER)) == 48
    assert sum(EXPECTED_KORA.values()) == 22


@pytest.mark.node
def test_substrate_passes_tsc_strict() -> None:
    result = tsc("--strict", "--noEmit", "-p", str(SUBSTRATE))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.node
def test_node_evaluates_kora_column_as_issue_2_lists() -> None:
    capabilities_json, matrix_json = node_evaluate(
        CAPABILITY_MATRIX, "ACTOR_CAPABILITIES", "ACTOR_CAPABILITY_MATRIX"
    )
    capabilities = json.loads(capabilities_json)
    matrix = json.loads(matrix_json)

    assert capabilities == EXPECTED_ORDER
    assert list(matrix) == capabilities
    assert {cap: row["kora"] for cap, row in matrix.items()} == EXPECTED_KORA
    kora = [row["kora"] for row in matrix.values()]
    assert (kora.count(True), kora.count(False)) == (22, 26)
    for cap, row in matrix.items():
        assert list(row) == ["operator", "kora", "critic", "oracle", "claude_pm"], cap
        assert all(isinstance(cell, bool) for cell in row.values()), cap
        if cap.startswith("cap_operator_"):
            assert row["operator"] is True, cap


@pytest.mark.node
def test_node_evaluate_refuses_a_name_that_is_not_a_value() -> None:
    # Types are erased at runtime; the oracle must say so, not print "undefined".
    with pytest.raises(OracleError, match="ActorCapability is not exported as a value"):
        node_evaluate(CAPABILITY_MATRIX, "ActorCapability")


@pytest.mark.node
def test_node_evaluate_follows_relative_workspace_and_paths_imports(
    tmp_path: Path,
) -> None:
    # The case-folder layout the differential suite relies on: a workspace
    # package reached through a node_modules symlink, another through tsconfig
    # `paths`, and a relative import of a folder's index.ts without extension.
    package = tmp_path / "packages" / "caps"
    (package / "src").mkdir(parents=True)
    (package / "package.json").write_text(
        '{"name": "@case/caps", "version": "0.0.0", "main": "src/index.ts"}'
    )
    (package / "src" / "index.ts").write_text(
        "export enum Cap { PullRead = 'pull_read' }\nexport const CAPS = [Cap.PullRead, 0x10];\n"
    )
    (tmp_path / "node_modules" / "@case").mkdir(parents=True)
    os.symlink(package, tmp_path / "node_modules" / "@case" / "caps")
    (tmp_path / "tsconfig.json").write_text(
        '{"compilerOptions": {"strict": true, "paths": {"~caps/*": ["./packages/caps/src/*"]}}}'
    )
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "index.ts").write_text(
        "export const BASE = { b: 1, a: 2 } as const;\n"
    )
    (tmp_path / "main.ts").write_text(
        "import { BASE } from './lib';\n"
        "import { CAPS } from '@case/caps';\n"
        "import { Cap } from '~caps/index';\n"
        "export const OUT = { ...BASE, a: Cap.PullRead, caps: CAPS };\n"
    )

    assert node_evaluate(tmp_path / "main.ts", "OUT") == [
        '{"b":1,"a":"pull_read","caps":["pull_read",16]}'
    ]


@pytest.mark.node
def test_ajv_judges_charter_content_documents() -> None:
    # Each invalid document breaks exactly one rule of KoraRoleCharterContent.
    documents: dict[str, object] = {
        "valid": {"schema_version": 1, "sections": VALID_SECTIONS},
        "extra key": {
            "schema_version": 1,
            "sections": VALID_SECTIONS,
            "unexpected": True,
        },
        "extra key in sections": {
            "schema_version": 1,
            "sections": {**VALID_SECTIONS, "unexpected": "x"},
        },
        "schema_version 2": {"schema_version": 2, "sections": VALID_SECTIONS},
        "number in authority_can_do": {
            "schema_version": 1,
            "sections": {
                **VALID_SECTIONS,
                "authority_can_do": ["Create SEA entries.", 7],
            },
        },
        "missing identity": {
            "schema_version": 1,
            "sections": {k: v for k, v in VALID_SECTIONS.items() if k != "identity"},
        },
    }
    verdicts = ajv_verdicts(
        ROLE_CHARTER, "KoraRoleCharterContent", list(documents.values())
    )
    assert dict(zip(documents, verdicts, strict=True)) == {
        "valid": True,
        "extra key": False,
        "extra key in sections": False,
        "schema_version 2": False,
        "number in authority_can_do": False,
        "missing identity": False,
    }
