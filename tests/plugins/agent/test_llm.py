"""LLM backends: a tiny random causal LM end to end, canned answers through the real parser, and an
OpenAI-compatible server on 127.0.0.1 that answers well, badly, with a 500, or too late."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from plugins.agent import AgentConfig, EntityAgent
from plugins.agent.llm import LLMOutputError, build_messages, extract_json, parse_response
from plugins.agent.llm_openai import reset_endpoints
from plugins.agent.llm_transformers import TransformersBackend
from plugins.agent.registry import GlobalRegistry

STORY = [
    "A young sculptor with a wide straw hat is carving marble in a sunny courtyard.",
    "A small grey parrot lands on the sculptor's shoulder.",
    "He chuckles as the parrot nibbles his ear.",
]


def rules_ids(prompts: list[str]) -> list[list[int]]:
    agent = EntityAgent()
    return [agent.process_prompt(p, k).entity_ids for k, p in enumerate(prompts)]


# ------------------------------------------------------------------------------ a tiny random LM
@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory):
    """A 1-layer random Llama and a byte-level BPE tokenizer trained here, with a chat template."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    path = tmp_path_factory.mktemp("tiny_lm")
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=320, special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(STORY * 4 + ['{"entities": [{"id": 1, "name": "sculptor"}]}'] * 4, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>")
    fast.chat_template = ("{% for m in messages %}<s>{{ m['role'] }}\n{{ m['content'] }}</s>\n{% endfor %}"
                          "{% if add_generation_prompt %}<s>assistant\n{% endif %}")
    fast.save_pretrained(path)
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                      num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=4096,
                      bos_token_id=1, eos_token_id=2, pad_token_id=3)
    LlamaForCausalLM(cfg).save_pretrained(path)
    return path


def test_tiny_random_lm_garbage_falls_back_to_rules(tiny_lm):
    agent = EntityAgent(AgentConfig(backend="transformers", model_path=str(tiny_lm), max_new_tokens=12))
    results = [agent.process_prompt(p, k) for k, p in enumerate(STORY)]
    backend = agent._backend
    assert backend._model is not None  # the model really loaded and generated
    assert [r.entity_ids for r in results] == rules_ids(STORY)
    for r in results:
        assert r.backend == "rules" and r.fallback is not None
        assert r.fallback.backend == "transformers" and "LLMOutputError" in r.fallback.reason
    fallbacks = agent.mapping_json()["global_registry"]["fallbacks"]
    assert [f["prompt_index"] for f in fallbacks] == [0, 1, 2]


def test_tiny_lm_generation_is_greedy_and_deterministic(tiny_lm):
    backend = TransformersBackend(AgentConfig(backend="transformers", model_path=str(tiny_lm), max_new_tokens=8))
    msgs = build_messages(STORY[0], 0, GlobalRegistry())
    assert backend.generate(msgs) == backend.generate(msgs)


def test_missing_model_folder_falls_back_every_prompt(tmp_path):
    agent = EntityAgent(AgentConfig(backend="transformers", model_path=str(tmp_path / "no_such_model")))
    res = [agent.process_prompt(p, k) for k, p in enumerate(STORY[:2])]
    assert [r.entity_ids for r in res] == rules_ids(STORY[:2])
    assert all("could not be loaded" in r.fallback.reason for r in res)


# ------------------------------------------------------------------ canned answers, real parser
def canned_agent(mocker, answers: list[str]) -> EntityAgent:
    agent = EntityAgent(AgentConfig(backend="transformers", model_path="/nonexistent/model"))
    mocker.patch.object(TransformersBackend, "generate", side_effect=answers)
    return agent


def test_canned_well_formed_answers_are_used(mocker):
    answers = [
        '<think>one sculptor</think>```json\n{"entities": [{"id": "new", "name": "young sculptor", "type": "person",'
        ' "gender": "male", "mention": "A young sculptor", "attributes": ["wide straw hat"]}],'
        ' "scene": ["a sunny courtyard"]}\n```',
        json.dumps({"entities": [
            {"id": "new", "name": "small grey parrot", "type": "animal", "gender": None,
             "mention": "A small grey parrot", "attributes": ["grey"]},
            {"id": 1, "name": "sculptor", "type": "person", "gender": "male", "mention": "the sculptor"}]}),
        json.dumps({"entities": [{"id": 1, "mention": "He", "type": "person"},
                                 {"id": 2, "mention": "the parrot", "type": "animal"}]}),
    ]
    agent = canned_agent(mocker, answers)
    res = [agent.process_prompt(p, k) for k, p in enumerate(STORY)]
    assert [r.entity_ids for r in res] == [[1], [1, 2], [1, 2]]
    assert all(r.backend == "transformers" and r.fallback is None for r in res)
    wiz = res[0].entities[0]
    assert STORY[0][wiz.span[0]:wiz.span[1]] == "A young sculptor"
    assert wiz.attributes[0].text == "wide straw hat" and STORY[0][slice(*wiz.attributes[0].span)] == "wide straw hat"
    assert res[0].scene[0].text == "a sunny courtyard"
    reg = agent.registry
    assert reg[1].gender == "male" and "sculptor" in reg[1].nouns and reg[2].type == "animal"
    assert "parrot" in reg[2].nouns  # the rules can recognise it later


@pytest.mark.parametrize("answer, reason", [
    ("I think there is a sculptor.", "no JSON object"),
    ('{"entities": [{"id": 1, "name": "sculptor", "type": "person"', "invalid JSON"),
    ('{"entities": {"id": 1}}', "must be a list"),
    ('{"entities": [{"id": "new", "name": "sculptor", "type": "spaceship-captain"}]}', "type must be"),
    ('{"entities": [{"id": 7, "name": "sculptor", "type": "person"}], "extra": 1}', None),  # 7 >= next id: new
    ('{"entities": [{"id": "new", "name": "", "type": "person"}]}', "name must be"),
])
def test_schema_errors_fall_back_with_a_reason(mocker, answer, reason):
    agent = canned_agent(mocker, [answer])
    res = agent.process_prompt(STORY[0], 0)
    if reason is None:
        assert res.backend == "transformers" and res.entity_ids == [1]
    else:
        assert res.backend == "rules" and res.entity_ids == [1]
        assert reason in res.fallback.reason


def test_matching_rule_violations_are_rejected_before_touching_the_registry(mocker):
    man = '{"entities": [{"id": "new", "name": "man", "type": "person", "gender": "male"}]}'
    two_same = ('{"entities": [{"id": 1, "name": "man", "type": "person"},'
                ' {"id": 1, "name": "woman", "type": "person"}]}')
    woman_as_man = '{"entities": [{"id": 1, "name": "woman", "type": "person", "gender": "female"}]}'
    unknown = '{"entities": [{"id": 1, "name": "man", "type": "person"}, {"id": 0, "name": "x", "type": "person"}]}'
    agent = canned_agent(mocker, [man, two_same, woman_as_man, unknown])
    agent.process_prompt("A man waits at the station.", 0)
    before = json.dumps(agent.registry.to_json()["entities"])
    r1 = agent.process_prompt("The man meets his wife.", 1)
    assert "two entities" in r1.fallback.reason
    r2 = agent.process_prompt("A woman waits at the station.", 2)
    assert "cannot take ID 1" in r2.fallback.reason and r2.entity_ids == [3]  # the rules: a new woman
    r3 = agent.process_prompt("The man sits down.", 3)
    assert "must be a known integer ID" in r3.fallback.reason
    assert json.loads(before)[0]["name"] == agent.registry[1].name


def test_parser_units():
    assert extract_json('noise {"entities": []} trailing {"x": 1}') == {"entities": []}
    with pytest.raises(LLMOutputError):
        extract_json("<think>{not yet</think> nothing")
    reg = GlobalRegistry()
    res = parse_response('{"entities": [{"id": "new", "name": "cat", "type": "animal", "mention": "a cat"}]}',
                         "Here a cat sleeps.", 0, reg, "openai")
    assert res.entity_ids == [1] and res.entities[0].span == (5, 10) and len(reg) == 1
    msgs = build_messages("He sleeps.", 1, reg)
    assert msgs[0]["role"] == "system" and '"id": 1' in msgs[1]["content"] and "He sleeps." in msgs[1]["content"]


# ------------------------------------------------------------------ an OpenAI-compatible server
class _Server:
    def __init__(self):
        self.mode = "good"
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                server.headers.append(dict(self.headers))
                if server.mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"boom")
                    return
                if server.mode == "slow":
                    time.sleep(1.0)
                content = server.content(body)
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(payload.encode())
                except OSError:
                    pass  # the client gave up (timeout test)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def content(self, body) -> str:
        if self.mode == "malformed":
            return '{"entities": [ {"id": 1, "name": '
        user = body["messages"][-1]["content"]
        if "none yet" in user:
            return json.dumps({"entities": [{"id": "new", "name": "old fisherman", "type": "person",
                                             "gender": "male", "mention": "An old fisherman"}]})
        return json.dumps({"entities": [{"id": 1, "name": "old fisherman", "type": "person", "mention": "He"}]})

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _fresh_endpoints():
    reset_endpoints()  # the circuit breaker is per process; every test starts with no endpoint marked down
    yield
    reset_endpoints()


def openai_agent(url: str, **kw) -> EntityAgent:
    cfg = dict(backend="openai", base_url=url, model="tiny", timeout_s=2.0, retries=1)
    cfg.update(kw)
    return EntityAgent(AgentConfig(**cfg))


def test_openai_good_answers(server, monkeypatch):
    monkeypatch.setenv("IAMFLOW_TEST_KEY", "sekret")
    agent = openai_agent(server.url, api_key_env="IAMFLOW_TEST_KEY")
    r0 = agent.process_prompt("An old fisherman mends a net on the pier.", 0)
    r1 = agent.process_prompt("He casts the net into the sea.", 1)
    assert (r0.entity_ids, r1.entity_ids) == ([1], [1])
    assert r0.backend == r1.backend == "openai" and r0.fallback is None
    req = server.requests[0]
    assert req["model"] == "tiny" and req["temperature"] == 0 and req["max_tokens"] == 512
    assert server.headers[0]["Authorization"] == "Bearer sekret"
    assert "old fisherman" in server.requests[1]["messages"][-1]["content"]  # the registry summary was sent


def test_openai_malformed_json_falls_back(server):
    server.mode = "malformed"
    agent = openai_agent(server.url)
    res = agent.process_prompt("An old fisherman mends a net on the pier.", 0)
    assert res.backend == "rules" and res.entity_ids == [1] and "invalid JSON" in res.fallback.reason
    assert len(server.requests) == 1  # a bad answer is not retried


def test_openai_server_error_is_retried_then_falls_back(server):
    server.mode = "500"
    agent = openai_agent(server.url, retries=2)
    res = agent.process_prompt("An old fisherman mends a net on the pier.", 0)
    assert res.entity_ids == [1] and "HTTP 500" in res.fallback.reason and "3 attempt" in res.fallback.reason
    assert len(server.requests) == 3


def test_openai_timeout_is_not_retried_and_falls_back(server):
    server.mode = "slow"
    agent = openai_agent(server.url, timeout_s=0.2, retries=3)
    res = agent.process_prompt("An old fisherman mends a net on the pier.", 0)
    assert res.entity_ids == [1] and "timed out" in res.fallback.reason
    assert len(server.requests) == 1  # a timeout is never retried
    res = agent.process_prompt("He casts the net into the sea.", 1)  # the endpoint is marked down: no request
    assert "marked down" in res.fallback.reason and len(server.requests) == 1


@pytest.fixture
def caplog_loguru():
    from loguru import logger

    messages: list[str] = []
    handler = logger.add(lambda m: messages.append(f"{m.record['level'].name} {m.record['message']}"), level="DEBUG")
    yield messages
    logger.remove(handler)


class _SilentServer:
    """Accepts connections on 127.0.0.1 and never answers (a hung LLM server); counts the connections."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.accepted: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)  # held open, never read from or written to

    def close(self):
        self.sock.close()
        for c in self.accepted:
            c.close()


def test_silent_endpoint_is_abandoned_after_the_first_prompt(caplog_loguru):
    silent = _SilentServer()
    try:
        agent = openai_agent(silent.url, timeout_s=None, connect_timeout_s=0.5, read_timeout_s=0.2, retries=2)
        results = [agent.process_prompt(p, k) for k, p in enumerate(STORY)]
        assert len(silent.accepted) == 1  # one connection for the whole story: no retry, then the breaker
        assert [r.entity_ids for r in results] == rules_ids(STORY)  # every prompt fell back to the rules
        assert "timed out" in results[0].fallback.reason
        assert all("marked down" in r.fallback.reason for r in results[1:])
        # a second agent in the same process (the next video) does not try the endpoint either
        openai_agent(silent.url, timeout_s=None, read_timeout_s=0.2).process_prompt(STORY[0], 0)
        assert len(silent.accepted) == 1
    finally:
        silent.close()
    warnings = [m for m in caplog_loguru if m.startswith("WARNING") and silent.url in m]
    assert warnings and "no answer within 0.2 s" in warnings[0]


def test_refused_connection_is_retried_then_marked_down(mocker):
    import plugins.agent.llm_openai as mod

    with socket.socket() as s:  # a port that refuses: bound, not listening
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
        spy = mocker.spy(mod.OpenAIBackend, "_post")
        mocker.patch.object(mod.time, "sleep")
        agent = openai_agent(url, retries=2)
        r0 = agent.process_prompt(STORY[0], 0)
        r1 = agent.process_prompt(STORY[1], 1)
    assert spy.call_count == 3  # first attempt + 2 retries, then no request for the next prompt
    assert "connection refused" in r0.fallback.reason and "marked down" in r1.fallback.reason


def test_openai_unreachable_server_falls_back():
    agent = openai_agent("http://127.0.0.1:9/v1", timeout_s=0.5, retries=0)
    res = agent.process_prompt("An old fisherman mends a net on the pier.", 0)
    assert res.entity_ids == [1] and res.fallback is not None and res.fallback.backend == "openai"


# ------------------------------------------------------------------ named characters
NAMED = [
    "Noah, a wiry man in a green jacket, stacks books in a quiet reading room.",
    "Noah pauses and looks along the shelves.",
    "Clara, a woman in a tan coat, hands Noah a folded note.",
    "The wiry man smiles at Clara.",
]


def test_prompt_asks_for_proper_names_and_descriptions():
    msgs = build_messages(NAMED[0], 0, GlobalRegistry())
    assert '"proper_name"' in msgs[0]["content"] and '"description"' in msgs[0]["content"]
    assert "Named characters" in msgs[0]["content"]


def test_canned_answers_map_names_across_prompts_and_the_rules_continue(mocker):
    answers = [
        json.dumps({"entities": [{"id": "new", "name": "Noah", "proper_name": "Noah", "type": "person",
                                  "description": "wiry man in a green jacket", "gender": "male",
                                  "mention": "Noah"}]}),
        # the model forgot the ID but gave the name: the parser maps it to Noah's ID
        json.dumps({"entities": [{"id": "new", "name": "Noah", "proper_name": "Noah", "type": "person",
                                  "mention": "Noah"}]}),
        json.dumps({"entities": [
            {"id": "new", "name": "Clara", "proper_name": "Clara", "description": "woman in a tan coat",
             "type": "person", "gender": "female", "mention": "Clara"},
            {"id": 1, "name": "Noah", "proper_name": "Noah", "type": "person", "mention": "Noah"}]}),
    ]  # the fourth prompt has no answer: the rules read it, knowing the names and descriptions
    agent = canned_agent(mocker, answers)
    res = [agent.process_prompt(p, k) for k, p in enumerate(NAMED)]
    assert [r.entity_ids for r in res] == [[1], [1], [1, 2], [1, 2]]
    assert [r.backend for r in res] == ["transformers"] * 3 + ["rules"]
    reg = agent.registry
    assert "@noah" in reg[1].nouns and "man" in reg[1].nouns and reg[2].gender == "female"
    assert reg.summary()[0]["proper_name"] == "Noah"


def test_a_name_cannot_take_the_id_of_another_name(mocker):
    answers = [
        json.dumps({"entities": [{"id": "new", "name": "Noah", "proper_name": "Noah", "type": "person",
                                  "mention": "Noah"}]}),
        json.dumps({"entities": [{"id": 1, "name": "Clara", "proper_name": "Clara", "type": "person",
                                  "mention": "Clara"}]}),
    ]
    agent = canned_agent(mocker, answers)
    agent.process_prompt(NAMED[0], 0)
    res = agent.process_prompt(NAMED[2], 1)
    assert res.backend == "rules" and "another name" in res.fallback.reason
    assert res.entity_ids == [1, 2]


def test_a_capitalised_entity_name_without_proper_name_is_still_a_name(mocker):
    answers = [
        json.dumps({"entities": [{"id": "new", "name": "Noah", "type": "person", "mention": "Noah"}]}),
        json.dumps({"entities": [{"id": "new", "name": "Noah", "type": "person", "mention": "Noah"}]}),
    ]
    agent = canned_agent(mocker, answers)
    res = [agent.process_prompt(p, k) for k, p in enumerate(NAMED[:2])]
    assert [r.entity_ids for r in res] == [[1], [1]] and "@noah" in agent.registry[1].nouns
