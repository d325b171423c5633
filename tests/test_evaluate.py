"""Static evaluation of consts: what JSON.stringify would print, or a located refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.oracle import node_evaluate
from tsmirror.errors import InputError
from tsmirror.extract_json import stringify
from tsmirror.ir import JsonValue
from tsmirror.ts.evaluate import Evaluator, to_json
from tsmirror.ts.program import Program


def evaluate(
    tmp_path: Path, source: str, name: str, file: str = "main.ts"
) -> JsonValue:
    path = tmp_path / file
    path.write_text(source, encoding="utf-8")
    program = Program(tmp_path)
    binding = program.resolve_export(program.load(path), name, None)
    assert binding.declaration is not None
    evaluator = Evaluator(program)
    return to_json(evaluator.evaluate_declaration(binding.file, binding.declaration))


def refusal(tmp_path: Path, source: str, name: str) -> InputError:
    with pytest.raises(InputError) as caught:
        evaluate(tmp_path, source, name)
    return caught.value


def test_object_literal_keeps_source_key_order(tmp_path: Path) -> None:
    value = evaluate(
        tmp_path, "export const X = { zeta: 1, alpha: 'a', mid: true };", "X"
    )
    assert value == {"zeta": 1, "alpha": "a", "mid": True}
    assert isinstance(value, dict) and list(value) == ["zeta", "alpha", "mid"]


def test_integer_like_keys_come_first_ascending_as_in_javascript(
    tmp_path: Path,
) -> None:
    value = evaluate(
        tmp_path, "export const X = { b: 0, 10: 'ten', 2: 'two', a: 1 };", "X"
    )
    assert isinstance(value, dict)
    assert list(value) == ["2", "10", "b", "a"]


def test_nested_arrays_and_objects(tmp_path: Path) -> None:
    source = "export const X = [{ a: [1, -2.5, null] }, [], 'x', false];"
    assert evaluate(tmp_path, source, "X") == [{"a": [1, -2.5, None]}, [], "x", False]


def test_as_const_is_transparent(tmp_path: Path) -> None:
    source = "export const X = ['read', 'write'] as const;"
    assert evaluate(tmp_path, source, "X") == ["read", "write"]


def test_array_spreads_of_local_consts_keep_order(tmp_path: Path) -> None:
    source = (
        "const A = ['a1', 'a2'] as const;\n"
        "export const B = ['b1'] as const;\n"
        "export const ALL = [...A, 'mid', ...B] as const;\n"
    )
    assert evaluate(tmp_path, source, "ALL") == ["a1", "a2", "mid", "b1"]


def test_object_spread_is_overridden_by_a_later_key(tmp_path: Path) -> None:
    source = (
        "const BASE = { x: 1, y: 2 } as const;\n"
        "export const X = { ...BASE, y: 3, z: 4 };\n"
    )
    value = evaluate(tmp_path, source, "X")
    assert value == {"x": 1, "y": 3, "z": 4}
    assert isinstance(value, dict) and list(value) == ["x", "y", "z"]


def test_reference_to_a_const_in_another_file(tmp_path: Path) -> None:
    (tmp_path / "caps.ts").write_text("export const CAPS = ['c'] as const;\n")
    source = "import { CAPS } from './caps';\nexport const X = { caps: CAPS };\n"
    assert evaluate(tmp_path, source, "X") == {"caps": ["c"]}


def test_annotated_matrix_of_booleans(tmp_path: Path) -> None:
    source = (
        "type Actor = 'operator' | 'kora';\n"
        "export const M: Readonly<Record<'cap_a', Record<Actor, boolean>>> = {\n"
        "  // a comment between entries is not a value\n"
        "  cap_a: { operator: true, kora: false },\n"
        "};\n"
    )
    assert evaluate(tmp_path, source, "M") == {
        "cap_a": {"operator": True, "kora": False}
    }


def test_call_expression_is_refused_at_the_call(tmp_path: Path) -> None:
    error = refusal(tmp_path, "// setup\nexport const X = foo();\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (2, 18)
    assert str(error) == (
        f"{tmp_path / 'main.ts'}:2:18: error: call expression foo() is not statically "
        "evaluable"
    )


def test_call_nested_in_an_array_is_refused_where_it_is(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export const X = [\n  'a',\n  make('b'),\n];\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (3, 3)


def test_let_binding_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export let X = 1;\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (1, 12)
    assert "let binding 'X' is not statically evaluable" in error.message


def test_const_that_reads_a_let_binding_is_refused_at_the_use(tmp_path: Path) -> None:
    error = refusal(tmp_path, "let n = 1;\nexport const X = [0, n];\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (2, 22)
    assert "let binding 'n'" in error.message


def test_undeclared_name_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export const X = [MISSING];\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (1, 19)
    assert "'MISSING' is not declared or imported" in error.message


def test_a_global_used_as_a_value_is_refused_as_a_global(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export const X = { json: JSON };\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (1, 26)
    assert error.message == (
        "'JSON' is a global of JavaScript or Node.js, not a value tsmirror evaluates"
    )


def test_duplicate_key_is_refused_at_the_second_key(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export const X = {\n  a: 1,\n  a: 2,\n};\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (3, 3)
    assert "duplicate key 'a'" in error.message


def test_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    # "é" is two bytes in UTF-8; editors count it as one column.
    error = refusal(tmp_path, "export const X = { 'é': 1, b: f() };\n", "X")
    assert error.location is not None
    assert error.location.col == 31


def value_or_refusal(tmp_path: Path, source: str, name: str) -> object:
    """The value, or the InputError; a refusal is always an acceptable answer."""
    try:
        return evaluate(tmp_path, source, name)
    except InputError as error:
        assert error.location is not None, str(error)
        return error


@pytest.mark.parametrize(
    ("source", "javascript"),
    [
        ("export const X = [1, , 3];", [1, None, 3]),
        ("export const X = [1, 2, ,];", [1, 2, None]),
        ("export const X = [...[1, , 3]];", [1, None, 3]),
    ],
)
def test_array_holes_are_null_as_in_json_stringify(
    tmp_path: Path, source: str, javascript: list[object]
) -> None:
    # JSON.stringify([1, , 3]) is "[1,null,3]"; dropping the hole shifts every later index.
    result = value_or_refusal(tmp_path, source, "X")
    assert isinstance(result, InputError) or result == javascript


@pytest.mark.parametrize(
    "source",
    [
        "export const X = { __proto__: { a: 1 }, b: 2 };",
        "export const X = { '__proto__': null, b: 2 };",
    ],
)
def test_proto_key_is_not_an_own_property(tmp_path: Path, source: str) -> None:
    result = value_or_refusal(tmp_path, source, "X")
    assert isinstance(result, InputError) or result == {"b": 2}


def test_computed_proto_key_is_an_own_property(tmp_path: Path) -> None:
    # The one spelling that does create a "__proto__" key, as JSON.stringify shows.
    source = "export const X = { ['__proto__']: 5, b: 2 };"
    assert evaluate(tmp_path, source, "X") == {"__proto__": 5, "b": 2}


@pytest.mark.node
def test_line_separators_in_strings_print_as_node_prints_them(tmp_path: Path) -> None:
    # JSON.stringify leaves U+2028 and U+2029 raw; tsmirror extract must too.
    source = "export const S = ['\\u2028', '\\u2029', '\\x1c', '\\x85'];\n"
    value = evaluate(tmp_path, source, "S")
    assert value == ["\u2028", "\u2029", "\x1c", "\x85"]
    assert node_evaluate(tmp_path / "main.ts", "S") == [stringify(value)]


@pytest.mark.node
def test_escapes_and_numbers_in_containers_print_as_node_prints_them(
    tmp_path: Path,
) -> None:
    # Objects and arrays print through the json module's encoder unless a float, a huge
    # integer or a lone surrogate needs JavaScript's own spelling; each case, and strings
    # that only look like such numbers, against Node.
    source = (
        "export const A = { 'q\"\\\\\\b\\f\\n\\r\\t\\x00\\x1f\\x7f': [1, -5, 'é😀/<'] };\n"
        "export const B = [1.5, 1e21, 1e-7, -0.0001, 123456789012345680000];\n"
        "export const C = { a: ['\\ud800', 'x\\udfffy'] };\n"
        "export const D = { ',1.5': ':2e3', '[1': 9007199254740992 };\n"
        "export const E = [[], {}, [[{}]], null, true, false];\n"
    )
    for name in "ABCDE":
        value = evaluate(tmp_path, source, name)
        assert node_evaluate(tmp_path / "main.ts", name) == [stringify(value)], name
