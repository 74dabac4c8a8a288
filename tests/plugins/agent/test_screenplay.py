"""Screenplay layout: scene headings and capitalised directions hold no character; a capitalised cue names one."""

from __future__ import annotations

import pytest

from plugins.agent.reader import parse
from plugins.agent.screenplay import capital_cue, heading_spans
from tests.plugins.agent.sieves.helpers import ids


def _spans(text: str) -> list[str]:
    return [text[a:b] for a, b in heading_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("INT. HARBOUR OFFICE, OSLO — NIGHT. A clerk sorts the mail.", ["INT. HARBOUR OFFICE, OSLO — NIGHT."]),
    ("EXT. VINEYARD - DUSK. A farmer walks between the vines.", ["EXT. VINEYARD - DUSK."]),
    ("The baker hums. CLOSE ON his floury hands.", ["CLOSE ON"]),
    ("CUT TO: the pier, where a fisher waves.", ["CUT TO:"]),
    ("PUSH IN ON the locked door.", ["PUSH IN ON"]),
    ("THE PORTER ON the stairs looks up.", []),  # a cue with its determiner is no direction
    ("A clerk in a green cardigan sorts the mail.", []),
])
def test_heading_spans(text: str, expected: list[str]) -> None:
    assert _spans(text) == expected


@pytest.mark.parametrize("prompts", [
    ["INT. HARBOUR OFFICE, OSLO — NIGHT. A clerk in a green cardigan sorts the mail.",
     "CLOSE ON the clerk's hands shuffling envelopes."],
    ["EXT. MARKET SQUARE, LYON — MORNING. A florist in a striped apron arranges tulips.",
     "OPEN ON a bucket of roses. The florist trims the stems."],
])
def test_headings_and_directions_make_no_one(prompts: list[str]) -> None:
    assert ids(prompts) == [[1], [1]]  # neither the heading's place nor the direction's "ON" is a name


@pytest.mark.parametrize(("text", "word", "expected"), [
    ("THE FARMER'S POV: rows of vines.", "FARMER", True),
    ("POV — THE NURSE: a hand reaches in.", "NURSE", True),
    ("INT. THE OLD MILL — DAY.", "MILL", False),  # no character noun
    ("The nurse waves to Nurse Ratna.", "Nurse", False),  # not in capitals
])
def test_capital_cue(text: str, word: str, expected: bool) -> None:
    doc = parse(text)
    assert capital_cue(next(t for t in doc if t.text == word)) is expected


def test_capital_cue_names_the_story_character() -> None:
    prompts = ["A nurse in green scrubs checks a chart.", "POV — THE NURSE: a hand reaches into frame with a pen."]
    assert ids(prompts) == [[1], [1]]  # the cue is the nurse (and the hand beside it is nobody)
