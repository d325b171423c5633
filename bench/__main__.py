"""`python -m bench`: run every section and write bench/results.json and bench/results.md.

Node and PostgreSQL are required. `--skip node,postgres` leaves a section out, visibly (it
is listed as SKIPPED in the results), and is refused when CI=true.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench import report, suites
from bench.decoding import decoding
from bench.process import REPO_ROOT, BenchError, load_average
from bench.results import Results

SIZES = (1000, 5000, 20000)
QUICK_SIZES = (100, 200, 400)
MATRIX_CAPABILITIES = 48  # the example substrate's matrix


def run_benchmarks(
    *,
    sizes: Sequence[int],
    repeat: int,
    warmup: int,
    out: Path,
    skip: Sequence[str] = (),
) -> Results:
    results = Results(
        machine=report.machine(),
        settings={"repeat": repeat, "warmup": warmup, "sizes": list(sizes)},
    )
    loads: dict[str, list[list[float]]] = {}
    results.machine["load_average_by_section"] = loads

    @contextmanager
    def section(name: str, what: str) -> Iterator[None]:
        """Says what runs, and keeps the load average at its start and end: the machine
        is shared, and a reader should know what else ran."""
        print(f"{what} ...", file=sys.stderr)
        start = load_average()
        yield
        loads[name] = [start, load_average()]

    with tempfile.TemporaryDirectory(prefix="tsmirror-bench-") as tmp:
        work = Path(tmp)
        with section("check_latency", "check latency"):
            example = suites.check_latency(results, work, repeat, warmup)
        if "node" in skip:
            results.skipped["alternatives"] = "--skip node"
        else:
            with section("alternatives", "alternatives (node)"):
                suites.alternatives(results, repeat, warmup)
        with section("scale", f"scale {list(sizes)}"):
            modules = suites.scale(results, work, list(sizes), repeat, warmup)
        with section("generated_code", "generated code"):
            largest = max(modules)
            suites.generated_code(
                results,
                work,
                {MATRIX_CAPABILITIES: example, largest: modules[largest]},
                repeat,
            )
        with section("decoding", "from_json against pydantic and msgspec"):
            decoding(results, work, repeat)
    if "postgres" in skip:
        results.skipped["runtime"] = "--skip postgres"
    else:
        with section("runtime", "runtime (postgres)"):
            from bench.runtime_pg import runtime

            runtime(results, repeat)
    report.write(results, out)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=11, help="timed runs per command")
    parser.add_argument(
        "--warmup", type=int, default=1, help="discarded runs per command"
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="capability counts of the synthetic matrices",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: sizes {QUICK_SIZES}, one repetition, no warm-up",
    )
    parser.add_argument("--skip", default="", help="comma-separated: node, postgres")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench")
    args = parser.parse_args(argv)

    skip = [s for s in args.skip.split(",") if s]
    if unknown := set(skip) - {"node", "postgres"}:
        parser.error(f"--skip: unknown section(s) {sorted(unknown)}")
    if skip and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        parser.error("--skip is refused when CI=true: CI measures every section")
    sizes = QUICK_SIZES if args.quick else tuple(int(s) for s in args.sizes.split(","))
    try:
        results = run_benchmarks(
            sizes=sizes,
            repeat=1 if args.quick else args.repeat,
            warmup=0 if args.quick else args.warmup,
            out=args.out,
            skip=skip,
        )
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    missed = [t.id for t in results.targets if not t.met]
    print(f"wrote {args.out / 'results.md'} and results.json", file=sys.stderr)
    print(
        f"{len(results.targets) - len(missed)} of {len(results.targets)} targets met"
        + (f"; missed: {', '.join(missed)}" if missed else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
