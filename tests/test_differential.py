"""Parity with TypeScript itself, case by case from tests/corpus/.

- values/<case>/: every const named in case.json must print, through `tsmirror extract`,
  exactly what Node prints for `JSON.stringify` of the export (tsx evaluates the TypeScript).
- types/<case>/: for every type in case.json, the generated `from_json` must accept and reject
  exactly the documents that ts-json-schema-generator + ajv accept and reject. Where the
  generator departs from TypeScript, the variant says `"departs": "<why>"`: there tsc --strict
  itself judges the document (as a literal of the type), and ajv must still disagree with it,
  so the note goes stale loudly when the generator is fixed.
- refusals/: each file (or folder with main.ts) is statically unevaluable; it must be refused
  with exit 2 at the `line:col` its first line names, and nothing may be written.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.mirrors import decoder, lint_generated, render_mirror
from tests.oracle import ajv_verdicts, node_evaluate, typescript_accepts
from tsmirror.extract_json import extract_symbol, stringify

CORPUS = Path(__file__).parent / "corpus"
REPO = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def cases(kind: str) -> list[Path]:
    return sorted(p for p in (CORPUS / kind).iterdir() if (p / "case.json").is_file())


def load_case(folder: Path, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """A copy of the case folder, with node_modules links for its workspace packages."""
    spec = json.loads((folder / "case.json").read_text())
    root = tmp_path / folder.name
    shutil.copytree(folder, root)
    for package, target in spec.get("node_links", {}).items():
        link = root / "node_modules" / package
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(root / target, target_is_directory=True)
    return spec, root


@pytest.mark.node
@pytest.mark.parametrize("folder", cases("values"), ids=lambda p: p.name)
def test_values_equal_node(folder: Path, tmp_path: Path) -> None:
    spec, root = load_case(folder, tmp_path)
    entry = root / spec["entry"]
    expected = node_evaluate(entry, *spec["values"])
    for symbol, node_json in zip(spec["values"], expected, strict=True):
        ours = stringify(extract_symbol(root, entry, symbol))
        assert ours == node_json, symbol


def mutate(base: object, variant: dict[str, Any]) -> object:
    if "replace" in variant:
        return variant["replace"]
    doc = copy.deepcopy(base)
    if "set" in variant:
        path, value = variant["set"]
    elif "delete" in variant:
        path, value = variant["delete"], None
    else:
        return doc
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    if "delete" in variant:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


def accepts(from_json: Any, document: object) -> bool:
    try:
        from_json(document)
    except ValueError:
        return False
    return True


@pytest.mark.node
@pytest.mark.parametrize("folder", cases("types"), ids=lambda p: p.name)
def test_from_json_agrees_with_ajv(folder: Path, tmp_path: Path) -> None:
    spec, root = load_case(folder, tmp_path)
    entry = root / spec["entry"]
    mirror = render_mirror(
        root, entry, list(spec["types"]), tmp_path / f"mirror_{folder.name}.py"
    )
    for type_name, docs in spec["types"].items():
        documents = [mutate(docs["base"], v) for v in docs["variants"]]
        theirs = ajv_verdicts(entry, type_name, documents)
        ours = [accepts(decoder(mirror, type_name), d) for d in documents]
        for i, variant in enumerate(docs["variants"]):
            if "departs" in variant:
                judged = typescript_accepts(entry, type_name, documents[i])
                assert judged != theirs[i], f"{variant['why']}: ajv now agrees with tsc"
                theirs[i] = judged
        disagreements = [
            f"{v['why']}: the oracle says {t}, from_json says {o}"
            for v, t, o in zip(docs["variants"], theirs, ours, strict=True)
            if t != o
        ]
        assert not disagreements, "\n".join(disagreements)
        # Both outcomes occur, so neither side can pass by accepting or rejecting everything.
        assert True in theirs and False in theirs


@pytest.mark.parametrize("folder", cases("types"), ids=lambda p: p.name)
def test_generated_type_modules_pass_mypy_and_ruff(
    folder: Path, tmp_path: Path
) -> None:
    spec, root = load_case(folder, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    render_mirror(
        root, root / spec["entry"], list(spec["types"]), out / "corpus_mirror.py"
    )
    lint_generated(out)


def refusal_cases() -> list[Path]:
    folder = CORPUS / "refusals"
    return sorted([*folder.glob("*.ts"), *folder.glob("*/main.ts")])


# "// expect: SYMBOL [FILE:]LINE:COL words", or "- words" for an error with no position.
_EXPECT = re.compile(
    r"// expect: (?P<symbol>\S+) (?:(?P<file>[\w./-]+\.ts):)?"
    r"(?:(?P<line>\d+):(?P<col>\d+)|-) (?P<words>.+)"
)


@pytest.mark.parametrize(
    "entry",
    refusal_cases(),
    ids=lambda p: p.parent.name if p.name == "main.ts" else p.stem,
)
def test_refusals_are_located(entry: Path, tmp_path: Path) -> None:
    """Exit 2, `file:line:col: error: ...` naming the construct, nothing written."""
    match = _EXPECT.match(entry.read_text(encoding="utf-8", errors="replace"))
    assert match, f"{entry} must start with '// expect: SYMBOL LINE:COL words'"
    case_root = entry.parent
    project = tmp_path / "project"
    shutil.copytree(case_root, project / "src")
    rel = entry.relative_to(case_root).as_posix()
    (project / "out").mkdir()
    (project / "mirror.toml").write_text(
        "[tool.tsmirror]\n"
        'source_root = "src"\noutput_dir = "out"\n'
        "[[tool.tsmirror.mirror]]\n"
        f'module = "refused"\nsource = "{rel}"\nsymbols = ["{match["symbol"]}"]\n'
    )
    result = subprocess.run(
        [BIN / "tsmirror", "regen", "--config", "mirror.toml"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    where = f"src/{Path(rel).parent / match['file']}" if match["file"] else f"src/{rel}"
    position = f":{match['line']}:{match['col']}" if match["line"] else ""
    location = f"{where}{position}: error: "
    assert line.startswith(location), line
    assert match["words"] in line, line
    assert list((project / "out").iterdir()) == []
