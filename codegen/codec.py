"""The straight-line Python that decodes JSON into a module's types and encodes it back.

Each object type gets its own ``_decode`` and ``to_json``, written out field by field:
inline ``isinstance`` checks, the dataclass built directly. What a field cannot check inline
(arrays, records, enums, unions that hold objects) is a call to a module-level function made
for that type, once, and named after it. Only the error paths call into the generated kernel
(``templates/kernel.py.j2``), which builds the messages that name the JSON path.

Decoders take no path: an error names its path from the value the decoder was given, and each
call that descended adds its step as the error passes through it (``error.within(step)``,
free until something fails), so a document that decodes never builds a path. The ``path``
arguments below are Python expressions for such relative paths, ``HERE`` for the value itself.

A type is *checkable* when a single condition decides whether a JSON value belongs to it and
the value decodes to itself: primitives, literals, and unions and aliases of these.
"""

from __future__ import annotations

import hashlib
import json
from typing import assert_never

from tsmirror import algebra, ir
from tsmirror.naming import EXTRA_ATTRIBUTE
from tsmirror.render import docstring, py_scalar, py_type, split_top
from tsmirror.valueclass import field, valueclass

INDENT = "    "
LINE_LENGTH = 88
#: The relative path of the value a decoder was given.
HERE = '""'
#: A tuple of allowed values longer than this is a constant: an argument line is indented
#: at most 28 columns (an array item inside an optional field) and ends in a comma.
_INLINE_TUPLE = LINE_LENGTH - 29
#: String literal unions larger than this are checked against a frozenset constant.
_INLINE_LITERALS = 3


@valueclass(frozen=False)
class Codec:
    """Collects, for one module, the helper functions and constants its decoders use."""

    module: ir.Module
    functions: dict[str, str] = field(default_factory=dict)  # name -> source
    constants: dict[str, str] = field(default_factory=dict)  # name -> source
    setters: dict[str, str] = field(default_factory=dict)  # class name -> source
    uses: set[str] = field(default_factory=set)  # kernel and standard names used
    _names: dict[str, str] = field(default_factory=dict)  # type key -> function name
    _setter_names: set[str] = field(default_factory=set)
    _taking_path: set[str] = field(default_factory=set)  # decoders called with a path

    # --- types ---------------------------------------------------------------------------

    def resolve(self, type_: ir.TypeRef) -> ir.TypeRef:
        """``type_`` with aliases replaced by what they name (at the top only)."""
        return algebra.resolve(type_, self.module.lookup)

    def check(self, type_: ir.TypeRef, var: str) -> str | None:
        """A condition true exactly when ``var`` is a JSON value of ``type_`` that decodes to
        itself; None when ``type_`` is not checkable."""
        alias = self._alias_name(type_)
        type_ = self.resolve(type_)
        match type_:
            case ir.Primitive(name):
                return _primitive_check(name)[0].format(v=var)
            case ir.LiteralType():
                return " or ".join(self._literals([type_], var, alias))
            case ir.UnionType():
                resolved = [self.resolve(m) for m in algebra.flatten(type_)]
                literals = [m for m in resolved if isinstance(m, ir.LiteralType)]
                conditions = self._literals(literals, var, alias) if literals else []
                for member in resolved:
                    if isinstance(member, ir.LiteralType):
                        continue
                    condition = self.check(member, var)
                    if condition is None:
                        return None
                    conditions.append(condition)
                return (
                    conditions[0] if len(conditions) == 1 else " or ".join(conditions)
                )
            case ir.TemplateType():
                self.uses.add("matches_template")
                return f"matches_template({var}, {self._pattern(type_, alias)})"
            case ir.NamedType() | ir.ArrayType() | ir.TupleType() | ir.RecordType():
                return None
            case _:
                assert_never(type_)

    def _pattern(self, type_: ir.TemplateType, alias: str | None) -> str:
        """The module-level compiled pattern of a template literal type."""
        self.uses.add("template_pattern")
        pattern = algebra.template_pattern(type_)
        name = self._constant(
            "_PATTERN", [pattern], alias, f"template_pattern({_py(pattern)})"
        )
        if len(self.constants[name]) > LINE_LENGTH:  # as ruff splits it
            self.constants[name] = (
                f"{name}: Final = template_pattern(\n{INDENT}{_py(pattern)}\n)"
            )
        return name

    def _alias_name(self, type_: ir.TypeRef) -> str | None:
        """The alias ``type_`` names, if it names one: constants are named after it."""
        if isinstance(type_, ir.NamedType):
            decl = self.module.lookup(type_.name)
            if isinstance(decl, ir.AliasDecl):
                return decl.name
        return None

    def _literals(
        self, literals: list[ir.LiteralType], var: str, alias: str | None = None
    ) -> list[str]:
        """The conditions, any of which admits one of ``literals``."""
        strings = [m.value for m in literals if isinstance(m.value, str)]
        booleans = [m.value for m in literals if isinstance(m.value, bool)]
        numbers = [
            m.value
            for m in literals
            if isinstance(m.value, int | float) and not isinstance(m.value, bool)
        ]
        parts: list[str] = []
        if strings:
            if len(strings) <= _INLINE_LITERALS:
                parts.append(_membership(var, strings))
            else:
                name = self._constant(
                    "_VALUES",
                    strings,
                    alias,
                    "frozenset(\n    {\n"
                    + "".join(f"        {_py(s)},\n" for s in strings)
                    + "    }\n)",
                )
                # a conditional, not `and`: mypy would narrow the value to str, which a
                # field typed with the literals does not take
                parts.append(f"({var} in {name} if isinstance({var}, str) else False)")
        for value in booleans:
            parts.append(f"{var} is {value}")
        if numbers:
            parts.append(
                f"({_membership(var, numbers)} and not isinstance({var}, bool))"
            )
        return parts

    def _constant(
        self, suffix: str, values: list[str], hint: str | None, source: str
    ) -> str:
        """A module-level constant holding ``source``, named after ``hint`` (an alias) when
        there is one, else after a hash of ``values``; one per distinct content."""
        key = hashlib.sha256(json.dumps(values).encode()).hexdigest()[:8]
        name = f"_{hint}{suffix}" if hint else f"_{key}{suffix}"
        text = f"{name}: Final = {source}"
        if self.constants.get(name, text) != text or name in self._setter_names:
            name = f"_{hint}_{key}{suffix}"
            text = f"{name}: Final = {source}"
        self.constants[name] = text
        self.uses.add("Final")
        return name

    def error(self, type_: ir.TypeRef, var: str, path: str) -> str:
        """The expression that builds the error for ``var`` not being a ``type_``."""
        type_ = self.resolve(type_)
        at = _at(path)
        if isinstance(type_, ir.Primitive):
            self.uses.add("expected")
            return f'expected("{_primitive_check(type_.name)[1]}", {var}{at})'
        if isinstance(type_, ir.TemplateType):
            self.uses.add("expected")
            what = _py(f"string matching `{algebra.template_text(type_)}`")
            return f"expected({what}, {var}{at})"
        if algebra.is_literal_union(type_):
            self.uses.add("expected_one_of")
            values = [
                _py(m.value)
                for m in algebra.members(type_)
                if isinstance(m, ir.LiteralType)
            ]
            return f"expected_one_of({self.values_tuple(values)}, {var}{at})"
        self.uses.add("no_member")
        return f"no_member({var}{at})"

    def values_tuple(self, values: list[str], hint: str | None = None) -> str:
        """A tuple of the Python literals ``values`` for an error to name: inline, or a
        constant named after ``hint`` when inline it could pass the line length as an
        argument of a call at any depth a decoder reaches (ruff would explode it)."""
        inline = f"({', '.join(values)}{',' if len(values) == 1 else ''})"
        if len(inline) <= _INLINE_TUPLE:
            return inline
        exploded = "".join(f"    {value},\n" for value in values)
        return self._constant("_ALLOWED", values, hint, f"(\n{exploded})")

    # --- statements ----------------------------------------------------------------------

    def decode(self, type_: ir.TypeRef, var: str, path: str, indent: str) -> list[str]:
        """Lines that check ``var`` against ``type_`` and rebind it to the decoded value."""
        condition = self.check(type_, var)
        if condition == "True":
            return []  # unknown and any: every JSON value is one
        if condition is not None:
            return [
                *if_lines(negate(condition), indent),
                *raise_lines(self.error(type_, var, path), indent + INDENT),
            ]
        return self.call(f"{var} = ", self.function(type_), var, path, indent)

    def call(
        self,
        prefix: str,
        function: str,
        argument: str,
        path: str,
        indent: str,
        into: str | None = None,
    ) -> list[str]:
        """``prefix + function(argument)`` (passed ``into`` a call, when given), a call
        that decodes the value at ``path``, adding that step to the path of its error."""

        def statement(indent: str) -> list[str]:
            if into is not None:
                return call_lines(
                    prefix, into, [self.invoke(function, argument, path)], indent
                )
            arguments = (
                [argument, path] if function in self._taking_path else [argument]
            )
            return call_lines(prefix, function, arguments, indent)

        if path == HERE or function in self._taking_path:
            return statement(indent)
        self.uses.add("MirrorValidationError")
        inner = indent + INDENT
        return [
            f"{indent}try:",
            *statement(inner),
            f"{indent}except MirrorValidationError as error:",
            *call_lines("raise ", "error.within", [path], inner, " from None"),
        ]

    def invoke(self, function: str, argument: str, path: str) -> str:
        """The call of a decoder on ``argument``, the value at ``path``: a union alias's
        public function takes the path and adds it to an error itself."""
        if function in self._taking_path:
            return f"{function}({argument}, {path})"
        return f"{function}({argument})"

    def take(
        self, type_: ir.TypeRef, var: str, source: str, path: str, indent: str
    ) -> list[str]:
        """Lines that bind ``var`` to the decoded value of the expression ``source``. An
        array is decoded in place, the commonest case not worth a call: its items checked,
        or each decoded into a list."""
        resolved = self.resolve(type_)
        if isinstance(resolved, ir.ArrayType) and resolved.element != ir.NEVER:
            self.uses.add("expected")
            inner = indent + INDENT
            lines = [
                f"{indent}{var} = {source}",
                f"{indent}if not isinstance({var}, (list, tuple)):",
                *raise_lines(f'expected("array", {var}{_at(path)})', inner),
            ]
            if self.check(resolved.element, "item") is None:
                items = f"{var.removeprefix('v_')}_items"  # never a field's v_ name
                return [
                    *lines,
                    *self.decode_items(resolved.element, var, items, path, indent),
                    f"{indent}{var} = tuple({items})",
                ]
            each = self.decode(resolved.element, "item", _indexed(path), inner)
            if each:
                lines += [f"{indent}for index, item in enumerate({var}):", *each]
            return [*lines, f"{indent}{var} = tuple({var})"]
        if self.check(type_, var) is None:
            return self.call(f"{var} = ", self.function(type_), source, path, indent)
        return [f"{indent}{var} = {source}", *self.decode(type_, var, path, indent)]

    def decode_items(
        self, element: ir.TypeRef, var: str, items: str, path: str, indent: str
    ) -> list[str]:
        """Lines that decode each item of the array ``var`` at ``path``, a non-checkable
        ``element``, into the new list ``items``. A loop, not a comprehension, which would
        cost a call; and no index, which is the length of ``items`` when an item fails."""
        return [
            f"{indent}{items}: list[Any] = []",
            f"{indent}for item in {var}:",
            *self.call(
                "",
                self.function(element),
                "item",
                _indexed(path, f"len({items})"),
                indent + INDENT,
                into=f"{items}.append",
            ),
        ]

    def function(self, type_: ir.TypeRef) -> str:
        """The callable that decodes a non-checkable ``type_`` (see :meth:`invoke`): an
        alias of a union of object types has its own (:meth:`union_functions`)."""
        alias = self._union_alias(type_)
        if alias is not None:
            self._taking_path.add(f"{alias}_from_json")
            return f"{alias}_from_json"
        type_ = self.resolve(type_)
        if isinstance(type_, ir.NamedType):
            decl = self.module.lookup(type_.name)
            if isinstance(decl, ir.ObjectDecl):
                return f"{decl.name}._decode"
        key = algebra.type_key(type_)
        if key in self._names:
            return self._names[key]
        name = f"_decode_{self._slug(type_)}"
        if name in self.functions or name in self._setter_names:
            name += "_" + hashlib.sha256(key.encode()).hexdigest()[:8]
        self._names[key] = name
        self.functions[name] = ""  # reserve the name and its place before the body
        self.functions[name] = self._function_source(name, type_)
        return name

    def _inner_slug(self, type_: ir.TypeRef) -> str:
        return self._union_alias(type_) or self._slug(self.resolve(type_))

    def _slug(self, type_: ir.TypeRef) -> str:
        match type_:
            case ir.Primitive(name):
                return name
            case ir.NamedType(name):
                return name
            case ir.ArrayType(element):
                return f"{self._inner_slug(element)}_array"
            case ir.RecordType(_, value):
                return f"record_of_{self._inner_slug(value)}"
            case ir.TupleType():
                return "tuple"
            case ir.LiteralType():
                return "literal"
            case ir.UnionType():
                return "union"
            case ir.TemplateType():
                return "template"
            case _:
                assert_never(type_)

    def _function_source(self, name: str, type_: ir.TypeRef) -> str:
        i1, i2 = INDENT, INDENT * 2
        head = f"def {name}(value: Any) -> {py_type(type_)}:"
        if len(head) > LINE_LENGTH:  # as ruff splits it
            head = f"def {name}(\n{i1}value: Any,\n) -> {py_type(type_)}:"
        lines = [head]
        self.uses.add("Any")
        match type_:
            case ir.NamedType(enum_name):
                decl = self.module.lookup(enum_name)
                assert isinstance(decl, ir.EnumDecl)
                values = algebra.union(ir.LiteralType(m.value) for m in decl.members)
                guard = self.check(values, "value")
                assert guard is not None
                lines += [
                    *if_lines(guard, i1),
                    f"{i2}return {enum_name}(value)",
                    *raise_lines(self.error(values, "value", HERE), i1),
                ]
            case ir.ArrayType(element):
                self.uses.add("expected")
                lines += [
                    f"{i1}if not isinstance(value, (list, tuple)):",
                    f'{i2}raise expected("array", value)',
                ]
                condition = self.check(element, "item")
                if condition is not None:
                    each = self.decode(element, "item", 'f"[{index}]"', i2)
                    if each:
                        lines += [f"{i1}for index, item in enumerate(value):", *each]
                    lines.append(f"{i1}return tuple(value)")
                else:
                    lines += self.decode_items(element, "value", "items", HERE, i1)
                    lines.append(f"{i1}return tuple(items)")
            case ir.RecordType(key, value):
                lines += self._record_body(key, value)
            case ir.TupleType():
                lines += self._tuple_body(type_)
            case ir.UnionType():
                lines += self._union_body(type_)
            case ir.Primitive() | ir.LiteralType() | ir.TemplateType():
                raise AssertionError(f"{type_} is checkable")
            case _:
                assert_never(type_)
        return "\n".join(lines)

    def _union_alias(self, type_: ir.TypeRef) -> str | None:
        """The alias ``type_`` names when it is one with a decoder of its own."""
        name = self._alias_name(type_)
        if name is not None and algebra.is_object_union(type_, self.module.lookup):
            return name
        return None

    def _union_body(
        self, type_: ir.UnionType, hint: str | None = None, indent: str = INDENT
    ) -> list[str]:
        """Decode ``value`` as a member of a union. A discriminated union of object types
        dispatches on its discriminant straight to the one object type its value names
        (members that are no objects are checked apart: a JSON value is an object or not);
        otherwise the members are tried in the order the union lists them, and the first
        that accepts the value wins. A constant it needs is named after ``hint``."""
        i1, i2, i3 = indent, indent + INDENT, indent + INDENT * 2
        dispatch = self._dispatch(type_)
        if dispatch is None:
            return self._try_members(list(algebra.flatten(type_)), indent)
        tag, decls = dispatch
        self.uses.update(("missing_key", "expected_one_of"))
        key = _py(tag)
        where = _py(_key_path(tag))
        allowed: list[str] = []
        lines = [
            f"{i1}if isinstance(value, dict):",
            f"{i2}if {key} not in value:",
            f"{i3}raise missing_key(value, ({key},))",
            f"{i2}tag = value[{key}]",
        ]
        for decl in decls:
            [discriminant] = [f for f in decl.fields if f.name == tag]
            condition = self.check(discriminant.type, "tag")
            assert condition is not None
            units = self._units(discriminant.type)
            assert units is not None  # a discriminant's type is made of units
            allowed += [
                _py(u.value) if isinstance(u, ir.LiteralType) else "None" for u in units
            ]
            lines += [
                *if_lines(condition, i2),
                *call_lines("return ", f"{decl.name}._decode", ["value"], i3),
            ]
        values = self.values_tuple(allowed, hint)
        lines += raise_lines(f"expected_one_of({values}, tag, {where})", i2)
        rest = [
            m
            for m in algebra.union_members(type_, self.module.lookup)
            if not algebra.holds_objects(m, self.module.lookup)
        ]
        if rest:
            return lines + self._try_members(rest, indent)
        self.uses.add("expected")
        return [*lines, f'{i1}raise expected("object", value)']

    def _dispatch(self, type_: ir.UnionType) -> tuple[str, list[ir.ObjectDecl]] | None:
        """The discriminant of a union whose members that are JSON objects are all object
        types, and those types in the union's order; None when it is not discriminated."""
        lookup = self.module.lookup
        members = algebra.union_members(type_, lookup)
        objects = [m for m in members if algebra.holds_objects(m, lookup)]
        decls = [d for d in map(self._object_decl, objects) if d is not None]
        if len(decls) != len(objects):
            return None  # a record takes objects too
        tag = algebra.discriminant(decls, self._units)
        return None if tag is None else (tag, decls)

    def _try_members(self, members: list[ir.TypeRef], indent: str) -> list[str]:
        """Each member in turn, checked inline where it can be; the first that accepts
        ``value`` is returned, else the error of the one that got furthest into it."""
        i1, i2 = indent, indent + INDENT
        lines: list[str] = []
        tried = False
        for index, member in enumerate(members):
            condition = self.check(member, "value")
            if condition is not None and algebra.is_literal_union(self.resolve(member)):
                # `value == "a"` does not narrow Any; a typed local does
                local = f"{i2}member{index}: {py_type(member)} = value"
                lines += [*if_lines(condition, i1), local, f"{i2}return member{index}"]
                continue
            if condition is not None:
                lines += [*if_lines(condition, i1), f"{i2}return value"]
                continue
            tried = True
            lines += [
                f"{i1}try:",
                f"{i2}return {self.invoke(self.function(member), 'value', HERE)}",
                f"{i1}except MirrorValidationError as error:",
                f"{i2}errors.append(error)",
            ]
        if not tried:
            self.uses.add("no_member")
            return [*lines, f"{i1}raise no_member(value)"]
        self.uses.update(("MirrorValidationError", "deepest"))
        return [
            f"{i1}errors: list[MirrorValidationError] = []",
            *lines,
            f"{i1}raise deepest(errors, value)",
        ]

    def _units(self, type_: ir.TypeRef) -> list[ir.TypeRef] | None:
        """The literals (and null) ``type_`` consists of, through aliases; None when it
        has a member of another kind."""
        members = algebra.union_members(type_, self.module.lookup)
        if all(isinstance(m, ir.LiteralType) or m == ir.NULL for m in members):
            return members
        return None

    def _tuple_body(self, type_: ir.TupleType) -> list[str]:
        """Length first, then each element at its position, then the rest."""
        i1, i2 = INDENT, INDENT * 2
        self.uses.add("expected")
        count = len(type_.elements)
        if type_.rest is not None:
            length = f"len(value) < {type_.required}"
            what = f"array of at least {type_.required} items"
        elif type_.required == count:
            length = f"len(value) != {count}"
            what = f"array of {count} items"
        else:
            length = f"not {type_.required} <= len(value) <= {count}"
            what = f"array of {type_.required} to {count} items"
        lines = [
            f"{i1}if not isinstance(value, list | tuple):",
            f'{i2}raise expected("array", value)',
            f"{i1}if {length}:",
            f'{i2}raise expected("{what}", value)',
            f"{i1}items: list[Any] = []",
        ]
        for index, element in enumerate(type_.elements):
            var, path = f"item{index}", f'"[{index}]"'
            indent = i1
            if index >= type_.required:
                lines.append(f"{i1}if len(value) > {index}:")
                indent = i2
            lines += self.take(element, var, f"value[{index}]", path, indent)
            lines.append(f"{indent}items.append({var})")
        if type_.rest is not None:
            # not `index` and `item`: the names an array checked in place loops with
            lines.append(f"{i1}for position in range({count}, len(value)):")
            lines += self.take(
                type_.rest, "element", "value[position]", 'f"[{position}]"', i2
            )
            lines.append(f"{i2}items.append(element)")
        lines.append(f"{i1}return tuple(items)")
        return lines

    def _record_body(self, key: ir.TypeRef, value: ir.TypeRef) -> list[str]:
        i1, i2, i3 = INDENT, INDENT * 2, INDENT * 3
        self.uses.update(("expected", "child", "MappingProxyType"))
        lines = [
            f"{i1}if not isinstance(value, dict):",
            f'{i2}raise expected("object", value)',
        ]
        resolved_key = self.resolve(key)
        required: list[str] = []
        if isinstance(resolved_key, ir.NamedType):
            decl = self.module.lookup(resolved_key.name)
            assert isinstance(decl, ir.EnumDecl)
            required = [str(m.value) for m in decl.members]
        elif resolved_key != ir.STRING:
            required = [
                str(m.value)
                for m in algebra.members(resolved_key)
                if isinstance(m, ir.LiteralType)
            ]
        if required:
            self.uses.add("missing_key")
            keys = self._constant(
                "_KEYS",
                required,
                self._alias_name(key),
                "(\n" + "".join(f"    {_py(k)},\n" for k in required) + ")",
            )
            lines += [
                f"{i1}if not value.keys() >= set({keys}):",
                f"{i2}raise missing_key(value, {keys})",
            ]
        lines += [
            f"{i1}result: dict[Any, Any] = {{}}",
            f"{i1}for key, item in value.items():",
        ]
        if required and not self.module.strict_objects:
            lines += [f"{i2}if key not in {keys}:", f"{i3}continue"]
        lines += self.decode(key, "key", "child(str(key))", i2)
        lines += self.decode(value, "item", "child(str(key))", i2)
        lines += [f"{i2}result[key] = item", f"{i1}return MappingProxyType(result)"]
        return lines

    # --- object types --------------------------------------------------------------------

    def from_json_body(self, decl: ir.ObjectDecl) -> str:
        """The body of ``_decode(cls, obj)``: check, decode each field, build."""
        i2, i3 = INDENT * 2, INDENT * 3
        self.uses.add("expected")
        lines = [
            f"{i2}if not isinstance(obj, dict):",
            f'{i3}raise expected("object", obj)',
        ]
        if self.module.strict_objects and decl.extra is None:
            self.uses.add("unknown_key")
            lines += [
                f"{i2}if not cls._KEYS.issuperset(obj):",
                f"{i3}raise unknown_key(obj, cls._KEYS)",
            ]
        required = any(not f.optional for f in decl.fields)
        body = i3 if required else i2
        fields: list[str] = []
        for f in decl.fields:
            var = f"v_{f.py_name}"
            key = _py(f.name)
            where = _py(_key_path(f.name))
            if f.optional:
                if (
                    absent_value(f, self.module) == "ABSENT"
                    and self.check(f.type, var) is None
                ):
                    # a decoder's typed result first would make mypy refuse ABSENT
                    fields.append(f"{body}{var}: Absent | {py_type(f.type)}")
                fields += [
                    f"{body}if {key} in obj:",
                    *self.take(f.type, var, f"obj[{key}]", where, body + INDENT),
                    f"{body}else:",
                    f"{body}{INDENT}{var} = {absent_value(f, self.module)}",
                ]
                if absent_value(f, self.module) == "ABSENT":
                    self.uses.update(("ABSENT", "Absent"))
            else:
                fields += self.take(f.type, var, f"obj[{key}]", where, body)
        if required:
            self.uses.add("missing_key")
            lines += [
                f"{i2}try:",
                *fields,
                f"{i2}except KeyError as error:",
                f"{i3}raise missing_key(obj, error) from None",
            ]
        else:
            lines += fields
        values = {f.py_name: f"v_{f.py_name}" for f in decl.fields}
        if decl.extra is not None:
            lines += self._extra_lines(decl.extra)
            values[EXTRA_ATTRIBUTE] = "MappingProxyType(extra)"
        # Built as a frozen dataclass's __init__ builds it, each field set in its slot, but
        # without the call through the class with keywords, and without object.__setattr__
        # finding each slot by name: on documents of many small objects, these two cost
        # more than all the checks.
        if not values:
            lines.append(f"{i2}return object.__new__(cls)")
            return "\n".join(lines)
        lines.append(f"{i2}self = object.__new__(cls)")
        setters = self._setters(decl.name, list(values))
        for setter, value in zip(setters, values.values(), strict=True):
            lines += call_lines("", setter, ["self", value], i2)
        lines.append(f"{i2}return self")
        return "\n".join(lines)

    def _setters(self, name: str, attributes: list[str]) -> list[str]:
        """The module-level names of the slot setters of the class ``name``'s
        ``attributes``, in order."""
        self.uses.update(("Final", "field_setter"))
        setters: list[str] = []
        lines = [f"# The slots of {name} that _decode fills."]
        for attribute in attributes:
            setter = f"_set_{name}_{attribute}"
            if setter in self._setter_names or setter in self.constants:
                digest = hashlib.sha256(f"{name}.{attribute}".encode()).hexdigest()
                setter += "_" + digest[:8]
            self._setter_names.add(setter)
            setters.append(setter)
            head = f"{setter}: Final = "
            arguments = [name, _py(attribute)]
            if len(f"{head}field_setter(") <= LINE_LENGTH:
                lines += call_lines(head, "field_setter", arguments, "")
            else:  # as ruff lays it out: the call in parentheses of its own
                call = call_lines("", "field_setter", arguments, INDENT)
                lines += [f"{head}(", *call, ")"]
        self.setters[name] = "\n".join(lines)
        return setters

    def _extra_lines(self, extra: ir.TypeRef) -> list[str]:
        """Every key that is not a field's, decoded as the index signature's type."""
        i2, i3, i4 = INDENT * 2, INDENT * 3, INDENT * 4
        self.uses.update(("child", "MappingProxyType", "Any"))
        return [
            f"{i2}extra: dict[str, Any] = {{}}",
            f"{i2}for key, item in obj.items():",
            f"{i3}if key in cls._KEYS:",
            f"{i4}continue",
            *self.decode(ir.STRING, "key", "child(str(key))", i3),
            *self.decode(extra, "item", "child(str(key))", i3),
            f"{i3}extra[key] = item",
        ]

    def to_json_body(self, decl: ir.ObjectDecl) -> str:
        """The body of ``to_json(self)``: every present field, encoded."""
        i2, i3 = INDENT * 2, INDENT * 3
        required = [f for f in decl.fields if not f.optional]
        optional = [f for f in decl.fields if f.optional]
        entries = [
            f"{i3}{_py(f.name)}: {self.encode(f.type, f'self.{f.py_name}')},"
            for f in required
        ]
        building = optional or decl.extra is not None
        opening = "return " if not building else "result: dict[str, Any] = "
        self.uses.add("Any")
        if entries:
            lines = [f"{i2}{opening}{{", *entries, f"{i2}}}"]
        else:
            lines = [f"{i2}{opening}{{}}"]
        for f in optional:
            absent = absent_value(f, self.module)
            lines += [
                f"{i2}if self.{f.py_name} is not {absent}:",
                f"{i3}result[{_py(f.name)}] = {self.encode(f.type, f'self.{f.py_name}')}",
            ]
        if decl.extra is not None:
            lines += [
                f"{i2}for key, item in self.{EXTRA_ATTRIBUTE}.items():",
                f"{i3}result[key] = {self.encode(decl.extra, 'item')}",
            ]
        if building:
            lines.append(f"{i2}return result")
        return "\n".join(lines)

    # --- union aliases -------------------------------------------------------------------

    def union_functions(self, decl: ir.AliasDecl) -> str | None:
        """``<alias>_from_json(value, path="$")`` and ``<alias>_to_json(value)`` for an
        alias of a union of object types (None for any other alias): the decoder every
        field of that type calls, and its inverse."""
        if not algebra.is_object_union(decl.type, self.module.lookup):
            return None
        i1 = INDENT
        name = decl.name
        union = self.resolve(decl.type)
        assert isinstance(union, ir.UnionType)
        self.uses.add("Any")
        dispatch = self._dispatch(union)
        how = (
            f"It dispatches on the key {dispatch[0]!r} to the member its value names."
            if dispatch is not None
            else "The first member, in the order the union lists them, that accepts "
            "the value is returned."
        )
        signature = f'def {name}_from_json(value: Any, path: str = "$") -> {name}:'
        if len(signature) > LINE_LENGTH:  # as ruff splits it
            signature = (
                f'def {name}_from_json(\n{i1}value: Any, path: str = "$"\n) -> {name}:'
            )
        text = (
            f"Build the {name} that parsed JSON holds, checked against the TypeScript "
            f"type.\n\n{how}\nRaises MirrorValidationError "
            "naming the JSON path of the first mismatch;\n``path`` is where ``value`` "
            "sits in a larger document."
        )
        # the members' decoders name paths from the value; the caller says where it is
        self.uses.add("MirrorValidationError")
        decoder = [
            signature + docstring(text, i1),
            f"{i1}try:",
            *self._union_body(union, name, INDENT * 2),
            f"{i1}except MirrorValidationError as error:",
            f"{i1}{INDENT}raise error.within(path) from None",
        ]
        members = algebra.union_members(union, self.module.lookup)
        if all(self._object_decl(m) is not None for m in members):
            returns, encoded = "dict[str, Any]", "value.to_json()"
        else:
            self.uses.add("plain")
            returns, encoded = "Any", "plain(value)"
        head = f"def {name}_to_json(value: {name}) -> {returns}:"
        if len(head) > LINE_LENGTH:  # as ruff splits it
            head = f"def {name}_to_json(\n{i1}value: {name},\n) -> {returns}:"
        encoder = "\n".join(
            [
                head + docstring(f"The JSON value a {name} was decoded from.", i1),
                f"{i1}return {encoded}",
            ]
        )
        return "\n".join(decoder) + "\n\n\n" + encoder

    def _object_decl(self, type_: ir.TypeRef) -> ir.ObjectDecl | None:
        type_ = self.resolve(type_)
        if isinstance(type_, ir.NamedType):
            decl = self.module.lookup(type_.name)
            if isinstance(decl, ir.ObjectDecl):
                return decl
        return None

    # --- encoding ------------------------------------------------------------------------

    def encode(self, type_: ir.TypeRef, expr: str) -> str:
        """An expression giving the JSON value of ``expr``, a decoded ``type_``."""
        if self.check(type_, "x") is not None:
            return expr
        type_ = self.resolve(type_)
        if isinstance(type_, ir.NamedType):
            decl = self.module.lookup(type_.name)
            return (
                f"{expr}.value"
                if isinstance(decl, ir.EnumDecl)
                else f"{expr}.to_json()"
            )
        if (
            isinstance(type_, ir.ArrayType)
            and self.check(type_.element, "x") is not None
        ):
            return f"list({expr})"
        self.uses.add("plain")
        return f"plain({expr})"


def absent_value(f: ir.Field, module: ir.Module) -> str:
    """What an optional field holds when its key is absent: None, unless its type admits
    null, where None is an explicit null and the kernel's ``ABSENT`` marks the absent key."""
    return "ABSENT" if admits_null(f.type, module) else "None"


def admits_null(type_: ir.TypeRef, module: ir.Module) -> bool:
    """Whether ``null`` is a value of ``type_``, seeing through aliases."""
    for member in algebra.flatten(type_):
        if member in (ir.NULL, ir.UNKNOWN):  # any JSON value includes null
            return True
        if isinstance(member, ir.NamedType):
            decl = module.lookup(member.name)
            if isinstance(decl, ir.AliasDecl) and admits_null(decl.type, module):
                return True
    return False


def _primitive_check(name: ir.PrimitiveName) -> tuple[str, str]:
    """A primitive's condition (a format string over ``{v}``) and how an error names it."""
    number = "(isinstance({v}, (int, float)) and not isinstance({v}, bool))"
    match name:
        case ir.PrimitiveName.STRING:
            return "isinstance({v}, str)", "string"
        case ir.PrimitiveName.NUMBER | ir.PrimitiveName.INTEGER:
            return number, "number"
        case ir.PrimitiveName.BOOLEAN:
            return "isinstance({v}, bool)", "boolean"
        case ir.PrimitiveName.NULL:
            return "{v} is None", "null"
        case ir.PrimitiveName.NEVER:
            return "False", "nothing"
        case ir.PrimitiveName.UNKNOWN:
            return "True", "any JSON value"
        case ir.PrimitiveName.UNDEFINED:
            raise AssertionError("undefined never reaches a mirror")
        case _:
            assert_never(name)


def _at(path: str) -> str:
    """The path argument of a kernel call reporting a mismatch at ``path``, which is
    where the decoder stands unless it says otherwise."""
    return "" if path == HERE else f", {path}"


def _indexed(path: str, index: str = "index") -> str:
    """The path of the item at ``index`` (an expression) in the array at ``path``."""
    if path == HERE:
        return f'f"[{{{index}}}]"'
    if path[:2] in ('f"', "f'"):
        return f"{path[:-1]}[{{{index}}}]{path[-1]}"
    if path[:1] in "'\"":
        # a plain literal: the f-string of the same text, then the index
        text = path[:-1].replace("{", "{{").replace("}", "}}")
        return f"f{text}[{{{index}}}]{path[-1]}"
    return f'f"{{{path}}}[{{{index}}}]"'


def _py(value: str | int | float | bool) -> str:
    return py_scalar(value)


def _key_path(key: str) -> str:
    """What the path of a value grows by for the object key ``key`` (as the kernel's
    ``child`` spells it)."""
    return f".{key}" if key.isidentifier() else f"[{key!r}]"


def _membership(var: str, values: list[str] | list[int | float]) -> str:
    if len(values) == 1:
        return f"{var} == {_py(values[0])}"
    return f"{var} in ({', '.join(_py(v) for v in values)})"


def negate(condition: str) -> str:
    """``not condition``, spelled as ruff would leave it. Conditions are this module's own:
    a bracketed group, an ``or`` of several, or ``name <operator> ...``."""
    if len(split_top(condition, " or ")) > 1:
        return f"not ({condition})"
    if condition.startswith("("):
        return f"not {condition}"
    head, _, rest = condition.partition(" ")
    for positive, negative in (("is ", "is not "), ("== ", "!= "), ("in ", "not in ")):
        if head.isidentifier() and rest.startswith(positive):
            return f"{head} {negative}{rest[len(positive) :]}"
    if condition == "False":
        return "True"
    return f"not {condition}"


def if_lines(condition: str, indent: str) -> list[str]:
    """``if condition:``, split at its top-level ``or``/``and`` when too long, as ruff
    splits it."""
    if _is_group(condition):
        condition = condition[1:-1]  # ruff drops redundant parentheses
    line = f"{indent}if {condition}:"
    if len(line) <= LINE_LENGTH:
        return [line]
    prefix = ""
    body = condition
    if body.startswith("not ") and _is_group(body[len("not ") :]):
        prefix, body = "not ", body[len("not (") : -1]
    elif _is_group(body):
        body = body[1:-1]
    inner = indent + INDENT
    if len(f"{inner}{body}") <= LINE_LENGTH:
        return [f"{indent}if {prefix}(", f"{inner}{body}", f"{indent}):"]
    split = _split_condition(body, inner)
    if split is not None:
        return [f"{indent}if {prefix}(", *split, f"{indent}):"]
    return [line]


def _split_condition(body: str, indent: str) -> list[str] | None:
    """``body`` one operand a line at its top-level ``or`` (else ``and``), or None."""
    for operator in (" or ", " and "):
        parts = split_top(body, operator)
        if len(parts) > 1:
            lines = _operand_lines(parts[0], "", indent)
            for part in parts[1:]:
                lines += _operand_lines(part, operator.strip() + " ", indent)
            return lines
    return None


def _operand_lines(operand: str, lead: str, indent: str) -> list[str]:
    """One operand of a split condition; a bracketed one too long for its line is opened
    and split in turn, as ruff does."""
    line = f"{indent}{lead}{operand}"
    if len(line) <= LINE_LENGTH or not _is_group(operand):
        return [line]
    body, inner = operand[1:-1], indent + INDENT
    lines = [f"{inner}{body}"]
    if len(lines[0]) > LINE_LENGTH:
        lines = _split_condition(body, inner) or lines
    return [f"{indent}{lead}(", *lines, f"{indent})"]


def _is_group(text: str) -> bool:
    """Whether ``text`` is one bracketed group: ``(...)`` closed by its last character."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    quote = ""
    skip = False
    for index, ch in enumerate(text):
        if skip:
            skip = False
        elif quote:
            skip = ch == "\\"
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return index == len(text) - 1
    return False


def raise_lines(expression: str, indent: str) -> list[str]:
    return call_lines("raise ", expression, None, indent)


def call_lines(
    prefix: str,
    function: str,
    args: list[str] | None,
    indent: str,
    suffix: str = "",
) -> list[str]:
    """``prefix + function(args) + suffix`` on one line when it fits, else exploded one
    argument a line with a trailing comma, which ``ruff format`` keeps as it is. With
    ``args`` None, ``function`` is already a call."""
    if args is None:
        head, _, rest = function.partition("(")
        args = _split_args(rest[:-1])
        function = head
    line = f"{indent}{prefix}{function}({', '.join(args)}){suffix}"
    if len(line) <= LINE_LENGTH:
        return [line]
    inner = indent + INDENT
    return [
        f"{indent}{prefix}{function}(",
        *(f"{inner}{a}," for a in args),
        f"{indent}){suffix}",
    ]


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments."""
    return [a.strip() for a in split_top(text, ",") if a.strip()]
