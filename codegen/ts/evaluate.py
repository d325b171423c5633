"""Static evaluation of ``const`` initializers, with JavaScript's semantics.

What has one value without running code that could change it is evaluated: literals, object
and array literals with spreads, type-only wrappers (``as const``, ``satisfies``, ``!``),
references to other consts and enum members, every arithmetic, bitwise, comparison and
logical operator, the conditional operator, template literals, ``Math``/``Number``
constants, and derived tables: the ``Object.*`` functions, the array and string methods of
:mod:`tsmirror.ts.javascript`, ``new Set`` and callbacks (arrow functions and functions of
the module whose bodies are an expression, or ``const``, ``if``/``else`` and ``return``).
Anything else is an :class:`~tsmirror.errors.InputError` that names the construct and its
location; the evaluator never guesses. JavaScript's rules themselves live in
:mod:`tsmirror.ts.javascript`, once each.

Values are JavaScript values as that module holds them (``-0``, NaN, ``undefined``, holes,
sets and functions included); :func:`to_json` turns a result into what ``JSON.stringify``
prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from tsmirror.ts import javascript as js
from tsmirror.ts.javascript import (
    HOLE,
    UNDEFINED,
    JSFunction,
    JSSet,
    Refusal,
    is_array_index,
    order_keys,
)
from tsmirror.ts.literals import (
    decode_string,
    normalize_number,
    number_to_string,
    parse_number,
)
from tsmirror.ts.program import Binding, Program
from tsmirror.ts.source import Declaration, SourceFile, plain_object

if TYPE_CHECKING:
    from tsmirror.ir import JsonValue

__all__ = ["MAX_DEPTH", "UNDEFINED", "Evaluator", "describe", "non_finite", "to_json"]

#: How deeply values and types may nest (objects in arrays in objects ..., wrappers, and
#: chains of const references). Deeper input is refused with a located error, both to keep
#: the stack bounded and because the generated Python must stay within CPython's limit of
#: 200 nested brackets (an object costs two: ``MappingProxyType({``).
MAX_DEPTH = 90


#: How many calls may nest (a callback calling a function calling ...), and how many calls
#: one evaluator makes in all; beyond either, the value is refused rather than computed.
MAX_CALL_DEPTH = 32
MAX_CALLS = 500_000

_WRAPPERS = frozenset(
    {
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "parenthesized_expression",
    }
)


#: Types whose values ``to_json`` gives back unchanged.
_JSON_LEAVES = frozenset({str, bool, int, type(None)})


def to_json(value: Any) -> JsonValue:
    """What ``JSON.parse(JSON.stringify(value))`` gives: ``undefined`` and function
    properties dropped, ``undefined``, holes and functions in arrays become ``null``, NaN and
    the infinities ``null``, ``-0`` becomes ``0``, and a set ``{}``."""
    if isinstance(
        value, dict
    ):  # (leaves that JSON keeps as they are inline: 20,000 rows)
        return {
            k: v if type(v) in _JSON_LEAVES else to_json(v)
            for k, v in value.items()
            if type(v) in _JSON_LEAVES or not _omitted(v)
        }
    if isinstance(value, list):
        return [
            v if type(v) in _JSON_LEAVES else None if _omitted(v) else to_json(v)
            for v in value
        ]
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return normalize_number(value + 0.0)
    if isinstance(value, JSSet):
        return {}
    if _omitted(value):
        return None
    return value  # type: ignore[no-any-return]


def non_finite(value: Any) -> bool:
    """Whether ``value`` holds NaN or an infinity, which JSON turns into ``null``."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(non_finite(v) for v in value)
    return False


def _nesting(value: Any) -> int:
    """How deeply arrays and objects nest in ``value``, counted without recursion; a value
    that shares parts (``[a, a]``) counts each time, as JSON prints it, and more than
    :data:`~tsmirror.ts.javascript.MAX_ELEMENTS` of them count as too deep."""
    deepest = 0
    seen = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            seen += 1
            if seen > js.MAX_ELEMENTS:
                return MAX_DEPTH + 1
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _omitted(value: Any) -> bool:
    return value is UNDEFINED or value is HOLE or isinstance(value, JSFunction)


def describe(value: Any) -> str:
    """What a value is, with its article, for error messages: "a string", "an object"."""
    if value is UNDEFINED or value is HOLE:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, JSFunction):
        return "a function"
    if isinstance(value, JSSet):
        return "a Set"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


class _Uninitialized:
    """A ``const`` of a block before its declaration has run (the temporal dead zone)."""


_TDZ = _Uninitialized()


class Scope:
    """The names a function body binds: its parameters and ``const`` declarations."""

    __slots__ = ("names", "parent")

    def __init__(self, parent: Scope | None) -> None:
        self.names: dict[str, Any] = {}
        self.parent = parent

    def find(self, name: str) -> tuple[bool, Any]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, None


class Closure(JSFunction):
    """An arrow function or a function of the module, with the scope it was created in."""

    def __init__(
        self, evaluator: Evaluator, file: SourceFile, node: Node, scope: Scope | None
    ) -> None:
        self.evaluator = evaluator
        self.file = file
        self.node = node
        self.scope = scope

    def call(self, args: Any) -> Any:
        return self.evaluator.call_closure(self, list(args))


#: Constant globals; a file or a function that declares the name shadows them.
_GLOBAL_CONSTANTS = {"Infinity": math.inf, "NaN": math.nan}
_NAMESPACE_CONSTANTS = {
    "Math": {
        "PI": math.pi,
        "E": math.e,
        "LN2": 0.6931471805599453,
        "LN10": 2.302585092994046,
        "LOG2E": 1.4426950408889634,
        "LOG10E": 0.4342944819032518,
        "SQRT2": 1.4142135623730951,
        "SQRT1_2": 0.7071067811865476,
    },
    "Number": {
        "MAX_SAFE_INTEGER": 2**53 - 1,
        "MIN_SAFE_INTEGER": -(2**53 - 1),
        "EPSILON": 2.0**-52,
        "MAX_VALUE": 1.7976931348623157e308,
        "MIN_VALUE": 5e-324,
        "POSITIVE_INFINITY": math.inf,
        "NEGATIVE_INFINITY": -math.inf,
        "NaN": math.nan,
    },
}
_FUNCTION_NODES = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function"}
)
_OBJECT_FUNCTIONS = frozenset(
    {"freeze", "keys", "values", "entries", "fromEntries", "assign"}
)
#: Calls whose result is a new array no other value holds, so sort() may work on it.
_FRESH_ARRAY_METHODS = frozenset(
    {
        "map",
        "filter",
        "concat",
        "flat",
        "flatMap",
        "slice",
        "toSorted",
        "toReversed",
        "split",
        "sort",
        "reverse",
        "from",
        "of",
    }
)
#: What every plain object inherits; destructuring one of these names is refused.
_OBJECT_PROTOTYPE = frozenset(
    {
        "constructor",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
        "__proto__",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
    }
)
_UNSUPPORTED_OPERATORS = {
    "in": "the in operator",
    "instanceof": "instanceof",
}


class Evaluator:
    def __init__(self, program: Program) -> None:
        self.program = program
        self._values: dict[tuple[Path, str], Any] = {}
        self._in_progress: set[tuple[Path, str]] = set()
        # per file, where the declarations being initialized are (innermost last)
        self._running: dict[Path, list[int]] = {}
        # Whether any value may hold what JSON prints differently (undefined, holes, -0,
        # NaN, functions, sets); only then does to_json need to copy.
        self.needs_json = False
        self._scope: Scope | None = None  # inside a function body
        self._site_depth = 0  # the nesting depth of the call being made
        self._call_depth = 0
        self._calls = 0

    # --- declarations ---------------------------------------------------------------------

    def mirrored_value(self, file: SourceFile, decl: Declaration) -> Any:
        """The value of a declaration that is mirrored: JSON must be able to hold it."""
        value = self.evaluate_declaration(file, decl)
        # a literal's depth is checked as it is read; only a call can build deeper
        if self.needs_json and _nesting(value) > MAX_DEPTH:
            raise file.error(
                decl.node,
                f"{decl.name!r} nests deeper than {MAX_DEPTH} levels, or holds more "
                f"than {js.MAX_ELEMENTS} arrays and objects",
            )
        if isinstance(value, (JSFunction, JSSet)):
            where = (
                decl.node.child_by_field_name("value") if decl.kind == "const" else None
            )
            where = where or decl.node
            raise file.error(
                where,
                f"{_describe_node(where.type)} {file.snippet(where)} is "
                f"{describe(value)}; JSON has no form for it",
            )
        return value

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
        running = self._running.get(binding.file.path)
        if (
            running
            and decl.kind != "function"  # function declarations are hoisted
            and _position(decl) > running[-1]
        ):
            # The module runs top to bottom: a const (or enum) read before its declaration
            # has run throws in JavaScript (TS2448), so there is no value to mirror. What
            # counts is the declaration being initialized when the read happens, which for
            # a read inside a function is where the function is called from.
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
        if decl.kind == "class":
            raise file.error(
                decl.node, f"{decl.kind} {decl.name!r} is not a constant value"
            )
        if decl.kind in ("interface", "type"):
            raise file.error(
                decl.node, f"{decl.kind} {decl.name!r} is a type, not a value"
            )
        if decl.kind == "function":
            value: Any = self._closure(file, decl.node, None)
            self._values[key] = value
            return value
        self._in_progress.add(key)
        scope, self._scope = self._scope, None  # a module-level initializer
        running = self._running.setdefault(file.path, [])
        running.append(_position(decl))
        try:
            if decl.kind == "enum":
                value = self.enum_object(file, decl)
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
            self._scope = scope
            running.pop()
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
        # Earlier members are in scope, by name and as the enum's own properties.
        scope = Scope(None)
        scope.names.update(known)
        scope.names[decl.name] = dict(known)
        saved, self._scope = self._scope, scope
        try:
            value: str | int | float = self.evaluate(file, node, 1)
        finally:
            self._scope = saved
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise file.error(
                node, f"enum initializer {file.snippet(node)} is not a string or number"
            )
        if isinstance(value, float):
            if not math.isfinite(value):
                raise file.error(
                    node, f"enum initializer {file.snippet(node)} is not finite"
                )
            value = normalize_number(value + 0.0)  # -0 is 0 in JSON and in Python
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
            text = decode_string(
                file, node, lambda inner: self._to_string(file, inner, depth + 1)
            )
            self._invoke(file, node, lambda: js.checked_string(len(text)))
            return text
        if kind == "number":
            value = parse_number(file, node)
            if isinstance(value, float) and not math.isfinite(value):
                self.needs_json = True
            return value
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind == "null":
            return None
        if kind == "undefined":
            self.needs_json = True
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
        if kind == "binary_expression":
            return self._binary(file, node, depth)
        if kind == "ternary_expression":
            return self._conditional(file, node, depth)
        if kind == "call_expression":
            return self._call(file, node, depth)
        if kind == "new_expression":
            return self._new(file, node, depth)
        if kind in ("arrow_function", "function_expression", "function"):
            return self._closure(file, node, self._scope)
        raise file.error(
            node,
            f"{_describe_node(kind)} {file.snippet(node)} is not statically evaluable",
        )

    def _to_string(self, file: SourceFile, node: Node, depth: int) -> str:
        """A ``${...}`` substitution: JavaScript's ToString of a constant."""
        value = self.evaluate(file, node, depth)
        return str(self._invoke(file, node, lambda: js.to_string(value)))

    def _identifier(self, file: SourceFile, node: Node, depth: int) -> Any:
        return self._lookup(file, file.text(node), node, depth)

    def _lookup(self, file: SourceFile, name: str, node: Node, depth: int) -> Any:
        """A name: a parameter or local const of the enclosing functions, else a global
        such as ``undefined`` or ``NaN`` the file does not shadow, else a declaration."""
        if self._scope is not None:
            found, value = self._scope.find(name)
            if found:
                if value is _TDZ:
                    raise file.error(
                        node, f"{name!r} is used before its declaration (TS2448)"
                    )
                return value
        if name not in file.values and name not in file.imports:
            if name == "undefined":
                self.needs_json = True
                return UNDEFINED
            if name in _GLOBAL_CONSTANTS:
                self.needs_json = True
                return _GLOBAL_CONSTANTS[name]
            if name in js.GLOBAL_FUNCTIONS:
                self.needs_json = True
                return js.GLOBAL_FUNCTIONS[name]
        binding = self.program.resolve_value(file, name, node)
        return self.evaluate_binding(binding, node, file, depth + 1)

    def _is_global(self, file: SourceFile, node: Node, name: str) -> bool:
        """Whether ``node`` is the identifier ``name`` naming the global, not a binding."""
        return (
            node.type == "identifier"
            and file.text(node) == name
            and name not in file.values
            and name not in file.imports
            and (self._scope is None or not self._scope.find(name)[0])
        )

    def _object(self, file: SourceFile, node: Node, depth: int) -> dict[str, Any]:
        if depth < MAX_DEPTH:  # else its values are too deep, as evaluate says
            plain = plain_object(file, node)
            if plain is not None:
                return order_keys(plain)
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
                result[key] = self._lookup(file, key, member, depth + 1)
            elif kind == "spread_element":
                spread = self.evaluate(file, member.named_children[0], depth + 1)
                if spread is not None and spread is not UNDEFINED:
                    result.update(js.own_entries(spread, "spread"))
                # null and undefined spread nothing
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
            if js.is_number(value):
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
        filled = spread = False
        for element in node.children:
            kind = element.type
            if kind == ",":
                if not filled:
                    self.needs_json = True
                    result.append(HOLE)
                filled = False
            elif kind in ("[", "]", "comment"):
                continue
            elif kind == "spread_element":
                filled = spread = True
                spread_value = self.evaluate(file, element.named_children[0], depth + 1)
                result.extend(self._iterate(file, element, spread_value))
            else:
                filled = True
                result.append(self.evaluate(file, element, depth + 1))
        if len(result) > js.MAX_ELEMENTS and spread:
            # a literal is as long as its file allows; spreads can double it each time
            self._invoke(file, node, lambda: js.checked_array(result))
        return result

    def _iterate(self, file: SourceFile, node: Node, value: Any) -> list[Any]:
        try:
            return js.iterate(value)
        except Refusal:
            raise file.error(
                node, f"spread of {describe(value)} into an array is not iterable"
            ) from None

    def _member(self, file: SourceFile, node: Node, depth: int) -> Any:
        """``X.key``, ``X['key']``, ``X[0]``, ``ns.X`` for a namespace import,
        ``Math.PI`` and ``Number.EPSILON``."""
        optional = any(c.type == "optional_chain" for c in node.children)
        obj_node = node.child_by_field_name("object")
        key_node = node.child_by_field_name(
            "property" if node.type == "member_expression" else "index"
        )
        assert obj_node is not None and key_node is not None
        if node.type == "member_expression":
            key = file.text(key_node)
        else:
            index = self.evaluate(file, key_node, depth + 1)
            if js.is_number(index):
                key = number_to_string(index)
            elif isinstance(index, str):
                key = index
            else:
                raise file.error(
                    key_node, f"index {file.snippet(key_node)} is {describe(index)}"
                )
        for namespace_name, constants in _NAMESPACE_CONSTANTS.items():
            if self._is_global(file, obj_node, namespace_name):
                if key not in constants:
                    raise file.error(
                        node, f"{file.snippet(node)} is not a constant tsmirror knows"
                    )
                self.needs_json = True
                return constants[key]
        namespace = self._namespace(file, obj_node)
        if namespace is not None:
            binding = self.program.resolve_export(
                namespace, key, key_node, "value", origin=file
            )
            return self.evaluate_binding(binding, node, file, depth + 1)
        obj = self.evaluate(file, obj_node, depth + 1)
        if optional and (obj is None or obj is UNDEFINED):
            # x?.key is undefined; a longer chain after it (x?.a.b) is refused, not
            # short-circuited, when it reads a property of that undefined
            self.needs_json = True
            return UNDEFINED
        return self._property(file, node, obj, key)

    def _namespace(self, file: SourceFile, node: Node) -> SourceFile | None:
        if node.type != "identifier":
            return None
        name = file.text(node)
        if name in file.values or name not in file.imports:
            return None
        if self._scope is not None and self._scope.find(name)[0]:
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
                item = obj[int(key)]
                return UNDEFINED if item is HOLE else item
        if isinstance(obj, str):
            try:
                return js.string_property(obj, key)
            except Refusal:
                pass
        if isinstance(obj, JSSet) and key == "size":
            return len(obj.items)
        raise file.error(
            node,
            f"{file.snippet(node)}: property {key!r} does not exist on {describe(obj)}",
        )

    # --- operators ------------------------------------------------------------------------

    def _unary(self, file: SourceFile, node: Node, depth: int) -> Any:
        op_node = node.child_by_field_name("operator")
        arg_node = node.child_by_field_name("argument")
        assert op_node is not None and arg_node is not None
        op = file.text(op_node)
        if op == "delete":
            raise file.error(
                node,
                f"unary expression {file.snippet(node)} is not statically evaluable",
            )
        value = self.evaluate(file, arg_node, depth + 1)
        self.needs_json = True
        return self._invoke(file, node, lambda: js.unary(op, value))

    def _binary(self, file: SourceFile, node: Node, depth: int) -> Any:
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        op_node = node.child_by_field_name("operator")
        assert left_node is not None and right_node is not None and op_node is not None
        op = op_node.type
        if op in _UNSUPPORTED_OPERATORS:
            raise file.error(
                op_node, f"{_UNSUPPORTED_OPERATORS[op]} is not statically evaluated"
            )
        _check_operator_grammar(file, node, op, left_node, right_node)
        left = self.evaluate(file, left_node, depth + 1)
        if op in ("&&", "||", "??"):
            # short-circuit: the other side never runs, so it is not evaluated either
            if op == "&&":
                taken = not js.to_boolean(left)
            elif op == "||":
                taken = js.to_boolean(left)
            else:
                taken = left is not None and left is not UNDEFINED
            return left if taken else self.evaluate(file, right_node, depth + 1)
        right = self.evaluate(file, right_node, depth + 1)
        self.needs_json = True
        return self._invoke(file, node, lambda: js.binary(op, left, right))

    def _conditional(self, file: SourceFile, node: Node, depth: int) -> Any:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        assert condition is not None and consequence is not None
        assert alternative is not None
        taken = js.to_boolean(self.evaluate(file, condition, depth + 1))
        return self.evaluate(file, consequence if taken else alternative, depth + 1)

    # --- calls ----------------------------------------------------------------------------

    def _call(self, file: SourceFile, node: Node, depth: int) -> Any:
        callee = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        assert callee is not None and args_node is not None
        if any(c.type == "optional_chain" for c in node.children) or (
            args_node.type != "arguments"
        ):
            raise file.error(
                node,
                f"call expression {file.snippet(node)} is not statically evaluable",
            )
        callee = _unwrap(callee)
        self.needs_json = True
        saved, self._site_depth = self._site_depth, depth
        try:
            if callee.type == "member_expression":
                return self._method_call(file, node, callee, args_node, depth)
            if (
                callee.type == "identifier"
                and file.text(callee) not in js.GLOBAL_FUNCTIONS
                and self._is_global(file, callee, file.text(callee))
            ):
                raise file.error(
                    node,
                    f"call expression {file.snippet(node)} is not statically evaluable",
                )
            function = self.evaluate(file, callee, depth + 1)
            if not isinstance(function, JSFunction):
                raise file.error(
                    node,
                    f"call expression {file.snippet(node)} is not statically evaluable: "
                    f"{file.snippet(callee)} is {describe(function)}, not a function",
                )
            args = self._arguments(file, args_node, depth)
            return self._invoke(file, node, lambda: function.call(args))
        finally:
            self._site_depth = saved

    def _invoke(self, file: SourceFile, node: Node, run: Callable[[], Any]) -> Any:
        """``run()``, with a :class:`Refusal` located at ``node``."""
        try:
            return run()
        except Refusal as refusal:
            raise file.error(node, f"{file.snippet(node)}: {refusal}") from None
        except RecursionError:
            # a value built by calls (reduce((a, x) => [a], [])) may nest without bound
            raise file.error(
                node, f"{file.snippet(node)}: the values it reads nest too deeply"
            ) from None

    def _arguments(self, file: SourceFile, node: Node, depth: int) -> list[Any]:
        args: list[Any] = []
        for arg in node.named_children:
            if arg.type == "comment":
                continue
            if arg.type == "spread_element":
                spread = self.evaluate(file, arg.named_children[0], depth + 1)
                args.extend(self._iterate(file, arg, spread))
            else:
                args.append(self.evaluate(file, arg, depth + 1))
        return args

    def _method_call(
        self, file: SourceFile, node: Node, callee: Node, args_node: Node, depth: int
    ) -> Any:
        obj_node = callee.child_by_field_name("object")
        name_node = callee.child_by_field_name("property")
        assert obj_node is not None and name_node is not None
        name = file.text(name_node)
        if self._is_global(file, obj_node, "Object"):
            return self._object_function(file, node, name, args_node, depth)
        if obj_node.type == "identifier" and self._is_global(
            file, obj_node, file.text(obj_node)
        ):
            static = js.STATIC_FUNCTIONS.get(file.text(obj_node), {}).get(name)
            if static is None:
                raise file.error(
                    node,
                    f"call expression {file.snippet(node)} is not statically evaluable",
                )
            static_args = self._arguments(file, args_node, depth)
            return self._invoke(file, node, lambda: static(static_args))
        receiver = self.evaluate(file, obj_node, depth + 1)
        if (receiver is None or receiver is UNDEFINED) and any(
            c.type == "optional_chain" for c in callee.children
        ):
            # x?.m(args) on a nullish x is undefined, and its arguments never run
            return UNDEFINED
        method: Any = None
        if isinstance(receiver, list):
            method = js.ARRAY_METHODS.get(name)
            if method is not None and HOLE in receiver:
                raise file.error(
                    node,
                    f"{file.snippet(node)}: {name}() on an array with holes is not "
                    "evaluated",
                )
            if name in js.IN_PLACE_METHODS and not _is_fresh_array(file, obj_node):
                raise file.error(
                    node,
                    f"{file.snippet(node)} changes {file.snippet(obj_node)} in place; "
                    f"call it on a copy ([...x].{name}()) or use to"
                    f"{'Sorted' if name == 'sort' else 'Reversed'}()",
                )
        elif isinstance(receiver, str):
            method = js.STRING_METHODS.get(name)
        elif isinstance(receiver, JSSet) and name == "has":
            method = lambda set_, args: set_.has(args)  # noqa: E731
        elif js.is_number(receiver):
            number_method = js.NUMBER_METHODS.get(name)
            if number_method is not None:
                x = float(receiver)
                method = lambda _, args: number_method(x, args)  # noqa: E731
        if method is None:
            raise file.error(
                node,
                f"call expression {file.snippet(node)} is not statically evaluable: "
                f"{name}() of {describe(receiver)} is not a method tsmirror evaluates",
            )
        args = self._arguments(file, args_node, depth)
        return self._invoke(file, node, lambda: method(receiver, args))

    def _object_function(
        self, file: SourceFile, node: Node, name: str, args_node: Node, depth: int
    ) -> Any:
        if name not in _OBJECT_FUNCTIONS:
            raise file.error(
                node,
                f"call expression {file.snippet(node)} is not statically evaluable",
            )
        arg_nodes = [a for a in args_node.named_children if a.type != "comment"]
        if name == "assign":
            # Object.assign changes its first argument: only a fresh object literal.
            if not arg_nodes or _unwrap(arg_nodes[0]).type != "object":
                raise file.error(
                    node,
                    f"{file.snippet(node)} changes its first argument; only "
                    "Object.assign({...}, ...) with a new object is evaluated",
                )
        args = self._arguments(file, args_node, depth)
        if name == "freeze":
            if len(arg_nodes) != 1 or arg_nodes[0].type == "spread_element":
                raise file.error(
                    node,
                    f"call expression {file.snippet(node)} is not statically evaluable",
                )
            return args[0]

        def run() -> Any:
            first = args[0] if args else UNDEFINED
            if name == "keys":
                return [k for k, _ in js.own_entries(first, "Object.keys")]
            if name == "values":
                return [v for _, v in js.own_entries(first, "Object.values")]
            if name == "entries":
                return [[k, v] for k, v in js.own_entries(first, "Object.entries")]
            if name == "fromEntries":
                return order_keys(js.from_entries(js.iterate(first)))
            target = dict(first)
            for source in args[1:]:
                if source is None or source is UNDEFINED:
                    continue
                for key, value in js.own_entries(source, "Object.assign"):
                    if key == "__proto__":
                        raise Refusal("assigning __proto__ sets the prototype")
                    target[key] = value
            return order_keys(target)

        return self._invoke(file, node, run)

    def _new(self, file: SourceFile, node: Node, depth: int) -> Any:
        constructor = node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        if (
            constructor is None
            or not self._is_global(file, constructor, "Set")
            or any(c.type == "optional_chain" for c in node.children)
        ):
            raise file.error(
                node, f"new expression {file.snippet(node)} is not statically evaluable"
            )
        args = self._arguments(file, args_node, depth) if args_node is not None else []
        self.needs_json = True
        source = args[0] if args else UNDEFINED
        if source is None or source is UNDEFINED:
            return JSSet([])
        return JSSet(self._iterate(file, node, source))

    # --- functions ------------------------------------------------------------------------

    def _closure(self, file: SourceFile, node: Node, scope: Scope | None) -> Closure:
        if node.type not in _FUNCTION_NODES or any(
            c.type in ("async", "*") for c in node.children
        ):
            raise file.error(
                node,
                f"{_describe_node(node.type)} {file.snippet(node)} is not a function "
                "tsmirror evaluates (only plain arrow functions and functions)",
            )
        self.needs_json = True
        return Closure(self, file, node, scope)

    def call_closure(self, closure: Closure, args: list[Any]) -> Any:
        """Runs a function body: parameters bound to ``args``, in a new scope whose parent
        is the scope the function was created in."""
        file, node = closure.file, closure.node
        depth = self._site_depth + 1
        if self._call_depth >= MAX_CALL_DEPTH or depth > MAX_DEPTH:
            raise file.error(node, f"calls nest deeper than {MAX_CALL_DEPTH} levels")
        self._calls += 1
        if self._calls > MAX_CALLS:
            raise file.error(node, f"evaluating takes more than {MAX_CALLS} calls")
        saved = self._scope
        self._scope = Scope(closure.scope)
        self._call_depth += 1
        try:
            self._bind_parameters(file, node, args, depth)
            body = node.child_by_field_name("body")
            assert body is not None
            if body.type != "statement_block":
                return self.evaluate(file, body, depth)
            returned, value = self._run_block(file, body, depth)
            return value if returned else UNDEFINED
        finally:
            self._scope = saved
            self._call_depth -= 1

    def _bind_parameters(
        self, file: SourceFile, node: Node, args: list[Any], depth: int
    ) -> None:
        single = node.child_by_field_name("parameter")
        if single is not None:
            self._bind(file, single, args[0] if args else UNDEFINED, depth)
            return
        params = node.child_by_field_name("parameters")
        assert params is not None
        index = 0
        for param in params.named_children:
            if param.type == "comment":
                continue
            if param.type not in ("required_parameter", "optional_parameter"):
                raise file.error(
                    param, f"parameter {file.snippet(param)} is not evaluated"
                )
            pattern = param.child_by_field_name("pattern")
            assert pattern is not None
            if pattern.type == "rest_pattern":
                self._bind(file, pattern.named_children[0], args[index:], depth)
                index = len(args)
                continue
            if pattern.type == "this":
                raise file.error(pattern, "a this parameter is not evaluated")
            value = args[index] if index < len(args) else UNDEFINED
            default = param.child_by_field_name("value")
            if default is not None and value is UNDEFINED:
                value = self.evaluate(file, default, depth + 1)
            self._bind(file, pattern, value, depth)
            index += 1

    def _bind(self, file: SourceFile, pattern: Node, value: Any, depth: int) -> None:
        """Binds the names of a parameter or ``const`` pattern, destructuring as
        JavaScript does (a missing element or property is undefined)."""
        assert self._scope is not None
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            self._scope.names[file.text(pattern)] = value
            return
        if kind in ("assignment_pattern", "object_assignment_pattern"):
            left = pattern.child_by_field_name("left")
            right = pattern.child_by_field_name("right")
            assert left is not None and right is not None
            if value is UNDEFINED:
                value = self.evaluate(file, right, depth + 1)
            self._bind(file, left, value, depth)
            return
        if kind == "array_pattern":
            items = self._iterate(file, pattern, value)
            index, expecting = 0, True
            for child in pattern.children:
                if child.type == ",":
                    if expecting:
                        index += 1  # an elision skips an element
                    expecting = True
                elif child.type in ("[", "]", "comment"):
                    continue
                elif child.type == "rest_pattern":
                    self._bind(file, child.named_children[0], items[index:], depth)
                    index, expecting = len(items), False
                else:
                    item = items[index] if index < len(items) else UNDEFINED
                    self._bind(file, child, item, depth)
                    index, expecting = index + 1, False
            return
        if kind == "object_pattern":
            if value is None or value is UNDEFINED:
                raise file.error(
                    pattern, f"destructuring {describe(value)} throws a TypeError"
                )
            entries = dict(js.own_entries(value, "destructuring"))
            used: list[str] = []
            for child in pattern.named_children:
                if child.type == "comment":
                    continue
                if child.type == "rest_pattern":
                    rest = {k: v for k, v in entries.items() if k not in used}
                    self._bind(file, child.named_children[0], rest, depth)
                    continue
                if child.type == "pair_pattern":
                    key_node = child.child_by_field_name("key")
                    target = child.child_by_field_name("value")
                    assert key_node is not None and target is not None
                    key = self._key(file, key_node, depth)
                elif child.type == "object_assignment_pattern":
                    left = child.child_by_field_name("left")
                    assert left is not None
                    key, target = file.text(left), child
                else:
                    key, target = file.text(child), child
                used.append(key)
                self._bind(file, target, self._get(file, child, value, key), depth)
            return
        raise file.error(pattern, f"pattern {file.snippet(pattern)} is not evaluated")

    def _get(self, file: SourceFile, node: Node, obj: Any, key: str) -> Any:
        """``obj[key]`` as destructuring reads it: undefined when absent. What the object
        would inherit (``toString``, array methods) is refused."""
        if isinstance(obj, dict):
            if key in obj:
                return obj[key]
            if key not in _OBJECT_PROTOTYPE:
                return UNDEFINED
        elif isinstance(obj, list):
            if key == "length":
                return len(obj)
            if is_array_index(key):
                index = int(key)
                item = obj[index] if index < len(obj) else UNDEFINED
                return UNDEFINED if item is HOLE else item
        elif isinstance(obj, str):
            try:
                return js.string_property(obj, key)
            except Refusal:
                if is_array_index(key):
                    return UNDEFINED
        raise file.error(node, f"reading {key!r} of {describe(obj)} is not evaluated")

    def _run_block(self, file: SourceFile, block: Node, depth: int) -> tuple[bool, Any]:
        """Runs ``const``, ``if``/``else``, ``return`` and nested blocks; returns whether a
        ``return`` ran, and its value."""
        assert self._scope is not None
        saved = self._scope
        scope = self._scope = Scope(saved)
        statements = [s for s in block.named_children if s.type != "comment"]
        try:
            for statement in statements:
                if statement.type == "lexical_declaration":
                    for name in _declared_names(file, statement):
                        scope.names[name] = _TDZ
            for statement in statements:
                returned, value = self._run_statement(file, statement, depth)
                if returned:
                    return True, value
            return False, UNDEFINED
        finally:
            self._scope = saved

    def _run_statement(
        self, file: SourceFile, statement: Node, depth: int
    ) -> tuple[bool, Any]:
        kind = statement.type
        if kind == "return_statement":
            value_nodes = [c for c in statement.named_children if c.type != "comment"]
            if not value_nodes:
                return True, UNDEFINED
            return True, self.evaluate(file, value_nodes[0], depth + 1)
        if kind == "statement_block":
            return self._run_block(file, statement, depth + 1)
        if kind == "if_statement":
            condition = statement.child_by_field_name("condition")
            consequence = statement.child_by_field_name("consequence")
            alternative = statement.child_by_field_name("alternative")
            assert condition is not None and consequence is not None
            if js.to_boolean(self.evaluate(file, condition, depth + 1)):
                return self._run_branch(file, consequence, depth)
            if alternative is not None:
                branch = [c for c in alternative.named_children if c.type != "comment"]
                return self._run_branch(file, branch[0], depth)
            return False, UNDEFINED
        if kind == "empty_statement":
            return False, UNDEFINED
        if kind == "lexical_declaration" and statement.children[0].type == "const":
            assert self._scope is not None
            for declarator in statement.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name = declarator.child_by_field_name("name")
                init = declarator.child_by_field_name("value")
                assert name is not None
                if init is None:
                    raise file.error(declarator, "a const needs an initializer")
                self._bind(file, name, self.evaluate(file, init, depth + 1), depth)
            return False, UNDEFINED
        raise file.error(
            statement,
            f"{_describe_node(kind)} {file.snippet(statement)} is not evaluated in a "
            "function body (only const, if/else and return are)",
        )

    def _run_branch(self, file: SourceFile, node: Node, depth: int) -> tuple[bool, Any]:
        if node.type == "statement_block":
            return self._run_block(file, node, depth + 1)
        if node.type == "lexical_declaration":
            raise file.error(node, "a declaration is not allowed as an if branch")
        return self._run_statement(file, node, depth + 1)


def _position(decl: Declaration) -> int:
    """Where a declaration runs: its own declarator in ``const a = 1, b = a``."""
    return decl.node.start_byte if decl.kind == "const" else decl.statement.start_byte


def _declared_names(file: SourceFile, statement: Node) -> list[str]:
    """The names a ``const`` statement binds, through destructuring patterns."""
    names: list[str] = []
    stack = [
        d.child_by_field_name("name")
        for d in statement.named_children
        if d.type == "variable_declarator"
    ]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            names.append(file.text(node))
        elif kind in ("array_pattern", "object_pattern"):
            stack.extend(node.named_children)
        elif kind == "pair_pattern":
            stack.append(node.child_by_field_name("value"))
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            stack.append(node.child_by_field_name("left"))
        elif kind == "rest_pattern":
            stack.extend(node.named_children[:1])
    return names


def _check_operator_grammar(
    file: SourceFile, node: Node, op: str, left: Node, right: Node
) -> None:
    """What the grammar accepts but JavaScript does not: ``-x ** y`` and ``??`` mixed with
    ``||`` or ``&&`` without parentheses."""
    if op == "**" and left.type in ("unary_expression", "await_expression"):
        raise file.error(
            node,
            "syntax error: the left side of ** cannot be a unary expression; "
            "add parentheses",
        )
    mixing = {"??": ("||", "&&"), "||": ("??",), "&&": ("??",)}.get(op, ())
    for side in (left, right):
        if side.type == "binary_expression":
            inner = side.child_by_field_name("operator")
            if inner is not None and inner.type in mixing:
                raise file.error(
                    node,
                    f"syntax error: {op} and {inner.type} cannot be mixed without "
                    "parentheses",
                )


def _is_fresh_array(file: SourceFile, node: Node) -> bool:
    """Whether ``node`` builds a new array that nothing else holds (sort() may change it)."""
    node = _unwrap(node)
    if node.type == "array":
        return True
    if node.type == "call_expression":
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            obj = callee.child_by_field_name("object")
            if prop is not None and file.text(prop) in _FRESH_ARRAY_METHODS:
                return True
            if (
                obj is not None
                and prop is not None
                and file.text(obj) == "Object"
                and file.text(prop) in ("keys", "values", "entries")
            ):
                return True
    return False


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
