"""Extraction of declarations into the IR, and refusal of what the IR cannot express."""

from __future__ import annotations

from pathlib import Path

import pytest

from tsmirror import ir
from tsmirror.errors import InputError
from tsmirror.ts.extract import MirrorBuilder
from tsmirror.ts.program import Program

STRING_LIST = ir.ArrayType(ir.STRING)


def extract(tmp_path: Path, source: str, *symbols: str) -> dict[str, ir.Declaration]:
    """The IR declarations a mirror of `symbols` holds, by name, in the order built."""
    path = tmp_path / "main.ts"
    path.write_text(source, encoding="utf-8")
    program = Program(tmp_path)
    builder = MirrorBuilder(program)
    file = program.load(path)
    for symbol in symbols:
        builder.add_symbol(file, symbol)
    return {decl.name: decl for decl in builder.declarations}


def refusal(tmp_path: Path, source: str, symbol: str) -> InputError:
    with pytest.raises(InputError) as caught:
        extract(tmp_path, source, symbol)
    assert caught.value.location is not None, str(caught.value)
    return caught.value


def literals(*values: str) -> ir.UnionType:
    return ir.UnionType(tuple(ir.LiteralType(v) for v in values))


def test_string_literal_union_becomes_a_literal_alias(tmp_path: Path) -> None:
    decls = extract(
        tmp_path, "export type Kind = 'operator' | 'kora' | 'critic';", "Kind"
    )
    assert decls == {
        "Kind": ir.AliasDecl("Kind", literals("operator", "kora", "critic"), None)
    }


def test_typeof_array_number_is_the_union_of_its_elements(tmp_path: Path) -> None:
    source = (
        "const A = ['a', 'b'] as const;\n"
        "export const ALL = [...A, 'c'] as const;\n"
        "export type Name = (typeof ALL)[number];\n"
    )
    decls = extract(tmp_path, source, "ALL", "Name")
    assert decls["Name"] == ir.AliasDecl("Name", literals("a", "b", "c"), None)
    const = decls["ALL"]
    assert isinstance(const, ir.ConstDecl)
    assert const.value == ["a", "b", "c"]


def test_annotated_const_keeps_its_annotation(tmp_path: Path) -> None:
    source = (
        "export type Actor = 'operator' | 'kora';\n"
        "export const M: Readonly<Record<Actor, boolean>> = { operator: true, kora: false };\n"
    )
    decls = extract(tmp_path, source, "Actor", "M")
    assert decls["M"] == ir.ConstDecl(
        "M",
        {"operator": True, "kora": False},
        ir.RecordType(ir.NamedType("Actor"), ir.BOOLEAN),
        None,
    )


CHARTER = """\
/** The charter's sections. */
export interface Sections {
  /** Who Kora is. */
  identity: string;
  authority_can_do: readonly string[];
  /**
   * Two lines of doc,
   * joined by a newline.
   */
  triggers: string[];
}

/** A versioned envelope. */
export interface Content {
  schema_version: 1;
  sections: Sections;
}
"""


def test_interface_fields_literals_references_and_jsdoc(tmp_path: Path) -> None:
    decls = extract(tmp_path, CHARTER, "Content")

    # The referenced interface comes along, before the interface that needs it.
    assert list(decls) == ["Sections", "Content"]
    assert decls["Content"] == ir.ObjectDecl(
        "Content",
        (
            ir.Field(
                "schema_version", "schema_version", ir.LiteralType(1), False, None
            ),
            ir.Field("sections", "sections", ir.NamedType("Sections"), False, None),
        ),
        "A versioned envelope.",
    )
    assert decls["Sections"] == ir.ObjectDecl(
        "Sections",
        (
            ir.Field("identity", "identity", ir.STRING, False, "Who Kora is."),
            ir.Field("authority_can_do", "authority_can_do", STRING_LIST, False, None),
            ir.Field(
                "triggers",
                "triggers",
                STRING_LIST,
                False,
                "Two lines of doc,\njoined by a newline.",
            ),
        ),
        "The charter's sections.",
    )


def test_line_comment_is_not_a_docstring(tmp_path: Path) -> None:
    source = "// internal note\nexport type K = 'a' | 'b';\n"
    assert extract(tmp_path, source, "K")["K"].doc is None


def test_jsdoc_of_an_exported_const(tmp_path: Path) -> None:
    source = "/** Stable names; renames are schema changes. */\nexport const X = ['x'] as const;\n"
    assert extract(tmp_path, source, "X")["X"].doc == (
        "Stable names; renames are schema changes."
    )


def test_functions_and_classes_beside_mirrored_symbols_are_skipped(
    tmp_path: Path,
) -> None:
    source = (
        "export type K = 'a';\n"
        "export function has(k: string): boolean { return k === 'a'; }\n"
        "export class Oops extends Error {}\n"
        "export async function read(): Promise<void> {}\n"
    )
    assert extract(tmp_path, source, "K") == {
        "K": ir.AliasDecl("K", ir.LiteralType("a"), None)
    }


def test_function_typed_field_is_refused_at_its_type(tmp_path: Path) -> None:
    source = "export interface I {\n  name: string;\n  run: () => void;\n}\n"
    error = refusal(tmp_path, source, "I")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (3, 8)
    assert "function type () => void is not supported" in error.message


def test_method_signature_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export interface I {\n  run(): void;\n}\n", "I")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (2, 3)
    assert "method signature" in error.message


def test_call_in_a_mirrored_const_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export const X = foo();\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (1, 18)


def test_let_binding_cannot_be_mirrored(tmp_path: Path) -> None:
    error = refusal(tmp_path, "export let X = ['a'];\n", "X")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (1, 12)
    assert "let binding" in error.message


def test_any_is_any_json_value_and_object_is_refused(tmp_path: Path) -> None:
    decls = extract(tmp_path, "export interface I {\n  payload: any;\n}\n", "I")
    decl = decls["I"]
    assert isinstance(decl, ir.ObjectDecl)
    assert decl.fields[0].type == ir.UNKNOWN and not decl.fields[0].optional
    error = refusal(tmp_path, "export interface O {\n  payload: object;\n}\n", "O")
    assert error.location is not None
    assert (error.location.line, error.location.col) == (2, 12)


def test_symbol_that_is_not_exported_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'Hidden' is not exported"):
        extract(tmp_path, "type Hidden = 'h';\n", "Hidden")
