"""TypeScript's type operators on evaluated types, as the checker applies them to concrete
types: unions, intersections, ``keyof``, indexed access and assignability (for conditional
types, ``Exclude`` and ``Extract``).

Types here are IR types plus two internal forms that never reach the IR:

- :class:`Shape`, an object type not yet given a name (an object literal type, a mapped
  type, ``Partial<T>``...). The extractor names it when it is used.
- :data:`UNDEFINED`, ``unknown`` and :class:`InferVar`, which only exist while a type is being
  reduced.

Nothing here guesses: an operation the algebra cannot decide raises :class:`Undecidable`, which
the extractor reports at the location of the type that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, cast

from tsmirror import ir
from tsmirror.algebra import flatten
from tsmirror.valueclass import replace, valueclass

# Internal markers; only a field's top-level union may keep UNDEFINED (it makes the field
# optional). UNKNOWN is `unknown` and `any`: the top type, as a conditional type's target.
UNDEFINED = ir.Primitive(ir.PrimitiveName.UNDEFINED)
UNKNOWN = ir.UNKNOWN


@valueclass
class Shape:
    """An object type without a name yet: its properties in declaration order, and the
    value type of a string index signature beside them (see ``ir.ObjectDecl.extra``)."""

    fields: tuple[ir.Field, ...]
    extra: ir.TypeRef | None = None


@valueclass
class ShapeUnion:
    """A union some of whose members are unnamed object shapes."""

    members: tuple[ir.TypeRef | Shape, ...]


@valueclass
class InferVar:
    """``infer U`` inside the ``extends`` clause of a conditional type."""

    name: str


Type: TypeAlias = "ir.TypeRef | Shape | ShapeUnion | InferVar"
#: How a NamedType is looked up: the declaration of that name in the mirror.
Finder: TypeAlias = Callable[[str], ir.Declaration | None]


class Undecidable(Exception):
    """The algebra cannot reduce this exactly; the message says what."""


def members(type_: Type) -> tuple[Type, ...]:
    if isinstance(type_, ir.UnionType | ShapeUnion):
        return type_.members
    if type_ == ir.NEVER:
        return ()
    return (type_,)


def union(parts: list[ir.TypeRef]) -> ir.TypeRef:
    """``A | B | ...`` flattened, without duplicates, in first-seen order; ``never``
    vanishes, and a literal is absorbed by its primitive, as TypeScript prints them."""
    flat = {m: None for part in parts for m in flatten(part) if m != ir.NEVER}
    if UNKNOWN in flat:
        return UNKNOWN
    if ir.LiteralType(True) in flat and ir.LiteralType(False) in flat:
        flat = {(ir.BOOLEAN if m == ir.LiteralType(True) else m): None for m in flat}
    kept = [m for m in flat if not _absorbed(m, flat)]
    if not kept:
        return ir.NEVER
    return kept[0] if len(kept) == 1 else ir.UnionType(tuple(kept))


def _absorbed(member: ir.TypeRef, others: dict[ir.TypeRef, None]) -> bool:
    if isinstance(member, ir.LiteralType):
        return primitive_of(member) in others
    if isinstance(member, ir.TemplateType):
        return ir.STRING in others
    return member == ir.INTEGER and ir.NUMBER in others


def primitive_of(literal: ir.LiteralType) -> ir.Primitive:
    value = literal.value
    if isinstance(value, bool):
        return ir.BOOLEAN
    if isinstance(value, str):
        return ir.STRING
    return ir.NUMBER


def resolve(type_: Type, find: Finder) -> Type:
    """Through aliases to what they name (an object, an enum, or a structural type)."""
    seen: set[str] = set()
    while isinstance(type_, ir.NamedType) and type_.name not in seen:
        seen.add(type_.name)
        decl = find(type_.name)
        if not isinstance(decl, ir.AliasDecl):
            break
        type_ = decl.type
    return type_


def fields_of(type_: Type, find: Finder) -> tuple[ir.Field, ...] | None:
    """The properties of an object type, or None when it is not one. An object with an
    index signature beside its properties is refused: the operators that see only its
    properties (Pick, Omit, Partial, extends checks...) would drop the signature."""
    found = object_of(type_, find, records=False)
    if found is None:
        return None
    fields, extra = found
    if extra is not None:
        raise Undecidable(
            "this operation on an object type with an index signature beside its "
            "properties is not supported"
        )
    return fields


def object_of(
    type_: Type, find: Finder, *, records: bool = True
) -> tuple[tuple[ir.Field, ...], ir.TypeRef | None] | None:
    """An object type's properties and its index signature's value type (None without
    one); with ``records``, ``Record<string, V>`` too, as no properties and ``V``."""
    type_ = resolve(type_, find)
    if isinstance(type_, Shape):
        return type_.fields, type_.extra
    if isinstance(type_, ir.NamedType):
        decl = find(type_.name)
        if isinstance(decl, ir.ObjectDecl):
            return decl.fields, decl.extra
    if records and isinstance(type_, ir.RecordType) and type_.key == ir.STRING:
        return (), type_.value
    return None


def object_type(
    fields: tuple[ir.Field, ...], extra: ir.TypeRef | None
) -> Shape | ir.RecordType:
    """An object type from its parts: an index signature alone is ``Record<string, V>``."""
    if not fields and extra is not None:
        return ir.RecordType(ir.STRING, extra)
    return Shape(fields, extra)


def enum_literals(type_: Type, find: Finder) -> list[ir.LiteralType] | None:
    if isinstance(type_, ir.NamedType):
        decl = find(type_.name)
        if isinstance(decl, ir.EnumDecl):
            return [ir.LiteralType(m.value) for m in decl.members]
    return None


def expand(type_: Type, find: Finder) -> tuple[Type, ...]:
    """The union members of a type, aliases and enums opened, for distribution."""
    out: list[Type] = []
    for member in members(resolve(type_, find)):
        literals = enum_literals(member, find)
        if literals is not None:
            out.extend(literals)
        elif isinstance(member, ir.NamedType) and isinstance(
            find(member.name), ir.AliasDecl
        ):
            out.extend(expand(member, find))
        elif member == ir.BOOLEAN:  # boolean is true | false, and distributes so
            out.extend((ir.LiteralType(True), ir.LiteralType(False)))
        else:
            out.append(member)
    return tuple(out)


# --- keyof and indexed access -------------------------------------------------------------


def key_literal(name: str) -> ir.LiteralType:
    return ir.LiteralType(name)


def keyof(type_: Type, find: Finder) -> ir.TypeRef:
    """``keyof T``: the property names of an object type (string keys of a record)."""
    resolved = resolve(type_, find)
    if isinstance(resolved, ir.UnionType):
        # keyof (A | B) is the keys A and B share
        sets = [keyof(m, find) for m in resolved.members]
        common = [k for k in members(sets[0]) if all(k in members(s) for s in sets[1:])]
        return union([k for k in common if isinstance(k, ir.TypeRef)])
    found = object_of(resolved, find, records=False)
    if found is not None and found[1] is not None:
        return union([ir.STRING, ir.NUMBER])  # the index signature's keys take them all
    fields = fields_of(resolved, find)
    if fields is not None:
        return union([key_literal(f.name) for f in fields])
    if isinstance(resolved, ir.RecordType):
        key = resolve(resolved.key, find)
        if key == ir.STRING:
            return union([ir.STRING, ir.NUMBER])
        return resolved.key
    if resolved == ir.NEVER:
        return union([ir.STRING, ir.NUMBER])  # keyof never is string | number | symbol
    raise Undecidable("keyof of a type that is not an object type")


def index(type_: Type, key: Type, find: Finder) -> ir.TypeRef | Shape:
    """``T[K]``: the type of the property or properties ``K`` names."""
    if isinstance(key, Shape | InferVar):
        raise Undecidable("an index that is not a key type")
    keys = expand(key, find)
    if not keys:
        return ir.NEVER
    results: list[ir.TypeRef | Shape] = [_index_one(type_, k, find) for k in keys]
    if len(results) == 1:
        return results[0]
    if any(isinstance(r, Shape) for r in results):
        raise Undecidable("an indexed access whose result is a union of object types")
    return union([r for r in results if not isinstance(r, Shape)])


def _index_one(type_: Type, key: Type, find: Finder) -> ir.TypeRef | Shape:
    resolved = resolve(type_, find)
    if isinstance(resolved, ir.UnionType):
        parts = [_index_one(m, key, find) for m in resolved.members]
        if any(isinstance(p, Shape) for p in parts):
            raise Undecidable("an indexed access into a union of object types")
        return union([p for p in parts if not isinstance(p, Shape)])
    if isinstance(resolved, ir.TupleType):
        return _tuple_index(resolved, key)
    if isinstance(resolved, ir.ArrayType):
        if key in (ir.NUMBER, ir.INTEGER) or (
            isinstance(key, ir.LiteralType)
            and isinstance(key.value, int | float)
            and not isinstance(key.value, bool)
        ):
            return resolved.element
        raise Undecidable("an array indexed by something other than a number")
    if isinstance(resolved, ir.RecordType):
        return resolved.value
    found = object_of(resolved, find, records=False)
    if found is not None and (extra := found[1]) is not None:
        known = found[0]
        if key in (ir.STRING, ir.NUMBER, ir.INTEGER):
            return extra
        if isinstance(key, ir.LiteralType) and not isinstance(key.value, bool):
            for field in known:
                if field.name == _property_name(key.value):
                    return field.type  # never optional beside a signature (TS2411)
            return extra  # any other key is the index signature's
        raise Undecidable("an index that is not a property name")
    fields = fields_of(resolved, find)
    if fields is not None and isinstance(key, ir.LiteralType):
        name = None if isinstance(key.value, bool) else _property_name(key.value)
        for field in fields:
            if field.name == name:
                return union([field.type, UNDEFINED]) if field.optional else field.type
        raise Undecidable(f"the type has no property {key.value!r}")
    raise Undecidable("an indexed access into a type that has no such key")


def _property_name(value: str | int | float) -> str:
    """The property a literal key names: a number by its JavaScript spelling."""
    if isinstance(value, str):
        return value
    from tsmirror.ts.literals import number_to_string

    return number_to_string(value)


# --- assignability ------------------------------------------------------------------------


def assignable(
    source: Type,
    target: Type,
    find: Finder,
    bindings: dict[str, list[Type]] | None = None,
) -> bool:
    """Whether every value of ``source`` is a value of ``target`` (TypeScript's
    assignability on these closed types). ``infer`` variables in ``target`` are bound in
    ``bindings`` to the parts of ``source`` they match."""
    if bindings is None:
        bindings = {}
    if isinstance(target, InferVar):
        bindings.setdefault(target.name, []).append(source)
        return True
    if target == UNKNOWN or source == ir.NEVER:
        return True
    if source == UNKNOWN:
        return False
    source = resolve(source, find)
    target = resolve(target, find)
    if isinstance(source, ir.UnionType):
        return all(assignable(m, target, find, bindings) for m in source.members)
    if isinstance(target, ir.UnionType):
        trial: dict[str, list[Type]] = {}
        for member in target.members:
            trial = {}
            if assignable(source, member, find, trial):
                for name, found in trial.items():
                    bindings.setdefault(name, []).extend(found)
                return True
        return False
    if source == target:
        return True
    if isinstance(source, ir.TemplateType) or isinstance(target, ir.TemplateType):
        return _template_assignable(source, target)
    source_enum = enum_literals(source, find)
    if source_enum is not None:
        if enum_literals(target, find) is not None:
            return False  # two different enums
        return all(assignable(m, target, find, bindings) for m in source_enum)
    if enum_literals(target, find) is not None:
        return False  # only the enum's own members are assignable to it
    if fields_of(target, find) == () and source not in (ir.NULL, UNDEFINED):
        return True  # every value but null and undefined is a {}
    if isinstance(source, ir.LiteralType):
        return target == primitive_of(source) or (
            isinstance(target, ir.LiteralType) and source == target
        )
    if isinstance(source, ir.Primitive):
        return source == ir.INTEGER and target == ir.NUMBER
    if isinstance(source, ir.TupleType):
        every = [*source.elements, *([source.rest] if source.rest is not None else [])]
        if isinstance(target, ir.ArrayType):
            return all(assignable(e, target.element, find, bindings) for e in every)
        if isinstance(target, ir.TupleType):
            fixed = len(target.elements)
            # the source's elements past the target's fixed ones, and its rest, go to
            # the target's rest: [boolean, string] is a [infer F, ...unknown[]]; a
            # shorter source leaves out only optional ones: [A] is an [A, B?]
            beyond: list[ir.TypeRef] | None = every[fixed:]
            if len(source.elements) < fixed and source.rest is not None:
                beyond = None
            return (
                beyond is not None
                and source.required >= target.required
                and (target.rest is not None or beyond == [])
                and all(
                    assignable(s, t, find, bindings)
                    for s, t in zip(source.elements, target.elements, strict=False)
                )
                and all(
                    assignable(b, cast(ir.TypeRef, target.rest), find, bindings)
                    for b in beyond
                )
            )
        return False
    if isinstance(target, ir.TupleType):
        return False  # an array of unknown length is no tuple
    if isinstance(source, ir.ArrayType):
        return isinstance(target, ir.ArrayType) and assignable(
            source.element, target.element, find, bindings
        )
    if isinstance(source, ir.RecordType):
        if isinstance(target, ir.RecordType):
            return assignable(target.key, source.key, find) and assignable(
                source.value, target.value, find, bindings
            )
        target_fields = fields_of(target, find)
        return target_fields is not None and all(f.optional for f in target_fields)
    source_fields = fields_of(source, find)
    if source_fields is None:
        raise Undecidable("assignability of a type this mirror cannot compare")
    if isinstance(target, ir.RecordType):
        return assignable(
            union([f.type for f in source_fields]) if source_fields else ir.NEVER,
            target.value,
            find,
            bindings,
        )
    target_fields = fields_of(target, find)
    if target_fields is None:
        return False  # an object is no primitive, literal or array
    by_name = {f.name: f for f in source_fields}
    for wanted in target_fields:
        have = by_name.get(wanted.name)
        if have is None:
            if not wanted.optional:
                return False
            continue
        if have.optional and not wanted.optional:
            return False
        if not assignable(have.type, wanted.type, find, bindings):
            return False
    return True


def _template_assignable(source: Type, target: Type) -> bool:
    """Assignability where a template literal type takes part (they are not the same)."""
    if isinstance(source, ir.TemplateType):
        if target == ir.STRING:
            return True
        if isinstance(target, ir.TemplateType):
            raise Undecidable("assignability between two template literal types")
        return False  # a template admits strings only, and infinitely many
    if isinstance(source, ir.LiteralType) and isinstance(source.value, str):
        raise Undecidable("whether a string literal matches a template literal type")
    return False  # neither a number, nor a boolean, nor string, nor an object is one


# --- intersections ------------------------------------------------------------------------


def intersect(left: Type, right: Type, find: Finder) -> Type:
    """``A & B``, distributed over unions and reduced as TypeScript reduces it: disjoint
    primitives give ``never``, objects merge their properties (a property in both gets the
    intersection of its types), and an object whose discriminating literal properties
    conflict is ``never``."""
    if isinstance(left, InferVar) or isinstance(right, InferVar):
        raise Undecidable("infer outside a conditional type's extends clause")
    if left == UNKNOWN:
        return right
    if right == UNKNOWN:
        return left
    left_parts = expand(left, find) if _is_union(left, find) else (left,)
    right_parts = expand(right, find) if _is_union(right, find) else (right,)
    if len(left_parts) > 1 or len(right_parts) > 1 or not left_parts or not right_parts:
        results = [intersect(a, b, find) for a in left_parts for b in right_parts]
        return union_of([only(r) for r in results])
    return _intersect_one(left, right, find)


def union_of(parts: list[ir.TypeRef | Shape]) -> ir.TypeRef | Shape | ShapeUnion:
    """A union that may hold object shapes: a single shape stays a shape; several need
    names, which only the extractor can give (see ``MirrorBuilder.lower``)."""
    real: list[ir.TypeRef | Shape] = []
    for part in parts:
        if part != ir.NEVER and part not in real:
            real.append(part)
    if len(real) == 1:
        return real[0]
    if any(isinstance(p, Shape) for p in real):
        return ShapeUnion(tuple(real))
    return union([p for p in real if not isinstance(p, Shape)])


def _tuple_index(tuple_: ir.TupleType, key: Type) -> ir.TypeRef:
    """``T[number]`` or ``T[0]`` of a tuple (an optional element may be undefined)."""
    every = [*tuple_.elements, *([tuple_.rest] if tuple_.rest is not None else [])]
    if key in (ir.NUMBER, ir.INTEGER):
        return union(every)
    if (
        isinstance(key, ir.LiteralType)
        and isinstance(key.value, int)
        and not isinstance(key.value, bool)
        and 0 <= key.value
    ):
        if key.value < tuple_.required:
            return tuple_.elements[key.value]
        if key.value < len(tuple_.elements):
            return union([tuple_.elements[key.value], UNDEFINED])
        if tuple_.rest is not None:
            return union([tuple_.rest, UNDEFINED])
    raise Undecidable("a tuple indexed by something other than its positions or number")


def only(type_: Type) -> ir.TypeRef | Shape:
    """A union member: a plain type or a single shape."""
    if isinstance(type_, ShapeUnion | InferVar):
        raise Undecidable("a union of types this mirror cannot combine")
    return type_


def _is_union(type_: Type, find: Finder) -> bool:
    resolved = resolve(type_, find)
    return (
        isinstance(resolved, ir.UnionType | ShapeUnion)
        or resolved == ir.NEVER
        or (enum_literals(resolved, find) is not None)
    )


def _intersect_one(left: Type, right: Type, find: Finder) -> Type:
    left = resolve(left, find)
    right = resolve(right, find)
    assert not isinstance(left, InferVar) and not isinstance(right, InferVar)
    if left == right:
        return left
    for one, other in ((left, right), (right, left)):
        if isinstance(one, ir.TemplateType):
            if other == ir.STRING:
                return one
            if isinstance(other, ir.TemplateType | ir.LiteralType):
                raise Undecidable("an intersection with a template literal type")
            if isinstance(other, ir.Primitive | ir.ArrayType | ir.TupleType):
                return ir.NEVER
            raise Undecidable("an intersection with a template literal type")
    left_object = object_of(left, find)
    right_object = object_of(right, find)
    if left_object is not None and right_object is not None:
        return _merge(left_object, right_object, find)
    left_fields = fields_of(left, find)
    right_fields = fields_of(right, find)
    if left_fields is not None or right_fields is not None:
        other = right if left_fields is not None else left
        if isinstance(other, ir.Primitive | ir.LiteralType) and other not in (
            ir.NULL,
            UNDEFINED,
        ):
            raise Undecidable("an intersection of an object type and a primitive")
        if isinstance(other, ir.ArrayType | ir.RecordType):
            raise Undecidable(
                "an intersection of an object type with an array or record"
            )
        return ir.NEVER  # null & {...}
    if isinstance(left, ir.LiteralType) or isinstance(right, ir.LiteralType):
        literal, other = (
            (left, right) if isinstance(left, ir.LiteralType) else (right, left)
        )
        assert isinstance(literal, ir.LiteralType)
        if other == primitive_of(literal):
            return literal
        return ir.NEVER
    if isinstance(left, ir.Primitive) and isinstance(right, ir.Primitive):
        if {left, right} == {ir.INTEGER, ir.NUMBER}:
            return ir.INTEGER
        return ir.NEVER
    if isinstance(left, ir.ArrayType) and isinstance(right, ir.ArrayType):
        element = intersect(left.element, right.element, find)
        if isinstance(element, Shape | ShapeUnion | InferVar):
            raise Undecidable("an intersection of arrays of object types")
        return ir.ArrayType(element)
    if isinstance(left, ir.Primitive | ir.ArrayType) and isinstance(
        right, ir.Primitive | ir.ArrayType
    ):
        return ir.NEVER
    raise Undecidable("an intersection this mirror cannot reduce")


def _merge(
    left: tuple[tuple[ir.Field, ...], ir.TypeRef | None],
    right: tuple[tuple[ir.Field, ...], ir.TypeRef | None],
    find: Finder,
) -> ir.TypeRef | Shape:
    """Two object types' properties merged. A value of ``A & B`` is a value of both, so
    a property only one side declares must also hold the other side's index signature
    type, and only keys both sides admit may be extra."""
    (left_fields, left_extra), (right_fields, right_extra) = left, right
    right_names = {f.name for f in right_fields}
    left_names = {f.name for f in left_fields}
    merged: dict[str, ir.Field] = {
        f.name: _constrained(f, right_extra, right_names, find) for f in left_fields
    }
    for field in right_fields:
        previous = merged.get(field.name)
        if previous is None:
            merged[field.name] = _constrained(field, left_extra, left_names, find)
            continue
        type_ = intersect(previous.type, field.type, find)
        if isinstance(type_, InferVar):
            raise Undecidable(f"property {field.name!r} cannot be intersected")
        # an intersection of object types stays a shape until the extractor names it
        # (MirrorBuilder.lower), so a field may briefly hold one
        if type_ == ir.NEVER and _is_unit(previous.type) and _is_unit(field.type):
            return ir.NEVER  # conflicting discriminants: the whole object is never
        merged[field.name] = replace(
            previous,
            type=cast(ir.TypeRef, type_),
            optional=previous.optional and field.optional,
            doc=previous.doc or field.doc,
        )
    # a key neither side declares is known to the side with an index signature, so it
    # passes TypeScript's excess property check, and must hold that signature's type
    extra = left_extra if right_extra is None else right_extra
    if left_extra is not None and right_extra is not None:
        both = _intersect_scalars(left_extra, right_extra, find)
        if isinstance(both, Shape | ShapeUnion | InferVar):
            raise Undecidable("an intersection of index signatures of object types")
        extra = both
    return object_type(tuple(merged.values()), extra)


def _constrained(
    field: ir.Field, extra: ir.TypeRef | None, declared: set[str], find: Finder
) -> ir.Field:
    """A property of one side of ``A & B`` as the other side's index signature (``extra``)
    also constrains it, unless that side declares the property itself."""
    if extra is None or field.name in declared:
        return field
    return replace(field, type=_intersect_scalars(field.type, extra, find))


def _intersect_scalars(left: Type, right: Type, find: Finder) -> ir.TypeRef:
    """``A & B`` where TypeScript checks a value against ``A`` and ``B`` one at a time
    (a property against another side's index signature). For an object literal that is
    not the merged object: each side's excess property check sees only its own keys. So
    only types of primitives and literals are intersected here; the rest is refused."""
    for side in (left, right):
        for member in expand(side, find):
            if not isinstance(member, ir.Primitive | ir.LiteralType):
                raise Undecidable(
                    "an intersection that checks a value of a structured type against "
                    "an index signature is not supported"
                )
    return cast(ir.TypeRef, intersect(left, right, find))


def _is_unit(type_: ir.TypeRef) -> bool:
    """A literal type or a union of them (TypeScript's discriminant property types)."""
    return (
        all(
            isinstance(m, ir.LiteralType) or m in (ir.NULL, UNDEFINED)
            for m in members(type_)
        )
        and type_ != ir.NEVER
    )
