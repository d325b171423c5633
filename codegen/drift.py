"""What is on disk against what the current source renders, and why they differ.

Two records make a three-way answer possible from the output folder alone (no git history):

- the record of the last regen (:mod:`tsmirror.record`) holds the SHA-256 of every file it
  wrote and the hash of the TypeScript each mirror was rendered from. A file that still
  hashes as recorded is as regen wrote it: it differs now because the source changed (the
  recorded source hash is not the current one) or else because the generator did (the
  templates, the header, the format, the config);
- without that record (or for a file it does not vouch for), the file's own header
  (:mod:`tsmirror.header`): ``body-sha256`` tells a hand edit, ``source-sha256`` a source
  change. A file the current header template cannot read, and no record vouches for, is
  hand-edited.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from functools import cache
from pathlib import Path

from tsmirror.errors import InputError, shown
from tsmirror.header import is_intact, parse_header
from tsmirror.paths import RECORD_NAME
from tsmirror.record import Record, parse_record
from tsmirror.valueclass import valueclass


class State(StrEnum):
    MISSING = "missing"  # a configured mirror has no file
    ORPHANED = "orphaned"  # a tsmirror file that no mirror produces any more
    HAND_EDITED = "hand-edited"  # the body no longer matches its own body-sha256
    SOURCE_CHANGED = "source changed"  # the TypeScript it was rendered from changed
    # same sources; the templates, the generator or the config render anew
    GENERATOR_CHANGED = "generator changed"


#: What each state means, in the words `check` prints.
EXPLANATIONS: dict[State, str] = {
    State.MISSING: "a configured mirror has no file",
    State.ORPHANED: "carries a tsmirror header, but no configured mirror produces it",
    State.HAND_EDITED: "the body no longer matches the body-sha256 in its header",
    State.SOURCE_CHANGED: "the TypeScript it was rendered from has changed",
    State.GENERATOR_CHANGED: (
        "same sources, but the config, the templates or the generator now render "
        "different bytes"
    ),
}

#: The command that makes generated/ match the source again.
FIX_REGEN = "tsmirror regen"
#: Orphans are removed only on request, so the fix names the flag.
FIX_PRUNE = "tsmirror regen --prune"


@valueclass
class Problem:
    path: Path
    state: State
    expected: str | None  # what the source renders; None for an orphan
    actual: str | None  # what is on disk; None when missing

    def unified_diff(self, shown: str) -> str:
        before = (self.actual or "").splitlines(keepends=True)
        after = (self.expected or "").splitlines(keepends=True)
        import difflib  # here: only drift has a diff to show

        lines = difflib.unified_diff(
            before, after, f"{shown} (on disk)", f"{shown} (from source)"
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

    @property
    def explanation(self) -> str:
        return EXPLANATIONS[self.state]

    @property
    def fix(self) -> str:
        return FIX_PRUNE if self.state is State.ORPHANED else FIX_REGEN


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _source_hash(record: Record | None, name: str) -> str | None:
    """The source hash ``record`` holds for the mirror written as file ``name``."""
    if record is None:
        return None
    module = record.mirrors.get(name.removesuffix(".py"))
    return module.source_sha256 if module is not None else None


def classify(
    path: Path,
    expected: str,
    actual: str | None,
    recorded: Record | None = None,
    current: Record | None = None,
) -> Problem | None:
    """Why ``actual`` (on disk) is not ``expected`` (rendered), or None when they are equal.

    ``recorded`` is the record on disk, ``current`` the one the source renders now."""
    if actual is None:
        return Problem(path, State.MISSING, expected, None)
    if actual == expected:
        return None
    if path.name == RECORD_NAME:
        state = _classify_record(parse_record(actual), current)
        return Problem(path, state, expected, actual)
    if recorded is not None and recorded.files.get(path.name) == _sha256(actual):
        was = _source_hash(recorded, path.name)
        now = _source_hash(current, path.name)
        changed = was is not None and now is not None and was != now
        state = State.SOURCE_CHANGED if changed else State.GENERATOR_CHANGED
        return Problem(path, state, expected, actual)
    if not is_intact(actual):
        return Problem(path, State.HAND_EDITED, expected, actual)
    on_disk, rendered = parse_header(actual), parse_header(expected)
    if (
        on_disk is not None
        and rendered is not None
        and on_disk[0].source_sha256 != rendered[0].source_sha256
    ):
        return Problem(path, State.SOURCE_CHANGED, expected, actual)
    return Problem(path, State.GENERATOR_CHANGED, expected, actual)


def _classify_record(on_disk: Record | None, current: Record | None) -> State:
    if on_disk is None or current is None:
        return State.HAND_EDITED
    was = {n: m.source_sha256 for n, m in on_disk.mirrors.items()}
    now = {n: m.source_sha256 for n, m in current.mirrors.items()}
    if any(was.get(n) not in (None, h) for n, h in now.items()):
        return State.SOURCE_CHANGED
    return State.GENERATOR_CHANGED


def read_text(path: Path) -> str | None:
    """The file's text, or None when there is no file. A path that cannot be read (a folder,
    a parent that is a file, no permission) is bad input, not drift."""
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(
            f"cannot read: {error.strerror or error}", path=shown(path)
        ) from None


def find_problems(outputs: dict[Path, str], output_dir: Path) -> list[Problem]:
    """Every difference between ``outputs`` and ``output_dir``, in path order.

    The record is derived from the mirrors, so it is reported only when every other file is
    in sync (it was deleted, edited, or left behind); otherwise the mirrors' problems say
    what happened and ``regen`` rewrites both.

    Raises :class:`InputError` when a path cannot be read."""
    record_path = output_dir / RECORD_NAME
    on_disk = read_text(record_path)

    @cache
    def records() -> tuple[Record | None, Record | None]:
        """The record on disk and the one the source renders, parsed on first need: a run
        whose files are all in sync (or all missing) needs neither."""
        recorded = parse_record(on_disk) if on_disk is not None else None
        current = parse_record(outputs[record_path]) if record_path in outputs else None
        return recorded, current

    problems: list[Problem] = []
    for path, expected in sorted(outputs.items()):
        if path == record_path:
            continue
        actual = read_text(path)
        differs = actual is not None and actual != expected
        problem = classify(path, expected, actual, *(records() if differs else ()))
        if problem is not None:
            problems.append(problem)
    if output_dir.is_dir():
        for path in sorted(output_dir.glob("*.py")):
            if path in outputs:
                continue
            text = read_text(path)
            if text is not None and (
                parse_header(text) is not None
                or (
                    (recorded := records()[0]) is not None
                    and path.name in recorded.files
                )
            ):
                problems.append(Problem(path, State.ORPHANED, None, text))
    if not problems and record_path in outputs and on_disk != outputs[record_path]:
        problem = classify(record_path, outputs[record_path], on_disk, *records())
        if problem is not None:
            problems.append(problem)
    return problems
