"""Render a mirror of some TypeScript straight from the IR and import it, for tests."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from tsmirror.generate import build_ir, render_package


def load_package(folder: Path) -> str:
    """Import the generated package in ``folder`` under a name of its own (so packages of
    different tests never meet in ``sys.modules``); returns that name."""
    name = "mirrors_" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
    for loaded in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
        del sys.modules[loaded]
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return name


def import_mirror(folder: Path, module: str) -> ModuleType:
    """``module`` of the generated package in ``folder``, imported as part of it."""
    return importlib.import_module(f"{load_package(folder)}.{module}")


def render_mirror(root: Path, entry: Path, symbols: list[str], out: Path) -> ModuleType:
    """Render one mirror as a package of its own in ``out``'s folder (the mirror, the
    kernel, ``__init__.py`` and the record) and import it."""
    module = build_ir(root, entry, out.stem, symbols)
    for name, text in render_package([module], strict_objects=True).items():
        (out.parent / name).write_text(text, encoding="utf-8")
    return import_mirror(out.parent, out.stem)


def decoder(mirror: ModuleType, name: str) -> Callable[[object], Any]:
    """What decodes parsed JSON into the mirrored type ``name``: the class's ``from_json``,
    or, for an alias of a union of object types, the ``<name>_from_json`` beside it."""
    declared = getattr(mirror, name)
    if hasattr(declared, "from_json"):
        return declared.from_json  # type: ignore[no-any-return]
    return getattr(mirror, f"{name}_from_json")  # type: ignore[no-any-return]


def encoder(mirror: ModuleType, name: str) -> Callable[[Any], object]:
    """What gives back the JSON of a decoded ``name``: the instance's ``to_json``, or the
    ``<name>_to_json`` beside an alias of a union of object types."""
    if hasattr(getattr(mirror, name), "from_json"):
        return lambda value: value.to_json()
    return getattr(mirror, f"{name}_to_json")  # type: ignore[no-any-return]


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
