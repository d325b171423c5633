"""The semantic diff as text (for a terminal), markdown (for a pull request or a CI job
summary) and JSON (for machines). Pure functions from :class:`MirrorDiff` lists to strings.

For types, ``before``/``after`` are Python type text; for consts they are JSON values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from tsmirror import ir
from tsmirror.extract_json import stringify
from tsmirror.semantic import (
    ABSENT,
    Absent,
    Change,
    Impact,
    Kind,
    MirrorDiff,
    Side,
    summarize,
)

#: Longest value shown inline in text and markdown; JSON always carries the whole value.
MAX_SHOWN = 100

_LABELS = {
    Kind.GRANT: "GRANT",
    Kind.REVOKE: "REVOKE",
    Kind.CAPABILITY_ADDED: "CAPABILITY ADDED",
    Kind.CAPABILITY_REMOVED: "CAPABILITY REMOVED",
    Kind.VALUE_ADDED: "ADDED",
    Kind.VALUE_REMOVED: "REMOVED",
    Kind.VALUE_CHANGED: "CHANGED",
}
_WHAT = {
    Kind.CAPABILITY_ADDED: "capability added",
    Kind.CAPABILITY_REMOVED: "capability removed",
    Kind.VALUE_ADDED: "added",
    Kind.VALUE_REMOVED: "removed",
    Kind.VALUE_CHANGED: "changed",
    Kind.FIELD_ADDED: "field added",
    Kind.FIELD_REMOVED: "field removed",
    Kind.OPTIONALITY_CHANGED: "optionality changed",
    Kind.TYPE_CHANGED: "type changed",
    Kind.MEMBER_ADDED: "member added",
    Kind.MEMBER_REMOVED: "member removed",
    Kind.MEMBER_RENAMED: "member renamed",
    Kind.DECLARATION_ADDED: "declaration added",
    Kind.DECLARATION_REMOVED: "declaration removed",
}
_COLOURS = {
    Impact.GRANT: "red",
    Impact.REVOKE: "yellow",
    Impact.BREAKING: "red",
    Impact.COMPATIBLE: "green",
    Impact.VALUE: "cyan",
}
_IS_TYPE = (Impact.BREAKING, Impact.COMPATIBLE)


def label(change: Change) -> str:
    if change.impact in _IS_TYPE:
        return change.impact.upper()
    return _LABELS[change.kind]


def shown_value(change: Change, value: Side) -> str:
    if isinstance(value, Absent):
        return "(absent)"
    if change.impact in _IS_TYPE and isinstance(value, str):
        text = value
    else:
        text = stringify(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def meaning(change: Change) -> str:
    """What a change means in a few words: ``kora gains cap_x``, or the change's note."""
    if change.kind is Kind.GRANT:
        return f"{change.actor} gains {change.capability}"
    if change.kind is Kind.REVOKE:
        return f"{change.actor} loses {change.capability}"
    return change.note


def describe(change: Change) -> str:
    """``before -> after``, or what was added or removed."""
    before, after = (
        shown_value(change, change.before),
        shown_value(change, change.after),
    )
    what = _WHAT.get(change.kind)
    if change.kind in (Kind.GRANT, Kind.REVOKE, Kind.VALUE_CHANGED):
        return f"{before} -> {after}"
    if change.before is ABSENT:
        return f"{what}: {after}"
    if change.after is ABSENT:
        return f"{what} (was {before})"
    return f"{what}: {before} -> {after}"


def tally_text(actor: str, grants: int, revokes: int) -> str:
    return f"{actor}: +{grants} grant, -{revokes} revoke"


def totals_text(totals: dict[str, int]) -> str:
    total = totals["total"]
    if not total:
        return "no semantic changes"
    parts = ", ".join(
        f"{n} {name}" for name, n in totals.items() if name != "total" and n
    )
    return f"{total} change{'s' if total != 1 else ''}: {parts}"


# --- text ---------------------------------------------------------------------------------

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def render_text(diffs: Sequence[MirrorDiff], style: Style = _plain) -> str:
    """For a terminal; ``style`` is ``click.style`` when colour is wanted."""
    lines: list[str] = []
    width = max((len(label(c)) for d in diffs for c in d.changes), default=0)
    for diff in diffs:
        head = style(diff.module, bold=True)
        if not diff.changes:
            lines.append(f"{head} ({diff.file}): no changes")
            continue
        lines.append(f"{head} ({diff.file})")
        for change in diff.changes:
            tag = style(
                label(change).ljust(width), fg=_COLOURS[change.impact], bold=True
            )
            why = meaning(change)
            lines.append(
                f"  {tag}  {change.path}: {describe(change)}"
                + (f"  ({why})" if why else "")
            )
        for matrix, actors in diff.privileges.items():
            lines.append(f"  privileges in {matrix}, per actor:")
            for actor, tally in actors.items():
                lines.append(f"    {tally_text(actor, tally.grants, tally.revokes)}")
    lines.append(totals_text(summarize(diffs)))
    return "\n".join(lines) + "\n"


# --- markdown -----------------------------------------------------------------------------

_BACKTICKS = re.compile(r"`+")


def md_code(text: str) -> str:
    """``text`` as an inline code span that is safe inside a GFM table cell."""
    text = text.replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    fence = "`" * (max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_text(text: str) -> str:
    """Plain text safe inside a table cell: no line breaks, no cell separators, no markup."""
    text = text.replace("\r", " ").replace("\n", " ")
    return re.sub(r"([\\`*_\[\]<>|#~])", r"\\\1", text)


def md_meaning(change: Change) -> str:
    if change.kind in (Kind.GRANT, Kind.REVOKE):
        verb = "gains" if change.kind is Kind.GRANT else "loses"
        return (
            f"{md_code(change.actor or '')} {verb} {md_code(change.capability or '')}"
        )
    return md_text(meaning(change) or _WHAT.get(change.kind, ""))


def render_markdown(
    diffs: Sequence[MirrorDiff], *, title: str = "tsmirror diff"
) -> str:
    totals = summarize(diffs)
    out = [f"## {md_text(title)}", ""]
    if not totals["total"]:
        out += [
            "No semantic changes: the committed mirrors match the current source.",
            "",
        ]
    else:
        out += [f"**{md_text(totals_text(totals))}**", ""]
    for diff in diffs:
        out += [f"### {md_code(diff.module)} ({md_code(diff.file)})", ""]
        if not diff.changes:
            out += ["No changes.", ""]
            continue
        out += [
            "| change | path | before | after | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for change in diff.changes:
            before = change.before
            after = change.after
            cells = [
                f"**{md_text(label(change))}**",
                md_code(change.path),
                "" if before is ABSENT else md_code(shown_value(change, before)),
                "" if after is ABSENT else md_code(shown_value(change, after)),
                md_meaning(change),
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        for matrix, actors in diff.privileges.items():
            out += [
                f"Privileges in {md_code(matrix)}, per actor:",
                "",
                "| actor | grants | revokes |",
                "| --- | ---: | ---: |",
            ]
            for actor, tally in actors.items():
                out.append(f"| {md_code(actor)} | +{tally.grants} | -{tally.revokes} |")
            out.append("")
    return "\n".join(out)


# --- json ---------------------------------------------------------------------------------


def render_json(diffs: Sequence[MirrorDiff], fail_on: Sequence[str] = ()) -> str:
    failing = [c for d in diffs for c in d.changes if c.matches(fail_on)]
    document: dict[str, ir.JsonValue] = {
        "summary": dict(summarize(diffs)),
        "fail_on": list(fail_on),
        "failed": bool(failing),
        "mirrors": [
            {
                "module": diff.module,
                "file": diff.file,
                "changes": [change.to_json() for change in diff.changes],
                "privileges": {
                    matrix: {
                        actor: {"grant": t.grants, "revoke": t.revokes}
                        for actor, t in actors.items()
                    }
                    for matrix, actors in diff.privileges.items()
                },
            }
            for diff in diffs
        ],
    }
    return json.dumps(document, indent=2) + "\n"
