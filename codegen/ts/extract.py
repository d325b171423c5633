"""From TypeScript declarations to IR declarations.

:class:`MirrorBuilder` takes the symbols a mirror names, evaluates consts, extracts types, and
pulls in every type those refer to, so the module it builds is self-contained.

Types are reduced as TypeScript's checker reduces them (``tsmirror.ts.typeops``): generic
declarations are instantiated with their arguments, and mapped types, the standard utility
types, ``keyof``, indexed access, ``typeof``, conditional types and intersections are
evaluated down to the IR's closed algebra. What cannot be reduced exactly (functions, ``any``,
tuples, index signatures beside properties...) is refused with a located error; nothing
degrades to ``Any``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import assert_never, cast

from tree_sitter import Node

from tsmirror import algebra, ir
from tsmirror.algebra import union
from tsmirror.const_types import infer_type, name_literals
from tsmirror.errors import InputError
from tsmirror.naming import (
    ENUM_RESERVED,
    EXTRA_ATTRIBUTE,
    FIELD_RESERVED,
    UNION_FUNCTIONS,
    pascal_case,
    python_identifier,
)
from tsmirror.ts import typeops as ops
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
from tsmirror.valueclass import replace

# Internal marker for ``undefined`` inside a type; only a field's top-level union may hold it
# (it makes the field optional). It never reaches the IR.
_UNDEFINED_TYPE = ops.UNDEFINED

_PRIMITIVES = {"string": ir.STRING, "number": ir.NUMBER, "boolean": ir.BOOLEAN}
_REFUSED_TYPES = {
    "function_type": "function type",
    "constructor_type": "constructor type",
    "type_predicate": "type predicate",
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
}


class MirrorBuilder:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.evaluator = Evaluator(program)
        self.declarations: list[ir.Declaration] = []
        self._by_name: dict[str, ir.Declaration] = {}
        # (file, declaration name) -> the IR name it was given
        self._names: dict[tuple[Path, str], str] = {}
        self._taken: dict[str, tuple[Path, str]] = {}
        self._building: set[tuple[Path, str]] = set()
        # declarations being built, innermost last, and whether each is an object type
        self._stack: list[tuple[tuple[Path, str], bool]] = []
        self.listed: list[str] = []  # the IR names of the symbols asked for, in order
        self._depth = 0  # nesting of type evaluation, bounded by MAX_DEPTH
        # Type parameters (and mapped-type keys, infer variables) in scope.
        self._env: dict[str, ops.Type] = {}
        # (file, generic declaration, type arguments) -> the IR name of that instance
        self._instances: dict[tuple[Path, str, tuple[ops.Type, ...]], str] = {}
        self._expanding: set[tuple[Path, str, tuple[ops.Type, ...]]] = set()
        self._infer_allowed = False
        self._inferred: dict[str, bool] = {}  # unannotated consts -> under `as const`
        self._declared: tuple[int, frozenset[str]] = (-1, frozenset())
        self._alias_functions: set[str] = set()  # Shape_from_json, beside type Shape

    # --- mirrored symbols -----------------------------------------------------------------

    def add_symbol(self, file: SourceFile, symbol: str) -> None:
        scope, name = file, symbol
        if "." in symbol and symbol not in file.exports:
            # a namespace member, by its qualified name
            *outer, name = symbol.split(".")
            for part in outer:
                inner = scope.namespaces.get(part)
                if inner is None:
                    raise InputError(
                        f"{symbol!r}: {part!r} is not a namespace", path=file.shown
                    )
                scope = inner
        binding = self.program.resolve_export(scope, name, None)
        if binding.declaration is None:
            raise InputError(
                f"{symbol!r} is a namespace, not a declaration", path=file.shown
            )
        self.listed.append(
            self._declare(binding.file, binding.declaration, binding.declaration.name)
            if scope is not file
            else self._declare(binding.file, binding.declaration, symbol)
        )

    def _declare(
        self, file: SourceFile, decl: Declaration, name: str, node: Node | None = None
    ) -> str:
        key = (file.path, decl.name)
        if key in self._names:
            return self._names[key]
        ts_name, name = name, python_identifier(file.qualifier + name)
        # an alias may be a union of object types, whose functions are named after it
        derived = [name + s for s in UNION_FUNCTIONS] if decl.kind == "type" else []
        for claimed in (name, *derived):
            owner = self._taken.get(claimed)
            if owner is not None and owner != key:
                where = node if node is not None else decl.node
                raise file.error(
                    where,
                    f"{ts_name!r} and another declaration both become the Python name "
                    f"{claimed!r} in this mirror"
                    + (
                        " (a function of a union alias)"
                        if claimed != name or claimed in self._alias_functions
                        else ""
                    ),
                )
        self._names[key] = name
        for claimed in (name, *derived):
            self._taken[claimed] = key
        self._alias_functions.update(derived)
        self._building.add(key)
        value = decl.node.child_by_field_name("value") if decl.kind == "type" else None
        self._stack.append(
            (key, value is None or _unparenthesized(value).type == "object_type")
        )
        try:
            with self._scope({}):
                built = self._build(file, decl, name)
            self._add(built, f"{file.display}#{file.scope_path}{decl.name}")
        finally:
            self._building.discard(key)
            self._stack.pop()
        return name

    def _through_object(self, key: tuple[Path, str]) -> bool:
        """Whether the declarations being built since ``key`` include an object type: a
        recursion through one is a data structure, not an alias that names itself."""
        at = next(i for i, (k, _) in enumerate(self._stack) if k == key)
        return any(is_object for _, is_object in self._stack[at:])

    @contextmanager
    def _scope(self, env: dict[str, ops.Type]) -> Iterator[None]:
        """Evaluate with exactly these type parameters in scope (scoping is lexical)."""
        saved, self._env = self._env, env
        try:
            yield
        finally:
            self._env = saved

    def find(self, name: str) -> ir.Declaration | None:
        return self._by_name.get(name)

    def _add(self, decl: ir.Declaration, origin: str) -> None:
        """Record a built declaration. ``origin`` names the TypeScript declaration it came
        from (see ``ir``); a generic instance or an anonymous object type (``origin`` ends
        in ``@``) is known by the file it was written in, its name and its content, so two
        mirrors share it only when they built the very same declaration."""
        if origin.endswith("@"):
            digest = hashlib.sha256(repr(decl).encode()).hexdigest()[:16]
            origin = f"{origin}{decl.name}:{digest}"
        decl = replace(decl, origin=origin)
        self.declarations.append(decl)
        self._by_name[decl.name] = decl

    def finish(self) -> tuple[ir.Declaration, ...]:
        """The declarations the mirrored symbols need, in an order Python can import (an
        alias after what it names), with field names that shadow a module-level name (a
        declared type, an import, a builtin used in annotations) renamed; mypy would
        otherwise read the annotation ``str`` after a field named ``str`` as that field."""
        kept = _ordered(_reachable(self.declarations, self.listed))
        module_names = frozenset(d.name for d in kept) | FIELD_RESERVED
        aliases = [d for d in kept if isinstance(d, ir.AliasDecl)]
        result: list[ir.Declaration] = []
        for decl in kept:
            if isinstance(decl, ir.ConstDecl) and decl.name in self._inferred:
                as_const = self._inferred[decl.name]
                decl = replace(decl, type=name_literals(decl.type, aliases, as_const))
            if isinstance(decl, ir.ObjectDecl):
                reserved = (
                    module_names | {EXTRA_ATTRIBUTE}
                    if decl.extra is not None
                    else module_names
                )
                fields = tuple(
                    replace(f, py_name=python_identifier(f.py_name, reserved=reserved))
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
            type_ = None
            if annotation is not None:
                type_ = self.type_of(file, annotation.named_children[0], name)
                type_ = _no_undefined(file, annotation, type_)
                if algebra.names_a_class(type_, self.find):
                    # Its value is mirrored as data, which that type's classes are not:
                    # typed as if it had no annotation.
                    type_ = None
            if type_ is None:
                init = decl.node.child_by_field_name("value")
                literal = _is_as_const(init) or _is_literal_primitive(init)
                type_ = infer_type(value, literal)
                self._inferred[name] = literal
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
        if kind in ("interface", "class", "type"):
            self._env = self._bind_parameters(
                file, decl, [], decl.node, for_symbol=True
            )
            return self._build_type(file, decl, name, doc)
        what = {
            "default": "a default export",
            "let": "a let binding",
            "var": "a var binding",
        }
        raise file.error(
            decl.node,
            f"{decl.name!r} is {what.get(kind, 'a ' + kind)}; only consts, enums, "
            "interfaces, classes and type aliases can be mirrored",
        )

    def _build_type(
        self, file: SourceFile, decl: Declaration, name: str, doc: str | None
    ) -> ir.Declaration:
        """An interface, class or type alias, with its type parameters already bound."""
        if decl.kind == "interface":
            body = decl.node.child_by_field_name("body")
            assert body is not None
            fields, extra = self._interface_fields(file, decl.node, name)
            if not fields and extra is not None:
                return ir.AliasDecl(name, ir.RecordType(ir.STRING, extra), doc)
            return ir.ObjectDecl(name, tuple(fields), doc, extra=extra)
        if decl.kind == "class":
            return ir.ObjectDecl(
                name, tuple(self._class_fields(file, decl.node, name)), doc
            )
        value_node = decl.node.child_by_field_name("value")
        assert value_node is not None
        result = self.evaluate_type(file, value_node, name)
        if isinstance(result, ops.Shape):
            fields = [
                self._lowered_field(file, value_node, f, name) for f in result.fields
            ]
            return ir.ObjectDecl(
                name,
                tuple(_checked(file, value_node, fields)),
                doc,
                extra=result.extra,
            )
        type_ = _no_undefined(
            file, value_node, self.lower(file, value_node, result, name)
        )
        return ir.AliasDecl(name, type_, doc)

    # --- generics ---------------------------------------------------------------------------

    def _bind_parameters(
        self,
        file: SourceFile,
        decl: Declaration,
        args: list[ops.Type],
        use: Node,
        *,
        for_symbol: bool = False,
    ) -> dict[str, ops.Type]:
        """The scope of a generic declaration's body: each type parameter bound to its
        argument, or to its default (evaluated with the parameters before it)."""
        params = _type_parameters(decl.node)
        if len(args) > len(params):
            raise file.error(
                use,
                f"{decl.name!r} takes {len(params)} type argument(s), not {len(args)}",
            )
        env: dict[str, ops.Type] = {}
        for i, param in enumerate(params):
            name_node = param.child_by_field_name("name")
            assert name_node is not None
            param_name = file.text(name_node)
            if i < len(args):
                env[param_name] = args[i]
                continue
            default = param.child_by_field_name("value")
            if default is None:
                message = (
                    f"generic declaration {file.snippet(decl.node, 40)} needs type "
                    "arguments; mirror an instance of it (type X = "
                    f"{decl.name}<...>)"
                    if for_symbol
                    else f"{decl.name!r} needs a type argument for {param_name!r}"
                )
                where = param.parent if for_symbol and param.parent else use
                raise file.error(where, message)
            with self._scope(dict(env)):
                env[param_name] = self._argument(
                    file, default.named_children[0], decl.name + param_name
                )
        return env

    def _argument(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        """A type argument: object shapes are named, anything else is kept as is (an
        ``unknown`` argument is refused only where it would reach the mirror)."""
        value = self.evaluate_type(file, node, context)
        if isinstance(value, ops.Shape | ops.ShapeUnion):
            return self.lower(file, node, value, context)
        return value

    def _instantiate(
        self,
        file: SourceFile,
        binding: Binding,
        arg_nodes: list[Node],
        use: Node,
        context: str,
    ) -> ops.Type:
        decl = binding.declaration
        assert decl is not None
        args = [self._argument(file, a, context + "Arg") for a in arg_nodes]
        env = self._bind_parameters(binding.file, decl, args, use)
        key = (binding.file.path, decl.name, tuple(env.values()))
        value_node = decl.node.child_by_field_name("value")
        named = decl.kind in ("interface", "class") or (
            value_node is not None
            and _unparenthesized(value_node).type == "object_type"
        )
        if named:
            if key in self._instances:
                return ir.NamedType(self._instances[key])
            base = binding.file.qualifier + decl.name
            described = "".join(_describe(v) for v in env.values())
            # the arguments name the instance, within reason: Box<string> is BoxString
            name = self._fresh_name(base + described[: max(0, _MAX_NAME - len(base))])
            self._instances[key] = name
            self._taken[name] = (
                binding.file.path,
                f"{decl.name}<{len(self._instances)}>",
            )
            with self._scope(env):
                built = self._build_type(
                    binding.file, decl, name, binding.file.jsdoc(decl.statement)
                )
            self._add(built, f"{binding.file.display}#@")
            return ir.NamedType(name)
        if key in self._expanding:
            raise file.error(
                use, f"recursive generic type alias {decl.name!r} is not supported"
            )
        self._expanding.add(key)
        try:
            with self._scope(env):
                assert value_node is not None
                return self.evaluate_type(binding.file, value_node, context)
        finally:
            self._expanding.discard(key)

    def _fresh_name(self, wanted: str) -> str:
        """A name for an anonymous object type or a generic instance that no declaration
        has taken, nor may take later: ``type Shape = {...} | {...}`` names its members
        Shape1 and Shape2 unless a file read declares one of those names itself."""
        base = python_identifier(wanted or "Anonymous")
        declared = self._declared_names()
        name, n = base, 2
        while name in self._taken or name in declared:
            name, n = f"{base}{n}", n + 1
        return name

    def _declared_names(self) -> frozenset[str]:
        """The Python names of every declaration in the files read so far."""
        files = self.program.files
        if len(files) != self._declared[0]:
            names: set[str] = set()
            scopes = list(files)
            while scopes:
                scope = scopes.pop()
                scopes += scope.namespaces.values()
                for name in (*scope.types, *scope.values):
                    names.add(python_identifier(scope.qualifier + name))
            self._declared = (len(files), frozenset(names))
        return self._declared[1]

    # --- object shapes --------------------------------------------------------------------

    def _interface_fields(
        self, file: SourceFile, node: Node, owner: str
    ) -> tuple[list[ir.Field], ir.TypeRef | None]:
        """An interface's properties, inherited ones first, and the value type of the
        string index signature it declares or inherits (None without one)."""
        fields: dict[str, ir.Field] = {}
        extras: list[tuple[ir.TypeRef, Node]] = []
        for child in node.children:
            if child.type == "extends_type_clause":
                for base in child.children_by_field_name("type"):
                    base_fields, base_extra = self._base_fields(file, base, owner)
                    for f in base_fields:
                        fields[f.name] = f
                    if base_extra is not None:
                        extras.append((base_extra, base))
        body = node.child_by_field_name("body")
        assert body is not None
        for f in self._member_fields(file, body, owner):
            fields[f.name] = (
                f  # a redeclared field overrides the base's, in the base's place
            )
        own = self._index_signature(file, body, owner)
        extra = None
        if own is not None:
            extra = own[0]
            for inherited, where in extras:
                # TS2430: the interface's signature must fit each base's
                self._assignable_or_refuse(
                    file,
                    own[1],
                    extra,
                    inherited,
                    f"its index signature is not assignable to the one {file.snippet(where)} declares",
                )
        elif extras:
            extra = extras[0][0]
            if any(e != extra for e, _ in extras[1:]):
                raise file.error(
                    node,
                    f"{file.snippet(node, 40)} inherits different index signatures, "
                    "which is not supported",
                )
        if extra is not None:
            self._check_index(file, body, list(fields.values()), extra)
        return _checked(file, node, list(fields.values())), extra

    def _base_fields(
        self, file: SourceFile, node: Node, owner: str
    ) -> tuple[list[ir.Field], ir.TypeRef | None]:
        base = self.evaluate_type(file, node, owner + "Base")
        found = ops.object_of(base, self.find)
        if found is None:
            raise file.error(
                node,
                f"{file.snippet(node)} is not an object type and cannot be extended",
            )
        fields, extra = found
        return [self._lowered_field(file, node, f, owner) for f in fields], extra

    def _check_index(
        self, file: SourceFile, body: Node, fields: list[ir.Field], extra: ir.TypeRef
    ) -> None:
        """TS2411: every property must be assignable to the string index signature's type
        (an optional one with ``undefined``), or TypeScript rejects the declaration."""
        where = {
            self._property_key(file, name): member
            for member in body.named_children
            if member.type == "property_signature"
            and (name := member.child_by_field_name("name")) is not None
        }
        for f in fields:
            type_: ir.TypeRef = (
                union([f.type, _UNDEFINED_TYPE]) if f.optional else f.type
            )
            self._assignable_or_refuse(
                file,
                where.get(f.name, body),
                type_,
                extra,
                f"property {f.name!r} is not assignable to the string index signature's "
                "type, which TypeScript rejects (TS2411)",
            )

    def _assignable_or_refuse(
        self,
        file: SourceFile,
        node: Node,
        source: ir.TypeRef,
        target: ir.TypeRef,
        message: str,
    ) -> None:
        try:
            fits = ops.assignable(source, target, self.find)
        except ops.Undecidable as error:
            raise file.error(node, f"{file.snippet(node)}: {error}") from None
        if not fits:
            raise file.error(node, message)

    def _class_fields(self, file: SourceFile, node: Node, owner: str) -> list[ir.Field]:
        """What ``JSON.stringify`` gives of an instance: own public fields that are not
        methods, parameter properties included, after the base class's."""
        fields: dict[str, ir.Field] = {}
        heritage = next((c for c in node.children if c.type == "class_heritage"), None)
        for clause in heritage.named_children if heritage is not None else []:
            if clause.type != "extends_clause":
                continue  # `implements` adds no property
            value = clause.child_by_field_name("value")
            assert value is not None
            args = clause.child_by_field_name("type_arguments")
            base = self._class_base(file, value, args, owner)
            base_fields = ops.fields_of(base, self.find)
            if base_fields is None:
                raise file.error(value, f"{file.snippet(value)} is not a class")
            for f in base_fields:
                fields[f.name] = f
        body = node.child_by_field_name("body")
        assert body is not None
        for member in body.named_children:
            if member.type == "method_definition":
                name_node = member.child_by_field_name("name")
                if name_node is not None and file.text(name_node) == "constructor":
                    params = member.child_by_field_name("parameters")
                    assert params is not None
                    for param in params.named_children:
                        prop = self._parameter_property(file, param, owner)
                        if prop is not None:
                            fields[prop.name] = prop
                continue
            if member.type not in ("public_field_definition", "property_signature"):
                continue  # methods, accessors, static blocks, index signatures
            found = self._class_field(file, member, owner)
            if found is not None:
                fields[found.name] = found
        return _checked(file, node, list(fields.values()))

    def _class_base(
        self, file: SourceFile, value: Node, args: Node | None, owner: str
    ) -> ops.Type:
        if value.type != "identifier":
            raise file.error(
                value, f"base class {file.snippet(value)} is not supported"
            )
        binding = self.program.resolve_type(file, file.text(value), value)
        if binding.declaration is None or binding.declaration.kind not in (
            "class",
            "interface",
        ):
            raise file.error(value, f"{file.snippet(value)} is not a class")
        return (
            self._instantiate(
                file,
                binding,
                list(args.named_children) if args is not None else [],
                value,
                owner + "Base",
            )
            if _type_parameters(binding.declaration.node)
            else ir.NamedType(
                self._declare(
                    binding.file, binding.declaration, binding.declaration.name, value
                )
            )
        )

    def _class_field(
        self, file: SourceFile, member: Node, owner: str
    ) -> ir.Field | None:
        tokens = {c.type for c in member.children}
        modifier = next(
            (c for c in member.children if c.type == "accessibility_modifier"), None
        )
        name_node = member.child_by_field_name("name")
        assert name_node is not None
        if (
            "static" in tokens
            or (modifier is not None and file.text(modifier) != "public")
            or name_node.type == "private_property_identifier"
        ):
            return None
        name = self._property_key(file, name_node)
        annotation = member.child_by_field_name("type")
        value = member.child_by_field_name("value")
        if annotation is None and value is not None and value.type in _FUNCTIONS:
            return None  # JSON.stringify leaves out function-valued properties
        if annotation is not None:
            type_: ops.Type = self.evaluate_type(
                file, annotation.named_children[0], owner + pascal_case(name)
            )
        elif value is not None:
            as_const = _is_as_const(value)
            self._check_inferable(file, value, as_const, member, file)
            type_ = self._type_of_value(
                file,
                value,
                self.evaluator.evaluate(file, value, 1),
                as_const,
                "readonly"
                in tokens,  # a readonly field keeps a primitive's literal type
                owner + pascal_case(name),
            )
        else:
            # Neither annotated nor initialized: `any` (an error under strict, TS7008), and
            # JSON.stringify only sees it if a method assigns it; ts-json-schema-generator
            # leaves it out too.
            return None
        return self._field(
            file,
            annotation if annotation is not None else member,
            name,
            self.lower(file, member, type_, owner + pascal_case(name)),
            "?" in tokens,
            file.jsdoc(member),
        )

    def _parameter_property(
        self, file: SourceFile, param: Node, owner: str
    ) -> ir.Field | None:
        if param.type not in ("required_parameter", "optional_parameter"):
            return None
        modifier = next(
            (c for c in param.children if c.type == "accessibility_modifier"), None
        )
        readonly = any(c.type == "readonly" for c in param.children)
        if modifier is None and not readonly:
            return None  # a plain parameter is no property
        if modifier is not None and file.text(modifier) != "public":
            return None
        pattern = param.child_by_field_name("pattern")
        annotation = param.child_by_field_name("type")
        if pattern is None or pattern.type != "identifier" or annotation is None:
            raise file.error(
                param,
                f"parameter property {file.snippet(param)} needs a name and a type",
            )
        name = file.text(pattern)
        type_ = self.type_of(
            file, annotation.named_children[0], owner + pascal_case(name)
        )
        return self._field(
            file, annotation, name, type_, param.type == "optional_parameter", None
        )

    def _field(
        self,
        file: SourceFile,
        node: Node,
        name: str,
        type_: ir.TypeRef,
        optional: bool,
        doc: str | None,
    ) -> ir.Field:
        field_type, admits_undefined = _split_undefined(type_)
        if field_type is None:
            raise file.error(
                node, f"property {name!r} can only be undefined, which JSON cannot hold"
            )
        return ir.Field(
            name, python_identifier(name), field_type, optional or admits_undefined, doc
        )

    def _property_key(self, file: SourceFile, name_node: Node) -> str:
        if name_node.type == "computed_property_name":
            key = self.evaluator.evaluate(file, name_node.named_children[0], 1)
            if not isinstance(key, str):
                raise file.error(
                    name_node, "computed property name must be a string constant"
                )
            return key
        if name_node.type == "string":
            return decode_string(file, name_node)
        if name_node.type == "number":
            return number_to_string(parse_number(file, name_node))
        return file.text(name_node)

    def _member_fields(
        self, file: SourceFile, body: Node, owner: str
    ) -> list[ir.Field]:
        fields: list[ir.Field] = []
        for member in body.named_children:
            if member.type in ("comment", "index_signature"):
                continue  # an index signature is read by _index_signature
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
            name = self._property_key(file, name_node)
            if annotation is None:
                raise file.error(member, f"property {name!r} has no type annotation")
            type_ = self.type_of(
                file, annotation.named_children[0], owner + pascal_case(name)
            )
            fields.append(
                self._field(
                    file,
                    annotation,
                    name,
                    type_,
                    any(c.type == "?" for c in member.children),
                    file.jsdoc(member),
                )
            )
        return fields

    # --- types ----------------------------------------------------------------------------

    def type_of(self, file: SourceFile, node: Node, context: str) -> ir.TypeRef:
        """The IR type of a type node. ``context`` names anonymous object types found inside."""
        return self.lower(file, node, self.evaluate_type(file, node, context), context)

    def lower(
        self, file: SourceFile, node: Node, type_: ops.Type, context: str
    ) -> ir.TypeRef:
        """An evaluated type as IR: object shapes become declarations named after
        ``context``; what has no exact mirror is refused at ``node``."""
        match type_:
            case ops.Shape():
                return self._named_shape(file, node, type_, context)
            case ops.ShapeUnion(members):
                return ops.union(
                    [
                        self.lower(
                            file,
                            node,
                            m,
                            f"{context}{i + 1}"
                            if isinstance(m, ops.Shape)
                            else context,
                        )
                        for i, m in enumerate(members)
                    ]
                )
            case ops.InferVar():
                if self._infer_allowed:
                    return cast(ir.TypeRef, type_)
                raise file.error(
                    node, "infer is only allowed in a conditional type's extends clause"
                )
            case (
                ir.Primitive()
                | ir.LiteralType()
                | ir.ArrayType()
                | ir.TupleType()
                | ir.RecordType()
                | ir.UnionType()
                | ir.TemplateType()
                | ir.NamedType()
            ):
                return type_
            case _:
                assert_never(type_)

    def _named_shape(
        self, file: SourceFile, node: Node, type_: ops.Shape, context: str
    ) -> ir.NamedType:
        """An unnamed object type, declared under a name made from ``context``."""
        name = self._fresh_name(pascal_case(context))
        self._taken[name] = (file.path, f"<anonymous {node.start_byte}>")
        fields = [self._lowered_field(file, node, f, name) for f in type_.fields]
        self._add(
            ir.ObjectDecl(
                name,
                tuple(_checked(file, node, fields)),
                None,
                extra=type_.extra,
            ),
            f"{file.display}#@",
        )
        return ir.NamedType(name)

    def _lowered_field(
        self, file: SourceFile, node: Node, field: ir.Field, owner: str
    ) -> ir.Field:
        """A field whose type an intersection left as an unnamed shape (see typeops)."""
        type_: ops.Type = field.type
        if isinstance(type_, ops.Shape | ops.ShapeUnion):
            return replace(
                field,
                type=self.lower(file, node, type_, owner + pascal_case(field.name)),
            )
        return field

    def evaluate_type(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        """A type node reduced as TypeScript reduces it, before naming object shapes."""
        if self._depth >= MAX_DEPTH:
            raise file.error(node, f"type nests deeper than {MAX_DEPTH} levels")
        self._depth += 1
        try:
            return self._evaluate(file, node, context)
        except ops.Undecidable as error:
            raise file.error(node, f"{file.snippet(node)}: {error}") from None
        finally:
            self._depth -= 1

    def _evaluate(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        kind = node.type
        if kind in ("type_annotation", "parenthesized_type"):
            return self.evaluate_type(file, node.named_children[0], context)
        if kind == "predefined_type":
            return self._predefined(file, node)
        if kind == "literal_type":
            return self._literal_type(file, node)
        if kind == "union_type":
            return self._union(
                file,
                node,
                [self.evaluate_type(file, p, context) for p in _operands(node)],
                context,
            )
        if kind == "intersection_type":
            parts = [self.evaluate_type(file, p, context) for p in _operands(node)]
            result = parts[0]
            for part in parts[1:]:
                result = ops.intersect(result, part, self.find)
            return result
        if kind == "array_type":
            return ir.ArrayType(self._element(file, node.named_children[0], context))
        if kind == "readonly_type":
            inner = node.named_children[0]
            if inner.type not in ("array_type", "tuple_type"):
                raise file.error(
                    node, f"readonly {file.snippet(inner)} is not an array type"
                )
            return self.evaluate_type(file, inner, context)
        if kind == "generic_type":
            return self._generic(file, node, context)
        if kind in ("type_identifier", "nested_type_identifier"):
            return self._reference(file, node, context)
        if kind == "lookup_type":
            return self._lookup(file, node, context)
        if kind == "index_type_query":
            return self._keyof(file, node, context)
        if kind == "template_literal_type":
            return self._template(file, node, context)
        if kind == "tuple_type":
            return self._tuple(file, node, context)
        if kind == "object_type":
            mapped = _mapped_clause(node)
            if mapped is not None:
                return self._mapped(file, node, mapped, context)
            fields = _checked(file, node, self._member_fields(file, node, context))
            index = self._index_signature(file, node, context)
            if index is None:
                return ops.Shape(tuple(fields))
            self._check_index(file, node, fields, index[0])
            return ops.object_type(tuple(fields), index[0])
        if kind == "type_query":
            return self._typeof(file, node, context)
        if kind == "conditional_type":
            return self._conditional(file, node, context)
        if kind == "infer_type":
            if not self._infer_allowed:
                raise file.error(
                    node, "infer is only allowed in a conditional type's extends clause"
                )
            name_node = node.named_children[0]
            return ops.InferVar(file.text(name_node))
        if kind in _REFUSED_TYPES:
            raise file.error(
                node, f"{_REFUSED_TYPES[kind]} {file.snippet(node)} is not supported"
            )
        raise file.error(
            node,
            f"type {file.snippet(node)} ({kind.replace('_', ' ')}) is not supported",
        )

    def _tuple(self, file: SourceFile, node: Node, context: str) -> ir.TupleType:
        """``[A, B?, ...C[]]``, named or not: required elements, then optional ones, then
        one rest element at the end."""
        elements: list[ir.TypeRef] = []
        required = 0
        rest: ir.TypeRef | None = None
        for index, part in enumerate(node.named_children):
            where = f"{context}Item{index}"
            optional = part.type in ("optional_type", "optional_parameter")
            is_rest = part.type == "rest_type"
            inner = (
                part.named_children[0]
                if part.type in ("optional_type", "rest_type")
                else part
            )
            if part.type in ("required_parameter", "optional_parameter"):
                pattern = part.child_by_field_name("pattern")
                annotation = part.child_by_field_name("type")
                assert annotation is not None
                is_rest = pattern is not None and pattern.type == "rest_pattern"
                inner = annotation.named_children[0]
            if rest is not None:
                raise file.error(
                    part,
                    f"an element after the rest element of {file.snippet(node)} is not supported",
                )
            if is_rest:
                spread = self.evaluate_type(file, inner, where)
                resolved = ops.resolve(spread, self.find)
                if isinstance(resolved, ir.ArrayType):
                    rest = resolved.element
                elif isinstance(resolved, ir.TupleType):
                    if elements and len(elements) > required:
                        raise file.error(
                            part,
                            f"{file.snippet(part)} after optional elements is not supported",
                        )
                    elements += resolved.elements
                    required += resolved.required
                    rest = resolved.rest
                else:
                    raise file.error(
                        part, f"rest element {file.snippet(part)} is not an array type"
                    )
                continue
            type_ = self.type_of(file, inner, where)
            if optional:
                type_ = _split_undefined(type_)[0] or ir.NEVER
            else:
                if len(elements) > required:
                    raise file.error(
                        part,
                        f"a required element after an optional one in {file.snippet(node)}",
                    )
                type_ = _no_undefined(file, inner, type_)
                required += 1
            elements.append(type_)
        return ir.TupleType(tuple(elements), required, rest)

    def _index_signature(
        self, file: SourceFile, body: Node, context: str
    ) -> tuple[ir.TypeRef, Node] | None:
        """The value type of the body's ``[key: string]: V`` (and the signature's node), or
        None without one. A signature over other keys is refused: JSON's keys are strings,
        and which of them ``number`` or a pattern admits is not mirrored."""
        signatures = [m for m in body.named_children if m.type == "index_signature"]
        if not signatures:
            return None
        if len(signatures) > 1:
            raise file.error(
                signatures[1],
                f"a second index signature {file.snippet(signatures[1])} is not supported",
            )
        signature = signatures[0]
        key = signature.child_by_field_name("index_type")
        value = signature.child_by_field_name("type")
        if key is None or value is None:
            raise file.error(
                signature, f"index signature {file.snippet(signature)} is not supported"
            )
        if self.evaluate_type(file, key, context) != ir.STRING:
            raise file.error(
                key,
                f"index signature key type {file.snippet(key)} is not supported (only "
                "string keys are mirrored)",
            )
        type_ = self.type_of(file, value.named_children[0], context + "Value")
        return _no_undefined(file, value, type_), signature

    def _template(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        """A template literal type, distributed over the unions in its holes as
        TypeScript distributes it: each combination of literals is a string literal, and
        one with a ``string`` or ``number`` hole left is a :class:`ir.TemplateType`."""
        # each combination so far: its texts and, between them, its holes
        combinations: list[tuple[tuple[str, ...], tuple[ir.PrimitiveName, ...]]] = [
            (("",), ())
        ]
        for part in node.named_children:
            options: list[str | ir.PrimitiveName]
            if part.type == "template_type":
                inner = self.evaluate_type(file, part.named_children[0], context)
                options = [
                    m.name
                    if isinstance(m, ir.Primitive) and m in (ir.STRING, ir.NUMBER)
                    else _template_text(file, part, m)
                    for m in ops.expand(inner, self.find)
                ]
            elif part.type == "string_fragment":
                options = [file.text(part)]
            else:
                raise file.error(part, f"{file.snippet(part)} is not supported")
            combinations = [
                ((*texts[:-1], texts[-1] + option), holes)
                if not isinstance(option, ir.PrimitiveName)
                else ((*texts, ""), (*holes, option))
                for texts, holes in combinations
                for option in options
            ]
            if len(combinations) > _MAX_TEMPLATE_STRINGS:
                raise file.error(
                    node,
                    f"template literal type {file.snippet(node)} admits more than "
                    f"{_MAX_TEMPLATE_STRINGS} combinations",
                )
        members: list[ir.TypeRef] = []
        for texts, holes in combinations:
            if not holes:
                members.append(ir.LiteralType(texts[0]))
            elif texts == ("", "") and holes == (ir.PrimitiveName.STRING,):
                members.append(ir.STRING)  # `${string}` is string
            else:
                members.append(ir.TemplateType(texts, holes))
        return ops.union(members)

    def _union(
        self, file: SourceFile, node: Node, parts: list[ops.Type], context: str
    ) -> ops.Type:
        if any(isinstance(p, ops.Shape | ops.ShapeUnion) for p in parts):
            flat: list[ir.TypeRef | ops.Shape] = []
            for p in parts:
                if isinstance(p, ops.ShapeUnion):
                    flat.extend(p.members)
                elif isinstance(p, ops.Shape):
                    flat.append(p)
                else:
                    flat.append(self.lower(file, node, p, context))
            return ops.union_of(flat)
        return ops.union([self._plain(file, node, p) for p in parts])

    def _plain(self, file: SourceFile, node: Node, type_: ops.Type) -> ir.TypeRef:
        """A type that is no object shape, as a member of a union."""
        assert not isinstance(type_, ops.Shape | ops.ShapeUnion)
        return self.lower(file, node, type_, "")  # names nothing: no shape is left

    def _predefined(self, file: SourceFile, node: Node) -> ops.Type:
        text = file.text(node)
        if text in _PRIMITIVES:
            return _PRIMITIVES[text]
        if text == "undefined":
            return _UNDEFINED_TYPE
        if text == "never":
            return ir.NEVER
        if text in ("unknown", "any"):
            return ops.UNKNOWN
        if text in ("symbol", "bigint"):
            raise file.error(node, f"type {text!r} has no JSON form")
        raise file.error(node, f"type {text!r} has no exact JSON mirror and is refused")

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

    def _generic(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        name_node = node.child_by_field_name("name")
        assert name_node is not None
        name = file.text(name_node)
        args_node = node.child_by_field_name("type_arguments")
        arg_nodes = list(args_node.named_children) if args_node is not None else []
        if name_node.type == "type_identifier" and name in self._env:
            raise file.error(node, f"type parameter {name!r} takes no type arguments")
        if name_node.type == "type_identifier" and not self._declared_type(file, name):
            builtin = self._builtin_generic(file, node, name, arg_nodes, context)
            if builtin is not None:
                return builtin
            if name in _NO_JSON_FORM:
                raise file.error(node, f"type {name!r} has no JSON form")
            raise file.error(
                node, f"generic type {file.snippet(node)} is not supported"
            )
        binding = self._type_binding(file, name_node)
        decl = binding.declaration
        assert decl is not None
        if decl.kind not in ("interface", "type", "class") or not _type_parameters(
            decl.node
        ):
            raise file.error(node, f"{name!r} is not a generic type")
        return self._instantiate(file, binding, arg_nodes, node, context)

    def _builtin_generic(
        self, file: SourceFile, node: Node, name: str, args: list[Node], context: str
    ) -> ops.Type | None:
        """The standard library's generic types that have a JSON form."""
        if name in ("Array", "ReadonlyArray"):
            (element,) = _type_arguments(file, node, 1)
            return ir.ArrayType(self._element(file, element, context))
        if name == "Record":
            key_node, value_node = _type_arguments(file, node, 2)
            return self._record(file, key_node, value_node, context)
        if name in _INTRINSICS:
            (arg,) = _type_arguments(file, node, 1)
            strings = ops.expand(self.evaluate_type(file, arg, context), self.find)
            if not all(
                isinstance(m, ir.LiteralType) and isinstance(m.value, str)
                for m in strings
            ):
                raise file.error(
                    node,
                    f"{file.snippet(node)} of a type that is not a union of string "
                    "literals is not supported",
                )
            return ops.union(
                [
                    ir.LiteralType(_INTRINSICS[name](cast(str, m.value)))
                    for m in strings
                    if isinstance(m, ir.LiteralType)
                ]
            )
        if name not in _UTILITIES:
            return None
        count = _UTILITIES[name]
        parts = _type_arguments(file, node, count)
        target = self.evaluate_type(file, parts[0], context)
        if name == "Readonly":
            return target
        if name == "NonNullable":
            return ops.union_of(
                [
                    m
                    for m in self._members(file, parts[0], target, context)
                    if m not in (ir.NULL, _UNDEFINED_TYPE)
                ]
            )
        if name in ("Exclude", "Extract"):
            against = self.evaluate_type(file, parts[1], context)
            keep = name == "Extract"
            return ops.union_of(
                [
                    m
                    for m in self._members(file, parts[0], target, context)
                    if ops.assignable(m, against, self.find) == keep
                ]
            )
        if name in ("Partial", "Required"):
            return self._each_object(
                file,
                parts[0],
                target,
                lambda fields: tuple(
                    _with_optional(f, name == "Partial") for f in fields
                ),
            )
        keys = [
            k
            for k in ops.expand(self.evaluate_type(file, parts[1], context), self.find)
        ]
        names = [_key_name(file, parts[1], k) for k in keys]
        fields = self._object_fields(file, parts[0], target)
        if name == "Pick":
            by_name = {f.name: f for f in fields}
            missing = [n for n in names if n not in by_name]
            if missing:
                raise file.error(
                    parts[1],
                    f"{missing[0]!r} is not a property of {file.snippet(parts[0])}",
                )
            return ops.Shape(tuple(by_name[n] for n in dict.fromkeys(names)))
        return ops.Shape(tuple(f for f in fields if f.name not in names))  # Omit

    def _members(
        self, file: SourceFile, node: Node, type_: ops.Type, context: str
    ) -> list[ir.TypeRef | ops.Shape]:
        """The members of a union that a distributive operator visits."""
        if isinstance(type_, ops.ShapeUnion):
            return list(type_.members)
        if isinstance(type_, ops.Shape):
            return [type_]
        return [
            m if isinstance(m, ops.Shape) else self._plain(file, node, m)
            for m in ops.expand(type_, self.find)
        ]

    def _each_object(
        self,
        file: SourceFile,
        node: Node,
        type_: ops.Type,
        change: Callable[[tuple[ir.Field, ...]], tuple[ir.Field, ...]],
    ) -> ops.Type:
        """A homomorphic mapped type: applied to each member of a union of objects."""
        results: list[ir.TypeRef | ops.Shape] = []
        for member in self._members(file, node, type_, ""):
            fields = ops.fields_of(member, self.find)
            if fields is None:
                if member in (ir.NULL, _UNDEFINED_TYPE) or isinstance(
                    member, ir.Primitive | ir.LiteralType
                ):
                    results.append(member)  # primitives map to themselves
                    continue
                if isinstance(member, ir.RecordType):
                    raise file.error(
                        node,
                        f"{file.snippet(node)} is a Record, mirrored as a mapping, not "
                        "an object type with properties: a mapped type over it (Partial, "
                        "Required, Pick, ...) is not supported",
                    )
                raise file.error(node, f"{file.snippet(node)} is not an object type")
            results.append(ops.Shape(change(fields)))
        return ops.union_of(results)

    def _object_fields(
        self, file: SourceFile, node: Node, type_: ops.Type
    ) -> tuple[ir.Field, ...]:
        fields = ops.fields_of(type_, self.find)
        if fields is None:
            raise file.error(node, f"{file.snippet(node)} is not an object type")
        return fields

    def _record(
        self, file: SourceFile, key_node: Node, value_node: Node, context: str
    ) -> ops.Type:
        key = self.type_of(file, key_node, context)
        value = _no_undefined(
            file, value_node, self.type_of(file, value_node, context + "Value")
        )
        if key == ir.STRING:
            return ir.RecordType(key, value)
        literals = ops.expand(key, self.find)
        if not literals or not all(
            isinstance(k, ir.LiteralType) and isinstance(k.value, str) for k in literals
        ):
            raise file.error(
                key_node,
                f"Record key {file.snippet(key_node)} must be string or a union of string literals",
            )
        if not _flat_literal_key(key, self.find):
            # the decoder requires every key only of a flat literal union (or an alias or
            # enum of one); a union of aliases is flattened so that it does too
            key = ops.union([cast(ir.TypeRef, k) for k in literals])
        return ir.RecordType(key, value)

    def _declared_type(self, file: SourceFile, name: str) -> bool:
        return name in file.types or name in file.imports or file.declares_type(name)

    def _type_binding(self, file: SourceFile, node: Node) -> Binding:
        if node.type == "nested_type_identifier":
            module = node.child_by_field_name("module")
            name = node.child_by_field_name("name")
            assert module is not None and name is not None
            outer = self._namespace_binding(file, module)
            if outer is not None and outer.namespace is not None:
                return self.program.resolve_export(
                    outer.namespace, file.text(name), name, "type", origin=file
                )
            raise file.error(node, f"{file.snippet(node)} is not a namespace member")
        text = file.text(node)
        binding: Binding | None = None
        for scope in file.scopes():
            if text in scope.types or text in scope.imports:
                break
            if text in scope.aliases:
                binding = self._alias_binding(scope, text)
                break
        if binding is None:
            binding = self.program.resolve_type(file, text, node)
        if binding.declaration is None:
            raise file.error(node, f"{file.snippet(node)} is a namespace, not a type")
        return binding

    def _namespace_binding(self, file: SourceFile, module: Node) -> Binding | None:
        if module.type in ("nested_type_identifier", "nested_identifier"):
            fields = (
                ("module", "name")
                if module.type == "nested_type_identifier"
                else (
                    "object",
                    "property",
                )
            )
            inner = module.child_by_field_name(fields[0])
            name = module.child_by_field_name(fields[1])
            assert inner is not None and name is not None
            outer = self._namespace_binding(file, inner)
            if outer is None or outer.namespace is None:
                return None
            nested = outer.namespace.namespaces.get(file.text(name))
            if nested is not None:
                return Binding(nested, None, namespace=nested)
            return self.program.resolve_export(
                outer.namespace, file.text(name), name, "any", origin=file
            )
        text = file.text(module)
        for scope in file.scopes():
            if text in scope.namespaces:
                found = scope.namespaces[text]
                return Binding(found, None, namespace=found)
            if text in scope.aliases:
                return self._alias_binding(scope, text)
        if file.types.get(text) is not None:
            return self.program.resolve_type(file, text, module)
        return self.program.resolve_value(file, text, module)

    def _alias_binding(self, scope: SourceFile, name: str) -> Binding:
        """``import X = A.B.C`` inside a namespace."""
        target = scope.aliases[name]
        parts: list[Node] = []
        while target.type in ("nested_identifier", "member_expression"):
            prop = target.child_by_field_name("property")
            obj = target.child_by_field_name("object")
            assert prop is not None and obj is not None
            parts.append(prop)
            target = obj
        where = scope.parent or scope
        binding = self._namespace_binding(where, target)
        for part in reversed(parts):
            if binding is None or binding.namespace is None:
                raise scope.error(target, f"{scope.snippet(target)} is not a namespace")
            inner = binding.namespace.namespaces.get(scope.text(part))
            binding = (
                Binding(inner, None, namespace=inner)
                if inner is not None
                else self.program.resolve_export(
                    binding.namespace, scope.text(part), part, "any", origin=scope
                )
            )
        assert binding is not None
        return binding

    def _reference(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        if node.type == "type_identifier":
            name = file.text(node)
            if name in self._env:
                return self._env[name]
            if not self._declared_type(file, name):
                if name in _NO_JSON_FORM:
                    raise file.error(node, f"type {name!r} has no JSON form")
        if node.type == "nested_type_identifier":
            enum_member = self._enum_member_type(file, node)
            if enum_member is not None:
                return enum_member
        binding = self._type_binding(file, node)
        decl = binding.declaration
        assert decl is not None
        if decl.kind in ("interface", "type", "enum", "class"):
            if _type_parameters(decl.node):
                return self._instantiate(file, binding, [], node, context)
            key = (binding.file.path, decl.name)
            if (
                key in self._building
                and decl.kind == "type"
                and not self._through_object(key)
            ):
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
        if module.type != "identifier" or not self._declared_type(file, name):
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

    # --- keyof, T[K], typeof ------------------------------------------------------------------

    def _lookup(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        obj_node, index_node = node.named_children[0], node.named_children[-1]
        target = self.evaluate_type(file, obj_node, context)
        key = self.evaluate_type(file, index_node, context)
        if isinstance(target, ops.ShapeUnion):
            raise file.error(
                node,
                f"indexed access {file.snippet(node)} into a union of object types is not supported",
            )
        return ops.index(target, key, self.find)

    def _keyof(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        target = self.evaluate_type(file, node.named_children[0], context)
        if isinstance(target, ops.ShapeUnion):
            raise file.error(node, f"{file.snippet(node)} is not supported")
        return ops.keyof(target, self.find)

    def _typeof(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        """``typeof X``: the declared type of a const, else the type TypeScript infers from
        its initializer (literal types under ``as const``)."""
        target = node.named_children[0]
        path: list[Node] = []
        root = target
        while root.type in ("member_expression", "subscript_expression"):
            path.append(root)
            obj = root.child_by_field_name("object")
            assert obj is not None
            root = obj
        if root.type != "identifier":
            raise file.error(node, f"{file.snippet(node)} is not supported")
        binding = self._value_binding(file, root, path)
        decl = binding.declaration
        if decl is not None and decl.kind in ("function", "class"):
            raise file.error(
                node, f"{file.snippet(node)} is a {decl.kind}, which has no JSON form"
            )
        if decl is not None and decl.kind == "enum":
            return self._typeof_enum(file, node, binding, path)
        if decl is None or decl.kind != "const":
            value = self.evaluator.evaluate(file, target, 1)  # refuses let, var...
            return self._type_of_value(file, node, value, False, False, context)
        annotation = decl.node.child_by_field_name("type")
        if annotation is not None:
            with self._scope({}):
                declared: ops.Type = self.evaluate_type(
                    binding.file, annotation.named_children[0], decl.name
                )
            for step in reversed(path):
                declared = ops.index(
                    declared,
                    ops.key_literal(_member_key(self.evaluator, file, step)),
                    self.find,
                )
            return declared
        init = decl.node.child_by_field_name("value")
        as_const = init is not None and _is_as_const(init)
        if init is not None:
            self._check_inferable(binding.file, init, as_const, node, file)
        # a type may name a const declared after it: read the declaration, then the path
        value = self.evaluator.evaluate_declaration(binding.file, decl)
        for step in reversed(path):
            key = _member_key(self.evaluator, file, step)
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
                value = value[int(key)]
            else:
                raise file.error(step, f"{file.snippet(step)} has no property {key!r}")
        return self._type_of_value(file, node, value, as_const, not path, context)

    def _literal_const(self, file: SourceFile, node: Node) -> bool:
        """Whether a reference names an enum or a const whose own type is literal."""
        root = node
        while root.type in ("member_expression", "subscript_expression"):
            obj = root.child_by_field_name("object")
            assert obj is not None
            root = obj
        if root.type not in ("identifier", "shorthand_property_identifier"):
            return False
        binding = self.program.resolve_value(file, file.text(root), root)
        decl = binding.declaration
        if decl is None or decl.kind == "enum":
            return decl is not None
        init = decl.node.child_by_field_name("value")
        return (
            decl.kind == "const"
            and init is not None
            and decl.node.child_by_field_name("type") is None
            and (_is_as_const(init) or (root is node and init.type in _FRESH_LITERALS))
        )

    def _check_inferable(
        self, file: SourceFile, init: Node, as_const: bool, use: Node, at: SourceFile
    ) -> None:
        """``typeof X`` is read off X's value only where TypeScript's inference is that
        simple: fresh literals (widened unless ``as const``), and under ``as const`` other
        consts that are ``as const`` or primitive literals themselves."""
        pending = [init]
        while pending:
            node = pending.pop()
            kind = node.type
            if kind == "as_expression":
                if not any(c.type == "const" for c in node.children):
                    raise at.error(
                        use,
                        f"{at.snippet(use)}: the value is asserted to a type "
                        f"({file.snippet(node, 40)}); mirror that type instead",
                    )
                pending.append(node.named_children[0])
            elif kind in ("parenthesized_expression", "satisfies_expression"):
                pending.append(node.named_children[0])
            elif kind in ("object", "array", "pair", "spread_element"):
                pending.extend(
                    c
                    for c in node.named_children
                    if c.type not in ("property_identifier", "comment")
                    and c != node.child_by_field_name("key")
                )
            elif (
                kind in _FRESH_LITERALS
                or (
                    kind == "template_string"
                    and not any(
                        c.type == "template_substitution" for c in node.children
                    )
                )
                or (
                    kind == "unary_expression"
                    and node.named_children[-1].type == "number"
                )
            ):
                continue
            elif as_const and kind == "template_string":
                continue
            elif as_const and self._literal_const(file, node):
                continue  # literal types all the way down under as const
            else:
                raise at.error(
                    use,
                    f"{at.snippet(use)}: TypeScript infers the type of "
                    f"{file.snippet(node, 40)} from more than its value; use as const "
                    "or annotate the const",
                )

    def _typeof_enum(
        self, file: SourceFile, node: Node, binding: Binding, path: list[Node]
    ) -> ops.Type:
        """``typeof E``: an object of the members' literal types (a numeric enum's reverse
        mapping is not part of the type); ``typeof E.A``: the member."""
        decl = binding.declaration
        assert decl is not None
        members = self.evaluator.enum_members(binding.file, decl)
        if len(path) == 1:
            key = _member_key(self.evaluator, file, path[0])
            for name, value, _ in members:
                if name == key:
                    return ir.LiteralType(value)
            raise file.error(path[0], f"enum {decl.name!r} has no member {key!r}")
        if path:
            raise file.error(node, f"{file.snippet(node)} is not supported")
        return ops.Shape(
            tuple(
                ir.Field(
                    name, python_identifier(name), ir.LiteralType(value), False, None
                )
                for name, value, _ in members
            )
        )

    def _value_binding(self, file: SourceFile, root: Node, path: list[Node]) -> Binding:
        """The value ``root`` names, through the namespaces that ``path`` (outermost step
        last) walks into; the steps consumed are removed from ``path``."""
        namespace = self._namespace_binding(file, root)
        if namespace is None or namespace.namespace is None:
            return self.program.resolve_value(file, file.text(root), root)
        scope = namespace.namespace
        while path:
            step = path.pop()
            prop = step.child_by_field_name("property")
            if step.type != "member_expression" or prop is None:
                raise file.error(
                    step, f"{file.snippet(step)} is not a namespace member"
                )
            name = file.text(prop)
            if name in scope.namespaces:
                scope = scope.namespaces[name]
                continue
            return self.program.resolve_export(scope, name, prop, "value", origin=file)
        raise file.error(root, f"{file.snippet(root)} is a namespace, not a value")

    def _type_of_value(
        self,
        file: SourceFile,
        node: Node,
        value: object,
        as_const: bool,
        top: bool,
        context: str = "",
    ) -> ops.Type:
        """The type TypeScript gives a value: literal under ``as const`` (and a const's own
        primitive), widened otherwise."""
        if value is UNDEFINED:
            return _UNDEFINED_TYPE
        if value is None:
            return ir.NULL
        if isinstance(value, str | int | float | bool):
            if as_const or top:
                return ir.LiteralType(value)
            return ops.primitive_of(ir.LiteralType(value))
        if isinstance(value, list):
            elements = [
                self._type_of_value(file, node, v, as_const, False, context + "Item")
                for v in value
            ]
            if as_const:
                return ir.TupleType(
                    tuple(
                        self.lower(file, node, e, f"{context}Item{i}")
                        for i, e in enumerate(elements)
                    ),
                    len(elements),
                )
            if not elements:
                raise file.error(
                    node,
                    f"{file.snippet(node)} is an empty array (never[] in TypeScript "
                    "is not mirrored)",
                )
            item = self._union(file, node, elements, context + "Item")
            return ir.ArrayType(self.lower(file, node, item, context + "Item"))
        if isinstance(value, dict):
            fields = []
            for key, v in value.items():
                inner = context + pascal_case(key)
                type_ = self._type_of_value(file, node, v, as_const, False, inner)
                fields.append(
                    self._field(
                        file,
                        node,
                        key,
                        self.lower(file, node, type_, inner),
                        False,
                        None,
                    )
                )
            return ops.Shape(tuple(fields))
        raise file.error(
            node, f"{file.snippet(node)} is {describe(value)}, which has no JSON form"
        )

    # --- mapped and conditional types ---------------------------------------------------------

    def _mapped(
        self, file: SourceFile, node: Node, signature: Node, context: str
    ) -> ops.Type:
        clause = next(c for c in signature.children if c.type == "mapped_type_clause")
        key_name_node = clause.child_by_field_name("name")
        constraint = clause.child_by_field_name("type")
        alias = clause.child_by_field_name("alias")
        value_node = signature.child_by_field_name("type")
        assert (
            key_name_node is not None
            and constraint is not None
            and value_node is not None
        )
        key_name = file.text(key_name_node)
        annotation_kind = value_node.type
        body = value_node.named_children[0]
        # keyof T over a type parameter bound to a union maps each member (homomorphic)
        homomorphic: ops.Type | None = None
        if constraint.type == "index_type_query":
            source_node = constraint.named_children[0]
            homomorphic = self.evaluate_type(file, source_node, context)
            if (
                source_node.type == "type_identifier"
                and file.text(source_node) in self._env
                and isinstance(homomorphic, ir.UnionType | ops.ShapeUnion)
            ):
                param = file.text(source_node)
                results = []
                for member in self._members(file, source_node, homomorphic, context):
                    with self._scope({**self._env, param: member}):
                        results.append(self._mapped(file, node, signature, context))
                return self._union(file, node, results, context)
        keys = ops.expand(self.evaluate_type(file, constraint, context), self.find)
        source_fields = (
            {f.name: f for f in ops.fields_of(homomorphic, self.find) or ()}
            if homomorphic is not None
            else {}
        )
        if homomorphic is not None and ops.fields_of(homomorphic, self.find) is None:
            resolved = ops.resolve(homomorphic, self.find)
            if isinstance(resolved, ir.ArrayType) and alias is None:
                with self._scope({**self._env, key_name: ir.NUMBER}):
                    return ir.ArrayType(self._element(file, body, context))
        if ir.STRING in keys:
            if len(keys) > 1 or alias is not None:
                raise file.error(
                    node,
                    f"mapped type {file.snippet(node)} mixes an index signature with properties, which is not supported",
                )
            with self._scope({**self._env, key_name: ir.STRING}):
                value = self.type_of(file, body, context + "Value")
            return ir.RecordType(ir.STRING, _no_undefined(file, body, value))
        fields: dict[str, ir.Field] = {}
        for key in keys:
            if not isinstance(key, ir.LiteralType) or isinstance(key.value, bool):
                raise file.error(
                    constraint,
                    f"mapped type key {file.snippet(constraint)} is not a finite set of property names",
                )
            with self._scope({**self._env, key_name: key}):
                names: list[ops.Type] = [key]
                if alias is not None:
                    names = list(
                        ops.expand(self.evaluate_type(file, alias, context), self.find)
                    )
                for renamed in names:
                    if not isinstance(renamed, ir.LiteralType) or isinstance(
                        renamed.value, bool
                    ):
                        raise file.error(
                            alias or constraint,
                            f"mapped type key {file.snippet(alias or constraint)} is not a property name",
                        )
                    name = _key_name(file, constraint, renamed)
                    type_ = self.type_of(file, body, context + pascal_case(name))
                    source = source_fields.get(_key_name(file, constraint, key))
                    if annotation_kind in (
                        "opting_type_annotation",
                        "adding_type_annotation",
                    ):
                        optional = True
                    elif annotation_kind == "omitting_type_annotation":
                        optional = False
                        type_ = _split_undefined(type_)[0] or ir.NEVER
                    else:
                        optional = source.optional if source is not None else False
                    fields[name] = self._field(
                        file,
                        body,
                        name,
                        type_,
                        optional,
                        source.doc if source else None,
                    )
        return ops.Shape(tuple(fields.values()))

    def _conditional(self, file: SourceFile, node: Node, context: str) -> ops.Type:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        yes = node.child_by_field_name("consequence")
        no = node.child_by_field_name("alternative")
        assert (
            left is not None
            and right is not None
            and yes is not None
            and no is not None
        )
        checked = self.evaluate_type(file, left, context)
        param = (
            file.text(left)
            if left.type == "type_identifier" and file.text(left) in self._env
            else None
        )
        if param is not None:
            cases = self._members(file, left, checked, context)  # distributive
        else:
            cases = [ops.only(checked)]
        results: list[ops.Type] = []
        for case in cases:
            env = dict(self._env)
            if param is not None:
                env[param] = case
            with self._scope(env):
                saved, self._infer_allowed = self._infer_allowed, True
                try:
                    target = self.evaluate_type(file, right, context)
                finally:
                    self._infer_allowed = saved
                bindings: dict[str, list[ops.Type]] = {}
                source = case
                if isinstance(source, ops.ShapeUnion):
                    source = self.lower(file, left, source, context)
                if ops.assignable(source, target, self.find, bindings):
                    for name, found in bindings.items():
                        env[name] = self._union(file, right, found, context)
                    with self._scope(env):
                        results.append(self.evaluate_type(file, yes, context))
                else:
                    with self._scope(env):
                        results.append(self.evaluate_type(file, no, context))
        return self._union(file, node, results, context)


_UTILITIES = {
    "Readonly": 1,
    "Partial": 1,
    "Required": 1,
    "NonNullable": 1,
    "Pick": 2,
    "Omit": 2,
    "Exclude": 2,
    "Extract": 2,
}
# Built-in types whose values JSON.stringify cannot give back as they were.
_NO_JSON_FORM = frozenset(
    {
        "Date",
        "RegExp",
        "URL",
        "bigint",
        "symbol",
        "BigInt",
        "Symbol",
        "Map",
        "Set",
        "WeakMap",
        "WeakSet",
        "Promise",
        "Function",
        "Error",
        "ArrayBuffer",
        "Uint8Array",
        "Blob",
    }
)
_INTRINSICS: dict[str, Callable[[str], str]] = {
    "Uppercase": str.upper,
    "Lowercase": str.lower,
    "Capitalize": lambda s: s[:1].upper() + s[1:],
    "Uncapitalize": lambda s: s[:1].lower() + s[1:],
}
_MAX_TEMPLATE_STRINGS = 10_000
_MAX_NAME = 32  # how long a generic instance's name may grow from its arguments
_FRESH_LITERALS = frozenset({"string", "number", "true", "false", "null", "comment"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "class"})


def _template_text(file: SourceFile, node: Node, type_: ops.Type) -> str:
    """How a literal type is spelled inside a template literal type."""
    match type_:
        case ir.LiteralType(value):
            if isinstance(value, bool):
                return "true" if value else "false"
            return value if isinstance(value, str) else number_to_string(value)
        case ir.Primitive(ir.PrimitiveName.NULL | ir.PrimitiveName.UNDEFINED as name):
            return name.value
        case (
            ir.Primitive()
            | ir.ArrayType()
            | ir.TupleType()
            | ir.RecordType()
            | ir.UnionType()
            | ir.TemplateType()
            | ir.NamedType()
            | ops.Shape()
            | ops.ShapeUnion()
            | ops.InferVar()
        ):
            pass  # no single spelling: refused below
        case _:
            assert_never(type_)
    raise file.error(
        node,
        f"template literal type substitution {file.snippet(node)} is not a finite union "
        "of literals, which is not supported",
    )


def _type_parameters(node: Node) -> list[Node]:
    params = node.child_by_field_name("type_parameters")
    if params is None:
        params = next((c for c in node.children if c.type == "type_parameters"), None)
    if params is None:
        return []
    return [p for p in params.named_children if p.type == "type_parameter"]


def _unparenthesized(node: Node) -> Node:
    while node.type == "parenthesized_type":
        node = node.named_children[0]
    return node


def _mapped_clause(node: Node) -> Node | None:
    """The index signature of ``{ [K in X]: V }``, or None for an ordinary object type."""
    members = [m for m in node.named_children if m.type != "comment"]
    if len(members) == 1 and any(
        c.type == "mapped_type_clause" for c in members[0].children
    ):
        return members[0]
    return None


def _describe(type_: ops.Type) -> str:
    """A name fragment for a type argument: ``Box<string[]>`` becomes ``BoxStringArray``."""
    match type_:
        case ir.Primitive(name):
            return pascal_case(name.value if type_ != ir.INTEGER else "number")
        case ir.LiteralType(value):
            return pascal_case(str(value)) or "Literal"
        case ir.NamedType(name):
            return name
        case ir.ArrayType(element):
            return _describe(element) + "Array"
        case ir.RecordType(_, value):
            return "Record" + _describe(value)
        case ir.UnionType(members):
            return "Or".join(_describe(m) for m in members[:4])
        case ir.TemplateType():
            return "Template"
        case ir.TupleType() | ops.Shape() | ops.ShapeUnion() | ops.InferVar():
            return "Object"
        case _:
            assert_never(type_)


def _with_optional(field: ir.Field, optional: bool) -> ir.Field:
    return replace(field, optional=optional)


def _key_name(file: SourceFile, node: Node, key: object) -> str:
    if isinstance(key, ir.LiteralType) and not isinstance(key.value, bool):
        if isinstance(key.value, str):
            return key.value
        return number_to_string(key.value)
    raise file.error(node, f"{file.snippet(node)} is not a union of property names")


def _flat_literal_key(key: ir.TypeRef, find: ops.Finder) -> bool:
    """Whether the record decoder sees this key as one literal union (or enum)."""
    if isinstance(key, ir.NamedType):
        match find(key.name):
            case ir.EnumDecl():
                return True
            case ir.AliasDecl(_, aliased):
                return _flat_literal_key(aliased, find)
            case _:
                return False
    return all(isinstance(m, ir.LiteralType) for m in ops.members(key))


def _member_key(evaluator: Evaluator, file: SourceFile, node: Node) -> str:
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        assert prop is not None
        return file.text(prop)
    index = node.child_by_field_name("index")
    assert index is not None
    key = evaluator.evaluate(file, index, 1)
    if isinstance(key, str):
        return key
    if isinstance(key, int | float) and not isinstance(key, bool):
        return number_to_string(key)
    raise file.error(index, f"index {file.snippet(index)} is not a property name")


def _references(decl: ir.Declaration) -> list[str]:
    found: list[str] = []

    def walk(type_: ir.TypeRef) -> None:
        match type_:
            case ir.NamedType(name):
                found.append(name)
            case ir.ArrayType(element):
                walk(element)
            case ir.TupleType(elements, _, rest):
                for element in elements:
                    walk(element)
                if rest is not None:
                    walk(rest)
            case ir.RecordType(key, value):
                walk(key)
                walk(value)
            case ir.UnionType(members):
                for member in members:
                    walk(member)
            case ir.Primitive() | ir.LiteralType() | ir.TemplateType():
                pass
            case _:
                assert_never(type_)

    match decl:
        case ir.ObjectDecl():
            for field in decl.fields:
                walk(field.type)
            if decl.extra is not None:
                walk(decl.extra)
        case ir.AliasDecl() | ir.ConstDecl():
            walk(decl.type)
        case ir.EnumDecl():
            pass
        case _:
            assert_never(decl)
    return found


def _reachable(
    declarations: list[ir.Declaration], roots: list[str]
) -> list[ir.Declaration]:
    """The declarations the mirrored symbols need (evaluation leaves intermediate object
    types behind, e.g. the argument of a Partial<...>)."""
    by_name = {d.name: d for d in declarations}
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen or name not in by_name:
            continue
        seen.add(name)
        pending.extend(_references(by_name[name]))
    return [d for d in declarations if d.name in seen]


def _ordered(declarations: list[ir.Declaration]) -> list[ir.Declaration]:
    """Dependencies first, as built, except that an alias, whose value Python evaluates
    at import, moves after every declaration it names."""
    names = {d.name for d in declarations}
    placed: set[str] = set()
    result: list[ir.Declaration] = []
    waiting: list[ir.Declaration] = []
    for decl in declarations:
        waiting.append(decl)
        progress = True
        while progress:
            progress = False
            for item in list(waiting):
                needs = (
                    [n for n in _references(item) if n in names and n != item.name]
                    if isinstance(item, ir.AliasDecl)
                    else []
                )
                if all(n in placed for n in needs):
                    waiting.remove(item)
                    result.append(item)
                    placed.add(item.name)
                    progress = True
    result.extend(waiting)
    return result


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


def _type_arguments(file: SourceFile, node: Node, count: int) -> list[Node]:
    args = node.child_by_field_name("type_arguments")
    found = args.named_children if args is not None else []
    if len(found) != count:
        raise file.error(node, f"{file.snippet(node)} takes {count} type argument(s)")
    return list(found)


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


def _is_literal_primitive(node: Node | None) -> bool:
    """Whether a const's initializer is a primitive literal (through parentheses and
    ``satisfies``): a const keeps its literal type without ``as const`` (``const R =
    'viewer'`` has the type ``'viewer'``), where a computed one (``'v' + 1``) widens."""
    while node is not None and node.type in (
        "parenthesized_expression",
        "satisfies_expression",
    ):
        node = node.named_children[0] if node.named_children else None
    if node is None:
        return False
    if node.type == "unary_expression":
        operand = node.child_by_field_name("argument")
        return (
            node.children[0].type == "-"
            and operand is not None
            and operand.type == "number"
        )
    if node.type == "template_string":
        return not any(c.type == "template_substitution" for c in node.children)
    return node.type in ("string", "number", "true", "false")


def _is_as_const(node: Node | None) -> bool:
    """Whether a const's initializer ends in ``as const`` (through parentheses and
    ``satisfies``), which keeps the literal types of what it holds."""
    while node is not None and node.type in (
        "parenthesized_expression",
        "satisfies_expression",
    ):
        node = node.named_children[0] if node.named_children else None
    if node is not None and node.type == "call_expression":  # Object.freeze(x as const)
        args = node.child_by_field_name("arguments")
        return args is not None and _is_as_const(next(iter(args.named_children), None))
    return (
        node is not None
        and node.type == "as_expression"
        and node.children[-1].type == "const"
    )
