"""`tsmirror check` and `regen` run as a user runs them, on a copy of the project.

check: 0 in sync, 1 on drift (naming the file, its state and a diff), 2 on bad input.
Bad input never prints a traceback and never writes a file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.project import (
    CHARTER_TS,
    DENIED_TO_KORA,
    MATRIX_TS,
    flip_kora_cell,
    run_tsmirror,
    snapshot,
)


def split_report(output: str) -> tuple[list[str], list[str]]:
    """check's stdout as (its own lines, the hunks of the unified diffs it prints)."""
    lines = output.splitlines()
    report: list[str] = []
    hunks: list[str] = []
    i = 0
    while i < len(lines):
        header = re.match(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", lines[i])
        if header is None:
            if not lines[i].startswith(("--- ", "+++ ")):
                report.append(lines[i])
            i += 1
            continue
        old, new = int(header[1] or 1), int(header[2] or 1)
        start = i
        i += 1
        while old > 0 or new > 0:
            marker = lines[i][:1]
            old -= marker != "+"
            new -= marker != "-"
            i += 1
        hunks.append("\n".join(lines[start:i]))
    return report, hunks


def test_check_passes_on_the_committed_mirrors(project: Path) -> None:
    result = run_tsmirror("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "in sync" in result.stderr


def test_check_names_a_flipped_kora_cell(project: Path) -> None:
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)

    result = run_tsmirror("check", cwd=project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "generated/capability_matrix.py: source changed" in result.stdout
    assert "generated/role_charter.py" not in result.stdout
    report, hunks = split_report(result.stdout)
    # One hunk shows the capability's row and the cell that changed in it.
    [hunk] = [h for h in hunks if DENIED_TO_KORA in h]
    assert '-                "kora": False,' in hunk
    assert '+                "kora": True,' in hunk
    # The command that fixes it (outside the diff, whose context may quote it too).
    assert any("regen" in line for line in report), report


def test_check_then_regen_then_check_is_clean(project: Path) -> None:
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)
    assert run_tsmirror("check", cwd=project).returncode == 1

    regen = run_tsmirror("regen", cwd=project)

    assert regen.returncode == 0, regen.stderr
    assert regen.stdout == (
        "wrote generated/capability_matrix.py\nwrote generated/tsmirror.lock.json\n"
    )
    assert run_tsmirror("check", cwd=project).returncode == 0
    matrix = (project / "generated" / "capability_matrix.py").read_text()
    row = matrix[matrix.index(f'"{DENIED_TO_KORA}"') :]
    assert row.index('"kora": True') < row.index("}")


def test_check_reports_a_hand_edited_mirror(project: Path) -> None:
    charter = project / "generated" / "role_charter.py"
    text = charter.read_text()
    charter.write_text(text.replace("    identity: str\n", "    identity: object\n", 1))
    assert charter.read_text() != text

    result = run_tsmirror("check", cwd=project)

    assert result.returncode == 1
    assert "generated/role_charter.py: hand-edited" in result.stdout
    assert "-    identity: object\n" in result.stdout
    assert "+    identity: str\n" in result.stdout
    assert "capability_matrix.py" not in result.stdout


def test_check_reports_a_missing_mirror(project: Path) -> None:
    (project / "generated" / "role_charter.py").unlink()

    result = run_tsmirror("check", cwd=project)

    assert result.returncode == 1
    assert "generated/role_charter.py: missing" in result.stdout
    assert "+class KoraRoleCharterContent:" in result.stdout


def test_check_with_config_from_another_directory(
    project: Path, tmp_path: Path
) -> None:
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = run_tsmirror(
        "check", "--config", str(project / "pyproject.toml"), cwd=elsewhere
    )

    assert result.returncode == 1
    assert DENIED_TO_KORA in result.stdout


def test_regen_of_an_in_sync_project_writes_nothing(project: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (project / "generated").iterdir()}

    result = run_tsmirror("regen", cwd=project)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "0 written, 5 unchanged" in result.stderr
    assert {
        p: p.stat().st_mtime_ns for p in (project / "generated").iterdir()
    } == before


def replace_line(path: Path, old: str, new: str) -> tuple[int, str]:
    """Replaces the one line equal to `old`; returns its 1-based number and the new text."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index(old)
    lines[index] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1, new


@pytest.mark.parametrize(
    ("file", "old", "new", "col", "message"),
    [
        pytest.param(
            MATRIX_TS,
            "export const ACTOR_CAPABILITIES = [...SEA_CAPABILITIES, ...KORA_BROADER_CAPABILITIES] as const;",
            "export const ACTOR_CAPABILITIES = foo();",
            len("export const ACTOR_CAPABILITIES = ") + 1,
            "call expression foo() is not statically evaluable",
            id="call",
        ),
        pytest.param(
            CHARTER_TS,
            "  identity: string;",
            "  identity: string %;",
            len("  identity: string ") + 1,
            "syntax error near '%'",
            id="syntax",
        ),
        pytest.param(
            CHARTER_TS,
            "  charter_modification: string;",
            "  charter_modification: () => string;",
            len("  charter_modification: ") + 1,
            "function type () => string is not supported",
            id="function-field",
        ),
    ],
)
@pytest.mark.parametrize("command", ["regen", "check"])
def test_bad_input_is_one_located_error_and_writes_nothing(
    project: Path, command: str, file: str, old: str, new: str, col: int, message: str
) -> None:
    # Drift in the other mirror too: a regen that wrote mirrors one by one would
    # rewrite capability_matrix.py before failing on the charter.
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)
    line, _ = replace_line(project / file, old, new)
    before = snapshot(project / "generated")

    result = run_tsmirror(command, cwd=project)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"{file}:{line}:{col}: error: "), result.stderr
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    assert snapshot(project / "generated") == before
