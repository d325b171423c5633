"""`tsmirror diff`: what a source change means, against the IR recorded beside the mirrors.

End to end on copies of the project (the real command, each format), then the record
against every construct the generator emits, then the type rules.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.project import MATRIX_TS, REPO_ROOT, run_tsmirror
from tsmirror import ir
from tsmirror.config import load_config
from tsmirror.diff_report import md_code, render_markdown
from tsmirror.errors import InputError
from tsmirror.generate import build_package, render_package
from tsmirror.paths import RECORD_NAME
from tsmirror.record import read_record
from tsmirror.semantic import (
    ABSENT,
    Change,
    Impact,
    Kind,
    MirrorDiff,
    MirrorShape,
    accepts,
    canonical,
    diff_mirror,
    shape_of_module,
)

CHARTER_TS = "examples/substrate/packages/sb1-substrate-shapes/src/kora-role-charter.ts"
CAPABILITY = "cap_operator_update_policy"  # denied to kora in the example
GRANTED = "cap_sea_create"  # granted to kora in the example


def set_kora_cell(ts_file: Path, capability: str, value: bool) -> None:
    text = ts_file.read_text(encoding="utf-8")
    row = text.index(f"\n  {capability}: {{")
    old, new = ("kora: false", "kora: true") if value else ("kora: true", "kora: false")
    cell = text.index(old, row)
    assert cell < text.index("}", row), f"{capability}: kora is not {old}"
    ts_file.write_text(text[:cell] + new + text[cell + len(old) :], encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff_json(project: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = run_tsmirror("diff", "--format", "json", *args, cwd=project)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def changes_of(document: dict[str, object]) -> list[dict[str, object]]:
    mirrors = document["mirrors"]
    assert isinstance(mirrors, list)
    return [change for mirror in mirrors for change in mirror["changes"]]


# --- markdown validity: GFM tables are where a bad escape shows --------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def table_cells(row: str) -> list[str]:
    assert row.startswith("| ") and row.endswith(" |"), row
    return _UNESCAPED_PIPE.split(row[2:-2])


def assert_valid_markdown(text: str) -> None:
    """Every table has a delimiter row and as many cells in each row as in its header, is
    set off by blank lines, and every code span is closed."""
    lines = text.split("\n")
    i = 0
    tables = 0
    while i < len(lines):
        if not lines[i].startswith("|"):
            assert lines[i].count("`") % 2 == 0 or "``" in lines[i], lines[i]
            i += 1
            continue
        tables += 1
        assert i > 0 and lines[i - 1] == "", "a table must follow a blank line"
        width = len(table_cells(lines[i]))
        assert all(re.fullmatch(r" ?-+:? ?", c) for c in table_cells(lines[i + 1])), (
            lines[i + 1]
        )
        assert len(table_cells(lines[i + 1])) == width
        i += 2
        while i < len(lines) and lines[i].startswith("|"):
            assert len(table_cells(lines[i])) == width, lines[i]
            i += 1
        assert i == len(lines) or lines[i] == "", "a table must end at a blank line"
    assert text.startswith("## ")


# --- end to end --------------------------------------------------------------------------


def test_flipped_cell_is_a_grant_in_every_format(project: Path) -> None:
    set_kora_cell(project / MATRIX_TS, CAPABILITY, True)

    text = run_tsmirror("diff", cwd=project)
    assert text.returncode == 0, text.stderr
    assert "\x1b[" not in text.stdout, "no colour when stdout is not a TTY"
    line = next(line for line in text.stdout.splitlines() if "GRANT" in line)
    assert f"ACTOR_CAPABILITY_MATRIX.{CAPABILITY}.kora: false -> true" in line
    assert f"kora gains {CAPABILITY}" in line
    assert "    kora: +1 grant, -0 revoke\n" in text.stdout
    assert "    operator: +0 grant, -0 revoke\n" in text.stdout
    assert "role_charter (generated/role_charter.py): no changes" in text.stdout
    assert text.stdout.endswith("1 change: 1 grant\n")

    markdown = run_tsmirror("diff", "--format", "markdown", cwd=project)
    assert markdown.returncode == 0
    assert_valid_markdown(markdown.stdout)
    assert (
        f"| **GRANT** | `ACTOR_CAPABILITY_MATRIX.{CAPABILITY}.kora` | `false` | `true` "
        f"| `kora` gains `{CAPABILITY}` |"
    ) in markdown.stdout
    assert "| `kora` | +1 | -0 |" in markdown.stdout

    code, document = diff_json(project)
    assert code == 0
    assert document["summary"] == {
        "total": 1,
        "grant": 1,
        "revoke": 0,
        "breaking": 0,
        "compatible": 0,
        "value": 0,
    }
    assert changes_of(document) == [
        {
            "symbol": "ACTOR_CAPABILITY_MATRIX",
            "path": f"ACTOR_CAPABILITY_MATRIX.{CAPABILITY}.kora",
            "kind": "grant",
            "impact": "grant",
            "before": False,
            "after": True,
            "capability": CAPABILITY,
            "actor": "kora",
        }
    ]
    mirrors = document["mirrors"]
    assert isinstance(mirrors, list)
    assert mirrors[0]["privileges"]["ACTOR_CAPABILITY_MATRIX"]["kora"] == {
        "grant": 1,
        "revoke": 0,
    }


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        ("grant", 1),
        ("breaking,grant", 1),
        ("any", 1),
        ("revoke", 0),
        ("breaking", 0),
        ("", 0),
    ],
)
def test_fail_on_selects_classes(project: Path, fail_on: str, code: int) -> None:
    set_kora_cell(project / MATRIX_TS, CAPABILITY, True)

    result = run_tsmirror("diff", "--fail-on", fail_on, cwd=project)

    assert result.returncode == code, result.stdout + result.stderr
    assert "GRANT" in result.stdout


def test_fail_on_rejects_an_unknown_class(project: Path) -> None:
    result = run_tsmirror("diff", "--fail-on", "grant,grnat", cwd=project)

    assert result.returncode == 2
    assert "unknown class 'grnat'" in result.stderr
    assert result.stdout == ""


def test_in_sync_has_no_changes(project: Path) -> None:
    result = run_tsmirror("diff", "--fail-on", "any", cwd=project)
    assert result.returncode == 0
    assert result.stdout.endswith("no semantic changes\n")

    markdown = run_tsmirror("diff", "--format", "markdown", cwd=project).stdout
    assert_valid_markdown(markdown)
    assert "No semantic changes" in markdown


def test_revoke_and_new_capability(project: Path) -> None:
    matrix = project / MATRIX_TS
    set_kora_cell(matrix, GRANTED, False)
    edit(
        matrix,
        "  'cap_operator_update_policy',\n] as const;",
        "  'cap_operator_update_policy',\n  'cap_new_power',\n] as const;",
    )
    text = matrix.read_text()
    row = text.index("\n  cap_operator_update_policy: {")
    end = text.index("}", row) + 1
    matrix.write_text(
        text[:end]
        + ",\n  cap_new_power: { operator: true, kora: true, critic: false,"
        + " oracle: false, claude_pm: false }"
        + text[end:]
    )

    code, document = diff_json(project, "--fail-on", "revoke")

    assert code == 1
    by_path = {change["path"]: change for change in changes_of(document)}
    revoke = by_path[f"ACTOR_CAPABILITY_MATRIX.{GRANTED}.kora"]
    assert (revoke["kind"], revoke["before"], revoke["after"]) == (
        "revoke",
        True,
        False,
    )
    added = by_path["ACTOR_CAPABILITY_MATRIX.cap_new_power"]
    assert added["kind"] == "capability-added"
    assert by_path["ACTOR_CAPABILITY_MATRIX.cap_new_power.kora"]["kind"] == "grant"
    assert by_path["ACTOR_CAPABILITY_MATRIX.cap_new_power.operator"]["kind"] == "grant"
    assert "ACTOR_CAPABILITY_MATRIX.cap_new_power.critic" not in by_path
    # the list and the literal type that grew with it
    assert by_path["ACTOR_CAPABILITIES[48]"]["kind"] == "value-added"
    assert by_path["ACTOR_CAPABILITIES[48]"]["after"] == "cap_new_power"
    member = by_path["ActorCapability"]
    assert (member["kind"], member["impact"]) == ("member-added", "breaking")
    mirrors = document["mirrors"]
    assert isinstance(mirrors, list)
    tally = mirrors[0]["privileges"]["ACTOR_CAPABILITY_MATRIX"]
    assert tally["kora"] == {"grant": 1, "revoke": 1}
    assert tally["operator"] == {"grant": 1, "revoke": 0}


def test_type_changes_are_marked_for_the_committed_reader(project: Path) -> None:
    charter = project / CHARTER_TS
    edit(charter, "  identity: string;\n", "  identity: string;\n  motto?: string;\n")
    edit(charter, "  audit_attribution: string;", "  audit_attribution?: string;")
    edit(charter, "  schema_version: 1;", "  schema_version: 1 | 2;")
    edit(charter, "  charter_modification: string;\n", "")
    edit(
        charter, "  authority_can_do: readonly string[];", "  authority_can_do: string;"
    )

    code, document = diff_json(project, "--fail-on", "breaking")

    assert code == 1
    found = {
        (c["path"], c["kind"], c["impact"], c.get("before"), c.get("after"))
        for c in changes_of(document)
    }
    sections = "KoraRoleCharterSections"
    assert found == {
        (f"{sections}.motto", "field-added", "breaking", None, "str (optional)"),
        (
            f"{sections}.audit_attribution",
            "optionality-changed",
            "breaking",
            "required",
            "optional",
        ),
        (f"{sections}.charter_modification", "field-removed", "breaking", "str", None),
        (
            f"{sections}.authority_can_do",
            "type-changed",
            "breaking",
            "tuple[str, ...]",
            "str",
        ),
        (
            "KoraRoleCharterContent.schema_version",
            "member-added",
            "breaking",
            None,
            "Literal[2]",
        ),
    }
    markdown = run_tsmirror("diff", "--format", "markdown", cwd=project).stdout
    assert_valid_markdown(markdown)
    assert "| **BREAKING** | `KoraRoleCharterSections.motto` |" in markdown


def test_compatible_type_changes_do_not_fail_on_breaking(project: Path) -> None:
    charter = project / CHARTER_TS
    # narrowing: the committed reader accepts everything the new type admits
    edit(charter, "  identity: string;", "  identity: 'kora';")
    edit(
        charter, "  effective_date_clause: string;", "  effective_date_clause?: string;"
    )

    code, document = diff_json(project, "--fail-on", "breaking")

    kinds = {(c["path"], c["impact"]) for c in changes_of(document)}
    assert ("KoraRoleCharterSections.identity", "compatible") in kinds
    # required -> optional is the one breaking change here
    assert ("KoraRoleCharterSections.effective_date_clause", "breaking") in kinds
    assert code == 1
    edit(
        charter, "  effective_date_clause?: string;", "  effective_date_clause: string;"
    )
    code, document = diff_json(project, "--fail-on", "breaking")
    assert code == 0
    assert [c["impact"] for c in changes_of(document)] == ["compatible"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_against_a_git_ref(project: Path) -> None:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    base = git(project, "rev-parse", "HEAD")
    set_kora_cell(project / MATRIX_TS, CAPABILITY, True)
    assert run_tsmirror("regen", cwd=project).returncode == 0
    git(project, "commit", "-qam", "grant")

    in_tree = run_tsmirror("diff", "--fail-on", "grant", cwd=project)
    assert in_tree.returncode == 0, "the working tree is regenerated: nothing to say"

    result = run_tsmirror("diff", "--against", base, "--fail-on", "grant", cwd=project)
    assert result.returncode == 1, result.stderr
    assert f"kora gains {CAPABILITY}" in result.stdout

    missing = run_tsmirror("diff", "--against", "no-such-ref", cwd=project)
    assert missing.returncode == 2
    assert "unknown git ref 'no-such-ref'" in missing.stderr


def test_diff_never_reads_generated_python(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = project / "generated" / "capability_matrix.py"
    payload = f"__import__('pathlib').Path({str(marker)!r}).write_text('x')"
    path.write_text(f"_ = {payload}\nnot python at all (\n")

    code, document = diff_json(project, "--fail-on", "any")

    assert code == 0, "the record, not the file, is the committed side"
    assert changes_of(document) == []
    assert not marker.exists()


def test_an_edited_record_is_a_located_error(project: Path) -> None:
    record = project / "generated" / "tsmirror.lock.json"
    record.write_text(record.read_text().replace('"kora"', '"kor"', 1))

    result = run_tsmirror("diff", cwd=project)

    assert result.returncode == 2
    assert result.stderr.startswith("generated/tsmirror.lock.json: error: ")
    assert "run `tsmirror regen`" in result.stderr
    assert "Traceback" not in result.stderr


def test_mirrors_without_a_record_are_an_error(project: Path) -> None:
    (project / "generated" / "tsmirror.lock.json").unlink()

    result = run_tsmirror("diff", cwd=project)

    assert result.returncode == 2
    assert "no recorded IR" in result.stderr


def test_no_committed_package_reads_as_all_added(project: Path) -> None:
    shutil.rmtree(project / "generated")

    code, document = diff_json(project, "--fail-on", "grant")

    assert code == 1
    kinds = [c["kind"] for c in changes_of(document)]
    assert kinds.count("capability-added") == 48
    assert "declaration-added" in kinds


# --- the record against everything the generator emits ------------------------------------

SHAPES = REPO_ROOT / "tests" / "cases" / "shapes" / "shapes" / "src"


def recorded(module: ir.Module) -> MirrorShape:
    """The committed side as `diff` reads it: rendered, and read back from the record."""
    files = render_package([module], module.strict_objects)
    record = read_record(files[RECORD_NAME], RECORD_NAME)
    return shape_of_module(record.mirrors[module.name])


def test_the_record_gives_back_the_ir_it_was_rendered_from() -> None:
    """The example substrate's; tests/test_cases.py checks every case's."""
    config_file = REPO_ROOT / "pyproject.toml"
    config = load_config(config_file, cwd=config_file.parent, environ={})
    modules = build_package(config)
    files = render_package(modules, config.strict_objects)

    record = read_record(files[RECORD_NAME], RECORD_NAME)

    assert list(record.mirrors.values()) == modules
    assert record.files == {
        name: hashlib.sha256(text.encode()).hexdigest()
        for name, text in files.items()
        if name != RECORD_NAME
    }
    for module in modules:
        shape = shape_of_module(module)
        assert diff_mirror(module.name, "x.py", shape, shape).changes == []


def test_the_record_of_the_type_corpus(tmp_path: Path) -> None:
    """Enums (string and int), optional and nullable fields, records with literal keys,
    nested anonymous objects, intersections, numeric literals."""
    config_file = tmp_path / "tsmirror.toml"
    symbols = [
        "ROLES",
        "LIMITS",
        "Role",
        "LimitName",
        "LimitValue",
        "Color",
        "Priority",
        "Member",
        "Pair",
        "Envelope",
    ]
    config_file.write_text(
        f"[tool.tsmirror]\nsource_root = {str(SHAPES)!r}\noutput_dir = 'out'\n"
        "[[tool.tsmirror.mirror]]\nmodule = 'shapes'\nsource = 'main.ts'\n"
        f"symbols = {json.dumps(symbols)}\n"
    )
    config = load_config(config_file, cwd=tmp_path, environ={})
    [module] = build_package(config)

    committed = recorded(module)

    assert committed == shape_of_module(module)
    kinds = {d.kind for d in committed.declarations}
    assert kinds == {"const", "alias", "enum", "object"}
    member = next(d for d in committed.declarations if d.name == "Member")
    assert any(f.optional for f in member.fields)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace('"optional": false', '"optional": true', 1),
        lambda t: t.replace('"format": 2', '"format": 1', 1),
        lambda t: t[:-5],
        lambda t: t.replace('"format": 2', '"format":  2', 1),
        lambda t: t.replace(',\n  "sha256"', ',\n   "sha256"', 1),
    ],
    ids=["edited", "older format", "truncated", "respaced", "digest respaced"],
)
def test_diff_refuses_a_record_it_cannot_trust(edit: object) -> None:
    config = load_config(REPO_ROOT / "pyproject.toml", cwd=REPO_ROOT, environ={})
    text = render_package(build_package(config), True)[RECORD_NAME]
    assert callable(edit)
    with pytest.raises(InputError, match="run `tsmirror regen`"):
        read_record(edit(text), "generated/tsmirror.lock.json")


def test_a_record_naming_no_primitive_is_refused() -> None:
    """Primitive names are a closed set: a record that names another, even with a digest
    that matches, is not one this version wrote."""
    from tsmirror.record import _self_digest

    config = load_config(REPO_ROOT / "pyproject.toml", cwd=REPO_ROOT, environ={})
    text = render_package(build_package(config), True)[RECORD_NAME]
    body = text[: text.rindex(',\n  "sha256"')] + "\n}\n"
    assert '"kind": "string"' in body
    body = body.replace('"kind": "string"', '"kind": "strin"', 1)
    forged = body[: -len("\n}\n")] + f',\n  "sha256": "{_self_digest(body)}"\n}}\n'
    assert read_record(text, RECORD_NAME).mirrors  # the genuine one reads
    with pytest.raises(InputError, match="run `tsmirror regen`"):
        read_record(forged, "generated/tsmirror.lock.json")


# --- the rules, one by one ----------------------------------------------------------------

S, N, B, NULL = ir.STRING, ir.NUMBER, ir.BOOLEAN, ir.NULL


def lit(*values: str | int | float | bool) -> ir.TypeRef:
    members = tuple(ir.LiteralType(v) for v in values)
    return members[0] if len(members) == 1 else ir.UnionType(members)


@pytest.mark.parametrize(
    ("old", "new", "accepted"),
    [
        (S, lit("a"), True),  # narrowed to a literal
        (lit("a"), S, False),  # widened
        (lit("a", "b"), lit("a"), True),  # member removed
        (lit("a"), lit("a", "b"), False),  # member added
        (N, lit(1, 2.5), True),
        (B, lit(1), False),  # true is never 1
        (lit(1), lit(True), False),
        (ir.UnionType((S, NULL)), S, True),  # null no longer sent
        (S, ir.UnionType((S, NULL)), False),  # null may now be sent
        (ir.ArrayType(S), ir.ArrayType(lit("x")), True),
        (ir.ArrayType(lit("x")), ir.ArrayType(S), False),
        (ir.RecordType(S, N), ir.RecordType(lit("a", "b"), N), True),
        (ir.RecordType(lit("a", "b"), N), ir.RecordType(lit("a"), N), False),
        (ir.NamedType("A"), ir.NamedType("A"), True),
        (ir.NamedType("A"), ir.NamedType("B"), False),
        (N, ir.INTEGER, True),
        (S, N, False),
    ],
)
def test_accepts(old: ir.TypeRef, new: ir.TypeRef, accepted: bool) -> None:
    assert accepts(canonical(old), canonical(new)) is accepted


def test_canonical_ignores_union_order_but_not_bool_versus_number() -> None:
    assert canonical(ir.UnionType((S, lit("a"), NULL))) == canonical(
        ir.UnionType((NULL, ir.UnionType((lit("a"), S))))
    )
    assert canonical(lit(True)) != canonical(lit(1))


def test_enum_members_added_removed_renamed() -> None:
    def enum(*members: tuple[str, str]) -> ir.Module:
        decl = ir.EnumDecl(
            "Colour", tuple(ir.EnumMember(n, n, v, None) for n, v in members), None
        )
        return ir.Module("m", ("m.ts",), "0" * 64, (decl,), True)

    old = recorded(enum(("Red", "red"), ("Blue", "blue")))
    new = shape_of_module(enum(("Crimson", "red"), ("Green", "green")))

    changes = diff_mirror("m", "m.py", old, new).changes

    assert [(c.path, c.kind, c.impact) for c in changes] == [
        ("Colour.Crimson", Kind.MEMBER_RENAMED, Impact.COMPATIBLE),
        ("Colour.Green", Kind.MEMBER_ADDED, Impact.BREAKING),
        ("Colour.Blue", Kind.MEMBER_REMOVED, Impact.COMPATIBLE),
    ]


def test_field_added_is_compatible_without_strict_objects() -> None:
    def module(*names: str, strict: bool) -> ir.Module:
        fields = tuple(ir.Field(n, n, S, False, None) for n in names)
        return ir.Module("m", (), "0" * 64, (ir.ObjectDecl("T", fields, None),), strict)

    lax = recorded(module("a", strict=False))
    strict = recorded(module("a", strict=True))
    new = shape_of_module(module("a", "b", strict=True))

    [loose] = diff_mirror("m", "m.py", lax, new).changes
    [tight] = diff_mirror("m", "m.py", strict, new).changes
    assert (loose.kind, loose.impact) == (Kind.FIELD_ADDED, Impact.COMPATIBLE)
    assert (tight.kind, tight.impact) == (Kind.FIELD_ADDED, Impact.BREAKING)


def test_index_signature_changes_go_through_the_record() -> None:
    """The keys beside the fields: added (breaking under strict objects), widened
    (breaking), narrowed (compatible) and removed (compatible), read back from the record."""

    def module(extra: ir.TypeRef | None) -> ir.Module:
        fields = (ir.Field("id", "id", S, False, None),)
        decl = ir.ObjectDecl("T", fields, None, extra=extra)
        return ir.Module("m", (), "0" * 64, (decl,), True)

    def change(old: ir.TypeRef | None, new: ir.TypeRef | None) -> tuple[str, str]:
        [found] = diff_mirror(
            "m", "m.py", recorded(module(old)), shape_of_module(module(new))
        ).changes
        assert found.path == "T[string]"
        return found.kind, found.impact

    assert change(None, S) == (Kind.FIELD_ADDED, Impact.BREAKING)
    assert change(lit("a"), S) == (Kind.TYPE_CHANGED, Impact.BREAKING)
    assert change(S, lit("a")) == (Kind.TYPE_CHANGED, Impact.COMPATIBLE)
    assert change(S, None) == (Kind.FIELD_REMOVED, Impact.COMPATIBLE)
    assert (
        diff_mirror("m", "m.py", recorded(module(S)), recorded(module(S))).changes == []
    )


def test_const_values_are_compared_at_their_full_path() -> None:
    def module(value: ir.JsonValue) -> ir.Module:
        decl = ir.ConstDecl("LIMITS", value, ir.NEVER, None)
        return ir.Module("m", (), "0" * 64, (decl,), True)

    old = recorded(module({"a b": [1, 2, 3], "flag": True, "gone": None}))
    new = shape_of_module(module({"a b": [1, 9, 2, 3], "flag": 1, "new": "x"}))

    changes = diff_mirror("m", "m.py", old, new).changes

    assert [(c.path, c.kind, c.before, c.after) for c in changes] == [
        ('LIMITS["a b"][1]', Kind.VALUE_ADDED, ABSENT, 9),
        ("LIMITS.flag", Kind.VALUE_CHANGED, True, 1),
        ("LIMITS.gone", Kind.VALUE_REMOVED, None, ABSENT),
        ("LIMITS.new", Kind.VALUE_ADDED, ABSENT, "x"),
    ]
    assert {c.impact for c in changes} == {Impact.VALUE}


def test_markdown_survives_hostile_values() -> None:
    nasty = "a|b`c``d\nnew line **bold** <script>"
    change = Change(
        "X", f"X[{json.dumps(nasty)}]", Kind.VALUE_CHANGED, Impact.VALUE, nasty, "`"
    )
    diff = MirrorDiff("m|od", "gen/m`.py", [change])

    markdown = render_markdown([diff])

    assert_valid_markdown(markdown)
    # outside code spans, nothing the value says can become markup or HTML
    prose = re.sub(r"(`+).*?\1", "", markdown)
    assert "<script>" not in prose and "**bold**" not in prose
    assert "new line" not in prose
    assert md_code("`x`") == "`` `x` ``"


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_text_is_coloured_for_a_terminal_unless_no_color(
    project: Path, monkeypatch: pytest.MonkeyPatch, no_color: str | None, coloured: bool
) -> None:
    from click.testing import CliRunner

    from tsmirror.cli import main

    set_kora_cell(project / MATRIX_TS, CAPABILITY, True)
    monkeypatch.chdir(project)
    monkeypatch.delenv("KORA_ISOKRON_REPO", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)

    # color=True stands for a TTY: click strips styles only when it is False
    result = CliRunner().invoke(main, ["diff"], color=True)

    assert result.exit_code == 0, result.output
    assert ("\x1b[" in result.output) is coloured
    assert "GRANT" in result.output


@pytest.mark.parametrize("emptied", [{}, None], ids=["emptied", "removed"])
def test_a_matrix_emptied_or_removed_revokes_every_grant(emptied: object) -> None:
    def module(value: ir.JsonValue | None) -> ir.Module:
        decls = () if value is None else (ir.ConstDecl("M", value, ir.NEVER, None),)
        return ir.Module("m", (), "0" * 64, decls, True)

    matrix: ir.JsonValue = {"cap_a": {"kora": True, "critic": False}}
    old = recorded(module(matrix))
    new = shape_of_module(module(emptied))  # type: ignore[arg-type]

    diff = diff_mirror("m", "m.py", old, new)

    assert [(c.path, c.kind) for c in diff.changes] == [
        ("M.cap_a", Kind.CAPABILITY_REMOVED),
        ("M.cap_a.kora", Kind.REVOKE),
    ]
    assert diff.privileges["M"]["kora"].revokes == 1
