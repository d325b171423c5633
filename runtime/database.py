"""A lazily opened asyncpg pool, with JSON codecs registered on every connection."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg

APPLICATION_NAME = "isokron-memory-provider"


async def register_json_codecs(conn: Any) -> None:
    """Decode `json` and `jsonb` to Python values (asyncpg's default is the JSON text)."""
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, schema="pg_catalog", encoder=json.dumps, decoder=json.loads
        )


class Database:
    """One pool per DSN, opened on first use inside the event loop that uses it.

    The pool starts empty (`min_size=0`), so opening it never touches the network: an
    unreachable database surfaces in the read that needed it, within that read's timeout,
    and the next read reconnects once the database is back.
    """

    def __init__(self, dsn: str, *, connect_timeout: float, max_size: int = 4) -> None:
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
