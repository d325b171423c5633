"""Syntax the grammar accepts but TypeScript rejects (queries/lenient-syntax.scm) is refused
with its location, wherever it is; the byte-level look for candidates that spares the query
on most files never misses one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tree_sitter import QueryCursor

from tsmirror.errors import InputError
from tsmirror.generate import build_ir
from tsmirror.ts import source as source_module
from tsmirror.ts.source import file_checks_query, parse_source


def parse(text: str) -> None:
    data = text.encode()
    parse_source(Path("/m.ts"), "m.ts", "m.ts", data)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("export type T = 'a' | | 'b';\n", "1:23", "consecutive operators"),
        ("export type T = 'a' | /* c */\n | 'b';\n", "2:2", "consecutive operators"),
        (
            "type A = {a: 1};\nexport type T = A & & A;\n",
            "2:21",
            "consecutive operators",
        ),
        ("export const X = { a: 1,, b: 2 };\n", "1:25", "empty object member"),
        ("export const X = { a: 1,\n\t , b: 2 };\n", "2:3", "empty object member"),
        ("export const X = {, a: 1 };\n", "1:19", "empty object member"),
        ("export const X = {\u2028, a: 1 };\n", "1:20", "empty object member"),
        ("export const A = [] as c, nst;\n", "1:27", "uninitialized const"),
        ("export function f() {\n  const x;\n}\n", "2:9", "uninitialized const"),
    ],
)
def test_lenient_syntax_is_refused_where_it_is(
    text: str, where: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse(text)
    assert str(caught.value) == f"m.ts:{where}: error: syntax error: {message}"


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\u2028", " /*\n*/ ", " // c\n"])
@pytest.mark.parametrize(
    "text",
    [
        "export type{}K = 'a';\n",
        "type{}K = 'a';\n",
        "export declare{}const Z: 1;\n",
        "declare{}const Q: 1;\n",
        "abstract{}class C {{}}\n",
        "export abstract{}class D {{}}\n",
        "interface{}I {{}}\n",
        "export interface{}J {{}}\n",
        "namespace{}N {{}}\n",
        "declare{}module 'x' {{}}\n",
        "export async{}function g() {{}}\n",
        "export const f = async{}(x: number) => x;\n",
    ],
)
def test_a_line_break_after_a_contextual_keyword_is_refused(
    tmp_path: Path, text: str, brk: str
) -> None:
    # TypeScript (and esbuild, so Node) reads such a keyword followed by a line break as
    # a name that ends its statement, or rejects it: loading the file fails. The grammar
    # reads on, across a CR or U+2028 and across a comment holding a line break, even
    # where it stops at a \n (then the name is refused as declared nowhere, or what
    # follows it as a syntax error).
    (tmp_path / "m.ts").write_text("export const V = 1;\n" + text.format(brk))
    with pytest.raises(InputError) as caught:
        build_ir(tmp_path, tmp_path / "m.ts", "m", ["V"])
    message = str(caught.value)
    assert "m.ts:2:" in message or "m.ts:3:" in message
    assert "syntax error" in message or "declared nowhere" in message


def test_what_typescript_accepts_passes() -> None:
    parse("export type /* c */ K = 'a';\nexport declare const Z: 1;\n")
    parse("const type = 1;\nexport const T = type\n  + 1;\nasync function f() {}\n")
    parse("declare const X: number;\nexport const Y = [1, , 2] || { a: 1, b: [,] };\n")
    parse("export type T = | 'a' | 'b';\nexport const Z = true && false;\n")


def test_every_pattern_has_a_candidate() -> None:
    # Four patterns with a byte-level candidate, then the uninitialized const: a new
    # pattern in queries/lenient-syntax.scm needs a candidate in tsmirror.ts.source.
    assert file_checks_query().pattern_count == 5


_TOKENS = ["'a'", "A", "a: 1", "1", "x", "const", "=", ";", "[", "]", "{", "}", "as"]
_EXTRAS = [
    " ", "\n", "\r", "\t", "\u2028", "\u2029", "\u00a0", "\ufeff", "/* c */", "/* * / */",
    "// c\n", "// c\r", "// c\u2028", "<!-- c\n", "<!-- c\u2029", "\n--> c\n", "/**/",
]  # fmt: skip
_CONTEXTS = [
    ("type A = 1;\nexport type T = ", ";\n"),
    ("type A = 1;\nexport type T = A ", " A;\n"),
    ("export const X = {", "};\n"),
    ("export const X = [", "];\n"),
    ("export const X = ", ";\n"),
    ("export function f() {\n", "\n}\n"),
    ("", ""),
]
_PARTS = st.lists(st.sampled_from(_TOKENS), max_size=3).map(" ".join)


@settings(max_examples=1500, deadline=None)
@example(_CONTEXTS[1], "", "|", "// c\r", "|", "")  # a CR ends a line comment
@example(_CONTEXTS[1], "", "&", "<!-- c\u2029", "&", "")
@given(
    st.sampled_from(_CONTEXTS),
    _PARTS,
    st.sampled_from(["|", "&", ",", "{"]),
    st.lists(st.sampled_from(_EXTRAS), max_size=4).map("".join),
    st.sampled_from(["|", "&", ","]),
    _PARTS,
)
def test_the_query_matches_only_where_a_candidate_was_found(
    context: tuple[str, str],
    before: str,
    first: str,
    between: str,
    second: str,
    after: str,
) -> None:
    text = context[0] + before + first + between + second + after + context[1]
    data = text.encode()
    tree = source_module.typescript_parser().parse(data)
    if tree.root_node.has_error:
        return  # refused as a syntax error before the query runs
    file = source_module.SourceFile(
        path=Path("/m.ts"), display="m.ts", shown="m.ts", data=data, tree=tree
    )
    if QueryCursor(file_checks_query()).captures(tree.root_node):
        assert source_module._lenient_candidate(
            data
        ) or source_module._uninitialized_const(file)


# The keyword scan finds, with bytes.find, what the expression below finds (which tries
# every position in Python's engine): a whole word, then extras holding a line break.
_KEYWORD_WORDS = [
    "type",
    "declare",
    "abstract",
    "interface",
    "namespace",
    "module",
    "async",
]
_KEYWORD_EXPRESSION = re.compile(
    rb"\b(?:" + "|".join(_KEYWORD_WORDS).encode() + rb")\b"
)


def _keyword_scan_by_expression(data: bytes) -> bool:
    for keyword in _KEYWORD_EXPRESSION.finditer(data):
        gap = source_module._EXTRAS_AT.match(data, keyword.end())
        if gap is not None and source_module._LINE_BREAK.search(
            data, keyword.end(), gap.end()
        ):
            return True
    return False


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*_KEYWORD_WORDS, *_EXTRAS, *_TOKENS, "$", "_", "9", "é", "types", "xtype"]
        ),
        max_size=8,
    ).map("".join)
)
def test_the_keyword_scan_finds_what_the_whole_word_expression_finds(text: str) -> None:
    data = text.encode()
    assert source_module._keyword_break_candidate(data) == _keyword_scan_by_expression(
        data
    )
