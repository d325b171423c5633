"""A non-editable install works on its own: one import package, `tsmirror`, with its
templates; the console script runs and regenerates a copied project to exactly the
committed bytes. The runtime installs separately (`make install-runtime`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
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
    "tsmirror",
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


def copy_distribution(source: Path) -> Path:
    """The distribution's files, copied, so nothing lands in the checkout and nothing
    outside them (tests/, examples/, the .venv) can be picked up."""
    for name in DISTRIBUTION:
        origin = REPO_ROOT / name
        if origin.is_symlink():
            (source / name).symlink_to(origin.readlink())
        elif origin.is_dir():
            shutil.copytree(
                origin, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    return source


def install_in_new_venv(what: Path, tmp_path: Path) -> Path:
    """A fresh venv with ``what`` (a folder or an sdist) installed by pip, not editable."""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    # The test environment's pip installs into the fresh venv (pip >= 22.3: --python).
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "install",
        "--quiet",
        what,
        cwd=tmp_path,
    )
    return venv


def assert_the_generator_alone_works(venv: Path, tmp_path: Path) -> Path:
    """The install imports as `tsmirror` and nothing else, says its version, and
    regenerates a copied project to exactly the committed bytes; returns that project."""
    python = venv / "bin" / "python"
    where = run(python, "-c", "import tsmirror; print(tsmirror.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    # The generator only: the runtime, the example mirrors and the driver stay out.
    for name in ("generated", "runtime", "asyncpg", "codegen"):
        absent = run_command(
            [python, "-c", f"import {name}"], cwd=tmp_path, env=isolated_env()
        )
        assert absent.returncode != 0, f"the tool's install made `{name}` importable"
    version = run(venv / "bin" / "tsmirror", "--version", cwd=tmp_path)
    assert version.stdout.startswith("tsmirror "), version.stdout

    project = copy_project(tmp_path / "project", generated=False)
    tsmirror = venv / "bin" / "tsmirror"
    regen = run_tsmirror("regen", cwd=project, executable=tsmirror, env=isolated_env())
    assert regen.returncode == 0, regen.stderr
    assert snapshot(project / "generated") == snapshot(GENERATED)
    check = run_tsmirror("check", cwd=project, executable=tsmirror, env=isolated_env())
    assert check.returncode == 0, check.stdout + check.stderr
    return project


def test_installed_wheel_regenerates_a_copied_project(tmp_path: Path) -> None:
    source = copy_distribution(tmp_path / "source")
    venv = install_in_new_venv(source, tmp_path)
    shutil.rmtree(source)  # whatever runs now must come from the install
    project = assert_the_generator_alone_works(venv, tmp_path)
    tsmirror = venv / "bin" / "tsmirror"

    # An upgrade that changes a template (here the header's, edited in the install) is a
    # generator change for every file it renders, never a traceback or a hand edit.
    [template] = venv.glob("lib/python*/site-packages/tsmirror/templates/header.py.j2")
    template.write_text(template.read_text().replace("DO NOT EDIT.", "Do not edit."))
    changed = run_tsmirror(
        "check",
        "--format",
        "json",
        cwd=project,
        executable=tsmirror,
        env=isolated_env(),
    )
    assert changed.returncode == 1, changed.stderr
    assert "Traceback" not in changed.stderr
    states = {p["state"] for p in json.loads(changed.stdout)["problems"]}
    assert states == {"generator changed"}

    # A template that no longer compiles, or no longer renders (whatever it raises), is
    # an error located in it (exit 2) for check and regen alike, and regen writes nothing.
    header_text = template.read_text()
    broken_line = header_text.count("\n") + 1
    module_template = template.parent / "module.py.j2"
    module_text = module_template.read_text()
    before = snapshot(project / "generated")
    for broken, edit, line, why in (
        (
            template,
            header_text + "{{ oops\n",
            broken_line,
            "unexpected end of template",
        ),
        (module_template, "{{ nothing }}\n" + module_text, 1, "'nothing' is undefined"),
        (module_template, "{{ 1 / 0 }}\n" + module_text, 1, "division by zero"),
    ):
        template.write_text(header_text)
        broken.write_text(edit)
        for command in ("check", "regen"):
            result = run_tsmirror(
                command, cwd=project, executable=tsmirror, env=isolated_env()
            )
            assert result.returncode == 2, result.stdout + result.stderr
            error = f"{broken}:{line}:1: error: template {broken.name} fails: {why}"
            assert result.stderr.startswith(error), result.stderr
            assert result.stderr.endswith("; reinstall tsmirror\n"), result.stderr
            assert result.stderr.count("\n") == 1, result.stderr
        module_template.write_text(module_text)
    assert snapshot(project / "generated") == before


def test_install_runtime_installs_the_runtime_and_its_mirrors(tmp_path: Path) -> None:
    """`make install-runtime PYTHON=...` gives that interpreter `runtime.provider`, the
    mirrors it imports and asyncpg, and not the generator."""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run("make", "-s", "install-runtime", f"PYTHON={python}", cwd=REPO_ROOT)
    probe = (
        "import asyncpg, runtime.provider, generated.capability_matrix as m;"
        "print(len(m.ACTOR_CAPABILITY_MATRIX))"
    )
    result = run(python, "-c", probe, cwd=tmp_path)
    assert int(result.stdout) > 0
    absent = run_command(
        [python, "-c", "import tsmirror"], cwd=tmp_path, env=isolated_env()
    )
    assert absent.returncode != 0, "the runtime's install brought the generator along"


def test_the_sdist_installs_the_same_tool(tmp_path: Path) -> None:
    """What an index serves: the sdist holds the package as a real folder (the link to
    codegen/ does not survive into it), the templates, and nothing else of the repository;
    the wheel pip builds from it works like the one built from the checkout."""
    source = copy_distribution(tmp_path / "source")
    dist = tmp_path / "dist"
    run(
        sys.executable, "-m", "build", "--sdist", "--outdir", dist, source, cwd=tmp_path
    )
    shutil.rmtree(source)
    [sdist] = dist.glob("tsmirror-*.tar.gz")
    with tarfile.open(sdist) as archive:
        top = {name.split("/")[1] for name in archive.getnames() if "/" in name}
        members = archive.getnames()
    assert top == {"PKG-INFO", "README.md", "pyproject.toml", "templates", "tsmirror"}
    assert not [name for name in members if "__pycache__" in name]
    assert_the_generator_alone_works(install_in_new_venv(sdist, tmp_path), tmp_path)


def test_make_runs_npm_without_its_update_notice() -> None:
    """`make test` (through `make node`) prints no "new version of npm" notice."""
    planned = run("make", "-n", "-B", "node", cwd=REPO_ROOT).stdout.splitlines()
    npm = [line for line in planned if line.split()[:1] == ["npm"]]
    assert npm, planned
    assert all("--no-update-notifier" in line.split() for line in npm), npm
