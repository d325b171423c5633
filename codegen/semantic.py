"""The semantic diff: what a change to the TypeScript means for the committed mirrors.

Both sides are IR, brought to one comparable form, :class:`MirrorShape` (types canonical):

- the *committed* side is the IR recorded beside the mirrors when they were rendered
  (:mod:`tsmirror.record`), from the working tree or from a git ref. Generated Python is
  never read back;
- the *current* side is the IR that the current source builds (:mod:`tsmirror.generate`).

A mirror's shape holds the declarations it emits; one it imports from another mirror of the
package is compared there, once.

Then :func:`diff_mirror` lists :class:`Change` values.

Consts are compared value by value and reported at their full path, e.g.
``ACTOR_CAPABILITY_MATRIX.cap_x.kora``. A const shaped ``capability -> actor -> bool`` is a
privilege matrix. A missing cell counts as ``false``, as ``actorHasCapability`` treats it, and
each changed cell is a GRANT (false -> true) or a REVOKE (true -> false). A new row is
``capability-added`` plus one GRANT per true cell; a removed row is ``capability-removed``
plus one REVOKE per true cell.

Types are judged from the side of the committed Python reader: its generated ``from_json``
reading JSON that the *new* TypeScript produces. A change is *breaking* when that reader can
now reject, or fail to find, what the TypeScript sends, and *compatible* otherwise:

=====================================  ============================================================
change                                 impact
=====================================  ============================================================
field added (required or optional)     breaking while ``strict_objects`` is on (the committed
                                       reader rejects the unknown key); compatible when off
field removed, was required            breaking (the reader demands the key)
field removed, was optional            compatible
optional -> required                   compatible (the key is now always there)
required -> optional                   breaking (the key may now be absent)
type widened (new admits more)         breaking, e.g. a literal member added, ``1`` -> ``number``
type narrowed (new admits less)        compatible, e.g. a literal member removed
type otherwise changed                 breaking
enum member added / removed            breaking / compatible (same rule as literal members)
enum member renamed, same value        compatible for JSON (Python code naming it must follow)
type declaration added / removed       compatible / breaking (imports of it stop working)
=====================================  ============================================================

A named type inside a field is compared by name: a change to the named declaration is
reported once, at that declaration, not at every field that uses it. A const's annotation is
not compared; its value is.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import TypeAlias, assert_never

from tsmirror import ir
from tsmirror.algebra import accepts, canonical, members, same_value, type_key
from tsmirror.extract_json import stringify
from tsmirror.render import py_scalar, py_type
from tsmirror.valueclass import field, valueclass

# --- the comparable form ------------------------------------------------------------------


@valueclass
class FieldShape:
    key: str  # the JSON key
    attr: str  # the dataclass attribute
    type: ir.TypeRef
    optional: bool


@valueclass
class DeclShape:
    """One declaration of a mirror, as far as a reader can observe it."""

    name: str
    kind: str  # "const", "alias", "enum" or "object"
    value: ir.JsonValue = None  # consts
    type: ir.TypeRef | None = None  # aliases
    members: tuple[tuple[str, str | int | float], ...] = ()  # enums: (py_name, value)
    fields: tuple[FieldShape, ...] = ()  # objects
    extra: ir.TypeRef | None = None  # objects: the index signature's value type


@valueclass
class MirrorShape:
    declarations: tuple[DeclShape, ...]
    strict_objects: bool

    def by_name(self) -> dict[str, DeclShape]:
        return {d.name: d for d in self.declarations}


EMPTY = MirrorShape((), True)


def shape_of_module(module: ir.Module) -> MirrorShape:
    """The current side: the IR the source builds now."""
    shapes: list[DeclShape] = []
    for decl in module.declarations:
        match decl:
            case ir.ConstDecl(name, value):
                shapes.append(DeclShape(name, "const", value=value))
            case ir.AliasDecl(name, type_):
                shapes.append(DeclShape(name, "alias", type=canonical(type_)))
            case ir.EnumDecl(name, members):
                pairs = tuple((m.py_name, m.value) for m in members)
                shapes.append(DeclShape(name, "enum", members=pairs))
            case ir.ObjectDecl(name, fields, _, _, extra):
                found = tuple(
                    FieldShape(f.name, f.py_name, canonical(f.type), f.optional)
                    for f in fields
                )
                shapes.append(
                    DeclShape(
                        name,
                        "object",
                        fields=found,
                        extra=canonical(extra) if extra is not None else None,
                    )
                )
            case _:
                assert_never(decl)
    return MirrorShape(tuple(shapes), module.strict_objects)


# --- types ------------------------------------------------------------------------------


def show_type(type_: ir.TypeRef) -> str:
    return py_type(type_)


# --- changes --------------------------------------------------------------------------------


class Kind(StrEnum):
    """What happened. ``--fail-on`` accepts these and the :class:`Impact` names."""

    GRANT = "grant"
    REVOKE = "revoke"
    CAPABILITY_ADDED = "capability-added"
    CAPABILITY_REMOVED = "capability-removed"
    VALUE_ADDED = "value-added"
    VALUE_REMOVED = "value-removed"
    VALUE_CHANGED = "value-changed"
    FIELD_ADDED = "field-added"
    FIELD_REMOVED = "field-removed"
    OPTIONALITY_CHANGED = "optionality-changed"
    TYPE_CHANGED = "type-changed"
    MEMBER_ADDED = "member-added"
    MEMBER_REMOVED = "member-removed"
    MEMBER_RENAMED = "member-renamed"
    DECLARATION_ADDED = "declaration-added"
    DECLARATION_REMOVED = "declaration-removed"


class Impact(StrEnum):
    """What it means. ``grant``/``revoke`` for privilege cells, ``breaking``/``compatible`` for
    types (see the module docstring), ``value`` for any other const change."""

    GRANT = "grant"
    REVOKE = "revoke"
    BREAKING = "breaking"
    COMPATIBLE = "compatible"
    VALUE = "value"


#: Everything ``--fail-on`` understands.
FAIL_ON_CLASSES = ("any", *sorted({*Kind, *Impact}))


class Absent:
    """The side of a change where the thing did not exist."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = Absent()
Side: TypeAlias = "ir.JsonValue | Absent"


@valueclass
class Change:
    symbol: str  # the declaration
    path: str  # the full path: ``ACTOR_CAPABILITY_MATRIX.cap_x.kora``, ``Sections.identity``
    kind: Kind
    impact: Impact
    before: Side  # a JSON value for consts, a Python type (text) for types
    after: Side
    note: str = ""  # why, in a few words; empty when kind and values say it all
    capability: str | None = None  # privilege changes only
    actor: str | None = None  # cell changes only

    def matches(self, classes: Sequence[str]) -> bool:
        return any(c in ("any", self.kind, self.impact) for c in classes)

    def to_json(self) -> dict[str, ir.JsonValue]:
        out: dict[str, ir.JsonValue] = {
            "symbol": self.symbol,
            "path": self.path,
            "kind": str(self.kind),
            "impact": str(self.impact),
        }
        if not isinstance(self.before, Absent):
            out["before"] = self.before
        if not isinstance(self.after, Absent):
            out["after"] = self.after
        if self.note:
            out["note"] = self.note
        if self.capability is not None:
            out["capability"] = self.capability
        if self.actor is not None:
            out["actor"] = self.actor
        return out


@valueclass
class ActorTally:
    grants: int = 0
    revokes: int = 0


@valueclass(frozen=False)
class MirrorDiff:
    """Every change in one mirror, in declaration order."""

    module: str
    file: str  # as the user should see it
    changes: list[Change] = field(default_factory=list)
    #: matrix const -> actor -> tally, for every matrix with at least one change
    privileges: dict[str, dict[str, ActorTally]] = field(default_factory=dict)


def diff_mirror(
    module: str, file: str, committed: MirrorShape, current: MirrorShape
) -> MirrorDiff:
    result = MirrorDiff(module, file)
    old, new = committed.by_name(), current.by_name()
    names = [*old, *(n for n in new if n not in old)]
    for name in names:
        before, after = old.get(name), new.get(name)
        either = after or before
        assert either is not None
        if before is not None and after is not None and before.kind != after.kind:
            result.changes.append(
                Change(
                    name,
                    name,
                    Kind.TYPE_CHANGED,
                    Impact.BREAKING,
                    before.kind,
                    after.kind,
                    note="the declaration changed kind",
                )
            )
        elif either.kind == "const":
            _diff_const(result, name, before, after)
        else:
            _diff_type(result, name, before, after, committed.strict_objects)
    return result


# --- consts ---------------------------------------------------------------------------------


def is_matrix(value: ir.JsonValue | Absent) -> bool:
    """``{capability: {actor: bool}}``, non-empty, every cell a boolean."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(
            isinstance(row, dict) and all(isinstance(c, bool) for c in row.values())
            for row in value.values()
        )
    )


def _diff_const(
    result: MirrorDiff, name: str, before: DeclShape | None, after: DeclShape | None
) -> None:
    old: Side = before.value if before is not None else ABSENT
    new: Side = after.value if after is not None else ABSENT
    # an absent or emptied matrix is still a matrix: its rows were added or removed
    matrix_old = is_matrix(old) or (_no_rows(old) and is_matrix(new))
    matrix_new = is_matrix(new) or (_no_rows(new) and is_matrix(old))
    if matrix_old and matrix_new:
        _diff_matrix(
            result,
            name,
            old if isinstance(old, dict) else {},
            new if isinstance(new, dict) else {},
        )
    elif isinstance(old, Absent) or isinstance(new, Absent):
        kind = (
            Kind.DECLARATION_ADDED
            if isinstance(old, Absent)
            else Kind.DECLARATION_REMOVED
        )
        result.changes.append(Change(name, name, kind, Impact.VALUE, old, new))
    else:
        for path, kind, a, b in diff_values(name, old, new):
            result.changes.append(Change(name, path, kind, Impact.VALUE, a, b))


def _no_rows(value: Side) -> bool:
    return isinstance(value, Absent) or value == {}


def _diff_matrix(
    result: MirrorDiff,
    name: str,
    old: dict[str, ir.JsonValue],
    new: dict[str, ir.JsonValue],
) -> None:
    actors: dict[str, None] = {}
    for row in (*old.values(), *new.values()):
        assert isinstance(row, dict)
        actors.update(dict.fromkeys(row))
    tally = {actor: [0, 0] for actor in actors}
    changes: list[Change] = []
    for capability in [*old, *(c for c in new if c not in old)]:
        old_row, new_row = old.get(capability), new.get(capability)
        row_path = join_path(name, capability)
        if old_row is None:
            changes.append(
                Change(
                    name,
                    row_path,
                    Kind.CAPABILITY_ADDED,
                    Impact.VALUE,
                    ABSENT,
                    new_row,
                    capability=capability,
                )
            )
        elif new_row is None:
            changes.append(
                Change(
                    name,
                    row_path,
                    Kind.CAPABILITY_REMOVED,
                    Impact.VALUE,
                    old_row,
                    ABSENT,
                    capability=capability,
                )
            )
        assert isinstance(old_row, dict | None) and isinstance(new_row, dict | None)
        old_cells, new_cells = old_row or {}, new_row or {}
        for actor in actors:
            was, now = old_cells.get(actor), new_cells.get(actor)
            # a missing cell is no grant: actorHasCapability returns false for it
            if (was is True) == (now is True):
                if was != now and old_row is not None and new_row is not None:
                    changes.append(_cell(name, capability, actor, was, now, None))
                continue
            impact = Impact.GRANT if now is True else Impact.REVOKE
            tally[actor][0 if impact is Impact.GRANT else 1] += 1
            changes.append(_cell(name, capability, actor, was, now, impact))
    result.changes.extend(changes)
    if changes:
        result.privileges[name] = {
            a: ActorTally(*counts) for a, counts in tally.items()
        }


def _cell(
    name: str,
    capability: str,
    actor: str,
    was: ir.JsonValue,
    now: ir.JsonValue,
    impact: Impact | None,
) -> Change:
    before: Side = ABSENT if was is None else was
    after: Side = ABSENT if now is None else now
    if impact is None:
        # a false cell appeared or disappeared: no privilege moved
        kind = Kind.VALUE_ADDED if was is None else Kind.VALUE_REMOVED
        return Change(
            name,
            join_path(name, capability, actor),
            kind,
            Impact.VALUE,
            before,
            after,
            capability=capability,
            actor=actor,
        )
    return Change(
        name,
        join_path(name, capability, actor),
        Kind.GRANT if impact is Impact.GRANT else Kind.REVOKE,
        impact,
        before,
        after,
        capability=capability,
        actor=actor,
    )


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def join_path(base: str, *keys: str | int) -> str:
    """``base.key`` for identifier-like keys, ``base["odd key"]`` otherwise, ``base[3]`` for
    array indexes."""
    for key in keys:
        if isinstance(key, int):
            base += f"[{key}]"
        elif _IDENTIFIER.fullmatch(key):
            base += f".{key}"
        else:
            base += f"[{json.dumps(key, ensure_ascii=False)}]"
    return base


def diff_values(
    path: str, old: ir.JsonValue, new: ir.JsonValue
) -> Iterator[tuple[str, Kind, Side, Side]]:
    """Every difference between two JSON values, at its full path."""
    if same_value(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            where = join_path(path, key)
            if key not in new:
                yield where, Kind.VALUE_REMOVED, old[key], ABSENT
            elif key not in old:
                yield where, Kind.VALUE_ADDED, ABSENT, new[key]
            else:
                yield from diff_values(where, old[key], new[key])
    elif isinstance(old, list) and isinstance(new, list):
        # align elements, so one insertion reads as one insertion, not a shifted tail
        matcher = difflib.SequenceMatcher(
            a=[stringify(v) for v in old], b=[stringify(v) for v in new], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for offset in range(i2 - i1):
                    yield from diff_values(
                        join_path(path, j1 + offset), old[i1 + offset], new[j1 + offset]
                    )
                continue
            for i in range(i1, i2):
                yield join_path(path, i), Kind.VALUE_REMOVED, old[i], ABSENT
            for j in range(j1, j2):
                yield join_path(path, j), Kind.VALUE_ADDED, ABSENT, new[j]
    else:
        yield path, Kind.VALUE_CHANGED, old, new


# --- types ----------------------------------------------------------------------------------


def _diff_type(
    result: MirrorDiff,
    name: str,
    before: DeclShape | None,
    after: DeclShape | None,
    strict: bool,
) -> None:
    add = result.changes.append
    if before is None:
        assert after is not None
        add(
            Change(
                name,
                name,
                Kind.DECLARATION_ADDED,
                Impact.COMPATIBLE,
                ABSENT,
                after.kind,
                note="new type; no committed reader uses it",
            )
        )
        return
    if after is None:
        add(
            Change(
                name,
                name,
                Kind.DECLARATION_REMOVED,
                Impact.BREAKING,
                before.kind,
                ABSENT,
                note="code importing it stops working after regen",
            )
        )
        return
    if before.kind == "alias":
        assert before.type is not None and after.type is not None
        _diff_type_ref(result, name, name, before.type, after.type)
    elif before.kind == "enum":
        _diff_enum(result, name, before, after)
    else:
        _diff_object(result, name, before, after, strict)


def _diff_type_ref(
    result: MirrorDiff, name: str, path: str, old: ir.TypeRef, new: ir.TypeRef
) -> None:
    if type_key(old) == type_key(new):
        return
    old_members = {type_key(m): m for m in members(old)}
    new_members = {type_key(m): m for m in members(new)}
    if old_members.keys() & new_members.keys():
        # the same union with members added or removed: report each member
        for key, member in new_members.items():
            if key not in old_members:
                widened = not accepts(old, member)
                result.changes.append(
                    Change(
                        name,
                        path,
                        Kind.MEMBER_ADDED,
                        Impact.BREAKING if widened else Impact.COMPATIBLE,
                        ABSENT,
                        show_type(member),
                        note=(
                            "the committed reader rejects the new value"
                            if widened
                            else "already accepted by the committed reader"
                        ),
                    )
                )
        for key, member in old_members.items():
            if key not in new_members:
                result.changes.append(
                    Change(
                        name,
                        path,
                        Kind.MEMBER_REMOVED,
                        Impact.COMPATIBLE,
                        show_type(member),
                        ABSENT,
                        note="the TypeScript no longer sends it",
                    )
                )
        return
    narrowed = accepts(old, new)
    result.changes.append(
        Change(
            name,
            path,
            Kind.TYPE_CHANGED,
            Impact.COMPATIBLE if narrowed else Impact.BREAKING,
            show_type(old),
            show_type(new),
            note=(
                "every new value is accepted by the committed reader"
                if narrowed
                else "the committed reader can reject what the TypeScript now sends"
            ),
        )
    )


def _diff_enum(
    result: MirrorDiff, name: str, before: DeclShape, after: DeclShape
) -> None:
    def by_value(shape: DeclShape) -> dict[str, tuple[str, str | int | float]]:
        return {type_key(ir.LiteralType(v)): (n, v) for n, v in shape.members}

    old, new = by_value(before), by_value(after)
    for key, (member, value) in new.items():
        if key not in old:
            result.changes.append(
                Change(
                    name,
                    join_path(name, member),
                    Kind.MEMBER_ADDED,
                    Impact.BREAKING,
                    ABSENT,
                    py_scalar(value),
                    note="the committed enum rejects the new value",
                )
            )
        elif old[key][0] != member:
            result.changes.append(
                Change(
                    name,
                    join_path(name, member),
                    Kind.MEMBER_RENAMED,
                    Impact.COMPATIBLE,
                    old[key][0],
                    member,
                    note="same JSON value; Python code naming the member must follow",
                )
            )
    for key, (member, value) in old.items():
        if key not in new:
            result.changes.append(
                Change(
                    name,
                    join_path(name, member),
                    Kind.MEMBER_REMOVED,
                    Impact.COMPATIBLE,
                    py_scalar(value),
                    ABSENT,
                    note="the TypeScript no longer sends it",
                )
            )


def _diff_object(
    result: MirrorDiff, name: str, before: DeclShape, after: DeclShape, strict: bool
) -> None:
    old = {f.key: f for f in before.fields}
    new = {f.key: f for f in after.fields}
    add = result.changes.append
    for key in [*old, *(k for k in new if k not in old)]:
        was, now = old.get(key), new.get(key)
        path = join_path(name, key)
        if was is None:
            assert now is not None
            add(
                Change(
                    name,
                    path,
                    Kind.FIELD_ADDED,
                    Impact.BREAKING if strict else Impact.COMPATIBLE,
                    ABSENT,
                    _field_text(now),
                    note=(
                        "the committed reader rejects unknown keys: strict_objects is on"
                        if strict
                        else "the committed reader ignores unknown keys"
                    ),
                )
            )
        elif now is None:
            add(
                Change(
                    name,
                    path,
                    Kind.FIELD_REMOVED,
                    Impact.COMPATIBLE if was.optional else Impact.BREAKING,
                    _field_text(was),
                    ABSENT,
                    note=(
                        "it was optional"
                        if was.optional
                        else "the committed reader requires the key"
                    ),
                )
            )
        else:
            if was.optional != now.optional:
                add(
                    Change(
                        name,
                        path,
                        Kind.OPTIONALITY_CHANGED,
                        Impact.BREAKING if now.optional else Impact.COMPATIBLE,
                        "optional" if was.optional else "required",
                        "optional" if now.optional else "required",
                        note=(
                            "the key may now be absent; the committed reader requires it"
                            if now.optional
                            else "the key is now always present"
                        ),
                    )
                )
            _diff_type_ref(result, name, path, was.type, now.type)
    _diff_extra(result, name, before.extra, after.extra, strict)


def _diff_extra(
    result: MirrorDiff,
    name: str,
    was: ir.TypeRef | None,
    now: ir.TypeRef | None,
    strict: bool,
) -> None:
    """The index signature beside the fields: the keys no field names."""
    path = f"{name}[string]"  # no key: the index signature itself
    if was is not None and now is not None:
        _diff_type_ref(result, name, path, was, now)
    elif was is None and now is not None:
        result.changes.append(
            Change(
                name,
                path,
                Kind.FIELD_ADDED,
                Impact.BREAKING if strict else Impact.COMPATIBLE,
                ABSENT,
                show_type(now),
                note=(
                    "other keys may now be present; the committed reader rejects "
                    "unknown keys"
                    if strict
                    else "the committed reader ignores unknown keys"
                ),
            )
        )
    elif was is not None:
        result.changes.append(
            Change(
                name,
                path,
                Kind.FIELD_REMOVED,
                Impact.COMPATIBLE,
                show_type(was),
                ABSENT,
                note="other keys are no longer sent",
            )
        )


def _field_text(shape: FieldShape) -> str:
    return f"{show_type(shape.type)}{' (optional)' if shape.optional else ''}"


# --- totals ---------------------------------------------------------------------------------


def summarize(diffs: Sequence[MirrorDiff]) -> dict[str, int]:
    """How many changes of each impact, plus ``total``, in a fixed order."""
    counts = {str(impact): 0 for impact in Impact}
    for diff in diffs:
        for change in diff.changes:
            counts[change.impact] += 1
    return {"total": sum(counts.values()), **counts}
