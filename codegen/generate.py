"""The whole pipeline as one pure function: config -> ``{path: text}``.

``regen`` writes this map and ``check`` compares it with the disk, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from codegen import ir
from codegen.config import Config, Mirror
from codegen.render import render_module, render_package_init
from codegen.ts.extract import MirrorBuilder
from codegen.ts.program import Program


def build_module(config: Config, mirror: Mirror) -> ir.Module:
    """Parse, resolve and evaluate one mirror's symbols into the IR."""
    return build_ir(
        config.source_root,
        config.source_root / mirror.source,
        mirror.module,
        mirror.symbols,
        strict_objects=config.strict_objects,
    )


def build_ir(
    root: Path,
    source: Path,
    module: str,
    symbols: Sequence[str],
    *,
    strict_objects: bool = True,
) -> ir.Module:
    program = Program(root)
    entry = program.load(source)
    builder = MirrorBuilder(program)
    for symbol in symbols:
        builder.add_symbol(entry, symbol)
    declarations = builder.finish()
    return ir.Module(
        name=module,
        sources=tuple(sorted(f.display for f in program.files)),
        source_sha256=program.source_digest(),
        declarations=declarations,
        strict_objects=strict_objects,
    )


def render_all(config: Config) -> dict[Path, str]:
    """Every file the output directory should hold, by absolute path."""
    outputs = {
        config.output_path(m): render_module(build_module(config, m))
        for m in config.mirrors
    }
    outputs[config.output_dir / "__init__.py"] = render_package_init(
        m.module for m in config.mirrors
    )
    return outputs
