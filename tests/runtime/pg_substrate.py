"""A throwaway PostgreSQL server and the substrate schema of DESIGN.md, for `runtime` tests.

The fixtures are registered by tests/runtime/conftest.py; tests import the seed data from here.
The fixtures are thin wrappers over plain functions that the benchmarks call too:
`running_cluster()` (or `start_cluster()` and `LocalCluster.destroy()`) and
`create_substrate(cluster)`. These raise `PostgresSetupError`, which the fixtures turn into a
test failure.

The server is started by the tests themselves, once per session, from the binaries that
`make postgres` (scripts/ensure-postgres.sh) guarantees. PostgreSQL refuses to run as root, and
sessions and CI run as root, so the server runs as the unprivileged `postgres` OS user that
Debian's package creates. A missing server fails the tests; it is never a skip.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg.types.json import Jsonb

SERVER_USER = "postgres"  # the OS account the server runs as when the tests run as root
SUPERUSER = "postgres"  # the bootstrap database superuser
OWNER = "substrate_owner"  # owns the schema, as the substrate's migrations would
READER = "kora_reader"  # an ordinary role: no superuser, no BYPASSRLS, not the owner
DATABASE = "substrate"


class PostgresSetupError(RuntimeError):
    """No server binaries, or the throwaway server could not be initialised or started."""


SCHEMA_SQL = r"""
CREATE TABLE public.kora_role_charter (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL,
    charter_version text NOT NULL,
    schema_version int NOT NULL,
    content_md text,
    content_hash text,
    content_jsonb jsonb,
    is_active boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX kora_role_charter_one_active
    ON public.kora_role_charter (workspace_id) WHERE is_active;

CREATE TABLE public.kora_policy_registry (
    workspace_id uuid NOT NULL,
    policy_path text NOT NULL CHECK (policy_path ~ '^policy\.[a-z_]+(\.[a-z_]+)*$'),
    policy_value jsonb NOT NULL,
    PRIMARY KEY (workspace_id, policy_path)
);
ALTER TABLE public.kora_policy_registry ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.kora_policy_registry FORCE ROW LEVEL SECURITY;
CREATE POLICY kora_policy_registry_workspace ON public.kora_policy_registry
    USING (workspace_id = nullif(current_setting('app.current_workspace_id', true), '')::uuid);

GRANT USAGE ON SCHEMA public TO kora_reader;
GRANT SELECT ON public.kora_role_charter, public.kora_policy_registry TO kora_reader;
"""

CHARTER_CONTENT: dict[str, Any] = {
    "schema_version": 1,
    "sections": {
        "identity": "You are Kora, the coordinating agent of the IsoKron substrate — ≠ operator.",
        "audit_attribution": "Every action is attributed to actor_kind=kora.",
        "charter_modification": "Only an operator may change this charter.",
        "effective_date_clause": "Effective from activation until superseded.",
        "authority_can_do": [
            "Author operations within granted capabilities",
            "Propose policy changes for operator review",
        ],
        "authority_cannot_do": [
            "Approve its own policy proposals",
            "Override a security or policy verdict",
        ],
        "override_preconditions": ["A recorded critic verdict exists"],
        "escalation_triggers": ["Any security-relevant uncertainty"],
        "per_session_discipline": ["Re-read the charter at session start"],
    },
}


def charter_markdown(content: Mapping[str, Any]) -> str:
    """The human-readable charter that `content_md` holds: one heading per section, its
    text as a paragraph or its entries as a list, as the substrate's shapes describe it."""
    parts = [
        "# Kora — Role Charter\n\n"
        "Kora coordinates the substrate\u2019s agents: « naïve » shortcuts are refused. "
        "調整役 🚦\n"
    ]
    for name, value in content["sections"].items():
        title = name.replace("_", " ").capitalize()
        body = (
            "\n".join(f"- {item}" for item in value)
            if isinstance(value, list)
            else value
        )
        parts.append(f"## {title}\n\n{body}\n")
    return "\n".join(parts)


# Non-ASCII on purpose: the Python hash must equal pgcrypto's digest of the UTF-8 bytes.
CHARTER_MD = charter_markdown(CHARTER_CONTENT)
POLICIES: dict[str, Any] = {
    "policy.voice.provider": "elevenlabs",
    "policy.escalation.max_open": 3,
    "policy.sea.auto_condense": True,
    "policy.routing.fallback_order": ["critic", "operator"],
    "policy.budget": {"daily_usd": 12.5, "hard_stop": None},
}


def find_server_bindir() -> Path:
    """The same search as scripts/ensure-postgres.sh: pg_config, then Debian's layout."""
    candidates: list[str] = []
    if os.environ.get("TSMIRROR_PG_BINDIR"):
        candidates.append(os.environ["TSMIRROR_PG_BINDIR"])
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(debian, key=lambda d: int(Path(d).parent.name), reverse=True)
    for candidate in candidates:
        bindir = Path(candidate)
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PostgresSetupError(
        "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found; "
        "run `make postgres` (scripts/ensure-postgres.sh) to install them"
    )


_find_server_bindir = find_server_bindir  # the name bench/report.py imports


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalCluster:
    """A PostgreSQL cluster in a temporary directory, run as an unprivileged OS user."""

    bindir: Path
    root: Path
    port: int = field(default_factory=_free_port)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    def _run(self, *args: str) -> None:
        # subprocess drops privileges itself (setuid in the child); no runuser/sudo needed.
        account = pwd.getpwnam(SERVER_USER) if os.geteuid() == 0 else None
        result = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C", "LANG": "C", "PGDATA": str(self.datadir)},
            user=account.pw_uid if account else None,
            group=account.pw_gid if account else None,
            extra_groups=[] if account else None,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            log = self.logfile.read_text() if self.logfile.exists() else ""
            raise PostgresSetupError(
                f"{args[0]} {' '.join(args[1:3])} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}{log}"
            )

    def initdb(self) -> None:
        self._run(
            "initdb", "--username", SUPERUSER, "--auth", "trust", "--encoding", "UTF8"
        )

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c shared_preload_libraries=pg_stat_statements",
                "-c max_connections=200",
                # Durability is irrelevant for a throwaway cluster; speed is not.
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            ]
        )
        self._run(
            "pg_ctl",
            "start",
            "--wait",
            "--silent",
            "-l",
            str(self.logfile),
            "-o",
            options,
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "--wait", "--silent", "-m", mode)

    def dsn(self, user: str, database: str = DATABASE) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        """Stop the server at once and delete its directory."""
        try:
            self.stop(mode="immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> LocalCluster:
    """A new cluster in a temporary directory, initialised and running; `destroy()` it."""
    bindir = find_server_bindir()
    as_root = os.geteuid() == 0
    account = None
    if as_root:
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PostgresSetupError(
                f"running as root but there is no unprivileged `{SERVER_USER}` OS user to run "
                "PostgreSQL as; Debian's postgresql package creates it (`make postgres`)"
            ) from None
    # The server's OS user must reach its data directory; a root TMPDIR may be private.
    root = Path(
        tempfile.mkdtemp(prefix="tsmirror-pg-", dir="/tmp" if as_root else None)
    )
    cluster = LocalCluster(bindir=bindir, root=root)
    try:
        if account is not None:
            os.chown(root, account.pw_uid, account.pw_gid)
        cluster.initdb()
        cluster.start()
    except BaseException:
        # In case `pg_ctl start` gave up on a server that did come up.
        with suppress(PostgresSetupError):
            cluster.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster


@contextmanager
def running_cluster() -> Iterator[LocalCluster]:
    """`start_cluster()`, destroyed on leaving the block."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[LocalCluster]:
    # A missing or broken server fails the tests; it is never a skip.
    try:
        cluster = start_cluster()
    except PostgresSetupError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield cluster
    finally:
        cluster.destroy()


@dataclass
class Substrate:
    """The schema of DESIGN.md in a fresh database, and helpers that seed it."""

    cluster: LocalCluster

    @property
    def reader_dsn(self) -> str:
        return self.cluster.dsn(READER)

    def superuser(self) -> psycopg.Connection[Any]:
        # A fresh connection each time: the server may have been restarted by a test.
        return psycopg.connect(self.cluster.dsn(SUPERUSER), autocommit=True)

    def execute(
        self, sql: str, params: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        with self.superuser() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def add_charter(
        self,
        workspace_id: uuid.UUID,
        *,
        content_md: str | None = CHARTER_MD,
        content: object = CHARTER_CONTENT,
        charter_version: str = "1.2.0",
        schema_version: int = 1,
        is_active: bool = True,
        content_hash_sql: str = "encode(digest(%(content_md)s, 'sha256'), 'hex')",
    ) -> None:
        """Insert a charter row; its content_hash is computed by pgcrypto, not by Python."""
        self.execute(
            "INSERT INTO public.kora_role_charter (workspace_id, charter_version, schema_version,"
            " content_md, content_hash, content_jsonb, is_active) VALUES (%(ws)s, %(version)s,"
            f" %(schema_version)s, %(content_md)s, {content_hash_sql}, %(content)s, %(active)s)",
            {
                "ws": workspace_id,
                "version": charter_version,
                "schema_version": schema_version,
                "content_md": content_md,
                "content": None if content is None else Jsonb(content),
                "active": is_active,
            },
        )

    def add_policies(
        self, workspace_id: uuid.UUID, policies: Mapping[str, Any]
    ) -> None:
        with self.superuser() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO public.kora_policy_registry (workspace_id, policy_path, policy_value)"
                " VALUES (%s, %s, %s)",
                [
                    (workspace_id, path, Jsonb(value))
                    for path, value in policies.items()
                ],
            )

    def reset_statement_counts(self) -> None:
        self.execute("SELECT pg_stat_statements_reset()")

    def statement_calls(self, like: str) -> int:
        """How many statements matching `like` the reader ran since the last reset."""
        [(calls,)] = self.execute(
            "SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements s"
            " JOIN pg_roles r ON r.oid = s.userid"
            " WHERE r.rolname = %(reader)s AND s.query LIKE %(like)s",
            {"reader": READER, "like": like},
        )
        return int(calls)

    def seed_workspace(self) -> uuid.UUID:
        workspace_id = uuid.uuid4()
        self.add_charter(workspace_id, is_active=False, charter_version="1.1.0")
        self.add_charter(workspace_id)
        self.add_policies(workspace_id, POLICIES)
        return workspace_id


def create_substrate(cluster: LocalCluster) -> Substrate:
    """The roles, the database and the schema of DESIGN.md on a fresh `cluster`; no rows yet
    (`Substrate.seed_workspace()` adds a workspace)."""
    with psycopg.connect(cluster.dsn(SUPERUSER, "postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER} LOGIN")
        conn.execute(f"CREATE ROLE {READER} LOGIN NOSUPERUSER NOBYPASSRLS")
        conn.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")
    with psycopg.connect(cluster.dsn(SUPERUSER), autocommit=True) as conn:
        conn.execute(b"CREATE EXTENSION pg_stat_statements")
    with psycopg.connect(cluster.dsn(OWNER), autocommit=True) as conn:
        # pgcrypto is trusted: the database owner may create it.
        conn.execute(b"CREATE EXTENSION pgcrypto")
        conn.execute(SCHEMA_SQL)
    return Substrate(cluster)


@pytest.fixture(scope="session")
def substrate(pg_cluster: LocalCluster) -> Substrate:
    return create_substrate(pg_cluster)


@pytest.fixture
def workspace_id(substrate: Substrate) -> uuid.UUID:
    """A fresh workspace with an inactive and an active charter and the standard policies."""
    return substrate.seed_workspace()


class TcpProxy:
    """A TCP proxy to the server of `dsn`, as a context manager; connect to `.dsn`.

    It counts round trips: how many times a client spoke again after the server had
    answered. Messages a client sends back to back without waiting (one flight) count once,
    however TCP splits them. And it can stall: stop forwarding anything, as a server or
    network that stops answering would, while the sockets stay open.
    """

    def __init__(self, dsn: str) -> None:
        self._target = urlsplit(dsn)
        self._count = 0
        self._flights = 0  # all round trips, never reset
        self._stall_after: int | None = None
        self._lock = threading.Lock()
        self._loop: Any = None
        self.dsn = ""  # the same DSN, through the proxy

    def __enter__(self) -> TcpProxy:
        from runtime.background import BackgroundLoop

        self._loop = BackgroundLoop("tcp-proxy")
        server = self._loop.submit_and_wait(
            asyncio.start_server(self._accept, "127.0.0.1", 0), 5.0
        )
        port = server.sockets[0].getsockname()[1]
        netloc = f"{self._target.username}@127.0.0.1:{port}"
        self.dsn = self._target._replace(netloc=netloc).geturl()
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.shutdown()

    def take(self) -> int:
        """Round trips since the last `take()`, over every connection through the proxy."""
        with self._lock:
            count, self._count = self._count, 0
        return count

    def stall(self, *, after: int = 0) -> None:
        """Forward the next `after` round trips' requests, then nothing at all, on any
        connection, new ones included."""
        with self._lock:
            self._stall_after = self._flights + after

    def resume(self) -> None:
        """Forward again, on new connections; those held by `stall` stay held."""
        with self._lock:
            self._stall_after = None

    def _stalled(self) -> bool:
        with self._lock:
            return self._stall_after is not None and self._flights > self._stall_after

    async def _accept(
        self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter
    ) -> None:
        # Ended by the loop's shutdown; returning keeps asyncio's streams from logging it.
        with suppress(asyncio.CancelledError):
            await self._forward(client, to_client)

    async def _forward(
        self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter
    ) -> None:
        if self._stalled():
            await asyncio.Event().wait()  # accepted, never connected on
        server, to_server = await asyncio.open_connection(
            self._target.hostname, self._target.port
        )
        last = ["server"]  # who sent the last chunk on this connection

        async def pipe(
            source: asyncio.StreamReader, sink: asyncio.StreamWriter, side: str
        ) -> None:
            try:
                while data := await source.read(65536):
                    if side == "client" and last[0] == "server":
                        with self._lock:
                            self._count += 1
                            self._flights += 1
                    last[0] = side
                    if self._stalled():
                        await asyncio.Event().wait()  # held until the proxy stops
                    sink.write(data)
                    await sink.drain()
            finally:
                sink.close()

        await asyncio.gather(
            pipe(client, to_server, "client"), pipe(server, to_client, "server")
        )


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port whose listener never accepts: connects succeed, the startup never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]
