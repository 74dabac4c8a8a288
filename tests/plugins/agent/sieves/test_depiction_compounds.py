"""A picture word that modifies a later noun ("a photo booth") shows nobody: whom a colon after it lists is there."""

from __future__ import annotations

import pytest

from plugins.agent.linker import link_story
from plugins.agent.sieves import depiction_compounds, presence

LISTED_AFTER_A_COMPOUND = [
    ["Two cousins squeeze into a photo booth at the station: a tall boy in a beanie and a small girl with braids.",
     "The girl pulls a face at the camera while the boy laughs."],
    ["The friends wait at the portrait studio downtown: a bald man in a suit and a woman in a red dress.",
     "The woman fixes her hair."],
    ["The gang piles into a video arcade after school: a lanky teen with a skateboard and a girl in a yellow hood.",
     "The teen feeds coins into a machine."],
]
SHOWN_IN_A_PICTURE = [
    ["A nurse stares at the old photo on the wall: a soldier in uniform smiles at the camera.",
     "The nurse sighs and turns away."],
    ["A man shows his painting to the class: a fox with a goose in its jaws.",
     "The man bows."],
]


def _skipped(prompts: list[str]) -> list[str | None]:
    return [link["skip"] for link in link_story(prompts, ())[0].links[1:]]


@pytest.mark.parametrize("prompts", LISTED_AFTER_A_COMPOUND)
def test_whom_a_colon_lists_after_a_compound_is_present(prompts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    results = link_story(prompts, ())
    assert "pictured" not in _skipped(prompts)
    assert results[1].entity_ids and set(results[1].entity_ids) <= set(results[0].entity_ids)
    monkeypatch.setattr(presence, "kind_of_place_or_thing", lambda t: False)
    assert "pictured" in _skipped(prompts)  # with the rule off, the listed characters are read as a picture's


@pytest.mark.parametrize("prompts", SHOWN_IN_A_PICTURE)
def test_whom_a_picture_shows_stays_pictured(prompts: list[str]) -> None:
    assert "pictured" in _skipped(prompts)
    assert link_story(prompts, ())[1].entity_ids == [1]


def test_only_a_modifier_of_a_later_noun_counts() -> None:
    from plugins.agent.reader import parse

    doc = parse("She hangs the photo near a photo booth.")
    assert [depiction_compounds.kind_of_place_or_thing(t) for t in doc if t.lower_ == "photo"] == [False, True]
