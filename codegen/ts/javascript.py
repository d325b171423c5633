"""JavaScript's own rules for constant values: conversions, operators and the built-in methods
tsmirror evaluates, each written once, as ECMAScript defines it.

Values are Python data:

- ``str`` for strings. JavaScript strings are UTF-16; a Python ``str`` here holds code points,
  with a lone surrogate kept as it is. Methods that count or cut (``length``, ``slice``,
  ``split('')``, ``padStart``, sorting) work on UTF-16 code units, and :func:`from_units`
  joins a surrogate pair back into one code point.
- numbers: ``int`` when integral, at most 2**53 in magnitude and not -0; ``float`` otherwise,
  including ``-0.0``, NaN and the infinities. :func:`number` is that rule.
- ``bool``, ``None`` for ``null``, :data:`UNDEFINED`;
- ``list`` for arrays (:data:`HOLE` marks an elision, ``[1, , 3]``), ``dict`` for plain objects
  (keys in JavaScript's order), :class:`JSSet`, and :class:`JSFunction` for callables.

Arrays and objects are never changed in place: every operation builds a new one, so a value
shared between consts (as JavaScript shares it) stays what it was.

Where JavaScript would throw, or where tsmirror cannot match V8 exactly, a function raises
:class:`Refusal`; the evaluator turns it into a located error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cmp_to_key
from typing import Any

from tsmirror.ts.literals import join_surrogates, number_to_string
from tsmirror.ts.literals import normalize_number as number

__all__ = ["number", "number_to_string"]


class Refusal(Exception):
    """JavaScript would throw here, or tsmirror cannot give V8's exact answer."""


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"


class _Hole:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<hole>"


UNDEFINED: Any = _Undefined()
#: An elision in an array literal. It reads as undefined, but methods skip it, so arrays
#: that hold one are refused by the methods rather than guessed at.
HOLE: Any = _Hole()


class JSSet:
    """``new Set(iterable)``: its elements in insertion order, unique by SameValueZero."""

    __slots__ = ("_keys", "items")

    def __init__(self, items: Iterable[Any]) -> None:
        seen: dict[object, Any] = {}
        for item in items:
            seen.setdefault(_same_value_zero_key(item), item)
        self.items = list(seen.values())
        self._keys = frozenset(seen)

    def has(self, args: Sequence[Any]) -> bool:
        return _same_value_zero_key(_arg(args, 0)) in self._keys


class JSFunction:
    """A function value: the evaluator's closures and a few built-ins (``Boolean``, ...)."""

    name = "function"

    def call(self, args: Sequence[Any]) -> Any:
        raise NotImplementedError


class BuiltinFunction(JSFunction):
    def __init__(self, name: str, body: Callable[[Sequence[Any]], Any]) -> None:
        self.name = name
        self._body = body

    def call(self, args: Sequence[Any]) -> Any:
        return self._body(args)


# --- types and conversions ---------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def type_of(value: Any) -> str:
    """The ``typeof`` operator."""
    if value is UNDEFINED or value is HOLE:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, JSFunction):
        return "function"
    return "object"


def to_boolean(value: Any) -> bool:
    if value is None or value is UNDEFINED or value is HOLE:
        return False
    if isinstance(value, bool):
        return value
    if is_number(value):
        return not (value == 0 or value != value)
    if isinstance(value, str):
        return value != ""
    return True


def to_primitive(value: Any) -> Any:
    """ToPrimitive for the objects a constant can hold: an array becomes its ``join()``, a
    plain object ``"[object Object]"`` (neither has a custom ``valueOf``)."""
    if isinstance(value, list):
        return join(value, ",")
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, JSSet):
        return "[object Set]"
    if isinstance(value, JSFunction):
        raise Refusal("converting a function to a string or number is not evaluated")
    return value


def to_number(value: Any) -> float:
    value = to_primitive(value)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        return string_to_number(value)
    if value is None:
        return 0.0
    return math.nan  # undefined


#: WhiteSpace and LineTerminator, what trim() and StringToNumber strip.
WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(
    r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_NON_DECIMAL = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def string_to_number(text: str) -> float:
    """StringToNumber: the StringNumericLiteral grammar, else NaN (``Number('1_0')`` is NaN,
    which Python's ``float`` would accept)."""
    text = text.strip(WHITESPACE)
    if not text:
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text)
    if _NON_DECIMAL.fullmatch(text):
        base = {"x": 16, "o": 8, "b": 2}[text[1].lower()]
        try:
            return float(int(text[2:], base))
        except OverflowError:
            return math.inf
    return math.nan


def to_string(value: Any) -> str:
    value = to_primitive(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number_to_string(value)
    if value is None:
        return "null"
    return "undefined"


def to_property_key(value: Any) -> str:
    return to_string(value)


def to_integer_or_infinity(value: Any) -> float | int:
    x = to_number(value)
    if x != x:
        return 0
    if math.isinf(x):
        return x
    return int(x)


def to_int32(value: Any) -> int:
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and -(2**31) <= value < 2**31
    ):
        return value
    x = to_number(value)
    if x != x or math.isinf(x):
        return 0
    n = int(x) & 0xFFFFFFFF
    return n - 2**32 if n >= 2**31 else n


def to_uint32(value: Any) -> int:
    return to_int32(value) & 0xFFFFFFFF


# --- property keys --------------------------------------------------------------------------


def is_array_index(key: str) -> bool:
    """Keys that JavaScript orders first, ascending, in every object: canonical decimal
    integers below 2**32 - 1."""
    return (
        key.isdigit()
        and key.isascii()
        and (key == "0" or key[0] != "0")
        and int(key) < 2**32 - 1
    )


def order_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """Apply JavaScript's property order: array indices ascending, then insertion order."""
    indices = [k for k in obj if k.isdigit() and is_array_index(k)]
    if not indices:
        return obj
    indices.sort(key=int)
    ordered = {k: obj[k] for k in indices}
    ordered.update((k, v) for k, v in obj.items() if k not in ordered)
    return ordered


# --- equality -----------------------------------------------------------------------------


def strict_equals(a: Any, b: Any) -> bool:
    """``===``: numbers by value (NaN unequal to itself, 0 equal to -0), objects by identity."""
    if is_number(a) and is_number(b):
        return bool(a == b)
    if isinstance(a, (str, bool)) or a is None:
        return type(a) is type(b) and a == b
    if a is UNDEFINED or a is HOLE:
        return b is UNDEFINED or b is HOLE
    return a is b


def loosely_equals(a: Any, b: Any) -> bool:
    """``==``: null and undefined equal each other only; otherwise primitives meet as
    numbers, unless both are strings; objects by identity, or by their primitive."""
    if type_of(a) == type_of(b) and not (a is None) ^ (b is None):
        return strict_equals(a, b)
    nullish_a = a is None or a is UNDEFINED or a is HOLE
    nullish_b = b is None or b is UNDEFINED or b is HOLE
    if nullish_a or nullish_b:
        return nullish_a and nullish_b
    objects = (list, dict, JSSet, JSFunction)
    if isinstance(a, objects):
        if isinstance(b, objects):
            return a is b
        a = to_primitive(a)
    if isinstance(b, objects):
        b = to_primitive(b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return to_number(a) == to_number(b)


def same_value_zero(a: Any, b: Any) -> bool:
    """``includes`` and ``Set``: like ``===``, except that NaN equals NaN."""
    if is_number(a) and is_number(b) and a != a and b != b:
        return True
    return strict_equals(a, b)


def _same_value_zero_key(value: Any) -> object:
    if is_number(value):
        return ("n", "NaN" if value != value else float(value) + 0.0)
    if isinstance(value, (str, bool)) or value is None or value is UNDEFINED:
        return (type(value).__name__, value)
    return ("o", id(value))


# --- operators ----------------------------------------------------------------------------


def unary(op: str, value: Any) -> Any:
    if op == "!":
        return not to_boolean(value)
    if op == "-":
        return number(-to_number(value))
    if op == "+":
        return number(to_number(value))
    if op == "~":
        return ~to_int32(value)
    if op == "typeof":
        return type_of(value)
    if op == "void":
        return UNDEFINED
    raise Refusal(f"the operator {op} is not evaluated")


def binary(op: str, a: Any, b: Any) -> Any:
    """Every binary operator tsmirror evaluates; ``&&``, ``||`` and ``??`` short-circuit, so
    the evaluator handles them."""
    if op == "+":
        a, b = to_primitive(a), to_primitive(b)
        if isinstance(a, str) or isinstance(b, str):
            return concat(to_string(a), to_string(b))
        return number(to_number(a) + to_number(b))
    if op in _ARITHMETIC:
        return number(_ARITHMETIC[op](to_number(a), to_number(b)))
    if op in _BITWISE:
        return _BITWISE[op](a, b)
    if op == "==":
        return loosely_equals(a, b)
    if op == "!=":
        return not loosely_equals(a, b)
    if op == "===":
        return strict_equals(a, b)
    if op == "!==":
        return not strict_equals(a, b)
    if op == "<":
        return _less_than(a, b) is True
    if op == ">":
        return _less_than(b, a) is True
    if op == "<=":
        return _less_than(b, a) is False
    if op == ">=":
        return _less_than(a, b) is False
    raise Refusal(f"the operator {op} is not evaluated")


def _divide(x: float, y: float) -> float:
    if y == 0:
        if x == 0 or x != x:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _remainder(x: float, y: float) -> float:
    if x != x or y != y or math.isinf(x) or y == 0:
        return math.nan
    if math.isinf(y):
        return x
    return math.fmod(x, y)  # exact, with the dividend's sign, as ECMAScript's %


def _is_odd_integer(y: float) -> bool:
    return y.is_integer() and abs(y) < 2**53 and int(y) % 2 == 1


def _operand(x: float) -> str:
    text = number_to_string(number(x))
    return f"({text})" if x < 0 else text


def exponentiate(x: float, y: float) -> float:
    """``x ** y``. V8's pow is not correctly rounded (and Node 23 on uses the platform's),
    so beyond the special values of the specification and ``x ** 2``, ``x ** 1`` and
    ``x ** 0.5``, only results that are exact doubles are computed; others are refused."""
    if y != y:
        return math.nan
    if y == 0:
        return 1.0
    if x != x:
        return math.nan
    if math.isinf(y):
        if abs(x) == 1:
            return math.nan
        return math.inf if (abs(x) > 1) == (y > 0) else 0.0
    if math.isinf(x) or x == 0:
        # pow(±0, y) and pow(±inf, y); the sign survives only for odd integer exponents
        big = (x == 0) == (y < 0)
        negative = math.copysign(1.0, x) < 0 and _is_odd_integer(y)
        return math.copysign(math.inf if big else 0.0, -1.0 if negative else 1.0)
    # fdlibm (V8 up to Node 22) and V8's wrapper around the C library's pow (Node 23 on)
    # both answer these exactly so
    if y == 2:
        return x * x
    if y == 1:
        return x
    if y == 0.5 and x > 0:
        return math.sqrt(x)
    if not y.is_integer():
        if x < 0:
            return math.nan
        raise Refusal(
            "x ** y with a fractional exponent is rounded differently by V8; "
            "tsmirror computes ** only when the result is exact"
        )
    n = int(y)
    magnitude = abs(x)
    sign = -1.0 if x < 0 and n % 2 else 1.0
    if abs(n) > 1100 and (magnitude >= 2 or magnitude <= 0.5):
        grows = (magnitude >= 2) == (n > 0)
        return math.copysign(math.inf if grows else 0.0, sign)
    # fdlibm's pow, which V8 uses, is exact for an integer to a non-negative integer power
    # and for powers of two; elsewhere it may miss the correctly rounded result by an ulp.
    power_of_two = math.frexp(magnitude)[0] == 0.5
    if not (power_of_two or (x.is_integer() and n >= 0)) or abs(n) > 1100:
        raise Refusal(
            f"{_operand(x)} ** {n} is not computed: V8 may round it differently from a "
            "correctly rounded pow; tsmirror computes ** for integer bases and powers of two"
        )
    from fractions import Fraction  # here: rarely needed, and slow to import

    exact = Fraction(x) ** n
    if abs(exact) >= (2**1024 if power_of_two else 2**1025):
        return math.copysign(math.inf, sign)
    representable = Fraction(1, 2**1074) <= abs(exact) < 2**1024
    result = float(exact) if representable else None
    if result is None or Fraction(result) != exact:
        raise Refusal(
            f"{_operand(x)} ** {n} is not an exact double; V8 rounds it "
            "differently from a correctly rounded pow, so tsmirror refuses it"
        )
    return result


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": _divide,
    "%": _remainder,
    "**": exponentiate,
}


def _shift_count(b: Any) -> int:
    return to_uint32(b) & 31


def _wrap_int32(n: int) -> int:
    n &= 0xFFFFFFFF
    return n - 2**32 if n >= 2**31 else n


_BITWISE: dict[str, Callable[[Any, Any], int]] = {
    "&": lambda a, b: to_int32(a) & to_int32(b),
    "|": lambda a, b: to_int32(a) | to_int32(b),
    "^": lambda a, b: to_int32(a) ^ to_int32(b),
    "<<": lambda a, b: _wrap_int32(to_int32(a) << _shift_count(b)),
    ">>": lambda a, b: to_int32(a) >> _shift_count(b),
    ">>>": lambda a, b: to_uint32(a) >> _shift_count(b),
}


def _less_than(a: Any, b: Any) -> bool | None:
    """IsLessThan: True, False, or None (undefined) when either side is NaN."""
    a, b = to_primitive(a), to_primitive(b)
    if isinstance(a, str) and isinstance(b, str):
        return utf16_key(a) < utf16_key(b)
    x, y = to_number(a), to_number(b)
    if x != x or y != y:
        return None
    return x < y


# --- Math, Number and number methods -------------------------------------------------------
# Only functions whose results are exact (or correctly rounded, like sqrt) in every engine;
# Math.sin, Math.log and friends differ between libms, so they are refused.


def _integral(op: Callable[[float], int]) -> Callable[[Any], float]:
    def apply(value: Any) -> float:
        x = to_number(value)
        if not math.isfinite(x) or x == 0:
            return x
        result = float(op(x))
        return math.copysign(result, x) if result == 0 else result  # ceil(-0.5) is -0

    return apply


def _round(value: Any) -> float:
    """Math.round: the nearest integer, a tie going up (toward +Infinity)."""
    x = to_number(value)
    if not math.isfinite(x) or x == 0 or abs(x) >= 2**52:
        return x
    if -0.5 <= x < 0:
        return -0.0
    floor = math.floor(x)
    return float(floor + 1 if x - floor >= 0.5 else floor)


def _extreme(args: Sequence[Any], larger: bool) -> float:
    numbers = [to_number(a) for a in args]
    result = -math.inf if larger else math.inf
    for x in numbers:
        if x != x:
            return math.nan
        if x == result == 0:
            # max(+0, -0) is +0 and min(+0, -0) is -0
            negative = math.copysign(1, x) < 0
            if negative != larger:
                result = x
        elif (x > result) == larger and x != result:
            result = x
    return result


def _sign(value: Any) -> float:
    x = to_number(value)
    if x != x or x == 0:
        return x
    return 1.0 if x > 0 else -1.0


def _sqrt(value: Any) -> float:
    x = to_number(value)
    if x != x or x < 0:
        return math.nan
    return math.sqrt(x) if math.isfinite(x) else x  # correctly rounded, as in V8


def _array_from(args: Sequence[Any]) -> list[Any]:
    source, fn = _arg(args, 0), _arg(args, 1)
    if fn is not UNDEFINED and not isinstance(fn, JSFunction):
        raise Refusal("Array.from() with a mapper that is not a function throws")
    if isinstance(source, (list, str, JSSet)):
        items = iterate(source)
    elif source is None or source is UNDEFINED:
        raise Refusal(f"Array.from({to_string(source)}) throws a TypeError")
    else:
        size = _get_length(source)
        items = [
            source.get(str(i), UNDEFINED) if isinstance(source, dict) else UNDEFINED
            for i in range(size)
        ]
    if isinstance(fn, JSFunction):
        return [fn.call([item, i]) for i, item in enumerate(items)]
    return items


def _get_length(value: Any) -> int:
    size = to_integer_or_infinity(
        value.get("length", UNDEFINED) if isinstance(value, dict) else UNDEFINED
    )
    if size > MAX_STRING:
        raise Refusal(f"an array of {number_to_string(size)} elements is not built")
    return int(max(size, 0))


def _flag(test: Callable[[float], bool]) -> Callable[[Sequence[Any]], bool]:
    def apply(args: Sequence[Any]) -> bool:
        value = _arg(args, 0)
        return is_number(value) and test(float(value))

    return apply


def _is_integral(x: float) -> bool:
    return math.isfinite(x) and x.is_integer()


def _unary_function(op: Callable[[Any], Any]) -> Callable[[Sequence[Any]], Any]:
    return lambda args: op(_arg(args, 0))


#: ``Math.floor(x)``, ``Number.isInteger(x)``, ``Array.from(x)``: by namespace and name.
STATIC_FUNCTIONS: dict[str, dict[str, Callable[[Sequence[Any]], Any]]] = {
    "Math": {
        "abs": _unary_function(lambda v: abs(to_number(v))),
        "floor": _unary_function(_integral(math.floor)),
        "ceil": _unary_function(_integral(math.ceil)),
        "trunc": _unary_function(_integral(math.trunc)),
        "round": _unary_function(_round),
        "sign": _unary_function(_sign),
        "sqrt": _unary_function(_sqrt),
        "pow": lambda args: number(
            exponentiate(to_number(_arg(args, 0)), to_number(_arg(args, 1)))
        ),
        "max": lambda args: _extreme(args, larger=True),
        "min": lambda args: _extreme(args, larger=False),
    },
    "Number": {
        "isInteger": _flag(_is_integral),
        "isSafeInteger": _flag(lambda x: _is_integral(x) and abs(x) <= 2**53 - 1),
        "isFinite": _flag(math.isfinite),
        "isNaN": _flag(lambda x: x != x),
        "parseInt": lambda args: parse_int(args),
        "parseFloat": lambda args: parse_float(args),
    },
    "Array": {
        "isArray": lambda args: isinstance(_arg(args, 0), list),
        "of": list,
        "from": _array_from,
    },
}


def parse_int(args: Sequence[Any]) -> int | float:
    """parseInt(string, radix): the longest run of digits after the sign (and ``0x``)."""
    text = to_string(_arg(args, 0)).lstrip(WHITESPACE)
    sign = -1.0 if text.startswith("-") else 1.0
    if text[:1] in ("-", "+"):
        text = text[1:]
    radix = to_int32(_arg(args, 1))
    if radix != 0 and not 2 <= radix <= 36:
        return math.nan
    if radix in (0, 16) and text[:2] in ("0x", "0X"):
        text, radix = text[2:], 16
    radix = radix or 10
    end = 0
    while end < len(text) and _DIGITS.find(text[end].lower()) in range(radix):
        end += 1
    if end == 0:
        return math.nan
    value = int(text[:end], radix)
    if value > 2**53 and radix != 10:
        raise Refusal("parseInt of a number above 2**53 in a radix other than 10")
    return number(sign * float(value))


_DECIMAL_PREFIX = re.compile(
    r"[+-]?(?:Infinity|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)


def parse_float(args: Sequence[Any]) -> int | float:
    """parseFloat(string): the longest decimal literal at the start, else NaN."""
    match = _DECIMAL_PREFIX.match(to_string(_arg(args, 0)).lstrip(WHITESPACE))
    return number(float(match.group())) if match else math.nan


#: Global functions, as values too (``.filter(Boolean)``, ``.map(String)``).
GLOBAL_FUNCTIONS = {
    "Boolean": BuiltinFunction("Boolean", lambda args: to_boolean(_arg(args, 0))),
    "String": BuiltinFunction(
        "String", lambda args: to_string(args[0]) if args else ""
    ),
    "Number": BuiltinFunction(
        "Number", lambda args: number(to_number(_arg(args, 0))) if args else 0
    ),
    "parseInt": BuiltinFunction("parseInt", parse_int),
    "parseFloat": BuiltinFunction("parseFloat", parse_float),
}


def _to_fixed(x: float, args: Sequence[Any]) -> str:
    """Number.prototype.toFixed: the exact decimal value of the double, rounded half up."""
    digits = to_integer_or_infinity(_arg(args, 0))
    if not 0 <= digits <= 100:
        raise Refusal(f"toFixed({number_to_string(digits)}) throws a RangeError")
    if x != x:
        return "NaN"
    if abs(x) >= 1e21:
        return number_to_string(x)
    sign = "-" if x < 0 else ""
    import decimal  # here: rarely needed, and slow to import

    with decimal.localcontext() as context:
        context.prec = 200
        rounded = decimal.Decimal(abs(x)).quantize(
            decimal.Decimal(1).scaleb(-int(digits)), rounding=decimal.ROUND_HALF_UP
        )
    return sign + format(rounded, "f")


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _number_to_string(x: float, args: Sequence[Any]) -> str:
    radix_arg = _arg(args, 0)
    radix = 10 if radix_arg is UNDEFINED else to_integer_or_infinity(radix_arg)
    if not 2 <= radix <= 36:
        raise Refusal(f"toString({number_to_string(radix)}) throws a RangeError")
    if radix == 10 or not math.isfinite(x):
        return number_to_string(x)
    if not x.is_integer() or abs(x) >= 2**53:
        raise Refusal(
            "toString(radix) of a fraction or a large number is not evaluated"
        )
    n, out = abs(int(x)), []
    while True:
        n, digit = divmod(n, int(radix))
        out.append(_DIGITS[digit])
        if n == 0:
            break
    return ("-" if x < 0 else "") + "".join(reversed(out))


NUMBER_METHODS: dict[str, Callable[[float, Sequence[Any]], Any]] = {
    "toFixed": _to_fixed,
    "toString": _number_to_string,
}


# --- strings (UTF-16) ---------------------------------------------------------------------


def utf16_key(text: str) -> bytes:
    """Orders strings as JavaScript compares them: by UTF-16 code units."""
    return text.encode("utf-16-be", "surrogatepass")


def as_units(text: str) -> str:
    """``text`` with one character per UTF-16 code unit."""
    if text.isascii() or max(text) <= "\uffff":
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(data[i] | data[i + 1] << 8) for i in range(0, len(data), 2))


#: The inverse of :func:`as_units`: adjacent surrogate halves become one code point.
from_units = join_surrogates


def length(text: str) -> int:
    return len(as_units(text))


def concat(a: str, b: str) -> str:
    checked_string(len(a) + len(b))
    if a and b and "\ud800" <= a[-1] <= "\udbff" and "\udc00" <= b[0] <= "\udfff":
        return from_units(a + b)
    return a + b


#: Longest string and longest array a constant may build; V8's limits are far above them,
#: so a longer one is refused rather than built (a reduce() can double it at every step).
MAX_STRING = 1 << 20
MAX_ELEMENTS = 1 << 20


def checked_string(size: float | int) -> int:
    if size > MAX_STRING:
        raise Refusal(f"a string of {number_to_string(size)} characters is not built")
    return int(size)


def checked_array(items: list[Any]) -> list[Any]:
    if len(items) > MAX_ELEMENTS:
        raise Refusal(f"an array of more than {MAX_ELEMENTS} elements is not built")
    return items


def _relative(index: Any, size: int, default: int) -> int:
    """A start or end argument of slice() and friends: negative counts from the end."""
    if index is UNDEFINED:
        return default
    n = to_integer_or_infinity(index)
    if n < 0:
        return int(max(size + n, 0))
    return int(min(n, size))


def _clamped(position: Any, size: int, default: int) -> int:
    if position is UNDEFINED:
        return default
    return int(min(max(to_integer_or_infinity(position), 0), size))


def _search_argument(value: Any) -> str:
    return to_string(value)


#: Case mapping is Unicode's default (not the locale's). Below U+0530 it has not changed
#: between the Unicode versions of Python and Node; above, a character is case-mapped only
#: when it is caseless for good: a non-letter, or a letter of a caseless script (CJK, kana,
#: Hangul), that Python's Unicode knows and maps to itself.
_CASE_MAPPED_UP_TO = "\u052f"
_CASELESS_LETTERS = (("\u3040", "\u30ff"), ("\u3400", "\u9fff"), ("\uac00", "\ud7a3"))


def _caseless(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cn" or not char.upper() == char.lower() == char:
        return False
    return not category.startswith("L") or any(
        low <= char <= high for low, high in _CASELESS_LETTERS
    )


def _case_map(text: str, upper: bool) -> str:
    if text and max(text) > _CASE_MAPPED_UP_TO:
        for char in text:
            if char > _CASE_MAPPED_UP_TO and not _caseless(char):
                raise Refusal(
                    f"case mapping of {char!r} (U+{ord(char):04X}) may differ between "
                    "Unicode versions; only characters up to U+052F and caseless ones "
                    "are case-mapped"
                )
    return text.upper() if upper else text.lower()


def get_substitution(matched: str, position: int, units: str, replacement: str) -> str:
    """GetSubstitution for a string pattern: ``$$``, ``$&``, ``$` `` and ``$'``; with no
    capture groups, ``$1`` and ``$<`` stay as written."""
    out: list[str] = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        if ch == "$" and i + 1 < len(replacement):
            nxt = replacement[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "&":
                out.append(matched)
                i += 2
                continue
            if nxt == "`":
                out.append(units[:position])
                i += 2
                continue
            if nxt == "'":
                out.append(units[position + len(matched) :])
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _replace(text: str, args: Sequence[Any], every: bool) -> str:
    pattern, replacement = _arg(args, 0), _arg(args, 1)
    units = as_units(text)
    search = as_units(_search_argument(pattern))
    if not isinstance(replacement, JSFunction):
        replacement = as_units(to_string(replacement))
    positions: list[int] = []
    at = units.find(search)
    while at != -1:
        positions.append(at)
        if not every:
            break
        at = units.find(search, at + max(len(search), 1))
    out: list[str] = []
    end = 0
    for at in positions:
        out.append(units[end:at])
        if isinstance(replacement, JSFunction):
            out.append(
                as_units(to_string(replacement.call([from_units(search), at, text])))
            )
        else:
            out.append(get_substitution(search, at, units, replacement))
        end = at + len(search)
    out.append(units[end:])
    checked_string(sum(map(len, out)))
    return from_units("".join(out))


def _split(text: str, args: Sequence[Any]) -> list[str]:
    separator, limit_arg = _arg(args, 0), _arg(args, 1)
    limit = 2**32 - 1 if limit_arg is UNDEFINED else to_uint32(limit_arg)
    if separator is UNDEFINED:
        return [text][:limit]
    units, sep = as_units(text), as_units(to_string(separator))
    if limit == 0:
        return []
    if sep == "":
        return [from_units(u) for u in units[:limit]]
    if units == "":
        return [text]
    return [from_units(part) for part in units.split(sep)][:limit]


def _pad(text: str, args: Sequence[Any], at_start: bool) -> str:
    max_length = to_integer_or_infinity(_arg(args, 0))
    fill_arg = _arg(args, 1)
    fill = " " if fill_arg is UNDEFINED else as_units(to_string(fill_arg))
    units = as_units(text)
    if max_length <= len(units) or fill == "":
        return text
    needed = checked_string(max_length) - len(units)
    padding = (fill * (needed // len(fill) + 1))[:needed]
    return from_units(padding + units if at_start else units + padding)


def _repeat(text: str, args: Sequence[Any]) -> str:
    count = to_integer_or_infinity(_arg(args, 0))
    if count < 0 or math.isinf(count):
        raise Refusal(f"repeat({number_to_string(count)}) throws a RangeError")
    if text == "" or count == 0:
        return ""
    checked_string(length(text) * count)
    return text * int(count)


def _string_index_of(text: str, args: Sequence[Any]) -> int:
    units = as_units(text)
    return units.find(
        as_units(_search_argument(_arg(args, 0))),
        _clamped(_arg(args, 1), len(units), 0),
    )


def _starts_with(text: str, args: Sequence[Any]) -> bool:
    units = as_units(text)
    start = _clamped(_arg(args, 1), len(units), 0)
    return units.startswith(as_units(_search_argument(_arg(args, 0))), start)


def _ends_with(text: str, args: Sequence[Any]) -> bool:
    units = as_units(text)
    end = _clamped(_arg(args, 1), len(units), len(units))
    return units[:end].endswith(as_units(_search_argument(_arg(args, 0))))


def _string_at(text: str, args: Sequence[Any]) -> Any:
    units = as_units(text)
    n = to_integer_or_infinity(_arg(args, 0))
    index = n + len(units) if n < 0 else n
    return units[int(index)] if 0 <= index < len(units) else UNDEFINED


def _string_slice(text: str, args: Sequence[Any]) -> str:
    units = as_units(text)
    start = _relative(_arg(args, 0), len(units), 0)
    end = _relative(_arg(args, 1), len(units), len(units))
    return from_units(units[start:end])


def _string_concat(text: str, args: Sequence[Any]) -> str:
    for arg in args:
        text = concat(text, to_string(arg))
    return text


def _string_char_at(text: str, args: Sequence[Any]) -> str:
    unit = _string_unit(text, args)
    return "" if unit is None else unit


def _string_unit(text: str, args: Sequence[Any]) -> str | None:
    units = as_units(text)
    n = to_integer_or_infinity(_arg(args, 0))
    return units[int(n)] if 0 <= n < len(units) else None


def _string_char_code_at(text: str, args: Sequence[Any]) -> float:
    unit = _string_unit(text, args)
    return math.nan if unit is None else ord(unit)


def _string_code_point_at(text: str, args: Sequence[Any]) -> Any:
    units = as_units(text)
    n = to_integer_or_infinity(_arg(args, 0))
    if not 0 <= n < len(units):
        return UNDEFINED
    pair = from_units(units[int(n) : int(n) + 2])
    return ord(pair[0])


def _string_substring(text: str, args: Sequence[Any]) -> str:
    units = as_units(text)
    start = _clamped(_arg(args, 0), len(units), 0)
    end = _clamped(_arg(args, 1), len(units), len(units))
    return from_units(units[min(start, end) : max(start, end)])


StringMethod = Callable[[str, Sequence[Any]], Any]

STRING_METHODS: dict[str, StringMethod] = {
    "toUpperCase": lambda s, a: _case_map(s, upper=True),
    "toLowerCase": lambda s, a: _case_map(s, upper=False),
    "trim": lambda s, a: s.strip(WHITESPACE),
    "trimStart": lambda s, a: s.lstrip(WHITESPACE),
    "trimEnd": lambda s, a: s.rstrip(WHITESPACE),
    "startsWith": _starts_with,
    "endsWith": _ends_with,
    "includes": lambda s, a: _string_index_of(s, a) != -1,
    "indexOf": _string_index_of,
    "split": _split,
    "replace": lambda s, a: _replace(s, a, every=False),
    "replaceAll": lambda s, a: _replace(s, a, every=True),
    "repeat": _repeat,
    "padStart": lambda s, a: _pad(s, a, at_start=True),
    "padEnd": lambda s, a: _pad(s, a, at_start=False),
    "at": _string_at,
    "slice": _string_slice,
    "concat": _string_concat,
    "charAt": _string_char_at,
    "charCodeAt": _string_char_code_at,
    "codePointAt": _string_code_point_at,
    "substring": _string_substring,
    "toString": lambda s, a: s,
}


def string_property(text: str, key: str) -> Any:
    """``s.length`` and ``s[i]``; anything else is not a constant property."""
    if key == "length":
        return length(text)
    units = as_units(text)
    if is_array_index(key) and int(key) < len(units):
        return units[int(key)]
    raise Refusal(f"property {key!r} of a string is not evaluated")


# --- arrays -------------------------------------------------------------------------------


def _arg(args: Sequence[Any], index: int) -> Any:
    return args[index] if index < len(args) else UNDEFINED


def _callback(args: Sequence[Any], method: str) -> JSFunction:
    fn = _arg(args, 0)
    if not isinstance(fn, JSFunction):
        raise Refusal(f"{method}() needs a function; it throws a TypeError")
    return fn


def join(items: list[Any], separator: str = ",") -> str:
    parts = []
    size = len(separator) * len(items)
    for item in items:
        if item is None or item is UNDEFINED or item is HOLE:
            parts.append("")
        else:
            parts.append(to_string(item))
            size += len(parts[-1])
        checked_string(size)
    return from_units(separator.join(parts))


def _map(items: list[Any], args: Sequence[Any]) -> list[Any]:
    fn = _callback(args, "map")
    return [fn.call([item, i, items]) for i, item in enumerate(items)]


def _filter(items: list[Any], args: Sequence[Any]) -> list[Any]:
    fn = _callback(args, "filter")
    return [
        item for i, item in enumerate(items) if to_boolean(fn.call([item, i, items]))
    ]


def _reduce(items: list[Any], args: Sequence[Any], backwards: bool) -> Any:
    fn = _callback(args, "reduce")
    order = list(range(len(items)))
    if backwards:
        order.reverse()
    if len(args) >= 2:
        accumulator = args[1]
    elif not items:
        raise Refusal(
            "reduce() of an empty array with no initial value throws a TypeError"
        )
    else:
        accumulator = items[order.pop(0)]
    for i in order:
        accumulator = fn.call([accumulator, items[i], i, items])
    return accumulator


def _find(items: list[Any], args: Sequence[Any], want: str, backwards: bool) -> Any:
    fn = _callback(args, want)
    order = range(len(items) - 1, -1, -1) if backwards else range(len(items))
    for i in order:
        if to_boolean(fn.call([items[i], i, items])):
            return items[i] if want == "find" else i
    return UNDEFINED if want == "find" else -1


def _some(items: list[Any], args: Sequence[Any]) -> bool:
    fn = _callback(args, "some")
    return any(to_boolean(fn.call([item, i, items])) for i, item in enumerate(items))


def _every(items: list[Any], args: Sequence[Any]) -> bool:
    fn = _callback(args, "every")
    return all(to_boolean(fn.call([item, i, items])) for i, item in enumerate(items))


def _flatten(
    items: list[Any], depth: float | int, out: list[Any], visits: list[int]
) -> None:
    """Appends the elements of ``items`` to ``out``, arrays ``depth`` levels deep spread;
    ``visits`` counts the arrays entered, which sharing (``[a, a]``) can multiply."""
    visits[0] += 1
    checked_array(out)
    if visits[0] > MAX_ELEMENTS:
        raise Refusal(f"flattening enters more than {MAX_ELEMENTS} arrays")
    for item in items:
        if item is HOLE:
            continue
        if isinstance(item, list) and depth > 0:
            _flatten(item, depth - 1, out, visits)
        else:
            out.append(item)


def _flat(items: list[Any], args: Sequence[Any]) -> list[Any]:
    depth_arg = _arg(args, 0)
    depth = 1 if depth_arg is UNDEFINED else to_integer_or_infinity(depth_arg)
    out: list[Any] = []
    _flatten(items, depth, out, [0])
    return checked_array(out)


def _flat_map(items: list[Any], args: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    _flatten(_map(items, args), 1, out, [0])
    return checked_array(out)


def _concat(items: list[Any], args: Sequence[Any]) -> list[Any]:
    out = list(items)
    for arg in args:
        if isinstance(arg, list):
            out.extend(arg)
        else:
            out.append(arg)
        checked_array(out)
    return out


def _slice(items: list[Any], args: Sequence[Any]) -> list[Any]:
    start = _relative(_arg(args, 0), len(items), 0)
    end = _relative(_arg(args, 1), len(items), len(items))
    return items[start:end]


def _from_index(items: list[Any], args: Sequence[Any]) -> int:
    return _relative(_arg(args, 1), len(items), 0)


def _includes(items: list[Any], args: Sequence[Any]) -> bool:
    target = _arg(args, 0)
    start = _from_index(items, args)
    return any(same_value_zero(item, target) for item in items[start:])


def _index_of(items: list[Any], args: Sequence[Any]) -> int:
    target = _arg(args, 0)
    for i in range(_from_index(items, args), len(items)):
        if strict_equals(items[i], target):
            return i
    return -1


def _at(items: list[Any], args: Sequence[Any]) -> Any:
    n = to_integer_or_infinity(_arg(args, 0))
    index = n + len(items) if n < 0 else n
    return items[int(index)] if 0 <= index < len(items) else UNDEFINED


#: Pairs a comparator is called on to prove it is consistent; a longer array is refused.
MAX_COMPARED_PAIRS = 20_000


def _sorted(items: list[Any], args: Sequence[Any]) -> list[Any]:
    """sort()/toSorted(): stable; undefined last; without a comparator, by ToString in UTF-16
    order. A comparator is first checked to be a consistent order on these elements, because
    for an inconsistent one the result depends on V8's algorithm."""
    comparator = _arg(args, 0)
    present = [item for item in items if item is not UNDEFINED]
    missing = [UNDEFINED] * (len(items) - len(present))
    if comparator is UNDEFINED:
        keyed = sorted(
            ((utf16_key(to_string(v)), v) for v in present), key=lambda p: p[0]
        )
        return [v for _, v in keyed] + missing
    if not isinstance(comparator, JSFunction):
        raise Refusal(
            "sort() with a comparator that is not a function throws a TypeError"
        )

    def compare(a: Any, b: Any) -> int:
        v = to_number(comparator.call([a, b]))
        return 0 if v != v or v == 0 else (1 if v > 0 else -1)

    n = len(present)
    if n * (n - 1) // 2 > MAX_COMPARED_PAIRS:
        raise Refusal(f"sorting {n} elements with a comparator is not evaluated")
    table = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            table[i][j] = compare(present[i], present[j])
            table[j][i] = compare(present[j], present[i])
            if table[i][j] != -table[j][i]:
                raise Refusal(
                    "the comparator is not consistent (compare(a, b) is not "
                    "-compare(b, a)); V8's order would depend on its sort algorithm"
                )

    def by_table(i: int, j: int) -> int:
        return table[i][j]

    order = sorted(range(n), key=cmp_to_key(by_table))
    # A strict weak order: in sorted order, elements fall into runs of equals, and every
    # element compares less than every element of a later run.
    runs = [0] * n
    for k in range(1, n):
        runs[k] = runs[k - 1] + (table[order[k - 1]][order[k]] < 0)
    for x in range(n):
        for y in range(x + 1, n):
            if table[order[x]][order[y]] != (0 if runs[x] == runs[y] else -1):
                raise Refusal(
                    "the comparator is not a consistent order; V8's result would "
                    "depend on its sort algorithm"
                )
    return [present[i] for i in order] + missing


ArrayMethod = Callable[[list[Any], Sequence[Any]], Any]

ARRAY_METHODS: dict[str, ArrayMethod] = {
    "map": _map,
    "filter": _filter,
    "reduce": lambda items, args: _reduce(items, args, backwards=False),
    "reduceRight": lambda items, args: _reduce(items, args, backwards=True),
    "concat": _concat,
    "flat": _flat,
    "flatMap": _flat_map,
    "slice": _slice,
    "includes": _includes,
    "indexOf": _index_of,
    "join": lambda items, args: join(
        items, "," if _arg(args, 0) is UNDEFINED else to_string(_arg(args, 0))
    ),
    "some": _some,
    "every": _every,
    "find": lambda items, args: _find(items, args, "find", backwards=False),
    "findIndex": lambda items, args: _find(items, args, "findIndex", backwards=False),
    "findLast": lambda items, args: _find(items, args, "find", backwards=True),
    "findLastIndex": lambda items, args: _find(
        items, args, "findIndex", backwards=True
    ),
    "at": _at,
    "toSorted": _sorted,
    "toReversed": lambda items, args: items[::-1],
    # sort() and reverse() work in place; the evaluator allows them only on a fresh array
    "sort": _sorted,
    "reverse": lambda items, args: items[::-1],
    "toString": lambda items, args: join(items),
}
IN_PLACE_METHODS = frozenset({"sort", "reverse"})


# --- Object.* -----------------------------------------------------------------------------


def own_entries(value: Any, method: str) -> list[tuple[str, Any]]:
    """The own enumerable string-keyed properties, in JavaScript's order."""
    if value is None or value is UNDEFINED:
        raise Refusal(f"{method}({to_string(value)}) throws a TypeError")
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return [(str(i), v) for i, v in enumerate(value) if v is not HOLE]
    if isinstance(value, str):
        return [(str(i), u) for i, u in enumerate(as_units(value))]
    return []  # numbers, booleans, sets and functions have none


def from_entries(entries: Iterable[Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, list):
            raise Refusal(
                "Object.fromEntries() needs [key, value] arrays; anything else throws "
                "or is not evaluated"
            )
        key = _arg(entry, 0)
        result[to_property_key(UNDEFINED if key is HOLE else key)] = _arg(entry, 1)
    return result


def iterate(value: Any) -> list[Any]:
    """What ``...value`` and ``for of`` see: array elements (a hole reads as undefined), a
    string's code points, a set's elements."""
    if isinstance(value, list):
        return [UNDEFINED if v is HOLE else v for v in value]
    if isinstance(value, str):
        return list(value)
    if isinstance(value, JSSet):
        return list(value.items)
    raise Refusal(f"{type_of(value) if value is not None else 'null'} is not iterable")
