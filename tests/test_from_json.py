"""`from_json` applies KoraRoleCharterContent's TypeScript rules, naming the JSON path."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from generated.role_charter import (
    KoraRoleCharterContent,
    KoraRoleCharterSections,
    MirrorValidationError,
)
from tests.oracle import ajv_verdicts
from tests.project import CHARTER_ARRAY_FIELDS as ARRAY_FIELDS
from tests.project import CHARTER_STRING_FIELDS as STRING_FIELDS
from tests.project import CHARTER_TS, REPO_ROOT

VALID: dict[str, Any] = {
    "schema_version": 1,
    "sections": {
        "identity": "Kora, the workspace's coordinating agent.",
        "authority_can_do": ["Create SEA entries.", "Quarantine a package."],
        "authority_cannot_do": ["Override a security verdict."],
        "override_preconditions": ["The verdict is not about security or policy."],
        "escalation_triggers": ["A poison pill is released."],
        "audit_attribution": "Every action is logged with actor_kind = 'kora'.",
        "per_session_discipline": [
            "Re-read this charter.",
            "Check the policy registry.",
        ],
        "charter_modification": "Only the operator changes this charter.",
        "effective_date_clause": "Effective from activation until superseded.",
    },
}


DELETE = object()


def changed(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """VALID with the value at `path` replaced (or removed, when `value` is DELETE)."""
    document = copy.deepcopy(VALID)
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


# (document, the exact message from_json must raise); each breaks exactly one rule.
VIOLATIONS: dict[str, tuple[dict[str, Any], str]] = {
    **{
        f"{name} is a number": (
            changed(("sections", name), 7),
            f"$.sections.{name}: expected string, got int",
        )
        for name in STRING_FIELDS
    },
    **{
        f"{name} is a string": (
            changed(("sections", name), "one sentence"),
            f"$.sections.{name}: expected array, got str",
        )
        for name in ARRAY_FIELDS
    },
    "number at authority_can_do[1]": (
        changed(("sections", "authority_can_do", 1), 7),
        "$.sections.authority_can_do[1]: expected string, got int",
    ),
    "null inside per_session_discipline": (
        changed(("sections", "per_session_discipline", 0), None),
        "$.sections.per_session_discipline[0]: expected string, got null",
    ),
    "missing identity": (
        changed(("sections", "identity"), DELETE),
        "$.sections: missing required key 'identity'",
    ),
    "missing sections": (
        changed(("sections",), DELETE),
        "$: missing required key 'sections'",
    ),
    "unknown key in sections": (
        changed(("sections", "mood"), "calm"),
        "$.sections.mood: unknown key",
    ),
    "unknown top-level key": (
        changed(("version",), 1),
        "$.version: unknown key",
    ),
    "schema_version 2": (
        changed(("schema_version",), 2),
        "$.schema_version: expected 1, got 2",
    ),
    "schema_version true": (changed(("schema_version",), True), "$.schema_version: "),
    "schema_version '1'": (changed(("schema_version",), "1"), "$.schema_version: "),
    "null sections": (
        changed(("sections",), None),
        "$.sections: expected object, got null",
    ),
    "sections is a list": (
        changed(("sections",), []),
        "$.sections: expected object, got list",
    ),
}


def test_valid_document_becomes_frozen_dataclasses_with_tuples() -> None:
    content = KoraRoleCharterContent.from_json(VALID)

    assert content.schema_version == 1
    assert isinstance(content.sections, KoraRoleCharterSections)
    assert content.sections.authority_can_do == (
        "Create SEA entries.",
        "Quarantine a package.",
    )
    assert content.sections.identity == VALID["sections"]["identity"]
    with pytest.raises(AttributeError):
        content.sections.identity = "someone else"  # type: ignore[misc]


def test_to_json_round_trips() -> None:
    content = KoraRoleCharterContent.from_json(VALID)
    assert content.to_json() == VALID
    assert list(content.to_json()["sections"]) == list(VALID["sections"])
    assert KoraRoleCharterContent.from_json(content.to_json()) == content


def test_from_json_does_not_keep_the_callers_lists() -> None:
    document = copy.deepcopy(VALID)
    content = KoraRoleCharterContent.from_json(document)
    document["sections"]["authority_can_do"].append("Anything at all.")
    assert len(content.sections.authority_can_do) == 2


@pytest.mark.parametrize(
    ("document", "message"), VIOLATIONS.values(), ids=VIOLATIONS.keys()
)
def test_each_violation_is_named_by_its_json_path(
    document: dict[str, Any], message: str
) -> None:
    with pytest.raises(MirrorValidationError) as caught:
        KoraRoleCharterContent.from_json(document)

    assert isinstance(caught.value, ValueError)
    if message.endswith(": "):  # only the path is pinned; the wording is free
        assert str(caught.value).startswith(message)
        assert caught.value.path == message[:-2]
    else:
        assert str(caught.value) == message
        assert caught.value.path == message.split(": ", 1)[0]


def test_error_paths_quote_keys_that_are_not_identifiers() -> None:
    document = changed(("sections", "not an identifier"), 1)
    with pytest.raises(
        MirrorValidationError, match=re.escape("$.sections['not an identifier']")
    ):
        KoraRoleCharterContent.from_json(document)


@pytest.mark.parametrize("value", [None, "{}", 1, []])
def test_non_object_document_is_refused_at_the_root(value: object) -> None:
    with pytest.raises(MirrorValidationError, match=r"^\$: expected object, got "):
        KoraRoleCharterContent.from_json(value)


@pytest.mark.node
def test_violations_are_violations_for_typescript_too() -> None:
    # Every document above that from_json refuses, ajv (from the TypeScript type) refuses.
    documents = [VALID, *(document for document, _ in VIOLATIONS.values())]
    verdicts = ajv_verdicts(REPO_ROOT / CHARTER_TS, "KoraRoleCharterContent", documents)
    assert verdicts == [True] + [False] * len(VIOLATIONS)
