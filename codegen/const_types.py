"""The type of a const without an annotation, as TypeScript infers it, made precise.

:func:`infer_type` reads the value: under ``as const`` every string, number and boolean keeps
its literal type (``readonly ['admin', 'viewer']`` has elements ``'admin' | 'viewer'``);
without it they widen (``string[]``). Object keys are always recorded as their literals.

:func:`name_literals` then spells a union of literals by the mirrored alias that admits
exactly those members, when the module has one (``ROLES: Final[tuple[Role, ...]]``,
``CAN_WRITE: Final[Mapping[Role, bool]]``). A key union no alias names is widened to ``str``:
``Mapping`` is invariant in its key, so a ``Mapping[Literal[...], V]`` would refuse to be
passed where TypeScript passes the object as a ``Record<string, V>``. A value union no alias
names stays literal under ``as const`` (``true | false`` reads ``bool``) and widens without.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tsmirror import algebra, ir

#: Marks a key union inferred from an object's keys, until name_literals decides on it.
_KEYS = "keys"


def infer_type(value: object, as_const: bool) -> ir.TypeRef:
    """The type of ``value`` (evaluated JSON-like data; ``undefined`` already dropped or
    kept as the evaluator's marker, which reads as null)."""
    if value is None or not isinstance(value, str | int | float | bool | list | dict):
        return ir.NULL
    if isinstance(value, bool):
        return ir.LiteralType(value) if as_const else ir.BOOLEAN
    if isinstance(value, int | float):
        if as_const:
            return ir.LiteralType(value)
        return ir.INTEGER if isinstance(value, int) else ir.NUMBER
    if isinstance(value, str):
        return ir.LiteralType(value) if as_const else ir.STRING
    if isinstance(value, list):
        return ir.ArrayType(_merge([infer_type(v, as_const) for v in value]))
    keys = [ir.LiteralType(k) for k in value]
    values = [infer_type(v, as_const) for v in value.values() if _present(v)]
    key: ir.TypeRef = algebra.union(keys) if keys else ir.STRING
    return ir.RecordType(key, _merge(values))


def _present(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list | dict)


def _merge(types: Sequence[ir.TypeRef]) -> ir.TypeRef:
    """The least type in the IR's algebra that holds every one of ``types``: arrays and
    records merge into one, integers join numbers, an empty list is ``never``."""
    if not types:
        return ir.NEVER
    arrays = [t for t in types if isinstance(t, ir.ArrayType)]
    records = [t for t in types if isinstance(t, ir.RecordType)]
    rest = [t for t in types if not isinstance(t, ir.ArrayType | ir.RecordType)]
    merged: list[ir.TypeRef] = list(rest)
    if arrays:
        elements = [a.element for a in arrays if a.element != ir.NEVER]
        merged.append(ir.ArrayType(_merge(elements)))
    if records:
        keys = algebra.union(r.key for r in records)
        values = [r.value for r in records if r.value != ir.NEVER]
        merged.append(ir.RecordType(keys, _merge(values)))
    result = algebra.union(merged)
    parts = algebra.members(result)
    if ir.INTEGER in parts and ir.NUMBER in parts:
        result = algebra.union(m for m in parts if m != ir.INTEGER)
    return result


def name_literals(
    type_: ir.TypeRef, aliases: Iterable[ir.AliasDecl], as_const: bool
) -> ir.TypeRef:
    """``type_`` (inferred by :func:`infer_type`) with its literal unions spelled by the
    alias that admits exactly them, widened where none does (see the module docstring)."""
    by_members: dict[frozenset[str], str] = {}
    for alias in aliases:
        if algebra.is_literal_union(alias.type):
            members = frozenset(
                algebra.type_key(m) for m in algebra.members(alias.type)
            )
            by_members.setdefault(members, alias.name)

    def named(union: ir.TypeRef) -> str | None:
        if not algebra.is_literal_union(union):
            return None
        return by_members.get(
            frozenset(algebra.type_key(m) for m in algebra.members(union))
        )

    def walk(t: ir.TypeRef, is_key: bool) -> ir.TypeRef:
        if isinstance(t, ir.ArrayType):
            return ir.ArrayType(walk(t.element, False))
        if isinstance(t, ir.RecordType):
            return ir.RecordType(walk(t.key, True), walk(t.value, False))
        literals = [m for m in algebra.members(t) if isinstance(m, ir.LiteralType)]
        if not literals:
            if isinstance(t, ir.UnionType):
                return algebra.union(walk(m, False) for m in t.members)
            return t
        name = named(algebra.union(literals))
        others = [m for m in algebra.members(t) if not isinstance(m, ir.LiteralType)]
        if name is not None:
            return algebra.union([ir.NamedType(name), *others])
        if is_key:
            return ir.STRING
        if not as_const:
            return _merge([_widen(m) for m in algebra.members(t)])
        values = {m.value for m in literals if isinstance(m.value, bool)}
        if values == {True, False}:
            literals = [m for m in literals if not isinstance(m.value, bool)]
            others.append(ir.BOOLEAN)
        return algebra.union([*literals, *others])

    return walk(type_, False)


def _widen(type_: ir.TypeRef) -> ir.TypeRef:
    if isinstance(type_, ir.LiteralType):
        value = type_.value
        if isinstance(value, bool):
            return ir.BOOLEAN
        if isinstance(value, str):
            return ir.STRING
        return ir.INTEGER if isinstance(value, int) else ir.NUMBER
    return type_
