"""The one exception type that carries bad input to the command line."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


# NamedTuple, not a dataclass, here and in config.py and cache.py: importing dataclasses
# costs more than a check whose verdict is reused does in all (see codegen/entry.py).
class Location(NamedTuple):
    path: str  # as the user should see it: relative to the working directory when possible
    line: int  # 1-based
    col: int  # 1-based, in characters


class InputError(Exception):
    """Bad input: a syntax error, an unsupported construct, an unresolved import, a bad config.

    ``cli.py`` prints it as ``path:line:col: error: message`` (or ``path: error: message`` when
    there is no position) and exits 2.
    """

    def __init__(
        self, message: str, location: Location | None = None, path: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.location = location
        self.path = location.path if location else path

    def __str__(self) -> str:
        if self.location:
            loc = self.location
            return f"{loc.path}:{loc.line}:{loc.col}: error: {self.message}"
        if self.path:
            return f"{self.path}: error: {self.message}"
        return f"error: {self.message}"


def shown(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
