"""The command line: the only place that writes files, prints, or exits."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click

from codegen.config import Config, load_config
from codegen.drift import State, find_problems
from codegen.errors import InputError
from codegen.extract_json import extract_symbol, stringify

EXIT_OK, EXIT_DRIFT, EXIT_INPUT = 0, 1, 2

_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A TOML file with a [tool.tsmirror] table (default: the nearest pyproject.toml).",
)
_root_option = click.option(
    "--source-root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the TypeScript lives; overrides the config and its environment variable.",
)


def shown(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def fail(error: InputError) -> None:
    click.echo(str(error), err=True)
    sys.exit(EXIT_INPUT)


def _load(config_path: Path | None, source_root: Path | None) -> Config:
    return load_config(config_path, source_root=source_root)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Mirror TypeScript constants and types into typed Python modules."""


@main.command()
@_config_option
@_root_option
def regen(config_path: Path | None, source_root: Path | None) -> None:
    """Render every mirror and write the files whose bytes change."""
    from codegen.generate import render_all

    try:
        config = _load(config_path, source_root)
        outputs = render_all(config)
    except InputError as error:
        fail(error)
    try:
        written = write_outputs(outputs)
    except OSError as error:
        target = error.filename or config.output_dir
        click.echo(
            f"{shown(Path(target))}: error: cannot write: {error.strerror}", err=True
        )
        sys.exit(EXIT_INPUT)
    for path in written:
        click.echo(f"wrote {shown(path)}")
    unchanged = len(outputs) - len(written)
    click.echo(f"{len(written)} written, {unchanged} unchanged", err=True)


def write_outputs(outputs: dict[Path, str]) -> list[Path]:
    """Write each file whose bytes differ, atomically (temp file in the same folder, then
    rename), so a reader or a crash sees the old file or the new one, never a partial one."""
    written: list[Path] = []
    for path, text in sorted(outputs.items()):
        data = text.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written


@main.command()
@_config_option
@_root_option
def check(config_path: Path | None, source_root: Path | None) -> None:
    """Exit 1 when the generated files differ from what the current source renders."""
    from codegen.generate import render_all

    try:
        config = _load(config_path, source_root)
        outputs = render_all(config)
    except InputError as error:
        fail(error)
    problems = find_problems(outputs, config.output_dir)
    for problem in problems:
        name = shown(problem.path)
        click.echo(f"{name}: {problem.state}")
        diff = problem.unified_diff(name)
        if diff:
            click.echo(diff, nl=False)
        if problem.state is State.ORPHANED:
            click.echo(f"  fix: delete {name}, or configure a mirror for it")
        else:
            click.echo("  fix: make regen  (or: tsmirror regen)")
    if problems:
        click.echo(f"{len(problems)} generated file(s) out of date", err=True)
        sys.exit(EXIT_DRIFT)
    click.echo(f"{len(outputs)} generated file(s) in sync", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("symbol")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="The source root imports may not leave (default: the working directory).",
)
def extract(file: Path, symbol: str, root: Path | None) -> None:
    """Print SYMBOL from FILE as JSON: a const's value exactly as JSON.stringify gives it,
    or a type's shape."""
    base = (root or Path.cwd()).resolve()
    target = file.resolve()
    if root is None and not target.is_relative_to(base):
        base = target.parent
    try:
        value = extract_symbol(base, target, symbol)
    except InputError as error:
        fail(error)
    sys.stdout.write(stringify(value) + "\n")


def entrypoint(argv: Sequence[str] | None = None) -> None:
    main.main(args=list(argv) if argv is not None else None, prog_name="tsmirror")
