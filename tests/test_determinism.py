"""Regeneration is byte-identical across processes, hash seeds, folders and working directories."""

from __future__ import annotations

from pathlib import Path

from tests.project import GENERATED, clean_env, copy_project, run_tsmirror, snapshot


def test_regen_is_identical_under_different_hash_seeds(tmp_path: Path) -> None:
    first = copy_project(tmp_path / "first", generated=False)
    second = copy_project(tmp_path / "a" / "deeper" / "second", generated=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    one = run_tsmirror("regen", cwd=first, env=clean_env(PYTHONHASHSEED="1"))
    # Another seed, another absolute path, and run from outside the project.
    two = run_tsmirror(
        "regen",
        "--config",
        str(second / "pyproject.toml"),
        cwd=elsewhere,
        env=clean_env(PYTHONHASHSEED="4242"),
    )

    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    outputs = snapshot(first / "generated")
    assert sorted(outputs) == [
        "__init__.py",
        "_kernel.py",
        "capability_matrix.py",
        "role_charter.py",
        "tsmirror.lock.json",
    ]
    assert snapshot(second / "generated") == outputs
    assert list(elsewhere.iterdir()) == []
    # And both equal what is committed, which was rendered by yet another process.
    committed = {
        name: data for name, data in snapshot(GENERATED).items() if name in outputs
    }
    assert outputs == committed
