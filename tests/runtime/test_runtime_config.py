"""ProviderConfig.from_mapping: `${VAR}` expansion, defaults and validation; and the
configuration a Hermes home gives: `config.yaml`, its `.env`, the environment."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
import yaml

from runtime.config import (
    ProviderConfig,
    config_from_environment,
    environment_sources,
    hermes_home,
    load_hermes_config,
)
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


@pytest.mark.parametrize(
    ("environ", "dsn"),
    [
        ({}, "postgresql://kora@localhost/substrate"),
        ({"PGHOST": ""}, "postgresql://kora@localhost/substrate"),
        ({"PGHOST": "db"}, "postgresql://kora@db/substrate"),
    ],
)
def test_a_default_after_colon_dash(environ: dict[str, str], dsn: str) -> None:
    config = ProviderConfig.from_mapping(
        {"isokron_dsn": "postgresql://kora@${PGHOST:-localhost}/substrate"},
        environ=environ,
    )
    assert config.dsn == dsn


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
        (  # brackets and quotes are dropped, nothing else: a path must remain
            {"expected_policy_paths": "['policy.a', {'policy.b'}]"},
            "\"{'policy.b'}\" is not a policy path",
        ),
    ],
)
def test_invalid_values_are_one_clear_error(
    raw: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        ProviderConfig.from_mapping(raw, environ={})


@pytest.mark.parametrize(
    "text",
    [
        "policy.a, policy.b.c",
        "['policy.a', 'policy.b.c']",  # what `hermes memory setup` offers and hands back
        '["policy.a", "policy.b.c"]',
    ],
)
def test_policy_paths_as_text(text: str) -> None:
    config = ProviderConfig.from_mapping({"expected_policy_paths": text}, environ={})
    assert config.expected_policy_paths == ("policy.a", "policy.b.c")


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


def test_config_from_environment_takes_the_variables_as_set_and_expands_them() -> None:
    environ = {
        "ISOKRON_DSN": "postgresql://kora:${PGPASS}@db/substrate",
        "ISOKRON_EXPECTED_POLICY_PATHS": "policy.a, policy.b.c",
        "PGPASS": "pw",
    }
    raw = config_from_environment(environ)
    assert raw == {
        "isokron_dsn": "postgresql://kora:${PGPASS}@db/substrate",
        "expected_policy_paths": "policy.a, policy.b.c",
    }
    config = ProviderConfig.from_mapping(raw, environ=environ)
    assert config.dsn == "postgresql://kora:pw@db/substrate"
    assert config.expected_policy_paths == ("policy.a", "policy.b.c")


def test_a_variable_left_literal_in_the_environment_is_named_with_its_source() -> None:
    # A service manager that does not expand hands the process "${PG_URL}" verbatim.
    environ = {"ISOKRON_DSN": "${PG_URL}"}
    raw = config_from_environment(environ)
    with pytest.raises(
        ConfigError, match=r"^ISOKRON_DSN: environment variable PG_URL is not set$"
    ):
        ProviderConfig.from_mapping(
            raw, environ=environ, sources=environment_sources(raw)
        )


# -- a Hermes home ------------------------------------------------------------------------


def write_home(home: Path, memory: object = None, dotenv: str | None = None) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    if memory is not None:
        (home / "config.yaml").write_text(yaml.safe_dump({"memory": memory}))
    if dotenv is not None:
        (home / ".env").write_text(dotenv)
    return home


def test_config_only_in_config_yaml(tmp_path: Path) -> None:
    home = write_home(
        tmp_path,
        {
            "provider": "isokron",
            "isokron": {
                "isokron_dsn": "postgresql://kora:${PGPASS}@db/substrate",
                "default_workspace_id": WORKSPACE,
                "cache_ttl_seconds": 5,
                "expected_policy_paths": ["policy.voice.provider"],
                "pool_max_size": 10,
            },
        },
    )
    loaded = load_hermes_config(home, environ={"PGPASS": "pw"})
    assert (loaded.state, loaded.problem, loaded.active) == ("configured", None, True)
    assert loaded.config == ProviderConfig(
        dsn="postgresql://kora:pw@db/substrate",
        default_workspace_id=uuid.UUID(WORKSPACE),
        cache_ttl_seconds=5.0,
        expected_policy_paths=("policy.voice.provider",),
        pool_max_size=10,
    )


def test_config_yaml_wins_over_the_environment_key_by_key(tmp_path: Path) -> None:
    home = write_home(
        tmp_path,
        {"isokron": {"cache_ttl_seconds": 5}},
        dotenv="ISOKRON_CACHE_TTL_SECONDS=7\nISOKRON_POOL_MAX_SIZE=3\n",
    )
    environ = {"ISOKRON_DSN": "postgresql://kora@db/s", "ISOKRON_POOL_MAX_SIZE": "9"}
    config = load_hermes_config(home, environ=environ).config
    assert config.dsn == "postgresql://kora@db/s"  # only the environment has it
    assert config.cache_ttl_seconds == 5.0  # config.yaml over .env
    assert config.pool_max_size == 3  # .env over the environment, as Hermes loads it


def test_an_unset_variable_in_dotenv_is_named_not_emptied(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # python-dotenv, as Hermes loads .env, turns ${PG_URL} into "" when PG_URL is unset;
    # the provider would then look merely "not configured".
    home = write_home(
        tmp_path, {"provider": "isokron"}, dotenv="ISOKRON_DSN=${PG_URL}\n"
    )
    with caplog.at_level(logging.WARNING, logger="runtime.config"):
        loaded = load_hermes_config(home, environ={"ISOKRON_DSN": ""})
    assert loaded.state == "misconfigured"
    assert loaded.problem == (
        f"ISOKRON_DSN in {home / '.env'}: environment variable PG_URL is not set"
    )
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "PG_URL is not set" in record.message


@pytest.mark.parametrize(
    ("section", "environ", "problem"),
    [
        (
            {"isokron_dsn": "${PG_URL}"},
            {},
            "memory.isokron.isokron_dsn in {config}: environment variable PG_URL is not set",
        ),
        (
            {"isokron_dsn": "postgresql://db/s", "default_workspace_id": "workspace-a"},
            {},
            "memory.isokron.default_workspace_id in {config}: 'workspace-a' is not a UUID",
        ),
        (
            {"pool_max_size": 0},
            {"ISOKRON_DSN": "postgresql://db/s"},
            "memory.isokron.pool_max_size in {config}: 0 is out of range",
        ),
        (
            "postgresql://db/s",
            {},
            "memory.isokron in {config}: expected a mapping, got str",
        ),
        (
            {"isokron_dsn": "postgresql://kora@db:99999/s"},
            {},
            "memory.isokron.isokron_dsn in {config}: asyncpg cannot use this DSN:"
            " OverflowError: port 99999 is outside 1..65535",
        ),
    ],
)
def test_a_wrong_value_is_misconfigured_with_a_warning_naming_it(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    section: object,
    environ: dict[str, str],
    problem: str,
) -> None:
    home = write_home(tmp_path, {"isokron": section})  # not even the active provider
    with caplog.at_level(logging.WARNING, logger="runtime.config"):
        loaded = load_hermes_config(home, environ=environ)
    expected = problem.format(config=home / "config.yaml")
    assert (loaded.state, loaded.problem, loaded.active) == (
        "misconfigured",
        expected,
        False,
    )
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert expected in caplog.records[0].message


def test_invalid_yaml_is_misconfigured(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("memory: [unclosed\n")
    loaded = load_hermes_config(tmp_path, environ={"ISOKRON_DSN": "postgresql://db/s"})
    assert loaded.state == "misconfigured"
    assert loaded.problem is not None and "not valid YAML" in loaded.problem


@pytest.mark.parametrize("active", [True, False])
def test_no_dsn_is_not_configured_and_warns_only_when_active(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, active: bool
) -> None:
    provider = "isokron" if active else "mem0"
    home = write_home(
        tmp_path, {"provider": provider, "isokron": {"actor_kind": "kora"}}
    )
    with caplog.at_level(logging.WARNING, logger="runtime.config"):
        loaded = load_hermes_config(home, environ={"ISOKRON_DSN": ""})
    assert (loaded.state, loaded.active) == ("not configured", active)
    assert loaded.problem is not None and "no isokron_dsn" in loaded.problem
    assert ("no isokron_dsn" in caplog.text) is active


def test_an_empty_home_is_not_configured(tmp_path: Path) -> None:
    loaded = load_hermes_config(tmp_path / "missing", environ={})
    assert (loaded.state, loaded.config) == ("not configured", ProviderConfig())


def test_hermes_home_from_the_environment(tmp_path: Path) -> None:
    assert hermes_home({"HERMES_HOME": str(tmp_path)}) == tmp_path
    assert hermes_home({}) == Path.home() / ".hermes"
    assert hermes_home({"HERMES_HOME": "  "}) == Path.home() / ".hermes"
