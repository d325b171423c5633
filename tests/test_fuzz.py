"""A short, fixed-seed run of the fuzz campaign in tests/fuzz.py (`make fuzz` runs long ones).

It catches a mutant that crashes the pipeline, hangs, ends in an error without a location,
or renders a value Node evaluates differently (or not at all: a load that throws) from the
same mutated file, including code that writes to a value or reads it too early.
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
    # Both outcomes must occur, or the campaign is not exercising anything: byte
    # mutations, and code inserted into the file or run from a module loaded after it.
    assert report.outcomes["rendered"] > 20
    assert report.outcomes["refused"] > 20
    for kind in ("insert-code", "side-module"):
        assert report.by_kind[f"{kind} rendered"] > 10, report.by_kind
        assert report.by_kind[f"{kind} refused"] > 10, report.by_kind
