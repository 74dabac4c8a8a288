"""Run a made-up story through the sieve linker with every sieve on, and with one switched off."""

from __future__ import annotations

from plugins.agent.linker import link_story

#: the last-resort sieves: they take a description nobody else resolved back to the most salient compatible entity
#: ("the teacher") or to the one other person of the scene ("his coach"), so they would give many a precise
#: sieve's answer when that sieve is off
FALLBACKS = ("salience", "owned_role")


def ids(prompts: list[str], disabled: tuple[str, ...] = ()) -> list[list[int]]:
    """The entity ids present in each prompt."""
    return [r.entity_ids for r in link_story(prompts, disabled)]


def with_and_without(sieve: str, prompts: list[str]) -> tuple[list[list[int]], list[list[int]]]:
    """(ids with every sieve, ids with `sieve` off); a sieve's test asserts the first and that they differ.
    For any sieve but the fallbacks, "off" switches the fallbacks off too, and the story must come out the same
    without them: the sieve's own rule, not a fallback, gives the answer that is asserted."""
    on = ids(prompts)
    if sieve in FALLBACKS:
        return on, ids(prompts, (sieve,))
    off = ids(prompts, (sieve, *FALLBACKS))
    assert ids(prompts, FALLBACKS) == on, f"a fallback sieve ({', '.join(FALLBACKS)}), not {sieve}, decides this story"
    return on, off
