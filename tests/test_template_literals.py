"""Template literal types with ``string`` and ``number`` holes, judged by tsc --strict itself
(ts-json-schema-generator gives them a plain string schema, so ajv cannot judge them): every
string below is written as a literal of each type, tsc decides which are errors, and the
mirror's ``from_json`` must accept exactly the others. The strings probe how TypeScript
splits a string at the texts between holes and what ``Number()`` reads as a finite number."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.mirrors import lint_generated, render_mirror
from tests.oracle import tsc

SOURCE = """\
type Kind = 'user' | 'team';
export type Num = `${number}`;
export type Id = `${Kind}-${number}`;
export type Range = `${number}-${number}`;
export type Joined = `${string}${number}`;
export type Around = `a${string}a`;
export type Path = `/${string}/${number}/edit`;
"""

TYPES = ["Num", "Id", "Range", "Joined", "Around", "Path"]

NUMBERS = [
    "1",
    "-1",
    "1.5",
    "01",
    "00",
    "1e3",
    "1E3",
    "1e-7",
    ".5",
    "5.",
    "-.5",
    "+1",
    "-0",
    "0x10",
    "0X1f",
    "0b1",
    "0o7",
    "-0x10",
    "0x",
    "0b2",
    "1e",
    "e1",
    "1.2.3",
    " 1",
    "1 ",
    "  ",
    "\t1",
    "\n1",
    "1\r\n",
    "\u00a01",
    "\u20281",
    "\ufeff1",
    "\u30001",
    "\x1c1",
    "\x851",
    "\u200b1",
    "",
    "NaN",
    "Infinity",
    "-Infinity",
    "1_000",
    "1e400",
    "-1e400",
    "1e308",
    "0x" + "f" * 256,
    "0x" + "f" * 255,
    "1n",
    "abc",
    "\u0661",  # an Arabic-Indic digit: Python reads it, JavaScript does not
]
STRINGS = [
    *NUMBERS,
    *(f"user-{n}" for n in NUMBERS[:12]),
    "user-",
    "team-x",
    "org-1",
    "user--1",
    "1-2",
    "-1-2",
    "1--2",
    "1-2-3",
    "1.5-2.5",
    "-",
    "1-",
    "-1",
    " 1- 2",
    "x1",
    "ab 1",
    "xx",
    "x",
    "1x",
    "11",
    "a",
    "aa",
    "aba",
    "abca",
    "ab",
    "ba",
    "/a/1/edit",
    "//1/edit",
    "/a/b/1/edit",
    "/a/x/edit",
    "/a/1/edit/edit",
    "/a/ 2 /edit",
]


def tsc_verdicts(folder: Path) -> dict[tuple[str, int], bool]:
    """Whether tsc --strict accepts each string as each type: one file, one run."""
    lines = [SOURCE]
    where: dict[int, tuple[str, int]] = {}
    for name in TYPES:
        for index, text in enumerate(STRINGS):
            where[len("\n".join(lines).splitlines()) + 1] = (name, index)
            lines.append(f"export const v_{name}_{index}: {name} = {json.dumps(text)};")
    probe = folder / "probe.ts"
    probe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = tsc("--strict", "--noEmit", "--target", "es2022", str(probe))
    rejected = {
        int(m.group(1))
        for m in re.finditer(r"probe\.ts\((\d+),\d+\): error", result.stdout)
    }
    assert set(where) >= rejected, result.stdout  # only the probes are errors
    return {key: line not in rejected for line, key in where.items()}


@pytest.mark.node
def test_template_literal_types_admit_what_tsc_admits(tmp_path: Path) -> None:
    source = tmp_path / "main.ts"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    mirror = render_mirror(tmp_path, source, TYPES, out / "templates.py")
    lint_generated(out)
    # each alias is a TypeAlias; decode through a class that holds one
    holder = tmp_path / "holder.ts"
    holder.write_text(
        SOURCE
        + "export interface Holder {\n"
        + "".join(f"  {name.lower()}: {name};\n" for name in TYPES)
        + "}\n",
        encoding="utf-8",
    )
    decoded = render_mirror(tmp_path, holder, ["Holder"], tmp_path / "holder.py")
    expected = tsc_verdicts(tmp_path)
    disagreements = []
    accepted = 0
    for (name, index), admitted in expected.items():
        text = STRINGS[index]
        document = {n.lower(): _valid[n] for n in TYPES} | {name.lower(): text}
        try:
            decoded.Holder.from_json(document)
            ours = True
        except ValueError:
            ours = False
        accepted += admitted
        if ours != admitted:
            disagreements.append(
                f"{name} {text!r}: tsc says {admitted}, from_json says {ours}"
            )
    assert not disagreements, "\n".join(disagreements)
    # both verdicts are common, so neither side passes by answering one way
    assert 50 < accepted < len(expected) - 50
    assert mirror.Id is not None  # the aliases import


_valid = {
    "Num": "1",
    "Id": "user-1",
    "Range": "1-2",
    "Joined": "x1",
    "Around": "aa",
    "Path": "/a/1/edit",
}
