"""Fuzz campaign: random mutations of the example substrate through the whole pipeline.

Each mutant of capability-matrix.ts must end in one of two ways:
- rendered, with every const equal to what Node evaluates from the same mutated file;
- refused with a located ``path:line:col: error:``.
A mutant is a byte flip, a token deleted or duplicated, or a truncation; or code inserted
between top-level statements (``insert-code``) that writes to a value, aliases it, passes it to
functions that write or only read, reads it before its declaration or names nothing declared,
at load or inside functions; or (``side-module``) an entry file that loads the mutant and then
a module that does the same from outside. Anything else, a traceback, a run over the time
limit, or a value Node disagrees with (or a value rendered where Node throws), is a finding. ``python -m tests.fuzz --count 5000`` runs a long campaign (``make fuzz``);
tests/test_fuzz.py runs a short one with a fixed seed.
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from tests.oracle import node_evaluate_many
from tsmirror import ir
from tsmirror.errors import InputError
from tsmirror.extract_json import stringify
from tsmirror.generate import build_ir
from tsmirror.render import render_module

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = REPO / "examples/substrate/packages/sea-mcp-server/src/capability-matrix.ts"
SYMBOLS = [
    "HumanOrAiActorKind",
    "SEA_CAPABILITIES",
    "KORA_BROADER_CAPABILITIES",
    "ACTOR_CAPABILITIES",
    "ActorCapability",
    "ACTOR_CAPABILITY_MATRIX",
]
TIME_LIMIT_SECONDS = 10
_TOKEN = re.compile(rb"\w+|\S")
_LOCATED = re.compile(r"^\S+:\d+:\d+: error: |^\S+: error: ")


# The seed's values and what each one is, so inserted code does only what JavaScript allows
# on it (a TypeError at load is not what the campaign is about).
_ARRAYS = ["SEA_CAPABILITIES", "KORA_BROADER_CAPABILITIES", "ACTOR_CAPABILITIES"]
_MATRIX = "ACTOR_CAPABILITY_MATRIX"
_ROWS = ["cap_sea_create", "cap_sea_edit_field", "cap_operator_update_policy"]


def _array(rng: random.Random) -> str:
    return rng.choice(_ARRAYS)


def _object(rng: random.Random) -> str:
    """An object reachable from the matrix: the matrix or one of its rows."""
    return rng.choice(
        [_MATRIX, f"{_MATRIX}.{rng.choice(_ROWS)}", f"{_MATRIX}['{rng.choice(_ROWS)}']"]
    )


def _writes(rng: random.Random, n: int) -> list[str]:
    """Statements that change a value, directly or through an alias or a callee."""
    a, o, v = _array(rng), _object(rng), f"v{n}"
    row = rng.choice(_ROWS)
    return rng.choice(
        [
            [f"({o} as any).kora = false;"],
            [f"({o} as any).extra_{n} = true;"],
            [f"({o} as any).count_{n} = 0;", f"({o} as any).count_{n} += 1;"],
            [f"({o} as any).count_{n} = 0;", f"({o} as any).count_{n}++;"],
            [f"delete ({o} as any).kora;"],
            [f"({a} as any).push('cap_new_{n}');"],
            [f"({a} as any).reverse();"],
            [f"({a} as any).sort();"],
            [f"({a} as any).splice(0, 1);"],
            [f"({a} as any)[0] = 'cap_changed';"],
            [f"const {v}: any = {o};", f"{v}.kora = !{v}.kora;"],
            [f"const {v}: any = {a};", f"{v}.pop();"],
            [f"const {{ {row}: {v} }}: any = {_MATRIX};", f"{v}.critic = true;"],
            [f"const [{v}] = [{o}] as any[];", f"{v}.oracle = true;"],
            [f"const {v}: any[] = [];", f"{v}.push({o});", f"{v}[0].kora = true;"],
            [
                f"const {v} = new Map<string, any>();",
                f"{v}.set('r', {o});",
                f"{v}.get('r').kora = true;",
            ],
            [f"Object.assign({o} as any, {{ kora: false }});"],
            [
                f"Object.defineProperty({o}, 'kora', {{ value: false, enumerable: true }});"
            ],
            [f"function w{n}(row: any) {{ row.claude_pm = false; }}", f"w{n}({o});"],
            [f"const w{n} = (list: any) => list.shift();", f"w{n}({a});"],
            [f"(Object.prototype as any).toJSON{n} = 1;"],
            [f"[(row: any) => {{ row.kora = 0; }}][0]({o});"],  # an unknown callee
            [
                f"for (const {v} of Object.values({_MATRIX}) as any[]) {{ {v}.kora = true; }}"
            ],
            # a fresh copy shares its parts: writing one of them is a write
            [f"([...Object.values({_MATRIX})].sort() as any[])[0].kora = 'sorted';"],
            [
                f"const {v}: any = Object.assign({{}}, {_MATRIX});",
                f"{v}.{row}.kora = 1;",
            ],
            [
                f"Object.values({_MATRIX}).sort((x: any) => {{ x.kora = 1; return 0; }});"
            ],
            [f"const {v}: any = {a};", f"{v}.filter(Boolean);", f"{v}.reverse();"],
        ]
    )


def _reads(rng: random.Random, n: int) -> list[str]:
    """Statements that use a value without changing anything it reaches."""
    a, o, v = _array(rng), _object(rng), f"r{n}"
    return rng.choice(
        [
            [f"console.log({o});"],
            [f"console.log(JSON.stringify({a}), Object.keys({o}).length);"],
            [f"const {v} = new Set({a});", f"{v}.add('cap_local');"],
            [f"const {v} = Object.values({_MATRIX}).filter((row) => row.kora);"],
            [f"const {v} = {a}.map((cap) => cap.toUpperCase());", f"{v}.push('X');"],
            [f"const {v} = [...{a}].sort();"],
            [f"const {v} = {a}.filter(Boolean).map(String).reverse();"],
            [f"const {v} = {a}.slice().sort((x, y) => y.length - x.length);"],
            [f"const {v} = Object.assign({{}}, {o}, {{ kora: 'copy' }});"],
            [f"const {v} = Object.values({_MATRIX}).concat([]).reverse();"],
            [f"const {v} = {{ ...{o} }} as any;", f"{v}.kora = 'copy';"],
            [
                f"const {v} = {a}.reduce((acc: Record<string, number>, cap, i) => {{",
                "  acc[cap] = i;",
                "  return acc;",
                "}, {});",
            ],
            [
                f"const {v} = new Map<string, number>();",
                f"for (const cap of {a}) {{ {v}.set(cap, cap.length); }}",
            ],
            [
                f"function g{n}(row: any): number {{ return Object.keys(row).length; }}",
                f"g{n}({o});",
            ],
            [f"Object.freeze({o});"],
            [f"const {v} = Array.isArray({a}) && {a}.includes('cap_sea_create');"],
            [f"let {v} = 0;", f"{v} += {a}.length;"],
            [f"[(flag: unknown) => flag][0]({o}.kora, {a}[0]);"],  # primitives only
            [
                f"class E{n} extends Error {{",
                f"  constructor() {{ super({a}[1]); }}",
                "}",
            ],
        ]
    )


def _throws(rng: random.Random, n: int) -> list[str]:
    """Statements that throw while the module loads, or would if they ran."""
    return rng.choice(
        [
            [f"undeclared{n}();"],
            [f"console.log(undeclared{n});"],
            [
                f"console.log({_array(rng)}.length);"
            ],  # throws only before its declaration
            [f"const {{ length }} = {_array(rng)};"],
        ]
    )


def _wrap(rng: random.Random, lines: list[str], n: int) -> list[str]:
    """At the top level, in a function nobody calls, in one called now, or in a class's
    static block."""
    where = rng.choice(["top", "top", "function", "called", "static"])
    inner = ["  " + line for line in lines]
    if where == "function":
        return [f"export function later{n}(): void {{", *inner, "}"]
    if where == "called":
        return ["(() => {", *inner, "})();"]
    if where == "static":
        return [f"class Boot{n} {{", "  static {", *inner, "  }", "}"]
    return lines


def insert_code(data: bytes, rng: random.Random, n: int) -> bytes:
    """Insert one generated snippet between two top-level statements."""
    make = rng.choice([_writes, _reads, _reads, _throws])
    snippet = "\n".join(_wrap(rng, make(rng, n), n)) + "\n"
    starts = [0, len(data)] + [
        m.start() for m in re.finditer(rb"^(export |/\*\*)", data, re.MULTILINE)
    ]
    at = len(data) if rng.random() < 0.5 else rng.choice(starts)  # after every value
    return data[:at] + snippet.encode() + data[at:]


def side_module(
    rng: random.Random, n: int, mutant: str, workdir: Path
) -> tuple[str, str]:
    """An entry file that loads the mutant and then a module that uses its values, which
    it imports by name, as a namespace (read by member or destructured), or through a
    module that re-exports them."""
    make = rng.choice([_writes, _reads, _reads])
    lines = _wrap(rng, make(rng, n), n)
    names = ", ".join([*_ARRAYS, _MATRIX])
    style = rng.choice(["named", "namespace", "destructured", "re-export"])
    if style == "named":
        head = f"import {{ {names} }} from './{mutant}';"
    elif style == "re-export":
        (workdir / f"again{n}.ts").write_text(f"export * from './{mutant}';\n")
        head = f"import {{ {names} }} from './again{n}';"
    else:
        head = f"import * as ns{n} from './{mutant}';"
        if style == "destructured":
            head += f"\nconst {{ {names} }} = ns{n};"
        else:
            lines = [
                re.sub(rf"\b({'|'.join([*_ARRAYS, _MATRIX])})\b", rf"ns{n}.\1", line)
                for line in lines
            ]
    module = head + "\n" + "\n".join(lines) + "\n"
    entry = f"export * from './{mutant}';\nimport './side{n}';\n"
    return entry, module


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(["flip", "delete-token", "duplicate-token", "truncate"])
    if kind == "flip":
        at = rng.randrange(len(data))
        byte = rng.choice([rng.randrange(256), rng.randrange(32, 127)])
        return kind, data[:at] + bytes([byte]) + data[at + 1 :]
    if kind == "truncate":
        return kind, data[: rng.randrange(len(data))]
    token = rng.choice(list(_TOKEN.finditer(data)))
    start, end = token.span()
    if kind == "delete-token":
        return kind, data[:start] + data[end:]
    return kind, data[:end] + data[start:end] + data[end:]


@dataclass
class Report:
    outcomes: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(
        default_factory=Counter
    )  # "insert-code rendered", ...
    findings: list[str] = field(default_factory=list)


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def run_one(root: Path, path: Path) -> tuple[str, ir.Module | str]:
    """("rendered", module) or ("refused", message); anything else raises."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT_SECONDS)
    try:
        module = build_ir(root, path, "capability_matrix", SYMBOLS)
        render_module(module)
        return "rendered", module
    except InputError as error:
        return "refused", str(error)
    finally:
        signal.alarm(0)


def campaign(count: int, seed: int, workdir: Path) -> Report:
    rng = random.Random(seed)
    original = SEED_FILE.read_bytes()
    report = Report()
    rendered: list[tuple[Path, ir.Module, str]] = []
    for index in range(count):
        kind = rng.choice(
            ["bytes", "bytes", "insert-code", "insert-code", "side-module"]
        )
        if kind == "bytes":
            kind, data = mutate(original, rng)
        elif kind == "insert-code":
            data = insert_code(original, rng, index)
            if rng.random() < 0.3:  # and sometimes a second snippet
                data = insert_code(data, rng, index + count)
        else:
            data = original
        path = workdir / f"mutant{index}.ts"
        path.write_bytes(data)
        if kind == "side-module":
            entry, module = side_module(rng, index, path.stem, workdir)
            (workdir / f"side{index}.ts").write_text(module)
            path = workdir / f"entry{index}.ts"
            path.write_text(entry)
        label = f"mutant {index} ({kind}, seed {seed})"
        try:
            outcome, result = run_one(workdir, path)
        except _Timeout:
            report.findings.append(f"{label}: ran over {TIME_LIMIT_SECONDS}s")
            continue
        except Exception:  # every other exception is a finding
            report.findings.append(f"{label}: traceback\n{traceback.format_exc()}")
            continue
        report.outcomes[outcome] += 1
        report.by_kind[f"{kind.split('-token')[0]} {outcome}"] += 1
        if outcome == "refused":
            assert isinstance(result, str)
            if not _LOCATED.match(result):
                report.findings.append(f"{label}: unlocated error {result!r}")
        else:
            assert isinstance(result, ir.Module)
            rendered.append((path, result, label))
    compare_with_node(rendered, report)
    return report


def compare_with_node(
    rendered: list[tuple[Path, ir.Module, str]], report: Report
) -> None:
    jobs = []
    for path, module, _ in rendered:
        consts = [d.name for d in module.declarations if isinstance(d, ir.ConstDecl)]
        jobs.append((path, consts))
    answers = node_evaluate_many(jobs) if jobs else []
    for (_, module, label), (_, consts), answer in zip(
        rendered, jobs, answers, strict=True
    ):
        if isinstance(answer, str):
            report.findings.append(f"{label}: rendered, but Node failed: {answer}")
            continue
        ours = {
            d.name: stringify(d.value)
            for d in module.declarations
            if isinstance(d, ir.ConstDecl)
        }
        for name, node_json in zip(consts, answer, strict=True):
            if ours[name] != node_json:
                report.findings.append(f"{label}: {name} differs from Node")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tsmirror-fuzz-") as tmp:
        report = campaign(args.count, args.seed, Path(tmp))
    elapsed = time.perf_counter() - started
    print(
        f"{args.count} mutants (seed {args.seed}) in {elapsed:.1f}s: "
        + ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.outcomes.items()))
        + f", {len(report.findings)} findings"
    )
    print(", ".join(f"{n} {k}" for k, n in sorted(report.by_kind.items())))
    for finding in report.findings:
        print(finding)
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
