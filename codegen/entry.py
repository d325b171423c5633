"""The ``tsmirror`` entry point: the commonest calls are answered before click loads.

A pre-commit hook runs ``tsmirror check`` on every commit, and scripts run ``tsmirror
extract`` in loops. Importing the CLI framework costs more than either does when its result
is reused, and a tenth of a check that renders, so :func:`answer` takes their plain forms:

    tsmirror check [--config P] [--source-root D] [--quiet | -q] [--format text|json]
    tsmirror regen [--config P] [--source-root D] [--prune]        (a reused verdict only)
    tsmirror extract FILE SYMBOL [--root D]

Anything else (another command or option, ``--help``, a regen that has work to do) returns
None and ``tsmirror.cli.main`` handles it. The click commands call the same functions below,
so the two paths cannot answer differently.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tsmirror import cache
from tsmirror.errors import InputError, shown

if TYPE_CHECKING:
    from tsmirror.config import Config
    from tsmirror.drift import Problem

EXIT_OK, EXIT_DRIFT, EXIT_INPUT = 0, 1, 2


def verdict_key(config: Config) -> str:
    """What a cached "in sync" verdict is keyed on besides the files it read: the config
    (its bytes, and the roots as resolved after --source-root and the environment) and the
    working directory, which error messages name paths from."""
    import hashlib

    return "\0".join(
        (
            str(config.path),
            hashlib.sha256(config.path.read_bytes()).hexdigest(),
            str(config.source_root),
            str(config.output_dir),
            str(Path.cwd()),
        )
    )


def reused_check(config: Config) -> list[str] | None:
    """The names of the files a still-valid "in sync" verdict covers, or None."""
    found = cache.lookup("check", verdict_key(config), config.output_dir)
    return found.split("\n") if found is not None else None


def verdict(outputs: Iterable[Path]) -> str:
    """What a verdict stores: the name of every file the output dir holds in sync."""
    return "\n".join(sorted(path.name for path in outputs))


def checked(config: Config) -> tuple[int, list[Problem]]:
    """How many files the output dir should hold, and every one that differs: from a
    reused verdict when one holds, else by rendering (storing the verdict when in sync).
    Raises InputError."""
    key = verdict_key(config)  # before rendering: the config's bytes as they were read
    names = reused_check(config)
    if names is not None:
        return len(names), []
    from tsmirror.drift import find_problems
    from tsmirror.generate import render_all

    dependencies = cache.Dependencies()
    outputs = render_all(config, dependencies)
    problems = find_problems(outputs, config.output_dir)
    if not problems:
        cache.store("check", key, verdict(outputs), dependencies, config.output_dir)
    return len(outputs), problems


def check_report(
    count: int, problems: list[Problem], *, output_format: str, quiet: bool
) -> tuple[str, str, int]:
    """What ``check`` prints on stdout and on stderr, and its exit code."""
    out: list[str] = []
    if output_format == "json":
        import json

        document = {
            "in_sync": not problems,
            "checked": count,
            "problems": [
                {
                    "file": shown(problem.path),
                    "state": str(problem.state),
                    "explanation": problem.explanation,
                    "fix": problem.fix,
                    "diff": problem.unified_diff(shown(problem.path)),
                }
                for problem in problems
            ],
        }
        out.append(json.dumps(document, indent=2) + "\n")
    else:
        for problem in problems:
            name = shown(problem.path)
            if quiet:
                out.append(f"{name}: {problem.state}\n")
                continue
            out.append(f"{name}: {problem.state} ({problem.explanation})\n")
            out.append(problem.unified_diff(name))
            out.append(f"fix: {problem.fix}\n")
    if problems:
        err = "" if quiet else f"{len(problems)} generated file(s) out of date\n"
        return "".join(out), err, EXIT_DRIFT
    err = "" if quiet else f"{count} generated file(s) in sync\n"
    return "".join(out), err, EXIT_OK


def unchanged_report(config: Config, names: list[str]) -> str:
    """What regen says when a reused verdict proves every file is already what it would
    write: one line per file, then the count."""
    paths = sorted(config.output_dir / name for name in names)
    lines = [f"  {path.stem}: unchanged: {shown(path)}\n" for path in paths]
    return "".join(lines) + f"0 written, {len(paths)} unchanged\n"


def extract_text(file: Path, symbol: str, root: Path | None) -> str:
    """What ``tsmirror extract`` prints (without the newline); raises InputError."""
    base = (root or Path.cwd()).resolve()
    target = file.resolve()
    if root is None and not target.is_relative_to(base):
        base = target.parent
    key = f"{base}\0{target}\0{symbol}\0{Path.cwd()}"  # cwd: errors name paths from it
    text = cache.lookup("extract", key)
    if text is None:
        from tsmirror.extract_json import extract_symbol, stringify

        dependencies = cache.Dependencies()
        text = stringify(extract_symbol(base, target, symbol, dependencies))
        cache.store("extract", key, text, dependencies)
    return text


def _options(
    args: Sequence[str], flags: set[str], valued: set[str], positional: int = 0
) -> dict[str, str] | None:
    """Flags, ``--name value`` options and exactly ``positional`` arguments (keyed "1",
    "2", ...), in any order; None when anything else is there."""
    found: dict[str, str] = {}
    count = 0
    rest = iter(args)
    for arg in rest:
        if arg in flags:
            found[arg] = ""
        elif arg in valued:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            found[arg] = value
        elif not arg.startswith("-") and count < positional:
            count += 1
            found[str(count)] = arg
        else:
            return None
    return found if count == positional else None


def answer(argv: Sequence[str]) -> int | None:
    """The exit code, when this module can answer ``argv`` exactly as the CLI would."""
    if not argv:
        return None
    if list(argv) == ["--version"]:
        from tsmirror import __version__

        sys.stdout.write(f"tsmirror {__version__}\n")
        return EXIT_OK
    command, args = argv[0], list(argv[1:])
    try:
        if command in ("check", "regen"):
            check = command == "check"
            options = _options(
                args,
                {"--quiet", "-q"} if check else {"--prune"},
                {"--config", "--source-root", *(["--format"] if check else [])},
            )
            if (
                options is None
                or ("--config" in options and Path(options["--config"]).is_dir())
                or Path(options.get("--source-root", ".")).is_file()
                or options.get("--format", "text") not in ("text", "json")
            ):
                return None  # click's own checks say what is wrong with these
            from tsmirror.config import load_config  # extract has no use for it

            config = load_config(
                Path(options["--config"]) if "--config" in options else None,
                source_root=(
                    Path(options["--source-root"])
                    if "--source-root" in options
                    else None
                ),
            )
            if check:
                out, err, code = check_report(
                    *checked(config),
                    output_format=options.get("--format", "text"),
                    quiet="--quiet" in options or "-q" in options,
                )
                sys.stdout.write(out)
                sys.stdout.flush()  # the summary on stderr comes after the report
                sys.stderr.write(err)
                return code
            names = reused_check(config)
            if names is None:
                return None
            sys.stderr.write(unchanged_report(config, names))
            return EXIT_OK
        if command == "extract":
            options = _options(args, set(), {"--root"}, positional=2)
            if options is None:
                return None
            file, symbol = Path(options["1"]), options["2"]
            root = Path(options["--root"]) if "--root" in options else None
            if file.is_dir() or (root is not None and not root.is_dir()):
                return None  # let click say what is wrong
            sys.stdout.write(extract_text(file, symbol, root) + "\n")
            return EXIT_OK
    except InputError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_INPUT
    return None


def entrypoint(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    code = answer(args)
    if code is not None:
        sys.exit(code)
    from tsmirror.cli import main

    main.main(args=args, prog_name="tsmirror")
