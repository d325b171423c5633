"""Render a mirror of some TypeScript straight from the IR and import it, for tests."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tsmirror.generate import build_ir
from tsmirror.render import render_module


def render_mirror(root: Path, entry: Path, symbols: list[str], out: Path) -> ModuleType:
    module = build_ir(root, entry, out.stem, symbols)
    out.write_text(render_module(module), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(out.stem, out)
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[out.stem] = loaded  # dataclasses look their module up while building
    spec.loader.exec_module(loaded)
    return loaded


REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def lint_generated(path: Path) -> None:
    """The generated-module contract: clean under mypy --strict, ruff check and
    ruff format --check, with this project's settings."""
    config = str(REPO / "pyproject.toml")
    for command in (
        [BIN / "mypy", "--strict", "--no-incremental", str(path)],
        [BIN / "ruff", "check", "--no-cache", "--config", config, str(path)],
        [
            BIN / "ruff",
            "format",
            "--check",
            "--no-cache",
            "--config",
            config,
            str(path),
        ],
    ):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{command[0]}: {result.stdout}{result.stderr}"
