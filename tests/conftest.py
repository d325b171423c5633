"""Fixtures for the top-level tests (tests/runtime has its own)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.project import copy_project

# The tests, and every command they run, share one throwaway verdict cache, not the user's.
os.environ.setdefault("TSMIRROR_CACHE_DIR", tempfile.mkdtemp(prefix="tsmirror-cache-"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the project: pyproject.toml, examples/ and generated/."""
    return copy_project(tmp_path / "project")
