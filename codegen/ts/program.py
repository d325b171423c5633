"""The set of TypeScript files a mirror reads, and how names move between them.

``Program`` loads files on demand, resolves import specifiers (relative paths, workspace
packages, tsconfig ``paths``) and follows imports and re-exports to the declaration a name
finally denotes. Every file it loads is remembered, so the header's ``source-sha256`` covers
exactly what a mirror read. Resolution never leaves the source root.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tree_sitter import Node

from tsmirror.cache import Dependencies, package_manifests
from tsmirror.config import DEFAULT_TRUSTED_CALLEES
from tsmirror.errors import InputError, shown
from tsmirror.ts.effects import KNOWN_GLOBALS
from tsmirror.ts.source import Declaration, SourceFile, parse_source
from tsmirror.valueclass import valueclass

# Extensions tried, in TypeScript's order, for a specifier written without one.
_EXTENSIONS = (".ts", ".tsx", ".d.ts")
# A specifier written with a JavaScript extension names the TypeScript file beside it.
_JS_TO_TS = {".js": (".ts", ".tsx", ".d.ts"), ".mjs": (".mts",), ".cjs": (".cts",)}

#: How long a chain of tsconfig.json ``extends`` may be.
MAX_EXTENDS = 16
#: Files larger than this are refused before parsing.
MAX_SOURCE_BYTES = 16 * 1024 * 1024


class NotExportedError(InputError):
    """A symbol asked for by name (a mirror's ``symbols``, ``extract``) that the file does
    not export; the caller knows where the name was asked for and says so."""

    def __init__(self, name: str, file: SourceFile) -> None:
        message = f"{name!r} is not exported from {file.display}"
        super().__init__(
            message + _closest(name, sorted(file.exports)), path=file.shown
        )
        self.name = name


def _closest(name: str, exported: list[str]) -> str:
    """The names a misspelt ``name`` most likely meant, else what there is."""
    import difflib

    close = difflib.get_close_matches(name, exported, n=3)
    if close:
        return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    if not exported:
        return " (it exports nothing)"
    more = ", ..." if len(exported) > 8 else ""
    return f" (it exports {', '.join(exported[:8])}{more})"


@valueclass
class Binding:
    """What a name finally denotes: a declaration in some file, or a whole module (for
    ``import * as NS``)."""

    file: SourceFile
    declaration: Declaration | None  # None for a namespace binding
    namespace: SourceFile | None = None


@valueclass
class _Step:
    """One place ``Program._find_export`` looks: ``name`` in ``file``, reached from
    ``parent``. ``hop`` is the named re-export or import that led here (the file it is
    written in, its node, the file it names), kept through ``export *`` steps."""

    file: SourceFile
    name: str
    parent: _Step | None
    hop: tuple[SourceFile, Node, SourceFile] | None

    def in_a_cycle(self) -> bool:
        """Whether an earlier step on the way here looked for the same name in the same
        file (a revisit from a sibling branch is a diamond, not a cycle)."""
        step = self.parent
        while step is not None:
            if step.file.path == self.file.path and step.name == self.name:
                return True
            step = step.parent
        return False


class Program:
    def __init__(
        self,
        root: Path,
        dependencies: Dependencies | None = None,
        trusted_callees: tuple[str, ...] = DEFAULT_TRUSTED_CALLEES,
    ) -> None:
        self.root = root.resolve()
        # callees the configuration trusts not to change their arguments (graph.py)
        self.trusted_callees = trusted_callees
        # entry file -> its tsmirror.ts.graph.ModuleGraph, built on the first proof
        self.graphs: dict[Path, object] = {}
        self._files: dict[Path, SourceFile] = {}
        self._packages: dict[str, Path] | None = None
        # every file read and path probed, so a cached verdict can tell it still holds
        self.dependencies = dependencies if dependencies is not None else Dependencies()

    @property
    def files(self) -> list[SourceFile]:
        return list(self._files.values())

    def display(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # --- loading --------------------------------------------------------------------------

    def load(self, path: Path) -> SourceFile:
        self.dependencies.probe(path)
        resolved = self._inside_root(path)
        cached = self._files.get(resolved)
        if cached is not None:
            return cached
        display = shown(resolved)
        try:
            size = resolved.stat().st_size
            if size > MAX_SOURCE_BYTES:
                raise InputError(
                    f"file is {size} bytes; the limit is {MAX_SOURCE_BYTES}",
                    path=display,
                )
            data = resolved.read_bytes()
        except FileNotFoundError:
            raise InputError("no such file", path=display) from None
        except IsADirectoryError:
            raise InputError(
                "is a directory, not a TypeScript file", path=display
            ) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=display) from None
        self.dependencies.read(resolved, data)
        source = parse_source(resolved, self.display(resolved), display, data)
        self._files[resolved] = source
        return source

    def _inside_root(self, path: Path) -> Path:
        """``path`` with every symlink resolved; an :class:`InputError` unless that is
        inside the root."""
        try:
            resolved = path.resolve(strict=False)
        except (OSError, RuntimeError):  # a symlink loop
            raise InputError(
                "cannot resolve path (symlink loop?)", path=shown(path)
            ) from None
        if not resolved.is_relative_to(self.root):
            raise InputError(
                f"leaves the source root {self.root} (it resolves to {resolved})",
                path=shown(path),
            )
        return resolved

    def source_digest(self) -> str:
        """SHA-256 over every file read, in path order: ``path NUL sha256(bytes) LF`` each."""
        digest = hashlib.sha256()
        for source in sorted(self._files.values(), key=lambda s: s.display):
            digest.update(source.display.encode() + b"\0")
            digest.update(hashlib.sha256(source.data).hexdigest().encode() + b"\n")
        return digest.hexdigest()

    # --- names ----------------------------------------------------------------------------

    def resolve_value(self, file: SourceFile, name: str, node: Node) -> Binding:
        """The value a bare identifier denotes in ``file`` (or a namespace in it)."""
        return self._resolve_in_scopes(file, name, node, "value")

    def resolve_type(self, file: SourceFile, name: str, node: Node) -> Binding:
        return self._resolve_in_scopes(file, name, node, "type")

    def _resolve_in_scopes(
        self, file: SourceFile, name: str, node: Node, want: str
    ) -> Binding:
        """Innermost scope first: a namespace's own declarations, then those around it."""
        for scope in file.scopes():
            decl = (scope.values if want == "value" else scope.types).get(name)
            if decl is not None:
                return Binding(scope, decl)
            if name in scope.imports:
                return self._resolve_import(scope, name, node, want=want)
        return self._resolve_import(file, name, node, want=want)

    def _resolve_import(
        self, file: SourceFile, name: str, node: Node, want: str
    ) -> Binding:
        binding = file.imports.get(name)
        if binding is None:
            if want == "value" and name in KNOWN_GLOBALS:
                raise file.error(
                    node,
                    f"{name!r} is a global of JavaScript or Node.js, not a value "
                    "tsmirror evaluates",
                )
            raise file.error(
                node, f"{name!r} is not declared or imported in {file.display}"
            )
        target = self.load(
            self.resolve_specifier(file, binding.specifier, binding.specifier_node)
        )
        if binding.imported == "*":
            return Binding(target, None, namespace=target)
        return self.resolve_export(
            target, binding.imported, binding.node, want, origin=file
        )

    def resolve_export(
        self,
        file: SourceFile,
        name: str,
        node: Node | None,
        want: str = "any",
        origin: SourceFile | None = None,
    ) -> Binding:
        """Follow ``export {...}``, ``export {...} from``, ``export * from`` and imports that
        are exported again to the declaration ``name`` denotes. A chain of any length is
        walked without recursion. A named re-export that leads back to itself is an error
        (TypeScript's TS2303, circular definition of import alias)."""
        found = self._find_export(file, name, want)
        if isinstance(found, Binding):
            return found
        if found is not None:
            raise found
        message = f"{name!r} is not exported from {file.display}"
        if node is not None and origin is not None:
            raise origin.error(node, message)
        raise NotExportedError(name, file)

    def _find_export(
        self, file: SourceFile, name: str, want: str
    ) -> Binding | InputError | None:
        """The binding; else the error at the named re-export that closed a cycle or first
        led to a dead end; else None."""
        # An explicit work stack: export chains can be long or cyclic.
        stack = [_Step(file, name, None, None)]
        seen: set[tuple[Path, str]] = set()
        cycle: InputError | None = None
        dead_end: InputError | None = None
        while stack:
            step = stack.pop()
            current, wanted = step.file, step.name
            if (current.path, wanted) in seen:
                if cycle is None and step.hop is not None and step.in_a_cycle():
                    where, node, _ = step.hop
                    cycle = where.error(
                        node,
                        f"circular re-export: {wanted!r} is exported through a cycle",
                    )
                continue
            seen.add((current.path, wanted))
            entry = current.exports.get(wanted)
            if entry is None:
                stars = [] if wanted == "default" else current.star_exports
                for specifier, node in reversed(stars):  # export * skips a default
                    target = self.load(self.resolve_specifier(current, specifier, node))
                    stack.append(_Step(target, wanted, step, step.hop))
                if not stars and step.hop is not None and dead_end is None:
                    where, node, named = step.hop
                    dead_end = where.error(
                        node, f"{wanted!r} is not exported from {named.display}"
                    )
                continue
            if entry.specifier is None:
                assert entry.local is not None
                decl = _pick(current, entry.local, want)
                if decl is not None:
                    return Binding(current, decl)
                imported = current.imports.get(entry.local)
                if imported is None:
                    raise current.error(
                        entry.node, f"exported name {entry.local!r} is not declared"
                    )
                specifier, spec_node = imported.specifier, imported.specifier_node
                target_name, hop_node = imported.imported, imported.node
            else:
                assert entry.imported is not None
                specifier = entry.specifier
                spec_node = entry.specifier_node or entry.node
                target_name, hop_node = entry.imported, entry.node
            target = self.load(self.resolve_specifier(current, specifier, spec_node))
            if target_name == "*":
                return Binding(target, None, namespace=target)
            stack.append(_Step(target, target_name, step, (current, hop_node, target)))
        return cycle or dead_end

    # --- specifiers -----------------------------------------------------------------------

    def resolve_specifier(self, file: SourceFile, specifier: str, node: Node) -> Path:
        looked: list[str] = []
        if specifier.startswith(("./", "../")) or specifier in (".", ".."):
            # As Node does: from the importer's real folder, with ".." taken lexically.
            base = Path(os.path.normpath(file.path.parent / specifier))
            if not base.is_relative_to(self.root):
                raise file.error(
                    node, f"import {specifier!r} leaves the source root {self.root}"
                )
            found = self._try_file(base, looked)
        elif os.path.isabs(specifier):
            raise file.error(node, f"absolute import {specifier!r} is not allowed")
        else:
            try:
                found = self._resolve_bare(file, specifier, looked)
            except InputError as error:  # from a tsconfig.json or package.json it read
                raise file.error(
                    node,
                    f"cannot resolve import {specifier!r}: {error.path}: {error.message}",
                ) from None
        if found is None:
            places = ", ".join(looked) if looked else "nowhere"
            raise file.error(
                node, f"cannot resolve import {specifier!r} (looked in: {places})"
            )
        try:
            return self._inside_root(found)
        except InputError as error:
            raise file.error(node, f"import {specifier!r} {error.message}") from None

    def _try_file(self, base: Path, looked: list[str]) -> Path | None:
        candidates: list[Path] = []
        suffix = base.suffix
        if suffix in (".ts", ".tsx", ".mts", ".cts") and not base.name.endswith(
            ".d.ts"
        ):
            candidates.append(base)
        elif suffix in _JS_TO_TS:
            candidates += [base.with_suffix(ext) for ext in _JS_TO_TS[suffix]]
        candidates += [base.with_name(base.name + ext) for ext in _EXTENSIONS]
        candidates += [base / ("index" + ext) for ext in _EXTENSIONS]
        for candidate in candidates:
            looked.append(self._show(candidate))
            if self.dependencies.probe(candidate):
                return candidate
        return None

    def _show(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError, RuntimeError):
            return str(path)

    def _resolve_bare(
        self, file: SourceFile, specifier: str, looked: list[str]
    ) -> Path | None:
        for base in self._tsconfig_candidates(file, specifier):
            found = self._try_file(base, looked)
            if found is not None:
                return found
        packages = self._workspace_packages()
        parts = specifier.split("/")
        name_len = 2 if specifier.startswith("@") else 1
        name, subpath = "/".join(parts[:name_len]), "/".join(parts[name_len:])
        package_dir = packages.get(name)
        if package_dir is None:
            looked.append(f"workspace packages ({len(packages)} found)")
            return None
        return self._package_entry(package_dir, subpath, looked)

    def _package_entry(
        self, package_dir: Path, subpath: str, looked: list[str]
    ) -> Path | None:
        manifest = self._read_json(package_dir / "package.json")
        targets: list[str] = []
        exports = manifest.get("exports")
        key = "./" + subpath if subpath else "."
        if isinstance(exports, str) and not subpath:
            targets.append(exports)
        elif isinstance(exports, dict):
            entry = (
                exports.get(key) if any(k.startswith(".") for k in exports) else exports
            )
            targets += _export_condition_targets(entry)
        if subpath:
            targets.append("./" + subpath)
        else:
            for field_name in ("types", "typings", "main"):
                value = manifest.get(field_name)
                if isinstance(value, str):
                    targets.append(value)
            targets += ["./src/index.ts", "./index.ts"]
        for target in targets:
            base = package_dir / target
            if base.suffix in (".ts", ".tsx") and self.dependencies.probe(base):
                return base
            found = self._try_file(
                base.with_suffix("") if base.suffix == ".js" else base, looked
            )
            if found is not None:
                return found
        return None

    def _workspace_packages(self) -> dict[str, Path]:
        """Package name -> folder, for every package.json under the root outside node_modules."""
        if self._packages is None:
            packages: dict[str, Path] = {}
            manifests = package_manifests(self.root)
            self.dependencies.scanned(self.root, manifests)
            for manifest_path in manifests:
                name = self._read_json(manifest_path).get("name")
                if isinstance(name, str):
                    packages.setdefault(name, manifest_path.parent)
            self._packages = packages
        return self._packages

    def _tsconfig_candidates(self, file: SourceFile, specifier: str) -> list[Path]:
        config = self._nearest_tsconfig(file.path.parent)
        if config is None:
            return []
        base_url, paths, config_dir = config
        candidates: list[Path] = []
        for pattern, replacements in paths.items():
            star = _match_path_pattern(pattern, specifier)
            if star is None:
                continue
            for replacement in replacements:
                root = base_url if base_url is not None else config_dir
                candidates.append(root / replacement.replace("*", star, 1))
        if base_url is not None:
            candidates.append(base_url / specifier)
        return candidates

    def _nearest_tsconfig(
        self, folder: Path
    ) -> tuple[Path | None, dict[str, list[str]], Path] | None:
        current = folder
        while current.is_relative_to(self.root):
            candidate = current / "tsconfig.json"
            if self.dependencies.probe(candidate):
                return self._tsconfig_paths(candidate, ())
            if current == self.root:
                break
            current = current.parent
        return None

    def _tsconfig_paths(
        self, config: Path, extended_by: tuple[Path, ...]
    ) -> tuple[Path | None, dict[str, list[str]], Path]:
        """(baseUrl, paths, folder paths are relative to) after following ``extends``."""
        data = self._read_json(config)
        base_url: Path | None = None
        paths: dict[str, list[str]] = {}
        paths_dir = config.parent
        extends = data.get("extends")
        # A package name (no "." or "/" first) lives in node_modules; only paths are followed.
        if isinstance(extends, str) and extends.startswith((".", "/")):
            parent = Path(os.path.normpath(config.parent / extends))
            if parent.suffix != ".json":
                parent = parent.with_name(parent.name + ".json")
            where = shown(config)
            if not parent.is_relative_to(self.root):
                raise InputError(
                    f"extends {extends!r}, which leaves the source root {self.root}",
                    path=where,
                )
            if parent in (config, *extended_by):
                raise InputError(f"extends itself (through {extends!r})", path=where)
            if len(extended_by) >= MAX_EXTENDS:
                raise InputError(
                    f"extends more than {MAX_EXTENDS} configs in a chain", path=where
                )
            if self.dependencies.probe(parent):
                base_url, paths, paths_dir = self._tsconfig_paths(
                    parent, (config, *extended_by)
                )
        options = data.get("compilerOptions")
        if isinstance(options, dict):
            if isinstance(options.get("baseUrl"), str):
                base_url = (config.parent / options["baseUrl"]).resolve()
                paths_dir = base_url
            if isinstance(options.get("paths"), dict):
                paths = {
                    k: [v for v in vs if isinstance(v, str)]
                    for k, vs in options["paths"].items()
                    if isinstance(vs, list)
                }
                paths_dir = base_url or config.parent
        return base_url, paths, paths_dir

    def _read_json(self, path: Path) -> dict[str, object]:
        """A package.json or tsconfig.json; one that is really outside the root is refused."""
        self._inside_root(path)
        try:
            data = path.read_bytes()
        except OSError:
            self.dependencies.probe(path)
            return {}
        self.dependencies.read(path, data)
        return _parse_json(path, data)


def _pick(file: SourceFile, name: str, want: str) -> Declaration | None:
    if want == "type":
        return file.types.get(name) or file.values.get(name)
    return file.values.get(name) or file.types.get(name)


def _export_condition_targets(entry: object) -> list[str]:
    """Targets of a package.json ``exports`` entry, preferring the ``types`` condition."""
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [t for item in entry for t in _export_condition_targets(item)]
    if isinstance(entry, dict):
        order = ["types", "import", "default", "require", "node"]
        keys = [k for k in order if k in entry] + [k for k in entry if k not in order]
        return [t for k in keys for t in _export_condition_targets(entry[k])]
    return []


def _match_path_pattern(pattern: str, specifier: str) -> str | None:
    if "*" not in pattern:
        return "" if pattern == specifier else None
    prefix, _, suffix = pattern.partition("*")
    if specifier.startswith(prefix) and specifier.endswith(suffix):
        return specifier[len(prefix) : len(specifier) - len(suffix)]
    return None


def _parse_json(path: Path, raw: bytes) -> dict[str, object]:
    """Parse package.json or tsconfig.json (JSON with comments and trailing commas)."""
    text = raw.decode("utf-8", "replace")
    try:
        data = json.loads(_strip_jsonc(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"{exc.msg} at line {exc.lineno}", path=shown(path)) from None
    return data if isinstance(data, dict) else {}


def _strip_jsonc(text: str) -> str:
    """Remove comments and trailing commas outside strings."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "]}":
                i += 1
                continue
            out.append(ch)
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)
