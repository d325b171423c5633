"""The type algebra over the IR, in one place: union flattening, the canonical form, type
identity, "accepts" (assignability as a committed reader sees it) and JSON equality.

Every dispatch over :data:`tsmirror.ir.TypeRef` here ends in ``assert_never``, so a type
construct added to the IR is listed by mypy at each place that must learn about it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeAlias, assert_never

from tsmirror import ir


def union(members: Iterable[ir.TypeRef]) -> ir.TypeRef:
    """``A | B | ...`` flattened, without duplicates, in first-seen order."""
    flat: dict[ir.TypeRef, None] = {}  # IR equality tells true from 1
    for member in members:
        for part in flatten(member):
            flat.setdefault(part)
    parts = list(flat)
    return parts[0] if len(parts) == 1 else ir.UnionType(tuple(parts))


def flatten(type_: ir.TypeRef) -> Iterator[ir.TypeRef]:
    """The members of a union, nested unions opened; any other type alone."""
    if isinstance(type_, ir.UnionType):
        for member in type_.members:
            yield from flatten(member)
    else:
        yield type_


def members(type_: ir.TypeRef) -> list[ir.TypeRef]:
    return list(type_.members) if isinstance(type_, ir.UnionType) else [type_]


Lookup: TypeAlias = Callable[[str], ir.Declaration]


def resolve(type_: ir.TypeRef, lookup: Lookup) -> ir.TypeRef:
    """``type_`` with aliases replaced by what they name (at the top only)."""
    while isinstance(type_, ir.NamedType):
        decl = lookup(type_.name)
        if not isinstance(decl, ir.AliasDecl):
            break
        type_ = decl.type
    return type_


def union_members(type_: ir.TypeRef, lookup: Lookup) -> list[ir.TypeRef]:
    """The members of a union seen through aliases: each resolved, unions opened, without
    duplicates, in first-seen order."""
    found: dict[str, ir.TypeRef] = {}
    pending = [type_]
    while pending:
        member = resolve(pending.pop(), lookup)
        if isinstance(member, ir.UnionType):
            pending += reversed(member.members)
        else:
            found.setdefault(type_key(member), member)
    return list(found.values())


def holds_objects(type_: ir.TypeRef, lookup: Lookup) -> bool:
    """Whether JSON objects are values of ``type_``: an object type, a record, unknown."""
    type_ = resolve(type_, lookup)
    return (
        isinstance(type_, ir.RecordType)
        or type_ == ir.UNKNOWN
        or (
            isinstance(type_, ir.NamedType)
            and isinstance(lookup(type_.name), ir.ObjectDecl)
        )
    )


def names_a_class(
    type_: ir.TypeRef, lookup: Callable[[str], ir.Declaration | None]
) -> bool:
    """Whether the Python form of ``type_`` names a class anywhere in it (an object type or
    an enum, or a name ``lookup`` does not know): its values are then instances, not the
    plain data a const's value is rendered as."""
    seen: set[str] = set()

    def walk(t: ir.TypeRef) -> bool:
        match t:
            case ir.NamedType(name):
                if name in seen:
                    return False
                seen.add(name)
                decl = lookup(name)
                if isinstance(decl, ir.AliasDecl):
                    return walk(decl.type)
                return decl is None or isinstance(decl, ir.ObjectDecl | ir.EnumDecl)
            case ir.ArrayType(element):
                return walk(element)
            case ir.TupleType(elements, _, rest):
                return any(map(walk, (*elements, *([rest] if rest else []))))
            case ir.RecordType(key, value):
                return walk(key) or walk(value)
            case ir.UnionType(parts):
                return any(map(walk, parts))
            case ir.LiteralType() | ir.Primitive() | ir.TemplateType():
                return False
            case _:
                assert_never(t)

    return walk(type_)


def is_object_union(type_: ir.TypeRef, lookup: Lookup) -> bool:
    """A union with an object type among its members: an alias of one gets a decoder of
    its own (``<alias>_from_json``, see ``codec``)."""
    return isinstance(resolve(type_, lookup), ir.UnionType) and any(
        holds_objects(m, lookup) and m != ir.UNKNOWN
        for m in union_members(type_, lookup)
    )


def is_literal_union(type_: ir.TypeRef) -> bool:
    """A literal, or a union of literals only."""
    return all(isinstance(m, ir.LiteralType) for m in members(type_))


def discriminant(
    objects: Sequence[ir.ObjectDecl],
    units: Callable[[ir.TypeRef], list[ir.TypeRef] | None],
) -> str | None:
    """The property a union of ``objects`` is discriminated by, as TypeScript reads a
    discriminant: one every object declares as required, whose type in each is a set of
    unit types (literals, null; ``units`` lists them, through aliases, or gives None) and
    whose sets are pairwise disjoint, so its value names at most one object. The first such
    property of the first object; None when there is none or fewer than two objects."""
    if len(objects) < 2:
        return None
    for candidate in objects[0].fields:
        seen: set[str] = set()
        for obj in objects:
            found = [f for f in obj.fields if f.name == candidate.name]
            values = units(found[0].type) if found and not found[0].optional else None
            keys = {type_key(v) for v in values or ()}
            if not keys or keys & seen:
                break
            seen |= keys
        else:
            return candidate.name
    return None


def type_key(type_: ir.TypeRef) -> str:
    """A string equal for two types exactly when they are the same type. (``==`` on the IR
    is not enough for literals inside other types: ``True == 1`` in Python.)"""
    match type_:
        case ir.Primitive(name):
            return name
        case ir.LiteralType(value):
            return literal_key(value)
        case ir.NamedType(name):
            return f"ref:{name}"
        case ir.ArrayType(element):
            return f"array<{type_key(element)}>"
        case ir.TupleType(elements, required, rest):
            items = ",".join(type_key(e) for e in elements)
            tail = type_key(rest) if rest is not None else ""
            return f"tuple<{items};{required};{tail}>"
        case ir.RecordType(key, value):
            return f"record<{type_key(key)},{type_key(value)}>"
        case ir.UnionType(parts):
            return "union<" + ",".join(type_key(m) for m in parts) + ">"
        case ir.TemplateType():
            return f"template<{json.dumps(template_text(type_))}>"
        case _:
            assert_never(type_)


def template_text(type_: ir.TemplateType) -> str:
    """The template as TypeScript spells it: ``user-${number}``."""
    parts = [type_.texts[0]]
    for hole, text in zip(type_.holes, type_.texts[1:], strict=True):
        parts += ["${", hole.value, "}", text]
    return "".join(parts)


def template_pattern(type_: ir.TemplateType) -> str:
    """The regular expression (for ``re.fullmatch``) of the strings whose split, as
    TypeScript splits them, puts text where the template has text: each hole runs up to
    the first occurrence of the text after it (no occurrence may start inside the hole),
    one character when another hole follows, the last one up to the final text. The text
    of each ``number`` hole is the group ``n<index>``; whether it is a number is checked
    apart (the kernel's ``matches_template``), since "finite" is no regular language."""
    last = len(type_.holes) - 1
    parts = [re.escape(type_.texts[0])]
    for index, (hole, after) in enumerate(
        zip(type_.holes, type_.texts[1:], strict=True)
    ):
        if index == last:
            body = r"[\s\S]*"
        elif after:
            body = rf"(?:(?!{re.escape(after)})[\s\S])*"
        else:
            body = r"[\s\S]"
        if hole is ir.PrimitiveName.NUMBER:
            parts.append(f"(?P<n{index}>{body})")
        else:
            parts.append(f"(?:{body})")
        parts.append(re.escape(after))
    return "".join(parts)


def literal_key(value: str | int | float | bool) -> str:
    """One literal's identity: JSON's, so ``1`` and ``1.0`` are one value, ``true`` another."""
    if isinstance(value, bool):
        return f"lit:bool:{value}"
    if isinstance(value, int | float):
        return f"lit:num:{float(value)!r}"
    return f"lit:str:{json.dumps(value)}"


def canonical(type_: ir.TypeRef) -> ir.TypeRef:
    """Unions flattened, deduplicated and in one order (literals first), so that two
    spellings of one type compare equal."""
    match type_:
        case ir.ArrayType(element):
            return ir.ArrayType(canonical(element))
        case ir.TupleType(elements, required, rest):
            return ir.TupleType(
                tuple(canonical(e) for e in elements),
                required,
                canonical(rest) if rest is not None else None,
            )
        case ir.RecordType(key, value):
            return ir.RecordType(canonical(key), canonical(value))
        case ir.UnionType():
            found: dict[str, ir.TypeRef] = {}
            for member in flatten(type_):
                found.setdefault(type_key(member), canonical(member))
            ordered = sorted(
                found.values(),
                key=lambda m: (not isinstance(m, ir.LiteralType), type_key(m)),
            )
            return ordered[0] if len(ordered) == 1 else ir.UnionType(tuple(ordered))
        case ir.Primitive() | ir.LiteralType() | ir.NamedType() | ir.TemplateType():
            return type_
        case _:
            assert_never(type_)


def admits_null(type_: ir.TypeRef) -> bool:
    return any(m == ir.NULL for m in flatten(type_))


def accepts(old: ir.TypeRef, new: ir.TypeRef) -> bool:
    """True when every JSON value of type ``new`` passes a reader built for ``old``.

    Conservative: False whenever it cannot be sure. Named types compare by name.
    """
    if type_key(old) == type_key(new) or old == ir.UNKNOWN:
        return True
    if isinstance(new, ir.UnionType):
        return all(accepts(old, member) for member in new.members)
    if new == ir.NEVER:
        return True
    if isinstance(old, ir.UnionType):
        return any(accepts(member, new) for member in old.members)
    match new:
        case ir.LiteralType(value):
            if isinstance(value, bool):
                return old == ir.BOOLEAN
            if isinstance(value, str):
                return old == ir.STRING
            # a JSON number is read alike whether the annotation says int or float
            return old in (ir.NUMBER, ir.INTEGER)
        case ir.Primitive():
            return new == ir.INTEGER and old == ir.NUMBER
        case ir.TemplateType():
            return old == ir.STRING  # conservative: or the identical template (above)
        case ir.ArrayType(element):
            return isinstance(old, ir.ArrayType) and accepts(old.element, element)
        case ir.TupleType():
            return False  # conservative: only an identical tuple (above) is accepted
        case ir.RecordType(key, value):
            if not isinstance(old, ir.RecordType):
                return False
            # literal keys are all required and (strictly) the only ones allowed
            same_keys = type_key(old.key) == type_key(key) or old.key == ir.STRING
            return same_keys and accepts(old.value, value)
        case ir.NamedType():
            return False
        case _:
            assert_never(new)


def same_value(a: ir.JsonValue, b: ir.JsonValue) -> bool:
    """JSON equality: ``1 == 1.0``, but ``true`` is never ``1``; key order ignored."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            same_value(x, y) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b
