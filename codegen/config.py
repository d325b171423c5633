"""``[tool.tsmirror]``: read, validate, and resolve paths against the config file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from tsmirror.errors import InputError, Location
from tsmirror.paths import KERNEL_MODULE, RECORD_NAME

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
    # what set source_root, as a message names it: "--source-root", "$VAR" or "source_root"
    source_root_from: str = "source_root"
    shown: str = ""  # the config path as messages show it
    # callees, as written at the call (``z.object``, ``z.*``), trusted not to change
    # their arguments; passing a mirrored value to any other unknown callee refuses it
    trusted_callees: tuple[str, ...] = DEFAULT_TRUSTED_CALLEES

    def locate(
        self, key: str, value: str | None = None, mirror: Mirror | None = None
    ) -> Location:
        """Where ``key`` (and, given, its string ``value``) is written in the config file:
        in the table of ``mirror``, else in ``[tool.tsmirror]``."""
        index = None if mirror is None else self.mirrors.index(mirror)
        return _locate(self.path, self.shown or str(self.path), key, value, index)

    def missing_source(self, source: str) -> str:
        """What a source file that is not there is reported as: where it was looked for."""
        return (
            f"source {source!r} not found in the source root {self.source_root} "
            f"(set by {self.source_root_from})"
        )

    def output_path(self, mirror: Mirror) -> Path:
        return self.output_dir / f"{mirror.module}.py"

    @property
    def init_path(self) -> Path:
        return self.output_dir / "__init__.py"

    @property
    def kernel_path(self) -> Path:
        return self.output_dir / f"{KERNEL_MODULE}.py"

    @property
    def record_path(self) -> Path:
        return self.output_dir / RECORD_NAME


CONFIG_NAMES = ("tsmirror.toml", "pyproject.toml")


def find_config(start: Path) -> Path:
    """The nearest ``tsmirror.toml`` or ``pyproject.toml`` upward from ``start`` that has a
    ``[tool.tsmirror]`` table; in one folder, ``tsmirror.toml`` comes first. A file without
    the table is passed over, so a subproject's own pyproject.toml does not hide the
    monorepo's."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and _has_table(candidate):
                return candidate
    raise InputError(
        f"no {' or '.join(CONFIG_NAMES)} with a [tool.tsmirror] table in {start} "
        "or any parent; pass --config"
    )


def _has_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # let load_config say what is wrong with it
    if "tsmirror" not in text:
        return False  # no need to parse it
    import tomllib  # here: extract imports this module and reads no config

    try:
        return isinstance(tomllib.loads(text).get("tool", {}).get("tsmirror"), dict)
    except tomllib.TOMLDecodeError:
        return True


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
    import tomllib  # here: extract imports this module and reads no config

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
        root, root_from = (cwd / source_root).resolve(), "--source-root"
        if not root.is_dir():
            raise InputError(f"--source-root {source_root}: no such directory")
    elif env_name and env.get(env_name):
        root, root_from = (cwd / env[env_name]).resolve(), f"${env_name}"
        if not root.is_dir():
            raise InputError(
                f"${env_name}={env[env_name]}: no such directory (named by source_root_env)",
                _locate(config_path, shown, "source_root_env"),
            )
    else:
        root, root_from = (base / root_text).resolve(), "source_root"
        if not root.is_dir():
            raise InputError(
                f"source_root {root_text!r}: no such directory ({root})",
                _locate(config_path, shown, "source_root"),
            )

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
        if module == KERNEL_MODULE:
            raise InputError(
                f"{where}: module {module!r} is the name of the generated kernel",
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

    output_text = _string(table, "output_dir", shown, default="generated")
    output_dir = (base / output_text).resolve()
    # Python files written into a separate TypeScript tree (or over it) are a mistake; a
    # source root that is the config's own folder, or above it, holds the output by design.
    if output_dir == root or (
        output_dir.is_relative_to(root) and not base.is_relative_to(root)
    ):
        raise InputError(
            f"output_dir {output_text!r} is inside the source root {root}; "
            "mirrors are written outside the TypeScript they mirror",
            _locate(config_path, shown, "output_dir"),
        )
    return Config(
        config_path.resolve(),
        root,
        output_dir,
        strict,
        tuple(mirrors),
        root_from,
        shown,
        tuple(trusted),
    )


_HEADER = re.compile(r"^\s*\[")
_MIRROR_HEADER = re.compile(r"^\s*\[\[\s*tool\.tsmirror\.mirror\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*tool\.tsmirror\s*\]")


def _locate(
    path: Path,
    shown: str,
    key: str,
    value: str | None = None,
    mirror: int | None = None,
) -> Location:
    """Where ``key`` (and its quoted ``value``, which may sit on a later line of a
    multi-line array) is written in the ``mirror``-th mirror table, or in
    ``[tool.tsmirror]``. Errors about the config point there, so an editor can jump to
    the line; the table's header, or line 1, when the text cannot be found."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return Location(shown, 1, 1)
    header = _TABLE_HEADER if mirror is None else _MIRROR_HEADER
    starts = [i for i, line in enumerate(lines) if header.match(line)]
    wanted = 0 if mirror is None else mirror
    if wanted >= len(starts):
        return Location(shown, 1, 1)
    start = starts[wanted]
    end = next(
        (i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines)
    )
    key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start + 1, end):
        if key_line.match(lines[i]):
            if value is None:
                return Location(shown, i + 1, lines[i].index(key) + 1)
            for j in range(i, end):
                for quote in ('"', "'"):
                    col = lines[j].find(f"{quote}{value}{quote}")
                    if col >= 0:
                        return Location(shown, j + 1, col + 1)
            return Location(shown, i + 1, lines[i].index(key) + 1)
    return Location(shown, start + 1, 1)


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
