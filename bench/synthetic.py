"""Synthetic substrates: capability matrices shaped like the real one, at any size, and the
config that mirrors them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

ACTORS = (
    "operator",
    "kora",
    "critic",
    "oracle",
    "claude_pm",
    "auditor",
    "scheduler",
    "guest",
)
_VERBS = ("read", "write_draft", "approve", "propose_change", "escalate", "release")
MATRIX_SYMBOLS = (
    "HumanOrAiActorKind",
    "ACTOR_CAPABILITIES",
    "ActorCapability",
    "ACTOR_CAPABILITY_MATRIX",
)


def capability_matrix_ts(capabilities: int) -> str:
    """A `capability-matrix.ts` with `capabilities` rows of 8 actors, laid out as the real
    file is (one cell per line), with a function at the end as the real file has."""
    names = [f"cap_{i:05d}_{_VERBS[i % len(_VERBS)]}" for i in range(capabilities)]
    actor_union = " | ".join(f"'{a}'" for a in ACTORS)
    lines = [
        f"/** Synthetic matrix: {capabilities} capabilities x {len(ACTORS)} actors. */",
        f"export type HumanOrAiActorKind = {actor_union};",
        "",
        "export const ACTOR_CAPABILITIES = [",
        *(f"  '{name}'," for name in names),
        "] as const;",
        "",
        "export type ActorCapability = (typeof ACTOR_CAPABILITIES)[number];",
        "",
        "export const ACTOR_CAPABILITY_MATRIX: Readonly<Record<ActorCapability,"
        " Readonly<Record<HumanOrAiActorKind, boolean>>>> = {",
    ]
    for i, name in enumerate(names):
        lines.append(f"  {name}: {{")
        for j, actor in enumerate(ACTORS):
            granted = (i * 31 + j * 17) % 7 < 3
            lines.append(f"    {actor}: {'true' if granted else 'false'},")
        lines.append("  },")
    lines += [
        "};",
        "",
        "export function actorHasCapability(",
        "  actorKind: HumanOrAiActorKind,",
        "  capability: ActorCapability,",
        "): boolean {",
        "  return ACTOR_CAPABILITY_MATRIX[capability]?.[actorKind] === true;",
        "}",
    ]
    return "\n".join(lines) + "\n"


def write_config(
    path: Path,
    *,
    source_root: Path,
    output_dir: str,
    mirrors: Sequence[tuple[str, str, Sequence[str]]],
) -> None:
    """A TOML file with a [tool.tsmirror] table; `mirrors` are (module, source, symbols).
    Values are written as JSON strings, which TOML reads the same."""
    lines = [
        "[tool.tsmirror]",
        f"source_root = {json.dumps(str(source_root))}",
        f"output_dir = {json.dumps(output_dir)}",
        "strict_objects = true",
    ]
    for module, source, symbols in mirrors:
        lines += [
            "",
            "[[tool.tsmirror.mirror]]",
            f"module = {json.dumps(module)}",
            f"source = {json.dumps(source)}",
            f"symbols = {json.dumps(list(symbols))}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
