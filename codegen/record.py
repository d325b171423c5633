"""The recorded IR: what every mirror of an output package was rendered from.

``regen`` writes it beside the mirrors as :data:`~tsmirror.paths.RECORD_NAME`, ``check``
compares it byte for byte like any generated file, and ``diff`` reads it (from the working
tree or from a git ref) as the committed side, so nothing ever parses generated Python back.
It is JSON, written deterministically (fixed key order, two-space indent, ASCII only)::

    {"tsmirror": <what this file is>, "format": <FORMAT_VERSION>, "strict_objects": bool,
     "files": {<file name>: <SHA-256 of the file as written>},
     "mirrors": {<module>: {"sources", "source_sha256", "listed", "imports",
                            "declarations"}},
     "sha256": <SHA-256 of the text above this key>}

A type is recorded as ``tsmirror extract`` prints it (:func:`type_json`); a declaration with
every IR field. ``origin`` is not recorded: it is no part of the output.
"""

from __future__ import annotations

import hashlib
import json
import math
from json.encoder import encode_basestring_ascii as _quote
from typing import Any, assert_never

from tsmirror import ir
from tsmirror.errors import InputError
from tsmirror.header import FORMAT_VERSION
from tsmirror.valueclass import valueclass

_ABOUT = (
    "The IR each mirror was rendered from. Written by `tsmirror regen`, verified by "
    "`tsmirror check`, read by `tsmirror diff`. DO NOT EDIT."
)


@valueclass
class Record:
    format: int
    strict_objects: bool
    files: dict[str, str]  # file name -> SHA-256 of its text as regen wrote it
    mirrors: dict[str, ir.Module]


# --- writing --------------------------------------------------------------------------------


def type_json(type_: ir.TypeRef) -> ir.JsonValue:
    match type_:
        case ir.Primitive(name):
            return {"kind": name.value}
        case ir.LiteralType(value):
            return {"kind": "literal", "value": value}
        case ir.ArrayType(element):
            return {"kind": "array", "element": type_json(element)}
        case ir.TupleType(elements, required, rest):
            return {
                "kind": "tuple",
                "elements": [type_json(e) for e in elements],
                "required": required,
                "rest": type_json(rest) if rest is not None else None,
            }
        case ir.RecordType(key, value):
            return {"kind": "record", "key": type_json(key), "value": type_json(value)}
        case ir.UnionType(parts):
            return {"kind": "union", "members": [type_json(m) for m in parts]}
        case ir.NamedType(name):
            return {"kind": "ref", "name": name}
        case ir.TemplateType(texts, holes):
            return {
                "kind": "template",
                "texts": list(texts),
                "holes": [h.value for h in holes],
            }
        case _:
            assert_never(type_)


def declaration_json(decl: ir.Declaration) -> ir.JsonValue:
    match decl:
        case ir.ConstDecl(name, value, type_, doc):
            return {
                "kind": "const",
                "name": name,
                "type": type_json(type_),
                "value": value,
                "doc": doc,
            }
        case ir.AliasDecl(name, type_, doc):
            return {"kind": "alias", "name": name, "type": type_json(type_), "doc": doc}
        case ir.EnumDecl(name, enum_members, doc):
            return {
                "kind": "enum",
                "name": name,
                "members": [
                    {
                        "name": m.name,
                        "py_name": m.py_name,
                        "value": m.value,
                        "doc": m.doc,
                    }
                    for m in enum_members
                ],
                "doc": doc,
            }
        case ir.ObjectDecl(name, fields, doc, _, extra):
            recorded: dict[str, ir.JsonValue] = {
                "kind": "object",
                "name": name,
                "fields": [
                    {
                        "name": f.name,
                        "py_name": f.py_name,
                        "type": type_json(f.type),
                        "optional": f.optional,
                        "doc": f.doc,
                    }
                    for f in fields
                ],
                "doc": doc,
            }
            if extra is not None:  # only then, so records without one keep their bytes
                recorded["extra"] = type_json(extra)
            return recorded
        case _:
            assert_never(decl)


def _dumps(data: object) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=True) + "\\n"``, byte for byte, in a third
    of its time: the standard library indents in Python only, through a generator per
    container, and the record of a 20,000-row matrix holds a million values (0.5 s of CPU
    in a regen, 0.2 s this way)."""
    return _indented(data, "\n") + "\n"


def _indented(value: object, newline: str) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = newline + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{_quote(k)}: {_indented(v, inner)}" for k, v in value.items()]
        return f"{{{inner}{f',{inner}'.join(items)}{newline}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [_indented(v, inner) for v in value]
        return f"[{inner}{f',{inner}'.join(items)}{newline}]"
    if isinstance(value, float) and math.isfinite(value):
        return float.__repr__(value)
    # NaN and the infinities as json spells them, or json's TypeError for what is not JSON
    return json.dumps(value)


def render_record(
    modules: list[ir.Module], files: dict[str, str], strict_objects: bool
) -> str:
    """The record's text; ``files`` maps each generated file's name to its text."""
    data: dict[str, Any] = {
        "tsmirror": _ABOUT,
        "format": FORMAT_VERSION,
        "strict_objects": strict_objects,
        "files": {
            name: hashlib.sha256(text.encode("utf-8")).hexdigest()
            for name, text in sorted(files.items())
        },
        "mirrors": {
            module.name: {
                "sources": list(module.sources),
                "source_sha256": module.source_sha256,
                "listed": list(module.listed),
                "imports": [
                    {"module": i.module, "name": i.exported, "as": i.declaration.name}
                    for i in module.imports
                ],
                "declarations": [declaration_json(d) for d in module.declarations],
            }
            for module in modules
        },
    }
    text = _dumps(data)
    return text[: -len("\n}\n")] + f',\n  "sha256": "{_self_digest(text)}"\n}}\n'


def _self_digest(text_without_digest: str) -> str:
    return hashlib.sha256(text_without_digest.encode("utf-8")).hexdigest()


#: How :func:`render_record` ends the text: the digest, 64 hex digits, as the last key.
_DIGEST_HEAD, _DIGEST_END = ',\n  "sha256": "', '"\n}\n'
_DIGEST_TAIL = len(_DIGEST_HEAD) + 64 + len(_DIGEST_END)


def _written_digest(text: str) -> str | None:
    """What the ``sha256`` of ``text`` must be: the digest :func:`render_record` took of the
    text before that key was appended, hashed from the text as written rather than from a
    re-serialisation, so any edit (whitespace and key order too) shows; None when the text
    does not end as a record does."""
    tail = text[-_DIGEST_TAIL:]
    if not (tail.startswith(_DIGEST_HEAD) and tail.endswith(_DIGEST_END)):
        return None
    return _self_digest(text[:-_DIGEST_TAIL] + "\n}\n")


# --- reading --------------------------------------------------------------------------------


class _Malformed(Exception):
    pass


def parse_record(text: str) -> Record | None:
    """The record in ``text``, or None when it is not one this version wrote intact (not
    JSON, another format, or edited since: its own ``sha256`` no longer matches)."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            return None
        expected = _written_digest(text)
        if expected is None or data.pop("sha256", None) != expected:
            return None
        return _record(data)
    except (ValueError, _Malformed, KeyError, TypeError):
        return None


def read_record(text: str, shown: str) -> Record:
    """Like :func:`parse_record`, for ``diff``: a record it cannot use is an input error."""
    record = parse_record(text)
    if record is None:
        raise InputError(
            "not a record this version of tsmirror wrote intact (another format, or "
            "edited by hand); run `tsmirror regen`",
            path=shown,
        )
    return record


def _record(data: dict[str, Any]) -> Record:
    mirrors: dict[str, ir.Module] = {}
    raw = data["mirrors"]
    for name, entry in raw.items():
        mirrors[name] = ir.Module(
            name=name,
            sources=tuple(_strings(entry["sources"])),
            source_sha256=_string(entry["source_sha256"]),
            declarations=tuple(_declaration(d) for d in entry["declarations"]),
            strict_objects=bool(data["strict_objects"]),
            listed=tuple(_strings(entry["listed"])),
        )
    # imports carry the declaration itself, recorded once in the mirror that emits it
    for name, entry in raw.items():
        imports = []
        for i in entry["imports"]:
            owner = mirrors[_string(i["module"])]
            decl = owner.lookup(_string(i["name"]))
            imports.append(
                ir.Import(owner.name, decl.name, _renamed(decl, _string(i["as"])))
            )
        module = mirrors[name]
        mirrors[name] = ir.Module(
            module.name,
            module.sources,
            module.source_sha256,
            module.declarations,
            module.strict_objects,
            tuple(imports),
            module.listed,
        )
    files = {_string(k): _string(v) for k, v in data["files"].items()}
    return Record(data["format"], bool(data["strict_objects"]), files, mirrors)


def _renamed(decl: ir.Declaration, name: str) -> ir.Declaration:
    from tsmirror.valueclass import replace

    return decl if decl.name == name else replace(decl, name=name)


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Malformed(value)
    return value


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        raise _Malformed(value)
    return [_string(v) for v in value]


def _doc(value: object) -> str | None:
    return None if value is None else _string(value)


def _scalar(value: object) -> str | int | float | bool:
    if isinstance(value, str | int | float | bool):
        return value
    raise _Malformed(value)


def type_from_json(data: Any) -> ir.TypeRef:
    """The inverse of :func:`type_json`."""
    kind = data["kind"]
    if kind == "literal":
        return ir.LiteralType(_scalar(data["value"]))
    if kind == "array":
        return ir.ArrayType(type_from_json(data["element"]))
    if kind == "record":
        return ir.RecordType(type_from_json(data["key"]), type_from_json(data["value"]))
    if kind == "tuple":
        rest = data["rest"]
        return ir.TupleType(
            tuple(type_from_json(e) for e in data["elements"]),
            int(data["required"]),
            type_from_json(rest) if rest is not None else None,
        )
    if kind == "union":
        return ir.UnionType(tuple(type_from_json(m) for m in data["members"]))
    if kind == "ref":
        return ir.NamedType(_string(data["name"]))
    if kind == "template":
        holes = tuple(ir.PrimitiveName(_string(h)) for h in data["holes"])
        texts = tuple(_strings(data["texts"]))
        if len(texts) != len(holes) + 1:
            raise _Malformed(data)
        return ir.TemplateType(texts, holes)
    return ir.Primitive(ir.PrimitiveName(_string(kind)))  # ValueError: not a record


def _declaration(data: Any) -> ir.Declaration:
    kind, name, doc = data["kind"], _string(data["name"]), _doc(data["doc"])
    if kind == "const":
        return ir.ConstDecl(name, data["value"], type_from_json(data["type"]), doc)
    if kind == "alias":
        return ir.AliasDecl(name, type_from_json(data["type"]), doc)
    if kind == "enum":
        members = tuple(
            ir.EnumMember(
                _string(m["name"]),
                _string(m["py_name"]),
                _scalar(m["value"]),
                _doc(m["doc"]),
            )
            for m in data["members"]
        )
        return ir.EnumDecl(name, members, doc)
    if kind == "object":
        fields = tuple(
            ir.Field(
                _string(f["name"]),
                _string(f["py_name"]),
                type_from_json(f["type"]),
                bool(f["optional"]),
                _doc(f["doc"]),
            )
            for f in data["fields"]
        )
        extra = type_from_json(data["extra"]) if "extra" in data else None
        return ir.ObjectDecl(name, fields, doc, extra=extra)
    raise _Malformed(kind)
