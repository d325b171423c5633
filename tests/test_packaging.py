"""A non-editable install works on its own: templates ship in the wheel, the console
script runs, and it regenerates a copied project to exactly the committed bytes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.project import (
    GENERATED,
    REPO_ROOT,
    clean_env,
    copy_project,
    run_command,
    run_tsmirror,
    snapshot,
)

# What the distribution is built from (see [tool.hatch.build] in pyproject.toml).
DISTRIBUTION = (
    "pyproject.toml",
    "README.md",
    "codegen",
    "templates",
    "runtime",
    "generated",
)


def isolated_env() -> dict[str, str]:
    """No PYTHONPATH: only what the venv installed may be imported."""
    env = clean_env()
    env.pop("PYTHONPATH", None)
    return env


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = run_command(args, cwd=cwd, env=isolated_env(), timeout=600)
    assert result.returncode == 0, f"{args}:\n{result.stdout}{result.stderr}"
    return result


def test_installed_wheel_regenerates_a_copied_project(tmp_path: Path) -> None:
    # Build from a copy, so nothing lands in the checkout and nothing outside the
    # distribution's files (tests/, examples/, the .venv) can be picked up.
    source = tmp_path / "source"
    for name in DISTRIBUTION:
        origin = REPO_ROOT / name
        if origin.is_dir():
            shutil.copytree(
                origin, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    # The test environment's pip installs into the fresh venv (pip >= 22.3: --python).
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        source,
        cwd=tmp_path,
    )
    shutil.rmtree(source)  # whatever runs now must come from the install

    where = run(python, "-c", "import codegen; print(codegen.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv)

    project = copy_project(tmp_path / "project", generated=False)
    tsmirror = venv / "bin" / "tsmirror"
    regen = run_tsmirror("regen", cwd=project, executable=tsmirror, env=isolated_env())
    assert regen.returncode == 0, regen.stderr
    assert snapshot(project / "generated") == {
        name: data for name, data in snapshot(GENERATED).items() if name.endswith(".py")
    }
    check = run_tsmirror("check", cwd=project, executable=tsmirror, env=isolated_env())
    assert check.returncode == 0, check.stdout + check.stderr
