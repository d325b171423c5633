"""Short, fixed-seed runs of the value property tests in tests/fuzz_values.py (`make fuzz`
runs long ones).

They catch an operator, conversion or method whose result differs from Node's by a single
bit or character, a crash, and a refusal without a location.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.fuzz_values import (
    campaign,
    expression_file,
    ours,
    parses,
    table_file,
    write_file,
)
from tests.mirrors import lint_generated, render_mirror
from tsmirror.errors import InputError
from tsmirror.ts.graph import prove_export
from tsmirror.ts.program import Program


@pytest.mark.node
@pytest.mark.parametrize("kind", ["expressions", "tables"])
def test_random_values_equal_node_or_are_refused_with_a_location(
    kind: str, tmp_path: Path
) -> None:
    report = campaign(kind, count=1500, seed=20261201, workdir=tmp_path)
    assert not report.findings, "\n".join(report.findings[:20])
    # Most of them must be compared, or the campaign is not exercising the evaluator.
    assert report.outcomes["value"] > 1300
    assert report.outcomes["refused"] > 0


def plain(value: object) -> object:
    """A mirror's value as JSON data: tuples become lists, read-only mappings dicts."""
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


def test_random_computed_consts_render_mirrors_that_hold_their_values_and_lint_clean(
    tmp_path: Path,
) -> None:
    """The mirrored type of a computed const is its value's: the generated module passes
    mypy --strict and ruff, and holds what the evaluator computed."""
    rng = random.Random(20261201)
    preamble, tables = table_file(rng, 80)
    expressions = [e for e in expression_file(rng, 80) if parses(e)]
    path = tmp_path / "values.ts"
    symbols = write_file(path, preamble, tables + expressions)
    program = Program(tmp_path)
    entry = program.load(path)
    computed: dict[str, str] = {}
    for symbol, (outcome, text) in zip(symbols, ours(path, symbols), strict=True):
        if outcome != "value":
            continue
        try:
            prove_export(program, entry, symbol)
        except InputError:
            continue
        computed[symbol] = text
    assert len(computed) > 50
    out = tmp_path / "values_mirror.py"
    mirror = render_mirror(tmp_path, path, list(computed), out)
    for symbol, text in computed.items():
        assert plain(getattr(mirror, symbol)) == json.loads(text), symbol
    lint_generated(out)
