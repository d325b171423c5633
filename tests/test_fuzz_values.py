"""Short, fixed-seed runs of the value property tests in tests/fuzz_values.py (`make fuzz`
runs long ones).

They catch an operator, conversion or method whose result differs from Node's by a single
bit or character, a crash, and a refusal without a location.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz_values import campaign


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
