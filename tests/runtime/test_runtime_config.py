"""ProviderConfig.from_mapping: `${VAR}` expansion, defaults and validation."""

from __future__ import annotations

import logging
import uuid

import pytest

from runtime.config import ProviderConfig, config_from_environment
from runtime.errors import ConfigError

WORKSPACE = "6f1c2a8e-3b7d-4f0e-9a51-2c4d8e9f0a1b"


def test_plugin_entry_with_variables_is_expanded() -> None:
    config = ProviderConfig.from_mapping(
        {
            "isokron_dsn": "postgresql://kora:${PGPASS}@db:5432/substrate?x=$literal",
            "default_workspace_id": "${WS}",
            "cache_ttl_seconds": 30,
            "actor_kind": "kora",
            "expected_policy_paths": ["policy.voice.provider", "${EXTRA_PATH}"],
        },
        environ={"PGPASS": "s3cr$t", "WS": WORKSPACE, "EXTRA_PATH": "policy.budget"},
    )
    assert config.dsn == "postgresql://kora:s3cr$t@db:5432/substrate?x=$literal"
    assert config.default_workspace_id == uuid.UUID(WORKSPACE)
    assert config.cache_ttl_seconds == 30.0
    assert config.expected_policy_paths == ("policy.voice.provider", "policy.budget")


def test_defaults() -> None:
    config = ProviderConfig.from_mapping({}, environ={})
    assert config == ProviderConfig()
    assert (config.dsn, config.default_workspace_id) == (None, None)
    assert (config.cache_ttl_seconds, config.actor_kind) == (60.0, "kora")
    assert config.expected_policy_paths is None


def test_an_unset_variable_is_an_error_naming_it() -> None:
    with pytest.raises(
        ConfigError, match="isokron_dsn: environment variable PGPASS is not set"
    ):
        ProviderConfig.from_mapping(
            {"isokron_dsn": "postgresql://k:${PGPASS}@db/s"}, environ={}
        )


def test_a_variable_set_to_empty_means_not_configured() -> None:
    config = ProviderConfig.from_mapping(
        {"isokron_dsn": "${DSN}", "default_workspace_id": "${WS}"},
        environ={"DSN": "", "WS": ""},
    )
    assert (config.dsn, config.default_workspace_id) == (None, None)


def test_numbers_may_come_from_variables() -> None:
    config = ProviderConfig.from_mapping(
        {
            "cache_ttl_seconds": "${TTL}",
            "read_timeout_seconds": "0.5",
            "pool_max_size": "8",
        },
        environ={"TTL": "5"},
    )
    assert (config.cache_ttl_seconds, config.read_timeout_seconds) == (5.0, 0.5)
    assert config.pool_max_size == 8


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"default_workspace_id": "workspace-a"},
            "default_workspace_id: 'workspace-a' is not",
        ),
        ({"actor_kind": "janitor"}, "actor_kind: 'janitor' is not an actor kind"),
        ({"cache_ttl_seconds": True}, "cache_ttl_seconds: expected a number"),
        ({"cache_ttl_seconds": -1}, "cache_ttl_seconds: -1 is out of range"),
        ({"cache_ttl_seconds": "soon"}, "cache_ttl_seconds: 'soon' is not a number"),
        ({"read_timeout_seconds": 0}, "read_timeout_seconds: 0 is out of range"),
        ({"pool_max_size": 2.5}, "pool_max_size: expected a whole number"),
        ({"isokron_dsn": 5432}, "isokron_dsn: expected a string"),
        (
            {"expected_policy_paths": ["Policy.Voice"]},
            "'Policy.Voice' is not a policy path",
        ),
        (
            {"expected_policy_paths": [1]},
            "expected_policy_paths: expected a list of strings",
        ),
    ],
)
def test_invalid_values_are_one_clear_error(
    raw: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        ProviderConfig.from_mapping(raw, environ={})


def test_ttl_zero_is_allowed() -> None:
    assert (
        ProviderConfig.from_mapping(
            {"cache_ttl_seconds": 0}, environ={}
        ).cache_ttl_seconds
        == 0
    )


def test_unknown_keys_are_ignored_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="runtime.config"):
        ProviderConfig.from_mapping(
            {"provider": "isokron", "isokron_dns": "typo"}, environ={}
        )
    assert "isokron_dns" in caplog.text and "provider" in caplog.text


def test_config_from_environment_refers_to_the_set_variables() -> None:
    environ = {
        "ISOKRON_DSN": "postgresql://kora@db/substrate",
        "ISOKRON_EXPECTED_POLICY_PATHS": "policy.a, policy.b.c",
    }
    raw = config_from_environment(environ)
    assert raw == {
        "isokron_dsn": "${ISOKRON_DSN}",
        "expected_policy_paths": "${ISOKRON_EXPECTED_POLICY_PATHS}",
    }
    config = ProviderConfig.from_mapping(raw, environ=environ)
    assert config.dsn == "postgresql://kora@db/substrate"
    assert config.expected_policy_paths == ("policy.a", "policy.b.c")
