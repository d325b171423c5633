"""JavaScript string and number literals, decoded exactly as the language defines them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from tree_sitter import Node

if TYPE_CHECKING:
    from tsmirror.ts.source import SourceFile

_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
}


def decode_string(
    source: SourceFile,
    node: Node,
    substitute: Callable[[Node], str] | None = None,
) -> str:
    """The value of a ``string`` or ``template_string`` node. ``substitute`` gives the text
    of a ``${...}`` substitution; without it, a substitution is refused.

    JavaScript strings are UTF-16: ``"\\uD83D\\uDE00"`` is one code point, while a lone
    surrogate stays a lone surrogate. Decoding to UTF-16 code units first gets both right.
    """
    units: list[str] = []
    template = node.type == "template_string"
    for child in node.children:
        kind = child.type
        if kind == "string_fragment":
            text = source.text(child)
            if template:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            units.append(text)
        elif kind == "escape_sequence":
            units.append(_decode_escape(source, child))
        elif kind == "template_substitution":
            if substitute is None:
                raise source.error(
                    child,
                    f"template literal with a substitution {source.snippet(node)} "
                    "is not statically evaluable here",
                )
            units.append(substitute(child.named_children[0]))
        elif kind in ('"', "'", "`"):
            continue
        elif kind == "comment":
            continue
        else:  # pragma: no cover - the grammar has no other children of a string
            raise source.error(child, f"unexpected {kind} in a string literal")
    # Join surrogate pairs written as two escapes; keep lone surrogates as they are.
    return join_surrogates("".join(units))


_SURROGATE = re.compile("[\ud800-\udfff]")


def join_surrogates(text: str) -> str:
    """JavaScript's strings are UTF-16: a high surrogate followed by a low one is one code
    point, however the two came together (escapes, concatenation, slicing); a lone
    surrogate stays as it is."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode(
        "utf-16-le", "surrogatepass"
    )


def _decode_escape(source: SourceFile, node: Node) -> str:
    text = source.text(node)
    body = text[1:]
    if body.startswith(("\r\n", "\n", "\r", "\u2028", "\u2029")):
        return ""  # a line continuation contributes nothing
    head = body[0]
    if head in _SIMPLE_ESCAPES and not (head == "0" and len(body) > 1):
        return _SIMPLE_ESCAPES[head]
    if head == "x" and len(body) == 3:
        return chr(int(body[1:], 16))
    if head == "u":
        if body.startswith("u{") and body.endswith("}"):
            code = int(body[2:-1], 16)
            if code > 0x10FFFF:
                raise source.error(node, f"escape {text} is outside the Unicode range")
            return chr(code)
        if len(body) == 5:
            return chr(int(body[1:], 16))
    if head.isdigit():
        raise source.error(node, f"octal escape {text} is not allowed in strict mode")
    if len(body) == 1:
        return body  # \' \" \\ and identity escapes of any other character
    raise source.error(node, f"malformed escape sequence {text}")


def parse_number(source: SourceFile, node: Node) -> int | float:
    """The value of a ``number`` node: hex, octal, binary, exponent forms and separators."""
    text = source.text(node).replace("_", "")
    lower = text.lower()
    try:
        if lower.endswith("n"):
            raise source.error(
                node, f"BigInt literal {text} has no JSON representation"
            )
        if lower.startswith("0x"):
            return int(lower[2:], 16)
        if lower.startswith("0o"):
            return int(lower[2:], 8)
        if lower.startswith("0b"):
            return int(lower[2:], 2)
        if len(lower) > 1 and lower[0] == "0" and lower[1].isdigit():
            raise source.error(node, f"legacy octal literal {text} is not allowed")
        value = float(lower)
    except ValueError:
        raise source.error(node, f"malformed number literal {text}") from None
    return normalize_number(value)


def normalize_number(value: int | float) -> int | float:
    """A JS number as Python holds it: ``int`` when integral and exactly representable
    (|x| <= 2**53), ``float`` otherwise, including ``-0.0`` (``1 / -0`` is ``-Infinity``),
    NaN and the infinities. JSON turns those into ``0`` and ``null`` (see ``to_json``)."""
    if isinstance(value, int):
        if abs(value) <= 2**53:
            return value
        value = float(value)
    if (
        value.is_integer()
        and abs(value) <= 2**53
        and (value or math.copysign(1, value) > 0)
    ):
        return int(value)
    return value


def number_to_string(value: int | float) -> str:
    """``Number.prototype.toString()``, which is also what ``JSON.stringify`` prints and what
    a numeric property key becomes (``{1.50: x}`` has the key ``"1.5"``)."""
    if isinstance(value, int):
        if abs(value) < 10**21:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    from decimal import Decimal  # here: only a float needs it, and it is slow to import

    # repr gives the shortest round-tripping digits, the same digits ECMAScript asks for.
    decimal = Decimal(repr(abs(value))).normalize()
    _, digit_tuple, exponent = decimal.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), exponent + len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        exponent = n - 1
        out = (
            digits[0]
            + ("." + digits[1:] if k > 1 else "")
            + "e"
            + ("+" if exponent >= 0 else "-")
        )
        out += str(abs(exponent))
    return sign + out
