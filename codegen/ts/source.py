"""One parsed TypeScript file: its tree, its top-level declarations, imports and exports."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from tsmirror.errors import InputError, Location
from tsmirror.ts.literals import decode_string
from tsmirror.valueclass import field, valueclass

# Top-level statements that declare nothing a mirror can read; they are skipped, never refused.
_IGNORED_STATEMENTS = frozenset(
    {
        "comment",
        "expression_statement",
        "empty_statement",
        "ambient_declaration",
        "module",
        "internal_module",
        "hash_bang_line",
    }
)


@cache
def typescript_language() -> Language:
    return Language(tree_sitter_typescript.language_typescript())


@cache
def typescript_parser() -> Parser:
    return Parser(typescript_language())


@cache
def file_checks_query() -> Query:
    """The whole-file syntax checks of queries/lenient-syntax.scm, in one pass."""
    text = (Path(__file__).parent / "queries" / "lenient-syntax.scm").read_text()
    return Query(typescript_language(), text)


@valueclass
class Declaration:
    """A top-level binding. ``kind`` is one of: const, let, var, enum, function, class,
    interface, type, default (``export default <expr>``).

    ``node`` is the variable_declarator for const/let/var, the expression for ``default`` and
    the declaration itself otherwise. ``statement`` is the outermost statement, where JSDoc is
    looked for."""

    name: str
    kind: str
    node: Node
    statement: Node


@valueclass
class ImportBinding:
    """``import {imported as name} from specifier``; ``imported`` is ``*`` for a namespace
    import and ``default`` for a default import."""

    name: str
    specifier: str
    imported: str
    node: Node
    specifier_node: Node  # the quoted specifier, where resolution errors point


@valueclass
class ExportEntry:
    """``export {local as name}`` (``specifier`` is None) or
    ``export {imported as name} from specifier`` (``imported`` is ``*`` for ``export * as``)."""

    name: str
    local: str | None
    specifier: str | None
    imported: str | None
    node: Node
    specifier_node: Node | None = None


@valueclass(frozen=False)
class SourceFile:
    path: Path  # absolute, symlinks resolved
    display: str  # relative to the source root, "/"-separated: what the header lists
    shown: str  # relative to the working directory when inside it: what errors show
    data: bytes
    tree: Tree
    values: dict[str, Declaration] = field(default_factory=dict)
    types: dict[str, Declaration] = field(default_factory=dict)
    imports: dict[str, ImportBinding] = field(default_factory=dict)
    exports: dict[str, ExportEntry] = field(default_factory=dict)
    star_exports: list[tuple[str, Node]] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)
    # is_plain_object's answers by byte range: the effects walk and the evaluator both ask
    _plain: dict[tuple[int, int], bool] = field(default_factory=dict)
    # A namespace is read as a file of its own inside its file: ``parent`` is the scope
    # around it, and ``qualifier`` (``"NS_"``) prefixes the Python names of its members.
    namespaces: dict[str, SourceFile] = field(default_factory=dict)
    aliases: dict[str, Node] = field(default_factory=dict)  # import X = A.B
    parent: SourceFile | None = None
    qualifier: str = ""
    scope_path: str = ""  # "A.B." inside namespace A.B, for declarations' origins

    def scopes(self) -> list[SourceFile]:
        """This scope and those around it, innermost first."""
        found: list[SourceFile] = []
        scope: SourceFile | None = self
        while scope is not None:
            found.append(scope)
            scope = scope.parent
        return found

    def declares_type(self, name: str) -> bool:
        """Whether ``name`` is a type declared, aliased or imported in an enclosing scope."""
        return any(
            name in s.types or name in s.imports or name in s.aliases
            for s in self.scopes()
        )

    # --- locations ------------------------------------------------------------------------

    def location(self, node: Node) -> Location:
        row, byte_col = node.start_point
        line_start = node.start_byte - byte_col
        col = (
            len(self.data[line_start : node.start_byte].decode("utf-8", "replace")) + 1
        )
        return Location(self.shown, row + 1, col)

    def error(self, node: Node, message: str) -> InputError:
        return InputError(message, self.location(node))

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def snippet(self, node: Node, limit: int = 60) -> str:
        """The node's source on one line, shortened, for error messages."""
        text = " ".join(self.text(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    # --- JSDoc ----------------------------------------------------------------------------

    def jsdoc(self, node: Node) -> str | None:
        """The text of a ``/** ... */`` comment right before ``node``, or None."""
        prev = node.prev_sibling
        while prev is not None and prev.type == "comment":
            text = self.text(prev)
            if text.startswith("/**") and not text.startswith("/**/"):
                return clean_jsdoc(text)
            if not text.startswith("//"):
                return None
            prev = prev.prev_sibling
        return None


def clean_jsdoc(comment: str) -> str | None:
    body = comment[3:-2]
    lines = []
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("*"):
            line = line[1:]
            if line.startswith(" "):
                line = line[1:]
        lines.append(line.rstrip())
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) or None


def parse_source(path: Path, display: str, shown: str, data: bytes) -> SourceFile:
    """Parse and index one file. Any syntax error anywhere in it is an :class:`InputError`:
    nothing is generated from a partially parsed file."""
    tree = typescript_parser().parse(data)
    source = SourceFile(path=path, display=display, shown=shown, data=data, tree=tree)
    if tree.root_node.has_error:
        node = first_syntax_error(tree.root_node)
        if node.is_missing:
            raise source.error(node, f"syntax error: missing {node.type!r}")
        raise source.error(node, f"syntax error near {source.snippet(node, 40)!r}")
    check_whole_file(source)
    for statement in tree.root_node.named_children:
        _index_statement(source, statement)
    return source


def check_whole_file(source: SourceFile) -> None:
    """Refuse syntax that would make a static reading of the file wrong, wherever it is:
    what the grammar tolerates but TypeScript rejects, and identifiers JavaScript would
    not accept. (What code may do to values is tsmirror.ts.graph's proof.)"""
    root = source.tree.root_node
    findings: list[tuple[Node, str]] = []
    if _lenient_candidate(source.data) or _uninitialized_const(source):
        for name, nodes in QueryCursor(file_checks_query()).captures(root).items():
            findings += [
                (node, f"syntax error: {name.replace('-', ' ')}")
                for node in nodes
                if not _ambient(node)
            ]
    # an identifier the grammar lexes but JavaScript may not: beyond ASCII, DEL, escapes
    if not source.data.isascii() or b"\x7f" in source.data or b"\\u" in source.data:
        findings += _bad_identifiers(source)
    if b"\r" in source.data:
        findings += _raw_carriage_returns(source)
    if _keyword_break_candidate(source.data):
        findings += _keywords_before_a_line_break(source)
    if findings:
        node, message = min(findings, key=lambda finding: finding[0].start_byte)
        raise source.error(node, message)


#: What the grammar skips between two tokens, read as it reads it (so that nothing is
#: taken back): white space (any byte beyond ASCII counts), a line comment (``//``, or
#: an HTML-like ``<!--`` or ``-->``, to the end of its line; ``//`` also ends at a CR),
#: a block comment.
_EXTRAS = (
    rb"(?:[\s\x80-\xff]++"
    rb"|//(?:[^\r\n\xe2]++|\xe2(?!\x80[\xa8\xa9]))*+"
    rb"|(?:<!--|-->)(?:[^\n\xe2]++|\xe2(?!\x80[\xa8\xa9]))*+"
    rb"|/\*(?:[^*]++|\*(?!/))*+\*/)*+"
)
#: Where a pattern of queries/lenient-syntax.scm but its last may match: `|` then `|`,
#: `&` then `&`, `,` or `{` then `,`, with nothing but white space and comments between.
#: Where this finds nothing in the bytes (and :func:`_uninitialized_const` nothing in the
#: tree), the query, which walks the whole tree (a third of a parse), cannot match; a
#: false alarm (`a || b`, `[1, , 2]`, such tokens in a string) only runs it. A pattern
#: added to the file needs its own candidate here (tests/test_lenient_syntax.py checks
#: them together).
_LENIENT_CANDIDATE = re.compile(
    rb"\|" + _EXTRAS + rb"\||&" + _EXTRAS + rb"&|[,{]" + _EXTRAS + rb","
)


#: The bytes with ASCII white space dropped, the tokens of :data:`_LENIENT_CANDIDATE` kept,
#: whatever may start a comment or other white space (``/``, ``<``, ``-``, any byte beyond
#: ASCII) as ``/``, and every other byte as ``x``: in C, a hundred times faster than the
#: expression, which looks only where two such bytes meet.
_SQUEEZE = bytes(
    byte if byte in b"|&,{" else ord("/") if byte in b"/<-" or byte > 0x7F else ord("x")
    for byte in range(256)
)
_MEETINGS = (b"||", b"&&", b",,", b"{,", b"|/", b"&/", b",/", b"{/")


def _lenient_candidate(data: bytes) -> bool:
    """Whether :data:`_LENIENT_CANDIDATE` finds a candidate in ``data``."""
    squeezed = data.translate(_SQUEEZE, b" \t\n\r\f\v")
    return any(meeting in squeezed for meeting in _MEETINGS) and bool(
        _LENIENT_CANDIDATE.search(data)
    )


def _uninitialized_const(source: SourceFile) -> bool:
    """Whether a ``const`` declaration has a declarator without a value (the last pattern
    of queries/lenient-syntax.scm): its keyword is the bytes ``const``, so every such
    declaration is found from where those bytes are."""
    root = source.tree.root_node
    for found in re.finditer(rb"const", source.data):
        keyword = root.descendant_for_byte_range(found.start(), found.end())
        parent = keyword.parent if keyword is not None else None
        if (
            parent is not None
            and keyword is not None
            and keyword.type == "const"
            and parent.type == "lexical_declaration"
            and any(
                part.type == "variable_declarator"
                and part.child_by_field_name("value") is None
                for part in parent.named_children
            )
        ):
            return True
    return False


_WS = rb"[ \t\r\n]*+"


def _plain_pair(group: bytes) -> bytes:
    """A name or a quoted string without escapes, then ``true``, ``false``, ``null`` or such
    a string; ``group`` opens the six parts (the name, the single- or double-quoted key,
    the word, the single- or double-quoted value): ``(`` to capture them."""
    name, single, double = (
        group + rb"[A-Za-z_$][A-Za-z0-9_$]*+)",
        rb"'" + group + rb"[^'\\\r\n]*+)'",
        rb'"' + group + rb'[^"\\\r\n]*+)"',
    )
    word = group + rb"true|false|null)"
    return rb"(?:%s|%s|%s)%s:%s(?:%s|%s|%s)" % (
        name,
        single,
        double,
        _WS,
        _WS,
        word,
        single,
        double,
    )


_PLAIN_PAIRS = re.compile(_plain_pair(b"("))
#: The text of an object literal of such pairs only, without comments: a value that holds,
#: refers to and runs nothing, read from its bytes ten times faster than from its nodes (a
#: matrix of 20,000 rows is 20,000 of them). Anything else is walked. (No capturing group
#: here: Python 3.11's possessive quantifiers mishandle them.)
_PLAIN_OBJECT = re.compile(
    rb"\{%s(?:%s%s(?:,%s|(?=\})))*+\}" % (_WS, _plain_pair(b"(?:"), _WS, _WS)
)
_PLAIN_WORDS: dict[bytes, bool | None] = {b"true": True, b"false": False, b"null": None}


def is_plain_object(source: SourceFile, node: Node) -> bool:
    """Whether the ``object`` node is a plain one (see :data:`_PLAIN_OBJECT`)."""
    span = (node.start_byte, node.end_byte)
    found = source._plain.get(span)
    if found is None:
        found = _PLAIN_OBJECT.fullmatch(source.data, *span) is not None
        source._plain[span] = found
    return found


def plain_object(source: SourceFile, node: Node) -> dict[str, str | bool | None] | None:
    """The value of a plain ``object`` node, keys in source order; None for any other, and
    for one whose keys repeat or set the prototype (``__proto__``), which the evaluator
    reads node by node."""
    if not is_plain_object(source, node):
        return None
    pairs = _PLAIN_PAIRS.findall(source.data, node.start_byte, node.end_byte)
    # (a group that did not take part is empty, as is the text of '' or "")
    found = {
        (name or k1 or k2).decode("utf-8", "replace"): (
            _PLAIN_WORDS[word] if word else (v1 or v2).decode("utf-8", "replace")
        )
        for name, k1, k2, word, v1, v2 in pairs
    }
    if len(found) != len(pairs) or "__proto__" in found:
        return None
    return found


def _ambient(node: Node) -> bool:
    """Inside ``declare ...``, where a const has no initializer."""
    parent = node.parent
    while parent is not None and parent.type != "program":
        if parent.type == "ambient_declaration":
            return True
        parent = parent.parent
    return False


def _bad_identifiers(source: SourceFile) -> list[tuple[Node, str]]:
    """Identifiers the grammar lexes but JavaScript rejects (DEL, symbols, escapes)."""
    found = []
    for nodes in (
        QueryCursor(identifier_query()).captures(source.tree.root_node).values()
    ):
        for node in nodes:
            text = source.text(node)
            if not text.replace("$", "_").isidentifier():
                found.append((node, f"syntax error: invalid identifier {text!r}"))
    return found


#: Declarations that a contextual keyword starts, and that keyword. TypeScript reads the
#: declaration only when no line break follows the keyword (`type` then a line break is the
#: name `type`, and `interface` or `export type` then a line break a syntax error); the
#: grammar reads on across a CR, U+2028 or a comment holding a line break, and sometimes
#: across a plain one.
_KEYWORD_DECLARATIONS = {
    "type_alias_declaration": "type",
    "ambient_declaration": "declare",
    "abstract_class_declaration": "abstract",
    "interface_declaration": "interface",
    "internal_module": "namespace",
    "module": "module",
    "function_declaration": "async",
    "generator_function_declaration": "async",
    "function_expression": "async",
    "arrow_function": "async",
    "method_definition": "async",
}
_KEYWORDS = tuple(sorted({word.encode() for word in _KEYWORD_DECLARATIONS.values()}))
#: The bytes ``\w`` matches in a bytes pattern: a keyword is a whole word between others.
_WORD_BYTES = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
)
_EXTRAS_AT = re.compile(_EXTRAS)
_LINE_BREAK = re.compile(rb"[\r\n]|\xe2\x80[\xa8\xa9]")


def _keyword_break_candidate(data: bytes) -> bool:
    """Whether one of those keywords, as a whole word, is followed by white space or
    comments holding a line break, anywhere in the bytes (in strings and comments too: a
    false alarm only walks the tree). Found with ``bytes.find``, word by word: the
    expression ``\b(?:type|...)\b`` tries every position in Python's engine (70 ms on a
    4 MB file, where this takes a few)."""
    for word in _KEYWORDS:
        at = data.find(word)
        while at != -1:
            end = at + len(word)
            if (at == 0 or data[at - 1] not in _WORD_BYTES) and (
                end == len(data) or data[end] not in _WORD_BYTES
            ):
                gap = _EXTRAS_AT.match(data, end)
                if gap is not None and _LINE_BREAK.search(data, end, gap.end()):
                    return True
            at = data.find(word, end)
    return False


def _keywords_before_a_line_break(source: SourceFile) -> list[tuple[Node, str]]:
    found = []
    for nodes in keyword_query().captures(source.tree.root_node).values():
        for node in nodes:
            keyword = _KEYWORD_DECLARATIONS[node.type]
            first, *rest = node.children
            after = next((c for c in rest if c.type != "comment"), None)
            if first.type != keyword or after is None:
                continue
            if _LINE_BREAK.search(source.data, first.end_byte, after.start_byte):
                found.append(
                    (
                        first,
                        f"syntax error: a line break after '{keyword}' (TypeScript "
                        "reads the declaration only when what follows is on its line)",
                    )
                )
    return found


@cache
def keyword_query() -> QueryCursor:
    patterns = " ".join(f"({name})" for name in _KEYWORD_DECLARATIONS)
    return QueryCursor(Query(typescript_language(), f"[{patterns}] @declaration"))


def _raw_carriage_returns(source: SourceFile) -> list[tuple[Node, str]]:
    """A raw CR inside a quoted string ends it in JavaScript; the grammar reads on (it even
    takes the CR for white space between the text and the closing quote)."""
    found = []
    for nodes in QueryCursor(string_query()).captures(source.tree.root_node).values():
        found += [
            (node, "syntax error: unterminated string literal (a raw line break)")
            for node in nodes
            if "\r" in source.text(node)
        ]
    return found


@cache
def string_query() -> Query:
    return Query(typescript_language(), "(string) @string")


@cache
def identifier_query() -> Query:
    kinds = (
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "type_identifier",
        "private_property_identifier",
    )
    return Query(typescript_language(), "\n".join(f"({kind}) @id" for kind in kinds))


def first_syntax_error(root: Node) -> Node:
    """The first ERROR or MISSING node, found without recursion (trees can be very deep)."""
    node = root
    while True:
        if node.type == "ERROR" or node.is_missing:
            return node
        for child in node.children:
            if child.has_error or child.is_missing:
                node = child
                break
        else:
            return node


def _index_statement(source: SourceFile, statement: Node) -> None:
    kind = statement.type
    if kind == "expression_statement" and statement.named_child_count == 1:
        inner = statement.named_children[0]
        if inner.type == "internal_module":
            _index_namespace(source, inner)
        return
    if kind == "export_statement":
        _index_export(source, statement)
    elif kind == "import_statement":
        _index_import(source, statement)
    elif kind not in _IGNORED_STATEMENTS:
        _index_declaration(source, statement, statement)


def _index_namespace(source: SourceFile, node: Node) -> list[str]:
    """``namespace A.B { ... }``: its members are indexed in a scope of their own (merged
    with an earlier namespace of the same name, as TypeScript merges them)."""
    name_node = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    if name_node is None or body is None or name_node.type == "string":
        return []  # `declare module "x"` declares nothing a mirror reads
    path = source.text(name_node).replace(" ", "").split(".")
    scope = source
    for part in path:
        child = scope.namespaces.get(part)
        if child is None:
            child = SourceFile(
                path=scope.path.with_name(f"{scope.path.name}#{part}"),
                display=scope.display,
                shown=scope.shown,
                data=scope.data,
                tree=scope.tree,
                parent=scope,
                qualifier=f"{scope.qualifier}{part}_",
                scope_path=f"{scope.scope_path}{part}.",
            )
            scope.namespaces[part] = child
        scope = child
    for statement in body.named_children:
        if statement.type == "import_alias":
            scope.aliases[source.text(statement.named_children[0])] = (
                statement.named_children[-1]
            )
        else:
            _index_statement(scope, statement)
    return [path[0]]


def _declare(
    table: dict[str, Declaration], source: SourceFile, decl: Declaration
) -> None:
    existing = table.get(decl.name)
    if existing is not None and existing.kind != "function":
        # Interfaces merge and functions overload in TypeScript; a mirror refuses to guess.
        raise source.error(decl.node, f"duplicate declaration of {decl.name!r}")
    table[decl.name] = decl


def _index_declaration(source: SourceFile, node: Node, statement: Node) -> list[str]:
    """Record the names ``node`` declares; returns them (for ``export <declaration>``)."""
    kind = node.type
    names: list[str] = []
    if kind in ("lexical_declaration", "variable_declaration"):
        binding = (
            "var" if kind == "variable_declaration" else source.text(node.children[0])
        )
        for declarator in node.named_children:
            if declarator.type != "variable_declarator":
                continue
            name_node = declarator.child_by_field_name("name")
            if name_node is None or name_node.type != "identifier":
                continue  # destructuring binds nothing a mirror can name
            name = source.text(name_node)
            _declare(
                source.values, source, Declaration(name, binding, declarator, statement)
            )
            names.append(name)
        return names
    name_node = node.child_by_field_name("name")
    if name_node is None:
        return names
    name = source.text(name_node)
    if kind == "enum_declaration":
        decl = Declaration(name, "enum", node, statement)
        _declare(source.values, source, decl)
        _declare(source.types, source, decl)
    elif kind in ("class_declaration", "abstract_class_declaration"):
        decl = Declaration(name, "class", node, statement)
        _declare(source.values, source, decl)
        _declare(source.types, source, decl)
    elif kind in (
        "function_declaration",
        "generator_function_declaration",
        "function_signature",
    ):
        _declare(source.values, source, Declaration(name, "function", node, statement))
    elif kind == "interface_declaration":
        _declare(source.types, source, Declaration(name, "interface", node, statement))
    elif kind == "type_alias_declaration":
        _declare(source.types, source, Declaration(name, "type", node, statement))
    elif kind == "internal_module":
        return _index_namespace(source, node)
    else:
        return names
    names.append(name)
    return names


def _string_value(source: SourceFile, node: Node) -> str:
    return decode_string(source, node)


def _index_import(source: SourceFile, statement: Node) -> None:
    spec_node = statement.child_by_field_name("source")
    if spec_node is None:
        return  # import x = require(...) and friends bind nothing a mirror reads
    specifier = _string_value(source, spec_node)
    clause = next(
        (c for c in statement.named_children if c.type == "import_clause"), None
    )
    if clause is None:
        return  # side-effect import
    for part in clause.named_children:
        if part.type == "identifier":
            name = source.text(part)
            source.imports[name] = ImportBinding(
                name, specifier, "default", part, spec_node
            )
        elif part.type == "namespace_import":
            ident = part.named_children[-1]
            name = source.text(ident)
            source.imports[name] = ImportBinding(name, specifier, "*", part, spec_node)
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type != "import_specifier":
                    continue
                imported, name = _specifier_names(source, spec)
                source.imports[name] = ImportBinding(
                    name, specifier, imported, spec, spec_node
                )


def _specifier_names(source: SourceFile, spec: Node) -> tuple[str, str]:
    """``(name, alias)`` of ``{name as alias}`` in an import or export; the alias is the
    name itself when there is none."""
    name_node = spec.child_by_field_name("name")
    alias_node = spec.child_by_field_name("alias") or name_node
    assert name_node is not None and alias_node is not None
    return _module_export_name(source, name_node), _module_export_name(
        source, alias_node
    )


def _module_export_name(source: SourceFile, node: Node) -> str:
    return _string_value(source, node) if node.type == "string" else source.text(node)


def _index_export(source: SourceFile, statement: Node) -> None:
    declaration = statement.child_by_field_name("declaration")
    if declaration is not None:
        for name in _index_declaration(source, declaration, statement):
            source.exports[name] = ExportEntry(name, name, None, None, declaration)
        return
    value = statement.child_by_field_name("value")
    if value is not None or any(c.type == "default" for c in statement.children):
        target = value or statement.named_children[-1]
        if target.type in (
            "function_declaration",
            "class_declaration",
            "abstract_class_declaration",
            "generator_function_declaration",
        ):
            kind = "class" if "class" in target.type else "function"
        else:
            kind = "default"
        decl = Declaration("default", kind, target, statement)
        source.values["default"] = decl
        source.exports["default"] = ExportEntry(
            "default", "default", None, None, target
        )
        return
    spec_node = statement.child_by_field_name("source")
    specifier = _string_value(source, spec_node) if spec_node is not None else None
    for part in statement.named_children:
        if part.type == "export_clause":
            for spec in part.named_children:
                if spec.type != "export_specifier":
                    continue
                local, name = _specifier_names(source, spec)
                if specifier is None:
                    source.exports[name] = ExportEntry(name, local, None, None, spec)
                else:
                    source.exports[name] = ExportEntry(
                        name, None, specifier, local, spec, spec_node
                    )
        elif part.type == "namespace_export" and specifier is not None:
            name = _module_export_name(source, part.named_children[-1])
            source.exports[name] = ExportEntry(
                name, None, specifier, "*", part, spec_node
            )
    if specifier is not None and not any(
        c.type in ("export_clause", "namespace_export")
        for c in statement.named_children
    ):
        assert spec_node is not None
        source.star_exports.append((specifier, spec_node))
