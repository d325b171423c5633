"""The module-graph proof (tsmirror.ts.graph) beyond tests/cases: trusted callees, erased
imports, evaluation order, import(), and a verdict cache that notices a file no value is read
from. Values are compared with Node; refusals are checked for their place and wording."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.oracle import node_evaluate
from tsmirror.config import load_config
from tsmirror.errors import InputError
from tsmirror.extract_json import extract_symbol, stringify
from tsmirror.generate import build_ir

BIN = Path(sys.executable).parent

ZOD_STUB = (
    "export const z = {\n"
    "  enum: (values) => ({ options: values, parse: (v) => v }),\n"
    "  object: (shape) => ({ shape, parse: (v) => v }),\n"
    "  string: () => ({}),\n"
    "};\n"
)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def with_zod(root: Path) -> None:
    write(
        root,
        {
            "node_modules/zod/package.json": '{"type": "module", "main": "index.js"}',
            "node_modules/zod/index.js": ZOD_STUB,
        },
    )


def refusal(root: Path, entry: str, symbol: str, **options: object) -> str:
    with pytest.raises(InputError) as caught:
        build_ir(root, root / entry, "m", [symbol], **options)  # type: ignore[arg-type]
    return str(caught.value)


SCHEMA = (
    "import { z } from 'zod';\n"
    "export const ROLES = ['owner', 'member'];\n"
    "export const RoleSchema = z.enum(ROLES);\n"
)


@pytest.mark.node
def test_a_value_passed_to_a_trusted_builder_equals_node(tmp_path: Path) -> None:
    with_zod(tmp_path)
    write(tmp_path, {"main.ts": SCHEMA})
    ours = stringify(extract_symbol(tmp_path, tmp_path / "main.ts", "ROLES"))
    assert [ours] == node_evaluate(tmp_path / "main.ts", "ROLES")


def test_trusting_no_callee_refuses_a_value_passed_to_a_package(tmp_path: Path) -> None:
    with_zod(tmp_path)
    write(tmp_path, {"main.ts": SCHEMA})
    message = refusal(tmp_path, "main.ts", "ROLES", trusted_callees=())
    assert message.startswith(f"{tmp_path / 'main.ts'}:3:34: error: passes ROLES to ")
    assert "z.enum, which could change it, so ROLES" in message


@pytest.mark.node
def test_what_a_trusted_builder_returns_still_holds_the_value(tmp_path: Path) -> None:
    # zod keeps the array it is given: a push through the schema changes ROLES in Node.
    with_zod(tmp_path)
    write(tmp_path, {"main.ts": SCHEMA + "RoleSchema.options.push('intruder');\n"})
    assert node_evaluate(tmp_path / "main.ts", "ROLES") == [
        '["owner","member","intruder"]'
    ]
    message = refusal(tmp_path, "main.ts", "ROLES")
    assert "4:1: error: calls RoleSchema.options.push, so ROLES" in message


def test_a_pattern_never_trusts_code_inside_the_source_tree(tmp_path: Path) -> None:
    # This `z` is read, and it changes what it is given.
    write(
        tmp_path,
        {
            "z.ts": "export const z = {\n"
            "  enum(values: string[]) { values.push('x'); return values; },\n"
            "};\n",
            "main.ts": SCHEMA.replace("'zod'", "'./z'"),
        },
    )
    message = refusal(tmp_path, "main.ts", "ROLES")
    assert "passes ROLES to z.enum, which could change it, so ROLES" in message


@pytest.mark.node
def test_an_import_typescript_erases_is_not_part_of_the_graph(tmp_path: Path) -> None:
    # types.ts would throw at load, but its only import is used as a type: tsx (like tsc)
    # erases it, so Node never loads the file.
    write(
        tmp_path,
        {
            "types.ts": "initTelemetry();\nexport type Role = 'a' | 'b';\n",
            "main.ts": "import { Role } from './types';\n"
            "export const ROLES: Role[] = ['a', 'b'];\n",
        },
    )
    ours = stringify(extract_symbol(tmp_path, tmp_path / "main.ts", "ROLES"))
    assert [ours] == node_evaluate(tmp_path / "main.ts", "ROLES")


def test_an_import_read_as_a_value_is_part_of_the_graph(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "telemetry.ts": "initTelemetry();\nexport const SERVICE = 'api';\n",
            "main.ts": "import { SERVICE } from './telemetry';\n"
            "export const NAMES = ['a'];\n"
            "export function service() { return SERVICE; }\n",
        },
    )
    message = refusal(tmp_path, "main.ts", "NAMES")
    assert message.startswith(
        f"{tmp_path / 'telemetry.ts'}:1:1: error: 'initTelemetry' is declared nowhere"
    )


@pytest.mark.node
def test_modules_evaluate_imports_first_so_a_later_import_may_read_an_earlier_one(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "a.ts": "export const BASE = { n: 1 };\n",
            "b.ts": "import { BASE } from './a';\nexport const NEXT = { base: BASE.n };\n",
            "main.ts": "import './a';\nimport { NEXT } from './b';\nexport { NEXT };\n",
        },
    )
    ours = stringify(extract_symbol(tmp_path, tmp_path / "main.ts", "NEXT"))
    assert [ours] == node_evaluate(tmp_path / "main.ts", "NEXT")


def test_a_function_called_at_load_reads_before_initialization(tmp_path: Path) -> None:
    source = (
        "export const X = { ok: true };\n"
        "report();\n"
        "function report() { return LATER; }\n"
        "const LATER = 1;\n"
    )
    write(tmp_path, {"main.ts": source})
    message = refusal(tmp_path, "main.ts", "X")
    assert message.startswith(
        f"{tmp_path / 'main.ts'}:3:28: error: reads LATER before its declaration has run"
    )


def test_a_literal_dynamic_import_joins_the_graph(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "flags.ts": "export const FLAGS = { beta: false };\n",
            "patch.ts": "import { FLAGS } from './flags';\nFLAGS.beta = true;\n",
            "main.ts": "export { FLAGS } from './flags';\nvoid import('./patch');\n",
        },
    )
    message = refusal(tmp_path, "main.ts", "FLAGS")
    assert message.startswith(f"{tmp_path / 'patch.ts'}:2:1: error: assigns FLAGS.beta")


@pytest.mark.parametrize(
    ("value", "accepted"),
    [('["z.*", "schema.object"]', True), ('"z.*"', False), ('["z..x"]', False)],
)
def test_trusted_callees_are_validated(
    tmp_path: Path, value: str, accepted: bool
) -> None:
    (tmp_path / "src").mkdir()
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.tsmirror]\n"
        f'source_root = "src"\ntrusted_callees = {value}\n'
        '[[tool.tsmirror.mirror]]\nmodule = "m"\nsource = "m.ts"\nsymbols = ["X"]\n'
    )
    if accepted:
        assert load_config(config, cwd=tmp_path).trusted_callees == tuple(
            json.loads(value)
        )
        return
    with pytest.raises(InputError, match="trusted_callees must be a list"):
        load_config(config, cwd=tmp_path)


def test_a_cached_check_notices_a_new_write_in_a_file_no_value_is_read_from(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "src/flags.ts": "export const FLAGS = { beta: false };\n",
            "src/patch.ts": "import { FLAGS } from './flags';\nconsole.log(FLAGS);\n",
            "src/main.ts": "import './patch';\nexport { FLAGS } from './flags';\n",
            "mirror.toml": '[tool.tsmirror]\nsource_root = "src"\noutput_dir = "out"\n'
            '[[tool.tsmirror.mirror]]\nmodule = "m"\nsource = "main.ts"\n'
            'symbols = ["FLAGS"]\n',
        },
    )
    env = {**os.environ, "TSMIRROR_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TSMIRROR_NO_CACHE", None)

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [BIN / "tsmirror", command, "--config", "mirror.toml"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert run("regen").returncode == 0
    # the header's sources (and source-sha256) cover the file no value is read from
    assert "patch.ts" in (tmp_path / "out" / "m.py").read_text().splitlines()[0]
    assert run("check").returncode == 0
    assert run("check").returncode == 0  # from the cache
    (tmp_path / "src" / "patch.ts").write_text(
        "import { FLAGS } from './flags';\nFLAGS.beta = true;\n"
    )
    result = run("check")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("src/patch.ts:2:1: error: assigns FLAGS.beta, so ")


PARTS = (
    "export const CODES = { NOT_FOUND: { status: 404, message: 'Not found' } } as const;\n"
    "const report = [(value: unknown) => value][0];\n"
)


@pytest.mark.node
def test_a_primitive_part_passed_to_an_unknown_callee_changes_nothing(
    tmp_path: Path,
) -> None:
    source = PARTS + (
        "class AppError extends Error {\n"
        "  constructor(code: keyof typeof CODES) { super(CODES[code].message); }\n"
        "}\n"
        "report(CODES.NOT_FOUND.status);\n"
        "export { AppError };\n"
    )
    write(tmp_path, {"main.ts": source})
    ours = stringify(extract_symbol(tmp_path, tmp_path / "main.ts", "CODES"))
    assert [ours] == node_evaluate(tmp_path / "main.ts", "CODES")


def test_an_object_part_passed_to_an_unknown_callee_may_change(tmp_path: Path) -> None:
    write(tmp_path, {"main.ts": PARTS + "report(CODES.NOT_FOUND);\n"})
    message = refusal(tmp_path, "main.ts", "CODES")
    assert "3:8: error: passes CODES.NOT_FOUND to report, which could change it" in (
        message
    )


@pytest.mark.parametrize(
    "call", ["(0, eval)('X.a = 2')", "(globalThis as any).eval('X.a = 2')"]
)
def test_eval_however_it_is_reached_refuses_every_value(
    tmp_path: Path, call: str
) -> None:
    write(tmp_path, {"main.ts": f"export const X = {{ a: 1 }};\n{call};\n"})
    assert "eval" in refusal(tmp_path, "main.ts", "X")


TABLES = (
    "export const ROLES = ['admin', 'editor', 'viewer', ''];\n"
    "export const OBJS = [{ n: 2 }, { n: 1 }];\n"
    "export const X = { a: 1 };\n"
)


# A write to an existing value, an alias of it, or a part a fresh copy shares with it, is
# still a write: Node's value differs from the literal, and tsmirror refuses at the write.
@pytest.mark.node
@pytest.mark.parametrize(
    ("code", "symbol", "node_json", "where"),
    [
        (
            "function order() { ROLES.sort(); }\norder();\n",
            "ROLES",
            '["","admin","editor","viewer"]',
            "4:20: error: calls ROLES.sort, so ROLES",
        ),
        (
            "const a = ROLES;\na.reverse();\n",
            "ROLES",
            '["","viewer","editor","admin"]',
            "5:1: error: calls a.reverse, so ROLES",
        ),
        (
            "Object.assign(X, { b: 2 });\n",
            "X",
            '{"a":1,"b":2}',
            "4:1: error: calls Object.assign on X, so X",
        ),
        (
            "const byN = [...OBJS].sort((a, b) => a.n - b.n);\nbyN[0].n = 9;\n",
            "OBJS",
            '[{"n":2},{"n":9}]',
            "5:1: error: assigns byN[0].n, so OBJS",
        ),
        (  # a comparator sees the elements themselves
            "const s = OBJS.toSorted((a, b) => { a.n = 5; return 0; });\n",
            "OBJS",
            '[{"n":2},{"n":5}]',
            "4:37: error: assigns a.n, so OBJS",
        ),
        (  # once a fresh copy has a name, writing it is a write to what it is part of
            "const copy = Object.assign({}, X);\nObject.assign(copy, { b: 2 });\n",
            "LISTS",
            '{"copy":{"a":1,"b":2}}',
            "5:1: error: calls Object.assign on copy, so LISTS",
        ),
    ],
)
def test_writes_beside_fresh_copies_are_still_refused(
    tmp_path: Path, code: str, symbol: str, node_json: str, where: str
) -> None:
    source = TABLES + code
    if symbol == "LISTS":
        source += "export const LISTS = { copy };\n"
    write(tmp_path, {"main.ts": source})
    assert node_evaluate(tmp_path / "main.ts", symbol) == [node_json]
    assert where in refusal(tmp_path, "main.ts", symbol)


@pytest.mark.node
def test_a_function_in_a_literal_sees_the_literal_as_this(tmp_path: Path) -> None:
    # A[0]() runs with `this` = A: what the function does through `this` is done to A.
    source = (
        "let seen: any;\n"
        "const A = [function (this: any) { seen = this; }, { x: 1 }];\n"
        "export const PART = A[1];\n"
        "A[0]();\n"
        "seen[1].x = 2;\n"
    )
    write(tmp_path, {"main.ts": source})
    assert node_evaluate(tmp_path / "main.ts", "PART") == ['{"x":2}']
    assert "5:1: error: assigns seen[1].x, so PART" in refusal(
        tmp_path, "main.ts", "PART"
    )
