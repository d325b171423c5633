"""Provider configuration, read from a mapping such as a Hermes plugin entry.

`${VAR}` in a string value is replaced by the environment variable VAR; an unset variable is a
`ConfigError`, never an empty string in the middle of a DSN. A bare `$` is left alone, since
passwords may contain one.
"""

from __future__ import annotations

import logging
import math
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runtime.capabilities import is_actor_kind
from runtime.errors import ConfigError

logger = logging.getLogger(__name__)

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# The CHECK constraint on kora_policy_registry.policy_path.
_POLICY_PATH = re.compile(r"^policy\.[a-z_]+(\.[a-z_]+)*$")

# The plugin keys, and the environment variables `register(ctx)` reads them from by default.
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
        cls, raw: Mapping[str, object], *, environ: Mapping[str, str] | None = None
    ) -> ProviderConfig:
        """Validate `raw`, expanding `${VAR}` from `environ` (default: `os.environ`)."""
        env = os.environ if environ is None else environ
        unknown = sorted(set(raw) - set(ENVIRONMENT_VARIABLES))
        if unknown:
            logger.warning("isokron config: ignoring unknown keys %s", unknown)
        values = {key: _expand(key, value, env) for key, value in raw.items()}
        defaults = cls()
        actor_kind = _text(values, "actor_kind") or defaults.actor_kind
        if not is_actor_kind(actor_kind):
            raise ConfigError(
                f"actor_kind: {actor_kind!r} is not an actor kind of the matrix"
            )
        return cls(
            dsn=_text(values, "isokron_dsn"),
            default_workspace_id=_workspace(values),
            cache_ttl_seconds=_number(
                values, "cache_ttl_seconds", defaults.cache_ttl_seconds
            ),
            actor_kind=actor_kind,
            expected_policy_paths=_policy_paths(values),
            read_timeout_seconds=_number(
                values,
                "read_timeout_seconds",
                defaults.read_timeout_seconds,
                positive=True,
            ),
            pool_max_size=int(
                _number(values, "pool_max_size", defaults.pool_max_size, whole=True)
            ),
        )


def config_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """A plugin mapping that refers to each `ISOKRON_*` variable that is set."""
    env = os.environ if environ is None else environ
    return {
        key: f"${{{var}}}" for key, var in ENVIRONMENT_VARIABLES.items() if var in env
    }


def _expand(key: str, value: object, env: Mapping[str, str]) -> Any:
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                raise ConfigError(f"{key}: environment variable {name} is not set")
            return env[name]

        return _VARIABLE.sub(lookup, value)
    if isinstance(value, list | tuple):
        return [_expand(key, item, env) for item in value]
    return value


def _text(values: Mapping[str, Any], key: str) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {type(value).__name__}")
    return value.strip() or None


def _workspace(values: Mapping[str, Any]) -> uuid.UUID | None:
    text = _text(values, "default_workspace_id")
    if text is None:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ConfigError(f"default_workspace_id: {text!r} is not a UUID") from None


def _number(
    values: Mapping[str, Any],
    key: str,
    default: float,
    *,
    positive: bool = False,
    whole: bool = False,
) -> float:
    value = values.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{key}: expected a number, got {type(value).__name__}")
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{key}: {value!r} is not a number") from None
    in_range = number > 0 if positive or whole else number >= 0
    if not math.isfinite(number) or not in_range:
        raise ConfigError(f"{key}: {value!r} is out of range")
    if whole and not number.is_integer():
        raise ConfigError(f"{key}: expected a whole number, got {value!r}")
    return number


def _policy_paths(values: Mapping[str, Any]) -> tuple[str, ...] | None:
    value = values.get("expected_policy_paths")
    if value is None:
        return None
    # From an environment variable the list arrives as one comma-separated string.
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ConfigError("expected_policy_paths: expected a list of strings")
    paths = tuple(item.strip() for item in items if item.strip())
    for path in paths:
        if not _POLICY_PATH.match(path):
            raise ConfigError(f"expected_policy_paths: {path!r} is not a policy path")
    return paths
