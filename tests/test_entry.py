"""The entry point answers plain `check` and `extract` before click loads; whatever it
answers must be what the click commands answer, and whatever it cannot answer must reach
them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.project import (
    CHARTER_TS,
    DENIED_TO_KORA,
    MATRIX_TS,
    clean_env,
    flip_kora_cell,
    run_tsmirror,
)
from tsmirror.cli import main
from tsmirror.entry import answer


def through_click(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="tsmirror")
    return result.exit_code, result.stdout, result.stderr


def through_entry(project: Path, *args: str) -> tuple[int, str, str]:
    result = run_tsmirror(*args, cwd=project, env=clean_env())
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("extract", MATRIX_TS, "ACTOR_CAPABILITY_MATRIX"),
        (
            "extract",
            CHARTER_TS,
            "KoraRoleCharterContent",
            "--root",
            "examples/substrate",
        ),
        ("extract", MATRIX_TS, "NO_SUCH_SYMBOL"),
        ("extract", "examples/missing.ts", "X"),
        ("check",),
        ("check", "--quiet"),
        ("check", "--format", "json"),
        ("check", "--config", "pyproject.toml", "-q"),
        ("check", "--config", "missing.toml"),
        ("check", "--config", "examples"),
        ("check", "--source-root", "pyproject.toml"),
        ("regen",),
        ("regen", "--prune", "--config", "pyproject.toml"),
    ],
)
def test_both_paths_answer_alike(
    project: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    assert run_tsmirror("regen", cwd=project).returncode == 0  # stores a verdict
    monkeypatch.chdir(project)
    assert through_entry(project, *args) == through_click(*args)


@pytest.mark.parametrize(
    "argv", [["check"], ["check", "-q"], ["regen"], ["regen", "--prune"]]
)
def test_plain_calls_with_a_stored_verdict_are_answered_here(
    project: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """Without --config (as a pre-commit hook runs it), not only with it: the config is the
    nearest pyproject.toml, and click need not load."""
    assert run_tsmirror("regen", cwd=project).returncode == 0  # stores a verdict
    monkeypatch.chdir(project)
    assert answer(argv) == 0


@pytest.mark.parametrize(
    "args", [("check",), ("check", "-q"), ("check", "--format", "json")]
)
def test_a_check_with_work_to_do_is_answered_alike(
    project: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """The hook's case after a change: rendered, compared and reported without click, in
    the very words, streams and exit code of the click command."""
    monkeypatch.chdir(project)
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)
    code, stdout, stderr = through_entry(project, *args)
    assert code == 1 and "source changed" in stdout
    assert (code, stdout, stderr) == through_click(*args)
    assert answer(list(args)) == 1  # answered here, not left to click


def test_a_check_that_cannot_render_is_answered_alike(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    source = project / MATRIX_TS
    source.write_text(source.read_text() + "\nexport const BROKEN = ;\n")
    code, stdout, stderr = through_entry(project, "check")
    assert code == 2 and ": error: " in stderr and "Traceback" not in stderr
    assert (code, stdout, stderr) == through_click("check")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["check", "--help"],
        ["check", "--format", "yaml"],
        ["check", "--config"],
        ["regen", "--format", "json"],
        ["extract", "--root"],
        ["extract", "only-one-argument"],
        ["extract", "f.ts", "S", "extra"],
        ["diff"],
    ],
)
def test_anything_else_is_left_to_click(argv: list[str]) -> None:
    assert answer(argv) is None
