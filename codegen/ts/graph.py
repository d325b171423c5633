"""The module graph Node evaluates, and the proof that a mirrored value is a constant in it.

The graph is the entry file and every file its imports reach (``import``, ``export ... from``,
side-effect imports, re-exports, ``import('./literal')``), transitively, including files from
which no value is read. Packages outside the source tree (``zod``) are opaque: code there can
only reach a value that is passed to it. :func:`prove_constant` refuses a value when

- code anywhere in the graph may write to it, or to anything it is built from
  (:mod:`tsmirror.ts.effects` finds the writes in each file; here the alias classes of all
  files are joined through imports, re-exports and calls of imported functions);
- the graph would throw while loading: a name declared nowhere, or a binding read before
  its initialization, following ES module evaluation order (depth first, post-order);
- the graph holds something that can change any value (``eval``, ``with``, a write to a
  built-in such as ``Object.prototype``).

Everything else (calls, ``new``, statements that cannot reach the value) blocks nothing.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from tree_sitter import Node

from tsmirror.errors import InputError, Location
from tsmirror.ts.effects import AliasClasses, FileEffects, Place, file_effects
from tsmirror.ts.program import Binding, Program
from tsmirror.ts.source import Declaration, SourceFile

#: Bindings that cannot be read before their declaration runs: uninitialized (const, let,
#: class, a default export), or, for an enum (compiled to a ``var``), undefined, so that
#: reading a member throws. Functions are hoisted.
_LEXICAL = frozenset({"const", "let", "class", "default", "enum"})


class _Blocker(NamedTuple):
    """A place that blocks a proof: the file it is in and what happens there."""

    file: SourceFile
    place: Place

    def error(self, subject: str) -> InputError:
        return InputError(
            f"{self.place.message}, so {subject} is not a constant",
            Location(self.file.shown, self.place.line, self.place.col),
        )


class ModuleGraph:
    """The graph reachable from ``entry``; built once per program and entry."""

    def __init__(
        self, program: Program, entry: SourceFile, trusted: Sequence[str] = ()
    ) -> None:
        self.program = program
        self.entry = entry
        self.trusted = tuple(trusted)
        self.files: list[SourceFile] = []
        self.effects: dict[Path, FileEffects] = {}
        self.order: dict[Path, int] = {}  # evaluation order of statically loaded files
        self._edges: dict[Path, list[SourceFile]] = {}
        self._classes = AliasClasses[tuple[Path, int]]()
        self._written: dict[tuple[Path, int], _Blocker] = {}
        self._load()
        self._evaluation_order()
        self._join()
        self.blocker = self._hazard() or self._throw()

    # --- loading --------------------------------------------------------------------------

    def _load(self) -> None:
        seen = {self.entry.path}
        stack = [self.entry]
        while stack:
            file = stack.pop()
            self.files.append(file)
            effects = file_effects(file)
            self.effects[file.path] = effects
            edges: list[SourceFile] = []
            for request in effects.requests:
                target = self._request(file, request.specifier, request.place)
                if target is None:
                    continue
                if request.evaluated:
                    edges.append(target)
                if target.path not in seen:
                    seen.add(target.path)
                    stack.append(target)
            self._edges[file.path] = edges

    def _request(
        self, file: SourceFile, specifier: str, place: Place
    ) -> SourceFile | None:
        """The file a request loads; None for a package outside the source tree."""
        node = _node_at(file, place)
        bare = not specifier.startswith((".", "/"))
        try:
            path = self.program.resolve_specifier(file, specifier, node)
        except InputError:
            if bare:
                return None
            raise
        return self.program.load(path)

    def _evaluation_order(self) -> None:
        """ES module evaluation: each module's requests first, in order, then its body;
        a module already started (a cycle) is skipped. Iterative: chains can be long."""
        counter = 0
        started = {self.entry.path}
        stack: list[tuple[SourceFile, int]] = [(self.entry, 0)]
        while stack:
            file, index = stack.pop()
            edges = self._edges[file.path]
            if index < len(edges):
                stack.append((file, index + 1))
                target = edges[index]
                if target.path not in started:
                    started.add(target.path)
                    stack.append((target, 0))
                continue
            self.order[file.path] = counter
            counter += 1

    # --- aliases across files -------------------------------------------------------------

    def _class(self, file: SourceFile, atom: str) -> tuple[Path, int] | None:
        effects = self.effects.get(file.path)
        number = None if effects is None else effects.classes.get(atom)
        return None if number is None else (file.path, number)

    def _join(self) -> None:
        """Join each file's alias classes with the declarations they import, and the
        arguments of imported callees with those functions' parameters."""
        for file in self.files:
            for outer, inner in self.effects[file.path].held.items():
                self._classes.hold((file.path, outer), (file.path, inner))
        deep: list[tuple[tuple[Path, int], _Blocker]] = []
        for file in self.files:
            effects = self.effects[file.path]
            for atom, number in effects.classes.items():
                here = (file.path, number)
                self._classes.find(here)
                kind, _, rest = atom.partition(":")
                if kind == "t":
                    # a namespace object holds its module's exports; NS.NAME is one
                    whole = "." not in rest and file.imports.get(rest) is not None
                    binding = self._import(file, rest) if whole else None
                    holds = binding is not None and binding.namespace is not None
                    for target in self._resolve_name(file, rest):
                        self._link(here, target, "t", holds=holds)
                elif kind in ("c", "x"):
                    callee, _, index = (
                        rest.rpartition(":") if kind == "c" else (rest, "", "")
                    )
                    function = self._resolve_function(file, callee)
                    if function is None:
                        result = self._class(file, f"x:{callee}")
                        if kind == "c" and result is not None:
                            self._classes.hold(
                                result, here
                            )  # what it returns may hold it
                        if kind == "c" and not self._trusts(file, callee):
                            _, place = effects.passed.get(atom, (callee, None))
                            if place is not None:
                                deep.append((here, _Blocker(file, place)))
                        continue
                    target_file, name = function
                    target_atom = f"p:{name}:{index}" if kind == "c" else f"r:{name}"
                    there = self._class(target_file, target_atom)
                    if there is not None:
                        self._classes.union(here, there)
            for number, (place, is_deep) in effects.writes.items():
                blocker = _Blocker(file, place)
                if is_deep:
                    deep.append(((file.path, number), blocker))
                else:
                    self._mark((file.path, number), blocker)
        # every class is final now: move writes to roots, and deep writes down
        written, self._written = self._written, {}
        for key, blocker in written.items():
            self._mark(key, blocker)
        for key, blocker in deep:
            for reached in self._classes.reachable(key):
                self._mark(reached, blocker)

    def _mark(self, key: tuple[Path, int], blocker: _Blocker) -> None:
        root = self._classes.find(key)
        if root not in self._written:
            self._written[root] = blocker

    def _link(
        self, here: tuple[Path, int], target: Binding, prefix: str, *, holds: bool
    ) -> None:
        if target.declaration is None:
            return
        there = self._class(target.file, f"{prefix}:{target.declaration.name}")
        if there is None:
            return
        if holds:
            self._classes.hold(here, there)
        else:
            self._classes.union(here, there)

    def _resolve_name(self, file: SourceFile, dotted: str) -> list[Binding]:
        """What ``NAME`` or ``NS.MEMBER`` (a namespace import's member) denotes; every
        declaration of the module for a bare namespace; nothing for a local declaration
        or a package outside the tree."""
        name, _, member = dotted.partition(".")
        binding_node = file.imports.get(name)
        if binding_node is None:
            return []
        binding = self._import(file, name)
        if binding is None:
            return []
        if binding.namespace is None:
            return [binding]
        namespace = binding.namespace
        if namespace.path not in self.effects:
            return []
        if member:
            found = self._export(namespace, member)
            return [found] if found is not None else []
        return [
            found
            for export in self._export_names(namespace)
            if (found := self._export(namespace, export)) is not None
        ]

    def _import(self, file: SourceFile, name: str) -> Binding | None:
        imported = file.imports[name]
        try:
            return self.program.resolve_value(file, name, imported.node)
        except InputError:
            if imported.specifier.startswith((".", "/")):
                raise
            return None  # a package outside the source tree

    def _export(self, namespace: SourceFile, name: str) -> Binding | None:
        try:
            return self.program.resolve_export(namespace, name, None, "value")
        except InputError:
            return None

    def _export_names(self, file: SourceFile) -> list[str]:
        names: list[str] = []
        seen = set()
        stack = [file]
        while stack:
            current = stack.pop()
            if current.path in seen:
                continue
            seen.add(current.path)
            names += list(current.exports)
            for specifier, node in current.star_exports:
                try:
                    stack.append(
                        self.program.load(
                            self.program.resolve_specifier(current, specifier, node)
                        )
                    )
                except InputError:
                    continue
        return names

    def _resolve_function(
        self, file: SourceFile, callee: str
    ) -> tuple[SourceFile, str] | None:
        """The top-level function an imported callee (``f`` or ``NS.f``) denotes."""
        if callee.count(".") > 1:
            return None
        for binding in self._resolve_name(file, callee):
            decl = binding.declaration
            effects = self.effects.get(binding.file.path)
            if (
                decl is not None
                and effects is not None
                and effects.kinds.get(decl.name) == "function"
            ):
                return binding.file, decl.name
        return None

    def _trusts(self, file: SourceFile, callee: str) -> bool:
        """Whether the configuration trusts ``callee`` (as written, e.g. ``z.object``)
        not to change its arguments. Only a package outside the source tree is trusted:
        code inside it is read, not trusted."""
        root = callee.split(".")[0]
        return (
            any(fnmatch.fnmatchcase(callee, pattern) for pattern in self.trusted)
            and root in file.imports
            and self._import(file, root) is None
        )

    # --- what blocks every value ----------------------------------------------------------

    def _hazard(self) -> _Blocker | None:
        for file in self.files:
            hazard = self.effects[file.path].hazard
            if hazard is not None:
                return _Blocker(file, hazard)
        return None

    def _throw(self) -> _Blocker | None:
        """The first place where loading the graph throws: a name declared nowhere, or a
        binding read before it is initialized, in code that runs while the graph loads
        (module bodies, and the functions they call, transitively)."""
        for file in sorted(self.files, key=lambda f: self.order.get(f.path, 1 << 30)):
            if file.path not in self.order:
                continue  # loaded by import() only; it runs later, if ever
            blocker = self._throw_in(file)
            if blocker is not None:
                return blocker
        return None

    def _throw_in(self, running: SourceFile) -> _Blocker | None:
        effects = self.effects[running.path]
        if effects.load.throws is not None:
            return _Blocker(running, effects.load.throws)
        for name, place in effects.load.refs:
            blocker = self._uninitialized(running, running, name, place, place)
            if blocker is not None:
                return blocker
        # functions called while this module's body runs, from the earliest call on
        visited: set[tuple[Path, str]] = set()
        calls = sorted(effects.load.calls, key=lambda c: c[1].offset)
        for callee, at in calls:
            stack = [(running, callee)]
            while stack:
                file, name = stack.pop()
                target = self._function_code(file, name)
                if target is None:
                    continue
                owner, function = target
                if (owner.path, function) in visited:
                    continue
                visited.add((owner.path, function))
                code = self.effects[owner.path].functions[function]
                if code.throws is not None:
                    return _Blocker(owner, code.throws)
                for ref, place in code.refs:
                    blocker = self._uninitialized(running, owner, ref, place, at)
                    if blocker is not None:
                        return blocker
                stack.extend((owner, inner) for inner, _ in code.calls)
        return None

    def _function_code(
        self, file: SourceFile, name: str
    ) -> tuple[SourceFile, str] | None:
        if "." not in name and self.effects[file.path].kinds.get(name) == "function":
            return file, name
        return self._resolve_function(file, name)

    def _uninitialized(
        self,
        running: SourceFile,
        file: SourceFile,
        name: str,
        place: Place,
        at: Place,
    ) -> _Blocker | None:
        """A blocker when reading ``name`` (written in ``file`` at ``place``) while
        ``running``'s body is at ``at`` finds the binding not yet initialized."""
        effects = self.effects[file.path]
        if name in file.imports:
            bindings = self._resolve_name(file, name)
        else:
            decl = file.values.get(name)
            bindings = [Binding(file, decl)] if decl is not None else []
            if decl is None and effects.kinds.get(name) in _LEXICAL:
                # a destructured top-level name: no Declaration, same rule
                return self._before(running, file, name, effects, place, at)
        for binding in bindings:
            decl = binding.declaration
            if decl is None:
                continue
            owner = binding.file
            owner_effects = self.effects.get(owner.path)
            if owner_effects is None:
                continue
            if owner_effects.kinds.get(decl.name) not in _LEXICAL:
                continue
            if owner.path == running.path:
                blocker = self._before(
                    running, file, decl.name, owner_effects, place, at
                )
                if blocker is not None:
                    return blocker
            elif self.order.get(owner.path, -1) > self.order[running.path]:
                return _Blocker(
                    file,
                    place._replace(
                        message=f"reads {name} before {owner.display} has initialized "
                        f"it ({running.display} runs first, in ES module order), which "
                        "throws a ReferenceError",
                    ),
                )
        return None

    def _before(
        self,
        running: SourceFile,
        file: SourceFile,
        name: str,
        effects: FileEffects,
        place: Place,
        at: Place,
    ) -> _Blocker | None:
        ready = effects.initialized_at.get(name)
        if ready is None or at.offset >= ready or file.path != running.path:
            return None
        return _Blocker(
            file,
            place._replace(
                message=f"reads {name} before its declaration has run, which "
                + (
                    "finds it undefined"
                    if effects.kinds.get(name) == "enum"
                    else "throws a ReferenceError"
                ),
            ),
        )

    # --- the proof ------------------------------------------------------------------------

    def prove(self, file: SourceFile, decl: Declaration) -> None:
        """Raise an :class:`InputError` at the place that blocks ``decl`` from being a
        constant of the graph; return when nothing does."""
        subject = f"{decl.name} ({_where(file, decl)})"
        if self.blocker is not None:
            raise self.blocker.error(subject)
        for owner, name in self._dependencies(file, decl.name):
            key = self._class(owner, f"t:{name}")
            if key is None:
                continue
            chain, loop = self._classes.chain(key)
            written = [
                (depth, blocker)
                for depth, reached in enumerate(chain)
                if (blocker := self._written.get(reached)) is not None
            ]
            if not written:
                continue  # nothing writes there: where the value has objects is moot
            # read from the initializer only now: at 20,000 entries that is a whole walk
            depths = self._object_depths(owner, name)
            for depth, blocker in written:
                if _has_objects(depths, depth, loop):
                    raise blocker.error(subject)
                # else a write there changes no object of this value

    # --- where a value has objects --------------------------------------------------------

    def _object_depths(
        self,
        file: SourceFile,
        name: str,
        seen: frozenset[tuple[Path, str]] = frozenset(),
    ) -> frozenset[int] | None:
        """The depths at which the value of top-level ``name`` holds objects or arrays (0:
        it is one), read from its initializer; None when that is not known. Primitives
        cannot be changed, so a write to a class that only holds the value's primitives
        (``new Error(CODES.x.message)``) changes nothing of it."""
        if (file.path, name) in seen or len(seen) > 64:
            return None
        decl = file.values.get(name)
        if decl is None:
            imported = file.imports.get(name)
            if imported is None:
                return None
            binding = self._import(file, name)
            if binding is None or binding.declaration is None:
                return None
            file, decl = binding.file, binding.declaration
        if decl.kind == "enum":
            return frozenset({0})  # an object of strings and numbers
        if decl.kind not in ("const", "default"):
            return None
        node = (
            decl.node
            if decl.kind == "default"
            else decl.node.child_by_field_name("value")
        )
        if node is None:
            return None
        return self._depths(file, node, seen | {(file.path, decl.name)}, 0)

    def _depths(
        self,
        file: SourceFile,
        node: Node,
        seen: frozenset[tuple[Path, str]],
        level: int,
    ) -> frozenset[int] | None:
        if level > 200:
            return None
        kind = node.type
        if kind in _PRIMITIVE_NODES or (
            kind == "binary_expression"
            and file.text(node.child_by_field_name("operator") or node)
            not in ("&&", "||", "??")
        ):
            return frozenset()
        if kind in _WRAPPER_NODES:
            wrapped = node.named_children[-1 if kind == "type_assertion" else 0]
            return self._depths(file, wrapped, seen, level + 1)
        if kind in ("object", "array"):
            found = {0}
            for part in node.named_children:
                if part.type == "comment":
                    continue
                if part.type == "pair":
                    value = part.child_by_field_name("value")
                    inner = (
                        None
                        if value is None
                        else self._depths(file, value, seen, level + 1)
                    )
                    shift = 1
                elif (
                    part.type == "spread_element"
                ):  # the parts, not the object, are copied
                    inner = self._depths(file, part.named_children[0], seen, level + 1)
                    shift = 0
                elif part.type == "shorthand_property_identifier":
                    inner = self._object_depths(file, file.text(part), seen)
                    shift = 1
                else:
                    inner = self._depths(file, part, seen, level + 1)
                    shift = 1
                if inner is None:
                    return None
                found |= {d + shift for d in inner if d + shift > 0}
            return frozenset(found)
        if kind == "identifier":
            return self._object_depths(file, file.text(node), seen)
        if kind in ("member_expression", "subscript_expression"):
            obj = node.child_by_field_name("object")
            if obj is None:
                return None
            if (
                obj.type == "identifier"
                and file.imports.get(file.text(obj)) is not None
            ):
                binding = self._import(file, file.text(obj))
                if binding is not None and binding.namespace is not None:
                    return None  # a namespace's member: not followed
            held = self._depths(file, obj, seen, level + 1)
            return None if held is None else frozenset(d - 1 for d in held if d > 0)
        return None  # a call, a conditional, ...: not known

    def _dependencies(
        self, file: SourceFile, name: str
    ) -> list[tuple[SourceFile, str]]:
        """``name`` and every top-level binding its initializer reads, transitively."""
        found: list[tuple[SourceFile, str]] = []
        seen: set[tuple[Path, str]] = set()
        stack = [(file, name)]
        while stack:
            current, current_name = stack.pop()
            if (current.path, current_name) in seen:
                continue
            seen.add((current.path, current_name))
            found.append((current, current_name))
            effects = self.effects.get(current.path)
            if effects is None:
                continue
            if current_name in current.imports:
                for binding in self._resolve_name(current, current_name):
                    if binding.declaration is not None:
                        stack.append((binding.file, binding.declaration.name))
                continue
            stack.extend(
                (current, read) for read in effects.reads.get(current_name, ())
            )
        return found


_PRIMITIVE_NODES = frozenset(
    {"string", "template_string", "number", "true", "false", "null", "undefined"}
)
_WRAPPER_NODES = frozenset(
    {
        "as_expression",
        "satisfies_expression",
        "parenthesized_expression",
        "non_null_expression",
        "type_assertion",
    }
)


def _has_objects(depths: frozenset[int] | None, depth: int, loop: int | None) -> bool:
    """Whether a value with objects at ``depths`` (None: unknown) has one in the class at
    ``depth`` of its chain; from ``loop`` on, a class stands for every deeper level."""
    if depths is None:
        return True
    if loop is not None and depth >= loop:
        return any(d >= loop for d in depths)
    return depth in depths


def _where(file: SourceFile, decl: Declaration) -> str:
    node = decl.node.child_by_field_name("name") or decl.node
    location = file.location(node)
    return f"{location.path}:{location.line}:{location.col}"


def _node_at(file: SourceFile, place: Place) -> Node:
    node = file.tree.root_node.descendant_for_byte_range(place.offset, place.offset)
    return node if node is not None else file.tree.root_node


def prove_constant(
    program: Program, entry: SourceFile, file: SourceFile, decl: Declaration
) -> None:
    """Refuse ``decl`` (declared in ``file``, mirrored from ``entry``) unless it is a
    constant of the module graph that loading ``entry`` evaluates."""
    graph = program.graphs.get(entry.path)
    if graph is None:
        graph = ModuleGraph(program, entry, program.trusted_callees)
        program.graphs[entry.path] = graph
    assert isinstance(graph, ModuleGraph)
    graph.prove(file, decl)


def prove_export(program: Program, entry: SourceFile, symbol: str) -> None:
    """:func:`prove_constant` for an exported symbol, when it is a value."""
    binding = program.resolve_export(entry, symbol, None)
    decl = binding.declaration
    if decl is not None and decl.kind in ("const", "enum", "default"):
        prove_constant(program, entry, binding.file, decl)
