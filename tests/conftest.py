"""Fixtures for the top-level tests (tests/runtime has its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project import copy_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the project: pyproject.toml, examples/ and generated/."""
    return copy_project(tmp_path / "project")
