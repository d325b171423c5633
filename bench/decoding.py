"""`from_json`, the runtime's hot path, beside pydantic v2 (strict) and msgspec on the same
documents and the same types.

Three documents: the role charter the runtime reads (the runtime tests' own), a wide object
(200 fields of every kind `from_json` checks) and a deep one (50 levels of objects nested in
arrays). tsmirror renders their mirrors into a throwaway folder; pydantic and msgspec then
validate into those very dataclasses, so all three build the same values from the same text,
and they must agree before anything is timed.

pydantic is configured strict (no coercion: a JSON number for a number, never a bool or a
string) and refuses unknown keys, as the mirrors do with strict_objects; msgspec is strict
about types but ignores unknown keys of a dataclass. Both libraries are dependencies of
this benchmark only, never of generated code.

The timing runs in a fresh interpreter (`python -c`, the mirrors' folder first on sys.path)
so that the rendered `generated` package, not the repository's, is the one imported.
"""

from __future__ import annotations

import importlib
import json
import shutil
import statistics
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.process import PYTHON, REPO_ROOT, TSMIRROR, BenchError, Command, run
from bench.results import Results
from bench.synthetic import write_config

CHARTER_TS = (
    REPO_ROOT
    / "examples"
    / "substrate"
    / "packages"
    / "sb1-substrate-shapes"
    / "src"
    / "kora-role-charter.ts"
)
WIDE_FIELDS = 200
DEEP_LEVELS = 50

# What each field of the wide object is: (TypeScript type, optional, value in the document).
_WIDE_KINDS: tuple[tuple[str, bool, Callable[[int], object]], ...] = (
    ("string", False, lambda i: f"value of field {i}"),
    ("number", False, lambda i: i * 1.5),
    ("boolean", False, lambda i: i % 2 == 0),
    ("'low' | 'mid' | 'high'", False, lambda i: ("low", "mid", "high")[i % 3]),
    ("string | null", False, lambda i: None if i % 2 else f"note {i}"),
    ("readonly string[]", False, lambda i: [f"tag {i}.{j}" for j in range(3)]),
    ("number", True, lambda i: i),
)


def shapes_ts() -> str:
    """`Wide` (WIDE_FIELDS fields cycling through _WIDE_KINDS) and `Deep` (recursive)."""
    lines = ["/** Every kind of field from_json checks, side by side. */"]
    lines.append("export interface Wide {")
    for i in range(WIDE_FIELDS):
        type_, optional, _ = _WIDE_KINDS[i % len(_WIDE_KINDS)]
        lines.append(f"  field_{i:03d}{'?' if optional else ''}: {type_};")
    lines += [
        "}",
        "",
        "/** A tree: each level an object whose children are an array of the next. */",
        "export interface Deep {",
        "  depth: number;",
        "  label: string;",
        "  children: readonly Deep[];",
        "}",
    ]
    return "\n".join(lines) + "\n"


def wide_document() -> dict[str, object]:
    return {
        f"field_{i:03d}": _WIDE_KINDS[i % len(_WIDE_KINDS)][2](i)
        for i in range(WIDE_FIELDS)
    }


def deep_document() -> dict[str, object]:
    document: dict[str, object] = {
        "depth": DEEP_LEVELS - 1,
        "label": "leaf",
        "children": [],
    }
    for depth in reversed(range(DEEP_LEVELS - 1)):
        document = {"depth": depth, "label": f"level {depth}", "children": [document]}
    return document


def _broken(document: dict[str, Any], name: str) -> dict[str, Any]:
    """The document with one leaf of the wrong JSON type, which a lax validator would
    coerce: a number for a string, or a bool for a number."""
    broken: dict[str, Any] = json.loads(json.dumps(document))
    if name == "charter":
        broken["sections"]["identity"] = 1
    elif name == "wide":
        broken["field_001"] = True
    else:
        node = broken
        while node["children"]:
            node = node["children"][0]
        node["depth"] = True
    return broken


def decoding(results: Results, work: Path, repeat: int) -> None:
    from tests.runtime.pg_substrate import CHARTER_CONTENT

    folder = work / "decoding"
    source = folder / "substrate"
    source.mkdir(parents=True)
    shutil.copyfile(CHARTER_TS, source / CHARTER_TS.name)
    (source / "shapes.ts").write_text(shapes_ts(), encoding="utf-8")
    write_config(
        folder / "tsmirror.toml",
        source_root=source,
        output_dir="generated",
        mirrors=[
            (
                "role_charter",
                CHARTER_TS.name,
                ("KoraRoleCharterSections", "KoraRoleCharterContent"),
            ),
            ("shapes", "shapes.ts", ("Wide", "Deep")),
        ],
    )
    run(Command((TSMIRROR, "regen", "--config", "tsmirror.toml"), cwd=folder))
    documents = {
        "charter": CHARTER_CONTENT,
        "wide": wide_document(),
        "deep": deep_document(),
    }
    (folder / "documents.json").write_text(json.dumps(documents), encoding="utf-8")
    timer = Command(
        (PYTHON, "-c", _CHILD, str(folder), str(REPO_ROOT), str(max(repeat, 5))),
        cwd=folder,
    )
    measured: dict[str, dict[str, float]] = json.loads(run(timer, capture=True).stdout)

    rows: dict[str, dict[str, Any]] = {}
    for name, per_call in measured.items():
        rows[name] = {
            "document_bytes": len(json.dumps(documents[name]).encode()),
            "us_per_call": per_call,
            "ratio_to_pydantic_strict": round(
                per_call["tsmirror"] / per_call["pydantic_strict"], 3
            ),
            "ratio_from_text_to_pydantic_strict": round(
                per_call["tsmirror_from_text"] / per_call["pydantic_strict"], 3
            ),
            "ratio_to_msgspec_convert": round(
                per_call["tsmirror"] / per_call["msgspec_convert"], 3
            ),
        }
    results.sections["decoding"] = {"documents": rows}
    descriptions = {
        "charter": "the role charter (9 fields, five string arrays)",
        "wide": f"a wide object ({WIDE_FIELDS} fields)",
        "deep": f"a deep object ({DEEP_LEVELS} levels of objects in arrays)",
    }
    for name, row in rows.items():
        results.target(
            f"from_json_{name}",
            f"`from_json` on {descriptions[name]}, from parsed JSON / pydantic v2 strict "
            "`validate_json` from the text",
            row["ratio_to_pydantic_strict"],
            at_most=1.5,
        )


def measure(folder: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Runs in the child: µs per call of every validator on every document, interleaved
    (one batch of each in turn, `repeat` rounds), medians."""
    import msgspec
    import pydantic
    from pydantic import ConfigDict, TypeAdapter

    # the mirrors rendered into `folder`, first on sys.path: not the repository's
    role_charter = importlib.import_module("generated.role_charter")
    shapes = importlib.import_module("generated.shapes")

    strict = ConfigDict(strict=True, extra="forbid")
    dataclasses: list[Any] = [
        value
        for module in (role_charter, shapes)
        for value in vars(module).values()
        if isinstance(value, type) and hasattr(value, "__dataclass_fields__")
    ]
    for dataclass in dataclasses:
        dataclass.__pydantic_config__ = strict  # pydantic's hook for stdlib dataclasses

    documents = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
    classes = {
        "charter": role_charter.KoraRoleCharterContent,
        "wide": shapes.Wide,
        "deep": shapes.Deep,
    }
    # Each validator is a statement timed as it is written, with no wrapper call around it.
    statements = {
        "tsmirror": "from_json(parsed)",
        "tsmirror_from_text": "from_json(loads(text))",
        "pydantic_strict": "adapter.validate_json(text)",
        "msgspec": "decoder.decode(text)",
        "msgspec_convert": "convert(parsed, cls)",
        "json_loads": "loads(text)",
    }
    timers: dict[tuple[str, str], timeit.Timer] = {}
    for name, cls in classes.items():
        text = json.dumps(documents[name])
        scope = {
            "cls": cls,
            "from_json": cls.from_json,
            "text": text,
            "parsed": json.loads(text),
            "loads": json.loads,
            "adapter": TypeAdapter(cls),
            "decoder": msgspec.json.Decoder(cls),
            "convert": msgspec.convert,
        }
        expected = cls.from_json(scope["parsed"])
        for validator, statement in statements.items():
            if validator != "json_loads" and eval(statement, scope) != expected:
                raise BenchError(f"{validator} builds a different {name} document")
            timers[(name, validator)] = timeit.Timer(statement, globals=scope)
        bad = {**scope, "text": json.dumps(_broken(documents[name], name))}
        for validator in ("tsmirror_from_text", "pydantic_strict", "msgspec"):
            try:
                eval(statements[validator], bad)
            except (ValueError, pydantic.ValidationError, msgspec.ValidationError):
                continue
            raise BenchError(f"{validator} accepts a leaf of the wrong type in {name}")

    # calls per batch: about 50 ms of each (autorange finds a count that takes >= 0.2 s)
    numbers = {key: max(1, t.autorange()[0] // 4) for key, t in timers.items()}
    seconds: dict[tuple[str, str], list[float]] = {key: [] for key in timers}
    for _ in range(repeat):
        for key, timer in timers.items():
            seconds[key].append(timer.timeit(numbers[key]) / numbers[key])
    out: dict[str, dict[str, float]] = {}
    for (name, validator), times in seconds.items():
        out.setdefault(name, {})[validator] = round(statistics.median(times) * 1e6, 3)
    return out


# The child: the rendered mirrors' folder, then the repository (for bench), on sys.path.
_CHILD = """
import json, sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from bench.decoding import measure
print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[3]))))
"""
