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
from typing import TYPE_CHECKING

from tsmirror import ir
from tsmirror.paths import template_dir

if TYPE_CHECKING:
    import jinja2

#: Bump when the shape of generated output changes (not for every template edit).
FORMAT_VERSION = 1
#: The line length the layout targets (ruff's default).
LINE_LENGTH = 88
INDENT = "    "


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
        decoder=decoder,
        comment=comment,
        py_scalar=py_scalar,
        field_annotation=field_annotation,
    )
    env.tests.update(
        const=lambda d: isinstance(d, ir.ConstDecl),
        alias=lambda d: isinstance(d, ir.AliasDecl),
        enum=lambda d: isinstance(d, ir.EnumDecl),
        object=lambda d: isinstance(d, ir.ObjectDecl),
        literal_union=is_literal_union,
    )
    return env


def render_module(module: ir.Module) -> str:
    """The complete text of one generated file, header included."""
    env = environment()
    body = env.get_template("module.py.j2").render(
        module=module, imports=imports_for(module)
    )
    header = env.get_template("header.py.j2").render(
        sources=module.sources,
        source_sha256=module.source_sha256,
        body_sha256=body_digest(body),
        format=FORMAT_VERSION,
    )
    return header + body


def render_package_init(modules: Iterable[str]) -> str:
    env = environment()
    body = env.get_template("package_init.py.j2").render(modules=sorted(modules))
    header = env.get_template("header.py.j2").render(
        sources=(),
        source_sha256=hashlib.sha256(b"").hexdigest(),
        body_sha256=body_digest(body),
        format=FORMAT_VERSION,
    )
    return header + body


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --- imports ----------------------------------------------------------------------------------


def imports_for(module: ir.Module) -> dict[str, list[str]]:
    """``{module: [names]}`` of exactly what the rendered body uses; an empty list means
    a plain ``import module``."""
    typing: set[str] = set()
    other: dict[str, set[str]] = {}

    def need(mod: str, name: str) -> None:
        other.setdefault(mod, set()).add(name)

    def walk(type_: ir.TypeRef) -> None:
        if isinstance(type_, ir.LiteralType):
            typing.add("Literal")
        elif isinstance(type_, ir.Primitive) and type_.name == "never":
            typing.add("Never")
        elif isinstance(type_, ir.ArrayType):
            if type_.element != ir.NEVER:  # an empty array is tuple[()], no Never
                walk(type_.element)
        elif isinstance(type_, ir.RecordType):
            need("collections.abc", "Mapping")
            walk(type_.key)
            walk(type_.value)
        elif isinstance(type_, ir.UnionType):
            for member in type_.members:
                walk(member)

    for decl in module.declarations:
        if isinstance(decl, ir.ConstDecl):
            typing.add("Final")
            walk(decl.type)
            if _contains_object(decl.value):
                need("types", "MappingProxyType")
        elif isinstance(decl, ir.AliasDecl):
            typing.add("TypeAlias")
            walk(decl.type)
        elif isinstance(decl, ir.EnumDecl):
            need("enum", "StrEnum" if decl.is_string else "IntEnum")
        else:
            for field in decl.fields:
                walk(field.type)
    if any(isinstance(d, ir.ObjectDecl) for d in module.declarations):
        # what templates/validation.py.j2 uses
        typing.update(("Any", "ClassVar", "Final", "NamedTuple", "Self"))
        other.setdefault("json", set())
        need("collections.abc", "Callable")
        need("collections.abc", "Mapping")
        need("dataclasses", "dataclass")
        need("enum", "Enum")
        need("types", "MappingProxyType")
    result = {mod: sorted(names) for mod, names in sorted(other.items())}
    if typing:
        result["typing"] = sorted(typing)
    return dict(sorted(result.items()))


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
        items = ""
        for k, v in value.items():
            key = py_string(k)
            room_after_key = LINE_LENGTH - len(deeper) - len(key) - 3
            items += f"{deeper}{key}: {py_literal(v, deeper, room_after_key)},\n"
        return f"MappingProxyType(\n{inner}{{\n{items}{inner}}},\n{indent})"
    return py_scalar(value)


def const_assignment(decl: ir.ConstDecl) -> str:
    """``NAME: Final[T] = value`` laid out as ruff lays it out."""
    annotation = f"Final[{py_type(decl.type)}]"
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


def field_annotation(field: ir.Field) -> str:
    """``name: T`` for a dataclass attribute; an optional one defaults to None."""
    annotation = py_type(field.type)
    if not field.optional:
        return annotation
    admits_null = field.type == ir.NULL or (
        isinstance(field.type, ir.UnionType) and ir.NULL in field.type.members
    )
    return f"{annotation} = None" if admits_null else f"{annotation} | None = None"


def is_literal_union(type_: ir.TypeRef) -> bool:
    if isinstance(type_, ir.LiteralType):
        return True
    return isinstance(type_, ir.UnionType) and all(
        isinstance(m, ir.LiteralType) for m in type_.members
    )


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
    literals = [
        py_scalar(m.value) for m in type_.members if isinstance(m, ir.LiteralType)
    ]
    others = [
        py_type(m)
        for m in type_.members
        if not isinstance(m, ir.LiteralType) and m != ir.NULL
    ]
    # None last, as ruff (RUF036) wants it: [null, 1] infers `None | int` otherwise
    nulls = ["None"] if ir.NULL in type_.members else []
    parts = ([f"Literal[{', '.join(literals)}]"] if literals else []) + others + nulls
    return " | ".join(parts)


# --- runtime validation -----------------------------------------------------------------------


def decoder(type_: ir.TypeRef, indent: str, module: ir.Module) -> str:
    """A decoder expression built from the module's validation helpers, exploded like
    literals. Aliases are inlined; enums and object types are referenced lazily, so a type may
    refer to one defined after it (or to itself)."""
    inner = indent + INDENT

    def call(name: str, *args: str) -> str:
        return f"{name}(\n" + "".join(f"{inner}{a},\n" for a in args) + f"{indent})"

    if isinstance(type_, ir.Primitive):
        return _PRIMITIVE_DECODERS[type_.name]
    if isinstance(type_, ir.NamedType):
        decl = next(d for d in module.declarations if d.name == type_.name)
        if isinstance(decl, ir.AliasDecl):
            return decoder(decl.type, indent, module)
        helper = "_enum" if isinstance(decl, ir.EnumDecl) else "_object"
        return f"{helper}(lambda: {decl.name})"
    if isinstance(type_, ir.ArrayType):
        return call("_array", decoder(type_.element, inner, module))
    if isinstance(type_, ir.RecordType):
        return call(
            "_record",
            decoder(type_.key, inner, module),
            decoder(type_.value, inner, module),
        )
    if is_literal_union(type_):
        return call("_literal", *literal_members(type_))
    assert isinstance(type_, ir.UnionType)
    return call("_union", *(decoder(m, inner, module) for m in type_.members))


_PRIMITIVE_DECODERS = {
    "string": "_string",
    "number": "_number",
    "integer": "_number",
    "boolean": "_boolean",
    "null": "_null",
    "never": "_never",
}


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
