"""Fixtures for the runtime tests: a PostgreSQL server the tests start, and the substrate schema."""

from tests.runtime.pg_substrate import black_hole, pg_cluster, substrate, workspace_id

__all__ = ["black_hole", "pg_cluster", "substrate", "workspace_id"]
