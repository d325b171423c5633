"""The measured sections of issue 6 that need no database: check latency, the alternatives,
scale, and the generated code. Each records its numbers and judges its targets."""

from __future__ import annotations

import functools
import itertools
import json
import py_compile
import shutil
import statistics
import time
import timeit
import tomllib
from pathlib import Path
from typing import Any

from bench.process import (
    FLOOR,
    PHASES,
    PYTHON,
    REPO_ROOT,
    TSMIRROR,
    BenchError,
    Command,
    child_env,
    cold_env,
    compare,
    run,
)
from bench.results import Results
from bench.synthetic import ACTORS, MATRIX_SYMBOLS, capability_matrix_ts, write_config

SUBSTRATE = REPO_ROOT / "examples" / "substrate"
MATRIX_TS = SUBSTRATE / "packages" / "sea-mcp-server" / "src" / "capability-matrix.ts"
CHARTER_TS = (
    SUBSTRATE / "packages" / "sb1-substrate-shapes" / "src" / "kora-role-charter.ts"
)
NODE_MODULES = REPO_ROOT / "node_modules"
SCHEMA_GENERATOR = (
    NODE_MODULES / "ts-json-schema-generator" / "bin" / "ts-json-schema-generator"
)
EVALUATE_MJS = REPO_ROOT / "tests" / "node" / "evaluate.mjs"


def ms(seconds: float) -> float:
    return round(seconds * 1e3, 2)


# --- check latency ----------------------------------------------------------------------------


def check_latency(results: Results, work: Path, repeat: int, warmup: int) -> Path:
    """`tsmirror check` and a no-op `tsmirror regen` on the example substrate, run as a
    pre-commit hook runs them (no options, in a folder whose pyproject.toml holds the
    config), beside the floor parsing the same files. Runs on a copy of the output, so a
    regen running in generated/ meanwhile cannot change what is measured. Returns the
    rendered matrix module.

    Two more rows take the floor apart: the interpreter starting (as the console script
    starts it) and that plus importing tree-sitter; one adds to it what a check that
    renders cannot avoid: importing jinja2."""
    table = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"][
        "tsmirror"
    ]
    root = (REPO_ROOT / table["source_root"]).resolve()
    mirrors = [(m["module"], m["source"], m["symbols"]) for m in table["mirror"]]
    folder = work / "latency"
    folder.mkdir()
    write_config(
        folder / "pyproject.toml",
        source_root=root,
        output_dir="generated",
        mirrors=mirrors,
    )
    run(Command((TSMIRROR, "regen"), cwd=folder))  # untimed: writes generated/
    written = {p: p.stat().st_mtime_ns for p in (folder / "generated").glob("*.py")}

    sources = [str(root / source) for _, source, _ in mirrors]
    miss_cache = work / "latency-cache-miss"
    # "check" and "regen" reuse the verdict the untimed regen stored, as a hook does when
    # nothing changed; the cold variants parse, evaluate and render every time, as a hook
    # does after the TypeScript or the mirrors changed.
    stats = compare(
        {
            "python_start": Command((PYTHON, "-c", "pass")),
            "import_tree_sitter": Command(
                (PYTHON, "-c", "import tree_sitter, tree_sitter_typescript")
            ),
            "floor": Command((PYTHON, FLOOR, *sources)),
            # the floor of any check that renders: the templates are Jinja's, so such a
            # check imports jinja2 as well
            "floor_jinja": Command(
                (
                    PYTHON,
                    "-c",
                    f"import jinja2; exec(open({str(FLOOR)!r}).read())",
                    *sources,
                )
            ),
            "check": Command((TSMIRROR, "check"), cwd=folder),
            "regen": Command((TSMIRROR, "regen"), cwd=folder),
            "check_cold": Command((TSMIRROR, "check"), cwd=folder, env=cold_env()),
            # the hook's case after a change: the cache on, but holding no verdict to
            # reuse, so the run also fingerprints the generator and stores its verdict
            "check_miss": Command(
                (TSMIRROR, "check"),
                cwd=folder,
                env=child_env(TSMIRROR_CACHE_DIR=str(miss_cache)),
                prepare=functools.partial(
                    shutil.rmtree, miss_cache, ignore_errors=True
                ),
            ),
            "regen_cold": Command((TSMIRROR, "regen"), cwd=folder, env=cold_env()),
        },
        repeat,
        warmup=warmup,
    )
    if any(p.stat().st_mtime_ns != mtime for p, mtime in written.items()):
        raise BenchError("the timed `tsmirror regen` wrote files; it was not a no-op")

    phases = [
        json.loads(
            run(
                Command((PYTHON, PHASES), cwd=folder, env=cold_env()), capture=True
            ).stdout
        )
        for _ in range(repeat)
    ]
    floor = stats["floor"].median
    results.sections["check_latency"] = {
        # where a cold check's CPU goes (bench/phases.py), the median of each phase
        "cold_phases_cpu_ms": {
            name: round(statistics.median(p[name] for p in phases), 2)
            for name in phases[0]
        },
        "sources": [str(Path(s).relative_to(REPO_ROOT)) for s in sources],
        **{name: s.to_json() for name, s in stats.items()},
        **{
            f"{name}_ratio": round(s.median / floor, 3)
            for name, s in stats.items()
            if name != "floor"
        },
        # the same ratios of CPU time (user + system), which waiting for a busy CPU does
        # not inflate: when they differ much from the wall-clock ones, the machine was busy
        "cpu_ratio": {
            name: round(s.median_cpu / stats["floor"].median_cpu, 3)
            for name, s in stats.items()
        },
    }
    results.target(
        "check_vs_floor",
        "`tsmirror check` on the example substrate, nothing changed since the last full "
        "run (the verdict is reused) / the floor (start-up, import tree-sitter, parse the "
        "same files)",
        stats["check"].median / floor,
        at_most=1.3,
    )
    results.target(
        "check_cold_vs_floor",
        "`tsmirror check` on the example substrate, TSMIRROR_NO_CACHE=1 (parse, evaluate, "
        "render, compare: what the hook does after a change) / the floor",
        stats["check_cold"].median / floor,
        at_most=2,
    )
    return folder / "generated" / "capability_matrix.py"


# --- against the alternatives -----------------------------------------------------------------


def require_node() -> str:
    """The `node` executable with the committed npm packages installed, or BenchError."""
    node = shutil.which("node")
    if node is None:
        raise BenchError("node is not on PATH (Node.js 20 or later is needed)")
    for package in ("ts-json-schema-generator", "tsx", "typescript"):
        if not (NODE_MODULES / package).is_dir():
            raise BenchError(f"node_modules lacks {package}; run `make node`")
    return node


def alternatives(results: Results, repeat: int, warmup: int) -> None:
    """ts-json-schema-generator on the charter interface and tsx evaluating the matrix, each
    beside `tsmirror extract` on the same file and symbol."""
    node = require_node()
    schema = (
        node,
        str(SCHEMA_GENERATOR),
        "--path",
        str(CHARTER_TS),
        "--type",
        "KoraRoleCharterContent",
        "--tsconfig",
        str(SUBSTRATE / "tsconfig.json"),
    )
    extract = (TSMIRROR, "extract", "--root", str(SUBSTRATE))
    tsx = Command(
        (
            node,
            "--import",
            "tsx",
            str(EVALUATE_MJS),
            str(MATRIX_TS),
            "ACTOR_CAPABILITY_MATRIX",
        ),
        env=child_env(TSX_TSCONFIG_PATH=str(SUBSTRATE / "tsconfig.json")),
    )
    # The alternatives do the work every time, so the targets compare a cold extract;
    # the warm one (a reused result) is reported beside it.
    extract_matrix = Command(
        (*extract, str(MATRIX_TS), "ACTOR_CAPABILITY_MATRIX"), env=cold_env()
    )
    # Both print JSON.stringify of the matrix; were they to differ, the race would be moot.
    if run(tsx, capture=True).stdout != run(extract_matrix, capture=True).stdout:
        raise BenchError("tsx and `tsmirror extract` print different matrices")

    stats = compare(
        {
            "schema_generator": Command(schema),
            "schema_generator_no_type_check": Command((*schema, "--no-type-check")),
            "extract_charter": Command(
                (*extract, str(CHARTER_TS), "KoraRoleCharterContent"), env=cold_env()
            ),
            "extract_charter_warm": Command(
                (*extract, str(CHARTER_TS), "KoraRoleCharterContent")
            ),
            "tsx_evaluate": tsx,
            "extract_matrix": extract_matrix,
            "extract_matrix_warm": Command(
                (*extract, str(MATRIX_TS), "ACTOR_CAPABILITY_MATRIX")
            ),
        },
        repeat,
        warmup=warmup,
    )
    charter, matrix = stats["extract_charter"].median, stats["extract_matrix"].median
    ratios = {
        "schema_generator": stats["schema_generator"].median / charter,
        "schema_generator_no_type_check": (
            stats["schema_generator_no_type_check"].median / charter
        ),
        "tsx_evaluate": stats["tsx_evaluate"].median / matrix,
        "schema_generator_vs_warm_extract": (
            stats["schema_generator"].median / stats["extract_charter_warm"].median
        ),
        "tsx_evaluate_vs_warm_extract": (
            stats["tsx_evaluate"].median / stats["extract_matrix_warm"].median
        ),
    }
    results.sections["alternatives"] = {
        **{name: s.to_json() for name, s in stats.items()},
        "speedup": {name: round(r, 2) for name, r in ratios.items()},
    }
    results.target(
        "faster_than_schema_generator",
        "ts-json-schema-generator (type-checked, as run by default) on "
        "KoraRoleCharterContent / `tsmirror extract` of it",
        ratios["schema_generator"],
        at_least=20,
    )
    results.target(
        "faster_than_schema_generator_no_type_check",
        "ts-json-schema-generator --no-type-check on KoraRoleCharterContent / "
        "`tsmirror extract` of it",
        ratios["schema_generator_no_type_check"],
        at_least=20,
    )
    results.target(
        "faster_than_tsx",
        "node --import tsx evaluating ACTOR_CAPABILITY_MATRIX / `tsmirror extract` of it",
        ratios["tsx_evaluate"],
        at_least=3,
    )


# --- scale ------------------------------------------------------------------------------------


def scale(
    results: Results, work: Path, sizes: list[int], repeat: int, warmup: int
) -> dict[int, Path]:
    """Extract and regen on synthetic matrices of `sizes` capabilities x 8 actors, beside
    the floor parsing the same file. Returns the rendered module for each size."""
    rows: list[dict[str, Any]] = []
    modules: dict[int, Path] = {}
    for size in sizes:
        folder = work / f"scale-{size}"
        source = folder / "substrate" / "capability-matrix.ts"
        source.parent.mkdir(parents=True)
        source.write_text(capability_matrix_ts(size), encoding="utf-8")
        write_config(
            folder / "tsmirror.toml",
            source_root=source.parent,
            output_dir="generated",
            mirrors=[("capability_matrix", source.name, MATRIX_SYMBOLS)],
        )
        output = folder / "generated"
        extract = Command(
            (
                TSMIRROR,
                "extract",
                str(source),
                "ACTOR_CAPABILITY_MATRIX",
                "--root",
                str(folder),
            ),
            env=cold_env(),
        )
        printed = json.loads(run(extract, capture=True).stdout)
        if len(printed) != size or any(
            len(row) != len(ACTORS) for row in printed.values()
        ):
            raise BenchError(f"`tsmirror extract` at {size} printed the wrong matrix")

        stats = compare(
            {
                "parse": Command((PYTHON, FLOOR, str(source))),
                "extract": extract,
                # A real regen every time: nothing on disk to compare with or skip over.
                "regen": Command(
                    (TSMIRROR, "regen", "--config", "tsmirror.toml"),
                    cwd=folder,
                    env=cold_env(),
                    prepare=functools.partial(
                        shutil.rmtree, output, ignore_errors=True
                    ),
                ),
            },
            repeat,
            warmup=warmup,
        )
        modules[size] = output / "capability_matrix.py"
        parse = stats["parse"].median
        rows.append(
            {
                "capabilities": size,
                "actors": len(ACTORS),
                "source_bytes": source.stat().st_size,
                "generated_bytes": modules[size].stat().st_size,
                "parse_in_process_ms": ms(parse_in_process(source, repeat)),
                **{name: s.to_json() for name, s in stats.items()},
                "extract_ratio": round(stats["extract"].median / parse, 3),
                "regen_ratio": round(stats["regen"].median / parse, 3),
            }
        )

    # Marginal cost per 1,000 capabilities between consecutive sizes: flat when linear.
    steps = [
        {
            "from": a["capabilities"],
            "to": b["capabilities"],
            **{
                f"{name}_ms_per_1000": round(
                    (b[name]["median_ms"] - a[name]["median_ms"])
                    / (b["capabilities"] - a["capabilities"])
                    * 1000,
                    2,
                )
                for name in ("parse", "extract", "regen")
            },
        }
        for a, b in itertools.pairwise(rows)
    ]
    results.sections["scale"] = {"series": rows, "marginal_cost": steps}
    top = rows[-1]
    results.target(
        "regen_vs_parse_at_largest",
        f"`tsmirror regen` of {top['capabilities']} capabilities x {len(ACTORS)} actors / "
        "the floor parsing the same file",
        top["regen_ratio"],
        at_most=2,
    )
    results.target(
        "extract_vs_parse_at_largest",
        f"`tsmirror extract` of ACTOR_CAPABILITY_MATRIX at {top['capabilities']} "
        "capabilities, TSMIRROR_NO_CACHE=1 / the floor parsing the same file",
        top["extract_ratio"],
        at_most=2,
    )
    if len(steps) >= 2:
        first, last = steps[0]["regen_ms_per_1000"], steps[-1]["regen_ms_per_1000"]
        results.target(
            "regen_growth_linear",
            "regen's marginal cost per 1,000 capabilities, last step / first step "
            "(1.0 is linear; above 1.25 counts as growing faster than linearly)",
            last
            / max(first, 1e-3),  # at toy sizes noise can make a step free, or negative
            at_most=1.25,
        )
    return modules


def parse_in_process(source: Path, repeat: int) -> float:
    """The tree-sitter parse alone, without process start-up or imports."""
    import tree_sitter_typescript
    from tree_sitter import Language, Parser

    parser = Parser(Language(tree_sitter_typescript.language_typescript()))
    data = source.read_bytes()
    times = []
    for _ in range(max(repeat, 3)):
        start = time.perf_counter()
        parser.parse(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- generated code ---------------------------------------------------------------------------

# Times `import capability_matrix` in a fresh interpreter. The standard-library modules the
# generated code imports are loaded first: every service has them already, and their cost
# is not the mirror's.
_IMPORT_TIMER = """
import sys, time
import collections.abc, dataclasses, enum, types, typing
sys.path.insert(0, sys.argv[1])
start = time.perf_counter()
from mirrors import capability_matrix
elapsed = time.perf_counter() - start
assert capability_matrix.__spec__.cached, "not loaded from bytecode"
print(elapsed, len(capability_matrix.ACTOR_CAPABILITY_MATRIX))
"""


def generated_code(
    results: Results, work: Path, modules: dict[int, Path], repeat: int
) -> None:
    """Import time of generated matrix modules from bytecode, and `actor_has_capability`."""
    imports = []
    for size, module in modules.items():
        folder = work / f"import-{size}"
        # The mirror with what it imports from its package: the kernel, and an empty
        # __init__ (the package's own is the user's to import or not).
        package = folder / "mirrors"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        for name in ("capability_matrix.py", "_kernel.py"):
            shutil.copyfile(module.parent / name, package / name)
            # An unchecked hash-based .pyc is used without even a stat of the source.
            py_compile.compile(
                str(package / name),
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
        timer = Command((PYTHON, "-c", _IMPORT_TIMER, str(folder)))
        seconds = []
        for _ in range(repeat):
            elapsed, count = run(timer, capture=True).stdout.decode().split()
            if int(count) != size:
                raise BenchError(f"{module} has {count} capabilities, not {size}")
            seconds.append(float(elapsed))
        imports.append(
            {
                "capabilities": size,
                "module_bytes": module.stat().st_size,
                "pyc_bytes": sum(
                    p.stat().st_size for p in (package / "__pycache__").iterdir()
                ),
                "median_ms": ms(statistics.median(seconds)),
                "min_ms": ms(min(seconds)),
                "runs": len(seconds),
            }
        )
    top = imports[-1]
    results.target(
        "import_largest_matrix",
        f"import of the generated matrix module with {top['capabilities']} capabilities, "
        "from bytecode",
        top["median_ms"],
        at_most=50,
        unit="ms",
    )

    from runtime.capabilities import actor_has_capability

    cases = {
        "granted": ("kora", "cap_sea_create"),
        "denied": ("kora", "cap_sea_edit_field"),
        "unknown_capability": ("kora", "cap_not_in_the_matrix"),
        "unknown_actor": ("nobody", "cap_sea_create"),
    }
    number = 200_000
    per_call_ns = {}
    for case, (actor, capability) in cases.items():
        calls = timeit.Timer(
            "f(actor, capability)",
            globals={
                "f": actor_has_capability,
                "actor": actor,
                "capability": capability,
            },
        )
        batches = calls.repeat(repeat=max(repeat, 5), number=number)
        per_call_ns[case] = round(statistics.median(batches) / number * 1e9, 1)
    results.sections["generated_code"] = {
        "import": imports,
        "actor_has_capability_ns": per_call_ns,
    }
    results.target(
        "actor_has_capability_per_call",
        "`actor_has_capability` per call, slowest of granted / denied / unknown "
        "capability / unknown actor",
        max(per_call_ns.values()) / 1000,
        at_most=1.0,
        unit="µs",
    )
