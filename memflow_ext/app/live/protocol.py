"""The live-mode WebSocket messages: what a client may send (validated here) and what the server sends.

Client -> server (JSON text):
- `{"type": "start", "prompt": str, "seed"?: int, "max_frames"?: int}` (latent frames, a multiple of
  `num_frame_per_block` up to `live.max_frames`; without it the stream runs until `stop`, the client
  leaving, or the server's cap `live.max_frames`, which the config keeps within the model's RoPE length);
- `{"type": "prompt", "prompt": str}`: the next block is the first of this prompt;
- `{"type": "stop"}`: finish the block in progress, save, end.

Server -> client (JSON text, frames binary):
- `started` {stream, max_frames, fps, interactive, frames_per_block, seed, until_stop, temporal_factor}:
  `max_frames` is the stream's bound in latent frames (the cap `live.max_frames` when `until_stop`, i.e. the
  client named none); `temporal_factor` the video frames per latent frame (4; latent frame 0 decodes to
  one video frame), null without a VAE;
- `switch` {prompt_index, start_frame, prompt, entities} when a prompt takes effect (prompt 0 at
  frame 0 included), before that block's `block` message; `entities` as a plugin published them
  for that prompt (the agent's, each with `id`), empty without;
- `block` {block_index, start_frame, prompt_index, frames, ms[, profile_ms], latent_frames, video_frames,
  seconds} followed by exactly `frames` binary messages, one JPEG per decoded video frame; `ms` is the
  engine's time for the block (switch, denoising, cache update), `profile_ms` the profile plugin's when it
  runs; `latent_frames`, `video_frames` and `seconds` count the stream so far, through this block, in
  latent frames generated, video frames decoded and seconds of video (`video_frames / fps`);
- `memory` {block_index, prompt_index, cause, frames: [{frame_id, latent_frame, video_frame, ids}]} after
  the block (and its frames) during which the memory plugin changed what the memory holds (`cause`:
  "switch" or "eviction"): the frames it holds now, each with its latent frame, the video frame that
  shows it (the last of its decoded frames: `temporal_factor * latent_frame`) and the entity IDs it was
  kept for; none without the memory plugin;
- `saved` {folder, stream, frames, latent_frames, video_frames, seconds} when the stream ends (stop,
  max_frames, the cap, client gone, server stopping): the finished output folder; `frames` (as before)
  and `latent_frames` are the latent frames generated;
- `error` {message} for a bad message (nothing changes) or a failed stream; `busy` to a `start`
  while another stream generates.

A message that fails validation raises `ProtocolError`, whose text is sent back in an `error`
message; unknown fields are refused too, so no client message can name a file path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from memflow_ext.config import control_char

MAX_MESSAGE_CHARS = 1 << 16  # a client text message longer than this is refused before parsing
MAX_NESTING = 8  # JSON arrays/objects deeper than this are refused before parsing (valid messages are flat)


class ProtocolError(ValueError):
    """A client message the server refuses (the text says what would be valid)."""


@dataclass(frozen=True)
class Limits:
    """What a client may ask for: prompt length, and `max_frames` bounds (latent frames)."""

    max_prompt_chars: int
    max_frames: int  # the server's cap (`live.max_frames`)
    frames_per_block: int


@dataclass(frozen=True)
class Start:
    prompt: str
    seed: int | None
    max_frames: int | None  # None: until stop, the client leaving or the server's cap


@dataclass(frozen=True)
class Prompt:
    prompt: str


@dataclass(frozen=True)
class Stop:
    pass


ClientMessage = Start | Prompt | Stop
FIELDS = {"start": {"type", "prompt", "seed", "max_frames"}, "prompt": {"type", "prompt"}, "stop": {"type"}}


def _prompt(msg: dict[str, Any], limits: Limits) -> str:
    p = msg.get("prompt")
    if not isinstance(p, str) or not p.strip():
        raise ProtocolError(f"'{msg['type']}' needs a non-empty 'prompt' string")
    if len(p) > limits.max_prompt_chars:
        raise ProtocolError(f"prompt of {len(p)} characters; at most {limits.max_prompt_chars} "
                            "(live.max_prompt_chars)")
    bad = control_char(p)
    if bad:
        raise ProtocolError(f"the prompt {bad}")
    return p.strip()


def nesting_depth(text: str, limit: int) -> int:
    """How deep JSON arrays and objects nest in `text` (strings skipped), counted up to `limit` + 1 at most;
    a scan, not a parse, so a deep message cannot exhaust the parser's recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif ch in "]}":
            depth -= 1
    return deepest


def _int(msg: dict[str, Any], key: str) -> int | None:
    v = msg.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise ProtocolError(f"'{key}' must be an integer, got {json.dumps(v)[:40]}")
    return v


def parse_client_message(text: str, limits: Limits) -> ClientMessage:
    """One client text message -> `Start`, `Prompt` or `Stop`; anything else raises `ProtocolError`."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise ProtocolError(f"message of {len(text)} characters; at most {MAX_MESSAGE_CHARS}")
    if nesting_depth(text, MAX_NESTING) > MAX_NESTING:
        raise ProtocolError(f"JSON nested more than {MAX_NESTING} levels deep; a message is one flat JSON object")
    try:
        msg = json.loads(text)
    except ValueError:
        raise ProtocolError("not JSON: send a JSON object such as {\"type\": \"start\", \"prompt\": \"...\"}") from None
    if not isinstance(msg, dict):
        raise ProtocolError(f"a message must be a JSON object, got {type(msg).__name__}")
    kind = msg.get("type")
    if kind not in FIELDS:
        raise ProtocolError(f"unknown message type {json.dumps(kind)[:40]}; valid: {', '.join(FIELDS)}")
    extra = sorted(set(msg) - FIELDS[kind])
    if extra:
        raise ProtocolError(f"'{kind}' has unknown field(s) {', '.join(extra)}; "
                            f"valid: {', '.join(sorted(FIELDS[kind]))}")
    if kind == "stop":
        return Stop()
    prompt = _prompt(msg, limits)
    if kind == "prompt":
        return Prompt(prompt)
    seed = _int(msg, "seed")
    if seed is not None and not 0 <= seed < 2**63:
        raise ProtocolError(f"seed={seed} must be within [0, 2**63)")
    frames = _int(msg, "max_frames")
    fpb = limits.frames_per_block
    if frames is not None and (not fpb <= frames <= limits.max_frames or frames % fpb):
        raise ProtocolError(f"max_frames={frames} must be a multiple of {fpb} (num_frame_per_block) within "
                            f"[{fpb}, {limits.max_frames}] (live.max_frames)")
    return Start(prompt, seed, frames)


def dumps(kind: str, **fields: Any) -> str:
    """A server text message."""
    return json.dumps({"type": kind, **fields})
