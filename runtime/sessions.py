"""Which workspace each session of a provider belongs to.

A session's workspace is bound once, when the host initialises the session, and is the only
source of the workspace for that session's calls. Nothing a call passes is remembered for a
later call, so two sessions sharing a provider can never see each other's identity: a call
either names its session, or, when the provider serves exactly one session (Hermes builds a
provider per agent), means that one. Anything else is a `WorkspaceBindingError`.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping

from runtime.errors import WorkspaceBindingError
from runtime.limits import MAX_BOUND_SESSIONS
from runtime.reads import as_workspace


class SessionBindings:
    """session id -> workspace (None: the session has no workspace, so no block)."""

    def __init__(self, max_sessions: int = MAX_BOUND_SESSIONS) -> None:
        self._max = max_sessions
        self._lock = threading.Lock()
        self._bound: OrderedDict[str, uuid.UUID | None] = OrderedDict()

    def bind(self, session_id: str, workspace: uuid.UUID | None) -> None:
        _check_session_id(session_id)
        with self._lock:
            self._put(session_id, workspace)

    def switch(self, new_session_id: str, parent_session_id: str = "") -> bool:
        """The host moved a session to `new_session_id` (Hermes' `on_session_switch`):
        the binding of `parent_session_id` moves to it, or, with no bound parent, that of
        the provider's only session. A session already bound to `new_session_id` (an
        `/undo` keeps its id) keeps its own. Nothing is taken from a session the call does
        not name while others share the provider: then the new id stays unbound, and its
        calls are refused. True when `new_session_id` is bound afterwards."""
        _check_session_id(new_session_id)
        with self._lock:  # one step: no call sees the binding missing halfway
            parent = parent_session_id if isinstance(parent_session_id, str) else ""
            if parent and parent in self._bound:
                self._put(new_session_id, self._bound.pop(parent))
                return True
            if new_session_id in self._bound:
                return True
            if len(self._bound) == 1:
                [only] = self._bound
                self._put(new_session_id, self._bound.pop(only))
                return True
            return False

    def bound(self, session_id: str) -> uuid.UUID | None:
        """The session's workspace; None when it has none or is not bound."""
        with self._lock:
            return self._bound.get(session_id)

    def unbind(self, session_id: str) -> None:
        with self._lock:
            self._bound.pop(session_id, None)

    def clear(self) -> None:
        with self._lock:
            self._bound.clear()

    def resolve(
        self, call: Mapping[str, object], default: uuid.UUID | None
    ) -> uuid.UUID | None:
        """The workspace of one call, from that call's own arguments and the bindings.

        - `session_id=...`: that session's workspace; a `workspace_id` given too must agree.
        - `workspace_id=...` alone: that workspace, for this call only.
        - neither: the one bound session's workspace; with no session bound, `default`;
          with several, an error: the call does not say whose block it wants.

        A `workspace_id` that is present but falsy (`""`, `0`, `None`, `False`, `[]`, `{}`)
        or not a UUID is an error, never a reason to fall back on anything.
        """
        named = as_workspace(call["workspace_id"]) if "workspace_id" in call else None
        if "session_id" in call:
            session_id = call["session_id"]
            with self._lock:
                if not isinstance(session_id, str) or session_id not in self._bound:
                    raise WorkspaceBindingError(
                        f"session {session_id!r} was not initialised on this provider"
                    )
                bound = self._bound[session_id]
            if named is not None and named != bound:
                raise WorkspaceBindingError(
                    f"workspace_id {named} is not the workspace of session {session_id!r}"
                )
            return bound
        if named is not None:
            return named
        with self._lock:
            if len(self._bound) > 1:
                raise WorkspaceBindingError(
                    f"{len(self._bound)} sessions share this provider and the call names"
                    " none: pass session_id"
                )
            if self._bound:
                return next(iter(self._bound.values()))
        return default

    def _put(self, session_id: str, workspace: uuid.UUID | None) -> None:
        # Called with _lock held: bound, as the most recently bound.
        self._bound[session_id] = workspace
        self._bound.move_to_end(session_id)
        while len(self._bound) > self._max:
            self._bound.popitem(last=False)


def _check_session_id(session_id: object) -> None:
    if not isinstance(session_id, str):
        raise WorkspaceBindingError(
            f"session id must be a string, got {type(session_id).__name__}"
        )
