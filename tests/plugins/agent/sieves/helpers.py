"""Run a made-up story through the sieve linker with every sieve on, and with one switched off."""

from __future__ import annotations

from plugins.agent.linker import link_story

#: the last-resort sieve: it takes a definite description nobody else resolved back to the most salient compatible
#: entity, so it would give many a precise sieve's answer when that sieve is off
FALLBACK = "salience"


def ids(prompts: list[str], disabled: tuple[str, ...] = ()) -> list[list[int]]:
    """The entity ids present in each prompt."""
    return [r.entity_ids for r in link_story(prompts, disabled)]


def with_and_without(sieve: str, prompts: list[str]) -> tuple[list[list[int]], list[list[int]]]:
    """(ids with every sieve, ids with `sieve` off); a sieve's test asserts the first and that they differ.
    For any sieve but the fallback, "off" switches the fallback off too, and the story must come out the same
    without the fallback: the sieve's own rule, not the fallback, gives the answer that is asserted."""
    on = ids(prompts)
    if sieve == FALLBACK:
        return on, ids(prompts, (sieve,))
    off = ids(prompts, (sieve, FALLBACK))
    assert ids(prompts, (FALLBACK,)) == on, f"the {FALLBACK} sieve, not {sieve}, decides this story"
    return on, off
