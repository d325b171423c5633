"""The path a `from_json` error names, through every way a decoder descends into a value.

Decoders build no path while a document decodes: an error names its place from the value the
failing decoder was given, and each decoder it passes through on the way out adds the step it
took. These tests pin the whole path at the end of long and unusual descents, and the
decoded values where the generated code reuses names.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.mirrors import lint_generated, render_mirror

SHAPES = """\
export interface Leaf { n: number; note?: string | null }
export enum Color { Red = 'red', Blue = 'blue' }
export interface Shapes {
  leaves: Leaf[];
  grid: readonly Leaf[][];
  byName: Record<string, Leaf[]>;
  pair: [Leaf, Leaf[]?];
  rows: [string, ...string[][]];
  either: Leaf | string[] | null;
  colors: Color[];
  later?: Leaf[];
}
"""

VALID: dict[str, Any] = {
    "leaves": [{"n": 1}, {"n": 2, "note": None}],
    "grid": [[{"n": 3}], [{"n": 4}, {"n": 5, "note": "x"}]],
    "byName": {"a": [{"n": 6}], "not an identifier": [{"n": 7}]},
    "pair": [{"n": 8}, [{"n": 9}]],
    "rows": ["head", ["a", "b"], [], ["c"]],
    "either": {"n": 10},
    "colors": ["red", "blue"],
    "later": [{"n": 11}],
}


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("shapes")
    (folder / "shapes.ts").write_text(SHAPES, encoding="utf-8")
    out = folder / "shapes.py"
    mirror = render_mirror(folder, folder / "shapes.ts", ["Shapes"], out)
    lint_generated(out)
    return mirror


def test_every_descent_decodes_the_document(shapes: ModuleType) -> None:
    value = shapes.Shapes.from_json(VALID)
    assert value.to_json() == VALID
    # a rest of arrays checked in place: each array whole, not its last item
    assert value.rows == ("head", ("a", "b"), (), ("c",))


@pytest.mark.parametrize(
    ("where", "bad", "message"),
    [
        (["leaves", 1, "n"], "2", "$.leaves[1].n: expected number, got str"),
        (["leaves", 1], 2, "$.leaves[1]: expected object, got int"),
        (["grid", 1, 1, "note"], 5, "$.grid[1][1].note: no union member matches int"),
        (
            ["byName", "not an identifier", 0, "n"],
            None,
            "$.byName['not an identifier'][0].n",
        ),
        (["pair", 1, 0, "n"], True, "$.pair[1][0].n: expected number, got bool"),
        (["rows", 3, 0], 1, "$.rows[3][0]: expected string, got int"),
        (["rows", 2], "x", "$.rows[2]: expected array, got str"),
        (["either", "n"], "x", "$.either.n: expected number, got str"),
        (["colors", 1], "green", '$.colors[1]: expected "red" | "blue", got "green"'),
        (["later", 0, "extra"], 1, "$.later[0].extra: unknown key"),
    ],
)
def test_an_error_names_the_whole_path(
    shapes: ModuleType, where: list[Any], bad: object, message: str
) -> None:
    document = copy.deepcopy(VALID)
    parent = document
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = bad

    with pytest.raises(shapes.MirrorValidationError) as caught:
        shapes.Shapes.from_json(document)

    assert str(caught.value).startswith(message)
    assert caught.value.path == message.split(": ", 1)[0]
    assert str(caught.value) == f"{caught.value.path}: {caught.value.message}"


def test_a_deep_document_names_its_deepest_key(tmp_path: Path) -> None:
    (tmp_path / "t.ts").write_text(
        "export interface Tree { label: string; children: readonly Tree[] }\n",
        encoding="utf-8",
    )
    mirror = render_mirror(tmp_path, tmp_path / "t.ts", ["Tree"], tmp_path / "t.py")
    document: dict[str, Any] = {"label": 0, "children": []}
    for _ in range(60):
        document = {
            "label": "x",
            "children": [{"label": "y", "children": []}, document],
        }

    with pytest.raises(mirror.MirrorValidationError) as caught:
        mirror.Tree.from_json(document)

    assert caught.value.path == "$" + ".children[1]" * 60 + ".label"


def test_keys_that_break_string_syntax_stay_literal_in_paths(tmp_path: Path) -> None:
    names = ["{index}", "{{x}}", "a'b", 'q"uote', "back\\slash", "tab\tkey"]
    fields = "".join(
        f"  {_ts_key(n)}: Item[];\n  {_ts_key(n + '!')}: string[];\n" for n in names
    )
    (tmp_path / "k.ts").write_text(
        f"export interface Item {{ n: number }}\nexport interface Keys {{\n{fields}}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "k.py"
    mirror = render_mirror(tmp_path, tmp_path / "k.ts", ["Keys"], out)
    lint_generated(out)
    valid = {key: [{"n": 1}] for key in names} | {f"{n}!": ["s"] for n in names}
    assert mirror.Keys.from_json(valid).to_json() == valid
    for name in names:
        with pytest.raises(mirror.MirrorValidationError) as caught:
            mirror.Keys.from_json({**valid, name: [{"n": 1}, {"n": "1"}]})
        assert caught.value.path == f"$[{name!r}][1].n"
        with pytest.raises(mirror.MirrorValidationError) as caught:
            mirror.Keys.from_json({**valid, f"{name}!": ["s", 2]})
        assert caught.value.path == f"$[{name + '!'!r}][1]"


def test_classes_whose_names_and_fields_join_alike_keep_their_own_slots(
    tmp_path: Path,
) -> None:
    """`A.b_c` and `A_b.c` would both be set through `_set_A_b_c`."""
    (tmp_path / "j.ts").write_text(
        "export interface A { b_c: string }\nexport interface A_b { c: number }\n",
        encoding="utf-8",
    )
    out = tmp_path / "j.py"
    mirror = render_mirror(tmp_path, tmp_path / "j.ts", ["A", "A_b"], out)
    lint_generated(out)
    assert mirror.A.from_json({"b_c": "s"}).b_c == "s"
    assert mirror.A_b.from_json({"c": 1}).c == 1
    assert re.search(r"^_set_A_b_c_[0-9a-f]{8}: Final", out.read_text(), re.MULTILINE)


def _ts_key(name: str) -> str:
    return (
        '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
    )
