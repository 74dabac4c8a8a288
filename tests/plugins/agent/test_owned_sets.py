"""An owner's counted kin ("her two daughters") introduces its members when the story has none yet."""

from __future__ import annotations

import pytest

from plugins.agent import linker

from .sieves.helpers import ids

# made-up stories: a possessive counted kin plural brings in members that a later "the younger" picks between
BAKERY = ["In a bakery a widow kneads dough while her two daughters work beside her: the older at the oven, "
          "the younger at the till.",
          "A customer asks the younger daughter for rye bread.",
          "The older daughter wraps it."]
HARBOUR = ["At the harbour an old captain waits with his two granddaughters.",
           "The younger girl points at a seal.",
           "The older granddaughter takes a photo."]
# must not fire: the daughters are the two girls the story already has
YARD = ["Two girls skip rope in a yard while a woman hangs laundry.",
        "Her two daughters then run inside.",
        "The woman follows them."]


def _off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linker, "owned_kin_newcomers", lambda ctx, m: False)


def test_owned_counted_kin_introduces_members(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ids(BAKERY) == [[1, 2, 3], [2, 4], [3]]
    assert ids(HARBOUR) == [[1, 2, 3], [2, 4], [3]]
    _off(monkeypatch)
    assert ids(BAKERY) != [[1, 2, 3], [2, 4], [3]]
    assert ids(HARBOUR) != [[1, 2, 3], [2, 4], [3]]


def test_owned_counted_kin_refers_back_to_a_waiting_set() -> None:
    assert ids(YARD) == [[1, 2, 3], [1, 2], [1, 2, 3]]
