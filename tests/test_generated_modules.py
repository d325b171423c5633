"""The committed mirrors, imported and used as a service would use them.

The Kora column is pinned to issue 2 (22 granted, 26 denied, 48 in all); the whole
matrix is compared with Node's own evaluation of the TypeScript.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import get_args, get_type_hints

import pytest

import generated
from generated import capability_matrix as cm
from generated import role_charter
from tests.oracle import node_evaluate
from tests.project import MATRIX_TS, REPO_ROOT, run_tsmirror

ACTORS = ("operator", "kora", "critic", "oracle", "claude_pm")


def test_forty_eight_capabilities_sea_first() -> None:
    assert len(cm.ACTOR_CAPABILITIES) == 48
    assert len(set(cm.ACTOR_CAPABILITIES)) == 48
    assert cm.ACTOR_CAPABILITIES == cm.SEA_CAPABILITIES + cm.KORA_BROADER_CAPABILITIES
    assert (len(cm.SEA_CAPABILITIES), len(cm.KORA_BROADER_CAPABILITIES)) == (24, 24)


def test_kora_holds_22_and_is_denied_26() -> None:
    kora = {cap: row["kora"] for cap, row in cm.ACTOR_CAPABILITY_MATRIX.items()}
    granted = [cap for cap, held in kora.items() if held is True]
    denied = [cap for cap, held in kora.items() if held is False]
    assert (len(granted), len(denied)) == (22, 26)
    assert "cap_override_security_or_policy_verdict" in denied
    assert "cap_override_nonsecurity_critic_verdict" in granted


def test_matrix_rows_follow_actor_capabilities_and_name_every_actor() -> None:
    assert tuple(cm.ACTOR_CAPABILITY_MATRIX) == cm.ACTOR_CAPABILITIES
    for capability, row in cm.ACTOR_CAPABILITY_MATRIX.items():
        assert tuple(row) == ACTORS, capability
        assert all(type(cell) is bool for cell in row.values()), capability


def test_literal_aliases_equal_the_values_they_mirror() -> None:
    assert get_args(cm.ActorCapability) == cm.ACTOR_CAPABILITIES
    assert get_args(cm.HumanOrAiActorKind) == ACTORS


def test_values_are_read_only() -> None:
    assert isinstance(cm.ACTOR_CAPABILITY_MATRIX, MappingProxyType)
    row = cm.ACTOR_CAPABILITY_MATRIX["cap_sea_create"]
    assert isinstance(row, MappingProxyType)
    for sequence in (cm.ACTOR_CAPABILITIES, cm.SEA_CAPABILITIES):
        assert isinstance(sequence, tuple)
    with pytest.raises(TypeError):
        cm.ACTOR_CAPABILITY_MATRIX["cap_new"] = row  # type: ignore[index]
    with pytest.raises(TypeError):
        row["kora"] = True  # type: ignore[index]


def test_matrix_annotation_is_precise() -> None:
    hints = get_type_hints(cm)
    assert (
        hints["ACTOR_CAPABILITY_MATRIX"].__args__[0]
        == Mapping[cm.ActorCapability, Mapping[cm.HumanOrAiActorKind, bool]]
    )


def test_package_lists_its_mirrors() -> None:
    assert generated.__doc__ is not None
    assert "capability_matrix, role_charter" in generated.__doc__
    assert role_charter.KoraRoleCharterContent.__module__ == "generated.role_charter"


def as_json(value: object) -> object:
    if isinstance(value, Mapping):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [as_json(item) for item in value]
    return value


@pytest.mark.node
def test_whole_matrix_equals_node_evaluation() -> None:
    capabilities, matrix = node_evaluate(
        REPO_ROOT / MATRIX_TS, "ACTOR_CAPABILITIES", "ACTOR_CAPABILITY_MATRIX"
    )
    # json.loads keeps key order, so this compares row and actor order too.
    node_matrix = json.loads(matrix)
    assert json.dumps(as_json(cm.ACTOR_CAPABILITY_MATRIX)) == json.dumps(node_matrix)
    assert list(cm.ACTOR_CAPABILITIES) == json.loads(capabilities)


@pytest.mark.node
def test_extract_prints_the_matrix_exactly_as_node_does() -> None:
    [node_json] = node_evaluate(REPO_ROOT / MATRIX_TS, "ACTOR_CAPABILITY_MATRIX")

    result = run_tsmirror(
        "extract", MATRIX_TS, "ACTOR_CAPABILITY_MATRIX", cwd=REPO_ROOT
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == node_json + "\n"
