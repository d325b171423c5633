"""Static evaluation of ``const`` initializers, with JavaScript's semantics.

Only what has one value without running code is evaluated: literals, object and array
literals with spreads, type-only wrappers (``as const``, ``satisfies``, ``!``), ``Object.freeze``,
references to other consts and enum members, and unary ``-``/``+``/``!`` on literals. Anything
else is an :class:`~tsmirror.errors.InputError` that names the construct and its location; the
evaluator never guesses.

Values are Python data (see ``tsmirror.ir.JsonValue``) plus :data:`UNDEFINED`, which is kept
while evaluating (it matters for key order and spreads) and dropped by :func:`to_json`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from tsmirror.ts.literals import (
    decode_string,
    normalize_number,
    number_to_string,
    parse_number,
)
from tsmirror.ts.program import Binding, Program
from tsmirror.ts.source import Declaration, SourceFile

if TYPE_CHECKING:
    from tsmirror.ir import JsonValue

#: How deeply values and types may nest (objects in arrays in objects ..., wrappers, and
#: chains of const references). Deeper input is refused with a located error, both to keep
#: the stack bounded and because the generated Python must stay within CPython's limit of
#: 200 nested brackets (an object costs two: ``MappingProxyType({``).
MAX_DEPTH = 90


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()

_WRAPPERS = frozenset(
    {
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "parenthesized_expression",
    }
)


def is_array_index(key: str) -> bool:
    """Keys that JavaScript orders first, ascending, in every object: canonical decimal
    integers below 2**32 - 1."""
    return (
        key.isdigit()
        and key.isascii()
        and (key == "0" or key[0] != "0")
        and int(key) < 2**32 - 1
    )


def order_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """Apply JavaScript's property order: array indices ascending, then insertion order."""
    indices = [k for k in obj if is_array_index(k)]
    if not indices:
        return obj
    indices.sort(key=int)
    ordered = {k: obj[k] for k in indices}
    ordered.update((k, v) for k, v in obj.items() if k not in ordered)
    return ordered


def to_json(value: Any) -> JsonValue:
    """What ``JSON.parse(JSON.stringify(value))`` gives: ``undefined`` properties dropped,
    ``undefined`` array elements become ``null``."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [None if v is UNDEFINED else to_json(v) for v in value]
    if value is UNDEFINED:
        return None
    return value  # type: ignore[no-any-return]


def describe(value: Any) -> str:
    """What a value is, with its article, for error messages: "a string", "an object"."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


class Evaluator:
    def __init__(self, program: Program) -> None:
        self.program = program
        self._values: dict[tuple[Path, str], Any] = {}
        self._in_progress: set[tuple[Path, str]] = set()
        # Whether any value holds `undefined`; only then does to_json need to copy.
        self.saw_undefined = False

    # --- declarations ---------------------------------------------------------------------

    def evaluate_binding(
        self, binding: Binding, use: Node, file: SourceFile, depth: int
    ) -> Any:
        """The value of ``binding``, used at ``use`` in ``file``; errors point at the use."""
        decl = binding.declaration
        if decl is not None and decl.kind in ("let", "var"):
            raise file.error(
                use, f"{decl.kind} binding {decl.name!r} is not statically evaluable"
            )
        if decl is None:
            raise file.error(
                use,
                f"namespace {file.snippet(use)} is not a value that can be mirrored",
            )
        if binding.file is file and decl.statement.start_byte > use.start_byte:
            # The module runs top to bottom: a const (or enum) read before its declaration
            # throws in JavaScript (TS2448), it has no value to mirror.
            raise file.error(
                use, f"{decl.name!r} is used before its declaration (TS2448)"
            )
        return self.evaluate_declaration(binding.file, decl, depth)

    def evaluate_declaration(
        self, file: SourceFile, decl: Declaration, depth: int = 0
    ) -> Any:
        key = (file.path, decl.name)
        if key in self._values:
            return self._values[key]
        if key in self._in_progress:
            raise file.error(decl.node, f"{decl.name!r} refers to itself")
        if decl.kind in ("let", "var"):
            raise file.error(
                decl.node,
                f"{decl.kind} binding {decl.name!r} is not statically evaluable",
            )
        if decl.kind in ("function", "class"):
            raise file.error(
                decl.node, f"{decl.kind} {decl.name!r} is not a constant value"
            )
        if decl.kind in ("interface", "type"):
            raise file.error(
                decl.node, f"{decl.kind} {decl.name!r} is a type, not a value"
            )
        self._in_progress.add(key)
        try:
            if decl.kind == "enum":
                value: Any = self.enum_object(file, decl)
            elif decl.kind == "default":
                value = self.evaluate(file, decl.node, depth + 1)
            else:
                init = decl.node.child_by_field_name("value")
                if init is None:
                    raise file.error(
                        decl.node, f"const {decl.name!r} has no initializer"
                    )
                value = self.evaluate(file, init, depth + 1)
        finally:
            self._in_progress.discard(key)
        self._values[key] = value
        return value

    # --- enums ----------------------------------------------------------------------------

    def enum_members(
        self, file: SourceFile, decl: Declaration
    ) -> list[tuple[str, str | int | float, Node]]:
        """Members in order, with TypeScript's auto-numbering."""
        body = decl.node.child_by_field_name("body")
        members: list[tuple[str, str | int | float, Node]] = []
        known: dict[str, str | int | float] = {}
        previous: str | int | float | None = None
        for member in body.named_children if body is not None else []:
            if member.type == "comment":
                continue
            if member.type == "enum_assignment":
                name_node = member.child_by_field_name("name")
                value_node = member.child_by_field_name("value")
                assert name_node is not None and value_node is not None
                value = self._enum_initializer(file, decl, value_node, known)
            else:
                name_node = member
                if previous is None:
                    value = 0
                elif isinstance(previous, (int, float)):
                    value = normalize_number(previous + 1)
                else:
                    raise file.error(
                        member, "enum member after a string member needs an initializer"
                    )
            name = self._property_name(file, name_node)
            known[name] = value
            members.append((name, value, member))
            previous = value
        return members

    def _enum_initializer(
        self,
        file: SourceFile,
        decl: Declaration,
        node: Node,
        known: dict[str, str | int | float],
    ) -> str | int | float:
        inner = _unwrap(node)
        if inner.type == "identifier" and file.text(inner) in known:
            return known[file.text(inner)]
        if inner.type == "member_expression":
            obj = inner.child_by_field_name("object")
            prop = inner.child_by_field_name("property")
            if (
                obj is not None
                and prop is not None
                and file.text(obj) == decl.name
                and file.text(prop) in known
            ):
                return known[file.text(prop)]
        value = self.evaluate(file, node, 1)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise file.error(
                node, f"enum initializer {file.snippet(node)} is not a string or number"
            )
        return value

    def enum_object(self, file: SourceFile, decl: Declaration) -> dict[str, Any]:
        """The runtime object TypeScript emits: numeric members get a reverse mapping."""
        obj: dict[str, Any] = {}
        for name, value, _ in self.enum_members(file, decl):
            obj[name] = value
            if not isinstance(value, str):
                obj[number_to_string(value)] = name
        return order_keys(obj)

    # --- expressions ----------------------------------------------------------------------

    def evaluate(self, file: SourceFile, node: Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise file.error(node, f"value nests deeper than {MAX_DEPTH} levels")
        kind = node.type
        if kind in _WRAPPERS:
            return self.evaluate(file, node.named_children[0], depth + 1)
        if kind == "type_assertion":
            return self.evaluate(file, node.named_children[-1], depth + 1)
        if kind == "string":
            return decode_string(file, node)
        if kind == "template_string":
            return decode_string(
                file, node, lambda inner: self._to_string(file, inner, depth + 1)
            )
        if kind == "number":
            return self._finite(file, node, parse_number(file, node))
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind == "null":
            return None
        if kind == "undefined":
            self.saw_undefined = True
            return UNDEFINED
        if kind == "object":
            return self._object(file, node, depth)
        if kind == "array":
            return self._array(file, node, depth)
        if kind == "identifier":
            return self._identifier(file, node, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._member(file, node, depth)
        if kind == "unary_expression":
            return self._unary(file, node, depth)
        if kind == "call_expression":
            return self._call(file, node, depth)
        raise file.error(
            node,
            f"{_describe_node(kind)} {file.snippet(node)} is not statically evaluable",
        )

    def _to_string(self, file: SourceFile, node: Node, depth: int) -> str:
        """A ``${...}`` substitution: JavaScript's ToString of a constant primitive."""
        value = self.evaluate(file, node, depth)
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return number_to_string(value)
        if value is None:
            return "null"
        if value is UNDEFINED:
            return "undefined"
        raise file.error(
            node,
            f"substitution {file.snippet(node)} is {describe(value)}, not a primitive",
        )

    def _finite(self, file: SourceFile, node: Node, value: int | float) -> int | float:
        if isinstance(value, float) and not math.isfinite(value):
            raise file.error(
                node, f"number {file.snippet(node)} is not finite; JSON cannot hold it"
            )
        return value

    def _identifier(self, file: SourceFile, node: Node, depth: int) -> Any:
        name = file.text(node)
        if name == "undefined" and name not in file.values and name not in file.imports:
            self.saw_undefined = True
            return UNDEFINED
        binding = self.program.resolve_value(file, name, node)
        return self.evaluate_binding(binding, node, file, depth + 1)

    def _object(self, file: SourceFile, node: Node, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        # Keys written in this literal; a spread may be overridden, a written key may not repeat.
        written: dict[str, Node] = {}
        for member in node.named_children:
            kind = member.type
            if kind == "comment":
                continue
            if kind == "pair":
                key_node = member.child_by_field_name("key")
                value_node = member.child_by_field_name("value")
                assert key_node is not None and value_node is not None
                key = self._key(file, key_node, depth)
                if key == "__proto__" and key_node.type != "computed_property_name":
                    # `__proto__: v` sets the prototype; JSON.stringify never sees it.
                    self.evaluate(file, value_node, depth + 1)
                    continue
                if key in written:
                    first = file.location(written[key])
                    raise file.error(
                        key_node,
                        f"duplicate key {key!r} in object literal (TS1117); "
                        f"first written at {first.line}:{first.col}",
                    )
                written[key] = key_node
                result[key] = self.evaluate(file, value_node, depth + 1)
            elif kind == "shorthand_property_identifier":
                key = file.text(member)
                if key in written:
                    raise file.error(
                        member, f"duplicate key {key!r} in object literal (TS1117)"
                    )
                written[key] = member
                binding = self.program.resolve_value(file, key, member)
                result[key] = self.evaluate_binding(binding, member, file, depth + 1)
            elif kind == "spread_element":
                spread = self.evaluate(file, member.named_children[0], depth + 1)
                if isinstance(spread, dict):
                    result.update(spread)
                elif isinstance(spread, list):
                    result.update((str(i), v) for i, v in enumerate(spread))
                elif isinstance(spread, str):
                    raise file.error(
                        member, "spreading a string into an object is not supported"
                    )
                # null, undefined, booleans and numbers spread nothing
            elif kind == "method_definition":
                raise file.error(
                    member,
                    f"method or accessor {file.snippet(member)} is not statically evaluable",
                )
            else:
                raise file.error(
                    member,
                    f"{_describe_node(kind)} {file.snippet(member)} is not statically evaluable",
                )
        return order_keys(result)

    def _key(self, file: SourceFile, node: Node, depth: int) -> str:
        kind = node.type
        if kind == "computed_property_name":
            value = self.evaluate(file, node.named_children[0], depth + 1)
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return number_to_string(value)
            raise file.error(
                node,
                f"computed key {file.snippet(node)} is {describe(value)}, not a string or number",
            )
        return self._property_name(file, node)

    def _property_name(self, file: SourceFile, node: Node) -> str:
        if node.type == "string":
            return decode_string(file, node)
        if node.type == "number":
            return number_to_string(parse_number(file, node))
        if node.type == "private_property_identifier":
            raise file.error(
                node, f"private name {file.text(node)} is not statically evaluable"
            )
        return file.text(node)

    def _array(self, file: SourceFile, node: Node, depth: int) -> list[Any]:
        result: list[Any] = []
        # A comma with no element before it is a hole ([1,,2]); JSON.stringify prints null.
        filled = False
        for element in node.children:
            kind = element.type
            if kind == ",":
                if not filled:
                    self.saw_undefined = True
                    result.append(UNDEFINED)
                filled = False
            elif kind in ("[", "]", "comment"):
                continue
            elif kind == "spread_element":
                filled = True
                spread = self.evaluate(file, element.named_children[0], depth + 1)
                if isinstance(spread, list):
                    result.extend(spread)
                elif isinstance(spread, str):
                    result.extend(spread)  # a string spreads into its code points
                else:
                    raise file.error(
                        element,
                        f"spread of {describe(spread)} into an array is not iterable",
                    )
            else:
                filled = True
                result.append(self.evaluate(file, element, depth + 1))
        return result

    def _member(self, file: SourceFile, node: Node, depth: int) -> Any:
        """``X.key``, ``X['key']``, ``X[0]``, ``ns.X`` for a namespace import."""
        if any(c.type == "optional_chain" for c in node.children):
            raise file.error(
                node,
                f"optional chaining {file.snippet(node)} is not statically evaluable",
            )
        obj_node = node.child_by_field_name("object")
        key_node = node.child_by_field_name(
            "property" if node.type == "member_expression" else "index"
        )
        assert obj_node is not None and key_node is not None
        if node.type == "member_expression":
            key = file.text(key_node)
        else:
            index = self.evaluate(file, key_node, depth + 1)
            if isinstance(index, (int, float)) and not isinstance(index, bool):
                key = number_to_string(index)
            elif isinstance(index, str):
                key = index
            else:
                raise file.error(
                    key_node, f"index {file.snippet(key_node)} is {describe(index)}"
                )
        namespace = self._namespace(file, obj_node)
        if namespace is not None:
            binding = self.program.resolve_export(
                namespace, key, key_node, "value", origin=file
            )
            return self.evaluate_binding(binding, node, file, depth + 1)
        return self._property(file, node, self.evaluate(file, obj_node, depth + 1), key)

    def _namespace(self, file: SourceFile, node: Node) -> SourceFile | None:
        if node.type != "identifier":
            return None
        name = file.text(node)
        if name in file.values or name not in file.imports:
            return None
        binding = self.program.resolve_value(file, name, node)
        return binding.namespace

    def _property(self, file: SourceFile, node: Node, obj: Any, key: str) -> Any:
        if isinstance(obj, dict) and key in obj:
            return obj[key]
        if isinstance(obj, list):
            if key == "length":
                return len(obj)
            if is_array_index(key) and int(key) < len(obj):
                return obj[int(key)]
        raise file.error(
            node,
            f"{file.snippet(node)}: property {key!r} does not exist on {describe(obj)}",
        )

    def _unary(self, file: SourceFile, node: Node, depth: int) -> Any:
        op_node = node.child_by_field_name("operator")
        arg_node = node.child_by_field_name("argument")
        assert op_node is not None and arg_node is not None
        op = file.text(op_node)
        inner = _unwrap(arg_node)
        if op in ("-", "+") and inner.type == "number":
            value = self._finite(file, inner, parse_number(file, inner))
            return normalize_number(-value) if op == "-" else value
        if op == "!":
            value = self.evaluate(file, arg_node, depth + 1)
            if isinstance(value, bool):
                return not value
        raise file.error(
            node, f"unary expression {file.snippet(node)} is not statically evaluable"
        )

    def _call(self, file: SourceFile, node: Node, depth: int) -> Any:
        callee = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if (
            callee is not None
            and args is not None
            and file.text(callee).replace(" ", "") == "Object.freeze"
            and "Object" not in file.values
            and "Object" not in file.imports
            and len(args.named_children) == 1
            and args.named_children[0].type != "spread_element"
        ):
            return self.evaluate(file, args.named_children[0], depth + 1)
        raise file.error(
            node, f"call expression {file.snippet(node)} is not statically evaluable"
        )


def _unwrap(node: Node) -> Node:
    while node.type in _WRAPPERS or node.type == "type_assertion":
        node = (
            node.named_children[0]
            if node.type in _WRAPPERS
            else node.named_children[-1]
        )
    return node


def _describe_node(kind: str) -> str:
    return kind.replace("_", " ")
