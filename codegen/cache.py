"""Content-addressed verdicts: "these inputs render exactly these outputs".

A drift hook runs ``tsmirror check`` on every commit, almost always on unchanged files. After
a full run, the verdict is stored with everything it depended on; a later run whose
dependencies all still hold reuses it without parsing or rendering, so it stays exactly as
strict. A verdict depends on:
- the generator: every file of this package and its templates, and the installed
  tree-sitter, tree-sitter-typescript and jinja2 (the files' sizes and mtimes);
- the command's own key (for ``check``: the config file's bytes, the source root and the
  output dir as resolved; for ``extract``: the root, file and symbol);
- every file the run read (SHA-256), every path it probed for a module (what it resolved to,
  or that nothing was there), and the package.json files a workspace scan found;
- for ``check``: every ``*.py`` file in the output dir and the record (SHA-256).

Entries live in ``$TSMIRROR_CACHE_DIR``, else ``$XDG_CACHE_HOME/tsmirror``, else
``~/.cache/tsmirror``; ``TSMIRROR_NO_CACHE=1`` turns the cache off. A missing, unreadable or
corrupt entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache
from importlib.machinery import PathFinder
from pathlib import Path

from tsmirror.paths import RECORD_NAME, template_dir

_FORMAT = 2  # bump when an entry's layout changes


class Dependencies:
    """What a run read, so that a later run can tell whether its result still holds."""

    def __init__(
        self,
        files: dict[str, str] | None = None,
        probes: dict[str, str | None] | None = None,
        scans: dict[str, list[str]] | None = None,
    ) -> None:
        self.files = files or {}  # path -> SHA-256 of its bytes
        self.probes = probes or {}  # path -> the real path it resolved to, or None
        self.scans = scans or {}  # root -> the package.json files a scan found

    def read(self, path: Path, data: bytes) -> None:
        self.files[str(path)] = hashlib.sha256(data).hexdigest()

    def probe(self, path: Path) -> bool:
        """``path.is_file()``, remembered with what it resolves to."""
        found = path.is_file()
        self.probes[str(path)] = os.path.realpath(path) if found else None
        return found

    def scanned(self, root: Path, manifests: list[Path]) -> None:
        self.scans[str(root)] = sorted(str(p) for p in manifests)

    def hold(self) -> bool:
        for path, digest in self.files.items():
            try:
                if hashlib.sha256(Path(path).read_bytes()).hexdigest() != digest:
                    return False
            except OSError:
                return False
        for path, target in self.probes.items():
            found = os.path.isfile(path)
            if (os.path.realpath(path) if found else None) != target:
                return False
        return all(
            sorted(str(p) for p in package_manifests(Path(root))) == found
            for root, found in self.scans.items()
        )


def package_manifests(root: Path) -> list[Path]:
    """Every package.json under ``root`` outside node_modules and .git, in a stable order."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules", ".git"))
        if "package.json" in filenames:
            found.append(Path(dirpath) / "package.json")
    return found


def folder_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every ``*.py`` file directly in ``folder``, and of the record."""
    try:
        paths = sorted([*folder.glob("*.py"), *folder.glob(RECORD_NAME)])
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    except OSError:
        return {"<unreadable>": ""}


@cache
def generator_fingerprint() -> str:
    """Changes whenever the code or the templates that render the output could: the bytes
    of this package's code and queries and of every template, and the size and mtime of
    every file of the installed tree-sitter, tree-sitter-typescript and jinja2. Listed with
    os.scandir, not pathlib's globs: a reused verdict computes this on every call."""
    digest = hashlib.sha256(f"{_FORMAT} {sys.version_info[:2]}".encode())
    own: list[str] = []
    for folder, folders, names in os.walk(os.path.dirname(__file__)):
        folders[:] = [name for name in folders if name != "__pycache__"]
        own += [os.path.join(folder, n) for n in names if n.endswith((".py", ".scm"))]
    with os.scandir(template_dir()) as entries:
        own += [entry.path for entry in entries if entry.is_file()]
    for path in sorted(own):
        with open(path, "rb") as handle:
            digest.update(path.encode() + b"\0" + handle.read())
    for name in ("tree_sitter", "tree_sitter_typescript", "jinja2"):
        spec = PathFinder.find_spec(name, sys.path)
        if spec is None or spec.origin is None:
            digest.update(f"{name} missing".encode())
            continue
        with os.scandir(os.path.dirname(spec.origin)) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                if entry.is_file():
                    stat = entry.stat()
                    digest.update(
                        f"{entry.path} {stat.st_size} {stat.st_mtime_ns}".encode()
                    )
    return digest.hexdigest()


def cache_dir() -> Path | None:
    if os.environ.get("TSMIRROR_NO_CACHE"):
        return None
    explicit = os.environ.get("TSMIRROR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "tsmirror"


def _entry_path(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    name = hashlib.sha256(
        f"{kind}\0{key}\0{generator_fingerprint()}".encode()
    ).hexdigest()
    return folder / f"{kind}-{name[:32]}.json"


def lookup(kind: str, key: str, outputs: Path | None = None) -> str | None:
    """The stored result when every dependency still holds, else None."""
    path = _entry_path(kind, key)
    if path is None:
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        dependencies = Dependencies(entry["files"], entry["probes"], entry["scans"])
        result = entry["result"]
        expected_outputs = entry["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if outputs is not None and folder_digest(outputs) != expected_outputs:
        return None
    if not isinstance(result, str) or not dependencies.hold():
        return None
    return result


def store(
    kind: str,
    key: str,
    result: str,
    dependencies: Dependencies,
    outputs: Path | None = None,
) -> None:
    """Remember ``result``; failing to (a read-only home, a full disk) only costs speed."""
    path = _entry_path(kind, key)
    if path is None:
        return
    entry = {
        "files": dependencies.files,
        "probes": dependencies.probes,
        "scans": dependencies.scans,
        "outputs": folder_digest(outputs) if outputs is not None else None,
        "result": result,
    }
    try:
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".entry.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)
        os.replace(tmp, path)
    except OSError:
        return
