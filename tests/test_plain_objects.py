"""Plain object literals (names or quoted keys; true, false, null or quoted values; no escapes
or comments) are read from their bytes rather than node by node. Both readings must agree
exactly, refusals and their locations included, and with Node."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.oracle import node_evaluate
from tsmirror.errors import InputError
from tsmirror.extract_json import stringify
from tsmirror.ts import effects, evaluate, source
from tsmirror.ts.evaluate import Evaluator, to_json
from tsmirror.ts.program import Program


def read(folder: Path, text: str) -> tuple[object, object]:
    """The value of X (or its refusal) and the file's effects summary."""
    path = folder / "main.ts"
    path.write_text(text, encoding="utf-8")
    program = Program(folder)
    file = program.load(path)
    binding = program.resolve_export(file, "X", None)
    assert binding.declaration is not None
    effects._CACHE.clear()
    summary = effects.file_effects(file)
    try:
        value = to_json(
            Evaluator(program).evaluate_declaration(file, binding.declaration)
        )
    except InputError as error:
        return str(error), summary
    return (value, list(value) if isinstance(value, dict) else None), summary


def both_readings(
    folder: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[object, object], tuple[object, object]]:
    fast = read(folder, text)
    with monkeypatch.context() as patched:
        patched.setattr(evaluate, "plain_object", lambda file, node: None)
        patched.setattr(effects, "is_plain_object", lambda file, node: False)
        slow = read(folder, text)
    return fast, slow


CASES = [
    "export const X = { a: true, b: false, c: null, d: 'x', e: \"y\" };\n",
    "export const X = { 'b': 1 === 1 ? {} : {}, c: { z: true, '2': 'two', '1': '' } };\n",
    "export const X = { a: { '': '', \"\": 'dup' } };\n",  # a repeated key: refused
    "export const X = { a: { x: true, x: false } };\n",
    "export const X = { a: { __proto__: null, b: true } };\n",
    "export const X = { a: { 'é ü': 'ß ∑ 😀', constructor: 'c', $_: \"'\" } };\n",
    "export const X = { a: {\n\t k : true ,\n}, b: {} };\n",
    "export const X = [{ a: 'x' }, { '4294967295': true, '10': 1 > 0, '09': null }];\n",
]


@pytest.mark.parametrize("text", CASES)
def test_both_readings_agree(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = both_readings(tmp_path, text, monkeypatch)
    assert fast == slow


def test_the_fast_reading_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "main.ts"
    path.write_text(CASES[0], encoding="utf-8")
    program = Program(tmp_path)
    file = program.load(path)
    decl = file.values["X"]
    value = decl.node.child_by_field_name("value")
    assert value is not None and source.is_plain_object(file, value)
    assert source.plain_object(file, value) == {
        "a": True,
        "b": False,
        "c": None,
        "d": "x",
        "e": "y",
    }


@pytest.mark.node
def test_plain_objects_print_as_node_prints_them(tmp_path: Path) -> None:
    for index, text in enumerate(CASES):
        folder = tmp_path / str(index)
        folder.mkdir()
        value, _ = read(folder, text)
        if isinstance(value, str):
            continue  # refused (a repeated key), which TypeScript refuses too
        assert isinstance(value, tuple)
        assert node_evaluate(folder / "main.ts", "X") == [stringify(value[0])], text


_KEYS = st.sampled_from(
    ["a", "b", "$", "_x", "'a'", '"b"', "''", "'1'", "'0'", "'01'", "__proto__",
     "'__proto__'", "'é'", "constructor", "true", "'a b'"]
)  # fmt: skip
_VALUES = st.sampled_from(
    ["true", "false", "null", "''", "'x'", '"y"', "'é😀'", "1", "undefined", "{}", "[]"]
)  # fmt: skip
_GAPS = st.sampled_from(["", " ", "\n", "\t", "\r\n", " /* c */ ", "\u00a0"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_KEYS, _GAPS, _VALUES, _GAPS), max_size=5),
    st.booleans(),
)
def test_both_readings_agree_on_generated_objects(
    tmp_path_factory: pytest.TempPathFactory,
    pairs: list[tuple[str, str, str, str]],
    trailing: bool,
) -> None:
    inner = ",".join(f"{key}{gap}:{value}{after}" for key, gap, value, after in pairs)
    text = (
        "export const X = { m: {"
        + inner
        + ("," if trailing and pairs else "")
        + "} };\n"
    )
    folder = tmp_path_factory.mktemp("plain")
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_readings(folder, text, monkeypatch)
    assert fast == slow, text
