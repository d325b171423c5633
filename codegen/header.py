"""The header of every generated Python file, defined once.

``templates/header.py.j2`` lays it out. :func:`render_header` fills it in for ``regen``, and
:func:`parse_header` reads it back for ``check`` with a pattern made from that same template
(rendered with placeholders), so the two cannot disagree: edit the template and both follow.
A file whose header the current template cannot read is not a crash but a file some other
generator (or an older template) wrote; :mod:`tsmirror.drift` decides what that means.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from tsmirror.valueclass import valueclass

#: Bump when the shape of generated output changes (not for every template edit).
FORMAT_VERSION = 2

# What the template is given, and what each may look like on the way back.
_FIELDS = {
    "sources": r"[^\n]*",
    "source_sha256": r"[0-9a-f]{64}",
    "body_sha256": r"[0-9a-f]{64}",
    "format": r"[0-9]+",
}


@valueclass
class Header:
    """What a header says. A field the template does not write is None when parsed."""

    sources: str | None
    source_sha256: str | None
    body_sha256: str | None
    format: int | None


def sources_text(sources: tuple[str, ...] | list[str]) -> str:
    """The source paths as the first line names them, safe inside a ``#`` comment."""
    return ", ".join(ascii(s)[1:-1] for s in sources) or "no source"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_header(sources: tuple[str, ...], source_sha256: str, body: str) -> str:
    """The header that goes in front of ``body``."""
    from tsmirror.render import render_template

    return render_template(
        "header.py.j2",
        sources=sources_text(sources),
        source_sha256=source_sha256,
        body_sha256=digest(body),
        format=FORMAT_VERSION,
    )


@cache
def _pattern() -> re.Pattern[str]:
    """The template rendered with a placeholder per field, escaped, each placeholder then
    turned into a named group (a field written twice must repeat the same text)."""
    from tsmirror.render import render_template

    marks = {name: f"\x00{name}\x00" for name in _FIELDS}
    text = render_template("header.py.j2", **marks)
    pattern = re.escape(text)
    for name, mark in marks.items():
        escaped = re.escape(mark)
        first = pattern.find(escaped)
        if first < 0:
            continue
        rest = pattern[first + len(escaped) :].replace(escaped, f"(?P={name})")
        pattern = f"{pattern[:first]}(?P<{name}>{_FIELDS[name]}){rest}"
    return re.compile(pattern)


def parse_header(text: str) -> tuple[Header, str] | None:
    """The header at the start of ``text`` and the body after it, or None when the current
    template does not describe how ``text`` begins."""
    match = _pattern().match(text)
    if match is None:
        return None
    found = match.groupdict()
    number = found.get("format")
    header = Header(
        found.get("sources"),
        found.get("source_sha256"),
        found.get("body_sha256"),
        int(number) if number is not None else None,
    )
    return header, text[match.end() :]


def is_intact(text: str) -> bool:
    """Whether ``text`` has a header the current template reads and a body that still
    hashes to the body-sha256 it records."""
    parsed = parse_header(text)
    if parsed is None:
        return False
    header, body = parsed
    return header.body_sha256 is None or header.body_sha256 == digest(body)
