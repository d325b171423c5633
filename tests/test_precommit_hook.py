"""The published pre-commit hooks, run by the real `pre-commit` in a real git repository.

A temporary *hook repository* holds this project's working tree (its .pre-commit-hooks.yaml
and the package) as one commit. A temporary *consumer* repository mirrors the example
substrate, lists that hook repository at that commit in its .pre-commit-config.yaml, runs
`pre-commit install`, and then commits as a developer would.

Two ways to run the published hook:
- ``system``: the consumer overrides ``language: system`` and the hook runs the `tsmirror` on
  PATH (this virtualenv's). Offline and fast; everything else comes from the manifest.
- ``python``: the manifest as published; pre-commit pip-installs the hook repository into its
  own virtualenv. Needs a package index, so it is skipped when none is reachable.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.project import REPO_ROOT, index_reachable
from tsmirror.config import load_config

BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
MATRIX_TS = "substrate/packages/sea-mcp-server/src/capability-matrix.ts"
CAPABILITY = "cap_operator_update_policy"  # denied to kora in the example


def load_yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def manifest() -> dict[str, dict[str, object]]:
    hooks = load_yaml(REPO_ROOT / ".pre-commit-hooks.yaml")
    assert isinstance(hooks, list)
    return {hook["id"]: hook for hook in hooks}


# --- the files themselves -------------------------------------------------------------------


def test_manifest_and_config_are_valid_for_pre_commit() -> None:
    for command, file in [
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ]:
        result = subprocess.run(
            [str(PRE_COMMIT), command, file],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_published_hooks_run_the_whole_config_once() -> None:
    hooks = manifest()
    assert set(hooks) == {"tsmirror-check", "tsmirror-regen"}
    for hook in hooks.values():
        assert hook["pass_filenames"] is False
        assert hook["require_serial"] is True
        assert hook["language"] == "python"
        # every commit, wherever output_dir is: no `files:` to get wrong
        assert hook["always_run"] is True
        assert "files" not in hook
    assert hooks["tsmirror-check"]["entry"] == "tsmirror check"
    assert hooks["tsmirror-regen"]["entry"] == "tsmirror regen"


def test_own_config_uses_the_published_hooks_plus_ruff() -> None:
    config = load_yaml(REPO_ROOT / ".pre-commit-config.yaml")
    assert isinstance(config, dict)
    local = {h["id"]: h for r in config["repos"] for h in r["hooks"]}
    assert {"tsmirror-check", "tsmirror-regen", "ruff", "ruff-format"} <= set(local)
    published = manifest()
    for hook_id in ("tsmirror-check", "tsmirror-regen"):
        ours, theirs = local[hook_id], published[hook_id]
        assert ours["entry"] == f".venv/bin/{theirs['entry']}"
        for key in ("pass_filenames", "require_serial", "always_run"):
            assert ours[key] == theirs[key], (hook_id, key)


# --- the real framework in a real repository ------------------------------------------------


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project's working tree, committed once, as pre-commit would clone it."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("codegen", "templates", "runtime", "generated"):
        shutil.copytree(REPO_ROOT / name, repo / name, ignore=ignore)
    (repo / "tsmirror").symlink_to("codegen")  # the import package (see pyproject.toml)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO_ROOT / name, repo / name)
    env = git_env(tmp_path_factory.mktemp("git-home"))
    git(repo, env, "init", "-q")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-qm", "tsmirror under test")
    return repo, git(repo, env, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the tests of this module, so the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def git_env(home: Path, **extra: str) -> dict[str, str]:
    """No user or system git config (a global core.hooksPath would stop `pre-commit
    install`), an identity, and this virtualenv first on PATH."""
    global_config = home / "gitconfig"
    global_config.touch()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))
    }
    env.pop("KORA_ISOKRON_REPO", None)
    env.update(
        GIT_CONFIG_GLOBAL=str(global_config),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Dev",
        GIT_AUTHOR_EMAIL="dev@example.com",
        GIT_COMMITTER_NAME="Dev",
        GIT_COMMITTER_EMAIL="dev@example.com",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        **extra,
    )
    return env


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {args}: {result.stdout}{result.stderr}"
    return result.stdout.strip()


class Consumer:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args),
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def git(self, *args: str) -> str:
        return git(self.root, self.env, *args)

    def commit(self, message: str, *paths: str) -> subprocess.CompletedProcess[str]:
        self.git("add", "--", *paths)
        # git runs the pre-commit hook with its output on stderr
        return self.run("git", "commit", "-m", message)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


def consumer_config(hook_repo: tuple[Path, str], language: str) -> str:
    repo, rev = hook_repo
    hook: dict[str, object] = {"id": "tsmirror-check"}
    if language == "system":
        hook["language"] = "system"
    return yaml.safe_dump({"repos": [{"repo": str(repo), "rev": rev, "hooks": [hook]}]})


@pytest.fixture(params=["system", "python"])
def consumer(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    hook_repo: tuple[Path, str],
    pre_commit_home: Path,
) -> Iterator[Consumer]:
    """A repository that mirrors the example substrate with tsmirror, hooks installed and
    one clean commit made through the hook."""
    language = request.param
    if language == "python" and not index_reachable():
        reason = "no package index reachable to install the hook's environment"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI reaches PyPI; there, this is a broken setup
        pytest.skip(reason)
    root = tmp_path / "consumer"
    shutil.copytree(
        REPO_ROOT / "examples" / "substrate",
        root / "substrate",
        ignore=shutil.ignore_patterns("node_modules"),
    )
    config = load_config(REPO_ROOT / "pyproject.toml", cwd=REPO_ROOT, environ={})
    # Mirrors in a subpackage, and the subpackage with a pyproject.toml of its own that has
    # no [tool.tsmirror] table: the layout of most real projects.
    table = [
        '[tool.tsmirror]\nsource_root = "substrate"\noutput_dir = "myapp/generated"\n'
    ]
    for mirror in config.mirrors:
        symbols = ", ".join(f'"{s}"' for s in mirror.symbols)
        table.append(
            f'\n[[tool.tsmirror.mirror]]\nmodule = "{mirror.module}"\n'
            f'source = "{mirror.source}"\nsymbols = [{symbols}]\n'
        )
    (root / "pyproject.toml").write_text("".join(table))
    (root / ".pre-commit-config.yaml").write_text(consumer_config(hook_repo, language))
    (root / "README.md").write_text("consumer\n")
    (root / "myapp").mkdir()
    (root / "myapp" / "pyproject.toml").write_text('[project]\nname = "myapp"\n')
    env = git_env(tmp_path, PRE_COMMIT_HOME=str(pre_commit_home / language))
    repo = Consumer(root, env)
    repo.git("init", "-q")
    regen = repo.run(str(BIN / "tsmirror"), "regen")
    assert regen.returncode == 0, regen.stderr
    install = repo.run(str(PRE_COMMIT), "install")
    assert install.returncode == 0, install.stdout + install.stderr

    first = repo.commit("mirror the substrate", ".")

    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"tsmirror check .*\.+Passed", first.stderr), first.stderr
    yield repo


def grant_to_kora(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    row = text.index(f"\n  {CAPABILITY}: {{")
    cell = text.index("kora: false", row)
    path.write_text(text[:cell] + "kora: true" + text[cell + len("kora: false") :])


def assert_rejected(
    repo: Consumer, result: subprocess.CompletedProcess[str], head: str, state: str
) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(r"tsmirror check .*\.+Failed", output), output
    assert state in output, output
    assert repo.head() == head, "the commit must not have been made"


def test_hook_rejects_a_hand_edited_mirror(consumer: Consumer) -> None:
    head = consumer.head()
    charter = consumer.root / "myapp" / "generated" / "role_charter.py"
    charter.write_text(
        charter.read_text().replace("    identity: str\n", "    identity: object\n")
    )

    result = consumer.commit("tweak the mirror", "myapp/generated/role_charter.py")

    assert_rejected(
        consumer, result, head, "myapp/generated/role_charter.py: hand-edited"
    )
    assert "fix: tsmirror regen" in result.stderr


def test_hook_rejects_a_source_change_without_regen(consumer: Consumer) -> None:
    head = consumer.head()
    grant_to_kora(consumer.root / MATRIX_TS)

    result = consumer.commit("grant kora a capability", MATRIX_TS)

    assert_rejected(
        consumer, result, head, "myapp/generated/capability_matrix.py: source changed"
    )
    assert "fix: tsmirror regen" in result.stderr


def test_hook_accepts_a_regenerated_change(consumer: Consumer) -> None:
    head = consumer.head()
    grant_to_kora(consumer.root / MATRIX_TS)
    assert consumer.run(str(BIN / "tsmirror"), "regen").returncode == 0

    result = consumer.commit("grant kora a capability", MATRIX_TS, "myapp/generated")

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"tsmirror check .*\.+Passed", result.stderr), result.stderr
    assert consumer.head() != head


def test_hook_runs_on_every_commit(consumer: Consumer) -> None:
    """A commit that touches no mirror, config or TypeScript runs the check too (and
    passes): drift is caught wherever the mirrors live, whatever the commit names."""
    head = consumer.head()
    (consumer.root / "README.md").write_text("consumer, documented\n")

    result = consumer.commit("docs", "README.md")

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"tsmirror check .*\.+Passed", result.stderr), result.stderr
    assert consumer.head() != head


def test_hook_catches_a_deleted_mirror(consumer: Consumer) -> None:
    head = consumer.head()
    consumer.git("rm", "-q", "myapp/generated/role_charter.py")

    result = consumer.commit("drop a mirror", "myapp")

    assert_rejected(consumer, result, head, "myapp/generated/role_charter.py: missing")


def test_hook_latency(
    consumer: Consumer, record_property: pytest.RecordProperty
) -> None:
    """`pre-commit run tsmirror-check --all-files` on the consumer, median of 5 (reported,
    with a generous bound: the hook must stay fit for every commit)."""
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        result = consumer.run(str(PRE_COMMIT), "run", "tsmirror-check", "--all-files")
        timings.append(time.perf_counter() - start)
        assert result.returncode == 0, result.stdout + result.stderr
    median = statistics.median(timings)
    record_property("tsmirror_check_hook_median_seconds", round(median, 3))
    print(f"\npre-commit tsmirror-check median of 5: {median:.3f} s")
    assert median < 10
