"""Fuzz campaign: random mutations of the example substrate through the whole pipeline.

Each mutant of capability-matrix.ts (a byte flip, a token deleted or duplicated, or a
truncation) must end in one of two ways:
- rendered, with every const equal to what Node evaluates from the same mutated file;
- refused with a located ``path:line:col: error:``.
Anything else, a traceback, a run over the time limit, or a value Node disagrees with, is a
finding. ``python -m tests.fuzz --count 5000`` runs a long campaign (``make fuzz``);
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
        kind, data = mutate(original, rng)
        path = workdir / f"mutant{index}.ts"
        path.write_bytes(data)
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
    for finding in report.findings:
        print(finding)
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
