"""`tsmirror check` classifies every problem from the header hashes, and `regen` fixes it.

Each case of the issue's acceptance list breaks a fresh copy of the project one way and
expects that one file in that one state, a unified diff, the fix, and exit 1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project import MATRIX_TS, REPO_ROOT, clean_env, run_tsmirror
from tsmirror.drift import State, classify
from tsmirror.header import digest as body_digest

MATRIX = "generated/capability_matrix.py"
CHARTER = "generated/role_charter.py"
# Denied to kora in the example substrate; the tests grant it.
CAPABILITY = "cap_operator_update_policy"


def grant_to_kora(ts_file: Path, capability: str = CAPABILITY) -> None:
    text = ts_file.read_text(encoding="utf-8")
    row = text.index(f"\n  {capability}: {{")
    cell = text.index("kora: false", row)
    assert cell < text.index("}", row), f"{capability} is already granted to kora"
    ts_file.write_text(
        text[:cell] + "kora: true" + text[cell + len("kora: false") :], encoding="utf-8"
    )


def check_json(project: Path) -> tuple[int, dict[str, object]]:
    result = run_tsmirror("check", "--format", "json", cwd=project)
    return result.returncode, json.loads(result.stdout)


def only_problem(project: Path) -> dict[str, str]:
    code, document = check_json(project)
    assert code == 1
    assert document["in_sync"] is False
    problems = document["problems"]
    assert isinstance(problems, list) and len(problems) == 1, problems
    problem = problems[0]
    assert isinstance(problem, dict)
    return problem


def assert_reported(project: Path, file: str, state: str, fix: str) -> str:
    """Text, quiet and JSON all name `file` in `state`, with a diff and the fix; exit 1."""
    text = run_tsmirror("check", cwd=project)
    assert text.returncode == 1, text.stdout + text.stderr
    assert f"{file}: {state} (" in text.stdout
    assert f"--- {file} (on disk)\n+++ {file} (from source)\n" in text.stdout
    assert f"\nfix: {fix}\n" in text.stdout

    quiet = run_tsmirror("check", "--quiet", cwd=project)
    assert quiet.returncode == 1
    assert quiet.stdout == f"{file}: {state}\n"
    assert quiet.stderr == ""

    problem = only_problem(project)
    assert problem["file"] == file
    assert problem["state"] == state
    assert problem["fix"] == fix
    assert problem["diff"].startswith(f"--- {file} (on disk)\n")
    return problem["diff"]


def test_in_sync_exits_0_in_every_format(project: Path) -> None:
    assert run_tsmirror("check", "--quiet", cwd=project).stdout == ""
    assert run_tsmirror("check", "--quiet", cwd=project).returncode == 0
    code, document = check_json(project)
    assert code == 0
    assert document == {"in_sync": True, "checked": 5, "problems": []}


def test_hand_edited_body(project: Path) -> None:
    path = project / CHARTER
    text = path.read_text()
    path.write_text(text.replace('"""Who Kora is', '"""Who Kora really is', 1))

    diff = assert_reported(project, CHARTER, "hand-edited", "tsmirror regen")

    assert '-    """Who Kora really is' in diff
    assert '+    """Who Kora is' in diff


def test_flipped_kora_cell_is_a_source_change(project: Path) -> None:
    grant_to_kora(project / MATRIX_TS)

    diff = assert_reported(project, MATRIX, "source changed", "tsmirror regen")

    assert '-                "kora": False,' in diff
    assert '+                "kora": True,' in diff
    assert "-# source-sha256: " in diff


def test_deleted_generated_file_is_missing(project: Path) -> None:
    (project / MATRIX).unlink()

    diff = assert_reported(project, MATRIX, "missing", "tsmirror regen")

    assert "+ACTOR_CAPABILITY_MATRIX: Final[" in diff


def test_stray_generated_file_is_orphaned_and_pruned_only_on_request(
    project: Path,
) -> None:
    stray = project / "generated" / "old_matrix.py"
    shutil.copy(project / MATRIX, stray)
    # A hand-written module without a tsmirror header is not ours to report or remove.
    (project / "generated" / "notes.py").write_text("NOTE = 1\n")

    diff = assert_reported(
        project, "generated/old_matrix.py", "orphaned", "tsmirror regen --prune"
    )
    assert "-ACTOR_CAPABILITY_MATRIX: Final[" in diff

    kept = run_tsmirror("regen", cwd=project)
    assert kept.returncode == 0
    assert stray.exists()
    assert "old_matrix: kept (orphaned; --prune removes it)" in kept.stderr

    pruned = run_tsmirror("regen", "--prune", cwd=project)
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout == "removed generated/old_matrix.py\n"
    assert not stray.exists()
    assert (project / "generated" / "notes.py").exists()
    assert run_tsmirror("check", cwd=project).returncode == 0


def full_copy(dest: Path) -> Path:
    """The whole project, generator and templates included, to change the generator."""
    shutil.copytree(
        REPO_ROOT,
        dest,
        symlinks=True,  # tsmirror/ stays a link to the copy's codegen/
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "__pycache__", ".*_cache", "bench"
        ),
    )
    return dest


def run_module(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m tsmirror` from the copy, so its codegen/ and templates/ are the ones used."""
    return subprocess.run(
        [sys.executable, "-m", "tsmirror", *args],
        cwd=copy,
        env=clean_env(PYTHONPATH=str(copy)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_template_only_change_is_a_generator_change(tmp_path: Path) -> None:
    copy = full_copy(tmp_path / "repo")
    template = copy / "templates" / "module.py.j2"
    text = template.read_text()
    assert "Regenerate with `tsmirror regen`." in text
    template.write_text(text.replace("Regenerate with", "Rebuild with", 1))
    assert run_module(copy, "check", "--quiet").stdout == (
        f"{MATRIX}: generator changed\n{CHARTER}: generator changed\n"
    )

    result = run_module(copy, "check")

    assert result.returncode == 1, result.stderr
    assert f"{MATRIX}: generator changed (" in result.stdout
    assert '-"""Typed mirror of TypeScript declarations. Regenerate with' in (
        result.stdout
    )
    assert "fix: tsmirror regen" in result.stdout
    # the copy's generator is the one that ran, not the installed one
    assert run_tsmirror("check", cwd=copy).returncode == 0

    regen = run_module(copy, "regen")
    assert regen.returncode == 0
    assert "capability_matrix: written (generator changed)" in regen.stderr
    assert run_module(copy, "check").returncode == 0


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("templates/header.py.j2", "DO NOT EDIT.", "DO NOT EDIT BY HAND."),
        ("templates/header.py.j2", "# format: {{ format }}\n", ""),
        ("templates/kernel.py.j2", "the validation error", "the error"),
        ("codegen/header.py", "FORMAT_VERSION = 2", "FORMAT_VERSION = 3"),
    ],
    ids=["header wording", "header line dropped", "kernel", "newer format"],
)
def test_a_changed_header_template_or_format_is_a_generator_change(
    tmp_path: Path, path: str, old: str, new: str
) -> None:
    copy = full_copy(tmp_path / "repo")
    source = copy / path
    text = source.read_text()
    assert old in text
    source.write_text(text.replace(old, new, 1))

    result = run_module(copy, "check", "--format", "json")

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    states = {p["state"] for p in json.loads(result.stdout)["problems"]}
    assert states == {"generator changed"}
    assert run_module(copy, "regen").returncode == 0
    assert run_module(copy, "check").returncode == 0


def test_regen_summarises_each_mirror(project: Path) -> None:
    grant_to_kora(project / MATRIX_TS)
    (project / CHARTER).unlink()

    result = run_tsmirror("regen", cwd=project)

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"wrote {MATRIX}\nwrote {CHARTER}\nwrote generated/tsmirror.lock.json\n"
    )
    assert result.stderr.splitlines() == [
        "  __init__: unchanged: generated/__init__.py",
        "  _kernel: unchanged: generated/_kernel.py",
        f"  capability_matrix: written (source changed): {MATRIX}",
        f"  role_charter: written (missing): {CHARTER}",
        "  tsmirror.lock: written: generated/tsmirror.lock.json",
        "3 written, 2 unchanged",
    ]


def test_regen_leaves_unchanged_files_alone(project: Path) -> None:
    grant_to_kora(project / MATRIX_TS)
    charter = project / CHARTER
    os.utime(charter, ns=(1_000_000_000, 1_000_000_000))

    assert run_tsmirror("regen", cwd=project).returncode == 0

    assert charter.stat().st_mtime_ns == 1_000_000_000


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "json"]])
def test_input_error_exits_2(project: Path, args: list[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.tsmirror]\nbogus = 1\n")

    result = run_tsmirror(*args, cwd=project)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "pyproject.toml: error: [tool.tsmirror]: unknown key"
    )


# --- the classification itself, on texts built to isolate each rule ----------------------


def mirror(body: str, source: str = "a" * 64, body_hash: str | None = None) -> str:
    return (
        "# Code generated by tsmirror from x.ts. DO NOT EDIT.\n"
        f"# source-sha256: {source}\n"
        f"# body-sha256: {body_hash or body_digest(body)}\n"
        "# format: 1\n" + body
    )


def test_classify_isolates_each_state() -> None:
    path = Path("m.py")
    rendered = mirror("X = 1\n")
    assert classify(path, rendered, rendered) is None

    cases = {
        State.MISSING: None,
        State.HAND_EDITED: mirror("X = 2\n", body_hash=body_digest("X = 1\n")),
        State.SOURCE_CHANGED: mirror("X = 0\n", source="b" * 64),
        State.GENERATOR_CHANGED: mirror("X  =  1\n"),
    }
    for state, on_disk in cases.items():
        problem = classify(path, rendered, on_disk)
        assert problem is not None and problem.state is state, state

    # no header at all: nothing vouches for the body
    headless = classify(path, rendered, "X = 1\n")
    assert headless is not None and headless.state is State.HAND_EDITED
    # a hand edit wins over a source change: the edit would be lost on regen
    both = mirror("X = 2\n", source="b" * 64, body_hash=body_digest("X = 1\n"))
    problem = classify(path, rendered, both)
    assert problem is not None and problem.state is State.HAND_EDITED
