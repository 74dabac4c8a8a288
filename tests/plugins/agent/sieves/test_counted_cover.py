"""A definite counted plural covers the most recent entities that make up its count (groups sieve)."""

from __future__ import annotations

import pytest

from .helpers import with_and_without


@pytest.mark.parametrize(("prompts", "expected"), [
    (["A stout woman waters tomatoes in her garden. Her older sister rests on a bench.",
      "A postman in a blue cap brings a parcel to the gate.",
      "Later, the two old women drink lemonade on the porch while the postman walks away."],
     [[1, 2], [3], [1, 2, 3]]),  # "women" takes no man, whoever came in since
    (["A racing driver climbs into her car.", "The crew chief, a bald older man, checks the tyres.",
      "A young mechanic joins him with a wrench.",
      "The driver speeds away; at the pit wall the two mechanics cheer."],
     [[1], [2], [2, 3], [1, 2, 3]]),  # the driver singled out beside the plural is none of it
    (["A ferry captain steers through the fog. A young hiker sits on deck.",
      "A woman with a red rucksack sits beside the hiker.",
      "At the pier, the two backpackers walk off together while the captain ties the rope."],
     [[1, 2], [2, 3], [1, 2, 3]]),  # a new noun for the two seen last
    (["A bearded wrestler stretches in the ring. His opponent, a younger man, bounces on his toes.",
      "A referee in a striped shirt waves them together.", "She steps back.",
      "Afterwards a cook serves soup to the two men."],
     [[1, 2], [1, 2, 3], [3], [1, 2, 4]]),  # going back prompt by prompt until two men are found
])
def test_counted_plural_covers_the_most_recent_that_fit(prompts, expected):
    on, off = with_and_without("groups", prompts)
    assert on == expected
    assert on != off


def test_counted_plural_reaches_back_past_a_smaller_scene():
    # the previous prompt holds two of the three; the count takes in the apprentice seen before that
    on, off = with_and_without("groups", [
        "A potter shapes a bowl at her wheel. Her apprentice, a quiet young man, kneads clay beside her.",
        "A tall woman with a basket steps into the workshop.", "She chats with the potter.",
        "At noon the three friends share bread in the yard."])
    assert on == [[1, 2], [3], [1, 3], [1, 2, 3]]
    assert on != off


@pytest.mark.parametrize("prompts", [
    ["Four students pitch a tent by the lake.", "A short girl in a green cap drifts away from her three classmates."],
    ["Three hikers climb a rocky ridge at dawn.", "A bearded man waves to his two companions from a boulder."],
    ["Three fishermen haul a net onto a wooden boat.",
     "An old man with a pipe shouts at his two mates to pull harder."],
])
def test_newcomer_with_his_companions_is_the_rest_of_a_set(prompts):
    # someone brought in beside "his N companions" is the remaining member of a set of N + 1 never split
    on, off = with_and_without("groups", prompts)
    assert on[1] == on[0]
    assert on != off
