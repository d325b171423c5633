"""Safe Python names for TypeScript names."""

from __future__ import annotations

import keyword
import re
import unicodedata

# Names every generated module imports or defines itself (templates/validation.py.j2); a
# mirrored declaration must not shadow them.
RESERVED = frozenset(
    {
        "annotations",
        "dataclass",
        "Any",
        "Callable",
        "ClassVar",
        "Enum",
        "Final",
        "IntEnum",
        "Literal",
        "Mapping",
        "MappingProxyType",
        "MirrorValidationError",
        "NamedTuple",
        "Never",
        "Self",
        "StrEnum",
        "TypeAlias",
        "_Decoder",
        "_Field",
        "_Fields",
        "_STRICT_OBJECTS",
        "_array",
        "_boolean",
        "_child",
        "_decode_object",
        "_encode_object",
        "_enum",
        "_got",
        "_literal",
        "_never",
        "_null",
        "_number",
        "_object",
        "_plain",
        "_record",
        "_same",
        "_string",
        "_union",
    }
)

# Dataclass attributes must not shadow the class's own methods, nor the builtins that
# annotations use.
# What a generated class body names in its own annotations and attributes (a field of the
# same name would shadow it there).
FIELD_RESERVED = RESERVED | {
    "from_json",
    "to_json",
    "_decode",
    "_KEYS",
    "str",
    "int",
    "float",
    "bool",
    "tuple",
    "dict",
    "frozenset",
    "object",
    "Any",
    "ClassVar",
    "Self",
    "Literal",
    "Mapping",
    "Never",
    "Absent",
}

#: What an alias of a union of object types brings beside it in its mirror, named after it:
#: ``Shape_from_json`` and ``Shape_to_json`` (see ``codec.Codec.union_functions``).
UNION_FUNCTIONS = ("_from_json", "_to_json")

#: The attribute that holds the keys an index signature admits beside the declared
#: properties (``ir.ObjectDecl.extra``); a field of that name is renamed in such a class.
EXTRA_ATTRIBUTE = "extra"

# Enum members must not shadow what str, int and Enum define (``upper``, ``name``, ``mro``).
ENUM_RESERVED = frozenset(dir(str)) | frozenset(dir(int)) | {"mro", "name", "value"}

_NOT_IDENT = re.compile(r"\W", re.ASCII)


def python_identifier(name: str, *, reserved: frozenset[str] = frozenset()) -> str:
    """A valid, ASCII, non-keyword Python identifier for ``name``.

    ``class`` becomes ``class_``, ``content-type`` becomes ``content_type``, ``2fa`` becomes
    ``_2fa``, non-ASCII letters are transliterated where NFKD allows and escaped otherwise, and
    dunder names get a trailing underscore so they never mean something to Python.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if ascii_name != name and not _only_marks_dropped(name, ascii_name):
        ascii_name = "".join(c if c.isascii() else f"_u{ord(c):04x}_" for c in name)
    ident = _NOT_IDENT.sub("_", ascii_name) or "_"
    if ident[0].isdigit():
        ident = "_" + ident
    if reserved is ENUM_RESERVED and ident.startswith("_"):
        ident = "M" + ident  # Enum treats _names_ specially
    if (
        keyword.iskeyword(ident)
        or keyword.issoftkeyword(ident)
        or ident in ("None", "True", "False")
        or (ident.startswith("__") and ident.endswith("__"))
        or ident in reserved
        or ident in RESERVED
    ):
        ident += "_"
    return ident


def _only_marks_dropped(name: str, ascii_name: str) -> bool:
    """True when NFKD+ASCII only removed combining marks (``café`` -> ``cafe``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept == ascii_name


def pascal_case(name: str) -> str:
    return "".join(
        part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name) if part
    )
