"""TypeScript itself as the oracle: Node evaluates consts, ajv judges documents.

Tests compare tsmirror against these answers. When Node or the npm packages
are missing the helpers raise, so a test that needs the oracle fails rather
than skips: a skipped parity test is how the hand-copied mirror drifted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
EVALUATE = REPO_ROOT / "tests" / "node" / "evaluate.mjs"
VALIDATE = REPO_ROOT / "tests" / "node" / "validate.mjs"
CASES = REPO_ROOT / "tests" / "node" / "cases.mjs"
NODE_PACKAGES = ("typescript", "tsx", "ts-json-schema-generator", "ajv")
TIMEOUT_SECONDS = 300


class OracleError(RuntimeError):
    """Node is missing, or a Node tool failed; the message carries its stderr."""


def node_evaluate(file: Path, *symbols: str) -> list[str]:
    """`JSON.stringify` of each exported const, as Node prints it: one JSON text per symbol."""
    file = Path(file).resolve()
    env = dict(os.environ)
    # tsx otherwise reads tsconfig.json from the working directory (the repo
    # root), so a case folder's `paths` would be ignored.
    env.pop("TSX_TSCONFIG_PATH", None)
    tsconfig = nearest_tsconfig(file)
    if tsconfig is not None:
        env["TSX_TSCONFIG_PATH"] = str(tsconfig)
    out = _run_node(["--import", "tsx", str(EVALUATE), str(file), *symbols], env=env)
    # Only \n ends a line: JSON.stringify leaves U+2028 and friends raw inside strings.
    lines = out.rstrip("\n").split("\n")
    if len(lines) != len(symbols):
        raise OracleError(
            f"evaluate.mjs printed {len(lines)} lines for {len(symbols)} symbols"
        )
    return lines


def node_evaluate_many(
    jobs: list[tuple[Path, list[str]]], tsconfig: Path | None = None
) -> list[list[str] | str]:
    """Many files in one Node process: per file, the JSON texts of its symbols, or the
    error message (a str) when Node could not load or evaluate it. tsx reads ``paths``
    from ``tsconfig`` (else from the repository's root)."""
    stdin = json.dumps(
        [{"file": str(Path(f).resolve()), "symbols": s} for f, s in jobs]
    )
    env = dict(os.environ)
    env.pop("TSX_TSCONFIG_PATH", None)
    if tsconfig is not None:
        env["TSX_TSCONFIG_PATH"] = str(tsconfig)
    out = _run_node(["--import", "tsx", str(EVALUATE), "--batch"], stdin=stdin, env=env)
    results = json.loads(out)
    if len(results) != len(jobs):
        raise OracleError(f"evaluate.mjs answered {len(results)} of {len(jobs)} files")
    return [r["values"] if "values" in r else r["error"] for r in results]


def ajv_verdicts(file: Path, type_name: str, documents: list[object]) -> list[bool]:
    """Whether each document is a valid `type_name`, per ts-json-schema-generator and ajv."""
    # allow_nan=False: NaN and Infinity are not JSON; Node would reject the input.
    stdin = json.dumps(documents, allow_nan=False)
    out = _run_node([str(VALIDATE), str(Path(file).resolve()), type_name], stdin=stdin)
    verdicts = json.loads(out)
    if not (isinstance(verdicts, list) and all(isinstance(v, bool) for v in verdicts)):
        raise OracleError(f"validate.mjs printed {out!r}, not a list of booleans")
    if len(verdicts) != len(documents):
        raise OracleError(
            f"validate.mjs judged {len(verdicts)} of {len(documents)} documents"
        )
    return verdicts


def ajv_verdicts_many(
    file: Path, jobs: list[tuple[str, list[object]]]
) -> list[list[bool] | str]:
    """``ajv_verdicts`` for many types of one file, in one Node process; for a type the
    generator cannot handle, its error message instead."""
    stdin = json.dumps([{"type": t, "documents": d} for t, d in jobs], allow_nan=False)
    out = _run_node([str(VALIDATE), str(Path(file).resolve()), "--batch"], stdin=stdin)
    verdicts = json.loads(out)
    if len(verdicts) != len(jobs) or any(
        isinstance(v, list) and len(v) != len(d)
        for v, (_, d) in zip(verdicts, jobs, strict=False)
    ):
        raise OracleError("validate.mjs --batch answered a different shape")
    return [v if isinstance(v, str) else list(map(bool, v)) for v in verdicts]


def judge_cases(jobs: list[dict[str, object]]) -> list[dict[str, Any]]:
    """tests/node/cases.mjs on many case folders in one Node process: per case, tsc's
    diagnostics, Node's values, ajv's and tsc's verdicts (see that script for the shapes)."""
    out = _run_node([str(CASES)], stdin=json.dumps(jobs, allow_nan=False))
    answers = json.loads(out)
    if not isinstance(answers, list) or len(answers) != len(jobs):
        raise OracleError("cases.mjs answered a different number of cases")
    for answer in answers:
        if "error" in answer:
            raise OracleError(f"cases.mjs: {answer['error']}")
    return answers


def typescript_accepts(file: Path, type_name: str, document: object) -> bool:
    """Whether TypeScript itself (tsc --strict) accepts ``document``, written as a literal,
    as a ``type_name``: the judge where ts-json-schema-generator departs from TypeScript."""
    file = Path(file).resolve()
    probe = file.with_name(f"__probe_{type_name}.ts")
    literal = json.dumps(document, allow_nan=False)
    probe.write_text(
        f"import type {{ {type_name} }} from './{file.stem}';\n"
        f"export const probe: {type_name} = {literal};\n",
        encoding="utf-8",
    )
    try:
        result = tsc(
            "--strict",
            "--noEmit",
            "--skipLibCheck",
            "--target",
            "es2022",
            "--moduleResolution",
            "bundler",
            "--module",
            "esnext",
            str(probe),
        )
    finally:
        probe.unlink()
    errors = [line for line in result.stdout.splitlines() if "error TS" in line]
    if any(probe.name not in line for line in errors):
        raise OracleError(f"tsc rejects the case itself:\n{result.stdout}")
    return not errors


def nearest_tsconfig(file: Path) -> Path | None:
    """The tsconfig.json TypeScript would use for `file`: the first one found upward."""
    for folder in file.parents:
        candidate = folder / "tsconfig.json"
        if candidate.is_file():
            return candidate
    return None


def tsc(*args: str) -> subprocess.CompletedProcess[str]:
    """Runs the pinned TypeScript compiler; diagnostics are on stdout. Never raises on exit 1."""
    return _node([str(NODE_MODULES / "typescript" / "bin" / "tsc"), *args])


def _run_node(
    args: list[str], *, stdin: str | None = None, env: dict[str, str] | None = None
) -> str:
    result = _node(args, stdin=stdin, env=env)
    if result.returncode != 0:
        raise OracleError(
            f"node {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
        )
    return result.stdout


def _node(
    args: list[str], *, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None:
        raise OracleError(
            "node is not on PATH; the TypeScript oracle needs Node.js 20 or later"
        )
    missing = [name for name in NODE_PACKAGES if not (NODE_MODULES / name).is_dir()]
    if missing:
        raise OracleError(
            f"{NODE_MODULES} lacks {', '.join(missing)}; run `make node` (npm ci) in {REPO_ROOT}"
        )
    try:
        # The working directory is the repo root because `--import tsx` is resolved from it.
        return subprocess.run(
            [node, *args],
            cwd=REPO_ROOT,
            input=stdin,
            env=env,
            capture_output=True,
            encoding="utf-8",  # Node writes UTF-8 whatever the locale says
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise OracleError(
            f"node {' '.join(args)} ran over {TIMEOUT_SECONDS}s"
        ) from error
