"""Aliases of unions of object types: their own decoders, dispatch on a discriminant, and
the errors a user reads (the verdicts themselves are compared with ajv in
tests/cases/unions/unions and the type fuzzer).

The case tests/cases/unions/scene holds two mirrors: `shapes` emits the aliases and
`scene` imports them, with their decoders, for its fields.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

from tests.mirrors import import_mirror, lint_generated, load_package, render_mirror
from tests.oracle import ajv_verdicts, typescript_accepts
from tsmirror import ir
from tsmirror.generate import build_ir, render_package

CASE = Path(__file__).resolve().parent / "cases" / "unions" / "scene"


@pytest.fixture(scope="module")
def package() -> str:
    return load_package(CASE / "expected")


@pytest.fixture(scope="module")
def shapes(package: str) -> ModuleType:
    return importlib.import_module(f"{package}.shapes")


@pytest.fixture(scope="module")
def scene(package: str) -> ModuleType:
    return importlib.import_module(f"{package}.scene")


def error_of(decode: object, document: object) -> str:
    assert callable(decode)
    with pytest.raises(ValueError) as caught:
        decode(document)
    return str(caught.value)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        # an unknown discriminant value names every allowed one, at the discriminant
        (
            {"kind": "hexagon", "radius": 1},
            '$.kind: expected "circle" | "square" | "triangle", got "hexagon"',
        ),
        ({"kind": None}, '$.kind: expected "circle" | "square" | "triangle", got null'),
        ({"kind": ["circle"]}, 'expected "circle" | "square" | "triangle", got list'),
        ({"radius": 1}, "$: missing key 'kind'"),
        ([], "$: expected object, got list"),
        # an error inside the branch the discriminant chose is that branch's own: tried
        # in order, Circle would report `side` as an unknown key at the same depth
        ({"kind": "square", "side": "2"}, "$.side: expected number, got str"),
        ({"kind": "square", "side": 2, "label": 3}, "$.label: no union member"),
        ({"kind": "triangle", "base": 1}, "$: missing required key 'height'"),
        ({"kind": "circle", "radius": 1, "side": 2}, "$.side: unknown key"),
    ],
)
def test_discriminated_union_errors_name_the_branch_or_the_allowed_values(
    shapes: ModuleType, document: object, message: str
) -> None:
    error = error_of(shapes.Shape_from_json, document)
    assert error.startswith(message) or message in error, error


def test_a_field_of_a_union_alias_reports_the_branch_error_at_its_path(
    scene: ModuleType,
) -> None:
    base = {
        "main": {"kind": "circle", "radius": 1},
        "shapes": [{"kind": "square", "side": 1}],
        "owner": {"email": "e"},
    }
    bad_kind = {**base, "shapes": [{"kind": "square", "side": 1}, {"kind": "oval"}]}
    assert error_of(scene.Scene.from_json, bad_kind) == (
        '$.shapes[1].kind: expected "circle" | "square" | "triangle", got "oval"'
    )
    bad_side = {**base, "main": {"kind": "square", "side": False}}
    assert error_of(scene.Scene.from_json, bad_side) == (
        "$.main.side: expected number, got bool"
    )
    # a placeholder beside the shapes: null, the literal, or a shape by its kind
    for slot in (None, "empty", {"kind": "triangle", "base": 1, "height": 2}):
        document = {**base, "slot": slot}
        assert scene.Scene.from_json(document).to_json() == document
    assert error_of(scene.Scene.from_json, {**base, "slot": "full"}) == (
        "$.slot: no union member matches str"
    )
    assert error_of(scene.Scene.from_json, {**base, "slot": {"kind": 1}}) == (
        '$.slot.kind: expected "circle" | "square" | "triangle", got 1'
    )


def test_fields_and_other_mirrors_use_the_alias_own_decoder(
    shapes: ModuleType, scene: ModuleType
) -> None:
    # one decoder per alias in the package, imported (and re-exported) where it is used
    assert scene.Shape_from_json is shapes.Shape_from_json
    assert scene.Contact_to_json is shapes.Contact_to_json
    assert "Shape_from_json" in scene.__all__
    text = (CASE / "expected" / "scene.py").read_text()
    assert 'Shape_from_json(obj["main"], ".main")' in text
    assert "Shape_from_json(item," in text  # the elements of Shape[]
    assert 'Contact_from_json(obj["owner"], ".owner")' in text


def test_the_chosen_member_is_the_first_in_the_union_that_accepts(
    shapes: ModuleType,
) -> None:
    email = shapes.Contact_from_json({"email": "e"})
    both = shapes.Contact_from_json({"email": "e", "phone": "p"})
    # Contact1 is { email }, Contact3 { email; phone }: with unknown keys rejected, only
    # the third takes both, and what was decoded encodes back to the same document
    assert type(email) is shapes.Contact1
    assert type(both) is shapes.Contact3
    assert shapes.Contact_to_json(both) == {"email": "e", "phone": "p"}
    triangle = shapes.Shape_from_json({"kind": "triangle", "base": 1, "height": 2})
    assert type(triangle) is shapes.Shape3
    square = shapes.Shape_from_json({"kind": "square", "side": 1, "label": None})
    assert shapes.Shape_to_json(square) == {"kind": "square", "side": 1, "label": None}
    assert square.label is None
    assert shapes.Shape_from_json({"kind": "square", "side": 1}).label is shapes.ABSENT


OVERLAP = """
export type Overlap = { kind: 'a'; x: number } | { kind: 'a' | 'b'; x?: number; y?: number };
export type Pair = { a: string } | { b: number };
"""


def test_without_unknown_keys_rejected_the_first_member_that_accepts_wins(
    tmp_path: Path,
) -> None:
    """With `strict_objects = false` an unknown key is ignored, so several members may
    accept a document; the first in the union's order is chosen, and the keys it does not
    declare are dropped (as a class drops them)."""
    (tmp_path / "o.ts").write_text(OVERLAP)
    module = build_ir(
        tmp_path,
        tmp_path / "o.ts",
        "overlap",
        ["Overlap", "Pair"],
        strict_objects=False,
    )
    for name, text in render_package([module], strict_objects=False).items():
        (tmp_path / name).write_text(text)
    mirror = import_mirror(tmp_path, "overlap")

    first = mirror.Overlap_from_json({"kind": "a", "x": 1, "y": 2})
    assert type(first) is mirror.Overlap1
    assert mirror.Overlap_to_json(first) == {"kind": "a", "x": 1}
    assert type(mirror.Overlap_from_json({"kind": "a", "y": 2})) is mirror.Overlap2
    assert type(mirror.Pair_from_json({"a": "x", "b": 1})) is mirror.Pair1
    assert type(mirror.Pair_from_json({"a": 1, "b": 1})) is mirror.Pair2


@pytest.mark.node
def test_a_key_of_another_member_is_unknown_as_ajv_says_not_as_tsc_says(
    tmp_path: Path,
) -> None:
    """TypeScript's excess-property check lets an object literal of a union carry a key
    that any member declares, but that check is about literals in source, not JSON: the
    value {a, b} is no `{ a: string }` (b is unknown) and no `{ b: number }`. With
    `strict_objects` on, a document must be exactly one member, as ajv judges it on the
    generated schema; tsc's verdict is not followed, deliberately."""
    source = tmp_path / "o.ts"
    source.write_text(OVERLAP)
    mirror = render_mirror(tmp_path, source, ["Pair"], tmp_path / "pair.py")
    documents: list[object] = [{"a": "x", "b": 1}, {"a": "x"}, {"b": 1}, {}]

    assert typescript_accepts(source, "Pair", documents[0])
    verdicts = ajv_verdicts(source, "Pair", documents)
    ours = []
    for document in documents:
        try:
            mirror.Pair_from_json(document)
            ours.append(True)
        except mirror.MirrorValidationError:
            ours.append(False)
    assert ours == verdicts == [False, True, True, False]


def test_a_declaration_named_like_a_union_decoder_is_refused(tmp_path: Path) -> None:
    from tsmirror.errors import InputError

    (tmp_path / "n.ts").write_text(
        "export type Shape = { k: 'a' } | { k: 'b' };\n"
        "export interface Shape_from_json { x: string }\n"
    )
    with pytest.raises(InputError) as caught:
        build_ir(tmp_path, tmp_path / "n.ts", "n", ["Shape", "Shape_from_json"])
    assert caught.value.location is not None
    assert caught.value.location.line == 2
    assert "'Shape_from_json'" in caught.value.message


def test_inline_members_are_named_apart_from_declared_names(tmp_path: Path) -> None:
    """The inline members of `Shape` are named after it (Shape1, Shape2), unless a
    declaration already takes the name, even one built later."""
    (tmp_path / "n.ts").write_text(
        "export type Shape = { k: 'a' } | { k: 'b' };\n"
        "export interface Shape1 { x: string }\n"
    )
    module = build_ir(tmp_path, tmp_path / "n.ts", "n", ["Shape", "Shape1"])
    shape = next(d for d in module.declarations if d.name == "Shape")
    assert isinstance(shape, ir.AliasDecl)
    assert shape.type == ir.UnionType((ir.NamedType("Shape12"), ir.NamedType("Shape2")))
    shape1 = next(d for d in module.declarations if d.name == "Shape1")
    assert isinstance(shape1, ir.ObjectDecl) and shape1.fields[0].name == "x"


LONG = """
export interface CircleCreatedEvent { type: 'circle'; r: number }
export interface SquareCreatedEvent { type: 'square'; s: number }
export interface TriangleCreatedEvent { type: 'tri'; b: number }
export interface ShapeDeletedEventWithALongName { type: 'deleted'; id: string }
export type ShapeEvent = CircleCreatedEvent | SquareCreatedEvent | TriangleCreatedEvent | ShapeDeletedEventWithALongName;
export type EventsOrNothingAtAllWithAName = CircleCreatedEvent | SquareCreatedEvent | null | 'x]y';
export type Two = ShapeDeletedEventWithALongName | Record<string, ShapeDeletedEventWithALongName>;
export type AVeryLongUnionAliasNameThatPushesTheSignaturesPastTheLineLimit = {
  type: 'a1' | 'a2' | 'a3' | 'a4' | 'a5' | 'a6' | 'a7' | 'a8';
} | ShapeEvent;
"""


def test_long_unions_are_laid_out_as_ruff_format_leaves_them(tmp_path: Path) -> None:
    """The alias split in parentheses, one member a line when they do not fit on one;
    signatures split; the allowed values of a long discriminant in a constant."""
    (tmp_path / "long.ts").write_text(LONG)
    names = ["ShapeEvent", "EventsOrNothingAtAllWithAName", "Two"]
    names.append("AVeryLongUnionAliasNameThatPushesTheSignaturesPastTheLineLimit")
    mirror = render_mirror(tmp_path, tmp_path / "long.ts", names, tmp_path / "long.py")
    lint_generated(tmp_path / "long.py")
    text = (tmp_path / "long.py").read_text()
    assert "ShapeEvent: TypeAlias = (\n    CircleCreatedEvent\n    | " in text
    decode = (
        mirror.AVeryLongUnionAliasNameThatPushesTheSignaturesPastTheLineLimit_from_json
    )
    assert error_of(decode, {"type": "b"}).startswith(
        '$.type: expected "a1" | "a2" | "a3"'
    )
    assert decode({"type": "deleted", "id": "i"}).id == "i"


def test_discriminant_rule() -> None:
    """As TypeScript defines a discriminant, restricted to what makes dispatch exact: a
    property every object member requires, of literal (or null) types, disjoint."""
    from tsmirror.algebra import discriminant

    def obj(name: str, *fields: tuple[str, ir.TypeRef, bool]) -> ir.ObjectDecl:
        return ir.ObjectDecl(
            name, tuple(ir.Field(n, n, t, o, None) for n, t, o in fields), None
        )

    def units(type_: ir.TypeRef) -> list[ir.TypeRef] | None:
        members = list(type_.members) if isinstance(type_, ir.UnionType) else [type_]
        literal = all(isinstance(m, ir.LiteralType) or m == ir.NULL for m in members)
        return members if literal else None

    a, b = ir.LiteralType("a"), ir.LiteralType("b")
    one, true = ir.LiteralType(1), ir.LiteralType(True)
    x = obj("X", ("n", ir.NUMBER, False), ("k", a, False))
    y = obj("Y", ("k", b, False))
    assert discriminant([x, y], units) == "k"
    assert discriminant([x], units) is None  # one object: nothing to dispatch
    # 1 and true are different JSON values, though Python says True == 1
    assert discriminant(
        [obj("P", ("t", one, False)), obj("Q", ("t", true, False))], units
    )
    overlapping = obj("Z", ("k", ir.UnionType((a, b)), False))
    assert discriminant([x, overlapping], units) is None
    assert discriminant([x, obj("O", ("k", b, True))], units) is None  # optional
    assert discriminant([x, obj("S", ("k", ir.STRING, False))], units) is None
    assert discriminant([x, obj("N", ("k", ir.NULL, False))], units) == "k"
    assert discriminant([x, obj("M", ("j", b, False))], units) is None  # missing


def test_generated_dispatch_is_straight_to_the_branch() -> None:
    text = (CASE / "expected" / "shapes.py").read_text()
    body = text.split("def Shape_from_json(", 1)[1].split("\ndef ", 1)[0]
    # one lookup of the discriminant, one comparison per member, no trial and error (the
    # one try adds the caller's path to an error)
    assert "errors" not in body and body.count("try:") == 1
    assert re.findall(r'if tag == "(\w+)":', body) == ["circle", "square", "triangle"]
    contact = text.split("def Contact_from_json(", 1)[1].split("\ndef ", 1)[0]
    assert contact.count("try:") == 1 + 3
