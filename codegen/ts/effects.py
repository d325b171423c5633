"""What one file's code can do to values: the per-file half of the module-graph proof.

:func:`file_effects` walks a parsed file once, with JavaScript's scopes, and summarizes it as
plain data (no tree nodes, so a summary can be cached by the file's bytes):

- **Aliases and writes.** Every expression stands for a set of *atoms*: a top-level binding
  (``t:NAME``, or ``t:NS.MEMBER`` for a member of a namespace import), a parameter or the
  return value of a top-level function (``p:F:I``, ``r:F``), an argument passed to or the
  result of an imported callee (``c:CALLEE:I``, ``x:CALLEE``), a built-in global (``g:NAME``)
  or a variable. Atoms that may denote the same object are in one class (``const a = X``, a
  parameter and its arguments, a function and what it returns), and each class has one class
  for what its objects hold (``X.part``, destructuring, ``for (const e of X)``, what is
  stored or pushed into it, the elements a callback sees): Steensgaard's flow-insensitive
  points-to analysis, :class:`AliasClasses`. A write (assignment, compound assignment,
  ``++``/``--``, ``delete``, a mutating method, ``Object.assign`` and friends) marks the class
  of the object it changes; passing a value to a callee not known to leave its arguments
  alone marks it *deeply* (everything it holds, too). An object that an expression has just
  created and that nothing refers to yet (``[...X]``, ``{}``, the result of ``X.slice()``)
  is *fresh*: a write to it there (``[...X].sort()``, ``Object.assign({}, A)``) changes no
  other value, so it is not kept; the fresh object's parts are those of X, and a write to
  them still counts. The summary numbers the classes other
  files can reach and keeps each one's first write; :mod:`tsmirror.ts.graph` joins the
  classes of all files.
- **Reads**: the top-level names each top-level declaration refers to (its dependencies).
- **Load-time code**: the names that code running when the module is evaluated refers to,
  with positions (for reads before initialization), the first thing in it that throws (a
  name declared nowhere, an assignment to a const),
  and the functions it calls; the same for the body of each top-level function.
- **Hazards** that can change any value: ``eval``, ``new Function``, ``with``, a dynamic
  ``import()``/``require`` of a computed name, a write to a built-in such as
  ``Array.prototype``.
- **Module requests** in source order, without the imports TypeScript erases (``import
  type``, and imports whose bindings are used only as types).
"""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from tree_sitter import Node

from tsmirror.errors import InputError
from tsmirror.ts.literals import decode_string
from tsmirror.ts.source import SourceFile, is_plain_object

K = TypeVar("K")

#: How deeply the walk follows nested code; deeper code is refused with its location.
MAX_CODE_DEPTH = 300

#: Globals a module may read at load without a ReferenceError (ECMAScript and Node.js).
KNOWN_GLOBALS = frozenset(
    """
    globalThis undefined NaN Infinity Object Function Array Number String Boolean Symbol
    BigInt Math JSON Reflect Proxy Date RegExp Error TypeError RangeError SyntaxError
    ReferenceError EvalError URIError AggregateError Promise Map Set WeakMap WeakSet
    WeakRef FinalizationRegistry ArrayBuffer SharedArrayBuffer DataView Atomics Int8Array
    Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array
    Float64Array BigInt64Array BigUint64Array Intl parseInt parseFloat isNaN isFinite
    encodeURI encodeURIComponent decodeURI decodeURIComponent escape unescape eval
    console process Buffer global queueMicrotask setTimeout clearTimeout setInterval
    clearInterval setImmediate clearImmediate structuredClone URL URLSearchParams
    TextEncoder TextDecoder AbortController AbortSignal Event EventTarget fetch Headers
    Request Response FormData Blob performance crypto atob btoa BroadcastChannel
    MessageChannel MessagePort WebAssembly
    """.split()
)
#: Globals whose change can change any value or its JSON (prototypes, JSON, the global object).
_BUILTIN_OBJECTS = frozenset(
    """
    Object Function Array Number String Boolean Symbol BigInt Math JSON Reflect Date RegExp
    Error Promise Map Set globalThis global Proxy
    """.split()
)
#: Methods that change their receiver (arrays, maps, sets, typed arrays).
MUTATING_METHODS = frozenset(
    """
    push pop shift unshift splice sort reverse fill copyWithin set add delete clear
    __defineGetter__ __defineSetter__
    """.split()
)
#: Built-in methods that leave their receiver and arguments as they are.
_READING_METHODS = frozenset(
    """
    at concat entries every filter find findIndex findLast findLastIndex flat flatMap
    forEach includes indexOf join keys lastIndexOf map reduce reduceRight slice some
    toLocaleString toString values toSorted toReversed toSpliced with get has
    hasOwnProperty propertyIsEnumerable isPrototypeOf valueOf charAt charCodeAt codePointAt
    endsWith startsWith localeCompare match matchAll normalize padEnd padStart repeat
    replace replaceAll search split substring substr toLowerCase toUpperCase
    toLocaleLowerCase toLocaleUpperCase trim trimStart trimEnd toFixed toPrecision
    toExponential
    """.split()
)
#: Reading methods whose result is a new array of the receiver's (and arguments') parts.
_COPYING_METHODS = frozenset(
    "concat filter slice toSorted toReversed toSpliced with flat values entries".split()
)
#: Reading methods whose result is one of the receiver's parts.
_ELEMENT_METHODS = frozenset("at find findLast get".split())
#: Methods that call their first argument (a comparator) with two of the receiver's parts.
_COMPARATOR_METHODS = frozenset({"sort", "toSorted"})
#: Reading methods that call their first argument with the receiver's parts.
_CALLBACK_METHODS = frozenset(
    """
    every filter find findIndex findLast findLastIndex flatMap forEach map reduce
    reduceRight some
    """.split()
)
#: ``Object.x``/``Reflect.x`` that write their first argument.
_WRITERS = frozenset(
    {
        "Object.assign",
        "Object.defineProperty",
        "Object.defineProperties",
        "Object.setPrototypeOf",
        "Reflect.set",
        "Reflect.defineProperty",
        "Reflect.deleteProperty",
        "Reflect.setPrototypeOf",
    }
)
#: Built-in callees known to leave their arguments unmodified. The value is whether the
#: result may share objects with the arguments (``Object.values(X)`` holds X's parts).
_READERS: dict[str, bool] = {
    **dict.fromkeys(
        """
        Object.keys Object.isFrozen Object.isSealed Object.isExtensible Object.is
        Object.hasOwn Object.getOwnPropertyNames JSON.stringify JSON.parse Array.isArray
        String Number Boolean BigInt Symbol parseInt parseFloat isNaN isFinite
        encodeURIComponent decodeURIComponent encodeURI decodeURI structuredClone
        Number.isInteger Number.isFinite Number.isNaN Number.isSafeInteger
        Number.parseFloat Number.parseInt
        """.split(),
        False,
    ),
    **dict.fromkeys(
        """
        Object.values Object.entries Object.freeze Object.fromEntries Object.getPrototypeOf
        Object.getOwnPropertyDescriptor Object.getOwnPropertyDescriptors Array.from
        Array.of
        """.split(),
        True,
    ),
}
_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "arrow_function",
    }
)
#: Functions that see the object they are a property of as ``this`` when called on it.
_METHODS = _FUNCTIONS - {"arrow_function"}
#: Values that hold nothing, refer to nothing and run nothing.
_INERT = frozenset({"string", "number", "true", "false", "null", "regex", "comment"})
_TRANSPARENT = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression"}
)
_TYPE_ONLY = frozenset(
    {
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "interface_declaration",
        "type_alias_declaration",
        "ambient_declaration",
        "abstract_method_signature",
        "function_signature",
        "index_signature",
        "comment",
        "implements_clause",
    }
)


class Place(NamedTuple):
    """Where something happens in a file: 1-based line and column (in characters)."""

    line: int
    col: int
    offset: int  # byte offset, to order events within the file
    message: str


class Code(NamedTuple):
    """What one stretch of code (a module's load-time code, a function body) refers to."""

    # (top-level name, where): every read of a top-level binding
    refs: tuple[tuple[str, Place], ...]
    # (callee, where): calls of top-level functions (local names, imports, ``NS.member``)
    calls: tuple[tuple[str, Place], ...]
    throws: (
        Place | None
    )  # the first thing that throws: an undeclared name, a const assigned


class Request(NamedTuple):
    specifier: str
    place: Place
    evaluated: bool  # a static request (Node evaluates it first); False for import()


class FileEffects(NamedTuple):
    # outside-visible atom -> number of its alias class
    classes: dict[str, int]
    # class -> the class of what its objects hold
    held: dict[int, int]
    # class -> (first write into it, whether some write may change anything it reaches)
    writes: dict[int, tuple[Place, bool]]
    # imported callee (``c:NAME:I``) -> (callee text, where the argument was passed)
    passed: dict[str, tuple[str, Place]]
    # top-level declaration -> the top-level names its initializer or body refers to
    reads: dict[str, tuple[str, ...]]
    # top-level const/let/class name -> byte offset where it is initialized
    initialized_at: dict[str, int]
    kinds: dict[str, str]  # top-level name -> const, let, var, function, class, import
    load: Code
    functions: dict[str, Code]
    hazard: Place | None
    requests: tuple[Request, ...]


class AliasClasses(Generic[K]):
    """Union-find over alias classes where each class has one class for what its objects
    hold (Steensgaard's points-to analysis): joining two classes joins what they hold."""

    def __init__(self) -> None:
        self.parent: dict[K, K] = {}
        self.held: dict[K, K] = {}  # class root -> a key of the class of what it holds

    def find(self, key: K) -> K:
        parent = self.parent.setdefault(key, key)
        while parent != key:
            grand = self.parent.setdefault(parent, parent)
            self.parent[key] = grand
            key, parent = parent, grand
        return key

    def union(self, first: K, second: K) -> None:
        pending = [(first, second)]
        while pending:
            a, b = pending.pop()
            ra, rb = self.find(a), self.find(b)
            if ra == rb:
                continue
            self.parent[rb] = ra
            ha, hb = self.held.pop(ra, None), self.held.pop(rb, None)
            if ha is not None and hb is not None:
                pending.append((ha, hb))
            if ha is not None:
                self.held[ra] = ha
            elif hb is not None:
                self.held[ra] = hb

    def hold(self, outer: K, inner: K) -> None:
        """The objects of ``outer`` hold those of ``inner``."""
        root = self.find(outer)
        existing = self.held.get(root)
        if existing is None:
            self.held[root] = inner
        else:
            self.union(existing, inner)

    def held_by(self, key: K) -> K | None:
        inner = self.held.get(self.find(key))
        return None if inner is None else self.find(inner)

    def reachable(self, key: K) -> list[K]:
        """The class of ``key`` and the classes of everything its objects hold."""
        return self.chain(key)[0]

    def chain(self, key: K) -> tuple[list[K], int | None]:
        """The classes of ``key``, what it holds, what that holds, ...: the class at index
        ``d`` holds what lies ``d`` levels down. The second item is where the chain loops
        back to (from there on, a class stands for several depths), or None."""
        found: list[K] = []
        index: dict[K, int] = {}
        root: K | None = self.find(key)
        while root is not None:
            if root in index:
                return found, index[root]
            index[root] = len(found)
            found.append(root)
            root = self.held_by(root)
        return found, None


class _Scope:
    __slots__ = ("fn", "names", "parent", "uid")

    def __init__(self, parent: _Scope | None, uid: int, fn: str | None) -> None:
        self.parent = parent
        self.uid = uid
        self.fn = fn  # the key of the function this scope belongs to (None: the module)
        self.names: dict[str, str] = {}  # name -> atom


class _CodeBuilder:
    __slots__ = ("calls", "refs", "throws")

    def __init__(self) -> None:
        self.refs: list[tuple[str, Place]] = []
        self.calls: list[tuple[str, Place]] = []
        self.throws: Place | None = None

    def freeze(self) -> Code:
        return Code(tuple(self.refs), tuple(self.calls), self.throws)


class _Walker:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.classes = AliasClasses[str]()
        # (atom, where, deep): a deep write may change anything reachable from the atom
        self.writes: list[tuple[str, Place, bool]] = []
        self.passed: dict[str, tuple[str, Place]] = {}
        self.reads: dict[str, set[str]] = {}
        self.kinds: dict[str, str] = {}
        self.initialized_at: dict[str, int] = {}
        self.load = _CodeBuilder()
        self.functions: dict[str, _CodeBuilder] = {}
        self.hazard: Place | None = None
        self.used: set[str] = set()  # top-level names read anywhere
        self.fn_params: dict[str, list[str]] = {}  # function atom key -> param atoms
        self._uid = 0
        self._reading: set[str] | None = (
            None  # the reads of the declaration being walked
        )
        self._code = self.load  # where refs go
        self._later = _CodeBuilder()  # code that runs later, if ever (not followed)
        self.local_fns: dict[str, str] = {}  # atom of a function's name -> its key
        # atoms of objects an expression has just created, that nothing refers to yet
        self._fresh: set[str] = set()

    # --- atoms ----------------------------------------------------------------------------

    def find(self, atom: str) -> str:
        return self.classes.find(atom)

    def unify(self, atoms: list[str]) -> str:
        """Join the classes of ``atoms`` (and of what they hold); returns an atom of the
        result."""
        if not atoms:
            return self.fresh()
        if len(atoms) > 1:
            self._fresh.difference_update(atoms)  # now something else refers to it
        for other in atoms[1:]:
            self.classes.union(atoms[0], other)
        return self.find(atoms[0])

    def held_by(self, atoms: list[str]) -> list[str]:
        """The class of what the objects of ``atoms`` hold: ``X.part``, ``X[i]``."""
        if not atoms:
            return []
        root = self.unify(atoms)
        inner = self.classes.held_by(root)
        if inner is None:
            inner = self.fresh()
            self.classes.hold(root, inner)
        return [inner]

    def holder(
        self, parts: list[str], *, fresh: bool = True, atom: str | None = None
    ) -> list[str]:
        """A new object (an object or array literal, a copy; ``atom`` if given) that holds
        ``parts``; it is fresh (see :meth:`write`) unless ``fresh`` is False."""
        atom = atom or self.fresh()
        if parts:
            self.unify([*self.held_by([atom]), *parts])
        if fresh:
            self._fresh.add(atom)
        return [atom]

    def fresh(self) -> str:
        self._uid += 1
        atom = f"v:{self._uid}"
        self.find(atom)
        return atom

    def place(self, node: Node, message: str) -> Place:
        loc = self.source.location(node)
        return Place(loc.line, loc.col, node.start_byte, message)

    def write(
        self, atoms: list[str], node: Node, message: str, *, deep: bool = False
    ) -> None:
        """A write to the objects of ``atoms`` (``deep``: and to everything they reach).
        A shallow write to a fresh object (just created by the expression written to, and
        referred to by nothing yet) changes no other value: it is not kept. Each
        evaluation of that expression creates a new object, so this holds in loops and
        functions too; what the object holds is another class, which stays writable."""
        for atom in atoms:
            if not deep and atom in self._fresh:
                continue
            self.find(atom)  # known to the summary even when nothing else joins it
            self.writes.append((atom, self.place(node, message), deep))

    def set_hazard(self, node: Node, message: str) -> None:
        self.set_hazard_at(self.place(node, message), message)

    def set_hazard_at(self, place: Place, message: str) -> None:
        if self.hazard is None or place.offset < self.hazard.offset:
            self.hazard = Place(place.line, place.col, place.offset, message)

    # --- scopes ---------------------------------------------------------------------------

    def new_scope(self, parent: _Scope | None, fn: str | None) -> _Scope:
        self._uid += 1
        return _Scope(parent, self._uid, fn)

    def declare(self, scope: _Scope, name: str) -> str:
        atom = scope.names.get(name)
        if atom is None:
            atom = f"t:{name}" if scope.parent is None else f"v:{scope.uid}:{name}"
            scope.names[name] = atom
        return atom

    def resolve(self, scope: _Scope, name: str) -> str | None:
        current: _Scope | None = scope
        while current is not None:
            atom = current.names.get(name)
            if atom is not None:
                return atom
            current = current.parent
        return None

    def reference(self, scope: _Scope, node: Node, name: str) -> list[str]:
        """The atoms of an identifier read as a value; records reads and throws."""
        atom = self.resolve(scope, name)
        if atom is None:
            if name == "eval":  # called through an alias or (0, eval)(...) too
                self.set_hazard(node, "eval runs code that cannot be read")
            if name in KNOWN_GLOBALS:
                return [f"g:{name}"]
            if name == "arguments" and scope.fn is not None:
                return list(self.fn_params.get(scope.fn, []))
            if self._code.throws is None:
                self._code.throws = self.place(
                    node,
                    f"{name!r} is declared nowhere, so evaluating this throws a "
                    "ReferenceError",
                )
            return []
        if atom.startswith("t:"):
            self.used.add(name)
            self._code.refs.append((name, self.place(node, name)))
            if self._reading is not None:
                self._reading.add(name)
        return [atom]

    def declare_block(self, scope: _Scope, statements: list[Node]) -> None:
        """Hoist the names a block declares (lexical, var, function, class, enum)."""
        for statement in statements:
            node = statement
            if node.type == "export_statement":
                inner = node.child_by_field_name("declaration")
                if inner is None:
                    continue
                node = inner
            if node.type == "expression_statement" and node.named_child_count == 1:
                node = node.named_children[0]  # namespace N { ... }
            kind = node.type
            if kind in ("lexical_declaration", "variable_declaration"):
                for declarator in node.named_children:
                    if declarator.type == "variable_declarator":
                        name_node = declarator.child_by_field_name("name")
                        if name_node is not None:
                            for name in self.pattern_names(name_node):
                                if (
                                    kind == "lexical_declaration"
                                    and name in scope.names
                                ):
                                    # let/const redeclaring a name: a SyntaxError
                                    raise self.source.error(
                                        declarator,
                                        f"duplicate declaration of {name!r}",
                                    )
                                self.declare(scope, name)
            elif kind in (
                "function_declaration",
                "generator_function_declaration",
                "class_declaration",
                "abstract_class_declaration",
                "enum_declaration",
                "internal_module",
                "module",
            ):
                name_node = node.child_by_field_name("name")
                if name_node is not None and name_node.type != "string":
                    self.declare(scope, self.source.text(name_node))

    def pattern_names(self, node: Node) -> list[str]:
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            return [self.source.text(node)]
        if kind in ("object_pattern", "array_pattern", "rest_pattern"):
            return [
                n for child in node.named_children for n in self.pattern_names(child)
            ]
        if kind == "pair_pattern":
            value = node.child_by_field_name("value")
            return self.pattern_names(value) if value is not None else []
        if kind in ("assignment_pattern", "object_assignment_pattern"):
            left = node.child_by_field_name("left")
            return self.pattern_names(left) if left is not None else []
        return []

    # --- the module -----------------------------------------------------------------------

    def module(self) -> _Scope:
        source = self.source
        root = source.tree.root_node
        scope = self.new_scope(None, None)
        for name, binding in source.imports.items():
            scope.names[name] = f"t:{name}"
            self.kinds[name] = "import" if binding.imported != "*" else "namespace"
        statements = root.named_children
        self.declare_block(scope, statements)
        for (
            statement
        ) in statements:  # functions are hoisted: callable before they appear
            node = statement.child_by_field_name("declaration") or statement
            name_node = node.child_by_field_name("name")
            if name_node is not None and node.type in (
                "function_declaration",
                "generator_function_declaration",
            ):
                self.kinds[self.source.text(name_node)] = "function"
        for statement in statements:
            self.top_statement(scope, statement)
        return scope

    def top_statement(self, scope: _Scope, statement: Node) -> None:
        kind = statement.type
        if kind == "import_statement" or kind in _TYPE_ONLY:
            return
        if kind == "export_statement":
            declaration = statement.child_by_field_name("declaration")
            value = statement.child_by_field_name("value")
            if declaration is not None:
                self.top_statement(scope, declaration)
            elif value is not None or any(
                c.type == "default" for c in statement.children
            ):
                target = value or statement.named_children[-1]
                name_node = target.child_by_field_name("name")
                if (
                    target.type
                    in ("function_declaration", "generator_function_declaration")
                    and name_node is None
                ):
                    self.kinds["default"] = "function"
                    self._reading = self.reads.setdefault("default", set())
                    self.function(scope, target, "default", 0)
                    self._reading = None
                    atoms = []
                elif target.type in _FUNCTIONS or "class" in target.type:
                    if name_node is not None:
                        self.top_statement(scope, target)
                        atoms = [f"t:{self.source.text(name_node)}"]
                    else:
                        atoms = self.class_(scope, target, 0)
                else:
                    self._reading = self.reads.setdefault("default", set())
                    atoms = self.expression(scope, target, 0)
                    self._reading = None
                    self.kinds["default"] = "default"
                    self.initialized_at["default"] = statement.end_byte
                self.unify(["t:default", *atoms])
            elif statement.child_by_field_name("source") is None:
                for clause in statement.named_children:
                    if clause.type != "export_clause":
                        continue
                    for spec in clause.named_children:
                        name_node = spec.child_by_field_name("name")
                        if spec.type == "export_specifier" and name_node is not None:
                            name = self.source.text(name_node)
                            if self.resolve(scope, name) is not None:
                                self.used.add(name)
            return
        if kind in ("lexical_declaration", "variable_declaration"):
            binding = (
                "var"
                if kind == "variable_declaration"
                else self.source.text(statement.children[0])
            )
            for declarator in statement.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name_node = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                names = self.pattern_names(name_node) if name_node is not None else []
                reading: set[str] = set()
                for name in names:
                    self.kinds[name] = binding
                    self.initialized_at[name] = declarator.end_byte
                    self.reads[name] = reading
                if value is None:
                    continue
                self._reading = reading
                if name_node is not None and name_node.type != "string":
                    name = self.source.text(name_node)
                    if value.type in _FUNCTIONS:
                        self.kinds[name] = "function" if binding == "const" else binding
                        self.unify([f"t:{name}", self.function(scope, value, name, 0)])
                        self._reading = None
                        continue
                atoms = self.expression(scope, value, 0)
                self._reading = None
                if name_node is not None:
                    self.bind_pattern(scope, name_node, atoms, 0)
            return
        if kind in ("function_declaration", "generator_function_declaration"):
            name_node = statement.child_by_field_name("name")
            if name_node is not None:
                name = self.source.text(name_node)
                self.kinds[name] = "function"
                self._reading = self.reads.setdefault(name, set())
                self.unify([f"t:{name}", self.function(scope, statement, name, 0)])
                self._reading = None
            return
        if kind in ("class_declaration", "abstract_class_declaration"):
            name_node = statement.child_by_field_name("name")
            name = self.source.text(name_node) if name_node is not None else ""
            self.kinds[name] = "class"
            self._reading = self.reads.setdefault(name, set())
            self.class_(scope, statement, 0)
            self._reading = None
            self.initialized_at[name] = statement.end_byte
            return
        if kind == "enum_declaration":
            name_node = statement.child_by_field_name("name")
            name = self.source.text(name_node) if name_node is not None else ""
            self.kinds[name] = "enum"
            self._reading = self.reads.setdefault(name, set())
            self.statement(scope, statement, 0)
            self._reading = None
            self.initialized_at[name] = statement.end_byte
            return
        self.statement(scope, statement, 0)

    # --- functions and classes ------------------------------------------------------------

    def function(
        self,
        scope: _Scope,
        node: Node,
        top_name: str | None,
        depth: int,
        *,
        runs_now: bool = False,
    ) -> str:
        """Walk a function; returns its atom (what calling it may return). ``top_name`` is
        set for a top-level function, whose parameters and result other files can reach;
        ``runs_now`` for one called where it is written (a callback, an IIFE), whose body
        counts as code of the place it is written in."""
        key = top_name if top_name is not None else f"@{node.start_byte}"
        ret = f"r:{key}"
        self.find(ret)
        inner = self.new_scope(scope, key)
        params: list[str] = []
        name_node = node.child_by_field_name("name")
        if (
            name_node is not None
            and top_name is None
            and node.type
            in (
                "function_expression",
                "function",
                "generator_function",
            )
        ):
            self.unify([self.declare(inner, self.source.text(name_node)), ret])
        parameters = node.child_by_field_name("parameters")
        single = node.child_by_field_name("parameter")
        param_nodes = (
            [single]
            if single is not None
            else (parameters.named_children if parameters is not None else [])
        )
        saved_code = self._code
        if top_name is not None:
            self._code = self.functions.setdefault(top_name, _CodeBuilder())
        elif not runs_now and self._code is self.load:
            self._code = self._later
        index = 0
        for param in param_nodes:
            if param.type not in (
                "required_parameter",
                "optional_parameter",
                "identifier",
            ):
                continue
            pattern = (
                param
                if param.type == "identifier"
                else param.child_by_field_name("pattern")
            )
            if pattern is None or self.source.text(pattern) == "this":
                continue
            atom = f"p:{key}:{index}"
            self.find(atom)
            params.append(atom)
            for name in self.pattern_names(pattern):
                self.declare(inner, name)
            self.bind_pattern(inner, pattern, [atom], depth + 1)
            default = param.child_by_field_name("value")
            if default is not None:
                self.unify([atom, *self.expression(inner, default, depth + 1)])
            index += 1
        self.fn_params[key] = params
        body = node.child_by_field_name("body")
        if body is not None:
            if body.type == "statement_block":
                self.block(inner, body, depth + 1)
            else:
                self.unify([ret, *self.expression(inner, body, depth + 1)])
        self._code = saved_code
        return ret

    def class_(self, scope: _Scope, node: Node, depth: int) -> list[str]:
        inner = self.new_scope(scope, scope.fn)
        self_atom = self.fresh()
        name_node = node.child_by_field_name("name")
        if name_node is not None:
            self.unify([self.declare(inner, self.source.text(name_node)), self_atom])
        inner.names["this"] = self_atom
        for child in node.children:
            if child.type == "decorator":
                self.expression(scope, child.named_children[0], depth + 1)
            elif child.type == "class_heritage":
                for clause in child.named_children:
                    value = clause.child_by_field_name("value")
                    if clause.type == "extends_clause" and value is not None:
                        self.expression(scope, value, depth + 1)
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else []:
            static = any(c.type == "static" for c in member.children)
            name = member.child_by_field_name("name")
            if name is not None and name.type == "computed_property_name":
                self.expression(inner, name.named_children[0], depth + 1)
            for decorator in member.children:
                if decorator.type == "decorator":
                    self.expression(inner, decorator.named_children[0], depth + 1)
            if member.type == "method_definition":
                method = self.function(inner, member, None, depth + 1)
                self.unify([*self.held_by([self_atom]), method])
            elif member.type == "public_field_definition":
                value = member.child_by_field_name("value")
                if value is None:
                    continue
                saved_code = self._code
                if not static and self._code is self.load:
                    self._code = self._later  # instance fields run with the constructor
                field = self.expression(inner, value, depth + 1)
                self.unify([*self.held_by([self_atom]), *field])
                self._code = saved_code
            elif member.type == "class_static_block":
                block = member.child_by_field_name("body")
                if block is not None:
                    self.block(self.new_scope(inner, inner.fn), block, depth + 1)
        return [self_atom]

    # --- statements -----------------------------------------------------------------------

    def block(self, scope: _Scope, node: Node, depth: int) -> None:
        statements = node.named_children
        self.declare_block(scope, statements)
        for statement in statements:
            self.statement(scope, statement, depth + 1)

    def statement(self, scope: _Scope, node: Node, depth: int) -> None:
        if depth > MAX_CODE_DEPTH:
            raise self.source.error(
                node, f"code nests deeper than {MAX_CODE_DEPTH} levels"
            )
        kind = node.type
        if kind in _TYPE_ONLY or kind in ("import_statement", "empty_statement"):
            return
        if kind == "statement_block":
            self.block(self.new_scope(scope, scope.fn), node, depth)
        elif kind in ("module", "internal_module"):  # a namespace's body runs at load
            body = node.child_by_field_name("body")
            if body is not None:
                self.block(self.new_scope(scope, scope.fn), body, depth)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name_node = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                atoms = (
                    self.expression(scope, value, depth + 1)
                    if value is not None
                    else []
                )
                if name_node is not None:
                    self.bind_pattern(scope, name_node, atoms, depth + 1)
                    init = _unwrap(value) if value is not None else None
                    if init is not None and init.type in _FUNCTIONS:
                        atom = self.resolve(scope, self.source.text(name_node))
                        if atom is not None:
                            self.local_fns[atom] = f"@{init.start_byte}"
        elif kind in ("function_declaration", "generator_function_declaration"):
            name_node = node.child_by_field_name("name")
            ret = self.function(scope, node, None, depth + 1)
            if name_node is not None:
                atom = self.declare(scope, self.source.text(name_node))
                self.unify([atom, ret])
                self.local_fns[atom] = f"@{node.start_byte}"
        elif kind in ("class_declaration", "abstract_class_declaration"):
            atoms = self.class_(scope, node, depth + 1)
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                self.unify([self.declare(scope, self.source.text(name_node)), *atoms])
        elif kind == "enum_declaration":
            # inside the enum, its members are in scope by their bare names
            inner = self.new_scope(scope, scope.fn)
            body = node.child_by_field_name("body")
            members = body.named_children if body is not None else []
            for member in members:
                name_node = member.child_by_field_name("name") or member
                self.declare(inner, self.source.text(name_node))
            for member in members:
                value = member.child_by_field_name("value")
                if value is not None:
                    self.expression(inner, value, depth + 1)
        elif kind == "for_in_statement":
            inner = self.new_scope(scope, scope.fn)
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            atoms = (
                self.expression(scope, right, depth + 1) if right is not None else []
            )
            operator = node.child_by_field_name("operator")
            if operator is not None and self.source.text(operator) == "in":
                atoms = []  # for-in gives keys
            else:
                atoms = self.held_by(atoms)  # for-of gives what the iterable holds
            if left is not None:
                if node.child_by_field_name("kind") is not None:
                    for name in self.pattern_names(left):
                        self.declare(inner, name)
                self.bind_pattern(inner, left, atoms, depth + 1, assign=True)
            body = node.child_by_field_name("body")
            if body is not None:
                self.statement(inner, body, depth + 1)
        elif kind == "for_statement":
            inner = self.new_scope(scope, scope.fn)
            first = node.child_by_field_name("initializer")
            if first is not None:
                self.declare_block(inner, [first])
            for child in node.named_children:
                if child.type.endswith("statement") or child.type in (
                    "lexical_declaration",
                    "variable_declaration",
                    "statement_block",
                ):
                    self.statement(inner, child, depth + 1)
                else:
                    self.expression(inner, child, depth + 1)
        elif kind == "catch_clause":
            inner = self.new_scope(scope, scope.fn)
            param = node.child_by_field_name("parameter")
            if param is not None:
                for name in self.pattern_names(param):
                    self.declare(inner, name)
            body = node.child_by_field_name("body")
            if body is not None:
                self.block(inner, body, depth + 1)
        elif kind == "with_statement":
            self.set_hazard(node, "a with statement makes every name ambiguous")
            for child in node.named_children:
                self.statement(scope, child, depth + 1)
        elif kind == "return_statement":
            atoms = [
                a
                for child in node.named_children
                for a in self.expression(scope, child, depth + 1)
            ]
            if scope.fn is not None:
                self.unify([f"r:{scope.fn}", *atoms])
        elif kind in ("expression_statement", "throw_statement"):
            for child in node.named_children:
                self.expression(scope, child, depth + 1)
        elif kind == "labeled_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                self.statement(scope, body, depth + 1)
        elif kind in ("break_statement", "continue_statement", "debugger_statement"):
            return
        else:
            # if, while, do, switch, try and their clauses: walk each part in place
            for child in node.named_children:
                if child.type in ("parenthesized_expression",) or not (
                    child.type.endswith(("statement", "clause", "block", "case"))
                    or child.type in ("else_clause", "switch_body", "switch_default")
                ):
                    self.expression(scope, child, depth + 1)
                else:
                    self.statement(scope, child, depth + 1)

    def bind_pattern(
        self,
        scope: _Scope,
        pattern: Node,
        atoms: list[str],
        depth: int,
        *,
        assign: bool = False,
    ) -> None:
        """Bind (or, with ``assign``, assign) the names of a pattern to the parts of the
        value ``atoms`` stands for: ``{a} = X`` makes ``a`` what X holds."""
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            name = self.source.text(pattern)
            atom = self.resolve(scope, name)
            if atom is None:
                atom = self.declare(scope, name)
            self.unify([atom, *atoms])
        elif kind in ("object_pattern", "array_pattern"):
            parts = self.held_by(atoms)
            for child in pattern.named_children:
                if child.type == "rest_pattern":  # a new object with the other parts
                    for inner in child.named_children:
                        self.bind_pattern(
                            scope, inner, self.holder(parts), depth + 1, assign=assign
                        )
                else:
                    self.bind_pattern(scope, child, parts, depth + 1, assign=assign)
        elif kind == "rest_pattern":
            for child in pattern.named_children:
                self.bind_pattern(scope, child, atoms, depth + 1, assign=assign)
        elif kind == "pair_pattern":
            key = pattern.child_by_field_name("key")
            if key is not None and key.type == "computed_property_name":
                self.expression(scope, key.named_children[0], depth + 1)
            value = pattern.child_by_field_name("value")
            if value is not None:
                self.bind_pattern(scope, value, atoms, depth + 1, assign=assign)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = pattern.child_by_field_name("left")
            right = pattern.child_by_field_name("right")
            extra = (
                self.expression(scope, right, depth + 1) if right is not None else []
            )
            if left is not None:
                self.bind_pattern(
                    scope, left, [*atoms, *extra], depth + 1, assign=assign
                )
        elif kind in ("member_expression", "subscript_expression"):
            self.assign_target(scope, pattern, atoms, pattern, "assigns", depth + 1)
        elif kind in _TRANSPARENT or kind == "non_null_expression":
            self.bind_pattern(
                scope, pattern.named_children[0], atoms, depth + 1, assign=assign
            )

    # --- expressions ----------------------------------------------------------------------

    def expression(self, scope: _Scope, node: Node, depth: int) -> list[str]:
        """Walk an expression; returns the atoms of the value it evaluates to."""
        if depth > MAX_CODE_DEPTH:
            raise self.source.error(
                node, f"code nests deeper than {MAX_CODE_DEPTH} levels"
            )
        kind = node.type
        if kind in _INERT:
            return []
        if kind == "identifier":
            name = self.source.text(node)
            if name == "undefined" and self.resolve(scope, name) is None:
                return []
            return self.reference(scope, node, name)
        if kind == "shorthand_property_identifier":
            return self.reference(scope, node, self.source.text(node))
        if kind == "this":
            atom = self.resolve(scope, "this")
            if atom is None and scope.fn is not None:
                # A function written outside a class or literal gets `this` from how it
                # is called (`holder.m = f; holder.m()`): it may be any object, so a write
                # through it counts as a write to the objects every module shares.
                return ["g:globalThis"]
            return [atom] if atom is not None else []
        if kind in _TRANSPARENT or kind in ("non_null_expression", "type_assertion"):
            inner = node.named_children[-1 if kind == "type_assertion" else 0]
            return self.expression(scope, inner, depth + 1)
        if kind in ("member_expression", "subscript_expression"):
            return self.member(scope, node, depth)
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            atoms: list[str] = (
                self.expression(scope, right, depth + 1) if right is not None else []
            )
            if left is not None:
                verb = "assigns" if kind == "assignment_expression" else "updates"
                if left.type in ("object_pattern", "array_pattern"):
                    self.bind_pattern(scope, left, atoms, depth + 1, assign=True)
                else:
                    self.assign_target(scope, left, atoms, node, verb, depth + 1)
            return atoms
        if kind == "update_expression":
            argument = node.child_by_field_name("argument")
            if argument is not None:
                self.assign_target(scope, argument, [], node, "updates", depth + 1)
            return []
        if kind == "unary_expression":
            operator = node.child_by_field_name("operator")
            argument = node.child_by_field_name("argument")
            if argument is None or operator is None:
                return []
            op = self.source.text(operator)
            if op == "delete":
                inner = _unwrap(argument)
                if inner.type in ("member_expression", "subscript_expression"):
                    target = self.member_object(scope, inner, depth + 1)
                    self.write(target, node, f"deletes {self.source.snippet(inner)}")
                else:
                    self.expression(scope, argument, depth + 1)
                return []
            if op == "typeof" and _unwrap(argument).type == "identifier":
                name = self.source.text(_unwrap(argument))
                if self.resolve(scope, name) is None:
                    return []  # typeof of an undeclared name does not throw
            self.expression(scope, argument, depth + 1)
            return []
        if kind == "call_expression":
            return self.call(scope, node, depth)
        if kind == "new_expression":
            return self.new(scope, node, depth)
        if kind in _FUNCTIONS:
            return [self.function(scope, node, None, depth + 1)]
        if kind in ("class", "class_declaration"):
            return self.class_(scope, node, depth + 1)
        if kind in ("object", "array"):
            return self.literal(scope, node, depth)
        if kind == "ternary_expression":
            condition = node.child_by_field_name("condition")
            if condition is not None:
                self.expression(scope, condition, depth + 1)
            return [
                atom
                for field_name in ("consequence", "alternative")
                if (part := node.child_by_field_name(field_name)) is not None
                for atom in self.expression(scope, part, depth + 1)
            ]
        if kind == "binary_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            operator = node.child_by_field_name("operator")
            op = self.source.text(operator) if operator is not None else ""
            sides = [
                atom
                for side in (left, right)
                if side is not None
                for atom in self.expression(scope, side, depth + 1)
            ]
            # only these can give back one of their operands (an object)
            return sides if op in ("&&", "||", "??") else []
        if kind == "template_string":
            for child in node.named_children:
                if child.type == "template_substitution":
                    for inner in child.named_children:
                        self.expression(scope, inner, depth + 1)
            return []
        if kind == "import":
            return []
        if kind in ("internal_module", "module"):  # a namespace's body runs at load
            self.statement(scope, node, depth + 1)
            return []
        # arrays, spreads, sequences, await, yield, ...: the value may be any of the parts
        atoms = []
        for child in node.named_children:
            if child.type not in _TYPE_ONLY:
                atoms += self.expression(scope, child, depth + 1)
        if kind in ("await_expression", "yield_expression", "spread_element"):
            return [self.unify(atoms)] if atoms else []
        if kind == "sequence_expression" and atoms:
            return atoms[-1:]
        return atoms

    def literal(self, scope: _Scope, node: Node, depth: int) -> list[str]:
        """An object or array literal: a new object holding its values and the parts of
        what it spreads (a shallow copy). A function in it sees the object as ``this``
        when called as its method (``O.m()``, ``A[0]()``); then it is not fresh either."""
        atom = self.fresh()
        if is_plain_object(self.source, node):
            self._fresh.add(atom)  # holds nothing, runs nothing: as walked, faster
            return [atom]
        inner = self.new_scope(scope, scope.fn)
        inner.names["this"] = atom
        parts: list[str] = []
        methods = False
        for member in node.named_children:
            value: Node | None = member
            kind = member.type
            if kind == "pair" or kind == "method_definition":
                key = member.child_by_field_name("key" if kind == "pair" else "name")
                if key is not None and key.type == "computed_property_name":
                    self.expression(scope, key.named_children[0], depth + 1)
                value = member.child_by_field_name("value")
            if kind == "method_definition":
                methods = True
                parts.append(self.function(inner, member, None, depth + 1))
            elif kind == "spread_element":  # a shallow copy of its parts
                spread = member.named_children[0]
                parts += self.held_by(self.expression(scope, spread, depth + 1))
            elif value is not None and value.type not in _INERT:
                method = _unwrap(value).type in _METHODS
                methods = methods or method
                parts += self.expression(inner if method else scope, value, depth + 1)
        return self.holder(parts, fresh=not methods, atom=atom)

    def member(self, scope: _Scope, node: Node, depth: int) -> list[str]:
        """``X.part`` and ``X[i]``: what X holds."""
        atoms = self.member_object(scope, node, depth)
        if len(atoms) == 1 and atoms[0].startswith("t:") and "." in atoms[0]:
            return atoms  # NS.NAME of a namespace import is the export itself
        if atoms and all(a.startswith("g:") for a in atoms):
            # Array.prototype and globalThis.x stand for the built-in itself (a write
            # there changes every module); Number.MAX_VALUE is a number
            key = self.static_key(node)
            if key == "eval":  # globalThis.eval(...)
                self.set_hazard(node, "eval runs code that cannot be read")
            if key == "prototype" or any(
                a in ("g:globalThis", "g:global") for a in atoms
            ):
                return atoms
            return []
        return self.held_by(atoms)

    def member_object(self, scope: _Scope, node: Node, depth: int) -> list[str]:
        """The atoms of the object a write to the member ``node`` changes."""
        namespace = self.namespace_member(scope, node)
        if namespace is not None:
            return [namespace]
        obj = node.child_by_field_name("object")
        if node.type == "subscript_expression":
            index = node.child_by_field_name("index")
            if index is not None:
                self.expression(scope, index, depth + 1)
        return self.expression(scope, obj, depth + 1) if obj is not None else []

    def namespace_member(self, scope: _Scope, node: Node) -> str | None:
        """``t:NS.NAME`` for ``NS.NAME`` (or ``NS['NAME']``) of a namespace import."""
        obj = node.child_by_field_name("object")
        if obj is None or obj.type != "identifier":
            return None
        name = self.source.text(obj)
        if (
            self.kinds.get(name) != "namespace"
            or self.resolve(scope, name) != f"t:{name}"
        ):
            return None
        key = self.static_key(node)
        if key is None:
            return None
        self.reference(scope, obj, name)
        return f"t:{name}.{key}"

    def static_key(self, node: Node) -> str | None:
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.source.text(prop) if prop is not None else None
        index = node.child_by_field_name("index")
        if index is not None and index.type == "string":
            text = self.source.text(index)
            return text[1:-1] if "\\" not in text else None
        return None

    def assign_target(
        self,
        scope: _Scope,
        target: Node,
        atoms: list[str],
        where: Node,
        verb: str,
        depth: int,
    ) -> None:
        inner = _unwrap(target)
        if inner.type in ("member_expression", "subscript_expression"):
            changed = self.member_object(scope, inner, depth)
            self.write(changed, where, f"{verb} {self.source.snippet(inner)}")
            if changed and atoms:  # what is stored becomes a part of it
                self.unify([*self.held_by(changed), *atoms])
        elif inner.type == "identifier":
            name = self.source.text(inner)
            atom = self.resolve(scope, name)
            if atom is None:
                self.reference(
                    scope, inner, name
                )  # assigning an undeclared name throws
                return
            if atom.startswith("t:") and self.kinds.get(name) not in ("let", "var"):
                # a const or an import: assigning it throws a TypeError
                self.write([atom], where, f"{verb} {name}")
                if self._code.throws is None:
                    self._code.throws = self.place(
                        where, f"{verb} the constant {name}, which throws a TypeError"
                    )
            self.unify([atom, *atoms])
        else:
            self.expression(scope, target, depth)

    # --- calls ----------------------------------------------------------------------------

    def arguments(
        self, scope: _Scope, node: Node | None, depth: int
    ) -> list[list[str]]:
        if node is None:
            return []
        if node.type == "template_string":  # a tag gets the strings, then substitutions
            return [[]] + [
                self.expression(scope, inner, depth + 1)
                for part in node.named_children
                if part.type == "template_substitution"
                for inner in part.named_children
            ]
        return [
            [self.function(scope, _unwrap(arg), None, depth + 1, runs_now=True)]
            if _unwrap(arg).type in _FUNCTIONS
            else self.expression(scope, arg, depth + 1)
            for arg in node.named_children
            if arg.type != "comment"
        ]

    def callee_name(self, scope: _Scope, callee: Node) -> tuple[str, str] | None:
        """(``kind``, dotted name) of a callee that names something: ``local``/``import``
        (a top-level binding of this file, or a member of a namespace import), ``global``
        (a built-in, e.g. ``Object.keys``), or ``other``."""
        parts: list[str] = []
        node = _unwrap(callee)
        while node.type == "member_expression":
            prop = node.child_by_field_name("property")
            obj = node.child_by_field_name("object")
            if prop is None or obj is None or prop.type != "property_identifier":
                return None
            parts.append(self.source.text(prop))
            node = _unwrap(obj)
        if node.type != "identifier":
            return None
        name = self.source.text(node)
        parts.append(name)
        dotted = ".".join(reversed(parts))
        atom = self.resolve(scope, name)
        if atom is None:
            return ("global", dotted) if name in KNOWN_GLOBALS else ("other", dotted)
        if atom.startswith("t:"):
            kind = self.kinds.get(name)
            if kind in ("import", "namespace"):
                return "import", dotted
            return "local", dotted
        return "other", dotted

    def call(self, scope: _Scope, node: Node, depth: int) -> list[str]:
        callee = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        if callee is None:
            return []
        if callee.type == "import":  # import('...'): _dynamic_requests reads it
            self.arguments(scope, args_node, depth)
            return []
        named = self.callee_name(scope, callee)
        inner = _unwrap(callee)
        if named is not None and named[0] == "global":
            last = named[1].rsplit(".", 1)[-1]
            if last in ("eval", "Function"):  # eval(...), globalThis.eval(...)
                self.set_hazard(node, f"{named[1]}() runs code that cannot be read")
            if named[1] == "require":
                self.arguments(scope, args_node, depth)
                return []
        if inner.type in _FUNCTIONS:  # an immediately invoked function
            ret = self.function(scope, inner, None, depth + 1, runs_now=True)
            args = self.arguments(scope, args_node, depth)
            for param, atoms in zip(
                self.fn_params.get(f"@{inner.start_byte}", []), args, strict=False
            ):
                self.unify([param, *atoms])
            return [ret]
        if inner.type == "identifier":
            atom = self.resolve(scope, self.source.text(inner))
            key = self.local_fns.get(atom) if atom is not None else None
            if key is None and named is not None and named[0] == "local":
                if self.kinds.get(named[1]) == "function":
                    key = named[1]
                    self._code.calls.append((key, self.place(node, key)))
            if key is not None:  # a function this file declares
                self.expression(scope, inner, depth + 1)
                args = self.arguments(scope, args_node, depth)
                params = self.fn_params.get(key, [])
                for index, atoms in enumerate(args):
                    if index < len(params):
                        self.unify([params[index], *atoms])
                    elif atoms:  # reached through `arguments` or a rest parameter
                        self.unify([f"p:{key}:{index}", *atoms])
                return [f"r:{key}"]
        if named is not None and named[0] == "import":
            root, _, rest = named[1].partition(".")
            if (
                not rest
                or (self.kinds.get(root) == "namespace" and "." not in rest)
                or (
                    rest.rsplit(".", 1)[-1] not in MUTATING_METHODS
                    and rest.rsplit(".", 1)[-1] not in _READING_METHODS
                )
            ):
                return self.call_imported(scope, callee, named[1], args_node, depth)
        if named is not None and named[0] == "global":
            return self.call_builtin(scope, named[1], node, args_node, depth)
        if inner.type == "member_expression":
            obj = inner.child_by_field_name("object")
            prop = inner.child_by_field_name("property")
            receiver = self.expression(scope, obj, depth + 1) if obj is not None else []
            method = self.source.text(prop) if prop is not None else ""
            return self.method_call(scope, node, inner, receiver, method, depth)
        # any other callee (a parameter, a value read from an object, a call's result)
        # (a function value stands for what it returns; the arguments are written)
        callee_atoms = self.expression(scope, callee, depth + 1)
        args = self.arguments(scope, args_node, depth)
        self.write_arguments(args, args_node, callee)
        return callee_atoms

    def method_call(
        self,
        scope: _Scope,
        node: Node,
        callee: Node,
        receiver: list[str],
        method: str,
        depth: int,
    ) -> list[str]:
        """``R.method(...)``: the built-in methods by name; any other method is a callee
        that may change its arguments (not its receiver: plain data has no methods of its
        own, so a method that changes it is one of the built-ins named here)."""
        args_node = node.child_by_field_name("arguments")
        args = self.arguments(scope, args_node, depth)
        element = self.held_by(receiver)
        if method in _COMPARATOR_METHODS:  # the comparator sees two parts at a time
            self.callback(scope, args_node, 0, {0: element, 1: element})
            args = []
        flat = [a for arg in args for a in arg]
        if method in MUTATING_METHODS:
            self.write(receiver, node, f"calls {self.source.snippet(callee)}")
            if flat and receiver:
                self.unify([*element, *flat])  # what is pushed, set or added is held
            return element if method in ("pop", "shift", "splice") else receiver
        if method in _READING_METHODS and method not in _CALLBACK_METHODS:
            if method in _COPYING_METHODS:
                extra = [a for arg in args for a in self.held_by(arg)]
                return self.holder([*element, *extra])
            return element if method in _ELEMENT_METHODS else []
        if method in _READING_METHODS:
            if method in ("reduce", "reduceRight"):
                acc = args[1] if len(args) > 1 else element
                ret = self.callback(
                    scope, args_node, 0, {0: acc, 1: element, 3: receiver}
                )
                return [self.unify([*acc, *ret])]
            ret = self.callback(scope, args_node, 0, {0: element, 2: receiver})
            if method in ("map", "flatMap"):
                return self.holder(ret)
            if method == "filter":
                return self.holder(element)
            return element if method in _ELEMENT_METHODS else []
        self.write_arguments(args, args_node, callee)
        return element  # a method is a part of its receiver; it returns what it holds

    def call_imported(
        self,
        scope: _Scope,
        callee: Node,
        dotted: str,
        args_node: Node | None,
        depth: int,
    ) -> list[str]:
        """A callee imported from another file: graph.py links argument ``I`` of
        ``c:CALLEE:I`` to the function's parameters, or writes it when the callee is not
        a function of the graph (a package outside it, for example) nor trusted."""
        self.expression(scope, callee, depth + 1)
        args = self.arguments(scope, args_node, depth)
        self._code.calls.append((dotted, self.place(callee, dotted)))
        nodes = _argument_nodes(args_node)
        for index, atoms in enumerate(args):
            atom = f"c:{dotted}:{index}"
            self.unify([atom, *atoms])
            if atoms and atom not in self.passed and index < len(nodes):
                arg = nodes[index]
                self.passed[atom] = (
                    dotted,
                    self.place(
                        arg,
                        f"passes {self.source.snippet(arg)} to {dotted}, which could "
                        "change it",
                    ),
                )
        return [f"x:{dotted}"]

    def call_builtin(
        self,
        scope: _Scope,
        dotted: str,
        node: Node,
        args_node: Node | None,
        depth: int,
    ) -> list[str]:
        args = self.arguments(scope, args_node, depth)
        first = args[0] if args else []
        rest = [a for arg in args[1:] for a in self.held_by(arg)]
        if dotted in _WRITERS:
            nodes = _argument_nodes(args_node)
            target = self.source.snippet(nodes[0]) if nodes else "its argument"
            self.write(first, node, f"calls {dotted} on {target}")
            if first and rest:
                self.unify([*self.held_by(first), *rest])
            return first
        if _reads_only(dotted):
            data = [a for arg in args for a in self.held_by(arg)]
            if dotted == "JSON.stringify":  # a replacer sees the value itself first
                data += first
            if dotted in ("Array.from", "JSON.stringify"):
                self.callback(scope, args_node, 1, dict.fromkeys(range(3), data))
            return self.read_result(dotted, args)
        self.write_arguments(args, args_node, node)
        return []

    def read_result(self, dotted: str, args: list[list[str]]) -> list[str]:
        """What a built-in that leaves its arguments alone (:func:`_reads_only`) returns:
        nothing they hold, or a new object holding their parts."""
        first = args[0] if args else []
        if dotted == "Object.freeze":
            return first
        if dotted == "Object.entries":
            return self.holder(self.holder(self.held_by(first)))
        if dotted == "Object.fromEntries":
            return self.holder(self.held_by(self.held_by(first)))
        if dotted == "Array.of":
            return self.holder([a for arg in args for a in arg])
        return self.holder(self.held_by(first)) if _READERS.get(dotted) else []

    def new(self, scope: _Scope, node: Node, depth: int) -> list[str]:
        constructor = node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        named = (
            self.callee_name(scope, constructor) if constructor is not None else None
        )
        if named is not None and named[0] == "global" and named[1] == "Function":
            self.set_hazard(node, "new Function() runs code that cannot be read")
        if constructor is not None:
            self.expression(scope, constructor, depth + 1)
        args = self.arguments(scope, args_node, depth)
        first = args[0] if args else []
        if named is not None and named[0] == "global":
            if named[1] in ("Map", "WeakMap"):  # from [key, value] entries
                return self.holder(self.held_by(self.held_by(first)))
            if named[1] in ("Set", "WeakSet", "Array"):
                return self.holder(self.held_by(first))
            if named[1] in ("Date", "Error", "RegExp", "URL", "String", "Number"):
                return []
        self.write_arguments(args, args_node, constructor or node)
        return []  # a new object; what it may hold of its arguments is written already

    def write_arguments(
        self, args: list[list[str]], args_node: Node | None, callee: Node
    ) -> None:
        """Arguments passed to a callee not known to leave them alone: it may change
        anything they reach."""
        nodes = (
            [
                args_node,
                *(
                    inner
                    for part in args_node.named_children
                    if part.type == "template_substitution"
                    for inner in part.named_children
                ),
            ]
            if args_node is not None and args_node.type == "template_string"
            else _argument_nodes(args_node)
        )
        for atoms, arg in zip(args, nodes, strict=False):
            if atoms:
                self.write(
                    atoms,
                    arg,
                    f"passes {self.source.snippet(arg)} to "
                    f"{self.source.snippet(callee)}, which could change it",
                    deep=True,
                )

    def callback(
        self,
        scope: _Scope,
        args_node: Node | None,
        position: int,
        params: dict[int, list[str]],
    ) -> list[str]:
        """A function passed at ``position`` (to a built-in) receives ``params``;
        returns the atoms of what it returns."""
        nodes = _argument_nodes(args_node)
        if position >= len(nodes):
            return []
        arg = _unwrap(nodes[position])
        key: str | None = None
        if arg.type in _FUNCTIONS:
            key = f"@{arg.start_byte}"
        elif arg.type == "identifier":
            name = self.source.text(arg)
            atom = self.resolve(scope, name)
            if atom is not None:
                key = self.local_fns.get(atom)
                if key is None and atom == f"t:{name}":
                    kind = self.kinds.get(name)
                    if kind == "function":
                        key = name
                    elif kind in ("import", "namespace"):
                        self._code.calls.append((name, self.place(arg, name)))
                        for index, atoms in params.items():
                            if atoms:
                                self.unify([f"c:{name}:{index}", *atoms])
                        return [f"x:{name}"]
                if key is not None:
                    self._code.calls.append((key, self.place(arg, key)))
        if key is None and arg.type in ("identifier", "member_expression"):
            named = self.callee_name(scope, arg)
            if named is not None and named[0] == "global" and _reads_only(named[1]):
                # a built-in such as Boolean or String: it reads what it receives
                count = max(params, default=-1) + 1
                return self.read_result(
                    named[1], [params.get(index, []) for index in range(count)]
                )
        if key is None:  # some other function value: it may change what it receives
            given = [a for atoms in params.values() for a in atoms]
            if given:
                self.write(
                    given,
                    arg,
                    f"passes elements to {self.source.snippet(arg)}, which could "
                    "change them",
                    deep=True,
                )
            return []
        declared = self.fn_params.get(key, [])
        for index, atoms in params.items():
            if atoms:
                param = declared[index] if index < len(declared) else f"p:{key}:{index}"
                self.unify([param, *atoms])
        return [f"r:{key}"]

    # --- the summary ----------------------------------------------------------------------

    def summary(self, requests: tuple[Request, ...]) -> FileEffects:
        """Number the classes other files can reach (through outside-visible atoms and
        what they hold) and keep their first writes."""
        numbers: dict[str, int] = {}
        classes: dict[str, int] = {}
        builtins: dict[str, str] = {}  # class root -> a built-in global in it
        pending: list[str] = []
        for atom in list(self.classes.parent):
            if atom[:2] in ("t:", "p:", "r:", "c:", "x:", "g:") and atom[2] != "@":
                root = self.find(atom)
                if root not in numbers:
                    numbers[root] = len(numbers)
                    pending.append(root)
                classes[atom] = numbers[root]
                if atom.startswith("g:") and atom[2:] in _BUILTIN_OBJECTS:
                    builtins[root] = atom[2:]
        held: dict[int, int] = {}
        while pending:
            root = pending.pop()
            inner_root = self.classes.held_by(root)
            if inner_root is None:
                continue
            if inner_root not in numbers:
                numbers[inner_root] = len(numbers)
                pending.append(inner_root)
            held[numbers[root]] = numbers[inner_root]
        writes: dict[int, tuple[Place, bool]] = {}
        for atom, place, deep in self.writes:
            root = self.find(atom)
            if root in builtins:
                self.set_hazard_at(
                    place, f"{place.message}, a built-in every module shares"
                )
            number = numbers.get(root)
            if number is None:
                continue
            first = writes.get(number)
            if (
                first is None
                or place.offset < first[0].offset
                or (deep and not first[1])
            ):
                writes[number] = (place, deep or (first is not None and first[1]))
        return FileEffects(
            classes=classes,
            held=held,
            writes=writes,
            passed=self.passed,
            reads={name: tuple(sorted(names)) for name, names in self.reads.items()},
            initialized_at=self.initialized_at,
            kinds=self.kinds,
            load=self.load.freeze(),
            functions={name: code.freeze() for name, code in self.functions.items()},
            hazard=self.hazard,
            requests=requests,
        )


def _reads_only(dotted: str) -> bool:
    """Whether the built-in callee ``dotted`` leaves its arguments unmodified."""
    return dotted in _READERS or dotted.startswith(("console.", "Math."))


def _argument_nodes(args_node: Node | None) -> list[Node]:
    if args_node is None or args_node.type != "arguments":
        return []
    return [n for n in args_node.named_children if n.type != "comment"]


def _unwrap(node: Node) -> Node:
    while node.type in _TRANSPARENT or node.type in (
        "non_null_expression",
        "type_assertion",
    ):
        node = node.named_children[-1 if node.type == "type_assertion" else 0]
    return node


def _requests(walker: _Walker) -> tuple[Request, ...]:
    """The modules this file makes Node load, in source order, as TypeScript emits it:
    ``import type`` and imports whose bindings are never read as values are erased."""
    source = walker.source
    found: list[Request] = []
    for statement in source.tree.root_node.named_children:
        kind = statement.type
        if kind not in ("import_statement", "export_statement"):
            continue
        spec_node = statement.child_by_field_name("source")
        if spec_node is None:
            continue
        if any(c.type == "type" for c in statement.children):
            continue  # import type / export type
        specifier = decode_string(source, spec_node)
        clause = next(
            (c for c in statement.named_children if c.type == "import_clause"), None
        )
        if kind == "import_statement" and clause is not None:
            names = [
                name
                for name, binding in source.imports.items()
                if binding.specifier_node.start_byte == spec_node.start_byte
            ]
            if not any(name in walker.used for name in names):
                continue
        found.append(
            Request(specifier, walker.place(spec_node, specifier), evaluated=True)
        )
    found += _dynamic_requests(walker)
    return tuple(found)


def _dynamic_requests(walker: _Walker) -> list[Request]:
    """``import('./x')`` and ``require('./x')`` with a literal name: the module joins the
    graph (it runs at some point) but not the evaluation order. A computed name is a
    hazard: any module could run."""
    source = walker.source
    if b"import(" not in source.data and b"require(" not in source.data:
        return []
    found = []
    stack = [source.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if (
                callee is not None
                and (callee.type == "import" or source.text(callee) == "require")
                and args is not None
            ):
                first = args.named_children[0] if args.named_children else None
                if first is not None and first.type == "string":
                    specifier = decode_string(source, first)
                    found.append(
                        Request(specifier, walker.place(first, specifier), False)
                    )
                else:
                    walker.set_hazard(
                        node, f"{source.snippet(node)} loads a module it computes"
                    )
        stack.extend(reversed(node.named_children))
    return found


_CACHE: dict[tuple[str, bytes], FileEffects] = {}


def file_effects(source: SourceFile) -> FileEffects:
    """The summary of one file, computed once per content (and path, for its messages)."""
    key = (source.shown, source.data)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    walker = _Walker(source)
    try:
        walker.module()
    except RecursionError:
        raise InputError(
            "code nests too deeply to analyse", path=source.shown
        ) from None
    effects = walker.summary(_requests(walker))
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = effects
    return effects
