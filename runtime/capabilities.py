"""Capability rows read from the generated mirror of `ACTOR_CAPABILITY_MATRIX`.

The semantics follow TypeScript's `actorHasCapability`: a capability the matrix does not know,
or an actor it does not know, is `False`. Nothing here raises `KeyError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard, get_args

from generated.capability_matrix import (
    ACTOR_CAPABILITY_MATRIX,
    ActorCapability,
    HumanOrAiActorKind,
)

_ACTOR_KINDS: frozenset[str] = frozenset(get_args(HumanOrAiActorKind))


def is_actor_capability(name: str) -> TypeGuard[ActorCapability]:
    """Whether `name` is one of the capabilities in the mirrored matrix."""
    return name in ACTOR_CAPABILITY_MATRIX


def is_actor_kind(name: str) -> TypeGuard[HumanOrAiActorKind]:
    """Whether `name` is one of the actor kinds the matrix has a column for."""
    return name in _ACTOR_KINDS


@dataclass(frozen=True, slots=True)
class CapabilityRow:
    """One actor's column of the matrix: what it is granted and what it is denied."""

    actor_kind: str
    granted: frozenset[ActorCapability]
    denied: frozenset[ActorCapability]

    def has(self, capability: str) -> bool:
        """Whether the actor is granted `capability`; an unknown capability is `False`."""
        return capability in self.granted


def actor_has_capability(actor: str, capability: str) -> bool:
    """`actorHasCapability`: true only when the matrix cell is exactly `true`."""
    if not (is_actor_capability(capability) and is_actor_kind(actor)):
        return False
    return ACTOR_CAPABILITY_MATRIX[capability].get(actor) is True


def read_capability_row(actor: str = "kora") -> CapabilityRow:
    """The actor's row; an unknown actor is granted nothing and denied everything."""
    granted = frozenset(
        c for c in ACTOR_CAPABILITY_MATRIX if actor_has_capability(actor, c)
    )
    denied = frozenset(c for c in ACTOR_CAPABILITY_MATRIX if c not in granted)
    return CapabilityRow(actor_kind=actor, granted=granted, denied=denied)
