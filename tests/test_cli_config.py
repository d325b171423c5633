"""Where the TypeScript comes from (config, KORA_ISOKRON_REPO, --source-root), and config
errors: one `path: error:` line on stderr, exit 2, nothing written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.project import (
    DENIED_TO_KORA,
    MATRIX_TS,
    REPO_ROOT,
    clean_env,
    flip_kora_cell,
    run_tsmirror,
    snapshot,
)
from tsmirror.config import _TOP_KEYS, load_config


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
    # the changed mirror, and the record of what was rendered
    assert result.stdout == (
        "wrote generated/capability_matrix.py\nwrote generated/tsmirror.lock.json\n"
    )


@pytest.mark.parametrize(
    ("edit", "error", "at"),
    [
        pytest.param(
            ("strict_objects = true", "strict_object = true"),
            "bad.toml: error: [tool.tsmirror]: unknown key 'strict_object'",
            None,
            id="unknown-key",
        ),
        pytest.param(
            ('"ActorCapability",', '"ActorCapabilty",'),
            "error: 'ActorCapabilty' is not exported from "
            "packages/sea-mcp-server/src/capability-matrix.ts; "
            "did you mean 'ActorCapability'",
            '"ActorCapabilty"',
            id="symbol-not-exported",
        ),
        pytest.param(
            (
                'source = "packages/sea-mcp-server/src/capability-matrix.ts"',
                'source = "packages/sea-mcp-server/src/capability_matrix.ts"',
            ),
            "error: source 'packages/sea-mcp-server/src/capability_matrix.ts' not found "
            "in the source root ",
            '"packages/sea-mcp-server/src/capability_matrix.ts"',
            id="missing-source-file",
        ),
        pytest.param(
            ('source_root = "examples/substrate"', 'source_root = "examples/nowhere"'),
            "error: source_root 'examples/nowhere': no such directory",
            "source_root =",
            id="missing-source-root",
        ),
        pytest.param(
            ('output_dir = "generated"', 'output_dir = "examples/substrate/py"'),
            "error: output_dir 'examples/substrate/py' is inside the source root",
            "output_dir =",
            id="output-inside-source-root",
        ),
        pytest.param(
            ('module = "role_charter"', 'module = "role-charter"'),
            "bad.toml: error: ",
            None,
            id="bad-module-name",
        ),
    ],
)
@pytest.mark.parametrize("command", ["regen", "check"])
def test_config_error_is_one_line_and_exit_2(
    project: Path, command: str, edit: tuple[str, str], error: str, at: str | None
) -> None:
    """One line, exit 2, nothing written; where the error has a place in the config, it is
    `bad.toml:LINE:COL:` and LINE:COL is where the culprit is written."""
    text = (project / "pyproject.toml").read_text()
    assert edit[0] in text
    bad = text.replace(edit[0], edit[1], 1)
    (project / "bad.toml").write_text(bad)
    before = snapshot(project / "generated")

    result = run_tsmirror(command, "--config", "bad.toml", cwd=project)

    assert result.returncode == 2, result.stdout + result.stderr
    assert error in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert snapshot(project / "generated") == before
    if at is not None:
        located = re.match(r"bad\.toml:(\d+):(\d+): error: ", result.stderr)
        assert located, result.stderr
        line, col = int(located[1]), int(located[2])
        assert bad.splitlines()[line - 1][col - 1 :].startswith(at), result.stderr


def test_a_bad_flag_is_blamed_on_the_flag(project: Path) -> None:
    result = run_tsmirror("check", "--source-root", "nope", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "error: --source-root nope: no such directory\n"


def test_a_bad_environment_variable_is_named(project: Path) -> None:
    result = run_tsmirror(
        "check", cwd=project, env=clean_env(KORA_ISOKRON_REPO="/nowhere/at/all")
    )
    assert result.returncode == 2
    assert re.fullmatch(
        r"pyproject\.toml:\d+:1: error: \$KORA_ISOKRON_REPO=/nowhere/at/all: no such "
        r"directory \(named by source_root_env\)\n",
        result.stderr,
    ), result.stderr


def test_a_monorepo_subproject_without_the_table_uses_the_one_above(
    project: Path,
) -> None:
    """services/api has a pyproject.toml of its own without [tool.tsmirror]: check from
    there finds the project's table, and a hand edit is found."""
    sub = project / "services" / "api"
    sub.mkdir(parents=True)
    (sub / "pyproject.toml").write_text('[project]\nname = "api"\n')
    assert run_tsmirror("check", cwd=sub).returncode == 0
    charter = project / "generated" / "role_charter.py"
    charter.write_text(charter.read_text() + "# edited\n")
    result = run_tsmirror("check", cwd=sub)
    assert result.returncode == 1
    assert "hand-edited" in result.stdout
    assert "fix: tsmirror regen" in result.stdout


def test_a_tsmirror_toml_is_found_before_pyproject(project: Path) -> None:
    """A folder's tsmirror.toml wins over the pyproject.toml beside it."""
    text = (project / "pyproject.toml").read_text()
    (project / "tsmirror.toml").write_text(
        text.replace('output_dir = "generated"', 'output_dir = "elsewhere"')
    )
    result = run_tsmirror("check", cwd=project)
    assert result.returncode == 1
    assert "elsewhere/capability_matrix.py: missing" in result.stdout


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


def test_extract_with_a_config_reads_file_from_its_source_root(project: Path) -> None:
    """FILE is relative to the config's source root, whatever the working directory."""
    sub = project / "services"
    sub.mkdir()
    matrix = MATRIX_TS.removeprefix("examples/substrate/")
    by_config = run_tsmirror(
        "extract",
        "--config",
        "../pyproject.toml",
        matrix,
        "ACTOR_CAPABILITIES",
        cwd=sub,
    )
    by_root = run_tsmirror(
        "extract",
        MATRIX_TS,
        "ACTOR_CAPABILITIES",
        "--root",
        "examples/substrate",
        cwd=project,
    )
    assert by_config.returncode == 0, by_config.stderr
    assert by_config.stdout == by_root.stdout
    assert by_config.stdout.startswith('["')
    both = run_tsmirror(
        "extract", "--config", "../pyproject.toml", "--root", ".", matrix, "X", cwd=sub
    )
    assert both.returncode == 2
    assert "--root cannot be combined with --config" in both.stderr
    # FILE where the source root has none: the one line says which root, and what set it
    missing = run_tsmirror(
        "extract", "--config", "../pyproject.toml", MATRIX_TS, "X", cwd=sub
    )
    assert missing.returncode == 2
    assert missing.stderr == (
        f"error: source {MATRIX_TS!r} not found in the source root "
        f"{project / 'examples' / 'substrate'} (set by source_root)\n"
    )


def readme_blocks(section: str, language: str) -> list[str]:
    """The ```language blocks of the README's ``## section``, in order."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [part.split("```", 1)[0] for part in body.split(f"```{language}\n")[1:]]


def test_the_readme_hook_and_ci_snippets_name_what_exists() -> None:
    hook, ci = (
        yaml.safe_load(b) for b in readme_blocks("Use it in your project", "yaml")
    )
    published = {h["id"] for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    [repo] = hook["repos"]
    assert {"repo", "rev", "hooks"} <= set(repo)
    assert {h["id"] for h in repo["hooks"]} <= published
    [steps] = [job["steps"] for job in ci["jobs"].values()]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0].startswith("python -m pip install ") and "tsmirror" in runs[0]
    assert "tsmirror check" in runs


HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"
README_ROLES_TS = """\
export type Role = 'admin' | 'member';
export const ROLES: readonly Role[] = ['admin', 'member'];
export const PERMISSIONS = { 'docs.read': { admin: true, member: true } } as const;
"""


def test_the_readme_config_states_every_default_and_works(tmp_path: Path) -> None:
    """The config a new user copies from "Use it in your project" names every key of
    [tool.tsmirror], each set to its default (the same config as the mirror table alone),
    and regen then check run on it as written."""
    [block] = readme_blocks("Use it in your project", "toml")
    table = tomllib.loads(block)["tool"]["tsmirror"]
    assert set(table) == _TOP_KEYS
    minimal = "[tool.tsmirror]\n" + block[block.index("[[tool.tsmirror.mirror]]") :]
    configs = []
    for name, text in (("stated", block), ("minimal", minimal)):
        root = tmp_path / name
        (root / "src").mkdir(parents=True)
        (root / "src" / "roles.ts").write_text(README_ROLES_TS)
        (root / "pyproject.toml").write_text(text)
        config = load_config(cwd=root, environ={})
        configs.append(
            (
                config.source_root.relative_to(root),
                config.output_dir.relative_to(root),
                config.source_root_from,
                config.strict_objects,
                config.trusted_callees,
                config.mirrors,
            )
        )
    assert configs[0] == configs[1]

    stated = tmp_path / "stated"
    for command in ("regen", "check"):
        result = run_tsmirror(command, cwd=stated)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (stated / "generated" / "roles.py").is_file()
