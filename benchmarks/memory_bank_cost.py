"""Cost of the memory plugin per evicted chunk at Wan2.1-T2V-1.3B shapes, next to one attention layer.

    python benchmarks/memory_bank_cost.py --json OUT [--quick] [--device cpu] [--dtype bfloat16]

The plugin runs through its real hooks (`memflow_ext.testing.SyntheticStream`) on synthetic
tensors of the real shapes: 30 layers, 1560 tokens per frame (480x832), 12 heads of 128, 512 text
tokens, 3-frame chunks, a 2-chunk local window (local_attn_size 6) so chunks are evicted from
chunk 3 on, two prompts with two entities each. Per chunk it scores the chunk's 3 frames (3 layers
by default), archives the best frame's keys/values of all 30 layers (offload: cpu: with the keys
on a GPU this is the device-to-host copy of the kept frame) and updates the active memory (copies
the frame that enters into the memory segment).

The archive holds fewer frames than the chunks run (`--archive-frames`, default
max(max_frames + 1, chunks // 2); its pool is reserved whole, 32 frames at these shapes are 9 GB),
so the later chunks meet a full archive and go through its eviction path (choose a victim, reuse
its slot). `ms_per_chunk` is the median over those full-archive chunks; the chunks that only
filled the archive are reported apart. On CUDA the plugin's clock waits for the device (as the
profiler's does), so the asynchronous device-to-host copy is inside the time.

For scale, `attention_layer_ms` is one self-attention layer of one model call at the same shapes
and in the same dtype as the plugin's keys/values (`--dtype`): SDPA of 3 x 1560 = 4680 queries
over 15 x 1560 = 23400 keys (sink 3 + memory 3 + local 9 frames with MemFlow's 12-frame window).
A block costs (steps + 1 context pass) x 30 such layers plus the rest of the transformer, so the
ratio shown is an upper bound of the plugin's share.

JSON: ms_per_chunk (median over full-archive chunks and repeats), attention_layer_ms (median),
and the breakdown (filling chunks, switch retrieval, per-chunk list, shapes, dtype, threads).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hooks.contract import Attribute, Entity, Published  # noqa: E402
from memflow_ext.models.attention import dense_attention  # noqa: E402
from memflow_ext.testing import StreamShape, SyntheticStream  # noqa: E402
from plugins.memory.plugin import MemoryPlugin  # noqa: E402
from plugins.memory.settings import MemorySettings  # noqa: E402

PROMPTS = [
    "A young wizard with a feathered cap practices magic while a small green dragon watches from the shelf.",
    "The young wizard and the small green dragon fly over the castle towers at sunset.",
]
ENTITIES = {
    0: Published((Entity(1, "young wizard", attributes=(Attribute("feathered cap"),)),
                  Entity(2, "small green dragon"))),
    1: Published((Entity(1, "young wizard"), Entity(2, "small green dragon"))),
}


def plugin_cost(layers: int, tokens: int, heads: int, head_dim: int, text_len: int, chunks: int, repeats: int,
                dtype: torch.dtype, device: str, settings: MemorySettings) -> dict:
    gen = torch.Generator(device="cpu").manual_seed(0)
    shape = StreamShape(num_layers=layers, num_heads=heads, head_dim=head_dim, tokens_per_frame=tokens,
                        window_frames=6, bank_frames=settings.max_frames, dtype=dtype, device=device)
    text = {p: [torch.randn(1, text_len, heads, head_dim, generator=gen).to(device, dtype) for _ in range(layers)]
            for p in range(len(PROMPTS))}
    n = 3 * tokens
    keys = [torch.randn(1, n, heads, head_dim, generator=gen).to(device, dtype) for _ in range(layers)]
    values = [torch.randn(1, n, heads, head_dim, generator=gen).to(device, dtype) for _ in range(layers)]
    first_evicting = 6 // 3
    blocks = first_evicting + chunks
    switch = [3 * (first_evicting + chunks // 2)]
    per_chunk: list[float] = []
    full: list[float] = []
    filling: list[float] = []
    switch_ms: list[float] = []
    cuda = torch.device(device).type == "cuda"

    def clock() -> float:  # the profiler's clock on CUDA: wait for the device, so async copies are inside
        if cuda:
            torch.cuda.synchronize(device)
        return time.perf_counter()

    for _ in range(repeats):
        stream = SyntheticStream(shape, {"memory": MemoryPlugin(settings)}, PROMPTS, switch, 3 * blocks,
                                 text_keys=lambda p: text[p])
        stream.run.entities.update(ENTITIES)
        stream.run.clock = clock
        stream.run_all(lambda frames: (keys, values))
        published = stream.run.memory_selection["memory_retrieval"]
        at_full = {d["at_chunk"] for d in published["dropped"]}  # chunks that met a full archive
        for c in stream.plugins["memory"].bank.chunks:
            per_chunk.append(c["ms"])
            (full if c["chunk"] in at_full else filling).append(c["ms"])
        switch_ms += [s["ms"] for s in stream.plugins["memory"].bank.switches if "ms" in s]
        slots, pool_bytes = published["archive_slots"], published["archive_bytes"]
        dropped = len(published["dropped"])
        del stream
    if not full:
        raise SystemExit(f"the archive of {settings.archive_frames} frames never filled in {chunks} chunks: "
                         "use fewer --archive-frames or more --chunks")
    return {"ms_per_chunk": statistics.median(full), "per_chunk_ms": [round(x, 3) for x in per_chunk],
            "full_archive_chunk_ms": [round(x, 3) for x in full],
            "filling_ms_per_chunk": statistics.median(filling) if filling else None,
            "switch_retrieval_ms": statistics.median(switch_ms) if switch_ms else None,
            "archive_slots": slots, "archive_pool_bytes": pool_bytes, "archive_dropped": dropped}


def attention_cost(tokens: int, heads: int, head_dim: int, query_frames: int, key_frames: int, repeats: int,
                   query_fraction: float, device: str, dtype: torch.dtype) -> float:
    gen = torch.Generator(device="cpu").manual_seed(1)
    nq = max(1, int(query_frames * tokens * query_fraction))
    q = torch.randn(1, nq, heads, head_dim, generator=gen).to(device, dtype)
    k = torch.randn(1, key_frames * tokens, heads, head_dim, generator=gen).to(device, dtype)
    v = torch.randn(1, key_frames * tokens, heads, head_dim, generator=gen).to(device, dtype)
    times = []
    for _ in range(repeats):
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        dense_attention(q, k, v)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000.0 / query_fraction)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", required=True, help="output JSON file")
    ap.add_argument("--quick", action="store_true",
                    help="CI size: 6 chunks, 1 repeat, attention timed on 1/8 of the queries and scaled up")
    ap.add_argument("--chunks", type=int, default=8, help="evicted chunks per run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--archive-frames", type=int, default=None,
                    help="archive capacity (default max(max_frames + 1, chunks // 2): the later chunks meet it full)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"],
                    help="dtype of the cache keys/values the plugin handles (the model's dtype)")
    ap.add_argument("--layers", type=int, default=30)
    ap.add_argument("--tokens-per-frame", type=int, default=1560)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--text-len", type=int, default=512)
    ap.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    chunks, repeats, fraction = (6, 1, 0.125) if args.quick else (args.chunks, args.repeats, 1.0)
    # smaller than the chunks run, so the later chunks go through the full archive's eviction path
    archive = args.archive_frames or max(MemorySettings.max_frames + 1, chunks // 2)
    settings = MemorySettings(archive_frames=archive)
    dtype = getattr(torch, args.dtype)
    cost = plugin_cost(args.layers, args.tokens_per_frame, args.heads, args.head_dim, args.text_len, chunks,
                       repeats, dtype, args.device, settings)
    attn = attention_cost(args.tokens_per_frame, args.heads, args.head_dim, 3, 15, repeats, fraction, args.device,
                          dtype)
    out = {
        "ms_per_chunk": round(cost["ms_per_chunk"], 3),
        "attention_layer_ms": round(attn, 3),
        "chunk_vs_attention_layer": round(cost["ms_per_chunk"] / attn, 5),
        "switch_retrieval_ms": cost["switch_retrieval_ms"] and round(cost["switch_retrieval_ms"], 3),
        "filling_ms_per_chunk": cost["filling_ms_per_chunk"] and round(cost["filling_ms_per_chunk"], 3),
        "per_chunk_ms": cost["per_chunk_ms"], "full_archive_chunk_ms": cost["full_archive_chunk_ms"],
        "archive_slots": cost["archive_slots"], "archive_dropped": cost["archive_dropped"],
        "archive_bytes_per_frame": cost["archive_pool_bytes"] // max(1, cost["archive_slots"]),
        "shapes": {"layers": args.layers, "tokens_per_frame": args.tokens_per_frame, "heads": args.heads,
                   "head_dim": args.head_dim, "text_len": args.text_len, "frames_per_chunk": 3,
                   "attention_queries": 3 * args.tokens_per_frame, "attention_keys": 15 * args.tokens_per_frame},
        "plugin_dtype": args.dtype, "attention_dtype": args.dtype, "device": args.device,
        "device_to_host_copy": args.device.startswith("cuda") and settings.offload == "cpu",
        "settings": {"max_frames": settings.max_frames, "archive_frames": settings.archive_frames,
                     "offload": settings.offload, "score_layers": list(settings.score_layers)},
        "chunks": chunks, "repeats": repeats, "attention_query_fraction": fraction,
        "torch_threads": torch.get_num_threads(),
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps({k: out[k] for k in ("ms_per_chunk", "filling_ms_per_chunk", "attention_layer_ms",
                                          "switch_retrieval_ms")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
