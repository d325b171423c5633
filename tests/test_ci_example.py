"""The example CI job (docs/ci/github-actions.yml) is valid YAML and its commands work.

The test plays the runner: it resolves the workflow's `${{ ... }}` expressions from a table
(an expression it does not know fails the test, so the table follows the file), stands in for
the `uses:` steps (this checkout, the substrate at its pinned ref, this virtualenv's Python),
and runs every `run:` step with bash as GitHub does, stopping at the first failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.project import REPO_ROOT, copy_project

WORKFLOW = REPO_ROOT / "docs" / "ci" / "github-actions.yml"
BIN = Path(sys.executable).parent
MATRIX_TS = "packages/sea-mcp-server/src/capability-matrix.ts"
CAPABILITY = "cap_operator_update_policy"  # denied to kora in the example
REVIEWED_LABEL = "privileges-reviewed"


def workflow() -> dict[str, object]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def job() -> dict[str, object]:
    jobs = workflow()["jobs"]
    assert isinstance(jobs, dict) and list(jobs) == ["mirrors"]
    mirrors = jobs["mirrors"]
    assert isinstance(mirrors, dict)
    return mirrors


def test_workflow_shape() -> None:
    document = workflow()
    # PyYAML reads the key `on` as True; GitHub reads it as "on"
    triggers = document.get("on", document.get(True))
    assert isinstance(triggers, dict) and {"pull_request", "push"} <= set(triggers)
    env = document["env"]
    assert isinstance(env, dict)
    assert re.fullmatch(r"[0-9a-f]{40}", env["SUBSTRATE_REF"]), (
        "pin a commit, not a branch"
    )
    steps = job()["steps"]
    assert isinstance(steps, list)
    substrate = next(s for s in steps if s.get("with", {}).get("repository"))
    assert substrate["with"]["ref"] == "${{ env.SUBSTRATE_REF }}"
    job_env = job()["env"]
    assert isinstance(job_env, dict)
    assert job_env["KORA_ISOKRON_REPO"] == (
        "${{ github.workspace }}/" + substrate["with"]["path"]
    )
    runs = [s["run"] for s in steps if "run" in s]
    assert "tsmirror check" in runs
    assert 'tsmirror diff --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs


@dataclass
class Outcome:
    ran: list[tuple[str, int]] = field(default_factory=list)  # (step name, exit code)
    summary: str = ""

    @property
    def failed_step(self) -> str | None:
        return next((name for name, code in self.ran if code != 0), None)


@dataclass
class Runner:
    workspace: Path
    substrate: Path  # what the pinned ref checks out
    event: str
    base_sha: str = ""
    labels: tuple[str, ...] = ()

    def expressions(self) -> dict[str, str]:
        env = workflow()["env"]
        assert isinstance(env, dict)
        return {
            "github.workspace": str(self.workspace),
            "env.SUBSTRATE_REPOSITORY": env["SUBSTRATE_REPOSITORY"],
            "env.SUBSTRATE_REF": env["SUBSTRATE_REF"],
            "github.event.pull_request.base.sha": self.base_sha,
        }

    def condition(self, text: str) -> bool:
        known = {
            "github.event_name == 'pull_request' && !contains("
            "github.event.pull_request.labels.*.name, 'privileges-reviewed')": (
                self.event == "pull_request" and REVIEWED_LABEL not in self.labels
            ),
        }
        return known[text]

    def resolve(self, text: str) -> str:
        table = self.expressions()
        return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: table[m.group(1)], text)

    def run(self) -> Outcome:
        outcome = Outcome()
        summary = self.workspace.parent / "step-summary.md"
        summary.write_text("")
        env = {k: v for k, v in os.environ.items() if k != "KORA_ISOKRON_REPO"}
        for scope in (workflow()["env"], job()["env"]):
            assert isinstance(scope, dict)
            env.update({k: self.resolve(str(v)) for k, v in scope.items()})
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",  # actions/setup-python
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_STEP_SUMMARY=str(summary),
            GITHUB_EVENT_NAME=self.event,
            CI="true",
        )
        steps = job()["steps"]
        assert isinstance(steps, list)
        for step in steps:
            if "if" in step and not self.condition(step["if"]):
                continue
            name = step.get("name", step.get("uses", ""))
            if "uses" in step:
                self.stand_in(step)
                continue
            if step.get("id") == "install":
                # the virtualenv running this test already has it installed
                assert step["run"] == "python -m pip install ."
                continue
            step_env = {
                **env,
                **{k: self.resolve(v) for k, v in step.get("env", {}).items()},
            }
            result = subprocess.run(
                [
                    "bash",
                    "--noprofile",
                    "--norc",
                    "-e",
                    "-c",
                    self.resolve(step["run"]),
                ],
                cwd=self.workspace,
                env=step_env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            outcome.ran.append((name, result.returncode))
            assert "Traceback" not in result.stderr, result.stderr
            if result.returncode != 0:
                break
        outcome.summary = summary.read_text()
        return outcome

    def stand_in(self, step: dict[str, object]) -> None:
        uses = step["uses"]
        settings = step.get("with", {})
        assert isinstance(settings, dict)
        if uses == "actions/checkout@v4" and "repository" in settings:
            ref = self.resolve(str(settings["ref"]))
            assert re.fullmatch(r"[0-9a-f]{40}", ref)
            shutil.copytree(self.substrate, self.workspace / str(settings["path"]))
        elif uses == "actions/checkout@v4":
            assert (self.workspace / ".git").is_dir()
            assert settings.get("fetch-depth") == 0, "--against needs the base commit"
        else:
            assert uses == "actions/setup-python@v5", uses


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, str]:
    """This project as CI checks it out, with one commit: the base."""
    root = copy_project(tmp_path / "workspace")
    git(root, "init", "-q")
    git(root, "add", "pyproject.toml", "generated", "examples")
    git(root, "commit", "-qm", "base")
    return root, git(root, "rev-parse", "HEAD")


def substrate(tmp_path: Path, *, grant: bool) -> Path:
    """The substrate at the pinned ref: the example, optionally granting kora more."""
    path = tmp_path / "substrate-at-ref"
    shutil.copytree(
        REPO_ROOT / "examples" / "substrate",
        path,
        ignore=shutil.ignore_patterns("node_modules"),
    )
    if grant:
        ts = path / MATRIX_TS
        text = ts.read_text()
        row = text.index(f"\n  {CAPABILITY}: {{")
        cell = text.index("kora: false", row)
        ts.write_text(text[:cell] + "kora: true" + text[cell + len("kora: false") :])
    return path


def regen_and_commit(root: Path, source: Path) -> None:
    result = subprocess.run(
        [str(BIN / "tsmirror"), "regen", "--source-root", str(source)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    git(root, "commit", "-qam", "bump the substrate pin and regenerate")


def test_push_in_sync_passes(tmp_path: Path, workspace: tuple[Path, str]) -> None:
    root, _ = workspace

    outcome = Runner(root, substrate(tmp_path, grant=False), "push").run()

    assert outcome.failed_step is None, outcome
    assert [name for name, _ in outcome.ran] == [
        "Semantic diff to the job summary",
        "Committed mirrors match the pinned substrate",
    ]
    assert "No semantic changes" in outcome.summary


def test_stale_mirrors_fail_with_the_grant_in_the_summary(
    tmp_path: Path, workspace: tuple[Path, str]
) -> None:
    root, base = workspace

    outcome = Runner(
        root, substrate(tmp_path, grant=True), "pull_request", base_sha=base
    ).run()

    assert outcome.failed_step == "Committed mirrors match the pinned substrate"
    assert outcome.ran[-1][1] == 1
    assert f"| **GRANT** | `ACTOR_CAPABILITY_MATRIX.{CAPABILITY}.kora` |" in (
        outcome.summary
    )


def test_a_regenerated_grant_needs_review(
    tmp_path: Path, workspace: tuple[Path, str]
) -> None:
    root, base = workspace
    source = substrate(tmp_path, grant=True)
    regen_and_commit(root, source)

    outcome = Runner(root, source, "pull_request", base_sha=base).run()

    assert outcome.failed_step == "New grants need review"
    assert "## Mirror changes in this pull request" in outcome.summary
    assert f"`kora` gains `{CAPABILITY}`" in outcome.summary

    reviewed = Runner(
        root, source, "pull_request", base_sha=base, labels=(REVIEWED_LABEL,)
    )
    shutil.rmtree(root / "substrate")
    assert reviewed.run().failed_step is None
