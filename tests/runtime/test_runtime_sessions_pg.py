"""No session ever gets another tenant's identity: workspaces are bound per session at
`initialize`, and nothing a call passes is remembered for another call."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from runtime.errors import WorkspaceBindingError
from runtime.provider import IsoKronMemoryProvider
from tests.runtime.pg_substrate import Substrate

pytestmark = pytest.mark.postgres

VERSION = re.compile(r"Kora Role Charter v(\S+)\)")


@pytest.fixture
def tenants(substrate: Substrate) -> dict[uuid.UUID, str]:
    """Eight workspaces, each with a charter version of its own: workspace -> version."""
    found = {}
    for n in range(8):
        workspace = uuid.uuid4()
        version = f"7.{n}.{workspace.hex[:6]}"
        substrate.add_charter(workspace, charter_version=version)
        found[workspace] = version
    return found


@pytest.fixture
def provider(substrate: Substrate) -> Iterator[IsoKronMemoryProvider]:
    made = IsoKronMemoryProvider(
        {"isokron_dsn": substrate.reader_dsn, "read_timeout_seconds": 5},
        turn_deadline=10,  # a loaded machine's slow first read is not what this is about
    )
    yield made
    made.shutdown()


def version_of(block: str) -> str:
    match = VERSION.search(block)
    assert match, block[:200]
    return match.group(1)


def test_concurrent_sessions_on_one_provider_each_get_their_own_identity(
    provider: IsoKronMemoryProvider, tenants: dict[uuid.UUID, str]
) -> None:
    """Eight sessions of eight tenants, one thread each, initialise and then take turns on
    one provider, interleaved, rotating their session ids as Hermes does. Before binding
    per session, a call was served the workspace the last `initialize` or `on_turn_start`
    had named, whichever session it came from; before `SessionBindings.switch`, a switch
    naming no parent moved the binding of the session the provider had last seen."""
    calls_per_thread = 25_000  # 200,000 calls in all
    start = threading.Barrier(len(tenants))
    wrong: list[tuple[str, str]] = []
    served = [0] * len(tenants)
    refused = [0] * len(tenants)

    def session(n: int, workspace: uuid.UUID, version: str) -> None:
        session_id = f"session-{n}"
        start.wait()
        provider.initialize(session_id, workspace_id=str(workspace), platform="cli")
        for call in range(calls_per_thread):
            if call % 1_000 == 500:  # Hermes' /undo: the same id, no parent named
                provider.on_session_switch(session_id, rewound=True)
            if call % 5_000 == 0 and call:  # compression: a new id, its parent named
                provider.on_session_switch(
                    f"session-{n}-{call}", parent_session_id=session_id
                )
                session_id = f"session-{n}-{call}"
            if call % 50 == 0:
                provider.on_turn_start(call, "hi", session_id=session_id)
            if call % 10 == 0:
                # Names no session while eight share the provider: refused, never guessed.
                try:
                    block = provider.system_prompt_block()
                except WorkspaceBindingError:
                    refused[n] += 1
                    continue
                wrong.append((version, version_of(block)))
                continue
            block = provider.system_prompt_block(session_id=session_id)
            if version_of(block) != version:
                wrong.append((version, version_of(block)))
            served[n] += 1

    threads = [
        threading.Thread(target=session, args=(n, workspace, version))
        for n, (workspace, version) in enumerate(tenants.items())
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert wrong == []
    assert sum(served) == len(tenants) * calls_per_thread * 9 // 10
    assert all(count == calls_per_thread // 10 for count in refused)


@pytest.mark.parametrize(
    "falsy", ["", 0, None, False, [], {}, "not-a-uuid", 123, uuid.uuid4().int]
)
def test_a_falsy_or_malformed_workspace_id_is_an_error_never_a_fallback(
    provider: IsoKronMemoryProvider, tenants: dict[uuid.UUID, str], falsy: Any
) -> None:
    first, second = list(tenants)[:2]
    provider.initialize("mine", workspace_id=str(first))
    assert (
        version_of(provider.system_prompt_block(workspace_id=second)) == tenants[second]
    )
    with pytest.raises(WorkspaceBindingError, match="must be a UUID"):
        provider.system_prompt_block(workspace_id=falsy)
    with pytest.raises(WorkspaceBindingError, match="must be a UUID"):
        provider.on_turn_start(1, "hi", workspace_id=falsy)
    with pytest.raises(WorkspaceBindingError, match="must be a UUID"):
        provider.initialize("other", workspace_id=falsy)
    # The call that named `second` bound nothing: the session still gets its own.
    assert version_of(provider.system_prompt_block()) == tenants[first]


def test_a_call_naming_an_unknown_session_or_another_workspace_is_refused(
    provider: IsoKronMemoryProvider, tenants: dict[uuid.UUID, str]
) -> None:
    first, second = list(tenants)[:2]
    provider.initialize("a", workspace_id=first)
    with pytest.raises(WorkspaceBindingError, match="not initialised"):
        provider.system_prompt_block(session_id="b")
    with pytest.raises(WorkspaceBindingError, match="not the workspace of session"):
        provider.system_prompt_block(session_id="a", workspace_id=second)
    block = provider.system_prompt_block(session_id="a", workspace_id=first)
    assert version_of(block) == tenants[first]


def test_one_session_per_provider_needs_no_session_id(
    substrate: Substrate, tenants: dict[uuid.UUID, str]
) -> None:
    """Hermes builds one provider per agent and calls `system_prompt_block()` bare."""
    providers = []
    try:
        for n, workspace in enumerate(tenants):
            made = IsoKronMemoryProvider(
                {"isokron_dsn": substrate.reader_dsn}, turn_deadline=10
            )
            providers.append(made)
            made.initialize(f"agent-{n}", workspace_id=str(workspace))
        for made, version in zip(providers, tenants.values(), strict=True):
            assert version_of(made.system_prompt_block()) == version
    finally:
        for made in providers:
            made.shutdown()


def test_a_session_initialised_without_a_workspace_gets_the_default_or_nothing(
    substrate: Substrate, tenants: dict[uuid.UUID, str]
) -> None:
    default = next(iter(tenants))
    configured = IsoKronMemoryProvider(
        {"isokron_dsn": substrate.reader_dsn, "default_workspace_id": str(default)},
        turn_deadline=10,
    )
    bare = IsoKronMemoryProvider(
        {"isokron_dsn": substrate.reader_dsn}, turn_deadline=10
    )
    try:
        configured.initialize("s")
        assert version_of(configured.system_prompt_block()) == tenants[default]
        bare.initialize("s")
        assert bare.system_prompt_block() == ""
        assert bare.system_prompt_block(session_id="s") == ""
    finally:
        configured.shutdown()
        bare.shutdown()


def test_a_session_switch_carries_its_binding_and_takes_no_other(
    provider: IsoKronMemoryProvider, tenants: dict[uuid.UUID, str]
) -> None:
    first, second = list(tenants)[:2]
    provider.initialize("s1", workspace_id=first)
    provider.initialize("other", workspace_id=second)
    provider.on_session_switch("s2", parent_session_id="s1")
    assert version_of(provider.system_prompt_block(session_id="s2")) == tenants[first]
    with pytest.raises(WorkspaceBindingError, match="not initialised"):
        provider.system_prompt_block(session_id="s1")
    # Naming no parent: /undo keeps its own binding, not that of the session the
    # provider last saw ("other"); an unknown new id gets none while two share it.
    provider.on_session_switch("s2", rewound=True)
    assert version_of(provider.system_prompt_block(session_id="s2")) == tenants[first]
    provider.on_session_switch("s3")
    with pytest.raises(WorkspaceBindingError, match="not initialised"):
        provider.system_prompt_block(session_id="s3")
    assert (
        version_of(provider.system_prompt_block(session_id="other")) == tenants[second]
    )
