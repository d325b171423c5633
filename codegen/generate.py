"""The whole pipeline as one pure function: config -> ``{path: text}``.

``regen`` writes this map and ``check`` compares it with the disk, so the two cannot disagree.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tsmirror import ir
from tsmirror.cache import Dependencies
from tsmirror.config import DEFAULT_TRUSTED_CALLEES, Config, Mirror
from tsmirror.errors import InputError, shown
from tsmirror.package import link
from tsmirror.paths import KERNEL_MODULE, RECORD_NAME
from tsmirror.record import render_record
from tsmirror.render import (
    render_kernel,
    render_module,
    render_package_init,
)
from tsmirror.ts.extract import MirrorBuilder
from tsmirror.ts.graph import prove_export
from tsmirror.ts.program import NotExportedError, Program


def build_module(
    config: Config, mirror: Mirror, dependencies: Dependencies | None = None
) -> ir.Module:
    """Parse, resolve and evaluate one mirror's symbols into the IR. A source file that is
    not there, or a symbol it does not export, is reported at the config line naming it."""
    source = config.source_root / mirror.source
    # Only a path with nothing there; Program.load names what is wrong with any other.
    if not os.path.lexists(source):
        raise InputError(
            config.missing_source(mirror.source),
            config.locate("source", mirror.source, mirror),
        )
    try:
        return build_ir(
            config.source_root,
            source,
            mirror.module,
            mirror.symbols,
            strict_objects=config.strict_objects,
            dependencies=dependencies,
            trusted_callees=config.trusted_callees,
        )
    except NotExportedError as error:
        raise InputError(
            error.message, config.locate("symbols", error.name, mirror)
        ) from None


def build_ir(
    root: Path,
    source: Path,
    module: str,
    symbols: Sequence[str],
    *,
    strict_objects: bool = True,
    dependencies: Dependencies | None = None,
    trusted_callees: tuple[str, ...] = DEFAULT_TRUSTED_CALLEES,
) -> ir.Module:
    """The IR of ``symbols`` exported from ``source``; ``dependencies``, when given, gains
    every file the build read."""
    program = Program(root, dependencies, trusted_callees)
    entry = program.load(source)
    builder = MirrorBuilder(program)
    for symbol in symbols:
        builder.add_symbol(entry, symbol)
    for symbol in symbols:  # once every value evaluates; their own errors come first
        prove_export(program, entry, symbol)
    declarations = builder.finish()
    return ir.Module(
        name=module,
        sources=tuple(sorted(f.display for f in program.files)),
        source_sha256=program.source_digest(),
        declarations=declarations,
        strict_objects=strict_objects,
        listed=tuple(builder.listed),
    )


def build_package(
    config: Config, dependencies: Dependencies | None = None
) -> list[ir.Module]:
    """Every mirror's IR, linked into one package (see :mod:`tsmirror.package`)."""
    modules = [build_module(config, m, dependencies) for m in config.mirrors]
    return link(modules, shown(config.path))


def render_package(modules: list[ir.Module], strict_objects: bool) -> dict[str, str]:
    """Every file of the output package by name: the mirrors, the kernel (its error class
    is every mirror's), ``__init__.py``, and the record of the IR they were rendered from."""
    files = {f"{m.name}.py": render_module(m) for m in modules}
    files[f"{KERNEL_MODULE}.py"] = render_kernel()
    files["__init__.py"] = render_package_init(m.name for m in modules)
    files[RECORD_NAME] = render_record(modules, files, strict_objects)
    return files


def render_all(
    config: Config, dependencies: Dependencies | None = None
) -> dict[Path, str]:
    """Every file the output directory should hold, by absolute path."""
    files = render_package(build_package(config, dependencies), config.strict_objects)
    return {config.output_dir / name: text for name, text in files.items()}
