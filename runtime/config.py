"""Provider configuration: from a mapping, from `ISOKRON_*`, and from a Hermes home.

`${VAR}` in a string value is replaced by the environment variable VAR, the same way whatever
the value came from: a mapping handed to the provider, Hermes' `config.yaml`
(`memory.isokron.*`), its `.env`, or the process environment. An unset variable is a
`ConfigError` naming it, never an empty string in the middle of a DSN; `${VAR:-default}`
gives the default when VAR is unset or empty. A bare `$` is left alone, since passwords may
contain one.
"""

from __future__ import annotations

import logging
import math
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from runtime.capabilities import is_actor_kind
from runtime.errors import ConfigError

logger = logging.getLogger(__name__)

PROVIDER_NAME = "isokron"  # the plugin folder, `memory.provider` and `memory.isokron`

# ${NAME}, or ${NAME:-default} (as POSIX shells and python-dotenv read it).
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
# The CHECK constraint on kora_policy_registry.policy_path.
_POLICY_PATH = re.compile(r"^policy\.[a-z_]+(\.[a-z_]+)*$")

# The plugin keys, and the environment variables that may set them instead.
ENVIRONMENT_VARIABLES: Mapping[str, str] = {
    "isokron_dsn": "ISOKRON_DSN",
    "default_workspace_id": "ISOKRON_DEFAULT_WORKSPACE_ID",
    "cache_ttl_seconds": "ISOKRON_CACHE_TTL_SECONDS",
    "actor_kind": "ISOKRON_ACTOR_KIND",
    "expected_policy_paths": "ISOKRON_EXPECTED_POLICY_PATHS",
    "read_timeout_seconds": "ISOKRON_READ_TIMEOUT_SECONDS",
    "pool_max_size": "ISOKRON_POOL_MAX_SIZE",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderConfig:
    """What the IsoKron memory provider needs; every field has a safe default but the DSN."""

    dsn: str | None = None
    default_workspace_id: uuid.UUID | None = None
    cache_ttl_seconds: float = 60.0
    actor_kind: str = "kora"
    expected_policy_paths: tuple[str, ...] | None = None
    read_timeout_seconds: float = 5.0
    pool_max_size: int = 4

    @classmethod
    def from_mapping(
        cls,
        raw: Mapping[str, object],
        *,
        environ: Mapping[str, str] | None = None,
        sources: Mapping[str, str] | None = None,
    ) -> ProviderConfig:
        """Validate `raw`, expanding `${VAR}` from `environ` (default: `os.environ`).

        `sources` names where each key was read (`ISOKRON_DSN in /home/.env`); an error
        about a key names its source, or the key alone.
        """
        fields = _Fields(raw, os.environ if environ is None else environ, sources or {})
        defaults = cls()
        actor_kind = fields.text("actor_kind") or defaults.actor_kind
        if not is_actor_kind(actor_kind):
            raise fields.error(
                "actor_kind", f"{actor_kind!r} is not an actor kind of the matrix"
            )
        return cls(
            dsn=fields.text("isokron_dsn"),
            default_workspace_id=fields.workspace("default_workspace_id"),
            cache_ttl_seconds=fields.number(
                "cache_ttl_seconds", defaults.cache_ttl_seconds
            ),
            actor_kind=actor_kind,
            expected_policy_paths=fields.policy_paths("expected_policy_paths"),
            read_timeout_seconds=fields.number(
                "read_timeout_seconds", defaults.read_timeout_seconds, positive=True
            ),
            pool_max_size=int(
                fields.number("pool_max_size", defaults.pool_max_size, whole=True)
            ),
        )


def config_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """A plugin mapping of the `ISOKRON_*` variables that are set, as they are set (a
    `${VAR}` inside one is expanded by `ProviderConfig.from_mapping`, like any value)."""
    env = os.environ if environ is None else environ
    return {key: env[var] for key, var in ENVIRONMENT_VARIABLES.items() if var in env}


def environment_sources(keys: Mapping[str, object]) -> dict[str, str]:
    """`sources` for a mapping from `config_from_environment`: each key's variable."""
    return {key: ENVIRONMENT_VARIABLES[key] for key in keys}


class _Fields:
    """The raw values of one configuration, read key by key; each error names its source."""

    def __init__(
        self,
        raw: Mapping[str, object],
        environ: Mapping[str, str],
        sources: Mapping[str, str],
    ) -> None:
        self._sources = sources
        unknown = sorted(set(raw) - set(ENVIRONMENT_VARIABLES))
        if unknown:
            logger.warning(
                "isokron config: ignoring unknown keys %s",
                ", ".join(self.where(key) for key in unknown),
            )
        self._values = {
            key: self._expand(key, value, environ) for key, value in raw.items()
        }

    def where(self, key: str) -> str:
        return self._sources.get(key, key)

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where(key)}: {message}")

    def _expand(self, key: str, value: object, env: Mapping[str, str]) -> Any:
        if isinstance(value, str):

            def lookup(match: re.Match[str]) -> str:
                name, default = match.group(1, 2)
                if default is not None:  # unset or empty: the default
                    return env.get(name) or default
                if name not in env:
                    raise self.error(key, f"environment variable {name} is not set")
                return env[name]

            return _VARIABLE.sub(lookup, value)
        if isinstance(value, list | tuple):
            return [self._expand(key, item, env) for item in value]
        return value

    def text(self, key: str) -> str | None:
        value = self._values.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {type(value).__name__}")
        return value.strip() or None

    def workspace(self, key: str) -> uuid.UUID | None:
        text = self.text(key)
        if text is None:
            return None
        try:
            return uuid.UUID(text)
        except ValueError:
            raise self.error(key, f"{text!r} is not a UUID") from None

    def number(
        self, key: str, default: float, *, positive: bool = False, whole: bool = False
    ) -> float:
        value = self._values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.error(key, f"expected a number, got {type(value).__name__}")
        try:
            number = float(value)
        except ValueError:
            raise self.error(key, f"{value!r} is not a number") from None
        in_range = number > 0 if positive or whole else number >= 0
        if not math.isfinite(number) or not in_range:
            raise self.error(key, f"{value!r} is out of range")
        if whole and not number.is_integer():
            raise self.error(key, f"expected a whole number, got {value!r}")
        return number

    def policy_paths(self, key: str) -> tuple[str, ...] | None:
        value = self._values.get(key)
        if value is None:
            return None
        # From an environment variable the list arrives as one comma-separated string; from
        # `hermes memory setup` perhaps bracketed, as it shows the current list (str(list))
        # and hands that text back when the user keeps it. Quotes are dropped; what is left
        # must be a policy path, so nothing else gets through.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("[") and text.endswith("]"):
                text = text[1:-1]
            items: object = [item.strip().strip("'\"") for item in text.split(",")]
        else:
            items = value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise self.error(key, "expected a list of strings")
        paths = tuple(item.strip() for item in items if item.strip())
        for path in paths:
            if not _POLICY_PATH.match(path):
                raise self.error(key, f"{path!r} is not a policy path")
        return paths


# -- Hermes ----------------------------------------------------------------------------------

State = Literal["configured", "not configured", "misconfigured"]


@dataclass(frozen=True, slots=True)
class HermesConfig:
    """The provider's configuration as a Hermes home gives it, and what is wrong with it.

    `problem` is why the provider cannot run: a malformed value or an unset variable
    (misconfigured), or no DSN at all (not configured). `active` is whether `config.yaml`
    names this provider in `memory.provider`.
    """

    home: Path
    state: State
    config: ProviderConfig = field(default_factory=ProviderConfig)
    problem: str | None = None
    active: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)  # key -> where it was read

    @property
    def dsn_in_config_yaml(self) -> bool:
        return self.sources.get("isokron_dsn", "").startswith(
            f"memory.{PROVIDER_NAME}."
        )


def hermes_home(environ: Mapping[str, str] | None = None) -> Path:
    """The active Hermes home: Hermes' own answer when it is importable (it knows about
    profiles), else `$HERMES_HOME`, else `~/.hermes`."""
    if environ is None:
        try:
            from hermes_constants import get_hermes_home

            return Path(get_hermes_home())
        except ImportError:
            environ = os.environ
    configured = environ.get("HERMES_HOME", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".hermes"


def load_hermes_config(
    home: Path | None = None, *, environ: Mapping[str, str] | None = None
) -> HermesConfig:
    """Read `memory.isokron.*` from `home/config.yaml` over `ISOKRON_*` (from `home/.env`
    as written there, else from the environment), per key; never raises.

    A problem is logged at WARNING: always when a value is wrong, and, when there is no
    DSN, only if `memory.provider` names this provider (Hermes loads every plugin it finds,
    active or not).
    """
    env = os.environ if environ is None else environ
    home = hermes_home(environ) if home is None else home
    config_path = home / "config.yaml"
    active = False
    sources: dict[str, str] = {}
    try:
        memory = _memory_section(config_path)
        active = memory.get("provider") == PROVIDER_NAME
        raw, sources = _environment_settings(home / ".env", env)
        section = memory.get(PROVIDER_NAME)
        if section is not None and not isinstance(section, Mapping):
            raise ConfigError(
                f"memory.{PROVIDER_NAME} in {config_path}: expected a mapping, "
                f"got {type(section).__name__}"
            )
        for key, value in (section or {}).items():
            raw[str(key)] = value
            sources[str(key)] = f"memory.{PROVIDER_NAME}.{key} in {config_path}"
        config = ProviderConfig.from_mapping(raw, environ=env, sources=sources)
        if config.dsn is not None:
            _check_dsn(config.dsn, sources.get("isokron_dsn", "isokron_dsn"))
    except ConfigError as error:
        logger.warning("isokron: misconfigured, the provider stays off: %s", error)
        return HermesConfig(
            home, "misconfigured", problem=str(error), active=active, sources=sources
        )
    if config.dsn is None:
        problem = (
            f"no isokron_dsn (memory.{PROVIDER_NAME}.isokron_dsn in {config_path},"
            " or ISOKRON_DSN)"
        )
        if active:
            logger.warning("isokron: not configured: %s", problem)
        return HermesConfig(home, "not configured", config, problem, active, sources)
    return HermesConfig(home, "configured", config, None, active, sources)


def _check_dsn(dsn: str, where: str) -> None:
    """The driver's own check of the DSN (`validate_dsn`), its error naming `where`."""
    from runtime.database import validate_dsn  # asyncpg: only for a DSN to check

    try:
        validate_dsn(dsn)
    except ConfigError as error:
        raise ConfigError(
            f"{where}: {str(error).removeprefix('isokron_dsn: ')}"
        ) from error


def _memory_section(config_path: Path) -> Mapping[str, Any]:
    import yaml

    try:
        text = config_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError(f"{config_path}: {error.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{config_path}: not valid YAML: {error}") from None
    memory = document.get("memory") if isinstance(document, Mapping) else None
    return memory if isinstance(memory, Mapping) else {}


def _environment_settings(
    dotenv_path: Path, environ: Mapping[str, str]
) -> tuple[dict[str, object], dict[str, str]]:
    """`ISOKRON_*` as written: Hermes loads its `.env` over the environment, expanding
    `${VAR}` itself and turning an unset one into "", so a variable the file sets is
    taken from the file, unexpanded, for `from_mapping` to expand or name."""
    written: Mapping[str, str | None] = {}
    if dotenv_path.is_file():
        try:
            from dotenv import dotenv_values  # Hermes' own dependency, as is its .env
        except ImportError:
            pass
        else:
            written = dotenv_values(dotenv_path, interpolate=False)
    raw: dict[str, object] = {}
    sources: dict[str, str] = {}
    for key, var in ENVIRONMENT_VARIABLES.items():
        value = written.get(var)
        if value is not None:
            raw[key], sources[key] = value, f"{var} in {dotenv_path}"
        elif var in environ:
            raw[key], sources[key] = environ[var], var
    return raw, sources


def hermes_config_schema(*, dsn_in_config_yaml: bool = False) -> list[dict[str, Any]]:
    """The fields `hermes memory setup` asks for. The DSN holds a password, so it is a
    secret that Hermes writes to `.env` as ISOKRON_DSN, unless config.yaml already holds
    it: then it is asked and kept there, and `hermes memory status` does not report
    ISOKRON_DSN missing. The other fields go to `save_hermes_config`."""
    defaults = ProviderConfig()
    dsn: dict[str, Any] = {
        "key": "isokron_dsn",
        "description": "PostgreSQL DSN of the substrate (postgresql://user:password@host/db)",
        "required": True,
    }
    if not dsn_in_config_yaml:
        dsn |= {"secret": True, "env_var": ENVIRONMENT_VARIABLES["isokron_dsn"]}
    return [
        dsn,
        {
            "key": "default_workspace_id",
            "description": "UUID of the workspace whose identity the agent carries",
            "required": True,
        },
        {
            "key": "actor_kind",
            "description": "Actor kind whose capability row is shown",
            "default": defaults.actor_kind,
        },
        {
            "key": "cache_ttl_seconds",
            "description": "Seconds an identity read is reused",
            "default": f"{defaults.cache_ttl_seconds:g}",
        },
        {
            "key": "read_timeout_seconds",
            "description": "Seconds a read may take before the block fails",
            "default": f"{defaults.read_timeout_seconds:g}",
        },
        {
            "key": "pool_max_size",
            "description": "Most connections the pool opens",
            "default": str(defaults.pool_max_size),
        },
        {
            "key": "expected_policy_paths",
            "description": "Policy paths the block lists even when unseeded (comma-separated)",
        },
    ]


def save_hermes_config(values: Mapping[str, object], home: Path) -> None:
    """Merge `values` into `memory.isokron` of `home/config.yaml`, atomically.

    A value that would make the configuration wrong is refused before anything is
    written; a `${VAR}` reference is kept as written, since the variable may be set later.
    """
    import yaml

    config_path = home / "config.yaml"
    try:
        document = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        document = {}
    if not isinstance(document, dict):
        raise ConfigError(f"{config_path}: expected a mapping at the top")
    memory = document.setdefault("memory", {})
    section = memory.setdefault(PROVIDER_NAME, {}) if isinstance(memory, dict) else None
    if not isinstance(section, dict):
        raise ConfigError(
            f"memory.{PROVIDER_NAME} in {config_path}: expected a mapping"
        )
    section.update(values)
    literal = {k: v for k, v in section.items() if not _references_a_variable(v)}
    checked = ProviderConfig.from_mapping(
        literal,
        environ={},
        sources={key: f"memory.{PROVIDER_NAME}.{key}" for key in literal},
    )
    # Setup answers in text; numbers and lists are written as such.
    for key in _TYPED_KEYS & set(values) & set(literal):
        typed = getattr(checked, key)
        if isinstance(typed, float) and typed.is_integer():
            typed = int(typed)
        if typed is not None:
            section[key] = list(typed) if isinstance(typed, tuple) else typed
    home.mkdir(parents=True, exist_ok=True)
    staged = config_path.with_name(f".{config_path.name}.{os.getpid()}.tmp")
    staged.write_text(
        yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    if config_path.exists():
        staged.chmod(config_path.stat().st_mode & 0o7777)
    os.replace(staged, config_path)


_TYPED_KEYS = frozenset(
    {
        "cache_ttl_seconds",
        "read_timeout_seconds",
        "pool_max_size",
        "expected_policy_paths",
    }
)


def _references_a_variable(value: object) -> bool:
    if isinstance(value, list | tuple):
        return any(_references_a_variable(item) for item in value)
    return isinstance(value, str) and _VARIABLE.search(value) is not None


def redacted_dsn(dsn: str) -> str:
    """`dsn` with its password, if any, shown as `***`."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
