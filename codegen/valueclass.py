"""Value classes defined without compiling code at import.

``dataclasses.dataclass`` compiles every method it adds with ``exec``, and importing it
imports ``inspect``. For the thirty classes a cold ``check`` or ``extract`` defines, that was
about 40 ms of CPU in every process, more than a cold check's own work on a small substrate
(measured with ``time.process_time``; ``make bench`` shows the processes). :func:`valueclass`
keeps the part of that contract this package uses, with methods every class shares instead of
methods compiled for each:

- construction by position or keyword, in the order the fields are annotated in the class
  body, with defaults (:func:`field` gives a ``default_factory``, or ``compare=False``);
- ``==`` and ``hash`` over the compared fields, between instances of one class only (a
  class that defines its own ``__eq__`` and ``__hash__`` keeps them); a mutable class
  (``frozen=False``) is unhashable, as a dataclass is;
- ``repr``, ``__match_args__`` (``match`` takes positional patterns) and :func:`replace`;
- a frozen instance refuses assignment.

mypy reads a decorated class as a dataclass (``dataclass_transform``). Fields are the class's
own annotations: inheriting fields is not supported, and a base that has them is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")
_NOTHING: Any = object()


class _Field:
    __slots__ = ("compare", "default", "factory")

    def __init__(
        self, default: Any, factory: Callable[[], Any] | None, compare: bool
    ) -> None:
        self.default, self.factory, self.compare = default, factory, compare


def field(
    *,
    default: Any = _NOTHING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
) -> Any:
    """A field's default (or a function that makes one per instance), and whether ``==``
    and ``hash`` look at it."""
    return _Field(default, default_factory, compare)


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen instance."""


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    names: tuple[str, ...] = cls.__value_fields__
    if len(args) > len(names):
        raise TypeError(
            f"{cls.__name__}() takes {len(names)} arguments but {len(args)} were given"
        )
    put = object.__setattr__
    for name, arg in zip(names, args, strict=False):  # the rest come from kwargs
        put(self, name, arg)
    for name in names[len(args) :]:
        if name in kwargs:
            put(self, name, kwargs.pop(name))
            continue
        default, factory = cls.__value_defaults__.get(name, (_NOTHING, None))
        if factory is not None:
            put(self, name, factory())
        elif default is not _NOTHING:
            put(self, name, default)
        else:
            raise TypeError(f"{cls.__name__}() is missing the argument {name!r}")
    if kwargs:
        raise TypeError(f"{cls.__name__}() got unexpected arguments {sorted(kwargs)}")


def _eq(self: Any, other: Any) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[no-any-return]
    key = self.__value_key__
    return bool(key(self) == key(other))


def _hash(self: Any) -> int:
    return hash(self.__value_key__(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__value_fields__)
    return f"{type(self).__qualname__}({shown})"


def _refuse(self: Any, name: str, *value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


@overload
def valueclass(cls: type[_T], /) -> type[_T]: ...


@overload
def valueclass(*, frozen: bool = True) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def valueclass(
    cls: type[_T] | None = None, /, *, frozen: bool = True
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Make ``cls`` a value class (see the module's docstring)."""

    def make(made: type[_T]) -> type[_T]:
        cls: Any = made  # gains attributes its type does not declare
        if any(hasattr(base, "__value_fields__") for base in cls.__mro__[1:]):
            raise TypeError(f"{cls.__name__}: fields cannot be inherited")
        # not inspect.get_annotations: importing inspect is the cost this module avoids
        names = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
        defaults: dict[str, tuple[Any, Callable[[], Any] | None]] = {}
        compared = []
        for name in names:
            given = cls.__dict__.get(name, _NOTHING)
            if isinstance(given, _Field):
                defaults[name] = (given.default, given.factory)
                if given.compare:
                    compared.append(name)
                delattr(cls, name)
                continue
            if given is not _NOTHING:
                defaults[name] = (given, None)
            compared.append(name)
        required = [n for n in names if n not in defaults]
        if required and names.index(required[-1]) > min(
            (names.index(n) for n in defaults), default=len(names)
        ):
            raise TypeError(
                f"{cls.__name__}: a field without a default follows one with"
            )
        cls.__value_fields__ = names
        cls.__value_defaults__ = defaults
        cls.__value_key__ = attrgetter(*compared) if compared else tuple
        setattr(cls, "__match_args__", names)  # noqa: B010 (mypy refuses the attribute)
        own = set(cls.__dict__)  # before the shared methods are added
        shared = {"__init__": _init, "__repr__": _repr, "__eq__": _eq}
        if frozen:
            shared |= {
                "__hash__": _hash,
                "__setattr__": _refuse,
                "__delattr__": _refuse,
            }
        for name, method in shared.items():
            if name not in own:
                setattr(cls, name, method)
        if not frozen and "__eq__" not in own:
            cls.__hash__ = None
        return made

    return make if cls is None else make(cls)


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the value ``obj`` with ``changes`` to its fields."""
    fields: tuple[str, ...] = type(obj).__value_fields__  # type: ignore[attr-defined]
    values = {name: getattr(obj, name) for name in fields}
    values.update(changes)
    return type(obj)(**values)
