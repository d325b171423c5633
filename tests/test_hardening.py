"""Hostile input never yields wrong, unsafe or unimportable Python.

Strings built to break code generators go into TypeScript as correctly escaped literals; the
generated module must import, hold exactly those strings, and pass ruff. Names that are not
Python identifiers must be renamed safely, and names that would collide must be refused.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mirrors import lint_generated, render_mirror
from tsmirror.errors import InputError
from tsmirror.generate import build_ir
from tsmirror.ts.evaluate import MAX_DEPTH

BIN = Path(sys.executable).parent


def ts_string(text: str) -> str:
    """A TypeScript string literal for ``text``: every character escaped as UTF-16 units, so
    lone surrogates (legal in a JS string) survive too."""
    units = text.encode("utf-16-le", "surrogatepass")
    codes = [
        int.from_bytes(units[i : i + 2], "little") for i in range(0, len(units), 2)
    ]
    return '"' + "".join(f"\\u{code:04x}" for code in codes) + '"'


def js_key_order(keys: list[str]) -> list[str]:
    """The order JavaScript gives an object's keys: array indices (canonical integers below
    2**32 - 1) ascending, then the rest as inserted."""

    def is_index(key: str) -> bool:
        canonical = key.isascii() and key.isdigit() and str(int(key)) == key
        return canonical and int(key) < 2**32 - 1

    return sorted(filter(is_index, keys), key=int) + [
        k for k in keys if not is_index(k)
    ]


# Text that has broken code generators: quotes, backslashes, newlines, Jinja and format
# syntax, NUL and other controls, bidi overrides, and any Unicode including lone surrogates.
NASTY = [
    '"""',
    "'''",
    "\\",
    '\\"',
    "{{ x }}",
    "{% raw %}",
    "{#",
    "\0",
    "\r\n",
    "\u2028",
    "\u202e",
    "\ud800",
    "#",
    "__import__('os').system('x')",
    "\x1b[31m",
    "__proto__",
]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40),
    st.lists(st.sampled_from(NASTY), max_size=6).map("".join),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=st.lists(texts, min_size=1, max_size=8), keys=st.lists(texts, max_size=8))
def test_any_string_round_trips_through_a_mirror(
    tmp_path: Path, values: list[str], keys: list[str]
) -> None:
    case = Path(tempfile.mkdtemp(dir=tmp_path))
    keys = list(dict.fromkeys(keys))  # a repeated key is (rightly) an error
    obj = ", ".join(
        f"{ts_string(k)}: {ts_string(v)}"
        for k, v in zip(keys, values * len(keys), strict=False)
    )
    array = ", ".join(ts_string(v) for v in values)
    # JSDoc is raw text in the file, so it can hold anything but a lone surrogate or "*/".
    doc_text = (
        values[0].encode("utf-8", "backslashreplace").decode().replace("*/", "* /")
    ).replace("\0", "")  # tree-sitter reads NUL as the end of input
    (case / "strings.ts").write_text(
        f"export const VALUES = [{array}] as const;\n"
        f"export const KEYED = {{{obj}}};\n"
        f"/** {doc_text} */\n"
        f"export const SINGLE = {ts_string(values[0])};\n",
        encoding="utf-8",
    )
    out = case / f"strings_mirror_{case.name}.py"
    mirror = render_mirror(
        case, case / "strings.ts", ["VALUES", "KEYED", "SINGLE"], out
    )
    assert mirror.VALUES == tuple(values)
    # A literal `"__proto__": v` sets the prototype (to nothing, for a string), so Node's
    # object has no such key and JSON.stringify never prints one.
    expected_keyed = {
        k: v for k, v in zip(keys, values * len(keys), strict=False) if k != "__proto__"
    }
    assert dict(mirror.KEYED) == expected_keyed
    assert list(mirror.KEYED) == js_key_order(list(expected_keyed))
    assert mirror.SINGLE == values[0]
    # ASCII only: no source character can hide as a look-alike or a bidi control.
    assert out.read_bytes().isascii()
    ruff = subprocess.run(
        [
            BIN / "ruff",
            "check",
            "--no-cache",
            "--select",
            "E,F,W,PLE",
            "--ignore",
            "E501",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout


HOSTILE_NAMES = [
    "class",
    "from",
    "None",
    "match",
    "type",
    "__init__",
    "__class__",
    "content-type",
    "2fa",
    "café",
    "日本",
    "str",
    "to_json",
    "from_json",
    "_FIELDS",
    "Mapping",
    "_string",
]


def test_hostile_field_names_become_safe_attributes(tmp_path: Path) -> None:
    fields = "\n".join(f"  {ts_string(name)}: string;" for name in HOSTILE_NAMES)
    (tmp_path / "names.ts").write_text(
        f"export interface Hostile {{\n{fields}\n  plain: str2;\n}}\n"
        "export type str2 = 'x' | 'y';\n",
        encoding="utf-8",
    )
    out = tmp_path / "names_mirror.py"
    mirror = render_mirror(tmp_path, tmp_path / "names.ts", ["Hostile"], out)
    document = {name: f"value of {name}" for name in HOSTILE_NAMES} | {"plain": "x"}
    value = mirror.Hostile.from_json(document)
    assert value.to_json() == document
    assert value.class_ == "value of class"
    assert value.content_type == "value of content-type"
    assert value._2fa == "value of 2fa"
    assert value.str_ == "value of str"
    assert callable(value.to_json) and callable(mirror.Hostile.from_json)
    lint_generated(out)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (
            "export interface T { 'a-b': string; a_b: string }",
            "both become the Python name",
        ),
        (
            "export interface T { 'x y': string; 'x-y': string }",
            "both become the Python name",
        ),
        ("export enum T { 'a-b' = 'p', a_b = 'q' }", "both become the Python name"),
    ],
)
def test_names_that_collide_in_python_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, words: str
) -> None:
    monkeypatch.chdir(tmp_path)  # errors name files relative to the working directory
    (tmp_path / "clash.ts").write_text(source + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        build_ir(tmp_path, tmp_path / "clash.ts", "clash", ["T"])
    assert words in str(raised.value)
    assert str(raised.value).startswith("clash.ts:1:")


def test_enum_members_that_shadow_str_methods_are_renamed(tmp_path: Path) -> None:
    (tmp_path / "e.ts").write_text(
        "export enum Op { upper = 'u', name = 'n', _hidden = 'h', mro = 'm' }\n",
        encoding="utf-8",
    )
    mirror = render_mirror(
        tmp_path, tmp_path / "e.ts", ["Op"], tmp_path / "enum_mirror.py"
    )
    assert [m.value for m in mirror.Op] == ["u", "n", "h", "m"]
    assert mirror.Op("u").upper() == "U"  # str.upper still works on a member


@pytest.mark.parametrize(
    "text",
    [
        "export const X = " + "[" * 10_000 + "]" * 10_000 + ";",
        "export const X = "
        + "{a: " * (MAX_DEPTH + 5)
        + "1"
        + "}" * (MAX_DEPTH + 5)
        + ";",
        "export const X = " + "(" * 5000 + "1" + ")" * 5000 + ";",
        "export const X = " + "!" * 5000 + "true;",
        "export interface X { a: string" + "[]" * 5000 + " }",
    ],
    ids=["arrays", "objects", "parens", "negations", "array-types"],
)
def test_deep_nesting_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deep.ts").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        build_ir(tmp_path, tmp_path / "deep.ts", "deep", ["X"])
    assert f"deeper than {MAX_DEPTH} levels" in str(raised.value)
    assert str(raised.value).startswith("deep.ts:1:")


def test_nesting_at_the_limit_still_renders_importable_python(tmp_path: Path) -> None:
    depth = (
        MAX_DEPTH // 2 - 2
    )  # each object level is two evaluation levels with its pair
    text = "export const X = " + "{a: " * depth + "[1]" + "}" * depth + ";\n"
    (tmp_path / "deep.ts").write_text(text, encoding="utf-8")
    mirror = render_mirror(
        tmp_path, tmp_path / "deep.ts", ["X"], tmp_path / "deep_mirror.py"
    )
    value = mirror.X
    for _ in range(depth):
        value = value["a"]
    assert value == (1,)


def test_a_union_of_thousands_of_members_is_not_recursive(tmp_path: Path) -> None:
    members = " | ".join(f"'m{i}'" for i in range(20_000))
    (tmp_path / "wide.ts").write_text(f"export type U = {members};\n", encoding="utf-8")
    module = build_ir(tmp_path, tmp_path / "wide.ts", "wide", ["U"])
    (alias,) = module.declarations
    assert len(alias.type.members) == 20_000  # type: ignore[union-attr]


def test_an_oversized_source_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    big = tmp_path / "big.ts"
    with big.open("wb") as handle:  # 50 MB: a comment, then one const
        handle.write(b"//" + b"x" * (50 * 1024 * 1024) + b"\nexport const X = 1;\n")
    with pytest.raises(InputError) as raised:
        build_ir(tmp_path, big, "big", ["X"])
    assert str(raised.value).startswith("big.ts: error: file is ")


def test_wide_objects_and_long_strings_render(tmp_path: Path) -> None:
    keys = ", ".join(f"k{i}: {i}" for i in range(200_000))
    (tmp_path / "wide.ts").write_text(
        f"export const WIDE = {{{keys}}};\nexport const LONG = '{'a' * 10_000_000}';\n"
    )
    module = build_ir(tmp_path, tmp_path / "wide.ts", "wide", ["WIDE", "LONG"])
    wide, long = module.declarations
    assert len(wide.value) == 200_000  # type: ignore[union-attr, arg-type]
    assert len(long.value) == 10_000_000  # type: ignore[union-attr, arg-type]
