"""Property tests of constant values against Node: random expressions and derived tables.

Two generators write TypeScript files of ``export const E<i> = [<expression>];`` (the
brackets give every value, even ``undefined``, a JSON form):

- ``expressions``: every operator, conversion and constant over random doubles (by their
  bits, so subnormals too), -0, NaN, the infinities, 2**53 and beyond, numeric strings,
  booleans, null, undefined, arrays and objects, nested a few levels, in template literals
  and conditionals;
- ``tables``: derived tables, type-directed so that Node never throws: ``Object.*``, array
  and string methods chained on random inputs, with arrow-function and declared-function
  callbacks (expression bodies and blocks of ``const``, ``if``/``else`` and ``return``).

Each expression must end in one of two ways: tsmirror prints exactly what Node's
``JSON.stringify`` prints, or it refuses with a located error. One Node process evaluates a
whole batch. ``python -m tests.fuzz_values --count 50000`` runs a long campaign (``make
fuzz``); tests/test_fuzz_values.py runs short ones with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import struct
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.oracle import node_evaluate_many
from tsmirror.errors import InputError
from tsmirror.extract_json import stringify
from tsmirror.ts import source as ts_source
from tsmirror.ts.evaluate import Evaluator, to_json
from tsmirror.ts.literals import number_to_string
from tsmirror.ts.program import Program

BATCH = 250  # expressions per file
_LOCATED = re.compile(r"^\S+:\d+:\d+: error: ")


# --- numbers and leaves ---------------------------------------------------------------------


def random_double(rng: random.Random) -> float:
    """Doubles of every kind: by their bits, small integers, halves, edges of 2**31, 2**32
    and 2**53, subnormals, the specials."""
    kind = rng.randrange(10)
    if kind == 0:
        (value,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        return float(value)
    if kind == 1:
        (value,) = struct.unpack(
            "<d", rng.getrandbits(52).to_bytes(8, "little")
        )  # a subnormal
        return float(value) * rng.choice([1, -1])
    if kind == 2:
        return float(rng.randint(-10, 10))
    if kind == 3:
        return rng.randint(-40, 40) / rng.choice([2, 4, 10, 3])
    if kind == 4:
        base = rng.choice([2**31, 2**32, 2**53, 2**63, 2**64, 1e21, 1e-7])
        return float(base + rng.randint(-3, 3)) * rng.choice([1, -1])
    if kind == 5:
        return rng.choice(
            [0.0, -0.0, math.nan, math.inf, -math.inf, 5e-324, 1.7976931348623157e308]
        )
    if kind == 6:
        return rng.uniform(-1, 1) * 10.0 ** rng.randint(-25, 25)
    return float(rng.randint(-1000, 1000))


def number_literal(value: float) -> str:
    value = float(value)
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "(-(Infinity))"
    if value == 0 and math.copysign(1, value) < 0:
        return "(-(0))"
    text = number_to_string(value)
    # -(x), not (-x): tree-sitter reads `a < (-1)` as the start of a generic
    return f"(-({text[1:]}))" if text.startswith("-") else text


def string_literal(text: str) -> str:
    return json.dumps(text)  # \uXXXX escapes, lone surrogates included, are valid JS


_STRINGS = [
    "",
    "a",
    "abc",
    "B",
    "10",
    "9",
    " 12 ",
    "0x1f",
    "0b101",
    "0o17",
    "-0",
    "1e3",
    ".5",
    "5.",
    "Infinity",
    "-Infinity",
    "1_0",
    "NaN",
    "\u00a0 7 \ufeff",
    "\x1c3",
    "😀",
    "\ud800",
    "ß",
    "é",
    "Z",
    "z",
    "$&",
    "true",
    "null",
    "  -0x1F",
    "12px",
    "1e3x",
    ".5e-3abc",
    "-.5",
    "0b11",
    "z9",
]
_CONSTANTS = [
    "Math.PI",
    "Math.E",
    "Math.LN2",
    "Math.LN10",
    "Math.LOG2E",
    "Math.LOG10E",
    "Math.SQRT2",
    "Math.SQRT1_2",
    "Number.MAX_SAFE_INTEGER",
    "Number.MIN_SAFE_INTEGER",
    "Number.EPSILON",
    "Number.MAX_VALUE",
    "Number.MIN_VALUE",
    "Infinity",
    "NaN",
    "undefined",
    "null",
    "true",
    "false",
    "[]",
    "[1]",
    "[1, 2]",
    "[null]",
    "{}",
    "[[]]",
    "['x', [2, 'y']]",
]

_BINARY = [
    "+",
    "-",
    "*",
    "/",
    "%",
    "**",
    "<<",
    ">>",
    ">>>",
    "&",
    "|",
    "^",
    "<",
    ">",
    "<=",
    ">=",
    "===",
    "!==",
    "==",
    "!=",
    "&&",
    "||",
    "??",
]
_UNARY = ["-", "+", "!", "~", "typeof ", "void "]


def expression(rng: random.Random, depth: int) -> str:
    """A leaf, or a compound in parentheses (operands are never wrapped twice: tree-sitter
    misreads some spellings that TypeScript accepts, such as ``(x) < (-1)``)."""
    if depth <= 0 or rng.random() < 0.25:
        kind = rng.random()
        if kind < 0.6:
            return number_literal(random_double(rng))
        if kind < 0.8:
            return string_literal(rng.choice(_STRINGS))
        return rng.choice(_CONSTANTS)
    kind = rng.random()
    if kind < 0.08:
        return call(rng, depth)
    if kind < 0.6:
        op = rng.choice(_BINARY)
        if op == "**" and rng.random() < 0.7:
            if rng.random() < 0.3:  # powers of two, any integer exponent
                left = number_literal(rng.choice([1, -1]) * 2.0 ** rng.randint(-60, 60))
                right = number_literal(rng.randint(-1100, 1100))
            else:  # small integers, whose powers are often exact
                left = number_literal(rng.randint(-12, 12))
                right = number_literal(rng.randint(-60, 80))
            return f"({left} ** {right})"
        if op == "**":
            right = rng.choice(["2", "0.5", "1", "-1", expression(rng, depth - 1)])
            return f"(({expression(rng, depth - 1)}) ** {right})"
        return f"({expression(rng, depth - 1)} {op} {expression(rng, depth - 1)})"
    if kind < 0.8:
        return f"({rng.choice(_UNARY)}{expression(rng, depth - 1)})"
    if kind < 0.9:
        parts = [expression(rng, depth - 1) for _ in range(rng.randint(1, 3))]
        return "`" + "|".join(f"${{{p}}}" for p in parts) + "`"
    return (
        f"({expression(rng, depth - 1)} ? {expression(rng, depth - 1)} "
        f": {expression(rng, depth - 1)})"
    )


_MATH_FUNCTIONS = ["abs", "floor", "ceil", "trunc", "round", "sign", "sqrt"]
_NUMBER_PREDICATES = ["isInteger", "isSafeInteger", "isFinite", "isNaN"]


def call(rng: random.Random, depth: int) -> str:
    """The built-in functions and number methods on constants."""
    x = expression(rng, depth - 1)
    kind = rng.randrange(8)
    if kind == 0:
        return f"Math.{rng.choice(_MATH_FUNCTIONS)}({x})"
    if kind == 1:
        args = ", ".join(expression(rng, depth - 1) for _ in range(rng.randint(0, 3)))
        return f"Math.{rng.choice(['max', 'min'])}({args})"
    if kind == 2:
        return f"Number.{rng.choice(_NUMBER_PREDICATES)}({x})"
    if kind == 3:
        return f"Number({x}).toFixed({rng.randint(0, 20)})"
    if kind == 4:
        radix = rng.choice(["", "2", "16", "36", "10", "7"])
        return f"Number({x}).toString({radix})"
    if kind == 5:
        radix = rng.choice(["", ", 10", ", 16", ", 2", ", 36", ", 0", ", 1", ", 37"])
        return rng.choice(
            [f"parseInt({x}{radix})", f"parseFloat({x})", f"Number.parseInt({x})"]
        )
    if kind == 6:
        return f"Math.pow({x}, {expression(rng, depth - 1)})"
    return f"{rng.choice(['String', 'Number', 'Boolean'])}({x})"


def parses(text: str) -> bool:
    """Whether tree-sitter reads ``text`` as an expression without error."""
    tree = ts_source.typescript_parser().parse(f"export const X = [{text}];".encode())
    return not tree.root_node.has_error


def expression_file(rng: random.Random, count: int) -> list[str]:
    return [expression(rng, rng.randint(1, 4)) for _ in range(count)]


# --- derived tables -------------------------------------------------------------------------

# Types: "num", "str", "bool", "nums" (number[]), "strs" (string[]), "obj" (a record of
# numbers), "any" (only compared or printed, never a method's receiver).


class TableGenerator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: list[Callable[[], str]]) -> str:
        return self.rng.choice(options)()

    def preamble(self) -> str:
        rng = self.rng
        nums = [number_literal(self.small_double()) for _ in range(rng.randint(0, 7))]
        strs = [string_literal(self.word()) for _ in range(rng.randint(0, 7))]
        keys = rng.sample(["a", "b", "1", "10", "2", "01", "-1", "z", "x y"], k=4)
        obj = ", ".join(
            f"{string_literal(k)}: {number_literal(self.small_double())}" for k in keys
        )
        return (
            f"const NUMS = [{', '.join(nums)}];\n"
            f"const STRS = [{', '.join(strs)}] as const;\n"
            f"const OBJ = {{ {obj} }};\n"
            f"const TEXT = {string_literal(self.sentence())};\n"
            "function twice(x: number) { return x * 2; }\n"
            "function label(s: string, i: number) {\n"
            "  const n = s.length;\n"
            "  if (n > 2) { return `${s}:${i}`; } else if (n === 0) return 'empty';\n"
            "  else { const up = s.toUpperCase(); return up + i; }\n"
            "}\n"
            "const byNumber = (a: number, b: number) => a - b;\n"
            "function steps(n: number): number {\n"
            "  if (!(n > 0) || n > 1e9) return 0;\n"
            "  const rest = steps(Math.floor(n / 2));\n"
            "  return rest + 1;\n"
            "}\n"
            "const scale = (k: number) => (n: number) => n * k + OFFSET;\n"
            "const OFFSET = 1;\n"
            "function describe([head, second = 'none', ...rest]: readonly string[]) {\n"
            "  return { head, second, rest: rest.length };\n"
            "}\n"
        )

    def small_double(self) -> float:
        rng = self.rng
        return rng.choice(
            [
                float(rng.randint(-20, 20)),
                rng.randint(-50, 50) / 4,
                random_double(rng),
                -0.0,
                math.nan,
            ]
        )

    def word(self) -> str:
        rng = self.rng
        alphabet = "abcAB-_ $&`'01😀é ßΣςİ日カ한ⓐ"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))

    def sentence(self) -> str:
        return self.rng.choice(["-", ",", " ", "a"]).join(
            self.word() for _ in range(self.rng.randint(0, 4))
        )

    def num(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.3:
            return rng.choice(
                [number_literal(self.small_double()), "NUMS.length", "TEXT.length"]
            )
        return self.pick(
            [
                lambda: (
                    f"{self.nums(depth - 1)}.reduce((a, b) => a + b, {self.num(0)})"
                ),
                lambda: f"{self.nums(depth - 1)}.reduceRight((a, b) => a * 2 - b, 0)",
                lambda: f"{self.nums(depth - 1)}.indexOf({self.num(0)})",
                lambda: f"{self.nums(depth - 1)}.findIndex((x) => x > {self.num(0)})",
                lambda: f"{self.nums(depth - 1)}.findLastIndex((x) => x < 0)",
                lambda: f"{self.strs(depth - 1)}.length",
                lambda: f"new Set({self.strs(depth - 1)}).size",
                lambda: f"{self.text(depth - 1)}.indexOf({self.text(0)})",
                lambda: f"twice({self.num(depth - 1)})",
                lambda: f"steps({self.num(depth - 1)})",
                lambda: f"scale({self.num(0)})({self.num(depth - 1)})",
                lambda: (
                    f"({self.num(depth - 1)} {rng.choice(['+', '-', '*', '%', '|'])} "
                    f"{self.num(depth - 1)})"
                ),
                lambda: f"Object.keys({self.obj(depth - 1)}).length",
            ]
        )

    def text(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.25:
            return rng.choice([string_literal(self.word()), "TEXT"])
        s = self.text(depth - 1)
        a, b = self.text(0), self.text(0)
        return self.pick(
            [
                lambda: f"{self.strs(depth - 1)}.join({self.text(0)})",
                lambda: f"{self.nums(depth - 1)}.join()",
                lambda: f"{s}.toUpperCase()",
                lambda: f"{s}.toLowerCase()",
                lambda: f"{s}.trim()",
                lambda: f"{s}.trimStart()",
                lambda: f"{s}.trimEnd()",
                lambda: f"{s}.replace({a}, {b})",
                lambda: f"{s}.replaceAll({a}, {b})",
                lambda: f"{s}.replace({a}, (m, i) => `[${{m}}${{i}}]`)",
                lambda: f"{s}.repeat({rng.randint(0, 3)})",
                lambda: f"{s}.padStart({rng.randint(-1, 12)}, {a})",
                lambda: f"{s}.padEnd({rng.randint(-1, 12)})",
                lambda: f"{s}.slice({rng.randint(-4, 4)}, {rng.randint(-4, 6)})",
                lambda: f"({s} + {self.num(depth - 1)})",
                lambda: f"`${{{s}}}/${{{self.num(depth - 1)}}}`",
                lambda: f"label({s}, {self.num(0)})",
                lambda: f"{s}.concat({a}, {self.num(0)})",
                lambda: f"{s}.charAt({rng.randint(-1, 5)})",
                lambda: f"{s}.substring({rng.randint(-2, 5)}, {rng.randint(-2, 6)})",
                lambda: f"`${{{s}.charCodeAt({rng.randint(-1, 5)})}}`",
                lambda: f"`${{{s}.codePointAt({rng.randint(0, 5)})}}`",
                # ?. skips the call, arguments and all, when find() or at() gives undefined
                lambda: (
                    f"({self.strs(depth - 1)}.find((w) => w.startsWith({a}))"
                    f"?.replaceAll({b}, {s}) ?? {a})"
                ),
                lambda: (
                    f"({self.strs(depth - 1)}.at({rng.randint(-3, 3)})"
                    f"?.padEnd({rng.randint(0, 8)}, {b}).toUpperCase() ?? {b})"
                ),
            ]
        )

    def flag(self, depth: int) -> str:
        rng = self.rng
        return self.pick(
            [
                lambda: f"{self.nums(depth - 1)}.includes({self.num(0)})",
                lambda: f"new Set({self.nums(depth - 1)}).has({self.num(0)})",
                lambda: f"{self.nums(depth - 1)}.some((x) => x > {self.num(0)})",
                lambda: f"{self.nums(depth - 1)}.every((x, i) => x >= i)",
                lambda: f"{self.strs(depth - 1)}.includes({self.text(0)})",
                lambda: f"{self.text(depth - 1)}.startsWith({self.text(0)})",
                lambda: (
                    f"{self.text(depth - 1)}.endsWith({self.text(0)}, {rng.randint(0, 5)})"
                ),
                lambda: f"{self.text(depth - 1)}.includes({self.text(0)})",
            ]
        )

    def nums(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.2:
            return rng.choice(["NUMS", f"[{self.num(0)}, {self.num(0)}]", "[]"])
        x = self.nums(depth - 1)
        return self.pick(
            [
                lambda: f"{x}.map((x) => x * {self.num(0)})",
                lambda: f"{x}.map(twice)",
                lambda: f"{x}.map((x, i) => x + i)",
                lambda: f"{x}.map(scale({self.num(0)}))",
                lambda: f"{x}.map((n, i, all) => all.length - i + n)",
                lambda: (
                    f"{x}.map((n) => {{ if (n > 0) {{ const d = n * 2; if (d > 10) "
                    "return d; } else if (n < 0) { return -n; } return 0; })"
                ),
                lambda: f"{x}.filter((x) => x > {self.num(0)})",
                lambda: (
                    f"{x}.filter((x) => {{ const r = x % 2; if (r === 0) {{ return true; }} return false; }})"
                ),
                lambda: f"{x}.concat({self.nums(depth - 1)}, {self.num(0)})",
                lambda: f"{x}.slice({rng.randint(-3, 3)})",
                lambda: f"{x}.slice({rng.randint(-3, 3)}, {rng.randint(-3, 5)})",
                lambda: f"{x}.toSorted()",
                lambda: f"{x}.toSorted(byNumber)",
                lambda: f"[...{x}].sort((a, b) => b - a)",
                lambda: f"{x}.toReversed()",
                lambda: f"[...new Set({x})]",
                lambda: f"{x}.flatMap((x) => [x, -x])",
                lambda: f"[{x}, [{x}]].flat({rng.choice(['', '2', 'Infinity'])})",
                lambda: f"Object.values({self.obj(depth - 1)})",
                lambda: f"{self.strs(depth - 1)}.map((s) => s.length)",
                lambda: f"{self.text(depth - 1)}.split('').map((c) => c.length)",
                lambda: (
                    f"Array.from({{ length: {rng.randint(0, 6)} }}, (_, i) => i * 2)"
                ),
                lambda: f"Array.from(new Set({x}))",
                lambda: f"Array.from({self.text(depth - 1)}, (c, i) => c.length + i)",
                lambda: f"{x}.map((n) => Math.round(n * 10) / 10)",
                lambda: f"[Math.max(...{x}), Math.min(...{x})]",
            ]
        )

    def strs(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.2:
            return rng.choice(["STRS", f"[{self.text(0)}, {self.text(0)}]"])
        x = self.strs(depth - 1)
        return self.pick(
            [
                lambda: f"{x}.map((s) => s.toUpperCase())",
                lambda: f"[describe({x})].map(({{ head, ...others }}) => `${{head}}`)",
                lambda: f"{x}.map(label)",
                lambda: f"{x}.filter((s) => s !== {self.text(0)})",
                lambda: f"{x}.toSorted()",
                lambda: f"[...{x}].sort()",
                lambda: f"[...new Set({x})]",
                lambda: f"{x}.concat({self.strs(depth - 1)})",
                lambda: f"{self.text(depth - 1)}.split({self.text(0)})",
                lambda: (
                    f"{self.text(depth - 1)}.split({self.text(0)}, {rng.randint(0, 3)})"
                ),
                lambda: f"Object.keys({self.obj(depth - 1)})",
                lambda: f"{self.nums(depth - 1)}.map(String)",
                lambda: f"{x}.map((s, i) => String(parseInt(s, i)) + parseFloat(s))",
                lambda: f"{x}.map((s, i) => s.padEnd(i + 2, '.'))",
            ]
        )

    def obj(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.25:
            return "OBJ"
        return self.pick(
            [
                lambda: (
                    f"Object.fromEntries({self.strs(depth - 1)}.map((s, i) => [s, i]))"
                ),
                lambda: (
                    "Object.fromEntries(Object.entries("
                    + self.obj(depth - 1)
                    + ").map(([k, v]) => [k.toUpperCase(), v * 2]))"
                ),
                lambda: (
                    f"Object.assign({{}}, {self.obj(depth - 1)}, {self.obj(depth - 1)})"
                ),
                lambda: f"{{ ...{self.obj(depth - 1)}, z: {self.num(0)} }}",
                lambda: (
                    f"Object.fromEntries({self.nums(depth - 1)}.map((n) => [n, n]))"
                ),
            ]
        )

    def anything(self, depth: int) -> str:
        rng = self.rng
        options: list[Callable[[int], str]] = [
            self.num,
            self.text,
            self.flag,
            self.nums,
            self.strs,
            self.obj,
            lambda d: f"{self.nums(d)}.find((x) => x > 0)",
            lambda d: f"{self.nums(d)}.findLast((x) => x < {self.num(0)})",
            lambda d: f"{self.text(d)}.at({rng.randint(-4, 4)})",
            lambda d: f"[Array.isArray({self.nums(d)}), Array.isArray({self.text(d)})]",
            lambda d: f"Array.of({self.num(d)}, {self.text(d)})",
            lambda d: f"{self.strs(d)}.slice().reverse()",
            lambda d: f"{self.nums(d)}.at({rng.randint(-4, 4)})",
            lambda d: f"{self.strs(d)}.at(-1)",
            lambda d: f"Object.entries({self.obj(d)})",
            lambda d: f"describe({self.strs(d)})",
            lambda d: (
                f"Object.entries({self.obj(d)}).map(([k, v = 0, ...more], i) => "
                "({ k, v, more, i, odd: i % 2 === 1 ? 'odd' : 'even' }))"
            ),
            lambda d: f"{self.nums(d)}.filter(Boolean).map(Number)",
        ]
        return rng.choice(options)(depth)


def table_file(rng: random.Random, count: int) -> tuple[str, list[str]]:
    generator = TableGenerator(rng)
    return generator.preamble(), [
        generator.anything(rng.randint(1, 4)) for _ in range(count)
    ]


# --- the campaign ---------------------------------------------------------------------------


@dataclass
class Report:
    outcomes: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)


def ours(path: Path, symbols: list[str]) -> list[tuple[str, str]]:
    """Per symbol, ("value", JSON text), ("refused", message) or ("traceback", text)."""
    program = Program(path.parent)
    source = program.load(path)
    evaluator = Evaluator(program)
    results = []
    for symbol in symbols:
        try:
            decl = source.values[symbol]
            value = evaluator.mirrored_value(source, decl)
            results.append(("value", stringify(to_json(value))))
        except InputError as error:
            results.append(("refused", str(error)))
        except Exception:  # every other exception is a finding
            results.append(("traceback", traceback.format_exc(limit=-3)))
    return results


def write_file(path: Path, preamble: str, expressions: list[str]) -> list[str]:
    symbols = [f"E{i}" for i in range(len(expressions))]
    body = "".join(
        f"export const {s} = [{e}];\n"
        for s, e in zip(symbols, expressions, strict=True)
    )
    path.write_text(preamble + body, encoding="utf-8")
    return symbols


def campaign(
    kind: str, count: int, seed: int, workdir: Path, report: Report | None = None
) -> Report:
    rng = random.Random(seed)
    report = report if report is not None else Report()
    make: Callable[[random.Random, int], tuple[str, list[str]]] = (
        (lambda r, n: ("", expression_file(r, n)))
        if kind == "expressions"
        else table_file
    )
    files: list[tuple[Path, list[str], list[str]]] = []
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        preamble, generated = make(rng, n)
        expressions = [e for e in generated if parses(e)]
        report.outcomes["unparsable"] += len(generated) - len(expressions)
        path = workdir / f"{kind}{len(files)}.ts"
        symbols = write_file(path, preamble, expressions)
        files.append((path, symbols, expressions))
        done += n
    answers = node_evaluate_many([(path, symbols) for path, symbols, _ in files])
    for (path, symbols, expressions), answer in zip(files, answers, strict=True):
        label = f"{kind} seed {seed}, {path.name}"
        if isinstance(answer, str):
            report.findings.append(f"{label}: Node failed: {answer}")
            continue
        try:
            results = ours(path, symbols)
        except Exception:  # a traceback is a finding
            report.findings.append(f"{label}: traceback\n{traceback.format_exc()}")
            continue
        for expr, (outcome, text), node_json in zip(
            expressions, results, answer, strict=True
        ):
            report.outcomes[outcome] += 1
            if outcome == "traceback":
                report.findings.append(f"{label}: {expr}\n{text}")
            elif outcome == "refused":
                if not _LOCATED.match(text):
                    report.findings.append(f"{label}: unlocated refusal {text!r}")
            elif text != node_json:
                report.outcomes["differs"] += 1
                report.findings.append(
                    f"{label}: {expr}\n  tsmirror: {text}\n  node:     {node_json}"
                )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument(
        "--kind", choices=["expressions", "tables", "both"], default="both"
    )
    args = parser.parse_args(argv)
    kinds = ["expressions", "tables"] if args.kind == "both" else [args.kind]
    failed = False
    for kind in kinds:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="tsmirror-values-") as tmp:
            report = campaign(kind, args.count, args.seed, Path(tmp))
        elapsed = time.perf_counter() - started
        differs = report.outcomes["differs"]
        print(
            f"{args.count} {kind} (seed {args.seed}) in {elapsed:.1f}s: "
            f"{report.outcomes['value'] - differs} equal to Node, {differs} differ, "
            f"{report.outcomes['refused']} refused, {report.outcomes['unparsable']} "
            f"that tree-sitter cannot parse, {len(report.findings)} findings"
        )
        for finding in report.findings[:50]:
            print(finding)
        failed = failed or bool(report.findings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
