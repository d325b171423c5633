"""The cached verdict is exactly as strict as a full run.

Each test first lets a full `check` store its "in sync" verdict, then changes one thing the
verdict depends on; the next `check` must see the change. A test that passes because the
cache is off proves nothing, so each one also asserts that the verdict was there to reuse.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project import (
    DENIED_TO_KORA,
    MATRIX_TS,
    REPO_ROOT,
    clean_env,
    copy_project,
    flip_kora_cell,
    run_tsmirror,
)


@pytest.fixture
def cached(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A project copy whose in-sync verdict is stored in a cache dir of its own."""
    project = copy_project(tmp_path / "project")
    env = clean_env(TSMIRROR_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("TSMIRROR_NO_CACHE", None)
    first = run_tsmirror("check", cwd=project, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert list((tmp_path / "cache").glob("check-*.json")), "no verdict was stored"
    return project, env


def check(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_tsmirror("check", "--quiet", cwd=project, env=env)


def test_an_unchanged_project_reuses_the_verdict(
    cached: tuple[Path, dict[str, str]],
) -> None:
    project, env = cached
    # Make the full path impossible: a reused verdict never renders.
    (project / "sitecustomize.py").write_text(
        "import sys; sys.modules['tsmirror.render'] = None\n"
    )
    env = {**env, "PYTHONPATH": str(project)}
    assert check(project, env).returncode == 0
    (project / "sitecustomize.py").unlink()


def test_a_source_edit_is_seen(cached: tuple[Path, dict[str, str]]) -> None:
    project, env = cached
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)
    result = check(project, env)
    assert result.returncode == 1
    assert "generated/capability_matrix.py: source changed" in result.stdout


def test_a_hand_edit_a_deletion_and_a_stray_file_are_seen(
    cached: tuple[Path, dict[str, str]],
) -> None:
    project, env = cached
    mirror = project / "generated" / "role_charter.py"
    original = mirror.read_bytes()
    mirror.write_bytes(original.replace(b"identity: str", b"identity: str  # edited"))
    assert "hand-edited" in check(project, env).stdout
    mirror.write_bytes(original)
    assert check(project, env).returncode == 0
    mirror.unlink()
    assert "role_charter.py: missing" in check(project, env).stdout
    mirror.write_bytes(original)
    shutil.copy(mirror, project / "generated" / "stray.py")
    assert "stray.py: orphaned" in check(project, env).stdout


def test_a_new_file_that_changes_module_resolution_is_seen(tmp_path: Path) -> None:
    """`./rows` resolves to rows/index.ts until a rows.ts appears beside the folder: no
    file the first run read has changed, only what a probe would now find."""
    project = tmp_path / "project"
    (project / "src" / "rows").mkdir(parents=True)
    (project / "src" / "rows" / "index.ts").write_text("export const ROWS = ['a'];\n")
    (project / "src" / "main.ts").write_text(
        "import { ROWS } from './rows';\nexport const ALL = [...ROWS];\n"
    )
    (project / "pyproject.toml").write_text(
        '[tool.tsmirror]\nsource_root = "src"\n[[tool.tsmirror.mirror]]\n'
        'module = "m"\nsource = "main.ts"\nsymbols = ["ALL"]\n'
    )
    env = clean_env(TSMIRROR_CACHE_DIR=str(tmp_path / "cache"))
    assert run_tsmirror("regen", cwd=project, env=env).returncode == 0
    assert check(project, env).returncode == 0
    (project / "src" / "rows.ts").write_text("export const ROWS = ['b'];\n")
    result = check(project, env)
    assert result.returncode == 1
    assert "m.py: source changed" in result.stdout


def test_another_source_root_is_another_verdict(
    cached: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    project, env = cached
    other = tmp_path / "other-substrate"
    shutil.copytree(project / "examples" / "substrate", other)
    flip_kora_cell(
        other / MATRIX_TS.removeprefix("examples/substrate/"), DENIED_TO_KORA
    )
    result = check(project, {**env, "KORA_ISOKRON_REPO": str(other)})
    assert result.returncode == 1
    assert "source changed" in result.stdout


def test_a_template_change_changes_the_generator_fingerprint(tmp_path: Path) -> None:
    """Fingerprints of a copy of the package before and after a one-byte template edit."""
    copy = tmp_path / "copy"
    shutil.copytree(REPO_ROOT / "codegen", copy / "codegen", ignore=_pycache)
    shutil.copytree(REPO_ROOT / "templates", copy / "templates")
    (copy / "tsmirror").symlink_to("codegen")

    def fingerprint() -> str:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from tsmirror.cache import generator_fingerprint as f; print(f())",
            ],
            env={**os.environ, "PYTHONPATH": str(copy)},
            cwd=copy,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    before = fingerprint()
    header = copy / "templates" / "header.py.j2"
    header.write_text(header.read_text() + " ")
    assert fingerprint() != before


def _pycache(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__"]


def test_extract_is_cached_until_its_file_changes(tmp_path: Path) -> None:
    env = clean_env(TSMIRROR_CACHE_DIR=str(tmp_path / "cache"))
    source = tmp_path / "x.ts"
    source.write_text("export const X = [1, 2];\n")
    first = run_tsmirror("extract", "x.ts", "X", cwd=tmp_path, env=env)
    assert (first.returncode, first.stdout) == (0, "[1,2]\n")
    assert list((tmp_path / "cache").glob("extract-*.json"))
    source.write_text("export const X = [1, 3];\n")
    assert (
        run_tsmirror("extract", "x.ts", "X", cwd=tmp_path, env=env).stdout == "[1,3]\n"
    )


def test_no_cache_and_an_unusable_cache_dir_only_cost_speed(
    cached: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    project, env = cached
    off = {**env, "TSMIRROR_NO_CACHE": "1", "TSMIRROR_CACHE_DIR": str(tmp_path / "off")}
    assert check(project, off).returncode == 0
    assert not (tmp_path / "off").exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert check(project, {**env, "TSMIRROR_CACHE_DIR": str(blocked)}).returncode == 0
    for entry in Path(env["TSMIRROR_CACHE_DIR"]).glob("*.json"):
        entry.write_text("{corrupt")
    assert check(project, env).returncode == 0


def _jinja_folders(folder: Path) -> dict[str, set[str]]:
    """Each compiled-template folder in ``folder``, with the entries it holds."""
    return {
        found.name: {entry.name for entry in found.iterdir()}
        for found in folder.glob("jinja-*")
    }


def _generator_copy(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the generator (its code and templates) with a project to check and a
    cache dir: the copy's templates, their compiled forms and the cache are this test's
    own. Python may write bytecode unless the test says otherwise."""
    copy = tmp_path / "repo"
    shutil.copytree(REPO_ROOT / "codegen", copy / "codegen", ignore=_pycache)
    shutil.copytree(REPO_ROOT / "templates", copy / "templates", ignore=_pycache)
    (copy / "tsmirror").symlink_to("codegen")
    project = copy_project(tmp_path / "project")
    env = clean_env(TSMIRROR_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(copy))
    env.pop("TSMIRROR_NO_CACHE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return copy, project, env


def _run_copy(
    project: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tsmirror", *(args or ("check", "--quiet"))],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_compiled_templates_live_beside_them_keyed_on_the_generator(
    tmp_path: Path,
) -> None:
    """Compiled templates are kept as Python keeps its bytecode, beside the templates,
    with the cache off too (they are code, not results: everything is still rendered and
    compared). Jinja keys its bytecode on a template's path and source only; the folder is
    named after the generator fingerprint, so a template edit (or anything else that
    changes the generator) compiles into a folder of its own, seen on the very next run,
    and the stale one goes."""
    copy, project, env = _generator_copy(tmp_path)
    env["TSMIRROR_NO_CACHE"] = "1"
    beside = copy / "templates" / "__pycache__"

    assert _run_copy(project, env).returncode == 0
    (before,) = _jinja_folders(beside).items()
    assert len(before[1]) >= 3, before  # module, header, kernel, package __init__
    assert not (tmp_path / "cache").exists()
    template = copy / "templates" / "module.py.j2"
    template.write_text(
        template.read_text().replace("Regenerate with", "Rebuild with", 1)
    )

    result = _run_copy(project, env)

    assert result.returncode == 1, result.stderr
    assert result.stdout.count("generator changed") == 2, result.stdout
    (after,) = _jinja_folders(beside).items()
    assert after[0] != before[0] and len(after[1]) >= 3, (before, after)


def test_without_bytecode_writes_compiled_templates_go_to_the_cache(
    tmp_path: Path,
) -> None:
    """With PYTHONDONTWRITEBYTECODE nothing is written beside the templates; then the
    cache dir keeps them, unless the cache is off, which leaves no trace at all."""
    copy, project, env = _generator_copy(tmp_path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cache = tmp_path / "cache"
    # rendered and compared in full: the templates are needed
    flip_kora_cell(project / MATRIX_TS, DENIED_TO_KORA)

    result = _run_copy(project, {**env, "TSMIRROR_NO_CACHE": "1"})

    assert result.returncode == 1 and "source changed" in result.stdout
    assert not cache.exists()
    assert not (copy / "templates" / "__pycache__").exists()
    assert _run_copy(project, env).returncode == 1
    assert _jinja_folders(cache), "with the cache on, the templates are kept compiled"
    assert not (copy / "templates" / "__pycache__").exists()


def test_a_corrupt_or_unwritable_template_cache_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy, project, env = _generator_copy(tmp_path)
    assert _run_copy(project, env).returncode == 0
    (folder,) = (copy / "templates" / "__pycache__").glob("jinja-*")
    for entry in folder.iterdir():
        entry.write_bytes(entry.read_bytes()[:40])  # truncated mid-entry
    for verdict in (tmp_path / "cache").glob("check-*.json"):
        verdict.unlink()
    result = _run_copy(project, env, "regen")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "0 written" in result.stderr

    # a folder that cannot take an entry (here it became a file) is not an error either
    from tsmirror import render

    monkeypatch.setattr(render, "template_dir", lambda: tmp_path / "no-templates")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("TSMIRROR_CACHE_DIR", str(tmp_path / "in-process"))
    monkeypatch.delenv("TSMIRROR_NO_CACHE", raising=False)
    bytecode_cache = render._bytecode_cache()
    assert bytecode_cache is not None
    (blocked,) = (tmp_path / "in-process").glob("jinja-*")
    blocked.rmdir()
    blocked.write_text("not a folder")
    import jinja2

    bucket = bytecode_cache.get_bucket(jinja2.Environment(), "kernel.py.j2", None, "x")
    bucket.code = compile("", "kernel.py.j2", "exec")
    bytecode_cache.set_bucket(bucket)  # reading and writing it: silently nothing
    assert blocked.read_text() == "not a folder"
