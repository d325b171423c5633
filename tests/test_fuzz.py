"""A short, fixed-seed run of the fuzz campaign in tests/fuzz.py (`make fuzz` runs long ones).

It catches a mutant that crashes the pipeline, hangs, ends in an error without a location,
or renders a value Node evaluates differently from the same mutated file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz import campaign


@pytest.mark.node
def test_mutants_are_rendered_exactly_or_refused_with_a_location(
    tmp_path: Path,
) -> None:
    report = campaign(count=400, seed=20261125, workdir=tmp_path)
    assert not report.findings, "\n".join(report.findings)
    # Both outcomes must occur, or the campaign is not exercising anything.
    assert report.outcomes["rendered"] > 20
    assert report.outcomes["refused"] > 20
