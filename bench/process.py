"""Whole-process timings: run commands round-robin, keep wall time and peak memory."""

from __future__ import annotations

import atexit
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The console script a user runs, installed beside the interpreter.
TSMIRROR = str(Path(sys.executable).with_name("tsmirror"))
FLOOR = str(REPO_ROOT / "bench" / "floor.py")
PHASES = str(REPO_ROOT / "bench" / "phases.py")
LAUNCH = str(REPO_ROOT / "bench" / "launch.py")

# Variables that would change what is measured: bytecode never written (or written
# elsewhere), a source root that wins over the config, a tsconfig for tsx.
_UNSET = (
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPYCACHEPREFIX",
    "KORA_ISOKRON_REPO",
    "TSX_TSCONFIG_PATH",
    "TSMIRROR_NO_CACHE",
    "TSMIRROR_CACHE_DIR",
)


class BenchError(RuntimeError):
    """A measured command failed, or a dependency the benchmark needs is missing."""


# The benchmark's own verdict cache, so that warm runs never depend on the user's.
CACHE_DIR = tempfile.mkdtemp(prefix="tsmirror-bench-cache-")
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env["TSMIRROR_CACHE_DIR"] = CACHE_DIR
    env.update(extra)
    return env


def cold_env(**extra: str) -> dict[str, str]:
    """No cached verdicts: every run parses, evaluates and renders."""
    return child_env(TSMIRROR_NO_CACHE="1", **extra)


@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]
    cwd: Path = REPO_ROOT
    env: Mapping[str, str] = field(default_factory=child_env)
    prepare: Callable[[], None] | None = None  # runs before every run, untimed
    exit_code: int = 0


@dataclass(frozen=True)
class Sample:
    seconds: float  # wall clock: what the targets judge
    cpu_seconds: float  # user + system; less disturbed by other load on the machine
    max_rss_kib: int  # peak resident set, from wait4's rusage (see bench/launch.py)
    stdout: bytes


@dataclass(frozen=True)
class Stats:
    samples: tuple[Sample, ...]

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def median_cpu(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    def to_json(self) -> dict[str, float | int]:
        seconds = [s.seconds for s in self.samples]
        return {
            "median_ms": round(self.median * 1e3, 2),
            "min_ms": round(min(seconds) * 1e3, 2),
            "max_ms": round(max(seconds) * 1e3, 2),
            "runs": len(seconds),
            "median_cpu_ms": round(
                statistics.median(s.cpu_seconds for s in self.samples) * 1e3, 2
            ),
            "peak_rss_mib": round(max(s.max_rss_kib for s in self.samples) / 1024, 1),
        }


def run(command: Command, *, capture: bool = False) -> Sample:
    """One run, through bench/launch.py. stdout goes to /dev/null unless captured, so the
    speed of the terminal or a pipe is not timed."""
    if command.prepare is not None:
        command.prepare()
    with (
        tempfile.TemporaryDirectory() as tmp,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        report = Path(tmp) / "result"
        returncode = subprocess.call(
            (PYTHON, "-S", LAUNCH, str(report), "--", *command.argv),
            cwd=command.cwd,
            env=dict(command.env),
            stdin=subprocess.DEVNULL,
            stdout=out if capture else subprocess.DEVNULL,
            stderr=err,
        )
        if returncode != command.exit_code:
            err.seek(0)
            raise BenchError(
                f"{' '.join(command.argv)} (in {command.cwd}) exited {returncode},"
                f" expected {command.exit_code}:\n{err.read().decode(errors='replace')}"
            )
        seconds, cpu_seconds, max_rss_kib = report.read_text().split()
        out.seek(0)
        return Sample(float(seconds), float(cpu_seconds), int(max_rss_kib), out.read())


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def compare(
    commands: Mapping[str, Command], repeat: int, *, warmup: int = 1
) -> dict[str, Stats]:
    """Runs every command `repeat` times, round-robin, so that drift in the machine's load
    falls on all of them alike; each round in a fresh random order (seeded, so a rerun is
    the same), so that no command always follows the same neighbour. Warm-up runs (page
    cache, bytecode) are discarded."""
    for _ in range(warmup):
        for command in commands.values():
            run(command)
    order = random.Random(len(commands) * 1000 + repeat)
    names = list(commands)
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(repeat):
        order.shuffle(names)
        for name in names:
            samples[name].append(run(commands[name]))
    return {name: Stats(tuple(samples[name])) for name in commands}
