"""Reductions the differential corpus cannot show, because ts-json-schema-generator fails on
the type (it has no schema to judge with): the mirror's reading is checked against tsc
--strict itself, document by document."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mirrors import lint_generated, render_mirror
from tests.oracle import typescript_accepts

SOURCE = """\
interface Circle {
  kind: 'circle';
  radius: number;
}
interface Square {
  kind: 'square';
  side: number;
}
type IsObject<T> = T extends {} ? 'object' : 'other';

export interface Reduced {
  impossible?: Circle & Square;
  objectish: IsObject<string | null>;
}
"""

# (why, document); tsc decides whether each is a Reduced, the mirror must agree
DOCUMENTS = [
    ("as written", {"objectish": "object"}),
    ("string extends {}, null does not", {"objectish": "other"}),
    ("neither branch", {"objectish": "x"}),
    (
        "conflicting discriminants make the intersection never",
        {
            "objectish": "object",
            "impossible": {"kind": "circle", "radius": 1, "side": 1},
        },
    ),
]


@pytest.mark.node
@pytest.mark.parametrize(("why", "document"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_reductions_agree_with_tsc(
    why: str, document: dict[str, object], tmp_path: Path
) -> None:
    source = tmp_path / "main.ts"
    source.write_text(SOURCE, encoding="utf-8")
    mirror = render_mirror(tmp_path, source, ["Reduced"], tmp_path / "reduced.py")
    expected = typescript_accepts(source, "Reduced", document)
    try:
        mirror.Reduced.from_json(document)
        ours = True
    except ValueError:
        ours = False
    assert ours == expected, why


def test_an_optional_never_property_is_lint_clean(tmp_path: Path) -> None:
    """``impossible?: Circle & Square`` is only ever absent: annotated ``None``, with no
    ``Never | None`` (RUF020) nor an unused ``Never`` import."""
    source = tmp_path / "main.ts"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    render_mirror(tmp_path, source, ["Reduced"], out / "reduced.py")
    lint_generated(out)
