"""From TypeScript declarations to IR declarations.

:class:`MirrorBuilder` takes the symbols a mirror names, evaluates consts, extracts types, and
pulls in every type those refer to, so the module it builds is self-contained. Types the IR
cannot express exactly (generics, mapped and conditional types, index signatures, functions,
``any``) are refused with a located error; nothing degrades to ``Any``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tree_sitter import Node

from tsmirror import ir
from tsmirror.algebra import union
from tsmirror.const_types import infer_type, name_literals
from tsmirror.errors import InputError
from tsmirror.naming import (
    ENUM_RESERVED,
    FIELD_RESERVED,
    pascal_case,
    python_identifier,
)
from tsmirror.ts.evaluate import (
    MAX_DEPTH,
    UNDEFINED,
    Evaluator,
    describe,
    non_finite,
    to_json,
)
from tsmirror.ts.literals import decode_string, number_to_string, parse_number
from tsmirror.ts.program import Binding, Program
from tsmirror.ts.source import Declaration, SourceFile

# Internal marker for ``undefined`` inside a type; only a field's top-level union may hold it
# (it makes the field optional). It never reaches the IR.
_UNDEFINED_TYPE = ir.Primitive("undefined")

_PRIMITIVES = {"string": ir.STRING, "number": ir.NUMBER, "boolean": ir.BOOLEAN}
_REFUSED_TYPES = {
    "function_type": "function type",
    "constructor_type": "constructor type",
    "conditional_type": "conditional type",
    "template_literal_type": "template literal type",
    "infer_type": "infer type",
    "type_predicate": "type predicate",
    "tuple_type": "tuple type",
    "this_type": "this type",
    "existential_type": "existential type",
    "optional_type": "optional type",
    "rest_type": "rest type",
    "asserts": "assertion type",
}
_REFUSED_MEMBERS = {
    "method_signature": "method signature",
    "call_signature": "call signature",
    "construct_signature": "construct signature",
    "index_signature": "index signature (use Record<K, V>)",
}


class MirrorBuilder:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.evaluator = Evaluator(program)
        self.declarations: list[ir.Declaration] = []
        # (file, declaration name) -> the IR name it was given
        self._names: dict[tuple[Path, str], str] = {}
        self._taken: dict[str, tuple[Path, str]] = {}
        self._building: set[tuple[Path, str]] = set()
        self._depth = 0  # nesting of type_of, bounded by MAX_DEPTH
        self.listed: list[str] = []  # the IR names of the symbols asked for, in order
        self._inferred: dict[str, bool] = {}  # unannotated consts -> under `as const`

    # --- mirrored symbols -----------------------------------------------------------------

    def add_symbol(self, file: SourceFile, symbol: str) -> None:
        binding = self.program.resolve_export(file, symbol, None)
        if binding.declaration is None:
            raise InputError(
                f"{symbol!r} is a namespace, not a declaration", path=file.shown
            )
        self.listed.append(self._declare(binding.file, binding.declaration, symbol))

    def _declare(
        self, file: SourceFile, decl: Declaration, name: str, node: Node | None = None
    ) -> str:
        key = (file.path, decl.name)
        if key in self._names:
            return self._names[key]
        ts_name, name = name, python_identifier(name)
        owner = self._taken.get(name)
        if owner is not None and owner != key:
            where = node if node is not None else decl.node
            raise file.error(
                where,
                f"{ts_name!r} and another declaration both become the Python name "
                f"{name!r} in this mirror",
            )
        self._names[key] = name
        self._taken[name] = key
        self._building.add(key)
        try:
            built = self._build(file, decl, name)
            self.declarations.append(
                replace(built, origin=f"{file.display}#{decl.name}")
            )
        finally:
            self._building.discard(key)
        return name

    def finish(self) -> tuple[ir.Declaration, ...]:
        """The declarations, with field names that shadow a module-level name (a declared
        type, an import, a builtin used in annotations) renamed; mypy would otherwise read
        the annotation ``str`` after a field named ``str`` as that field."""
        module_names = frozenset(self._taken) | FIELD_RESERVED
        aliases = [d for d in self.declarations if isinstance(d, ir.AliasDecl)]
        result: list[ir.Declaration] = []
        for decl in self.declarations:
            if isinstance(decl, ir.ConstDecl) and decl.name in self._inferred:
                as_const = self._inferred[decl.name]
                decl = replace(decl, type=name_literals(decl.type, aliases, as_const))
            if isinstance(decl, ir.ObjectDecl):
                fields = tuple(
                    replace(
                        f, py_name=python_identifier(f.py_name, reserved=module_names)
                    )
                    for f in decl.fields
                )
                names = [(f.name, f.py_name) for f in fields]
                if len({py for _, py in names}) != len(names):
                    clash = _first_clash(names)
                    raise InputError(
                        f"fields {clash[0]!r} and {clash[1]!r} of {decl.name!r} both "
                        "become the same Python name"
                    )
                decl = replace(decl, fields=fields)
            result.append(decl)
        return tuple(result)

    def _build(self, file: SourceFile, decl: Declaration, name: str) -> ir.Declaration:
        doc = file.jsdoc(decl.statement)
        kind = decl.kind
        if kind == "const":
            value = self.evaluator.mirrored_value(file, decl)
            annotation = decl.node.child_by_field_name("type")
            if self.evaluator.needs_json:
                if annotation is not None and non_finite(value):
                    # JSON (and the mirror) holds null, which `number` does not admit
                    raise file.error(
                        decl.node,
                        f"{decl.name!r} holds NaN or Infinity, which JSON turns into "
                        "null; its declared type does not admit null",
                    )
                value = to_json(value)
            if annotation is not None:
                type_ = self.type_of(file, annotation.named_children[0], name)
                type_ = _no_undefined(file, annotation, type_)
            else:
                as_const = _is_as_const(decl.node.child_by_field_name("value"))
                type_ = infer_type(value, as_const)
                self._inferred[name] = as_const
            return ir.ConstDecl(name, value, type_, doc)
        if kind == "enum":
            members = tuple(
                ir.EnumMember(
                    member_name,
                    python_identifier(member_name, reserved=ENUM_RESERVED),
                    value,
                    file.jsdoc(node),
                )
                for member_name, value, node in self.evaluator.enum_members(file, decl)
            )
            _check_unique(
                file, decl.node, [(m.name, m.py_name) for m in members], "enum member"
            )
            return ir.EnumDecl(name, members, doc)
        if kind == "interface":
            _refuse_type_parameters(file, decl.node)
            return ir.ObjectDecl(
                name, tuple(self._interface_fields(file, decl.node, name)), doc
            )
        if kind == "type":
            _refuse_type_parameters(file, decl.node)
            value_node = decl.node.child_by_field_name("value")
            assert value_node is not None
            if _is_object_shape(value_node):
                return ir.ObjectDecl(
                    name, tuple(self._shape_fields(file, value_node, name)), doc
                )
            type_ = _no_undefined(
                file, value_node, self.type_of(file, value_node, name)
            )
            return ir.AliasDecl(name, type_, doc)
        what = {
            "default": "a default export",
            "let": "a let binding",
            "var": "a var binding",
        }
        raise file.error(
            decl.node,
            f"{decl.name!r} is {what.get(kind, 'a ' + kind)}; only consts, enums, interfaces and type aliases can be mirrored",
        )

    # --- object shapes --------------------------------------------------------------------

    def _interface_fields(
        self, file: SourceFile, node: Node, owner: str
    ) -> list[ir.Field]:
        fields: dict[str, ir.Field] = {}
        for child in node.children:
            if child.type == "extends_type_clause":
                for base in child.children_by_field_name("type"):
                    for f in self._base_fields(file, base, owner):
                        fields[f.name] = f
        body = node.child_by_field_name("body")
        assert body is not None
        for f in self._member_fields(file, body, owner):
            fields[f.name] = (
                f  # a redeclared field overrides the base's, in the base's place
            )
        return _checked(file, node, list(fields.values()))

    def _base_fields(self, file: SourceFile, node: Node, owner: str) -> list[ir.Field]:
        if node.type == "generic_type":
            raise file.error(
                node, f"generic base type {file.snippet(node)} is not supported"
            )
        binding = self._type_binding(file, node)
        decl = binding.declaration
        assert decl is not None
        if decl.kind == "interface":
            _refuse_type_parameters(binding.file, decl.node)
            return self._interface_fields(binding.file, decl.node, owner)
        if decl.kind == "type":
            value = decl.node.child_by_field_name("value")
            if value is not None and _is_object_shape(value):
                return self._shape_fields(binding.file, value, owner)
        raise file.error(
            node, f"{file.snippet(node)} is not an object type and cannot be extended"
        )

    def _shape_fields(self, file: SourceFile, node: Node, owner: str) -> list[ir.Field]:
        """Fields of an object type, an intersection of them, or a reference to one."""
        kind = node.type
        if kind == "parenthesized_type":
            return self._shape_fields(file, node.named_children[0], owner)
        if kind == "object_type":
            return _checked(file, node, self._member_fields(file, node, owner))
        if kind == "intersection_type":
            merged: dict[str, ir.Field] = {}
            for part in _operands(node):
                for f in self._shape_fields(file, part, owner):
                    previous = merged.get(f.name)
                    if previous is not None and (previous.type, previous.optional) != (
                        f.type,
                        f.optional,
                    ):
                        raise file.error(
                            part,
                            f"intersection gives field {f.name!r} two different types",
                        )
                    merged[f.name] = f
            return _checked(file, node, list(merged.values()))
        if kind in ("type_identifier", "nested_type_identifier"):
            return self._base_fields(file, node, owner)
        if kind == "generic_type" and _generic_name(file, node) == "Readonly":
            return self._shape_fields(file, _type_arguments(file, node, 1)[0], owner)
        raise file.error(node, f"{file.snippet(node)} is not an object type")

    def _member_fields(
        self, file: SourceFile, body: Node, owner: str
    ) -> list[ir.Field]:
        fields: list[ir.Field] = []
        for member in body.named_children:
            if member.type == "comment":
                continue
            if member.type == "index_signature" and any(
                c.type == "mapped_type_clause" for c in member.children
            ):
                raise file.error(
                    member, f"mapped type {file.snippet(member)} is not supported"
                )
            if member.type in _REFUSED_MEMBERS:
                raise file.error(
                    member,
                    f"{_REFUSED_MEMBERS[member.type]} {file.snippet(member)} is not supported",
                )
            if member.type != "property_signature":
                raise file.error(
                    member,
                    f"{member.type.replace('_', ' ')} {file.snippet(member)} is not supported",
                )
            name_node = member.child_by_field_name("name")
            annotation = member.child_by_field_name("type")
            assert name_node is not None
            if name_node.type == "computed_property_name":
                key = self.evaluator.evaluate(file, name_node.named_children[0], 1)
                if not isinstance(key, str):
                    raise file.error(
                        name_node, "computed property name must be a string constant"
                    )
                name = key
            elif name_node.type == "string":
                name = decode_string(file, name_node)
            elif name_node.type == "number":
                name = number_to_string(parse_number(file, name_node))
            else:
                name = file.text(name_node)
            if annotation is None:
                raise file.error(member, f"property {name!r} has no type annotation")
            type_ = self.type_of(
                file, annotation.named_children[0], owner + pascal_case(name)
            )
            optional = any(c.type == "?" for c in member.children)
            field_type, admits_undefined = _split_undefined(type_)
            if field_type is None:
                raise file.error(
                    annotation,
                    f"property {name!r} can only be undefined, which JSON cannot hold",
                )
            fields.append(
                ir.Field(
                    name,
                    python_identifier(name),
                    field_type,
                    optional or admits_undefined,
                    file.jsdoc(member),
                )
            )
        return fields

    # --- types ----------------------------------------------------------------------------

    def type_of(self, file: SourceFile, node: Node, context: str) -> ir.TypeRef:
        """The IR type of a type node. ``context`` names anonymous object types found inside."""
        if self._depth >= MAX_DEPTH:
            raise file.error(node, f"type nests deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            return self._type_of(file, node, context)
        finally:
            self._depth -= 1

    def _type_of(self, file: SourceFile, node: Node, context: str) -> ir.TypeRef:
        kind = node.type
        if kind == "type_annotation":
            return self.type_of(file, node.named_children[0], context)
        if kind == "parenthesized_type":
            return self.type_of(file, node.named_children[0], context)
        if kind == "predefined_type":
            text = file.text(node)
            if text in _PRIMITIVES:
                return _PRIMITIVES[text]
            if text == "undefined":
                return _UNDEFINED_TYPE
            raise file.error(
                node, f"type {text!r} has no exact JSON mirror and is refused"
            )
        if kind == "literal_type":
            return self._literal_type(file, node)
        if kind == "union_type":
            return union(
                [self.type_of(file, part, context) for part in _operands(node)]
            )
        if kind == "array_type":
            return ir.ArrayType(self._element(file, node.named_children[0], context))
        if kind == "readonly_type":
            inner = node.named_children[0]
            if inner.type not in ("array_type", "tuple_type"):
                raise file.error(
                    node, f"readonly {file.snippet(inner)} is not an array type"
                )
            return self.type_of(file, inner, context)
        if kind == "generic_type":
            return self._generic(file, node, context)
        if kind in ("type_identifier", "nested_type_identifier"):
            return self._reference(file, node)
        if kind == "lookup_type":
            return self._lookup(file, node)
        if kind == "index_type_query":
            return self._keyof(file, node)
        if kind in ("object_type", "intersection_type"):
            name = self._anonymous_name(file, node, context)
            fields = self._shape_fields(file, node, name)
            self._taken[name] = (file.path, f"<anonymous {node.start_byte}>")
            origin = f"{file.display}#@{node.start_byte}"
            self.declarations.append(ir.ObjectDecl(name, tuple(fields), None, origin))
            return ir.NamedType(name)
        if kind == "type_query":
            raise file.error(
                node,
                f"{file.snippet(node)} names a value's type; use (typeof X)[number] or keyof typeof X",
            )
        if kind in _REFUSED_TYPES:
            raise file.error(
                node, f"{_REFUSED_TYPES[kind]} {file.snippet(node)} is not supported"
            )
        raise file.error(
            node,
            f"type {file.snippet(node)} ({kind.replace('_', ' ')}) is not supported",
        )

    def _anonymous_name(self, file: SourceFile, node: Node, context: str) -> str:
        name = python_identifier(pascal_case(context) or "Anonymous")
        if name in self._taken:
            raise file.error(
                node, f"anonymous object type would be named {name!r}, which is taken"
            )
        return name

    def _element(self, file: SourceFile, node: Node, context: str) -> ir.TypeRef:
        return _no_undefined(file, node, self.type_of(file, node, context + "Item"))

    def _literal_type(self, file: SourceFile, node: Node) -> ir.TypeRef:
        inner = node.named_children[0]
        if inner.type == "null":
            return ir.NULL
        if inner.type == "undefined":
            return _UNDEFINED_TYPE
        value = self.evaluator.evaluate(file, inner, 1)
        if isinstance(value, (str, int, float, bool)):
            return ir.LiteralType(value)
        raise file.error(node, f"literal type {file.snippet(node)} is not supported")

    def _generic(self, file: SourceFile, node: Node, context: str) -> ir.TypeRef:
        name_node = node.child_by_field_name("name")
        assert name_node is not None
        name = file.text(name_node)
        if name_node.type == "type_identifier" and not self._declared_type(file, name):
            if name in ("Array", "ReadonlyArray"):
                (element,) = _type_arguments(file, node, 1)
                return ir.ArrayType(self._element(file, element, context))
            if name == "Readonly":
                (inner,) = _type_arguments(file, node, 1)
                return self.type_of(file, inner, context)
            if name == "Record":
                key_node, value_node = _type_arguments(file, node, 2)
                key = self.type_of(file, key_node, context)
                if not self._is_record_key(key):
                    raise file.error(
                        key_node,
                        f"Record key {file.snippet(key_node)} must be string or a union of string literals",
                    )
                value = _no_undefined(
                    file, value_node, self.type_of(file, value_node, context + "Value")
                )
                return ir.RecordType(key, value)
        raise file.error(node, f"generic type {file.snippet(node)} is not supported")

    def _declared_type(self, file: SourceFile, name: str) -> bool:
        return name in file.types or name in file.imports

    def _is_record_key(self, key: ir.TypeRef) -> bool:
        key = self.resolve_alias(key)
        if key == ir.STRING:
            return True
        if isinstance(key, ir.LiteralType):
            return isinstance(key.value, str)
        if isinstance(key, ir.UnionType):
            return all(self._is_record_key(m) for m in key.members)
        if isinstance(key, ir.NamedType):
            decl = self.find(key.name)
            return isinstance(decl, ir.EnumDecl) and decl.is_string
        return False

    def find(self, name: str) -> ir.Declaration | None:
        return next((d for d in self.declarations if d.name == name), None)

    def resolve_alias(self, type_: ir.TypeRef) -> ir.TypeRef:
        seen = set()
        while isinstance(type_, ir.NamedType) and type_.name not in seen:
            seen.add(type_.name)
            decl = self.find(type_.name)
            if not isinstance(decl, ir.AliasDecl):
                break
            type_ = decl.type
        return type_

    def _type_binding(self, file: SourceFile, node: Node) -> Binding:
        if node.type == "nested_type_identifier":
            module = node.child_by_field_name("module")
            name = node.child_by_field_name("name")
            assert module is not None and name is not None
            outer = (
                self.program.resolve_value(file, file.text(module), module)
                if file.text(module) not in file.types
                else self.program.resolve_type(file, file.text(module), module)
            )
            if outer.namespace is not None:
                return self.program.resolve_export(
                    outer.namespace, file.text(name), name, "type", origin=file
                )
            raise file.error(node, f"{file.snippet(node)} is not a namespace member")
        binding = self.program.resolve_type(file, file.text(node), node)
        if binding.declaration is None:
            raise file.error(node, f"{file.snippet(node)} is a namespace, not a type")
        return binding

    def _reference(self, file: SourceFile, node: Node) -> ir.TypeRef:
        if node.type == "nested_type_identifier":
            enum_member = self._enum_member_type(file, node)
            if enum_member is not None:
                return enum_member
        binding = self._type_binding(file, node)
        decl = binding.declaration
        assert decl is not None
        if decl.kind in ("interface", "type", "enum"):
            key = (binding.file.path, decl.name)
            if key in self._building and decl.kind == "type":
                raise file.error(
                    node, f"recursive type alias {decl.name!r} is not supported"
                )
            return ir.NamedType(self._declare(binding.file, decl, decl.name, node))
        raise file.error(
            node,
            f"{file.snippet(node)} is a {decl.kind}, not a type that can be mirrored",
        )

    def _enum_member_type(self, file: SourceFile, node: Node) -> ir.TypeRef | None:
        module = node.child_by_field_name("module")
        member = node.child_by_field_name("name")
        assert module is not None and member is not None
        name = file.text(module)
        if name not in file.types and name not in file.imports:
            return None
        binding = self.program.resolve_type(file, name, module)
        if binding.declaration is None or binding.declaration.kind != "enum":
            return None
        for member_name, value, _ in self.evaluator.enum_members(
            binding.file, binding.declaration
        ):
            if member_name == file.text(member):
                return ir.LiteralType(value)
        raise file.error(member, f"enum {name!r} has no member {file.text(member)!r}")

    def _typeof_value(self, file: SourceFile, node: Node) -> object:
        """The value behind ``typeof X`` (``node`` is the type_query)."""
        target = node.named_children[0]
        if target.type not in (
            "identifier",
            "member_expression",
            "subscript_expression",
        ):
            raise file.error(node, f"{file.snippet(node)} is not supported")
        return self.evaluator.evaluate(file, target, 1)

    def _lookup(self, file: SourceFile, node: Node) -> ir.TypeRef:
        obj_node, index_node = node.named_children[0], node.named_children[-1]
        while obj_node.type == "parenthesized_type":
            obj_node = obj_node.named_children[0]
        if obj_node.type == "type_query":
            value = self._typeof_value(file, obj_node)
            index_text = file.text(index_node)
            if isinstance(value, list) and index_text == "number":
                return _literal_union(file, node, value)
            if isinstance(value, dict) and index_node.type == "index_type_query":
                keyed = index_node.named_children[0]
                if keyed.type == "type_query" and file.text(keyed) == file.text(
                    obj_node
                ):
                    return _literal_union(file, node, list(value.values()))
        raise file.error(
            node, f"indexed access type {file.snippet(node)} is not supported"
        )

    def _keyof(self, file: SourceFile, node: Node) -> ir.TypeRef:
        target = node.named_children[0]
        if target.type == "type_query":
            value = self._typeof_value(file, target)
            if isinstance(value, dict):
                return _literal_union(file, node, list(value.keys()))
        raise file.error(
            node, f"{file.snippet(node)} is not supported; only keyof typeof X"
        )


def _literal_union(file: SourceFile, node: Node, values: list[object]) -> ir.TypeRef:
    members: list[ir.TypeRef] = []
    for value in values:
        if (
            value is UNDEFINED
            or value is None
            or not isinstance(value, (str, int, float, bool))
        ):
            raise file.error(
                node,
                f"{file.snippet(node)} contains {describe(value)}, not a literal",
            )
        members.append(ir.LiteralType(value))
    if not members:
        raise file.error(node, f"{file.snippet(node)} is empty (never)")
    return union(members)


def _operands(node: Node) -> list[Node]:
    """The operands of ``A | B | C`` (or ``&``), which the grammar nests to the left; walked
    without recursion, since a union may have thousands of members."""
    operands: list[Node] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if current.type == node.type:
            pending.extend(reversed(current.named_children))
        else:
            operands.append(current)
    return operands


def _split_undefined(type_: ir.TypeRef) -> tuple[ir.TypeRef | None, bool]:
    if type_ == _UNDEFINED_TYPE:
        return None, True
    if isinstance(type_, ir.UnionType) and _UNDEFINED_TYPE in type_.members:
        rest = [m for m in type_.members if m != _UNDEFINED_TYPE]
        return union(rest), True
    return type_, False


def _no_undefined(file: SourceFile, node: Node, type_: ir.TypeRef) -> ir.TypeRef:
    if type_ == _UNDEFINED_TYPE or (
        isinstance(type_, ir.UnionType) and _UNDEFINED_TYPE in type_.members
    ):
        raise file.error(
            node, f"{file.snippet(node)} admits undefined, which JSON cannot hold here"
        )
    return type_


def _generic_name(file: SourceFile, node: Node) -> str:
    name = node.child_by_field_name("name")
    return file.text(name) if name is not None else ""


def _type_arguments(file: SourceFile, node: Node, count: int) -> list[Node]:
    args = node.child_by_field_name("type_arguments")
    found = args.named_children if args is not None else []
    if len(found) != count:
        raise file.error(node, f"{file.snippet(node)} takes {count} type argument(s)")
    return list(found)


def _refuse_type_parameters(file: SourceFile, node: Node) -> None:
    params = node.child_by_field_name("type_parameters")
    if params is None:
        params = next((c for c in node.children if c.type == "type_parameters"), None)
    if params is not None:
        raise file.error(
            params, f"generic declaration {file.snippet(node, 40)} is not supported"
        )


def _is_object_shape(node: Node) -> bool:
    while node.type == "parenthesized_type":
        node = node.named_children[0]
    return node.type in ("object_type", "intersection_type")


def _checked(file: SourceFile, node: Node, fields: list[ir.Field]) -> list[ir.Field]:
    _check_unique(file, node, [(f.name, f.py_name) for f in fields], "field")
    return fields


def _first_clash(names: list[tuple[str, str]]) -> tuple[str, str]:
    seen: dict[str, str] = {}
    for name, py_name in names:
        if py_name in seen:
            return seen[py_name], name
        seen[py_name] = name
    raise AssertionError("no clash")


def _check_unique(
    file: SourceFile, node: Node, names: list[tuple[str, str]], what: str
) -> None:
    seen: dict[str, str] = {}
    for name, py_name in names:
        if py_name in seen and seen[py_name] != name:
            raise file.error(
                node,
                f"{what}s {seen[py_name]!r} and {name!r} both become the Python name {py_name!r}",
            )
        seen[py_name] = name


def _is_as_const(node: Node | None) -> bool:
    """Whether a const's initializer ends in ``as const`` (through parentheses and
    ``satisfies``), which keeps the literal types of what it holds."""
    while node is not None and node.type in (
        "parenthesized_expression",
        "satisfies_expression",
    ):
        node = node.named_children[0] if node.named_children else None
    return (
        node is not None
        and node.type == "as_expression"
        and node.children[-1].type == "const"
    )
