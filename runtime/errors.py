"""The runtime's errors. Every read fails closed: it raises one of these, never a default."""

from __future__ import annotations


class IsoKronError(Exception):
    """Base class for everything the runtime raises on purpose."""


class ConfigError(IsoKronError, ValueError):
    """The provider configuration is missing a value, names an unset variable, or is malformed."""


class DatabaseUnavailableError(IsoKronError):
    """The database could not be reached, or did not answer within the read's timeout."""


class RoleCharterError(IsoKronError):
    """The active role charter could not be read as a trustworthy value."""


class NoActiveRoleCharterError(RoleCharterError):
    """The workspace has no active charter row."""


class RoleCharterIntegrityError(RoleCharterError):
    """`content_md` or `content_hash` is NULL, or the hash does not match the text."""


class RoleCharterShapeError(RoleCharterError, ValueError):
    """`content_jsonb` does not match the generated `KoraRoleCharterContent`.

    `path` is the JSON path of the first offending value, e.g. `$.sections.identity`.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path
