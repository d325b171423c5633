"""`make bench` at its smallest, so the benchmark cannot rot: every section runs once, at the
quick sizes, into a temporary folder (bench/results.* stay as the last real run wrote them).

Node and PostgreSQL are required here as they are by `make bench`: when one is missing this
test fails; it never skips. One run at toy sizes is noise, so the timings are not judged;
that every target was measured, and written to both files, is.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.__main__ import main

TARGETS = {
    "check_vs_floor",
    "check_cold_vs_floor",
    "extract_vs_parse_at_largest",
    "from_json_charter",
    "from_json_wide",
    "from_json_deep",
    "faster_than_schema_generator",
    "faster_than_schema_generator_no_type_check",
    "faster_than_tsx",
    "regen_vs_parse_at_largest",
    "regen_growth_linear",
    "import_largest_matrix",
    "actor_has_capability_per_call",
    "system_prompt_block_warm",
    "on_turn_start_concurrent_localhost",
    "on_turn_start_concurrent_delay_proxy",
    "black_hole_turns_2_to_20",
}


@pytest.mark.node
@pytest.mark.postgres
def test_quick_run_measures_and_writes_every_target(tmp_path: Path) -> None:
    assert main(["--quick", "--out", str(tmp_path)]) == 0

    data = json.loads((tmp_path / "results.json").read_text())
    assert data["skipped"] == {}
    assert {t["id"] for t in data["targets"]} == TARGETS
    for target in data["targets"]:
        assert math.isfinite(target["value"]), target
        assert target["met"] == (
            target["value"] <= target["limit"]
            if target["at_most"]
            else target["value"] >= target["limit"]
        )
    phases = data["check_latency"]["cold_phases_cpu_ms"]
    assert "import jinja2" in phases and all(ms > 0 for ms in phases.values()), phases
    sizes = [row["capabilities"] for row in data["scale"]["series"]]
    assert sizes == data["settings"]["sizes"]
    assert [i["capabilities"] for i in data["generated_code"]["import"]] == [
        48,
        sizes[-1],
    ]

    markdown = (tmp_path / "results.md").read_text()
    for target_id in TARGETS:
        assert f"(`{target_id}`)" in markdown


def test_ci_refuses_to_skip_sections(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(SystemExit) as exit_info:
        main(["--quick", "--skip", "node"])
    assert exit_info.value.code == 2
    assert "refused when CI=true" in capsys.readouterr().err
