"""The record's text is json.dumps(indent=2, ensure_ascii=True), written by a faster hand."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tsmirror.record import _dumps

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too: json spells them
    | st.text()  # any code point: escaped to ASCII
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(_JSON)
def test_the_record_text_is_json_dumps_with_an_indent_of_two(value: object) -> None:
    assert _dumps(value) == json.dumps(value, indent=2, ensure_ascii=True) + "\n"
