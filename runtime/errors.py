"""The runtime's errors: the one contract a host catches.

Every failure of a read (`runtime.reads`) or of the provider (`runtime.provider`) is an
`IsoKronError`, never a driver's or the interpreter's own exception. Where the failure began
in the driver (asyncpg), the socket layer or the JSON decoder, that exception is chained as
`__cause__`. Everything fails closed: an error, never a default value and never another
workspace's data.

    IsoKronError
    ├── ConfigError                  bad configuration or DSN, raised at construction
    ├── WorkspaceBindingError        no workspace, or a falsy / malformed / ambiguous one
    ├── DatabaseError
    │   ├── DatabaseUnavailableError no connection, a lost one, no answer in time, no slots
    │   └── DatabaseQueryError       the server refused the read (privileges, schema)
    ├── RoleCharterError
    │   ├── NoActiveRoleCharterError
    │   ├── RoleCharterIntegrityError
    │   └── RoleCharterShapeError
    └── LimitExceededError           a value or the block is over a documented cap

`DatabaseError`s are outages: the provider serves the last good block within its bounded
staleness and retries in the background. The others describe the data: they are never
papered over with an older block.
"""

from __future__ import annotations

import copy
from typing import Self


class IsoKronError(Exception):
    """Base class for everything the runtime raises."""

    def detached(self) -> Self:
        """A copy without traceback, to keep in a cache and raise again on later turns.

        Raising one instance again and again would grow its traceback on every raise, and a
        traceback keeps the frames (and their locals, e.g. a rejected 10 MB value) alive.
        The cause is kept, without its traceback.
        """
        clone = copy.copy(self)
        cause = self.__cause__
        if cause is not None:  # the driver's error: ours alone, kept without its frames
            cause.__traceback__ = None
            cause.__context__ = None
        clone.__cause__ = cause
        clone.__context__ = None
        return clone.with_traceback(None)


class ConfigError(IsoKronError, ValueError):
    """The provider configuration is missing a value, names an unset variable, or is
    malformed; a DSN the driver could not use is one too, found when the provider is built."""


class WorkspaceBindingError(IsoKronError, ValueError):
    """The call does not determine one workspace: a workspace id that is falsy or not a UUID,
    a session that was never initialised, or several sessions and none named."""


class DatabaseError(IsoKronError):
    """The database could not serve the read; the driver's error is the cause."""


class DatabaseUnavailableError(DatabaseError):
    """The database could not be reached, lost the connection (the connection is discarded,
    never reused), had no connection slot left, or did not answer within the read's timeout
    or the turn's deadline."""


class DatabaseQueryError(DatabaseError):
    """The server answered the read with an error: missing privileges, a missing table."""


class RoleCharterError(IsoKronError):
    """The active role charter could not be read as a trustworthy value."""


class NoActiveRoleCharterError(RoleCharterError):
    """The workspace has no active charter row."""


class RoleCharterIntegrityError(RoleCharterError):
    """`content_md` or `content_hash` is NULL, the hash does not match the text, or a section
    the block shows (`content_jsonb`) is not what the hashed text says under its heading."""


class RoleCharterShapeError(RoleCharterError, ValueError):
    """`content_jsonb` does not match the generated `KoraRoleCharterContent`.

    `path` is the JSON path of the first offending value, e.g. `$.sections.identity`.
    """

    def __init__(self, message: str, *, path: str = "$") -> None:
        super().__init__(message)
        self.path = path


class LimitExceededError(IsoKronError, ValueError):
    """A charter, a policy value or the rendered block is over one of the documented caps
    (`runtime.limits`): too many bytes, nested too deep, too many policies, or an item or
    the block too long to render. Fails the block closed."""
