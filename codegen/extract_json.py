"""``tsmirror extract``: one symbol as JSON.

A const prints exactly as ``JSON.stringify`` prints it. A type prints as its shape::

    {"symbol": "KoraRoleCharterContent",
     "declarations": [<every declaration it needs, dependencies first, the symbol last>]}

Each declaration is ``{"kind": "object", "name", "fields": [{"name", "type", "optional"}]}``
(with ``"extra": <type>`` when a string index signature stands beside the fields),
``{"kind": "alias", "name", "type"}`` or ``{"kind": "enum", "name", "members": [{"name",
"value"}]}``. A type is one of ``{"kind": "string" | "number" | "boolean" | "null"}``,
``{"kind": "literal", "value"}``, ``{"kind": "array", "element"}``, ``{"kind": "record",
"key", "value"}``, ``{"kind": "union", "members"}`` or ``{"kind": "ref", "name"}``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from tsmirror.cache import Dependencies
from tsmirror.ts.evaluate import Evaluator, to_json
from tsmirror.ts.graph import prove_constant
from tsmirror.ts.literals import number_to_string
from tsmirror.ts.program import Program

if TYPE_CHECKING:
    from tsmirror import ir


def extract_symbol(
    root: Path, file: Path, symbol: str, dependencies: Dependencies | None = None
) -> ir.JsonValue:
    program = Program(root, dependencies)
    source = program.load(file)
    qualified = "." in symbol and symbol not in source.exports  # a namespace member
    binding = None if qualified else program.resolve_export(source, symbol, None)
    decl = binding.declaration if binding is not None else None
    if (
        binding is not None
        and decl is not None
        and decl.kind
        in (
            "const",
            "default",
            "let",
            "var",
            "function",
        )
    ):
        value = to_json(Evaluator(program).mirrored_value(binding.file, decl))
        prove_constant(program, source, binding.file, decl)
        return value
    from tsmirror.ts.extract import MirrorBuilder  # only types need the IR

    builder = MirrorBuilder(program)
    builder.add_symbol(source, symbol)
    return {
        "symbol": symbol,
        "declarations": [declaration_json(d) for d in builder.finish()],
    }


def declaration_json(decl: ir.Declaration) -> ir.JsonValue:
    """The declaration as the record holds it (:mod:`tsmirror.record`), without what only
    the generated Python needs: Python names and doc comments."""
    from tsmirror.record import (
        declaration_json,
    )  # here: a const's extract never needs it

    recorded = declaration_json(decl)
    assert isinstance(recorded, dict)
    shape = {k: v for k, v in recorded.items() if k != "doc"}
    for part in ("fields", "members"):
        entries = shape.get(part)
        if isinstance(entries, list):
            shape[part] = [
                {k: v for k, v in e.items() if k not in ("doc", "py_name")}
                for e in entries
                if isinstance(e, dict)
            ]
    return shape


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _quote(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            # well-formed JSON.stringify escapes control characters and lone surrogates
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def stringify(value: ir.JsonValue) -> str:
    """``JSON.stringify(value)``: compact, key order kept, numbers as JavaScript prints them.

    For an object or array the json module's C encoder prints the same text (it escapes
    exactly the characters JavaScript does, in lowercase) unless the value holds a float or
    an integer of 22 digits or more (Python and JavaScript print those differently) or a
    lone surrogate (which JavaScript escapes). Inside compact JSON a number follows ``[``,
    ``,`` or ``:``, so both are found in the text: rarely a false alarm (in a string),
    never missed. Otherwise the value is printed piece by piece."""
    if isinstance(value, (dict, list)):
        try:
            text = _ENCODE(value)
        except ValueError:  # NaN or an infinity (to_json has made them null already)
            return _stringify(value)
        if not _SURROGATE.search(text) and not _UNLIKE_JAVASCRIPT.search(text):
            return text
    return _stringify(value)


_ENCODE = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, allow_nan=False, separators=(",", ":")
).encode
_SURROGATE = re.compile("[\\ud800-\\udfff]")
#: a number with a fraction or an exponent, or of 22 digits or more (10**21 and beyond)
_UNLIKE_JAVASCRIPT = re.compile("[\\[,:]-?[0-9](?:[0-9]*[.eE]|[0-9]{21})")


def _stringify(value: ir.JsonValue) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return number_to_string(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list):
        return "[" + ",".join(_stringify(v) for v in value) + "]"
    return (
        "{" + ",".join(f"{_quote(k)}:{_stringify(v)}" for k, v in value.items()) + "}"
    )
