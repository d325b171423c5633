"""A lazily opened asyncpg pool, with JSON codecs registered on every connection and no
session reset on release (see `keep_session`)."""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any

import asyncpg
import asyncpg.connect_utils

from runtime.errors import ConfigError

APPLICATION_NAME = "isokron-memory-provider"


async def register_json_codecs(conn: Any) -> None:
    """Decode `json` and `jsonb` to Python values (asyncpg's default is the JSON text)."""
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, schema="pg_catalog", encoder=json.dumps, decoder=json.loads
        )


async def keep_session(conn: Any) -> None:
    """The pool's `reset`: nothing to undo, so no round trip when a connection is released.

    asyncpg's default reset sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` on every release: one more round trip on each read, which takes three
    (`runtime.reads`). Each of them undoes session state this runtime never creates. Its reads take no advisory lock,
    open no cursor, LISTEN to nothing and SET nothing at session level: the one setting they
    make, `app.current_workspace_id`, is made with `set_config(..., true)` inside the read's
    own transaction and ends with it (`runtime.reads`). The JSON codecs of `init` live in the
    client, and asyncpg's statement cache is meant to survive release (the default reset
    keeps it too). An open transaction is not left to this function either: asyncpg rolls it
    back before calling `reset` (`Connection._reset`), so a read cancelled mid-transaction
    hands neither its transaction nor its setting to the next user.

    Because nothing resets the session any more, tests/runtime/test_runtime_reads_pg.py
    checks the setting on the next use of the same pooled backend, which would now see a
    session-level `set_config(..., false)`: the guarantee rests, visibly, on
    `set_config(..., true)` alone, as DESIGN.md states it.
    """


def validate_dsn(dsn: str) -> None:
    """Raise `ConfigError` now for a DSN the driver could only refuse at first use.

    The DSN goes through asyncpg's own parser, so what is accepted here is what `connect`
    accepts; it is asyncpg's private function, called with every parameter but the DSN left
    unset, which is what `connect(dsn)` does. The parser leaves two things to the socket
    layer, checked here too: a port outside 1..65535 (`OverflowError` at connect) and a host
    name IDNA cannot encode (`UnicodeError` at connect). The parser itself reads the TLS
    files the DSN names (`sslrootcert`, `sslcert`, `sslkey`), so a missing or unreadable
    one is an `OSError` (`ssl.SSLError` is one) here. Nothing touches the network.
    """
    parse = asyncpg.connect_utils._parse_connect_dsn_and_args
    unset = {name: None for name in inspect.signature(parse).parameters}
    try:
        addresses = parse(**{**unset, "dsn": dsn})[0]
        for address in addresses:
            if isinstance(address, str):  # a Unix socket path
                continue
            host, port = address
            host.encode("idna")
            if not 0 < port <= 65535:
                raise OverflowError(f"port {port} is outside 1..65535")
    except (
        ValueError,
        OverflowError,
        TypeError,
        OSError,
    ) as exc:  # UnicodeError is a ValueError
        raise ConfigError(
            f"isokron_dsn: asyncpg cannot use this DSN: {type(exc).__name__}: {exc}"
        ) from exc


class Database:
    """One pool per DSN, opened on first use inside the event loop that uses it.

    The pool starts empty (`min_size=0`), so opening it never touches the network: an
    unreachable database surfaces in the read that needed it, within that read's timeout,
    and the next read reconnects once the database is back.
    """

    def __init__(self, dsn: str, *, connect_timeout: float, max_size: int = 4) -> None:
        validate_dsn(dsn)
        self._dsn = dsn
        self._connect_timeout = connect_timeout
        self._max_size = max_size
        self._pool: Any = None
        self._opening = asyncio.Lock()

    async def pool(self) -> Any:
        """The asyncpg `Pool`, opened on the first call."""
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=0,
                    max_size=self._max_size,
                    timeout=self._connect_timeout,
                    init=register_json_codecs,
                    reset=keep_session,
                    server_settings={"application_name": APPLICATION_NAME},
                )
            return self._pool

    async def close(self, timeout: float) -> None:
        """Close the pool gracefully, or terminate its connections after `timeout` seconds."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), timeout)
        except TimeoutError:
            pool.terminate()
