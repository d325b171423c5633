"""Random compositions of TypeScript's type operators, judged by the mirror and by
ts-json-schema-generator + ajv.

Each campaign writes one TypeScript file: fixed base declarations, then ``count`` interfaces
``FuzzN { v: <random type expression> }`` built from generics, mapped types, the utility
types, keyof, indexed access, conditional types, intersections over unions and template
literal types, index signatures beside properties, and unions of object types
(discriminated or not); every fourth is instead an alias ``FuzzN = <union of object
types>``, judged through its own ``FuzzN_from_json``. tsmirror mirrors them; documents
come from the mirror's own IR (valid
samples, then mutations of them) and from a fixed pool, and every one must get the same
verdict from ``from_json`` as from ajv, or, where they differ, as from tsc --strict itself
(the generator departs from TypeScript in places; tests/cases/*/*/oracle/documents.json notes them).
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.mirrors import decoder, render_mirror
from tests.oracle import ajv_verdicts_many, typescript_accepts
from tsmirror import ir
from tsmirror.errors import InputError
from tsmirror.generate import build_ir

BASE = """\
interface Base {
  id: string;
  name?: string;
  count: number;
  tags: string[];
  kind: 'a' | 'b';
}
interface Other {
  kind: 'c';
  flag: boolean;
  count: number;
}
type Keys = 'x' | 'y' | 'z';
interface Box<T, U = number> {
  value: T;
  extra?: U;
}
type Maybe<T> = T | null;
type Swap<T> = T extends string ? number : T extends number ? string : T;
type Elem<T> = T extends (infer U)[] ? U : never;
type Wrap<T> = { [K in Keys]?: T };
"""

_KEY_SUBSETS = ["'id'", "'count' | 'kind'", "'tags' | 'name'", "'id' | 'name' | 'kind'"]
_LEAVES = [
    "string",
    "number",
    "boolean",
    "null",
    "'lit'",
    "7",
    "true",
    "Keys",
    "Base",
    "Other",
]
_POOL: list[object] = [
    None,
    0,
    1.5,
    "x",
    "a",
    "lit",
    7,
    True,
    [],
    {},
    ["x"],
    {"id": "i"},
]


def _expression(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.2:
        return rng.choice(_LEAVES)
    inner = lambda: _expression(rng, depth - 1)  # noqa: E731
    keys = rng.choice(_KEY_SUBSETS)
    forms = [
        lambda: f"Box<{inner()}>",
        lambda: f"Box<{inner()}, {inner()}>",
        lambda: f"Maybe<{inner()}>",
        lambda: f"{_atom(inner())}[]",
        lambda: f"Array<{inner()}>",
        lambda: "Partial<Base>",
        lambda: "Required<Other>",
        lambda: f"Pick<Base, {keys}>",
        lambda: f"Omit<Base, {keys}>",
        lambda: f"Record<Keys, {inner()}>",
        lambda: f"Record<string, {inner()}>",
        lambda: "Exclude<Keys, 'x'>",
        lambda: "Extract<Keys | 'w', 'y' | 'w'>",
        lambda: f"{{ [K in Keys]: {inner()} }}",
        lambda: f"{{ [K in Keys]?: {inner()} }}",
        lambda: f"Wrap<{inner()}>",
        lambda: "{ [K in keyof Other as `o_${K}`]: Other[K] }",
        lambda: f"Base[{keys}]",
        lambda: "keyof Base",
        lambda: "Base['tags'][number]",
        lambda: f"Swap<{inner()}>",
        lambda: f"Elem<{_atom(inner())}[]>",
        lambda: f"{_atom(inner())} | {_atom(inner())}",
        lambda: f"{{ shared: {inner()} }} & (Base | Other)",
        lambda: "(Base | Other) & { extra?: boolean }",
        lambda: "`t_${Keys}`",
        lambda: f"[{inner()}, {inner()}]",
        lambda: f"[{inner()}, {_atom(inner())}?]",
        lambda: f"[string, ...{_atom(inner())}[]]",
        lambda: "[label: Keys, count?: number]",
        lambda: "Uppercase<Keys>",
        lambda: f"{{ a: {inner()}; b?: {inner()} }}",
        lambda: _object_union(rng, depth),
        lambda: "Base | Other",
        lambda: f"{{ id: string; [k: string]: string | {_atom(inner())} }}",
        lambda: f"Record<string, {inner()}> & {{ id: {inner()} }}",
    ]
    return rng.choice(forms)()


_TAGS = ["'p'", "'q'", "'r'", "1", "true", "null", "'s' | 'u'"]


def _object_union(rng: random.Random, depth: int) -> str:
    """A union of object types: discriminated by ``t`` (literal, numeric, boolean, null or
    several literals per member), or with overlapping keys and no discriminant; sometimes
    with a member that is no object, or an interface beside them (which has no ``t``)."""
    inner = lambda: _expression(rng, depth - 1)  # noqa: E731
    count = rng.randint(2, 3)
    if rng.random() < 0.6:
        tags = rng.sample(_TAGS, k=count)
        members = [
            f"{{ t: {tag}; {rng.choice('ab')}{rng.choice(['', '?'])}: {inner()} }}"
            for tag in tags
        ]
    else:
        shapes = ["a: {}", "b: {}", "a: {}; b?: {}", "a?: {}; c: {}"]
        members = [
            "{ " + shape.format(*(inner() for _ in range(2))) + " }"
            for shape in rng.sample(shapes, k=count)
        ]
    extra = rng.choice(["", "", " | null", " | string", " | Base", " | 'lit'"])
    return " | ".join(members) + extra


def _atom(text: str) -> str:
    return f"({text})" if " " in text or text.startswith("{") else text


@dataclass
class Report:
    compared: int = 0
    accepted: int = 0
    findings: list[str] = field(default_factory=list)
    generator_failed: list[str] = field(default_factory=list)
    # disagreements with ajv where tsc --strict sides with the mirror
    departures: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _sample(
    type_: ir.TypeRef, decls: dict[str, ir.Declaration], rng: random.Random, depth: int
) -> object:
    """A value the type admits (by the mirror's own reading; ajv checks that too)."""
    if depth > 12:
        raise RecursionError
    if isinstance(type_, ir.Primitive):
        return {
            "string": "s",
            "number": 2.5,
            "integer": 3,
            "boolean": True,
            "null": None,
            "never": None,  # no value is one; the document tests a rejection
            "unknown": None,
        }[type_.name]
    if isinstance(type_, ir.LiteralType):
        return type_.value
    if isinstance(type_, ir.ArrayType):
        return [
            _sample(type_.element, decls, rng, depth + 1)
            for _ in range(rng.randint(0, 2))
        ]
    if isinstance(type_, ir.UnionType):
        return _sample(rng.choice(type_.members), decls, rng, depth + 1)
    if isinstance(type_, ir.TupleType):
        count = rng.randint(type_.required, len(type_.elements))
        items = [_sample(e, decls, rng, depth + 1) for e in type_.elements[:count]]
        if type_.rest is not None and count == len(type_.elements):
            items += [_sample(type_.rest, decls, rng, depth + 1)] * rng.randint(0, 2)
        return items
    if isinstance(type_, ir.RecordType):
        key = type_.key
        while isinstance(key, ir.NamedType):
            alias = decls[key.name]
            assert isinstance(alias, ir.AliasDecl)
            key = alias.type
        names = (
            [m.value for m in key.members if isinstance(m, ir.LiteralType)]
            if isinstance(key, ir.UnionType)
            else [key.value]
            if isinstance(key, ir.LiteralType)
            else ["k1", "k2"][: rng.randint(0, 2)]
        )
        return {str(n): _sample(type_.value, decls, rng, depth + 1) for n in names}
    assert isinstance(type_, ir.NamedType)
    decl = decls[type_.name]
    if isinstance(decl, ir.AliasDecl):
        return _sample(decl.type, decls, rng, depth + 1)
    if isinstance(decl, ir.EnumDecl):
        return rng.choice(decl.members).value
    assert isinstance(decl, ir.ObjectDecl)
    known = {
        f.name: _sample(f.type, decls, rng, depth + 1)
        for f in decl.fields
        if not f.optional or rng.random() < 0.6
    }
    if decl.extra is not None:
        for key in ["k1", "k2"][: rng.randint(0, 2)]:
            known[key] = _sample(decl.extra, decls, rng, depth + 1)
    return known


def _mutate(doc: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(doc)
    paths: list[list[Any]] = []

    def walk(value: Any, path: list[Any]) -> None:
        paths.append(path)
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, [*path, k])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, [*path, i])

    walk(doc, [])
    path = rng.choice(paths)
    if not path:
        return rng.choice(_POOL)
    parent: Any = doc
    for step in path[:-1]:
        parent = parent[step]
    action = rng.random()
    if action < 0.3 and isinstance(parent, dict):
        del parent[path[-1]]
    elif action < 0.45 and isinstance(parent, dict):
        parent["unexpected"] = rng.choice(_POOL)
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(_POOL))
    return doc


def campaign(count: int, seed: int, workdir: Path, docs_per_type: int = 8) -> Report:
    rng = random.Random(seed)
    lines = [BASE]
    names = []
    aliases: set[str] = set()
    for i in range(count):
        names.append(f"Fuzz{i}")
        if i % 4 == 3:  # an alias of a union of object types, with a decoder of its own
            # (its inline members are named after it: Fuzz3's Fuzz31 is not Fuzz31's)
            aliases.add(f"Fuzz{i}")
            lines.append(f"export type Fuzz{i} = {_object_union(rng, 2)};\n")
        else:
            expression = _expression(rng, 3)
            lines.append(f"export interface Fuzz{i} {{\n  v: {expression};\n}}\n")
    source = workdir / "fuzz.ts"
    report = Report()
    source.write_text("\n".join(lines), encoding="utf-8")
    for name in list(names):
        # a composition the mirror refuses (with a location) is left out of the campaign
        try:
            build_ir(workdir, source, "type_fuzz", [name])
        except InputError as error:
            assert error.location is not None, error
            report.refused.append(f"{name}: {error.message}")
            names.remove(name)
    module = build_ir(workdir, source, "type_fuzz", names)
    decls = {d.name: d for d in module.declarations}
    mirror = render_mirror(workdir, source, names, workdir / "type_fuzz_mirror.py")
    jobs: list[tuple[str, list[object]]] = []
    for name in names:
        try:
            valid = _sample(ir.NamedType(name), decls, rng, 0)
            other = _sample(ir.NamedType(name), decls, rng, 0)
        except RecursionError:
            valid = other = {"v": None}
        documents: list[object] = [valid, other]
        documents += [_mutate(valid, rng) for _ in range(docs_per_type - 3)]
        pooled = rng.choice(_POOL)
        documents.append(pooled if name in aliases else {"v": pooled})
        jobs.append((name, documents))
    for (name, documents), verdicts in zip(
        jobs, ajv_verdicts_many(source, jobs), strict=True
    ):
        if isinstance(verdicts, str):
            report.generator_failed.append(f"{name}: {verdicts}")
            continue
        from_json = decoder(mirror, name)
        for document, theirs in zip(documents, verdicts, strict=True):
            try:
                from_json(document)
                ours = True
            except ValueError:
                ours = False
            report.compared += 1
            report.accepted += theirs
            if ours != theirs:
                declared = next(
                    text
                    for text in source.read_text().split("export ")
                    if re.match(rf"(type|interface) {name}\b", text)
                )
                line = (
                    f"{declared.strip()} on {document!r}: "
                    f"ajv says {theirs}, from_json says {ours}"
                )
                if typescript_accepts(source, name, document) == ours:
                    report.departures.append(line)  # the generator departs from tsc
                else:
                    report.findings.append(line)
    return report
