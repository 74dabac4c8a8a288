"""Prompt files: parse, validate with line numbers, select, and expand into jobs.

* `.txt` — one prompt per line; every prompt is its own (single-prompt) video.
* `.jsonl` — one story per line: `{"prompts": [...], "switch_frame_indices": [...]}` (the switch
  frames are optional and default to the config's).

Every problem of every line is collected before anything runs, each with its line number. A prompt
holding a C0 control character other than tab (a NUL byte, an escape code) is one of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memflow_ext.config import ConfigError, IAMFlowConfig, control_char, validate_switch_frames


@dataclass(frozen=True)
class Story:
    line: int  # 1-based line number in the file (or position in the config's prompt list)
    prompts: list[str]
    switch_frame_indices: list[int]
    part: int | None = None  # index of the prompt when one .jsonl line yields several single-prompt videos

    @property
    def key(self) -> str:
        return f"{self.line:06d}" if self.part is None else f"{self.line:06d}_{self.part}"


@dataclass(frozen=True)
class Job:
    """One video to generate: a story and a sample of it."""

    key: str  # output folder name: <line>_s<sample>
    line: int
    prompts: list[str]
    switch_frame_indices: list[int]
    sample: int
    seed: int


@dataclass
class ParseResult:
    stories: list[Story] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def error_text(self, source: str) -> str:
        return "\n".join(f"{source}:{line}: {msg}" for line, msg in self.errors)


def _check_prompts(prompts: Any) -> str | None:
    if not isinstance(prompts, list):
        return f"'prompts' must be a list of strings, got {type(prompts).__name__}"
    if not prompts:
        return "story has no prompts"
    for i, p in enumerate(prompts):
        if not isinstance(p, str):
            return f"prompt {i} is not a string ({type(p).__name__}: {p!r})"
        if not p.strip():
            return f"prompt {i} is empty or whitespace only"
        bad = control_char(p)
        if bad:
            return f"prompt {i} {bad}"
    return None


def _check_switch(switch: Any, n_prompts: int, cfg: IAMFlowConfig) -> str | None:
    if not isinstance(switch, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in switch):
        return f"'switch_frame_indices' must be a list of integers, got {switch!r}"
    try:
        validate_switch_frames(switch, n_prompts, cfg, where="switch_frame_indices")
    except ConfigError as e:
        return str(e)
    return None


def parse_prompt_text(data: bytes, suffix: str, cfg: IAMFlowConfig, interactive: bool) -> ParseResult:
    """Parse the bytes of a prompt file (`suffix` is ".txt" or ".jsonl")."""
    if suffix not in (".txt", ".jsonl"):
        raise ConfigError(f"unsupported prompt file type '{suffix}'; use .txt or .jsonl")
    res = ParseResult()
    for no, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            res.errors.append((no, f"not valid UTF-8 (byte {e.start}: {raw[e.start:e.start + 1]!r})"))
            continue
        if not line.strip():
            continue
        if suffix == ".txt":
            bad = control_char(line)
            if bad:
                res.errors.append((no, f"the prompt {bad}"))
            else:
                res.stories.append(Story(no, [line.strip()], []))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            res.errors.append((no, f"malformed JSON ({e.msg} at column {e.colno})"))
            continue
        if not isinstance(obj, dict) or "prompts" not in obj:
            res.errors.append((no, "expected a JSON object with a 'prompts' list"))
            continue
        err = _check_prompts(obj["prompts"])
        if err:
            res.errors.append((no, err))
            continue
        prompts = list(obj["prompts"])
        if not interactive:
            if "switch_frame_indices" in obj:
                res.errors.append((no, "'switch_frame_indices' given for single-prompt generation"))
                continue
            res.stories.extend(Story(no, [p], [], part=j) for j, p in enumerate(prompts))
            continue
        switch = obj.get("switch_frame_indices", list(cfg.switch_frame_indices))
        if "switch_frame_indices" not in obj and len(switch) != len(prompts) - 1:
            switch = evenly_spaced_switches(len(prompts), cfg)
        err = _check_switch(switch, len(prompts), cfg)
        if err:
            res.errors.append((no, err))
            continue
        res.stories.append(Story(no, prompts, list(switch)))
    return res


def evenly_spaced_switches(n_prompts: int, cfg: IAMFlowConfig) -> list[int]:
    """Default switch frames for a story without them: equal segments on block boundaries."""
    fpb = cfg.num_frame_per_block
    blocks = cfg.num_output_frames // fpb
    return [round(i * blocks / n_prompts) * fpb for i in range(1, n_prompts)]


def read_prompt_file(path: Path, cfg: IAMFlowConfig, interactive: bool) -> ParseResult:
    if not path.is_file():
        raise ConfigError(f"data_path: file not found: {path}")
    return parse_prompt_text(path.read_bytes(), path.suffix, cfg, interactive)


def stories_from_config(cfg: IAMFlowConfig, interactive: bool) -> ParseResult:
    res = ParseResult()
    err = _check_prompts(list(cfg.prompts))
    if err:
        res.errors.append((1, err))
        return res
    if interactive:
        err = _check_switch(list(cfg.switch_frame_indices), len(cfg.prompts), cfg)
        if err:
            res.errors.append((1, err))
        else:
            res.stories.append(Story(1, list(cfg.prompts), list(cfg.switch_frame_indices)))
    else:
        res.stories.extend(Story(i + 1, [p], []) for i, p in enumerate(cfg.prompts))
    return res


def sample_seed(seed: int, line: int, sample: int) -> int:
    """Per-video seed derived from (seed, line, sample): stable across processes and machines."""
    digest = hashlib.sha256(f"iamflow:{seed}:{line}:{sample}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & 0x7FFF_FFFF_FFFF_FFFF


def make_jobs(stories: list[Story], cfg: IAMFlowConfig) -> list[Job]:
    jobs = []
    for st in stories:
        for s in range(cfg.num_samples):
            jobs.append(Job(key=f"{st.key}_s{s}", line=st.line, prompts=st.prompts,
                            switch_frame_indices=st.switch_frame_indices, sample=s,
                            seed=sample_seed(cfg.seed, st.line, s)))
    return jobs


def select(res: ParseResult, start: int, limit: int | None) -> ParseResult:
    """Keep the entries (non-blank lines) `start .. start+limit-1`, 0-based, with their errors."""
    if start < 0 or (limit is not None and limit < 0):
        raise ConfigError(f"--start={start} and --limit={limit} must be >= 0")
    lines = sorted({s.line for s in res.stories} | {line for line, _ in res.errors})
    keep = set(lines[start : None if limit is None else start + limit])
    return ParseResult([s for s in res.stories if s.line in keep], [e for e in res.errors if e[0] in keep])
