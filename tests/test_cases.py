"""Every folder of tests/cases/, one format, one runner (tests/cases/README.md).

Per case: the real `regen` gives exactly expected/ (files, or the located error of a
refusal) and `check` agrees; the record in expected/ reads back to the IR it was rendered
from; the mirror agrees with the recorded oracle data (each const equals what Node printed,
through the mirror and through `extract`; `from_json` accepts exactly the documents TypeScript
admits and gives each back unchanged). Over all cases at once: expected/ is clean under ruff
and mypy --strict, and (marked node) TypeScript still says what oracle/ records: tsc
--strict's diagnostics, Node's values, ajv's and tsc's verdicts.

`TSMIRROR_UPDATE_CASES=1` rewrites expected/ and the oracle's verdicts and values instead of
comparing them; review the diff.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.mirrors import decoder, encoder, import_mirror
from tests.oracle import judge_cases, nearest_tsconfig, node_evaluate_many
from tests.project import snapshot
from tsmirror import ir
from tsmirror.cli import main
from tsmirror.config import Config, Mirror, load_config
from tsmirror.extract_json import extract_symbol, stringify
from tsmirror.generate import build_package
from tsmirror.paths import RECORD_NAME
from tsmirror.record import read_record

CASES = Path(__file__).resolve().parent / "cases"
REPO = CASES.parent.parent
UPDATE = os.environ.get("TSMIRROR_UPDATE_CASES") == "1"
BIN = Path(sys.executable).parent
REFUSAL = "stderr.txt"  # expected/ of a refused case holds only this
# what a refusal's every line must look like: GCC style, located
_LOCATED = re.compile(r"^\S[^:]*(?::\d+:\d+)?: error: \S")


@dataclass(frozen=True)
class Case:
    folder: Path

    @property
    def id(self) -> str:
        return self.folder.relative_to(CASES).as_posix()

    @property
    def expected(self) -> Path:
        return self.folder / "expected"

    @property
    def refused(self) -> bool:
        return (self.expected / REFUSAL).is_file()

    @cached_property
    def config(self) -> Config:
        return load_config(self.folder / "tsmirror.toml", cwd=self.folder, environ={})

    @cached_property
    def modules(self) -> list[ir.Module]:
        return build_package(self.config)

    def oracle(self, name: str) -> dict[str, Any]:
        path = self.folder / "oracle" / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def oracle_text(self, name: str) -> str:
        path = self.folder / "oracle" / name
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def write_oracle(self, name: str, data: dict[str, Any]) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n" if data else ""
        self.write_text(name, text)

    def write_text(self, name: str, text: str) -> None:
        """oracle/``name`` holds ``text``; an empty one is no file."""
        path = self.folder / "oracle" / name
        if not text:
            path.unlink(missing_ok=True)
            if path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()
            return
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def owner_of(self, symbol: str) -> Mirror:
        """The mirror that lists ``symbol`` (a type of documents.json)."""
        found = [m for m in self.config.mirrors if symbol in m.symbols]
        assert found, f"{self.id}: no mirror lists {symbol} in its symbols"
        return found[0]


def all_cases() -> list[Case]:
    return [Case(p.parent) for p in sorted(CASES.glob("*/*/tsmirror.toml"))]


ALL = all_cases()
ACCEPTED = [c for c in ALL if not c.refused]


def ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def copy_case(case: Case, dest: Path) -> Path:
    """The case's inputs, in ``dest``, with a node_modules link to each package in it (a
    folder whose package.json has a name), as an install makes them for Node and tsc."""
    shutil.copytree(
        case.folder, dest, ignore=shutil.ignore_patterns("expected", "oracle", "out")
    )
    for manifest in sorted(dest.rglob("package.json")):
        name = json.loads(manifest.read_text(encoding="utf-8")).get("name")
        if name:
            link = dest / "node_modules" / name
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(manifest.parent, target_is_directory=True)
    return dest


def run_cli(work: Path, command: str) -> tuple[int, str]:
    """`tsmirror <command> --config tsmirror.toml` run as a user runs it in ``work``: its
    exit code and stderr. An uncaught exception (a traceback) fails the test."""
    cwd = Path.cwd()
    os.chdir(work)
    try:
        result = CliRunner().invoke(main, [command, "--config", "tsmirror.toml"])
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output
    )
    return result.exit_code, result.stderr


# --- bytes and the record --------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL, ids=ids(ALL))
def test_case_renders_expected(case: Case, tmp_path: Path) -> None:
    work = copy_case(case, tmp_path / "case")
    code, stderr = run_cli(work, "regen")
    out = work / "out"
    if UPDATE:
        shutil.rmtree(case.expected, ignore_errors=True)
        if code == 2:
            case.expected.mkdir()
            (case.expected / REFUSAL).write_text(stderr, encoding="utf-8")
        elif code == 0:
            shutil.copytree(out, case.expected)
    if case.refused:
        # a refusal is located, exits 2, shows no traceback and writes nothing
        assert code == 2, (
            f"{case.id}: exit {code}; refresh with TSMIRROR_UPDATE_CASES=1"
        )
        assert stderr == (case.expected / REFUSAL).read_text(encoding="utf-8")
        assert all(_LOCATED.match(line) for line in stderr.splitlines()), stderr
        assert not out.exists() or list(out.iterdir()) == []
        return
    assert code == 0, f"{case.id}: {stderr}"
    actual, wanted = snapshot(out), snapshot(case.expected)
    assert sorted(actual) == sorted(wanted), "refresh with TSMIRROR_UPDATE_CASES=1"
    for name, data in actual.items():
        assert data.decode() == wanted[name].decode(), f"{case.id}/expected/{name}"
    # check renders the same map regen wrote, so it must agree right after.
    code, stderr = run_cli(work, "check")
    assert code == 0, stderr


@pytest.mark.parametrize("case", ACCEPTED, ids=ids(ACCEPTED))
def test_the_record_reads_back_to_the_ir(case: Case) -> None:
    """expected/'s record is what `diff` reads as the committed side: it must give back the
    very IR the mirrors were rendered from, and the hash of every file beside it."""
    text = (case.expected / RECORD_NAME).read_text(encoding="utf-8")
    record = read_record(text, RECORD_NAME)

    assert list(record.mirrors.values()) == case.modules
    assert record.strict_objects == case.config.strict_objects
    files = snapshot(case.expected)
    assert record.files == {
        name: hashlib.sha256(data).hexdigest()
        for name, data in files.items()
        if name != RECORD_NAME
    }


# --- TypeScript itself, asked again (first, so that a refresh records before checks read) -----


def oracle_jobs(cases: list[Case], work: Path) -> Iterator[tuple[Case, dict[str, Any]]]:
    """What to ask TypeScript about each case, its inputs copied under ``work``."""
    for case in cases:
        root = copy_case(case, work / case.id)
        job: dict[str, Any] = {
            "tsconfig": str(root / "tsconfig.json"),
            "values": [],
            "types": [],
            "probes": [],
        }
        src = root / case.config.source_root.relative_to(case.folder)
        for module, mirror in zip(case.modules, case.config.mirrors, strict=True):
            symbols = [
                d.name for d in module.declarations if isinstance(d, ir.ConstDecl)
            ]
            if symbols:
                job["values"].append((module.name, src / mirror.source, symbols))
        for type_name, entry in case.oracle("documents.json").items():
            docs = documents(entry)
            source = src / case.owner_of(type_name).source
            ask = {"file": str(source), "type": type_name, "documents": docs}
            job["types"].append(ask)
            departs = ["departs" in entry or "departs" in v for v in entry["variants"]]
            job["probes"].append(
                {
                    **ask,
                    "documents": [d for d, p in zip(docs, departs, strict=True) if p],
                }
            )
        yield case, job


def node_values(jobs: list[dict[str, Any]]) -> list[list[list[str] | str]]:
    """What Node prints of each case's consts: one Node process per distinct tsconfig the
    files load under (tsx reads `paths` only from the one it starts with)."""
    groups: dict[str, tuple[Path, list[tuple[int, int]]]] = {}
    for i, job in enumerate(jobs):
        for j, (_, file, _) in enumerate(job["values"]):
            tsconfig = nearest_tsconfig(file)
            assert tsconfig is not None, file  # every case has one
            text = tsconfig.read_text(encoding="utf-8")
            key = str(tsconfig) if "extends" in text else text
            groups.setdefault(key, (tsconfig, []))[1].append((i, j))
    answers: list[list[list[str] | str]] = [[""] * len(job["values"]) for job in jobs]
    for tsconfig, members in groups.values():
        asked = [jobs[i]["values"][j] for i, j in members]
        got = node_evaluate_many([(f, symbols) for _, f, symbols in asked], tsconfig)
        for (i, j), answer in zip(members, got, strict=True):
            answers[i][j] = answer
    return answers


@pytest.mark.node
def test_typescript_still_says_what_the_oracle_records(tmp_path: Path) -> None:
    """TypeScript judges every case again (tsc and ajv in one Node process, Node's values in
    a few) and must say what oracle/ records: tsc --strict's diagnostics of the case (none,
    for most), each const's JSON text, and each document's verdicts."""
    # read afresh: a refresh in this session may have changed which cases are refused
    accepted = [case for case in all_cases() if not case.refused]
    if UPDATE:
        for case in set(all_cases()) - set(accepted):
            for name in ("documents.json", "values.json", "diagnostics.txt"):
                case.write_text(name, "")
    pairs = list(oracle_jobs(accepted, tmp_path))
    cases, jobs = [c for c, _ in pairs], [j for _, j in pairs]
    answers = judge_cases(
        [{k: v for k, v in job.items() if k != "values"} for job in jobs]
    )
    all_values = node_values(jobs)
    problems: list[str] = []
    for case, job, answer, got_values in zip(
        cases, jobs, answers, all_values, strict=True
    ):
        diagnostics = "".join(f"{d}\n" for d in answer["diagnostics"])
        values = {}
        for (module, _, symbols), got in zip(job["values"], got_values, strict=True):
            if isinstance(got, str):
                problems.append(f"{case.id}: Node: {got}")
                continue
            values[module] = dict(zip(symbols, got, strict=True))
        entries = case.oracle("documents.json")
        for ask, ajv, tsc in zip(
            job["types"], answer["types"], answer["probes"], strict=True
        ):
            entry = entries[ask["type"]]
            if isinstance(tsc, dict):
                problems.append(f"{case.id}: tsc: {tsc['error']}")
                continue
            judged = iter(tsc)
            for i, variant in enumerate(entry["variants"]):
                variant["ajv"] = None if isinstance(ajv, dict) else ajv[i]
                if "departs" in entry or "departs" in variant:
                    variant["tsc"] = next(judged)
                else:
                    variant.pop("tsc", None)
            if isinstance(ajv, dict) and "departs" not in entry:
                problems.append(f"{case.id}: {ask['type']}: {ajv['error']}")
        if UPDATE:
            case.write_oracle("values.json", values)
            case.write_text("documents.json", documents_text(entries))
            case.write_text("diagnostics.txt", diagnostics)
            continue
        if diagnostics != case.oracle_text("diagnostics.txt"):
            problems.append(f"{case.id}: tsc --strict says otherwise:\n{diagnostics}")
        if values != case.oracle("values.json"):
            problems.append(f"{case.id}: Node prints other values than values.json")
        if entries != case.oracle("documents.json"):
            problems.append(
                f"{case.id}: ajv or tsc judge otherwise than documents.json"
            )
    assert not problems, "\n".join(problems)


# --- the oracle's data, judged without Node ---------------------------------------------------


def mutate(base: object, variant: Mapping[str, Any]) -> object:
    """A document of oracle/documents.json: ``base`` changed as ``variant`` says."""
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


_VARIANT_KEYS = {"why", "set", "delete", "replace", "departs", "ajv", "tsc"}


def documents(entry: Mapping[str, Any]) -> list[object]:
    for variant in entry["variants"]:
        # a misspelt change would judge the base again, unnoticed
        assert set(variant) <= _VARIANT_KEYS, f"{variant}: keys are {_VARIANT_KEYS}"
        assert len(set(variant) & {"set", "delete", "replace"}) <= 1, variant
    return [mutate(entry.get("base"), v) for v in entry["variants"]]


def documents_text(entries: Mapping[str, Any]) -> str:
    """documents.json as the refresh writes it: one line per variant, so a diff shows
    which verdict changed."""
    if not entries:
        return ""

    def line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    types = []
    for name, entry in entries.items():
        keys = [
            f"    {line(k)}: {line(v)}" for k, v in entry.items() if k != "variants"
        ]
        variants = ",\n".join(f"      {line(v)}" for v in entry["variants"])
        keys.append(f'    "variants": [\n{variants}\n    ]')
        types.append(f"  {line(name)}: {{\n" + ",\n".join(keys) + "\n  }")
    return "{\n" + ",\n".join(types) + "\n}\n"


def typescript_says(entry: Mapping[str, Any], variant: Mapping[str, Any]) -> bool:
    """The recorded verdict that counts: ajv's, or tsc's where the case notes that the
    schema generator departs from TypeScript (for this document, or for the whole type)."""
    departs = "departs" in entry or "departs" in variant
    assert departs == ("tsc" in variant), (
        f"{variant['why']}: a tsc verdict is recorded exactly where the case departs"
    )
    if "departs" in entry:
        # the generator makes no schema of the type at all
        assert variant["ajv"] is None, f"{variant['why']}: ajv judged it after all"
    elif "departs" in variant:
        # the note goes stale loudly once the generator agrees with TypeScript
        assert variant["ajv"] != variant["tsc"], f"{variant['why']}: ajv now agrees"
    verdict = variant["tsc"] if departs else variant["ajv"]
    assert isinstance(verdict, bool), f"{variant['why']}: refresh the oracle data"
    return verdict


def same_json(a: object, b: object) -> bool:
    """Equal as JSON documents, and of the same JSON kinds (true is never 1)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def same_value(ours: object, node: object) -> bool:
    """A mirrored const, made plain, is what Node printed: keys in the same order, numbers
    equal as doubles (JSON.stringify prints 2**64 as 18446744073709552000), true never 1."""
    if isinstance(ours, dict) and isinstance(node, dict):
        return list(ours) == list(node) and all(
            same_value(ours[k], node[k]) for k in ours
        )
    if isinstance(ours, list) and isinstance(node, list):
        return len(ours) == len(node) and all(map(same_value, ours, node))
    if isinstance(ours, bool) or isinstance(node, bool):
        return ours is node
    if isinstance(ours, int | float) and isinstance(node, int | float):
        return float(ours) == float(node)
    return type(ours) is type(node) and ours == node


def plain(value: object) -> object:
    """A mirrored const as the JSON value it holds (mappings keep their order)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    return value


@pytest.mark.parametrize("case", ACCEPTED, ids=ids(ACCEPTED))
def test_from_json_admits_what_typescript_admits(case: Case) -> None:
    disagreements = []
    for type_name, entry in case.oracle("documents.json").items():
        mirror = import_mirror(case.expected, case.owner_of(type_name).module)
        name = type_name.replace(".", "_")
        from_json, to_json = decoder(mirror, name), encoder(mirror, name)
        truths = []
        for variant, document in zip(entry["variants"], documents(entry), strict=True):
            truth = typescript_says(entry, variant)
            truths.append(truth)
            try:
                decoded = from_json(document)
            except ValueError:
                ours = False
            else:
                ours = True
                # what it admits it gives back unchanged
                assert same_json(to_json(decoded), document), variant["why"]
            if ours != truth:
                disagreements.append(
                    f"{type_name}: {variant['why']}: TypeScript says {truth}, "
                    f"from_json says {ours}"
                )
        # Both outcomes occur, so neither side can pass by accepting or rejecting all.
        assert True in truths and False in truths, type_name
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("case", ACCEPTED, ids=ids(ACCEPTED))
def test_consts_equal_what_node_printed(case: Case) -> None:
    recorded = case.oracle("values.json")
    consts = {
        (m.name, d.name): d
        for m in case.modules
        for d in m.declarations
        if isinstance(d, ir.ConstDecl)
    }
    # every const the mirrors hold is checked, and only those
    assert sorted(consts) == sorted(
        (module, symbol) for module, values in recorded.items() for symbol in values
    ), "refresh with TSMIRROR_UPDATE_CASES=1"
    for module, values in recorded.items():
        mirror = import_mirror(case.expected, module)
        source = next(m.source for m in case.config.mirrors if m.module == module)
        root = case.config.source_root
        for symbol, node_text in values.items():
            expected = json.loads(node_text)
            assert same_value(plain(getattr(mirror, symbol)), expected), symbol
            assert stringify(extract_symbol(root, root / source, symbol)) == node_text


# --- lint, over every case at once ------------------------------------------------------------


def test_expected_output_is_ruff_and_mypy_strict_clean(tmp_path: Path) -> None:
    """Each expected/ is a package of its own, so one call of each tool checks them all."""
    for case in ACCEPTED:
        name = "case_" + re.sub(r"\W", "_", case.id)
        shutil.copytree(
            case.expected, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    config = str(REPO / "pyproject.toml")
    packages = sorted(p.name for p in tmp_path.iterdir())
    ruff = [str(BIN / "ruff")]
    mypy = [
        str(BIN / "mypy"),
        "--strict",
        "--no-incremental",
        "--cache-dir",
        "/dev/null",
    ]
    for command in (
        [*ruff, "check", "--no-cache", "--config", config, *packages],
        [*ruff, "format", "--no-cache", "--check", "--config", config, *packages],
        [*mypy, *(arg for p in packages for arg in ("-p", p))],
    ):
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{command[0]}:\n{result.stdout}{result.stderr}"


def test_there_are_cases_of_every_kind() -> None:
    # An empty glob would make the parametrized tests vanish without a failure.
    assert len(ACCEPTED) >= 20 and len(ALL) - len(ACCEPTED) >= 20
    for case in ALL:
        assert (case.folder / "tsconfig.json").is_file(), case.id
        assert case.expected.is_dir(), (
            f"{case.id}: refresh with TSMIRROR_UPDATE_CASES=1"
        )
