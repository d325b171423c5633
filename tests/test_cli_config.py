"""Where the TypeScript comes from (config, KORA_ISOKRON_REPO, --source-root), and config
errors: one `path: error:` line on stderr, exit 2, nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project import (
    DENIED_TO_KORA,
    MATRIX_TS,
    clean_env,
    flip_kora_cell,
    run_tsmirror,
    snapshot,
)


@pytest.fixture
def drifted_substrate(project: Path, tmp_path: Path) -> Path:
    """A second copy of the example substrate, with a kora cell flipped."""
    substrate = tmp_path / "other-substrate"
    shutil.copytree(project / "examples" / "substrate", substrate)
    flip_kora_cell(
        substrate / MATRIX_TS.removeprefix("examples/substrate/"), DENIED_TO_KORA
    )
    return substrate


def test_source_root_env_wins_over_the_config(
    project: Path, drifted_substrate: Path
) -> None:
    result = run_tsmirror(
        "check", cwd=project, env=clean_env(KORA_ISOKRON_REPO=str(drifted_substrate))
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert DENIED_TO_KORA in result.stdout


def test_source_root_option_wins_over_the_env(
    project: Path, drifted_substrate: Path
) -> None:
    result = run_tsmirror(
        "check",
        "--source-root",
        "examples/substrate",
        cwd=project,
        env=clean_env(KORA_ISOKRON_REPO=str(drifted_substrate)),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_source_root_option_reaches_regen(
    project: Path, drifted_substrate: Path
) -> None:
    result = run_tsmirror("regen", "--source-root", str(drifted_substrate), cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "wrote generated/capability_matrix.py\nwrote generated/tsmirror.lock.json\n"
    )


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        pytest.param(
            ("strict_objects = true", "strict_object = true"),
            "bad.toml: error: [tool.tsmirror]: unknown key 'strict_object'",
            id="unknown-key",
        ),
        pytest.param(
            ('"ActorCapability",', '"ActorCapabilty",'),
            "'ActorCapabilty' is not exported",
            id="symbol-not-exported",
        ),
        pytest.param(
            ('source_root = "examples/substrate"', 'source_root = "examples/nowhere"'),
            "bad.toml: error: source root ",
            id="missing-source-root",
        ),
        pytest.param(
            ('module = "role_charter"', 'module = "role-charter"'),
            "bad.toml: error: ",
            id="bad-module-name",
        ),
    ],
)
@pytest.mark.parametrize("command", ["regen", "check"])
def test_config_error_is_one_line_and_exit_2(
    project: Path, command: str, edit: tuple[str, str], error: str
) -> None:
    text = (project / "pyproject.toml").read_text()
    assert edit[0] in text
    (project / "bad.toml").write_text(text.replace(edit[0], edit[1], 1))
    before = snapshot(project / "generated")

    result = run_tsmirror(command, "--config", "bad.toml", cwd=project)

    assert result.returncode == 2, result.stdout + result.stderr
    assert error in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert snapshot(project / "generated") == before


def test_missing_config_file(project: Path) -> None:
    result = run_tsmirror("check", "--config", "nope.toml", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "nope.toml: error: config file not found\n"


@pytest.mark.parametrize("command", ["regen", "check"])
@pytest.mark.parametrize("blocker", ["output-dir-is-a-file", "mirror-is-a-folder"])
def test_unusable_output_path_is_an_error_not_a_traceback(
    project: Path, command: str, blocker: str
) -> None:
    if blocker == "output-dir-is-a-file":
        text = (project / "pyproject.toml").read_text()
        (project / "pyproject.toml").write_text(
            text.replace('output_dir = "generated"', 'output_dir = "README"')
        )
        (project / "README").write_text("not a folder\n")
    else:
        (project / "generated" / "role_charter.py").unlink()
        (project / "generated" / "role_charter.py").mkdir()

    result = run_tsmirror(command, cwd=project)

    # An uncaught exception also exits 1, so the traceback is what tells them apart.
    assert "Traceback" not in result.stderr
    assert result.returncode in (1, 2), result.stdout + result.stderr
    blocked = "README" if blocker == "output-dir-is-a-file" else "role_charter.py"
    assert blocked in result.stdout + result.stderr


def test_config_is_found_upward_from_a_subfolder(project: Path) -> None:
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)
    result = run_tsmirror("check", cwd=project / "examples" / "substrate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert DENIED_TO_KORA in result.stdout


def test_python_dash_m_tsmirror_is_the_same_command(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tsmirror", "check"],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in sync" in result.stderr
