"""Install the IsoKron memory provider into a Hermes home, as the plugin folder Hermes finds.

    python -m runtime.hermes_plugin install [--hermes-home DIR]

writes DIR/plugins/isokron/ (DIR defaults to $HERMES_HOME, else ~/.hermes). The folder holds
no copy of the runtime: its `__init__.py` imports the `runtime` package installed in this
interpreter (`make install-runtime PYTHON=...`), which must be the one Hermes runs in.
Hermes skips a plugin folder whose `__init__.py` does not mention `MemoryProvider` or
`register_memory_provider`, without a word; this one names both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from runtime.config import PROVIDER_NAME, hermes_home

# Marks a folder this installer wrote, so a reinstall may replace it and nothing else.
MARKER = "Written by `python -m runtime.hermes_plugin install`"

_INIT = '''"""IsoKron memory provider for Hermes: a MemoryProvider that register(ctx) hands to
ctx.register_memory_provider.

{marker} for {python}.
The provider is the `runtime` package installed in that interpreter.
"""

import logging
import sys

try:
    from runtime.provider import IsoKronMemoryProvider, register
except ImportError as error:
    logging.getLogger(__name__).warning(
        "isokron: the IsoKron runtime is not importable by %s (%s); install it there with"
        " `make install-runtime PYTHON=%s`, then run this installer with that Python",
        sys.executable,
        error,
        sys.executable,
    )
    raise

__all__ = ["IsoKronMemoryProvider", "register"]
'''

# kind: exclusive keeps Hermes' general plugin loader off it: memory discovery loads it.
_PLUGIN_YAML = """name: {name}
kind: exclusive
version: "{version}"
description: "IsoKron identity: the active role charter, policies and capability row from the substrate, in the system prompt"
"""


class InstallError(Exception):
    """The plugin folder could not be written; the message says why."""


def plugin_dir(home: Path) -> Path:
    return home / "plugins" / PROVIDER_NAME


def installed_version() -> str | None:
    """The installed runtime's version; None when it is imported from a source tree."""
    try:
        return metadata.version("isokron-runtime")
    except metadata.PackageNotFoundError:
        return None


def plugin_files() -> dict[str, str]:
    """The plugin folder's files, by name."""
    version = installed_version() or "0+source"
    return {
        "__init__.py": _INIT.format(marker=MARKER, python=sys.executable),
        "plugin.yaml": _PLUGIN_YAML.format(name=PROVIDER_NAME, version=version),
    }


def install(home: Path) -> Path:
    """Write the plugin folder into `home`, replacing one this installer wrote before.
    The folder appears whole or not at all."""
    target = plugin_dir(home)
    init = target / "__init__.py"
    try:
        ours = init.is_file() and MARKER in init.read_text("utf-8", errors="replace")
        if target.exists() and not ours:
            raise InstallError(
                f"{target} exists and was not written by this installer;"
                " move it away first"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{PROVIDER_NAME}-", dir=target.parent))
        try:
            for name, text in plugin_files().items():
                (staged / name).write_text(text, encoding="utf-8")
            staged.chmod(0o755)
            if target.exists():
                retired = staged.with_name(staged.name + "-old")
                os.replace(target, retired)
                try:
                    os.replace(staged, target)
                except OSError:
                    os.replace(retired, target)  # the old folder, back in place
                    raise
                shutil.rmtree(retired)
            else:
                os.replace(staged, target)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    except OSError as error:
        raise InstallError(f"{error.filename or target}: {error.strerror}") from None
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m runtime.hermes_plugin",
        description="Install the IsoKron memory provider plugin into a Hermes home.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    install_command = commands.add_parser(
        "install", help="write HERMES_HOME/plugins/isokron/"
    )
    install_command.add_argument(
        "--hermes-home",
        type=Path,
        default=None,
        help="the Hermes home (default: $HERMES_HOME, else ~/.hermes)",
    )
    args = parser.parse_args(argv)
    home = (args.hermes_home or hermes_home(os.environ)).expanduser()
    try:
        import runtime.provider  # the plugin imports it: it must work here

        target = install(home)
    except (InstallError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Installed the {PROVIDER_NAME} memory plugin in {target}")
    if installed_version() is None:
        source = Path(runtime.provider.__file__).parent.parent
        print(
            f"note: the runtime is not installed in {sys.executable}, only importable"
            f" from {source}; Hermes finds it only with that folder on its path."
            f" Install it with `make install-runtime PYTHON={sys.executable}`.",
            file=sys.stderr,
        )
    print(
        f"Next: set memory.provider: {PROVIDER_NAME} and memory.{PROVIDER_NAME}.isokron_dsn"
        f" and .default_workspace_id in {home / 'config.yaml'} (or run"
        " `hermes memory setup`), then check with `hermes memory status`."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
