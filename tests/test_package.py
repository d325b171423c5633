"""A new user's project: two TypeScript files sharing types, mirrored into a subpackage.

The mirrors form one package: one error class, shared declarations imported from the mirror
that emits them, consts typed with their literal members, exact round trips, and a diff of an
in-sync tree that says nothing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.project import clean_env, run_tsmirror

BIN = Path(sys.executable).parent

ROLES_TS = """\
/** Who may do what. */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const CAN_WRITE = { admin: true, editor: true, viewer: false } as const;

export const LIMITS = { admin: 100, editor: 10, viewer: 1 };

export const DEFAULT_ROLE = 'viewer';

export enum Status {
  Active = 'active',
  Suspended = 'suspended',
}

export function canWrite(role: Role): boolean {
  return CAN_WRITE[role];
}

export function writers(): Role[] {
  return ROLES.filter((role) => canWrite(role));
}
"""

USERS_TS = """\
import { Role, Status } from './roles';

export interface Address {
  city: string;
}

export interface User {
  name: string;
  role: Role;
  status: Status;
  nickname?: string | null;
  address?: Address;
}

export interface Team {
  lead: User;
  members: readonly User[];
}
"""

CONFIG = """\
[tool.tsmirror]
source_root = "ts"
output_dir = "src/app/mirrors"

[[tool.tsmirror.mirror]]
module = "users"
source = "users.ts"
symbols = ["User", "Team"]

[[tool.tsmirror.mirror]]
module = "roles"
source = "roles.ts"
symbols = ["ROLES", "Role", "CAN_WRITE", "LIMITS", "DEFAULT_ROLE", "Status"]
"""

USER_CODE = """\
from collections.abc import Mapping

from app.mirrors import roles, users


def can_write(role: roles.Role) -> bool:
    return roles.CAN_WRITE[role]


def writers() -> list[roles.Role]:
    return [role for role in roles.ROLES if can_write(role)]


TABLE: Mapping[roles.Role, bool] = roles.CAN_WRITE


def is_active(user: users.User) -> bool:
    return user.status == roles.Status.Active


def limit(role: roles.Role) -> int:
    return roles.LIMITS[role]


DEFAULT_LIMIT = limit(roles.DEFAULT_ROLE)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("newuser")
    (root / "ts").mkdir()
    (root / "ts" / "roles.ts").write_text(ROLES_TS)
    (root / "ts" / "users.ts").write_text(USERS_TS)
    (root / "src" / "app").mkdir(parents=True)
    (root / "src" / "app" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text(CONFIG)
    result = run_tsmirror("regen", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def run_python(project: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=project,
        env=clean_env(PYTHONPATH=str(project / "src")),
        capture_output=True,
        text=True,
        check=False,
    )


def test_shared_declarations_are_imported_never_copied(project: Path) -> None:
    users = (project / "src/app/mirrors/users.py").read_text()
    assert "from .roles import Role, Status\n" in users
    assert '    "Role",\n' in users and '    "Status",\n' in users  # in __all__
    assert "class Status" not in users and "Role: TypeAlias" not in users
    assert "class MirrorValidationError" not in users
    assert (
        "from ._kernel import (\n    ABSENT,\n    Absent,\n    MirrorValidationError,"
        in users
    )

    result = run_python(
        project,
        """
        from app.mirrors import _kernel, roles, users
        assert users.Status is roles.Status
        assert users.MirrorValidationError is _kernel.MirrorValidationError
        # roles.py declares no interface, yet offers the package's one error class
        assert roles.MirrorValidationError is _kernel.MirrorValidationError
        for bad in ({"name": 1}, {"lead": []}):
            for cls in (users.User, users.Team):
                try:
                    cls.from_json(bad)
                except roles.MirrorValidationError as error:
                    assert error.path.startswith("$")
                else:
                    raise AssertionError(bad)
        try:
            users.Team.from_json({"lead": {"name": "a", "role": "admin",
                                  "status": "gone"}, "members": []})
        except users.MirrorValidationError as error:
            assert str(error) == (
                '$.lead.status: expected "active" | "suspended", got "gone"'
            ), error
        print("ok")
        """,
    )
    assert result.stdout == "ok\n", result.stderr


def test_explicit_null_survives_a_round_trip(project: Path) -> None:
    result = run_python(
        project,
        """
        from app.mirrors import users
        base = {"name": "a", "role": "admin", "status": "active"}
        for doc in (base, {**base, "nickname": None}, {**base, "nickname": "x"},
                    {**base, "address": {"city": "Oslo"}}):
            user = users.User.from_json(doc)
            assert user.to_json() == doc, (user.to_json(), doc)
        user = users.User.from_json(base)
        assert user.nickname is users.ABSENT and user.address is None
        print("ok")
        """,
    )
    assert result.stdout == "ok\n", result.stderr


def test_consts_are_typed_with_their_literal_members(project: Path) -> None:
    roles = (project / "src/app/mirrors/roles.py").read_text()
    assert "ROLES: Final[tuple[Role, ...]] = (" in roles
    assert "CAN_WRITE: Final[Mapping[Role, bool]] = MappingProxyType(" in roles
    assert "LIMITS: Final[Mapping[Role, int]] = MappingProxyType(" in roles
    # a const keeps a literal's type without `as const`, as TypeScript types it (a bare
    # Final, as ruff's PYI064 asks: mypy reads it as the literal)
    assert 'DEFAULT_ROLE: Final = "viewer"' in roles  # mypy: Literal['viewer']
    (project / "user_code.py").write_text(USER_CODE)

    result = subprocess.run(
        [BIN / "mypy", "--strict", "--no-incremental", "user_code.py"],
        cwd=project,
        env=clean_env(MYPYPATH=str(project / "src")),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_is_ruff_and_mypy_clean(project: Path) -> None:
    mirrors = project / "src" / "app" / "mirrors"
    for command in (
        [BIN / "ruff", "check", "--no-cache", "--isolated", str(mirrors)],
        [BIN / "ruff", "format", "--check", "--no-cache", "--isolated", str(mirrors)],
        [BIN / "mypy", "--strict", "--no-incremental", "-p", "app.mirrors"],
    ):
        result = subprocess.run(
            command,
            cwd=project,
            env=clean_env(MYPYPATH=str(project / "src")),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{command[0]}: {result.stdout}{result.stderr}"


def test_an_in_sync_tree_diffs_to_nothing(project: Path) -> None:
    assert run_tsmirror("check", cwd=project).returncode == 0

    result = run_tsmirror("diff", "--fail-on", "breaking", cwd=project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no semantic changes" in result.stdout
    assert "breaking" not in result.stdout.lower()


def test_a_cycle_between_mirrors_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text(
        "import { B } from './b';\nexport interface A { b?: B }\n"
    )
    (tmp_path / "b.ts").write_text(
        "import { A } from './a';\nexport interface B { a?: A }\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tsmirror]\noutput_dir = "out"\n'
        '[[tool.tsmirror.mirror]]\nmodule = "a"\nsource = "a.ts"\nsymbols = ["A"]\n'
        '[[tool.tsmirror.mirror]]\nmodule = "b"\nsource = "b.ts"\nsymbols = ["B"]\n'
    )

    result = run_tsmirror("regen", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("pyproject.toml: error: mirrors would import")
    assert not (tmp_path / "out").exists()


def test_a_declaration_two_mirrors_need_and_neither_lists(tmp_path: Path) -> None:
    """It is emitted by the first mirror, in config order, that needs it, and imported by
    the other; listing it elsewhere later moves it there."""
    (tmp_path / "tag.ts").write_text("export interface Tag { name: string }\n")
    (tmp_path / "a.ts").write_text(
        "import { Tag } from './tag';\nexport interface A { tag: Tag }\n"
    )
    (tmp_path / "b.ts").write_text(
        "import { Tag } from './tag';\nexport interface B { tags: Tag[] }\n"
    )
    mirrors = (
        '[[tool.tsmirror.mirror]]\nmodule = "b"\nsource = "b.ts"\nsymbols = ["B"]\n'
        '[[tool.tsmirror.mirror]]\nmodule = "a"\nsource = "a.ts"\nsymbols = ["A"]\n'
    )
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.tsmirror]\noutput_dir = "out"\n' + mirrors)

    assert run_tsmirror("regen", cwd=tmp_path).returncode == 0
    a, b = ((tmp_path / "out" / f"{m}.py").read_text() for m in "ab")
    assert "class Tag:" in b and "class Tag:" not in a
    assert "from .b import Tag\n" in a

    config.write_text(
        '[tool.tsmirror]\noutput_dir = "out"\n'
        + mirrors
        + '[[tool.tsmirror.mirror]]\nmodule = "tag"\nsource = "tag.ts"\n'
        'symbols = ["Tag"]\n'
    )
    assert run_tsmirror("regen", cwd=tmp_path).returncode == 0
    a, b = ((tmp_path / "out" / f"{m}.py").read_text() for m in "ab")
    assert "from .tag import Tag\n" in a and "from .tag import Tag\n" in b
    result = run_python(
        tmp_path,
        """
        import sys; sys.path.insert(0, ".")
        from out import a, b, tag
        assert a.Tag is b.Tag is tag.Tag
        doc = {"tags": [{"name": "x"}]}
        assert b.B.from_json(doc).to_json() == doc
        print("ok")
        """,
    )
    assert result.stdout == "ok\n", result.stderr
