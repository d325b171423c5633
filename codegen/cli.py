"""The command line: the only place that writes files, prints, or exits."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from tsmirror import __version__, cache
from tsmirror.config import Config, load_config
from tsmirror.drift import State, find_problems, read_text
from tsmirror.entry import (
    check_report,
    checked,
    extract_text,
    reused_check,
    unchanged_report,
    verdict,
    verdict_key,
)
from tsmirror.errors import InputError, shown

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


def fail(error: InputError) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(EXIT_INPUT)


def _load(config_path: Path | None, source_root: Path | None) -> Config:
    return load_config(config_path, source_root=source_root)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tsmirror", message="%(prog)s %(version)s")
def main() -> None:
    """Mirror TypeScript constants and types into typed Python modules."""


@main.command()
@_config_option
@_root_option
@click.option(
    "--prune",
    is_flag=True,
    help="Also delete orphaned files: tsmirror files in the output dir no mirror produces.",
)
def regen(config_path: Path | None, source_root: Path | None, prune: bool) -> None:
    """Render every mirror and write the files whose bytes change."""
    try:
        config = _load(config_path, source_root)
    except InputError as error:
        fail(error)
    key = verdict_key(config)
    names = reused_check(config)
    if names is not None:
        # Every input is as it was when the output dir last matched it: nothing to write.
        click.echo(unchanged_report(config, names), err=True, nl=False)
        return
    from tsmirror.generate import render_all

    dependencies = cache.Dependencies()
    try:
        outputs = render_all(config, dependencies)
        # what each file's state was before this run, for the per-mirror summary
        before = {p.path: p for p in find_problems(outputs, config.output_dir)}
    except InputError as error:
        fail(error)
    orphans = [p.path for p in before.values() if p.state is State.ORPHANED]
    try:
        with locked_folder(config.output_dir) as folder:
            written = write_outputs(outputs)
            pruned = prune_orphans(orphans) if prune else []
            os.fsync(folder)  # the renames themselves survive a power cut
    except OSError as error:
        target = error.filename or config.output_dir
        click.echo(
            f"{shown(Path(target))}: error: cannot write: {error.strerror}", err=True
        )
        sys.exit(EXIT_INPUT)
    for path in written:
        click.echo(f"wrote {shown(path)}")
    for path in pruned:
        click.echo(f"removed {shown(path)}")
    # one line per mirror on stderr; stdout keeps one line per file changed, for scripts
    for path in sorted(outputs):
        problem = before.get(path)
        if path not in written:
            status = "unchanged"
        else:
            status = f"written ({problem.state})" if problem is not None else "written"
        click.echo(f"  {path.stem}: {status}: {shown(path)}", err=True)
    for path in orphans:
        if path in pruned:
            status = "removed (orphaned)"
        else:
            status = "kept (orphaned; --prune removes it)"
        click.echo(f"  {path.stem}: {status}: {shown(path)}", err=True)
    if len(pruned) == len(orphans):  # the output dir now is exactly what check expects
        cache.store("check", key, verdict(outputs), dependencies, config.output_dir)
    unchanged = len(outputs) - len(written)
    summary = f"{len(written)} written, {unchanged} unchanged"
    if pruned:
        summary += f", {len(pruned)} removed"
    click.echo(summary, err=True)


def prune_orphans(paths: list[Path]) -> list[Path]:
    """Delete orphaned mirrors (files whose tsmirror header no configured mirror matches)."""
    for path in paths:
        path.unlink(missing_ok=True)
    return paths


@contextmanager
def locked_folder(folder: Path) -> Iterator[int]:
    """Create ``folder`` and hold an exclusive lock on it (``flock`` on the folder itself,
    so no lock file): concurrent regens write one after another, and the last one leaves a
    complete rendering rather than a mix. Yields the folder's descriptor."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:  # released when fd closes, or when the process dies
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass  # a file system without locks: each file is still written atomically
        yield fd
    finally:
        os.close(fd)


def write_outputs(outputs: dict[Path, str]) -> list[Path]:
    """Write each file whose bytes differ, atomically: a temp file in the same folder
    (``.<name>.<random>.tmp``), then a rename, so a reader or a crash sees the old file or
    the new one, never a partial one. Every temp file is written before the first rename,
    so a failed write changes nothing. Call it under :func:`locked_folder`: it first deletes
    temp files an earlier, killed regen left behind, which only the lock makes safe.

    An ``OSError`` names the file that could not be written, not its temp file."""
    changed: list[tuple[Path, bytes]] = []
    for path, text in sorted(outputs.items()):
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        data = text.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except FileNotFoundError:
            pass
        changed.append((path, data))
    staged: list[tuple[str, Path]] = []
    current: Path | None = None
    try:
        for current, data in changed:
            staged.append((_write_temp(current, data), current))
        for tmp, current in staged:
            os.replace(tmp, current)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(current)) from error
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)  # already gone once renamed
    return [path for path, _ in changed]


def _write_temp(path: Path, data: bytes) -> str:
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


@main.command()
@_config_option
@_root_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document with every problem, for machines.",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="Print only each problem's file and state."
)
def check(
    config_path: Path | None, source_root: Path | None, output_format: str, quiet: bool
) -> None:
    """Exit 1 when the generated files differ from what the current source renders.

    Each problem is classified: missing, orphaned, hand-edited, source changed or generator
    changed.
    """
    try:
        config = _load(config_path, source_root)
        count, problems = checked(config)
    except InputError as error:
        fail(error)
    out, err, code = check_report(
        count, problems, output_format=output_format, quiet=quiet
    )
    click.echo(out, nl=False)
    click.echo(err, err=True, nl=False)
    if code != EXIT_OK:
        sys.exit(code)


@main.command()
@_config_option
@_root_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal (coloured on a TTY), markdown for a PR comment or CI job "
    "summary, json for machines.",
)
@click.option(
    "--fail-on",
    "fail_on",
    default="",
    metavar="CLASSES",
    help="Exit 1 when a change of these comma-separated classes occurs, e.g. "
    "'grant,breaking'. An unknown class is an error that lists the known ones.",
)
@click.option(
    "--title",
    default="tsmirror diff",
    show_default=True,
    help="The markdown report's heading.",
)
@click.option(
    "--against",
    metavar="GIT_REF",
    help="Compare with the mirrors committed at this git ref (e.g. origin/main) instead "
    "of the files in the working tree.",
)
def diff(
    config_path: Path | None,
    source_root: Path | None,
    output_format: str,
    fail_on: str,
    title: str,
    against: str | None,
) -> None:
    """Semantic changes between the committed mirrors and the current source: values at
    their full path, privilege grants and revokes, type changes marked breaking or
    compatible."""
    from tsmirror.diff_report import render_json, render_markdown, render_text
    from tsmirror.generate import build_package
    from tsmirror.record import read_record
    from tsmirror.semantic import (
        EMPTY,
        FAIL_ON_CLASSES,
        MirrorDiff,
        MirrorShape,
        diff_mirror,
        shape_of_module,
    )

    classes = [c.strip() for c in fail_on.split(",") if c.strip()]
    unknown = [c for c in classes if c not in FAIL_ON_CLASSES]
    if unknown:
        click.echo(
            f"error: --fail-on: unknown class {unknown[0]!r} "
            f"(known: {', '.join(FAIL_ON_CLASSES)})",
            err=True,
        )
        sys.exit(EXIT_INPUT)
    try:
        config = _load(config_path, source_root)

        def committed(path: Path) -> str | None:
            return (
                committed_at(against, path) if against is not None else read_text(path)
            )

        text = committed(config.record_path)
        shapes: dict[str, MirrorShape] = {}
        if text is not None:
            record = read_record(text, shown(config.record_path))
            shapes = {n: shape_of_module(m) for n, m in record.mirrors.items()}
        elif any(committed(config.output_path(m)) is not None for m in config.mirrors):
            where = f" at {against}" if against is not None else ""
            raise InputError(
                f"no recorded IR{where} beside the mirrors: the record tsmirror diff reads "
                "is written by `tsmirror regen` (run it, and commit the record)",
                path=shown(config.record_path),
            )
        diffs: list[MirrorDiff] = []
        for module in build_package(config):
            path = config.output_dir / f"{module.name}.py"
            diffs.append(
                diff_mirror(
                    module.name,
                    shown(path),
                    shapes.get(module.name, EMPTY),
                    shape_of_module(module),
                )
            )
    except InputError as error:
        fail(error)
    if output_format == "json":
        click.echo(render_json(diffs, classes), nl=False)
    elif output_format == "markdown":
        click.echo(render_markdown(diffs, title=title), nl=False)
    else:
        colour = False if os.environ.get("NO_COLOR") else None  # None: only on a TTY
        click.echo(render_text(diffs, click.style), nl=False, color=colour)
    if any(change.matches(classes) for d in diffs for change in d.changes):
        sys.exit(EXIT_DRIFT)


def committed_at(ref: str, path: Path) -> str | None:
    """``path`` as committed at git ``ref``, or None when it does not exist there."""
    import subprocess

    folder = path.parent if path.parent.is_dir() else Path.cwd()

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, check=False
        )

    top = git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise InputError(
            f"--against needs a git repository: {shown(folder)} is not in one"
        )
    if git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise InputError(f"--against: unknown git ref {ref!r}")
    root = Path(top.stdout.decode().strip()).resolve()
    try:
        relative = path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise InputError(
            f"{shown(path)} is outside the git repository {root}"
        ) from None
    blob = git("show", f"{ref}:{relative}")
    if blob.returncode != 0:
        return None
    return blob.stdout.decode("utf-8", "replace")


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("symbol")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="The source root imports may not leave (default: the working directory, or "
    "FILE's folder when FILE is outside it).",
)
@_config_option
@_root_option
def extract(
    file: Path,
    symbol: str,
    root: Path | None,
    config_path: Path | None,
    source_root: Path | None,
) -> None:
    """Print SYMBOL from FILE as JSON: a const's value exactly as JSON.stringify gives it,
    or a type's shape. With --config (or --source-root), FILE is relative to the config's
    source root, which is also the root imports may not leave."""
    try:
        if config_path is not None or source_root is not None:
            if root is not None:
                raise InputError(
                    "--root cannot be combined with --config/--source-root"
                )
            config = _load(config_path, source_root)
            root = config.source_root
            if not os.path.lexists(root / file):  # blamed on FILE, not on the config
                raise InputError(config.missing_source(file.as_posix()))
            file = root / file
        text = extract_text(file, symbol, root)
    except InputError as error:
        fail(error)
    sys.stdout.write(text + "\n")
