"""Client message validation: every bad message is a ProtocolError naming what would be valid."""

import json

import pytest

from memflow_ext.app.live.protocol import (
    MAX_MESSAGE_CHARS,
    Limits,
    Prompt,
    ProtocolError,
    Start,
    Stop,
    nesting_depth,
    parse_client_message,
)

LIMITS = Limits(max_prompt_chars=50, max_frames=30, frames_per_block=3)


def parse(msg):
    return parse_client_message(msg if isinstance(msg, str) else json.dumps(msg), LIMITS)


def test_valid_messages():
    assert parse({"type": "start", "prompt": " a cat "}) == Start("a cat", None, None)  # until stop or the cap
    assert parse({"type": "start", "prompt": "a cat", "seed": 7, "max_frames": 30}) == Start("a cat", 7, 30)
    assert parse({"type": "prompt", "prompt": "a dog"}) == Prompt("a dog")
    assert parse({"type": "stop"}) == Stop()


@pytest.mark.parametrize("msg,needle", [
    ("not json", "not JSON"),
    ("[1, 2]", "JSON object"),
    ({"type": "pause"}, "unknown message type"),
    ({"prompt": "x"}, "unknown message type"),
    ({"type": "start"}, "non-empty 'prompt'"),
    ({"type": "prompt", "prompt": "   "}, "non-empty 'prompt'"),
    ({"type": "prompt", "prompt": 3}, "non-empty 'prompt'"),
    ({"type": "prompt", "prompt": "x" * 51}, "at most 50"),
    ({"type": "start", "prompt": "x", "max_frames": 33}, "within [3, 30]"),
    ({"type": "start", "prompt": "x", "max_frames": 0}, "within [3, 30]"),
    ({"type": "start", "prompt": "x", "max_frames": 10}, "multiple of 3"),
    ({"type": "start", "prompt": "x", "max_frames": "9"}, "must be an integer"),
    ({"type": "start", "prompt": "x", "seed": 1.5}, "must be an integer"),
    ({"type": "start", "prompt": "x", "seed": True}, "must be an integer"),
    ({"type": "start", "prompt": "x", "seed": -1}, "seed=-1"),
    ({"type": "start", "prompt": "x", "path": "/etc/passwd"}, "unknown field(s) path"),
    ({"type": "stop", "now": True}, "unknown field(s) now"),
    ({"type": "prompt", "prompt": "a cat\x00 sleeps"}, "control character U+0000 at character 6"),
    ({"type": "start", "prompt": "a cat\x1b[31m"}, "control character U+001B"),
    ({"type": "start", "prompt": "x", "seed": [[[[[[[[[1]]]]]]]]]}, "nested more than 8 levels"),
])
def test_bad_messages(msg, needle):
    with pytest.raises(ProtocolError) as e:
        parse(msg)
    assert needle in str(e.value)


def test_overlong_message_refused_before_parsing():
    with pytest.raises(ProtocolError, match="at most"):
        parse("{" + " " * MAX_MESSAGE_CHARS + "}")


def test_deeply_nested_json_is_refused_without_parsing_it():
    deep = "[" * 30000 + "]" * 30000  # within MAX_MESSAGE_CHARS, far beyond the parser's recursion limit
    assert len(deep) <= MAX_MESSAGE_CHARS
    with pytest.raises(ProtocolError, match="nested more than 8 levels"):
        parse(deep)


def test_nesting_depth_skips_brackets_inside_strings():
    assert nesting_depth('{"a": "[[[[{{{{\\"[[[[", "b": [1, {"c": 2}]}', 8) == 3
    odd = "[[[[[[[[[[ {{{{{{{{{{ \\\" [["
    assert parse({"type": "prompt", "prompt": odd}) == Prompt(odd)


def test_tab_and_newline_are_allowed_in_a_prompt():
    assert parse({"type": "prompt", "prompt": "a cat\tsleeps\non a mat"}) == Prompt("a cat\tsleeps\non a mat")
