"""Numbers print exactly as JavaScript prints them: JSON.stringify's shortest round-trip
digits, its switch to exponent form below 1e-6 and from 1e21, -0 as 0, and integers beyond
2**53 as the double they become. One Node run judges a few thousand of them."""

from __future__ import annotations

import random
import struct
import sys
from pathlib import Path

import pytest

from tests.oracle import node_evaluate
from tsmirror.extract_json import extract_symbol, stringify

EDGES = [
    0.0,
    -0.0,
    5e-324,
    2.2250738585072014e-308,
    sys.float_info.max,
    1e-7,
    1e-6,
    9.999999999999999e-7,
    1e20,
    1e21,
    999999999999999900000.0,
    0.1 + 0.2,
    2.0**53 - 1,
    2.0**53,
    2.0**53 + 2,
    123456789012345680000.0,
    1.5,
    -273.15,
]


def literals() -> list[str]:
    rng = random.Random(20261125)
    values = list(EDGES)
    # Any finite double, by its bits, and decimals of every magnitude.
    while len(values) < 3000:
        (value,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if value == value and abs(value) != float("inf"):
            values.append(value)
        values.append(rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30))
    texts = [repr(v) for v in values]
    # Integer literals too, including ones no double holds exactly.
    texts += [str(rng.randint(-(2**70), 2**70)) for _ in range(300)]
    return texts


@pytest.mark.node
def test_numbers_print_as_node_prints_them(tmp_path: Path) -> None:
    source = tmp_path / "numbers.ts"
    source.write_text(
        f"export const N = [{', '.join(literals())}];\n", encoding="utf-8"
    )
    (node_json,) = node_evaluate(source, "N")
    assert stringify(extract_symbol(tmp_path, source, "N")) == node_json
