"""``@record``: frozen dataclasses with slots, made without compiling their methods."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from doclint.core.records import record


@record
class Entry:
    """A test record."""

    name: str
    line: int = 1
    note: object = dataclasses.field(default=None, compare=False)


@record
class Nothing:
    """A record without fields."""


def test_a_record_behaves_as_a_frozen_dataclass() -> None:
    @dataclasses.dataclass(frozen=True)
    class Same:
        name: str
        line: int = 1
        note: object = dataclasses.field(default=None, compare=False)

    entry = Entry("a", note="x")
    same = Same("a", note="x")
    assert repr(entry) == "Entry(name='a', line=1, note='x')"
    assert repr(same).endswith("Same(name='a', line=1, note='x')")
    assert entry == Entry("a", 1, "other")  # ``note`` is not compared, nor hashed
    assert hash(entry) == hash(Entry("a", 1, "other")) == hash(same)
    assert entry != Entry("b") and entry != same
    assert dataclasses.replace(entry, line=3) == Entry("a", 3)
    assert dataclasses.asdict(entry) == {"name": "a", "line": 1, "note": "x"}
    assert [field.name for field in dataclasses.fields(Entry)] == ["name", "line", "note"]
    assert Entry.__match_args__ == ("name", "line", "note")
    for copied in (pickle.loads(pickle.dumps(entry)), copy.deepcopy(entry)):
        assert copied == entry and copied.note == "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.line = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del entry.line
    with pytest.raises(TypeError):
        Entry()  # type: ignore[call-arg]
    assert not hasattr(entry, "__dict__")
    assert Nothing() == Nothing() and repr(Nothing()) == "Nothing()"


def test_a_record_takes_plain_defaults_only() -> None:
    with pytest.raises(TypeError, match="default only"):

        @record
        class Listed:
            """Has a factory."""

            items: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="__post_init__"):

        @record
        class Checked:
            """Has a __post_init__."""

            value: int

            def __post_init__(self) -> None:
                pass
