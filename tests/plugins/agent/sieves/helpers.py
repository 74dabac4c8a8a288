"""Run a made-up story through the sieve linker with every sieve on, and with one switched off."""

from __future__ import annotations

from plugins.agent.linker import link_story


def ids(prompts: list[str], disabled: tuple[str, ...] = ()) -> list[list[int]]:
    """The entity ids present in each prompt."""
    return [r.entity_ids for r in link_story(prompts, disabled)]


def with_and_without(sieve: str, prompts: list[str]) -> tuple[list[list[int]], list[list[int]]]:
    """(ids with every sieve, ids with `sieve` off); a sieve's test asserts the first and that they differ."""
    return ids(prompts), ids(prompts, (sieve,))
