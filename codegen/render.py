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
import textwrap
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, assert_never

from tsmirror import algebra, ir
from tsmirror.header import render_header
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
    )
    env.filters.update(
        py_string=py_string,
        py_type=py_type,
        docstring=docstring,
        const_assignment=const_assignment,
        literal_members=literal_members,
        py_scalar=py_scalar,
    )
    env.tests.update(
        const=lambda d: isinstance(d, ir.ConstDecl),
        alias=lambda d: isinstance(d, ir.AliasDecl),
        enum=lambda d: isinstance(d, ir.EnumDecl),
        object=lambda d: isinstance(d, ir.ObjectDecl),
        literal_union=algebra.is_literal_union,
    )
    return env


def render_module(module: ir.Module) -> str:
    """The complete text of one generated file, header included."""
    from tsmirror.codec import Codec, absent_value

    codec = Codec(module, py_type)
    classes = {
        decl.name: {
            "from_json": codec.from_json_body(decl),
            "to_json": codec.to_json_body(decl),
            "fields": [
                field_annotation(f, absent_value(f, module)) for f in decl.fields
            ],
        }
        for decl in module.declarations
        if isinstance(decl, ir.ObjectDecl)
    }
    if classes:
        codec.uses.update(("dataclass", "classmethod", "Self", "Any"))
        codec.uses.add("MirrorValidationError")
        if module.strict_objects:
            codec.uses.update(("ClassVar",))
    body = (
        environment()
        .get_template("module.py.j2")
        .render(
            module=module,
            imports=import_lines(module, codec.uses),
            classes=classes,
            helpers=[*codec.constants.values(), *codec.functions.values()],
        )
    )
    return render_header(module.sources, module.source_sha256, body) + body


def needs_kernel(module: ir.Module) -> bool:
    return any(isinstance(d, ir.ObjectDecl) for d in module.declarations)


def render_kernel() -> str:
    body = environment().get_template("kernel.py.j2").render()
    return render_header((), hashlib.sha256(b"").hexdigest(), body) + body


def render_package_init(modules: Iterable[str]) -> str:
    body = (
        environment().get_template("package_init.py.j2").render(modules=sorted(modules))
    )
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
                    _walk_names(f.type, names)
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
    kernel = sorted(n for n in names if n in _KERNEL_NAMES and n not in _KERNEL_EXPORTS)
    exported = [n for n in _KERNEL_EXPORTS if n in names]
    if kernel or exported:
        local[f".{KERNEL_MODULE}"] = [f"{n} as {n}" for n in exported]
    for imported in module.imports:
        alias = imported.declaration.name
        local.setdefault(f".{imported.module}", []).append(
            f"{imported.exported} as {alias}"
        )
    if local:
        lines.append("")
    for mod in sorted(local):
        for entry in sorted(local[mod], key=_member_order):
            lines.append(f"from {mod} import {entry}")
        if mod == f".{KERNEL_MODULE}" and kernel:
            lines.append(_from_import(mod, kernel))
    return lines


def _member_order(entry: str) -> tuple[int, str]:
    """isort's order by type: CONSTANTS, then Classes, then everything else."""
    name = entry.split(" ", 1)[0]
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


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
        "missing_key",
        "no_member",
        "plain",
        "unknown_key",
    }
)


def _walk_names(type_: ir.TypeRef, names: set[str]) -> None:
    """The typing names ``py_type`` needs to spell ``type_``."""
    match type_:
        case ir.LiteralType():
            names.add("Literal")
        case ir.Primitive(name):
            if name == "never":
                names.add("Never")
        case ir.ArrayType(element):
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
        case ir.NamedType():
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


def py_literal(value: ir.JsonValue, indent: str = "") -> str:
    """``value`` as a Python expression: tuples for arrays, read-only mappings for objects,
    exploded one item per line (a magic trailing comma keeps ruff from joining them)."""
    inner = indent + INDENT
    if isinstance(value, list):
        if not value:
            return "()"
        items = "".join(f"{inner}{py_literal(v, inner)},\n" for v in value)
        return f"(\n{items}{indent})"
    if isinstance(value, dict):
        if not value:
            return "MappingProxyType({})"
        deeper = inner + INDENT
        items = "".join(
            f"{deeper}{py_string(k)}: {py_literal(v, deeper)},\n"
            for k, v in value.items()
        )
        return f"MappingProxyType(\n{inner}{{\n{items}{inner}}},\n{indent})"
    return py_scalar(value)


def const_assignment(decl: ir.ConstDecl) -> str:
    """``NAME: Final[T] = value`` laid out as ruff lays it out."""
    annotation = f"Final[{py_type(decl.type)}]"
    value = py_literal(decl.value)
    head = f"{decl.name}: {annotation} = "
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
    if first_line == "(" and len(head) + 1 <= LINE_LENGTH:
        return head + value
    return f"{decl.name}: Final[\n{INDENT}{py_type(decl.type)}\n] = {value}"


# --- Python types -----------------------------------------------------------------------------

_PRIMITIVE_TYPES = {
    "string": "str",
    "number": "float",
    "integer": "int",
    "boolean": "bool",
    "null": "None",
    "never": "Never",
}


def field_annotation(field: ir.Field, absent: str) -> str:
    """``T`` for a dataclass attribute; an optional one defaults to what marks an absent key
    (``absent``: None, or ``ABSENT`` when the type admits null)."""
    annotation = py_type(field.type)
    if not field.optional:
        return annotation
    if absent == "ABSENT":
        return f"Absent | {annotation} = ABSENT"  # None stays last, where ruff wants it
    return f"{annotation} | None = None"


def literal_members(type_: ir.TypeRef) -> list[str]:
    members = type_.members if isinstance(type_, ir.UnionType) else (type_,)
    return [py_scalar(m.value) for m in members if isinstance(m, ir.LiteralType)]


def py_type(type_: ir.TypeRef) -> str:
    if isinstance(type_, ir.Primitive):
        return _PRIMITIVE_TYPES[type_.name]
    if isinstance(type_, ir.LiteralType):
        return f"Literal[{py_scalar(type_.value)}]"
    if isinstance(type_, ir.NamedType):
        return type_.name
    if isinstance(type_, ir.ArrayType):
        if type_.element == ir.NEVER:
            return "tuple[()]"
        return f"tuple[{py_type(type_.element)}, ...]"
    if isinstance(type_, ir.RecordType):
        return f"Mapping[{py_type(type_.key)}, {py_type(type_.value)}]"
    if isinstance(type_, ir.TupleType):
        return tuple_py_type(type_)
    literals = [
        py_scalar(m.value) for m in type_.members if isinstance(m, ir.LiteralType)
    ]
    others = [py_type(m) for m in type_.members if not isinstance(m, ir.LiteralType)]
    others.sort(key=lambda text: text == "None")  # ruff wants None last (RUF036)
    parts = ([f"Literal[{', '.join(literals)}]"] if literals else []) + others
    return " | ".join(parts)


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
