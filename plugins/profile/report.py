"""The profiling report: a pure function from a profile (the content of profile.json) to text.

`render_report(profile)` prints the layout fixed by the design document::

    ======================================================================
    IAM Agent Pipeline Profiling Results
    ======================================================================

    [Overall Performance]
      - Initialization time:      1234.56 ms ( 5.23%)      <- init_ms, share of total_ms
      - Diffusion generation:    18765.43 ms (79.45%)      <- diffusion_ms, share of total_ms
      - VAE decoding:             3654.21 ms (15.32%)      <- vae_decode_ms, share of total_ms
      - Total time:              23654.20 ms               <- total_ms = init + diffusion + VAE
      - Throughput:                  5.07 FPS              <- latent_fps (latent frames / total s)

    [IAM Components (within diffusion)]
      - Total LLM Agent time:      456.78 ms ( 2.43% of diffusion)   <- agent_ms
      - Total Memory Bank time:    234.56 ms ( 1.25% of diffusion)   <- memory_ms
      - Pure diffusion time:     18074.09 ms (96.32% of diffusion)   <- diffusion - agent - memory

    [LLM Agent - Per Prompt]
      - Prompt 1       processing:   234.56 ms             <- agent.per_prompt (prompts count from 1)

    [Memory Bank - Per Chunk (Chunk 3+)]                   <- memory.first_chunk
      - Chunk 3        eviction:      12.34 ms             <- memory.per_chunk (chunks count from 1)
      - ... (30 chunks omitted)
      - Average per chunk:           12.15 ms             <- mean of the per-chunk entries

    [Diffusion - Per Block]
      - Block   0 generation:    456.78 ms ( 2.43% of diffusion)   <- blocks (count from 0), share of diffusion
      - ... (30 blocks omitted)
      - Average per block:       468.91 ms                 <- mean of the per-block entries
    ======================================================================

Column rules (character positions, 0-based, taken from the design example): the overall and
component values end at column 37 (label padded to 28, value `%9.2f`); per-prompt and per-chunk
values end at column 39; the per-chunk average at column 38; block values and the block average
at column 35. Percentages are `(%5.2f%)`. A list of more than 10 entries shows the first 5, a line
`... (N <things> omitted)` and the last 5. Larger numbers widen their line rather than being cut.

A chunk entry is named by the chunk whose cache write made a chunk leave the local window (the
`chunk_index` of `iamflow_chunk_end`), so the first entry is the chunk named in the header.

When the agent or the memory plugin is not part of the run, its lines read
`(agent plugin not enabled)` / `(memory plugin not enabled)` instead of zeros; a memory plugin
that ran but saw no eviction (a short video) reads `(no chunk left the local window)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

RULE = "=" * 70
TITLE = "IAM Agent Pipeline Profiling Results"
MAX_LISTED = 10  # longer lists are elided
HEAD_TAIL = 5
AGENT_OFF = "(agent plugin not enabled)"
MEMORY_OFF = "(memory plugin not enabled)"
NO_EVICTION = "(no chunk left the local window)"

__all__ = ["AGENT_OFF", "MEMORY_OFF", "NO_EVICTION", "RULE", "TITLE", "elide", "pct", "render_report"]


def pct(part: float, whole: float) -> str:
    """`part` as a percentage of `whole`, `%5.2f` (0.00 when `whole` is 0)."""
    return f"{100.0 * part / whole if whole > 0 else 0.0:5.2f}"


def elide(lines: Sequence[str], thing: str) -> list[str]:
    """All lines when there are at most 10; else the first 5, `... (N <thing> omitted)`, the last 5."""
    if len(lines) <= MAX_LISTED:
        return list(lines)
    omitted = len(lines) - 2 * HEAD_TAIL
    return [*lines[:HEAD_TAIL], f"  - ... ({omitted} {thing} omitted)", *lines[-HEAD_TAIL:]]


def _value_line(label: str, ms: float, unit: str = "ms") -> str:
    return f"  - {label:<24}{ms:9.2f} {unit}"


def render_report(profile: Mapping[str, Any]) -> str:
    """The report text (lines joined by newlines, with a final newline) for a profile dict.

    `profile` has the fields of profile.json (see `plugins/profile/plugin.py`): `init_ms`,
    `diffusion_ms`, `vae_decode_ms`, `total_ms`, `latent_fps`, `agent_ms`, `memory_ms`,
    `pure_diffusion_ms`, `agent` {enabled, per_prompt: [{prompt_index, ms}]}, `memory` {enabled,
    first_chunk, per_chunk: [{chunk, ms}]}, `blocks` [{block_index, ms}].
    """
    init, diff, vae = profile["init_ms"], profile["diffusion_ms"], profile["vae_decode_ms"]
    total = profile["total_ms"]
    agent, memory = profile["agent"], profile["memory"]
    out = [RULE, TITLE, RULE, "", "[Overall Performance]"]
    out.append(f"{_value_line('Initialization time:', init)} ({pct(init, total)}%)")
    out.append(f"{_value_line('Diffusion generation:', diff)} ({pct(diff, total)}%)")
    out.append(f"{_value_line('VAE decoding:', vae)} ({pct(vae, total)}%)")
    out.append(_value_line("Total time:", total))
    out.append(_value_line("Throughput:", profile["latent_fps"], "FPS"))

    out += ["", "[IAM Components (within diffusion)]"]
    for label, section, ms, off in (("Total LLM Agent time:", agent, profile["agent_ms"], AGENT_OFF),
                                    ("Total Memory Bank time:", memory, profile["memory_ms"], MEMORY_OFF)):
        if section["enabled"]:
            out.append(f"{_value_line(label, ms)} ({pct(ms, diff)}% of diffusion)")
        else:
            out.append(f"  - {label:<24}{off}")
    pure = profile["pure_diffusion_ms"]
    out.append(f"{_value_line('Pure diffusion time:', pure)} ({pct(pure, diff)}% of diffusion)")

    out += ["", "[LLM Agent - Per Prompt]"]
    if not agent["enabled"]:
        out.append(f"  - {AGENT_OFF}")
    else:
        lines = [f"  - Prompt {e['prompt_index'] + 1:<8}processing:{e['ms']:9.2f} ms" for e in agent["per_prompt"]]
        out += elide(lines, "prompts")

    first = memory.get("first_chunk")
    out += ["", "[Memory Bank - Per Chunk" + (f" (Chunk {first}+)]" if first is not None else "]")]
    chunks = memory.get("per_chunk", [])
    if not memory["enabled"]:
        out.append(f"  - {MEMORY_OFF}")
    elif not chunks:
        out.append(f"  - {NO_EVICTION}")
    else:
        lines = [f"  - Chunk {e['chunk']:<9}eviction:{e['ms']:11.2f} ms" for e in chunks]
        out += elide(lines, "chunks")
        avg = sum(e["ms"] for e in chunks) / len(chunks)
        out.append(f"  - {'Average per chunk:':<24}{avg:10.2f} ms")

    out += ["", "[Diffusion - Per Block]"]
    blocks = profile["blocks"]
    lines = [f"  - Block {e['block_index']:3d} generation:{e['ms']:10.2f} ms ({pct(e['ms'], diff)}% of diffusion)"
             for e in blocks]
    out += elide(lines, "blocks")
    avg = sum(e["ms"] for e in blocks) / len(blocks) if blocks else 0.0
    out.append(f"  - {'Average per block:':<22}{avg:9.2f} ms")
    out.append(RULE)
    return "\n".join(out) + "\n"
