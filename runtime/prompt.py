"""The identity block of the system prompt, rendered from an `IdentitySnapshot`.

The block's structure belongs to this module alone: five `## §N` headings and the closing
line. Nothing the database holds can add to it. Every piece of data (the charter's text
and version, each policy path and value) is rendered on one line of its own after a fixed
prefix, through `neutralised`:
- control, format and line-separator characters (newlines, tabs, bidi overrides,
  zero-width characters) become a space, and runs of white space one space, so data cannot
  start a line;
- `#` is escaped as `\\#`, so data never reads as a heading, wherever it is;
- the closing line's opening words, should the data use them, are bracketed
  ("[The IsoKron substrate] is ..."), so data never holds the closing line.

Caps (`runtime.limits`): an item longer than `MAX_ITEM_CHARS` once neutralised, or a block
longer than `MAX_BLOCK_CHARS`, fails the block with `LimitExceededError`; nothing is cut.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from generated.capability_matrix import ACTOR_CAPABILITY_MATRIX
from runtime.errors import LimitExceededError
from runtime.identity import IdentitySnapshot
from runtime.limits import MAX_BLOCK_CHARS, MAX_ITEM_CHARS

NOT_SEEDED = "<not seeded>"
CLOSING_LINE = (
    "The IsoKron substrate is the source of truth: this block is a cached reading of it, "
    "and where they differ, the substrate wins."
)
# What data may not say, as it would read as the block's end.
_CLOSING_WORDS = re.compile(r"(the\s+isokron\s+substrate)(?=\s+is)", re.IGNORECASE)
# Cc (controls, \n \r \t included), Cf (format: bidi, zero-width), Zl, Zp; Zs is a space.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs", "Cs", "Co", "Cn"})


def render_identity_block(
    snapshot: IdentitySnapshot, *, expected_policy_paths: Collection[str] | None = None
) -> str:
    """§1 identity, §2 can, §3 cannot, §4 policy values, §5 granted capabilities, closing line."""
    charter = snapshot.charter
    sections = charter.sections
    workspace = snapshot.workspace_id
    granted = sorted(snapshot.capabilities.granted)
    paths = sorted(set(snapshot.policies) | set(expected_policy_paths or ()))
    policy_lines = [
        f"{path} = {_policy_value(snapshot.policies, path)}" for path in paths
    ]
    version = _item(charter.charter_version, "charter_version", workspace)
    parts = [
        f"## §1 Identity (Kora Role Charter v{version})",
        _item(sections.identity, "sections.identity", workspace),
        "## §2 You CAN",
        _bullets(sections.authority_can_do, "sections.authority_can_do", workspace),
        "## §3 You CANNOT",
        _bullets(
            sections.authority_cannot_do, "sections.authority_cannot_do", workspace
        ),
        "## §4 Active policy values",
        _bullets(policy_lines, "a policy", workspace),
        f"## §5 Granted capabilities ({len(granted)} of {len(ACTOR_CAPABILITY_MATRIX)})",
        _bullets(granted, "a capability", workspace),
        CLOSING_LINE,
    ]
    block = "\n\n".join(parts) + "\n"
    if len(block) > MAX_BLOCK_CHARS:
        raise LimitExceededError(
            f"the identity block of workspace {workspace} would be {len(block)} characters,"
            f" over the cap of {MAX_BLOCK_CHARS}"
        )
    return block


def neutralised(text: str) -> str:
    """`text` on one line that can open no section and close no block (module docstring)."""
    spaced = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in text)
    flat = " ".join(spaced.split())
    escaped = flat.replace("\\", "\\\\").replace("#", "\\#")
    return _CLOSING_WORDS.sub(lambda m: f"[{m.group(1)}]", escaped)


def _item(text: str, what: str, workspace: object) -> str:
    if len(text) > 4 * MAX_ITEM_CHARS:  # not worth neutralising to find out
        raise _too_long(what, workspace, len(text))
    shown = neutralised(text)
    if len(shown) > MAX_ITEM_CHARS:
        raise _too_long(what, workspace, len(shown))
    return shown


def _too_long(what: str, workspace: object, length: int) -> LimitExceededError:
    return LimitExceededError(
        f"{what} of workspace {workspace} is {length} characters,"
        f" over the cap of {MAX_ITEM_CHARS} per item of the identity block"
    )


def _policy_value(policies: Mapping[str, Any], path: str) -> str:
    if path not in policies:
        return NOT_SEEDED
    # JSON, so the string "true" and the boolean true read differently.
    return json.dumps(policies[path], ensure_ascii=False)


def _bullets(items: Iterable[str], what: str, workspace: object) -> str:
    lines = [f"- {_item(item, what, workspace)}" for item in items]
    return "\n".join(lines) if lines else "- (none)"
