"""Frozen data classes that are quick to define and quick to make.

A frozen dataclass compiles six methods when its module is imported: about 0.75 ms a class
on Python 3.11, and a check defines some thirty before it reads its first file. Its
``__init__`` then sets each field through ``object.__setattr__``, several times slower than
a plain assignment, and a book makes tens of thousands of records.

``@record`` makes the same kind of class: a dataclass (``dataclasses.fields`` and
``replace`` work), frozen, with slots, equal and hashed by its compared fields, shown by
all of them, picklable. Only its ``__init__`` is compiled, and it writes the slots
directly; the other methods are shared by every record.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

_Record = TypeVar("_Record")

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # nothing to do at run time: type checkers (and mypyc) read the declaration

    def dataclass_transform(**_: Any) -> Callable[[_Record], _Record]:
        return lambda decorator: decorator


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_Record]) -> type[_Record]:
    # Give each record a docstring: dataclass would make one from the signature, which
    # without an __init__ of its own it reads the slow way, through tokenize.
    made: Any = dataclass(slots=True, init=False, repr=False, eq=False)(cls)
    every = fields(made)
    for each in every:
        if not _plain(each):
            raise TypeError(f"{made.__name__}.{each.name}: a record field takes a default only")
    if hasattr(made, "__post_init__"):
        raise TypeError(f"{made.__name__}: a record has no __post_init__")
    names = tuple(each.name for each in every)
    made._record_names = names
    made._record_values = _getter(names)
    made._record_compared = _getter(tuple(e.name for e in every if e.compare))
    made.__init__ = _initialiser(made, every)
    made.__repr__ = _repr
    made.__eq__ = _eq
    made.__hash__ = _hash
    made.__setattr__ = _setattr
    made.__delattr__ = _delattr
    made.__getstate__ = _getstate
    made.__setstate__ = _setstate
    return made


def _plain(each: Field) -> bool:
    """A field with at most a default: no factory, and shown, hashed and set as usual."""
    return (
        each.default_factory is MISSING
        and each.init
        and each.repr
        and each.hash is None
        and not each.kw_only
    )


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda instance: (get(instance),)
    return lambda instance: ()


def _initialiser(cls: type, every: tuple[Field, ...]) -> Callable[..., None]:
    namespace: dict[str, object] = {}
    parameters, body = [], []
    for each in every:
        name = each.name
        namespace[f"_set_{name}"] = getattr(cls, name).__set__
        if each.default is MISSING:
            parameters.append(name)
        else:
            namespace[f"_default_{name}"] = each.default
            parameters.append(f"{name}=_default_{name}")
        body.append(f"    _set_{name}(self, {name})\n")
    source = f"def __init__(self, {', '.join(parameters)}):\n{''.join(body) or '    pass'}\n"
    exec(source, namespace)
    initialiser: Any = namespace["__init__"]
    initialiser.__qualname__ = f"{cls.__qualname__}.__init__"
    return initialiser


def _repr(self: Any) -> str:
    kind = type(self)
    shown = ", ".join(
        f"{name}={value!r}"
        for name, value in zip(kind._record_names, kind._record_values(self), strict=True)
    )
    return f"{kind.__qualname__}({shown})"


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    kind: Any = type(self)
    compared = kind._record_compared
    return compared(self) == compared(other)


def _hash(self: Any) -> int:
    return hash(type(self)._record_compared(self))


def _setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list:
    return list(type(self)._record_values(self))


def _setstate(self: Any, state: list) -> None:
    for name, value in zip(type(self)._record_names, state, strict=True):
        object.__setattr__(self, name, value)
