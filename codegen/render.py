"""IR -> Python source, through the Jinja templates. Returns text; writes nothing.

Every value that reaches Python source passes through :func:`py_literal` (or
:func:`py_string`), which builds it from ``ascii``-escaped pieces: no text from the TypeScript
is ever interpolated bare. The output is already in ``ruff format`` style: collections are
always exploded one item per line with a trailing comma, which the formatter keeps as is, and
the few statements whose layout depends on the line length are laid out here with
:data:`LINE_LENGTH`, ruff's default.
"""

from __future__ import annotations

import hashlib
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from tsmirror import algebra, ir
from tsmirror.errors import InputError, Location, shown
from tsmirror.header import render_header
from tsmirror.naming import EXTRA_ATTRIBUTE, UNION_FUNCTIONS
from tsmirror.paths import KERNEL_MODULE, template_dir

if TYPE_CHECKING:
    import jinja2

#: The line length the layout targets (ruff's default).
LINE_LENGTH = 88
INDENT = "    "

#: Where each name the rendered body may use comes from (the kernel's are re-exported by
#: name where a user may want them: ``users.MirrorValidationError``).
_STANDARD_NAMES = {
    "Any": "typing",
    "ClassVar": "typing",
    "Final": "typing",
    "Literal": "typing",
    "Never": "typing",
    "Self": "typing",
    "TypeAlias": "typing",
    "Mapping": "collections.abc",
    "MappingProxyType": "types",
    "dataclass": "dataclasses",
    "StrEnum": "enum",
    "IntEnum": "enum",
}
#: Kernel names a mirror re-exports: ``except users.MirrorValidationError`` works.
_KERNEL_EXPORTS = ("ABSENT", "Absent", "MirrorValidationError")


@cache
def environment() -> jinja2.Environment:
    import jinja2  # here, not at the top: a cached `check` never renders

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir()),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(
        py_string=py_string,
        py_type=py_type,
        docstring=docstring,
        const_assignment=const_assignment,
        alias_assignment=alias_assignment,
        literal_members=literal_members,
        py_scalar=py_scalar,
    )
    env.tests.update(
        const=lambda d: isinstance(d, ir.ConstDecl),
        alias=lambda d: isinstance(d, ir.AliasDecl),
        enum=lambda d: isinstance(d, ir.EnumDecl),
        object=lambda d: isinstance(d, ir.ObjectDecl),
        literal_union=_literal_only,
    )
    return env


def render_template(name: str, **context: object) -> str:
    """The template ``name`` rendered with ``context``. A template that no longer compiles
    or renders (one edited in an installation, or deleted) is an error located in it, exit
    2 like any bad input, never a traceback; one that renders, whatever it now says, is
    what ``check`` reports as a generator change."""
    try:
        return environment().get_template(name).render(**context)
    except InputError:
        raise
    except Exception as error:
        located = _template_error(name, error)
        if located is None:
            raise
        raise located from None


def _template_error(name: str, error: Exception) -> InputError | None:
    """``error``, raised while ``name`` was compiled or rendered, located in the template
    at fault (``name`` or one it includes); None when no template is at fault."""
    import traceback

    import jinja2

    folder = template_dir()
    line: int | None = None
    if isinstance(error, jinja2.TemplateNotFound):
        name = error.name if isinstance(error.name, str) else name
        message = f"template {name} is missing; reinstall tsmirror"
    else:
        if isinstance(error, jinja2.TemplateSyntaxError):
            name, line = error.name or name, error.lineno
        else:  # raised while rendering: Jinja puts the template's lines in the traceback
            for frame in traceback.extract_tb(error.__traceback__):
                if Path(frame.filename).parent == folder:
                    name, line = Path(frame.filename).name, frame.lineno
            if line is None and not isinstance(error, jinja2.TemplateError):
                return None  # a fault of the generator's own code
        why = str(getattr(error, "message", None) or error).rstrip(".")
        message = f"template {name} fails: {why}; reinstall tsmirror"
    path = shown(folder / name)
    return InputError(message, Location(path, line, 1) if line else None, path)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """The templates compiled once, kept like Python's own bytecode: beside the templates,
    in ``__pycache__/jinja-<generator fingerprint>`` (``make install`` fills it; a run
    writes what is missing unless ``PYTHONDONTWRITEBYTECODE`` is set); where that folder
    cannot be written, in the verdict cache's folder, unless ``TSMIRROR_NO_CACHE`` turns
    the cache off. Compiled templates are code, not results: ``check`` with the cache off
    still renders and compares everything. Jinja keys its entries on the template's name,
    path and source only, not on the environment's options or its own version, which the
    fingerprint covers. It only saves compiling: the output is the same bytes. Failing to
    read or write an entry (an unwritable folder, a corrupt or truncated file) silently
    compiles afresh."""
    import jinja2

    folder, writable = _bytecode_folder()
    if folder is None:
        return None

    class _Quiet(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # any unreadable entry is a miss
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if not writable:
                return
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return _Quiet(str(folder), "%s.cache")


def compile_templates() -> None:
    """Compile every template into the folder beside them, as ``make install`` does for
    the Python code."""
    import jinja2

    env = environment()
    for name in env.list_templates(extensions=["j2"]):
        try:
            env.get_template(name)
        except jinja2.TemplateError as error:
            raise _template_error(name, error) or error from None


def _bytecode_folder() -> tuple[Path | None, bool]:
    """Where compiled templates are read from, and whether new ones may be written there
    (see :func:`_bytecode_cache`)."""
    from tsmirror.cache import cache_dir, generator_fingerprint

    name = f"jinja-{generator_fingerprint()[:32]}"
    beside = template_dir() / "__pycache__"
    writable = not sys.dont_write_bytecode
    if (beside / name).is_dir():
        return beside / name, writable
    if writable:
        try:
            (beside / name).mkdir(parents=True)
        except FileExistsError:
            return beside / name, True
        except OSError:
            pass
        else:
            import shutil

            for stale in beside.glob("jinja-*"):  # a generator since changed
                if stale.name != name:
                    shutil.rmtree(stale, ignore_errors=True)
            return beside / name, True
    base = cache_dir()
    if base is None:
        return None, False
    try:
        (base / name).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None, False
    return base / name, True


def render_module(module: ir.Module) -> str:
    """The complete text of one generated file, header included."""
    from tsmirror.codec import Codec, absent_value

    codec = Codec(module)
    classes = {
        decl.name: {
            "from_json": codec.from_json_body(decl),
            "to_json": codec.to_json_body(decl),
            "fields": [
                field_annotation(f, absent_value(f, module)) for f in decl.fields
            ],
            "extra": (
                f"{EXTRA_ATTRIBUTE}: Mapping[str, {py_type(decl.extra)}]"
                if decl.extra is not None
                else ""
            ),
        }
        for decl in module.declarations
        if isinstance(decl, ir.ObjectDecl)
    }
    unions = {
        decl.name: functions
        for decl in module.declarations
        if isinstance(decl, ir.AliasDecl)
        and (functions := codec.union_functions(decl)) is not None
    }
    # Every mirror re-exports the package's one error class, so `except
    # roles.MirrorValidationError` catches what any mirror of the package raises.
    codec.uses.add("MirrorValidationError")
    if classes:
        codec.uses.update(("dataclass", "Self", "Any"))
        if module.strict_objects:
            codec.uses.add("ClassVar")
    body = render_template(
        "module.py.j2",
        module=module,
        imports=import_lines(module, codec.uses),
        exported=exported_names(module, codec.uses),
        classes=classes,
        unions=unions,
        helpers=[
            *codec.constants.values(),
            *codec.setters.values(),
            *codec.functions.values(),
        ],
    )
    return render_header(module.sources, module.source_sha256, body) + body


def render_kernel() -> str:
    body = render_template("kernel.py.j2")
    return render_header((), hashlib.sha256(b"").hexdigest(), body) + body


def render_package_init(modules: Iterable[str]) -> str:
    body = render_template("package_init.py.j2", modules=sorted(modules))
    return render_header((), hashlib.sha256(b"").hexdigest(), body) + body


# --- imports ----------------------------------------------------------------------------------


def import_lines(module: ir.Module, uses: set[str]) -> list[str]:
    """The import statements of a mirror, as ruff's isort orders them: the standard library,
    then the kernel and the mirrors it imports from (each re-exported name on a line of its
    own, ``X as X``, which is how a typed package re-exports)."""
    names = set(uses)
    for decl in module.declarations:
        match decl:
            case ir.ConstDecl():
                names.add("Final")
                if not bare_final(decl):
                    _walk_names(decl.type, names)
                if _contains_object(decl.value):
                    names.add("MappingProxyType")
            case ir.AliasDecl():
                names.add("TypeAlias")
                _walk_names(decl.type, names)
            case ir.EnumDecl():
                names.add("StrEnum" if decl.is_string else "IntEnum")
            case ir.ObjectDecl():
                for f in decl.fields:
                    if not (f.optional and f.type == ir.NEVER):  # annotated None
                        _walk_names(f.type, names)
                if decl.extra is not None:
                    names.add("Mapping")
                    _walk_names(decl.extra, names)
            case _:
                assert_never(decl)
    standard: dict[str, set[str]] = {}
    for name in names:
        if name in _STANDARD_NAMES:
            standard.setdefault(_STANDARD_NAMES[name], set()).add(name)
    lines = [
        _from_import(mod, sorted(found)) for mod, found in sorted(standard.items())
    ]
    local: dict[str, list[str]] = {}
    kernel = [n for n in names if n in _KERNEL_NAMES]
    if kernel:
        local[f".{KERNEL_MODULE}"] = kernel
    renamed: list[str] = []
    for imported in module.imports:
        mod = f".{imported.module}"
        for exported, alias in _imported_names(module, imported):
            if alias == exported:
                local.setdefault(mod, []).append(alias)
            else:
                renamed.append(f"from {mod} import {exported} as {alias}")
    if local or renamed:
        lines.append("")
    for mod in sorted(local):
        lines.append(_from_import(mod, sorted(local[mod], key=_member_order)))
    lines += sorted(renamed)
    return lines


def exported_names(module: ir.Module, uses: set[str]) -> list[str]:
    """``__all__``: what the mirror offers, its own declarations, those it imports from the
    package's other mirrors (so ``users.Role is roles.Role``) and the kernel's public names,
    in the order ruff wants it (RUF022)."""
    names = [d.name for d in module.declarations]
    names += [
        f"{d.name}{suffix}" for d in union_aliases(module) for suffix in UNION_FUNCTIONS
    ]
    names += [alias for i in module.imports for _, alias in _imported_names(module, i)]
    names += [n for n in _KERNEL_EXPORTS if n in uses]
    return sorted(set(names), key=_member_order)


def union_aliases(module: ir.Module) -> list[ir.AliasDecl]:
    """The aliases this mirror emits that have a decoder of their own."""
    return [
        d
        for d in module.declarations
        if isinstance(d, ir.AliasDecl)
        and algebra.is_object_union(d.type, module.lookup)
    ]


def _imported_names(module: ir.Module, imported: ir.Import) -> list[tuple[str, str]]:
    """``(name there, name here)`` of what an import brings: the declaration, and the
    functions of an alias of a union of object types with it."""
    decl = imported.declaration
    pairs = [(imported.exported, decl.name)]
    if isinstance(decl, ir.AliasDecl) and algebra.is_object_union(
        decl.type, module.lookup
    ):
        pairs += [(imported.exported + s, decl.name + s) for s in UNION_FUNCTIONS]
    return pairs


def _member_order(name: str) -> tuple[int, list[str | int]]:
    """isort's order by type (CONSTANTS, then Classes, then everything else), each in
    natural order; ruff sorts imported names and ``__all__`` this way."""
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    parts = re.split(r"(\d+)", name)
    return kind, [int(p) if p.isdigit() else p for p in parts]


def _from_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"{INDENT}{n},\n" for n in names) + ")"


#: Every name templates/kernel.py.j2 defines that generated code may use.
_KERNEL_NAMES = frozenset(
    {
        "ABSENT",
        "Absent",
        "MirrorValidationError",
        "child",
        "deepest",
        "expected",
        "expected_one_of",
        "field_setter",
        "missing_key",
        "no_member",
        "plain",
        "template_pattern",
        "matches_template",
        "unknown_key",
    }
)


def _walk_names(type_: ir.TypeRef, names: set[str]) -> None:
    """The typing names ``py_type`` needs to spell ``type_``."""
    match type_:
        case ir.LiteralType():
            if not _float_literal(type_):  # spelled float
                names.add("Literal")
        case ir.Primitive(name):
            if name is ir.PrimitiveName.NEVER:
                names.add("Never")
        case ir.ArrayType(element):
            if element != ir.NEVER:  # an empty array is tuple[()], no Never
                _walk_names(element, names)
        case ir.TupleType(elements, _, rest):
            for element in (*elements, *([rest] if rest is not None else [])):
                _walk_names(element, names)
        case ir.RecordType(key, value):
            names.add("Mapping")
            _walk_names(key, names)
            _walk_names(value, names)
        case ir.UnionType(parts):
            for member in parts:
                _walk_names(member, names)
        case ir.NamedType() | ir.TemplateType():
            pass
        case _:
            assert_never(type_)


def _contains_object(value: ir.JsonValue) -> bool:
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return any(_contains_object(v) for v in value)
    return False


# --- Python literals --------------------------------------------------------------------------


@cache  # a matrix repeats the same few keys hundreds of thousands of times
def py_string(text: str) -> str:
    """A Python string literal for ``text``, in ruff's preferred quotes, ASCII-only.

    ``ascii()`` escapes every non-printable and non-ASCII character (lone surrogates included),
    so no character of the source can end the literal, start a new line, or hide as a
    look-alike or a bidirectional control.
    """
    literal = ascii(text)
    if literal[0] == '"':
        return literal  # ascii() chose double quotes because the text has a ' and no "
    inner = literal[1:-1]
    singles = text.count("'")
    doubles = text.count('"')
    if doubles > singles:
        return literal  # ruff keeps single quotes when they need fewer escapes
    inner = inner.replace("\\'", "'").replace('"', '\\"')
    return f'"{inner}"'


def py_scalar(value: ir.JsonValue) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace("e+", "e")
    assert isinstance(value, str)
    return py_string(value)


def py_literal(value: ir.JsonValue, indent: str = "", room: int | None = None) -> str:
    """``value`` as a Python expression: tuples for arrays, read-only mappings for objects,
    exploded one item per line (a magic trailing comma keeps ruff from joining them).

    A one-element tuple is the exception: its comma is not magic, so ruff writes ``(x,)``
    on one line when it fits in ``room`` columns (by default, the rest of the line after
    ``indent``)."""
    if room is None:
        room = LINE_LENGTH - len(indent)
    inner = indent + INDENT
    if isinstance(value, list):
        if not value:
            return "()"
        if len(value) == 1:
            item = py_literal(value[0], inner, LINE_LENGTH - len(inner) - 1)
            if "\n" not in item and len(item) + 3 <= room:
                return f"({item},)"
        items = "".join(
            f"{inner}{py_literal(v, inner, LINE_LENGTH - len(inner) - 1)},\n"
            for v in value
        )
        return f"(\n{items}{indent})"
    if isinstance(value, dict):
        if not value:
            return "MappingProxyType({})"
        deeper = inner + INDENT
        lines = []
        for k, v in value.items():
            key = py_string(k)
            room_after_key = LINE_LENGTH - len(deeper) - len(key) - 3
            lines.append(f"{deeper}{key}: {py_literal(v, deeper, room_after_key)},\n")
        items = "".join(lines)
        return f"MappingProxyType(\n{inner}{{\n{items}{inner}}},\n{indent})"
    return py_scalar(value)


def bare_final(decl: ir.ConstDecl) -> bool:
    """Whether a const's type is a single literal Python can spell, annotated as a bare
    ``Final``, which mypy reads as that literal (and ruff's PYI064 asks for)."""
    return isinstance(decl.type, ir.LiteralType) and py_type(decl.type).startswith(
        "Literal["
    )


def const_assignment(decl: ir.ConstDecl) -> str:
    """``NAME: Final[T] = value`` laid out as ruff lays it out, or ``NAME: Final = value``
    (see :func:`bare_final`)."""
    single = bare_final(decl)
    annotation = "Final" if single else f"Final[{py_type(decl.type)}]"
    head = f"{decl.name}: {annotation} = "
    value = py_literal(decl.value, "", LINE_LENGTH - len(head))
    first_line = value.split("\n", 1)[0]
    if len(head) + len(first_line) <= LINE_LENGTH:
        return head + value
    if "\n" not in value:
        # ruff wraps a long scalar in parentheses when that makes it fit.
        if len(INDENT) + len(value) <= LINE_LENGTH:
            return f"{head}(\n{INDENT}{value}\n)"
        return head + value
    if len(head) + 1 <= LINE_LENGTH and first_line != "(":
        return f"{head}(\n{INDENT}{py_literal(decl.value, INDENT)}\n)"
    if (first_line == "(" and len(head) + 1 <= LINE_LENGTH) or single:
        return head + value
    return f"{decl.name}: Final[\n{INDENT}{layout_type(decl.type, INDENT)}\n] = {value}"


def alias_assignment(decl: ir.AliasDecl) -> str:
    """``NAME: TypeAlias = A | B | C`` laid out as ruff lays it out: a union too long for
    its line goes in parentheses, on one line of its own when it fits there, else one
    member a line (``layout_type``)."""
    head = f"{decl.name}: TypeAlias = "
    text = py_type(decl.type)
    parts = split_top(text, " | ")
    if len(head) + len(text) <= LINE_LENGTH or len(parts) < 2:
        return head + text
    return f"{head}(\n{INDENT}{layout_type(decl.type, INDENT)}\n)"


def split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets and string literals."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    quote = ""
    while index < len(text):
        ch = text[index]
        if quote:
            if ch == "\\":
                index += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return parts


def layout_type(
    type_: ir.TypeRef | str, indent: str, tail: int = 0, lead: int = 0
) -> str:
    """``py_type(type_)`` at ``indent`` after ``lead`` characters, followed by ``tail``
    characters on its line; when too long, a union is split before each ``|`` and each
    subscript is exploded one argument a line, outermost first, as ruff does (with a
    trailing comma, except in a subscript of one argument, where a comma would make a
    tuple)."""
    text = type_ if isinstance(type_, str) else py_type(type_)
    if len(indent) + lead + len(text) + tail <= LINE_LENGTH or isinstance(type_, str):
        return text
    args: Sequence[ir.TypeRef | str]
    match type_:
        case ir.UnionType(parts) if not _literal_only(type_):
            # the operands py_type writes: the literals as one Literal[...], None last
            literals = [
                m
                for m in parts
                if isinstance(m, ir.LiteralType) and not _float_literal(m)
            ]
            operands: list[ir.TypeRef] = [
                *([ir.UnionType(tuple(literals))] if len(literals) > 1 else literals),
                *([ir.NUMBER] if any(map(_float_literal, parts)) else []),
                *(
                    m
                    for m in parts
                    if not isinstance(m, ir.LiteralType) and m != ir.NULL
                ),
                *([ir.NULL] if ir.NULL in parts else []),
            ]
            last = len(operands) - 1
            return f"\n{indent}| ".join(
                layout_type(o, indent, tail if i == last else 0, lead if i == 0 else 2)
                for i, o in enumerate(operands)
            )
        case ir.ArrayType(element) if element != ir.NEVER:
            head, args = "tuple", [element, "..."]
        case ir.RecordType(key, value):
            head, args = "Mapping", [key, value]
        case ir.LiteralType() | ir.UnionType() if _literal_only(type_):
            head, args = "Literal", literal_members(type_)
        case _:
            return text
    arguments = list(args)
    inner = indent + INDENT
    if len(arguments) == 1:
        return f"{head}[\n{inner}{layout_type(arguments[0], inner)}\n{indent}]"
    lines = "".join(f"{inner}{layout_type(a, inner, 1)},\n" for a in arguments)
    return f"{head}[\n{lines}{indent}]"


# --- Python types -----------------------------------------------------------------------------


def primitive_py_type(name: ir.PrimitiveName) -> str:
    """The Python annotation of a primitive type."""
    match name:
        case ir.PrimitiveName.STRING:
            return "str"
        case ir.PrimitiveName.NUMBER:
            return "float"
        case ir.PrimitiveName.INTEGER:
            return "int"
        case ir.PrimitiveName.BOOLEAN:
            return "bool"
        case ir.PrimitiveName.NULL:
            return "None"
        case ir.PrimitiveName.NEVER:
            return "Never"
        case ir.PrimitiveName.UNKNOWN:
            return "object"  # any JSON value, as parsed
        case ir.PrimitiveName.UNDEFINED:
            raise AssertionError("undefined never reaches a mirror")
        case _:
            assert_never(name)


def field_annotation(field: ir.Field, absent: str) -> str:
    """``T`` for a dataclass attribute; an optional one defaults to what marks an absent key
    (``absent``: None, or ``ABSENT`` when the type admits null)."""
    annotation = py_type(field.type)
    if not field.optional:
        return annotation
    if absent == "ABSENT":
        return f"Absent | {annotation} = ABSENT"  # None stays last, where ruff wants it
    if field.type == ir.NEVER:
        return "None = None"  # only ever absent; `Never | None` is `None` (RUF020)
    return f"{annotation} | None = None"


def _float_literal(type_: ir.TypeRef) -> bool:
    """A literal Python's typing cannot spell (``Literal`` admits no float): it is
    annotated ``float``, and from_json still checks the value itself."""
    return isinstance(type_, ir.LiteralType) and isinstance(type_.value, float)


def _literal_only(type_: ir.TypeRef) -> bool:
    """Spelled as one ``Literal[...]``."""
    return algebra.is_literal_union(type_) and not any(
        map(_float_literal, algebra.members(type_))
    )


def literal_members(type_: ir.TypeRef) -> list[str]:
    members = type_.members if isinstance(type_, ir.UnionType) else (type_,)
    return [py_scalar(m.value) for m in members if isinstance(m, ir.LiteralType)]


def py_type(type_: ir.TypeRef) -> str:
    match type_:
        case ir.Primitive(name):
            return primitive_py_type(name)
        case ir.LiteralType(value):
            return "float" if _float_literal(type_) else f"Literal[{py_scalar(value)}]"
        case ir.NamedType(name):
            return name
        case ir.ArrayType(element):
            return (
                "tuple[()]"
                if element == ir.NEVER
                else f"tuple[{py_type(element)}, ...]"
            )
        case ir.RecordType(key, value):
            return f"Mapping[{py_type(key)}, {py_type(value)}]"
        case ir.TupleType():
            return tuple_py_type(type_)
        case ir.UnionType(parts):
            literals = [
                py_scalar(m.value)
                for m in parts
                if isinstance(m, ir.LiteralType) and not _float_literal(m)
            ]
            others = ["float"] if any(map(_float_literal, parts)) else []
            others += [
                py_type(m)
                for m in parts
                if not isinstance(m, ir.LiteralType) and m != ir.NULL
            ]
            # None last, as ruff (RUF036) wants it: [null, 1] infers `None | int`
            nulls = ["None"] if ir.NULL in parts else []
            return " | ".join(
                ([f"Literal[{', '.join(literals)}]"] if literals else [])
                + others
                + nulls
            )
        case ir.TemplateType():
            return "str"  # checked against the template's pattern
        case _:
            assert_never(type_)


#: A tuple's exact Python type longer than this is spelled ``tuple[A | B, ...]`` instead
#: (then ``tuple[object, ...]``): the generated line layout does not break annotations.
_TUPLE_TYPE_LENGTH = 60


def tuple_py_type(type_: ir.TupleType) -> str:
    """One ``tuple[...]`` per length a tuple with optional elements may have, the last
    with ``*tuple[R, ...]`` for a rest element; the decoder checks the exact shape either
    way."""
    exact = _exact_tuple_type(type_)
    if len(exact) <= _TUPLE_TYPE_LENGTH:
        return exact
    every = [*type_.elements, *([type_.rest] if type_.rest is not None else [])]
    loose = f"tuple[{py_type(algebra.union(every))}, ...]"
    return loose if len(loose) <= _TUPLE_TYPE_LENGTH else "tuple[object, ...]"


def _exact_tuple_type(type_: ir.TupleType) -> str:
    items = [py_type(e) for e in type_.elements]
    rest = py_type(type_.rest) if type_.rest is not None else None
    if not items and rest is not None:
        return f"tuple[{rest}, ...]"
    shapes = []
    for length in range(type_.required, len(items) + 1):
        parts = items[:length]
        if rest is not None and length == len(items):
            parts = [*parts, f"*tuple[{rest}, ...]"]
        shapes.append(f"tuple[{', '.join(parts)}]" if parts else "tuple[()]")
    return " | ".join(shapes)


def docstring(text: str | None, indent: str = "") -> str:
    """A docstring for JSDoc ``text``: escaped like any string, then laid out as ruff would.
    Starts with a newline (it follows the line it documents) and ends without one."""
    if not text:
        return ""
    raw = text.expandtabs(8).splitlines()
    raw = [raw[0].strip(), *textwrap.dedent("\n".join(raw[1:])).splitlines()]
    lines = [_docstring_line(line) for line in raw]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return ""
    if len(lines) == 1:
        return f'\n{indent}"""{lines[0]}"""'
    out = [f'{indent}"""{lines[0]}']
    out += [f"{indent}{line}" if line else "" for line in lines[1:]]
    out.append(f'{indent}"""')
    return "\n" + "\n".join(out)


def _docstring_line(line: str) -> str:
    """Escape one line: backslashes and every double quote (so no run of quotes can close
    the docstring), and anything not printable ASCII, exactly as ``ascii()`` would."""
    out = []
    for ch in line.rstrip():
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(ascii(ch)[1:-1])
    return "".join(out)


def comment(text: str) -> str:
    """Text safe inside a ``#`` comment: no line breaks or other control characters."""
    return ascii(text)[1:-1]
