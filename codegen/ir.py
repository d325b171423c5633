"""The intermediate representation between TypeScript and the Jinja templates.

A mirror is one :class:`Module`: the declarations read from the TypeScript, in the order the
mirror lists them, each already evaluated (consts) or extracted (types). Nothing here refers to
tree-sitter nodes or to files on disk, so the templates can rely on the IR alone:

    Module
      sources            relative paths of every file read, for the header
      declarations       ConstDecl | AliasDecl | EnumDecl | ObjectDecl, dependencies first
      imports            declarations another mirror of the package emits (Import)

A mirror is built on its own with every declaration it needs; :mod:`tsmirror.package` then
links the mirrors of one output package, so each declaration is emitted by one of them and
imported by the others.

Types are a small closed algebra (:data:`TypeRef`). Every type the extractor cannot express
exactly is refused before it reaches the IR, so there is no ``Any`` here.

Const values are plain Python data with JavaScript's JSON semantics already applied: ``str``,
``int``/``float`` (JS numbers; integral values are ``int``), ``bool``, ``None`` for ``null``,
``list`` for arrays and ``dict`` for objects, keys in the order ``JSON.stringify`` prints them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeAlias

from tsmirror.valueclass import field, valueclass

#: A JSON value as ``JSON.stringify`` would see it, dict key order significant.
JsonValue: TypeAlias = (
    "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
)


# --- types --------------------------------------------------------------------------------


class PrimitiveName(StrEnum):
    """The closed set of primitive types; its values are how the record spells them.

    ``integer`` appears only in types inferred for consts without an annotation (a number
    whose values are all integral; ``int`` in Python). ``never`` is TypeScript's ``never``
    (no value; also the element type of an empty array or object). ``unknown`` is
    TypeScript's ``unknown`` and ``any``: any JSON value (``object`` in Python), decoded as
    it is. ``undefined`` exists only while the extractor reduces a type (it makes a field
    optional) and never reaches a mirror."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    INTEGER = "integer"
    NEVER = "never"
    UNKNOWN = "unknown"
    UNDEFINED = "undefined"


@valueclass
class Primitive:
    """``string``, ``number``, ``boolean``, ``null`` and the other :class:`PrimitiveName`."""

    name: PrimitiveName


@valueclass
class LiteralType:
    """A single literal type: ``'kora'``, ``1``, ``true``.

    Equality tells ``true`` from ``1`` (Python's ``True == 1`` would merge them)."""

    value: str | int | float | bool

    def _key(self) -> tuple[bool, str | int | float | bool]:
        return (isinstance(self.value, bool), self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LiteralType) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@valueclass
class ArrayType:
    """``T[]``, ``readonly T[]``, ``Array<T>``, ``ReadonlyArray<T>``; a tuple in Python."""

    element: TypeRef


@valueclass
class TupleType:
    """``[A, B?, ...C[]]`` (names and ``readonly`` dropped): ``elements`` in order, the first
    ``required`` of them required and the rest optional, then any number of ``rest`` when
    there is one; a tuple checked element by element in Python."""

    elements: tuple[TypeRef, ...]
    required: int
    rest: TypeRef | None = None


@valueclass
class RecordType:
    """``Record<K, V>``. ``key`` is ``Primitive("string")`` or a union of string literals
    (possibly behind a :class:`NamedType`); with literal keys every key is required."""

    key: TypeRef
    value: TypeRef


@valueclass
class UnionType:
    """``A | B | ...`` with at least two members, flattened and without duplicates."""

    members: tuple[TypeRef, ...]


@valueclass
class TemplateType:
    """A template literal type with holes that admit infinitely many strings:
    ``texts[0]${holes[0]}texts[1]...${holes[-1]}texts[-1]`` (``len(texts) == len(holes) +
    1``), each hole ``string`` or ``number`` (finite holes are expanded into a union of
    literals before this; ``${string}`` alone is ``string``). A ``str`` in Python, checked
    by the regular expression :func:`tsmirror.algebra.template_pattern` makes, which
    splits the string as TypeScript does (each hole ends at the first occurrence of the
    text after it; a hole followed by another takes one character), and a ``number`` hole
    admits what TypeScript's ``isValidNumberString`` does: a non-empty string that
    JavaScript's ``Number()`` turns into a finite number."""

    texts: tuple[str, ...]
    holes: tuple[PrimitiveName, ...]


@valueclass
class NamedType:
    """A reference to another declaration of the same module, by its TypeScript name."""

    name: str


TypeRef: TypeAlias = (
    Primitive
    | LiteralType
    | ArrayType
    | TupleType
    | RecordType
    | UnionType
    | TemplateType
    | NamedType
)

STRING = Primitive(PrimitiveName.STRING)
NUMBER = Primitive(PrimitiveName.NUMBER)
BOOLEAN = Primitive(PrimitiveName.BOOLEAN)
NULL = Primitive(PrimitiveName.NULL)
INTEGER = Primitive(PrimitiveName.INTEGER)
NEVER = Primitive(PrimitiveName.NEVER)
UNKNOWN = Primitive(PrimitiveName.UNKNOWN)


# --- declarations -------------------------------------------------------------------------


@valueclass
class Field:
    """One property of an object type."""

    name: str  # the JSON key, exactly as in TypeScript
    py_name: str  # a safe Python identifier for the dataclass attribute
    type: TypeRef
    optional: (
        bool  # declared with ``?`` (or admits ``undefined``): the key may be absent
    )
    doc: str | None


@valueclass
class ConstDecl:
    """``export const NAME = value``: rendered as ``NAME: Final[...] = ...``."""

    name: str
    value: JsonValue
    type: TypeRef  # from the annotation when there is one, else inferred from the value
    doc: str | None
    origin: str = field(
        default="", compare=False
    )  # which TypeScript declaration; see below


@valueclass
class AliasDecl:
    """``type NAME = ...`` that is not an object type: rendered as a ``TypeAlias``.

    A string-literal union, ``(typeof X)[number]`` and ``keyof typeof X`` arrive here as a
    :class:`UnionType` of :class:`LiteralType` (or a single :class:`LiteralType`)."""

    name: str
    type: TypeRef
    doc: str | None
    origin: str = field(
        default="", compare=False
    )  # which TypeScript declaration; see below


@valueclass
class EnumMember:
    name: str
    py_name: str
    value: str | int | float
    doc: str | None


@valueclass
class EnumDecl:
    """``enum NAME {...}``; string enums become ``StrEnum``, numeric ones ``IntEnum``."""

    name: str
    members: tuple[EnumMember, ...]
    doc: str | None
    origin: str = field(
        default="", compare=False
    )  # which TypeScript declaration; see below

    @property
    def is_string(self) -> bool:
        return all(isinstance(m.value, str) for m in self.members)


@valueclass
class ObjectDecl:
    """An interface or object type alias, with ``extends`` and intersections already
    flattened into ``fields`` (inherited fields first, in declaration order).

    ``extra`` is the value type of a string index signature beside the properties
    (``{ id: string; [key: string]: V }``): every key that is not a field's may be present
    and must hold a ``V`` (each field's own type is already known to be one, as TypeScript
    requires). None when the object has no index signature. Rendered as the attribute
    ``extra: Mapping[str, V]``, which no field's ``py_name`` takes."""

    name: str
    fields: tuple[Field, ...]
    doc: str | None
    origin: str = field(
        default="", compare=False
    )  # which TypeScript declaration; see below
    extra: TypeRef | None = None


Declaration: TypeAlias = ConstDecl | AliasDecl | EnumDecl | ObjectDecl

#: ``origin`` says which TypeScript declaration a declaration came from:
#: ``<source path>#<name>`` (``#@<byte offset>`` for an anonymous object type). Two mirrors
#: that need the same declaration agree on it, which is how the package finds the one mirror
#: that emits it. It is not part of equality and is not recorded (it is no part of the output).


@valueclass
class Import:
    """A declaration this mirror uses that another mirror of the same output package emits:
    rendered ``from .<module> import <exported> as <declaration.name>``, never copied. The
    declaration is carried whole, so a template can read its definition (an alias's type,
    say) without looking at the other mirror."""

    module: str  # the mirror that emits it
    exported: str  # its name there
    declaration: Declaration  # its name here is ``declaration.name``


@valueclass
class Module:
    """Everything one generated file is rendered from."""

    name: str  # the Python module name, e.g. "capability_matrix"
    sources: tuple[
        str, ...
    ]  # every file read, relative to the source root, sorted, "/"-separated
    source_sha256: str  # see tsmirror.ts.program.source_digest
    declarations: tuple[Declaration, ...]  # the ones this mirror emits
    strict_objects: bool  # from_json rejects unknown keys
    imports: tuple[Import, ...] = ()  # the ones it takes from other mirrors
    listed: tuple[str, ...] = ()  # names of the declarations its symbols name

    def lookup(self, name: str) -> Declaration:
        """The declaration a :class:`NamedType` names, emitted here or imported."""
        for decl in self.declarations:
            if decl.name == name:
                return decl
        for imported in self.imports:
            if imported.declaration.name == name:
                return imported.declaration
        raise KeyError(name)
