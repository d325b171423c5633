"""The value classes the IR and the parser's records are made of (tsmirror.valueclass)."""

from __future__ import annotations

import pytest

from tsmirror.valueclass import FrozenInstanceError, field, replace, valueclass


@valueclass
class Point:
    x: int
    y: int
    label: str = field(default="", compare=False)
    tags: list[str] = field(default_factory=list)


@valueclass
class Pair:
    x: int
    y: int
    label: str = ""
    tags: list[str] = field(default_factory=list)


@valueclass(frozen=False)
class Builder:
    name: str
    parts: list[str] = field(default_factory=list)


def test_construction_by_position_and_keyword_in_field_order() -> None:
    point = Point(1, y=2)
    assert (point.x, point.y, point.label, point.tags) == (1, 2, "", [])
    assert repr(point) == "Point(x=1, y=2, label='', tags=[])"
    with pytest.raises(TypeError, match="missing the argument 'y'"):
        Point(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected"):
        Point(1, 2, x=3)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 4 arguments"):
        Point(1, 2, "", [], 5)  # type: ignore[call-arg]


def test_a_default_factory_makes_one_value_per_instance() -> None:
    first, second = Point(1, 2), Point(1, 2)
    first.tags.append("a")
    assert second.tags == []


def test_equality_and_hash_over_compared_fields_of_one_class() -> None:
    assert Point(1, 2, "a") == Point(1, 2, "b")  # label is not compared
    assert hash(Point(1, 2, "a", ())) == hash(Point(1, 2, "b", ()))  # type: ignore[arg-type]
    assert Point(1, 2) != Point(1, 3)
    # the same field values in another class are another value (a tuple would be equal)
    assert Point(1, 2) != Pair(1, 2)
    assert len({Point(1, 2, tags=()), Pair(1, 2, tags=())}) == 2  # type: ignore[arg-type]


def test_frozen_instances_refuse_assignment_and_mutable_ones_are_unhashable() -> None:
    point = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.x  # type: ignore[misc]
    builder = Builder("b")
    builder.parts.append("p")
    builder.name = "c"
    assert builder == Builder("c", ["p"])
    with pytest.raises(TypeError, match="unhashable"):
        hash(builder)


def test_replace_and_match_patterns() -> None:
    moved = replace(Point(1, 2, "a"), y=5)
    assert (moved.x, moved.y, moved.label) == (1, 5, "a")
    match moved:
        case Point(1, y):
            assert y == 5
        case _:
            pytest.fail("a positional pattern did not match")


def test_a_class_that_defines_its_own_equality_keeps_it() -> None:
    @valueclass
    class Loose:
        value: int

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 0

    assert Loose(1) == Loose(2)
    assert hash(Loose(3)) == 0


def test_misdeclared_classes_are_refused() -> None:
    with pytest.raises(TypeError, match="follows one with"):

        @valueclass
        class Late:
            a: int = 0
            b: int

    with pytest.raises(TypeError, match="cannot be inherited"):

        @valueclass
        class Child(Point):
            z: int
