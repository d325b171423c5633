"""Where the templates are; a module of its own so that a cached check can hash them
without importing the renderer."""

from __future__ import annotations

from pathlib import Path


def template_dir() -> Path:
    """Templates ship inside the wheel as ``codegen/templates``; in a source checkout they
    live in the top-level ``templates/`` folder."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


#: The recorded IR, beside the mirrors (see tsmirror.record).
RECORD_NAME = "tsmirror.lock.json"
#: The generated module every mirror imports (templates/kernel.py.j2).
KERNEL_MODULE = "_kernel"
