"""``[tool.tsmirror]``: read, validate, and resolve paths against the config file."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import NamedTuple

from tsmirror.errors import InputError

_TOP_KEYS = {
    "source_root",
    "source_root_env",
    "output_dir",
    "strict_objects",
    "trusted_callees",
    "mirror",
}
_MIRROR_KEYS = {"module", "source", "symbols"}
#: zod's builders (``z.object``, ``z.enum``, ...) keep their arguments as they are. A pattern
#: only ever trusts a package outside the source tree; code inside it is read instead.
DEFAULT_TRUSTED_CALLEES = ("z.*",)
_MODULE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_CALLEE = re.compile(r"[A-Za-z_$][\w$]*(\.([A-Za-z_$][\w$]*|\*))*")


class Mirror(NamedTuple):
    module: str  # Python module name; the file is <output_dir>/<module>.py
    source: str  # the TypeScript file, relative to the source root
    symbols: tuple[str, ...]


class Config(NamedTuple):
    path: Path  # the TOML file the table came from
    source_root: Path  # absolute; after --source-root and source_root_env
    output_dir: Path  # absolute
    strict_objects: bool
    mirrors: tuple[Mirror, ...]
    # callees, as written at the call (``z.object``, ``z.*``), trusted not to change
    # their arguments; passing a mirrored value to any other unknown callee refuses it
    trusted_callees: tuple[str, ...] = DEFAULT_TRUSTED_CALLEES

    def output_path(self, mirror: Mirror) -> Path:
        return self.output_dir / f"{mirror.module}.py"

    @property
    def init_path(self) -> Path:
        return self.output_dir / "__init__.py"


def find_config(start: Path) -> Path:
    """The nearest pyproject.toml upward from ``start`` that has a ``[tool.tsmirror]`` table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    raise InputError(f"no pyproject.toml found in {start} or any parent; pass --config")


def load_config(
    path: Path | None = None,
    *,
    source_root: Path | None = None,
    cwd: Path | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    cwd = cwd or Path.cwd()
    env = os.environ if environ is None else environ
    config_path = (cwd / path) if path is not None else find_config(cwd)
    shown = _shown(config_path, cwd)
    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("config file not found", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read config: {exc.strerror}", path=shown) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid TOML: {exc}", path=shown) from None

    table = data.get("tool", {}).get("tsmirror")
    if not isinstance(table, dict):
        raise InputError("no [tool.tsmirror] table", path=shown)
    _no_unknown_keys(table, _TOP_KEYS, "[tool.tsmirror]", shown)

    base = config_path.parent.resolve()
    root_text = _string(table, "source_root", shown, default=".")
    env_name = _string(table, "source_root_env", shown, default="")
    if source_root is not None:
        root = (cwd / source_root).resolve()
    elif env_name and env.get(env_name):
        root = (cwd / env[env_name]).resolve()
    else:
        root = (base / root_text).resolve()
    if not root.is_dir():
        raise InputError(f"source root {root} is not a directory", path=shown)

    strict = table.get("strict_objects", True)
    if not isinstance(strict, bool):
        raise InputError("strict_objects must be true or false", path=shown)

    trusted = table.get("trusted_callees", list(DEFAULT_TRUSTED_CALLEES))
    if not isinstance(trusted, list) or not all(
        isinstance(t, str) and _CALLEE.fullmatch(t) for t in trusted
    ):
        raise InputError(
            "trusted_callees must be a list of callees as written at the call, "
            "like 'z.object' or 'z.*'",
            path=shown,
        )

    raw_mirrors = table.get("mirror", [])
    if not isinstance(raw_mirrors, list) or not raw_mirrors:
        raise InputError(
            "[tool.tsmirror] needs at least one [[tool.tsmirror.mirror]]", path=shown
        )
    mirrors: list[Mirror] = []
    for index, raw in enumerate(raw_mirrors):
        where = f"[[tool.tsmirror.mirror]] #{index + 1}"
        if not isinstance(raw, dict):
            raise InputError(f"{where} must be a table", path=shown)
        _no_unknown_keys(raw, _MIRROR_KEYS, where, shown)
        module = _string(raw, "module", shown, where=where)
        if not _MODULE_NAME.fullmatch(module) or module == "__init__":
            raise InputError(
                f"{where}: module {module!r} is not a valid Python module name",
                path=shown,
            )
        if any(m.module == module for m in mirrors):
            raise InputError(
                f"{where}: module {module!r} is configured twice", path=shown
            )
        source = _string(raw, "source", shown, where=where)
        if not Path(os.path.normpath(root / source)).is_relative_to(root):
            raise InputError(
                f"{where}: source {source!r} leaves the source root {root}", path=shown
            )
        symbols = raw.get("symbols")
        if (
            not isinstance(symbols, list)
            or not symbols
            or not all(isinstance(s, str) and s for s in symbols)
        ):
            raise InputError(
                f"{where}: symbols must be a non-empty list of names", path=shown
            )
        if len(set(symbols)) != len(symbols):
            raise InputError(f"{where}: symbols lists a name twice", path=shown)
        mirrors.append(Mirror(module, source, tuple(symbols)))

    output_dir = (
        base / _string(table, "output_dir", shown, default="generated")
    ).resolve()
    return Config(
        config_path.resolve(), root, output_dir, strict, tuple(mirrors), tuple(trusted)
    )


def _shown(path: Path, cwd: Path) -> str:
    try:
        return str(path.resolve().relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def _no_unknown_keys(
    table: dict[str, object], known: set[str], where: str, shown: str
) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})",
            path=shown,
        )


def _string(
    table: dict[str, object],
    key: str,
    shown: str,
    *,
    default: str | None = None,
    where: str = "[tool.tsmirror]",
) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (default is None and not value):
        raise InputError(f"{where}: {key} must be a non-empty string", path=shown)
    return value
