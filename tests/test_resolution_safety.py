"""Import resolution never leaves the source root, and survives symlink loops and cycles.

Every hostile layout here is run through the real `tsmirror regen`: it must end in exit 2 with
one located `path:line:col: error:` line (or `path: error:` for the config), nothing written,
and no traceback. Files outside the root hold text that would fail differently if it were read
(invalid TypeScript or JSON), so the message also proves the outside file was never parsed.
Import cycles whose values are not themselves circular must evaluate as Node evaluates them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.mirrors import import_mirror
from tests.oracle import OracleError, node_evaluate
from tests.project import run_tsmirror
from tsmirror.errors import InputError
from tsmirror.extract_json import extract_symbol, stringify

ENTRY = "root/src/entry.ts"
# Outside the root: what an escape would reach. Parsing it would be a syntax error, not the
# "leaves the source root" the tests expect.
OUTSIDE_TS = "export const X = 1;\nexport const = ;\n"
OUTSIDE_JSON = "{ not json"


def make_project(
    tmp_path: Path,
    files: dict[str, str],
    *,
    links: dict[str, str] | None = None,
    source: str = "src/entry.ts",
    symbols: tuple[str, ...] = ("Y",),
) -> Path:
    """tmp_path/project with pyproject.toml (source_root "root", output "generated"),
    tmp_path/project/outside/x.ts and tmp_path/etc/x.ts beside it, then `files` and
    `links` (symlink -> target, as written), both relative to the project folder. @PROJECT@
    in a text or a link target stands for the project's absolute path."""
    project = tmp_path / "project"
    everything = {"outside/x.ts": OUTSIDE_TS, "../etc/x.ts": OUTSIDE_TS, **files}
    for relative, text in everything.items():
        path = Path(os.path.normpath(project / relative))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("@PROJECT@", str(project)), encoding="utf-8")
    for relative, target in (links or {}).items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target.replace("@PROJECT@", str(project)))
    (project / "root").mkdir(exist_ok=True)
    names = ", ".join(f'"{s}"' for s in symbols)
    (project / "pyproject.toml").write_text(
        "[tool.tsmirror]\n"
        'source_root = "root"\n'
        'output_dir = "generated"\n\n'
        "[[tool.tsmirror.mirror]]\n"
        'module = "m"\n'
        f"source = {source!r}\n"
        f"symbols = [{names}]\n",
        encoding="utf-8",
    )
    return project


def assert_refused(project: Path, where: str, message: str) -> str:
    """`regen` exits 2 with one error line that starts with `where` and says `message`,
    and writes nothing."""
    result = run_tsmirror("regen", cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{where}: error: "), lines[0]
    assert message in lines[0], lines[0]
    assert not (project / "generated").exists()
    return lines[0]


def mirrored(project: Path, name: str) -> object:
    """`name` as the generated module defines it."""
    return getattr(import_mirror(project / "generated", "m"), name)


def import_x(specifier: str) -> str:
    """An entry that imports X and exports Y from it."""
    return f"import {{ X }} from '{specifier}';\nexport const Y = [X];\n"


# Where `import { X } from '...'` on line 1 puts its specifier: column 19.
AT_IMPORT = f"{ENTRY}:1:19"


# --- escapes through specifiers --------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "symbol", "col", "message"),
    [
        pytest.param(
            import_x("../../../etc/x"),
            "Y",
            19,
            "leaves the source root",
            id="dotdot-to-a-file",
        ),
        # Not there at all: still refused for leaving, not reported as "cannot resolve"
        # with a list of the places outside the root it looked in.
        pytest.param(
            import_x("../../../../../../../../etc/passwd"),
            "Y",
            19,
            "leaves the source root",
            id="dotdot-past-filesystem-root",
        ),
        pytest.param(
            import_x("./../../outside/x"),
            "Y",
            19,
            "leaves the source root",
            id="dot-dotdot",
        ),
        pytest.param(
            import_x("/etc/passwd"), "Y", 19, "absolute import", id="absolute"
        ),
        pytest.param(
            "export { X } from '../../outside/x';\n",
            "X",
            19,
            "leaves the source root",
            id="re-export",
        ),
        pytest.param(
            "export * from '../../outside/x';\n",
            "X",
            15,
            "leaves the source root",
            id="star-export",
        ),
        pytest.param(
            "import * as NS from '../../outside/x';\nexport const X = NS.X;\n",
            "X",
            21,
            "leaves the source root",
            id="namespace-import",
        ),
    ],
)
def test_a_specifier_that_leaves_the_root_is_refused_where_written(
    tmp_path: Path, entry: str, symbol: str, col: int, message: str
) -> None:
    project = make_project(tmp_path, {ENTRY: entry}, symbols=(symbol,))
    line = assert_refused(project, f"{ENTRY}:1:{col}", message)
    assert "syntax error" not in line  # the outside file was never parsed


def test_an_absolute_specifier_to_a_file_inside_the_root_is_refused_too(
    tmp_path: Path,
) -> None:
    """Absolute paths depend on where the checkout lives, so they are refused outright."""
    project = make_project(tmp_path, {"root/src/b.ts": "export const X = 1;\n"})
    inside = project / "root" / "src" / "b"
    (project / ENTRY).write_text(import_x(str(inside)))
    assert_refused(project, AT_IMPORT, "absolute import")


@pytest.mark.parametrize(
    ("links", "specifier"),
    [
        pytest.param({"root/src/l.ts": "../../outside/x.ts"}, "./l", id="file-link"),
        pytest.param(
            {"root/src/l.ts": "@PROJECT@/outside/x.ts"},
            "./l",
            id="file-link-absolute",
        ),
        pytest.param({"root/src/d": "../../outside"}, "./d/x", id="folder-link"),
        pytest.param(
            {"root/src/d": "../../outside", "root/src/e": "d"},
            "./e/x",
            id="link-to-a-link",
        ),
        pytest.param({"root/src/index.ts": "../../outside/x.ts"}, ".", id="index-link"),
    ],
)
def test_a_symlink_that_points_outside_the_root_is_refused(
    tmp_path: Path, links: dict[str, str], specifier: str
) -> None:
    project = make_project(tmp_path, {ENTRY: import_x(specifier)}, links=links)
    assert_refused(project, AT_IMPORT, "leaves the source root")


def test_a_symlink_inside_the_root_is_followed(tmp_path: Path) -> None:
    """The guard is about where a file really is, not about symlinks as such."""
    project = make_project(
        tmp_path,
        {ENTRY: import_x("./d/b"), "root/lib/b.ts": "export const X = 7;\n"},
        links={"root/src/d": "../lib"},
        symbols=("Y",),
    )
    result = run_tsmirror("regen", cwd=project)
    assert result.returncode == 0, result.stderr
    assert mirrored(project, "Y") == (7,)


# --- escapes through the config --------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("../outside/x.ts", id="dotdot"),
        pytest.param("src/../../outside/x.ts", id="dotdot-inside"),
        pytest.param("/etc/passwd", id="absolute"),
    ],
)
def test_a_config_source_outside_the_root_is_a_config_error(
    tmp_path: Path, source: str
) -> None:
    project = make_project(tmp_path, {}, source=source)
    assert_refused(project, "pyproject.toml", "leaves the source root")


def test_a_config_source_that_links_outside_the_root_is_refused(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {}, links={"root/src/entry.ts": "../../outside/x.ts"}
    )
    line = assert_refused(project, ENTRY, "leaves the source root")
    assert "syntax error" not in line


# --- escapes through tsconfig.json and package.json ------------------------------------


@pytest.mark.parametrize(
    ("files", "links", "specifier"),
    [
        pytest.param(
            {
                "root/tsconfig.json": '{"compilerOptions": {"paths": {"@o/*": ["../outside/*"]}}}'
            },
            {},
            "@o/x",
            id="tsconfig-paths",
        ),
        pytest.param(
            {
                "root/tsconfig.json": '{"compilerOptions": {"paths": {"@o": ["@PROJECT@/outside/x.ts"]}}}'
            },
            {},
            "@o",
            id="tsconfig-paths-absolute",
        ),
        pytest.param(
            {"root/tsconfig.json": '{"compilerOptions": {"baseUrl": "../outside"}}'},
            {},
            "x",
            id="tsconfig-baseUrl",
        ),
        pytest.param(
            {
                "root/tsconfig.json": '{"extends": "../outside/tsconfig.json"}',
                "outside/tsconfig.json": '{"compilerOptions": {"baseUrl": "."}}',
            },
            {},
            "x",
            id="tsconfig-extends",
        ),
        pytest.param(
            {
                "root/tsconfig.json": '{"extends": "@PROJECT@/outside/tsconfig"}',
                "outside/tsconfig.json": '{"compilerOptions": {"baseUrl": "."}}',
            },
            {},
            "x",
            id="tsconfig-extends-absolute",
        ),
        pytest.param(
            {"outside/tsconfig.json": OUTSIDE_JSON},
            {"root/tsconfig.json": "../outside/tsconfig.json"},
            "x",
            id="tsconfig-is-a-link",
        ),
        pytest.param(
            {
                "root/pkg/package.json": '{"name": "p", "exports": {".": "../../outside/x.ts"}}'
            },
            {},
            "p",
            id="package-exports",
        ),
        pytest.param(
            {
                "root/pkg/package.json": '{"name": "p", "exports": {"./x": {"types": "@PROJECT@/outside/x.ts"}}}'
            },
            {},
            "p/x",
            id="package-exports-absolute",
        ),
        pytest.param(
            {"root/pkg/package.json": '{"name": "p", "types": "../../outside/x.ts"}'},
            {},
            "p",
            id="package-types",
        ),
        pytest.param(
            {"root/pkg/package.json": '{"name": "p", "main": "../../outside/x.js"}'},
            {},
            "p",
            id="package-main",
        ),
        pytest.param(
            {"root/pkg/package.json": '{"name": "p"}'},
            {"root/pkg/src": "../../outside"},
            "p/src/x",
            id="package-subpath-through-a-link",
        ),
        pytest.param(
            {"outside/package.json": OUTSIDE_JSON},
            {"root/pkg/package.json": "../../outside/package.json"},
            "p",
            id="package-json-is-a-link",
        ),
    ],
)
def test_config_files_that_point_outside_the_root_are_refused_at_the_import(
    tmp_path: Path, files: dict[str, str], links: dict[str, str], specifier: str
) -> None:
    project = make_project(tmp_path, {ENTRY: import_x(specifier), **files}, links=links)
    line = assert_refused(project, AT_IMPORT, "leaves the source root")
    assert "Expecting" not in line  # the outside JSON was never read


def test_a_package_folder_linked_from_outside_is_not_a_workspace_package(
    tmp_path: Path,
) -> None:
    """The workspace scan does not follow folder links, so an outside package.json never
    names a package."""
    project = make_project(
        tmp_path,
        {ENTRY: import_x("evil"), "outside/package.json": '{"name": "evil"}'},
        links={"root/pkg": "../outside"},
    )
    assert_refused(project, AT_IMPORT, "cannot resolve import 'evil'")


# --- symlink loops -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("links", "specifier"),
    [
        pytest.param(
            {"root/src/a.ts": "b.ts", "root/src/b.ts": "a.ts"}, "./a", id="a-b-a"
        ),
        pytest.param({"root/src/a.ts": "a.ts"}, "./a.ts", id="self"),
        pytest.param({"root/src/d": "d"}, "./d/x", id="folder-self"),
        pytest.param(
            {"root/tsconfig.json": "tsconfig.json"}, "somepkg", id="tsconfig-self"
        ),
    ],
)
def test_a_symlink_loop_is_an_error_not_a_hang(
    tmp_path: Path, links: dict[str, str], specifier: str
) -> None:
    project = make_project(tmp_path, {ENTRY: import_x(specifier)}, links=links)
    assert_refused(project, AT_IMPORT, "cannot resolve import")


def test_a_symlink_loop_as_the_config_source_is_an_error(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {},
        links={"root/src/entry.ts": "loop.ts", "root/src/loop.ts": "entry.ts"},
    )
    assert_refused(project, ENTRY, "symlink loop")


def test_a_folder_linked_to_its_parent_resolves_and_does_not_hang_the_scan(
    tmp_path: Path,
) -> None:
    """`up -> ..` makes the tree infinite to anything that follows links. A path through it
    that ends inside the root is fine (Node takes it too); the workspace scan for a bare
    specifier must not walk it forever."""
    project = make_project(
        tmp_path,
        {
            ENTRY: "import { X } from './up/src/up/lib/b';\n"
            "import { Z } from 'pkg';\nexport const Y = [X, Z];\n",
            "root/lib/b.ts": "export const X = 3;\n",
            "root/lib/package.json": '{"name": "pkg", "types": "./z.ts"}',
            "root/lib/z.ts": "export const Z = 4;\n",
        },
        links={"root/src/up": "..", "root/lib/loop": "."},
        symbols=("Y",),
    )
    result = run_tsmirror("regen", cwd=project)
    assert result.returncode == 0, result.stderr
    assert mirrored(project, "Y") == (3, 4)


def test_a_tsconfig_extends_cycle_is_an_error(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            ENTRY: import_x("x"),
            "root/tsconfig.json": '{"extends": "./base.json"}',
            "root/base.json": '{"extends": "./tsconfig.json"}',
        },
    )
    assert_refused(project, AT_IMPORT, "extends itself")


def test_a_long_tsconfig_extends_chain_is_an_error(tmp_path: Path) -> None:
    chain = {
        f"root/c{i}.json": f'{{"extends": "./c{i + 1}.json"}}' for i in range(2000)
    }
    chain["root/c2000.json"] = '{"compilerOptions": {"baseUrl": "."}}'
    chain["root/tsconfig.json"] = '{"extends": "./c0.json"}'
    project = make_project(tmp_path, {ENTRY: import_x("x"), **chain})
    assert_refused(project, AT_IMPORT, "extends more than 16 configs")


# --- import cycles -----------------------------------------------------------------------

# Cycles in the import graph whose values are not circular: Node evaluates them, and so
# must tsmirror, to the same JSON.
CYCLES = {
    "value-through-a-cycle": (
        {
            "entry.ts": "import { B } from './b';\n"
            "export const A = 1;\nexport const X = [B, 'x'];\n",
            "b.ts": "import { A } from './entry';\n"
            "export const B = { b: 2 };\nexport function later() { return A; }\n",
        },
        ["A", "X"],
    ),
    "star-export-cycle": (
        {
            "entry.ts": "export * from './b';\nexport const A = [1];\n",
            "b.ts": "export * from './entry';\nexport * from './c';\n"
            "export const B = [2];\n",
            "c.ts": "export * from './b';\nexport const C = 'c';\n",
        },
        ["A", "B", "C"],
    ),
    "re-export-loop-that-ends": (
        {
            "entry.ts": "export { B as X } from './b';\nexport const A = { a: 1 };\n",
            "b.ts": "export { A as B } from './entry';\n",
        },
        ["X"],
    ),
    "star-diamond": (
        {
            "entry.ts": "export { X } from './f';\n",
            "f.ts": "export * from './a';\nexport * from './b';\n",
            "a.ts": "export * from './c';\n",
            "b.ts": "export * from './c';\n",
            "c.ts": "export const X = ['c'];\n",
        },
        ["X"],
    ),
    "import-export-loop-that-ends": (
        {
            "entry.ts": "import { Y } from './b';\nexport { Y as X };\n"
            "export const Z = [3];\n",
            "b.ts": "import { Z } from './entry';\nexport { Z as Y };\n",
        },
        ["X"],
    ),
}


@pytest.mark.node
@pytest.mark.parametrize("case", sorted(CYCLES))
def test_an_import_cycle_of_acyclic_values_equals_node(
    tmp_path: Path, case: str
) -> None:
    files, symbols = CYCLES[case]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    entry = tmp_path / "entry.ts"
    expected = node_evaluate(entry, *symbols)
    ours = [stringify(extract_symbol(tmp_path, entry, s)) for s in symbols]
    assert ours == expected


@pytest.mark.parametrize(
    ("files", "where", "message"),
    [
        pytest.param(
            {
                "entry.ts": "import { Y } from './b';\nexport const X = [Y];\n",
                "b.ts": "import { X } from './entry';\nexport const Y = [X];\n",
            },
            "entry.ts:2:14",
            "'X' refers to itself",
            id="const-through-the-cycle",
        ),
        pytest.param(
            {
                "entry.ts": "export { X } from './b';\n",
                "b.ts": "export { X } from './c';\n",
                "c.ts": "export { X } from './entry';\n",
            },
            "c.ts:1:10",
            "circular re-export",
            id="re-export-loop",
        ),
        pytest.param(
            {
                "entry.ts": "import { X } from './b';\nexport { X };\n",
                "b.ts": "import { X } from './entry';\nexport { X };\n",
            },
            "b.ts:1:10",
            "circular re-export",
            id="import-export-loop",
        ),
        pytest.param(
            {
                "entry.ts": "import { X as Y } from './entry';\nexport { Y as X };\n",
            },
            "entry.ts:1:10",
            "circular re-export",
            id="imports-itself",
        ),
        pytest.param(
            {
                "entry.ts": "export * from './b';\n",
                "b.ts": "export * from './entry';\n",
            },
            "entry.ts",
            "'X' is not exported",
            id="star-loop-without-the-name",
        ),
        # Two ways to the same file is a diamond, not a cycle.
        pytest.param(
            {
                "entry.ts": "export { X } from './f';\n",
                "f.ts": "export * from './a';\nexport * from './b';\n",
                "a.ts": "export * from './c';\n",
                "b.ts": "export * from './c';\n",
                "c.ts": "export const Y = 1;\n",
            },
            "entry.ts:1:10",
            "'X' is not exported from f.ts",
            id="star-diamond-without-the-name",
        ),
    ],
)
def test_a_circular_definition_is_a_located_error(
    tmp_path: Path, files: dict[str, str], where: str, message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(InputError) as caught:
        extract_symbol(tmp_path, tmp_path / "entry.ts", "X")
    text = str(caught.value)
    assert text.startswith(f"{tmp_path / where}: error: "), text
    assert message in text, text


@pytest.mark.node
def test_a_value_read_across_a_cycle_before_node_initializes_it_is_refused(
    tmp_path: Path,
) -> None:
    """Whichever file Node loads first, the other one reads a binding not yet initialized:
    Node throws, so the only acceptable outcome here is a located error."""
    (tmp_path / "entry.ts").write_text(
        "import { Y } from './b';\nexport const X = 1;\nexport const Z = [Y];\n"
    )
    (tmp_path / "b.ts").write_text(
        "import { X } from './entry';\nexport const Y = [X];\n"
    )
    with pytest.raises(OracleError, match="before initialization"):
        node_evaluate(tmp_path / "entry.ts", "Z")
    with pytest.raises(InputError) as caught:
        extract_symbol(tmp_path, tmp_path / "entry.ts", "Z")
    # b.ts runs first (entry.ts imports it before its own body runs) and reads X
    assert str(caught.value).startswith(f"{tmp_path / 'b.ts'}:2:19: error: reads X "), (
        str(caught.value)
    )


def test_a_circular_definition_through_the_cli_is_exit_2(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            ENTRY: "import { X } from './b';\nexport { X };\n",
            "root/src/b.ts": "import { X } from './entry';\nexport { X };\n",
        },
        symbols=("X",),
    )
    assert_refused(project, "root/src/b.ts:1:10", "circular re-export")


CHAIN = 500


@pytest.mark.parametrize(
    "hop",
    [
        pytest.param("export {{ X }} from './f{next}';\n", id="export-from"),
        pytest.param(
            "import {{ X }} from './f{next}';\nexport {{ X }};\n", id="import-export"
        ),
        pytest.param("export * from './f{next}';\n", id="export-star"),
        pytest.param(
            "import {{ X as Y }} from './f{next}';\nexport {{ Y as X }};\n",
            id="renamed",
        ),
    ],
)
def test_a_chain_of_500_files_stays_clear_of_the_recursion_limit(
    tmp_path: Path, hop: str
) -> None:
    assert sys.getrecursionlimit() < CHAIN * 4  # the chain would blow a recursive walk
    for i in range(CHAIN):
        (tmp_path / f"f{i}.ts").write_text(hop.format(next=i + 1))
    (tmp_path / f"f{CHAIN}.ts").write_text("export const X = { end: [500] };\n")
    value = extract_symbol(tmp_path, tmp_path / "f0.ts", "X")
    assert stringify(value) == '{"end":[500]}'
