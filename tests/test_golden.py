"""Golden end-to-end: source in, exact bytes out.

The example substrate must render to exactly the committed generated/, and each case
folder under tests/golden/ must render to exactly its expected/ through the real CLI.
`TSMIRROR_UPDATE_GOLDEN=1` rewrites the expected/ folders instead (see golden/README.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

import pytest
from click.testing import CliRunner

from tests.mirrors import import_mirror
from tests.oracle import ajv_verdicts, node_evaluate, tsc
from tests.project import GENERATED, REPO_ROOT, snapshot
from tsmirror.cli import main
from tsmirror.config import load_config
from tsmirror.generate import render_all
from tsmirror.paths import RECORD_NAME

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(config.parent.name for config in GOLDEN.glob("*/tsmirror.toml"))
UPDATE = os.environ.get("TSMIRROR_UPDATE_GOLDEN") == "1"
BIN = Path(sys.executable).parent


def test_example_substrate_renders_the_committed_generated_files() -> None:
    config = load_config(REPO_ROOT / "pyproject.toml", cwd=REPO_ROOT, environ={})

    rendered = {
        path.relative_to(GENERATED).as_posix(): text
        for path, text in render_all(config).items()
    }

    committed = {
        name: data.decode("utf-8")
        for name, data in snapshot(GENERATED).items()
        if name.endswith(".py") or name == RECORD_NAME
    }
    assert sorted(rendered) == sorted(committed), "run `make regen`"
    for name, text in rendered.items():
        assert text == committed[name], f"generated/{name} is stale: run `make regen`"


def regen_case(case: str, work: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(GOLDEN / case, work, ignore=shutil.ignore_patterns("expected"))
    monkeypatch.chdir(work)
    monkeypatch.delenv("KORA_ISOKRON_REPO", raising=False)
    result = CliRunner().invoke(main, ["regen", "--config", "tsmirror.toml"])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return work / "out"


@pytest.mark.parametrize("case", CASES)
def test_golden_case(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = regen_case(case, tmp_path / case, monkeypatch)
    expected = GOLDEN / case / "expected"
    if UPDATE:
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(out, expected, ignore=shutil.ignore_patterns("__pycache__"))

    actual, wanted = snapshot(out), snapshot(expected)
    assert sorted(actual) == sorted(wanted), (
        f"refresh: TSMIRROR_UPDATE_GOLDEN=1 ({case})"
    )
    for name, data in actual.items():
        assert data.decode() == wanted[name].decode(), f"{case}/expected/{name}"

    # check renders the same map regen wrote, so it must agree right after.
    check = CliRunner().invoke(main, ["check", "--config", "tsmirror.toml"])
    assert check.exit_code == 0, check.output


def test_there_is_a_golden_case() -> None:
    # An empty glob would make the parametrized test above vanish without a failure.
    assert CASES
    for case in CASES:
        assert (GOLDEN / case / "expected" / "__init__.py").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_golden_output_is_ruff_and_mypy_strict_clean(case: str, tmp_path: Path) -> None:
    # Copied out of tests/golden/, which the project's ruff config excludes.
    out = tmp_path / "out"
    shutil.copytree(GOLDEN / case / "expected", out)
    config = str(REPO_ROOT / "pyproject.toml")
    for command in (
        [BIN / "ruff", "check", "--no-cache", "--config", config, "out"],
        [BIN / "ruff", "format", "--no-cache", "--check", "--config", config, "out"],
        [BIN / "mypy", "--strict", "--no-incremental", "--cache-dir", "cache", "out"],
    ):
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"


@pytest.mark.node
@pytest.mark.parametrize("case", CASES)
def test_golden_input_passes_tsc_strict(case: str) -> None:
    result = tsc("--noEmit", "-p", str(GOLDEN / case))
    assert result.returncode == 0, result.stdout + result.stderr


def load_expected(case: str, module: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    del monkeypatch  # the package is imported under a name of its own
    return import_mirror(GOLDEN / case / "expected", module)


def plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    return value


@pytest.mark.node
def test_badges_consts_equal_what_node_evaluates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = GOLDEN / "badges" / "src"
    tokens = load_expected("badges", "tokens", monkeypatch)
    badge = load_expected("badges", "badge", monkeypatch)

    [colours] = node_evaluate(src / "tokens.ts", "BADGE_COLOURS")
    all_colours, size_pixels = node_evaluate(
        src / "badge.ts", "ALL_COLOURS", "SIZE_PIXELS"
    )

    assert plain(tokens.BADGE_COLOURS) == json.loads(colours)
    # ALL_COLOURS spreads a const imported from tokens.ts.
    assert plain(badge.ALL_COLOURS) == json.loads(all_colours)
    assert list(plain(badge.SIZE_PIXELS)) == list(json.loads(size_pixels))
    assert plain(badge.SIZE_PIXELS) == json.loads(size_pixels)
    assert get_args(badge.BadgeColour) == tuple(json.loads(colours))


@pytest.mark.node
def test_badges_from_json_agrees_with_ajv(monkeypatch: pytest.MonkeyPatch) -> None:
    badge = load_expected("badges", "badge", monkeypatch)
    valid = {
        "label": "Beta",
        "colour": "amber",
        "tags": ["new"],
        "schema_version": 1,
        "owner": {"name": "ops"},
    }
    documents = [
        valid,
        {**valid, "colour": "grey"},  # retired: in ALL_COLOURS, not in BadgeColour
        {**valid, "tags": ["new", 3]},
        {**valid, "schema_version": 2},
        {**valid, "owner": {}},
        {key: value for key, value in valid.items() if key != "label"},
    ]

    def accepted(document: object) -> bool:
        try:
            badge.Badge.from_json(document)
        except ValueError:
            return False
        return True

    verdicts = ajv_verdicts(GOLDEN / "badges" / "src" / "badge.ts", "Badge", documents)
    assert [accepted(d) for d in documents] == verdicts == [True] + [False] * 5
    assert badge.Badge.from_json(valid).to_json() == valid
