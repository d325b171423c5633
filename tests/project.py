"""Copies of this project to break, and the `tsmirror` command run on them as a user would."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATED = REPO_ROOT / "generated"
# The console script installed beside the interpreter running the tests.
TSMIRROR = Path(sys.executable).parent / "tsmirror"
# The config's source_root_env; when set it would win over the copied example.
SOURCE_ROOT_ENV = "KORA_ISOKRON_REPO"
MATRIX_TS = "examples/substrate/packages/sea-mcp-server/src/capability-matrix.ts"
CHARTER_TS = "examples/substrate/packages/sb1-substrate-shapes/src/kora-role-charter.ts"
# A capability issue 2 denies to kora; tests grant it to make the mirrors drift.


def copy_project(dest: Path, *, generated: bool = True) -> Path:
    """The config, the example substrate and (optionally) the committed mirrors, in `dest`."""
    dest.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(
        REPO_ROOT / "examples",
        dest / "examples",
        ignore=shutil.ignore_patterns("node_modules"),
    )
    if generated:
        shutil.copytree(
            GENERATED, dest / "generated", ignore=shutil.ignore_patterns("__pycache__")
        )
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (caches aside), by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != SOURCE_ROOT_ENV}
    env.update(extra)
    return env


def run_command(
    argv: Sequence[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Runs ``argv`` in a fresh process, output captured; never raises on a non-zero exit."""
    return subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_tsmirror(
    *args: str,
    cwd: Path,
    executable: Path = TSMIRROR,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Runs the real command in a fresh process; never raises on a non-zero exit."""
    return run_command([executable, *args], cwd=cwd, env=env)


# The role charter's sections, as the TypeScript declares them.
CHARTER_STRING_FIELDS = (
    "identity",
    "audit_attribution",
    "charter_modification",
    "effective_date_clause",
)
CHARTER_ARRAY_FIELDS = (
    "authority_can_do",
    "authority_cannot_do",
    "override_preconditions",
    "escalation_triggers",
    "per_session_discipline",
)


DENIED_TO_KORA = "cap_override_security_or_policy_verdict"


def flip_kora_cell(ts_file: Path, capability: str) -> None:
    """Grants `capability` to kora in the TypeScript matrix (its row must deny it)."""
    text = ts_file.read_text(encoding="utf-8")
    row = text.index(f"\n  {capability}: {{")
    cell = text.index("kora: false", row)
    assert cell < text.index("}", row), f"{capability} is already granted to kora"
    ts_file.write_text(
        text[:cell] + "kora: true" + text[cell + len("kora: false") :],
        encoding="utf-8",
    )


def index_reachable() -> bool:
    """Whether pip's package index answers (tests that install from it need it)."""
    url = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple"
    host = urlparse(url).hostname or "pypi.org"
    port = urlparse(url).port or (443 if url.startswith("https") else 80)
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError:
        return False
    return os.environ.get("TSMIRROR_TEST_OFFLINE") != "1"
