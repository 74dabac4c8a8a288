"""Peak memory of a full interactive run versus video length: it must not grow with the length.

    python benchmarks/memory_scaling.py --preset small --frames 60 240 --json OUT

Each length runs in a fresh process (multiprocessing, spawn): build the pipeline as the CLI does
(`configs/interactive_inference.yaml`, plugins agent,memory,profile), generate a multi-prompt
story, write its mapping.json, and read the process's peak resident set size (`ru_maxrss`). A
requested plugin that cannot be loaded stops the benchmark (exit status 2, no JSON).

`archive_mb` is the archive's bytes *in use* at the end of the video: frames archived times the
bytes of one frame (keys and values of every layer), from the plugin's own report
(`frame_archive`, `memory_retrieval.archive_bytes / archive_slots`); the pool reserved up front is
`archive_reserved_mb`. The archive is sized with `--archive-frames` (default 12, i.e.
`memory.archive_frames=12`) so that on `small` both 60 and 240 frames (16 and 76 evicted chunks
with the default 12-frame window) fill it and then drop frames (`archive_dropped`): the
measurement covers the archive's eviction path, not only its filling. `--archive-frames 0` keeps
the config's value.

The story is the same at every length: `--prompts` prompts (default 4; entities leave and return)
with switches spread evenly, so only the length changes. The engine keeps a few things per prompt
for the whole video (prompt embeddings, each prompt's text keys once asked for); `--switch-every N`
instead switches every N frames, so longer videos also get more prompts.

The decoded video ([T, 3, H, W] floats, 4 video frames per latent frame) is returned whole by the
pipeline and grows with the length by design, so it is left out by default (`--decode` includes
it); the latents and the noise (a few MB on `small`) are in.

JSON: frames, peak_rss_mb (list), archive_mb (list), ratio (last / first peak RSS), plus the
archive's frame counts (archived, slots, dropped), reserved MB, seconds per run and the plugins.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

STORY = [
    "A young man in a denim jacket walks along a rainy city street at night.",
    "The young man stops at a food stall and talks to an old woman in a red scarf.",
    "A black cat sits alone on a wet windowsill above the empty street.",
    "The old woman in the red scarf hands the young man a paper cup of tea.",
]
DEFAULT_PLUGINS = ("agent", "memory", "profile")


def story(frames: int, prompts: int, every: int | None = None) -> tuple[list[str], list[int]]:
    """Prompts and switch frames (block multiples): `prompts` spread evenly, or a switch every `every` frames."""
    if every is None:
        step = frames // prompts // 3 * 3
        switches = [step * i for i in range(1, prompts)] if step else []
    else:
        switches = list(range(every, frames, every))
    return [STORY[i % len(STORY)] for i in range(len(switches) + 1)], switches


def available_plugins(names: list[str]) -> tuple[list[str], dict[str, str]]:
    """The plugins that load, and why the others do not."""
    from hooks.manager import PluginError, build_plugin_manager

    ok, missing = [], {}
    for name in names:
        try:
            build_plugin_manager([name], None)
        except PluginError as e:
            missing[name] = str(e)
        else:
            ok.append(name)
    return ok, missing


def archive_in_use_bytes(mapping: dict) -> int:
    """Bytes of the frames the archive holds at the end: frames archived x bytes per frame slot."""
    report = mapping.get("memory_retrieval", {})
    slots = report.get("archive_slots", 0)
    per_frame = report.get("archive_bytes", 0) // slots if slots else 0
    return len(mapping.get("frame_archive", [])) * per_frame


def measure(preset: str, frames: int, plugins: list[str], prompts: int, every: int | None, decode: bool,
            threads: int, overrides: list[str]) -> dict:
    """One video in this process; returns its peak RSS and the memory archive's size."""
    import torch

    from hooks.manager import build_plugin_manager
    from memflow_ext.config import load_config
    from memflow_ext.pipelines.builder import build_pipeline
    from memflow_ext.pipelines.iam import IAMPipeline

    torch.set_num_threads(threads)
    texts, switches = story(frames, prompts, every)
    cfg = load_config([REPO / "configs" / "interactive_inference.yaml"],
                      [f"preset={preset}", "switch_frame_indices=[]", f"num_output_frames={frames}", *overrides])
    pm = build_plugin_manager(plugins, cfg)
    pipe = build_pipeline(cfg, IAMPipeline, plugin_manager=pm)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        pipe.generate(texts, switches, seed=cfg.seed, decode=decode, progress=False, output_dir=Path(out))
        seconds = time.perf_counter() - t0
        mapping = json.loads((Path(out) / "mapping.json").read_text()) if "memory" in plugins else {}
    report = mapping.get("memory_retrieval", {})
    return {
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "archive_bytes": archive_in_use_bytes(mapping),
        "archive_reserved_bytes": report.get("archive_bytes", 0),
        "archive_slots": report.get("archive_slots", 0),
        "archive_dropped": len(report.get("dropped", [])),
        "archived_frames": len(mapping.get("frame_archive", [])),
        "evicted_chunks": len(report.get("chunks", [])),
        "prompts": len(texts),
        "seconds": seconds,
    }


def run_isolated(*args) -> dict:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(measure, args)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--frames", type=int, nargs="+", default=[60, 240], help="video lengths in latent frames")
    ap.add_argument("--json", required=True, help="output JSON file")
    ap.add_argument("--plugins", default=",".join(DEFAULT_PLUGINS))
    ap.add_argument("--prompts", type=int, default=4, help="prompts of the story, switches spread evenly")
    ap.add_argument("--switch-every", type=int, default=None,
                    help="switch prompt every N latent frames instead (more prompts in longer videos)")
    ap.add_argument("--decode", action="store_true", help="also decode the video (its tensor grows with length)")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads in each run")
    ap.add_argument("--archive-frames", type=int, default=12,
                    help="memory.archive_frames of the runs, small enough that the archive fills and drops frames "
                         "(0: the config's value)")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value (e.g. memory.archive_frames=16)")
    args = ap.parse_args(argv)
    requested = [n.strip() for n in args.plugins.split(",") if n.strip()]
    plugins, missing = available_plugins(requested)
    if missing or "memory" not in plugins:
        why = "; ".join(f"{k}: {v}" for k, v in missing.items()) or "the memory plugin was not requested"
        print(f"memory_scaling: requested plugins cannot be loaded ({why}); nothing measured, no JSON written",
              file=sys.stderr)
        return 2
    overrides = list(args.overrides)
    if args.archive_frames:
        overrides.append(f"memory.archive_frames={args.archive_frames}")
    runs = []
    for frames in args.frames:
        r = run_isolated(args.preset, frames, plugins, args.prompts, args.switch_every, args.decode,
                         args.threads, overrides)
        print(f"{frames} frames: peak RSS {r['peak_rss_mb']:.1f} MB, "
              f"archive in use {r['archive_bytes'] / 2**20:.2f} MB "
              f"({r['archived_frames']} of {r['archive_slots']} slots, {r['archive_dropped']} dropped, "
              f"{r['evicted_chunks']} evicted chunks), {r['seconds']:.1f} s", file=sys.stderr)
        runs.append(r)
    if runs and runs[-1]["archive_dropped"] == 0:
        print("memory_scaling: the longest run never filled the archive: its eviction path was not exercised "
              "(lower --archive-frames or run longer)", file=sys.stderr)
    peaks = [round(r["peak_rss_mb"], 2) for r in runs]
    out = {
        "preset": args.preset,
        "frames": list(args.frames),
        "peak_rss_mb": peaks,
        "archive_mb": [round(r["archive_bytes"] / 2**20, 3) for r in runs],
        "ratio": round(peaks[-1] / peaks[0], 4),
        "archive_reserved_mb": [round(r["archive_reserved_bytes"] / 2**20, 3) for r in runs],
        "archive_slots": [r["archive_slots"] for r in runs],
        "archive_dropped": [r["archive_dropped"] for r in runs],
        "archived_frames": [r["archived_frames"] for r in runs],
        "evicted_chunks": [r["evicted_chunks"] for r in runs],
        "prompts": [r["prompts"] for r in runs],
        "seconds": [round(r["seconds"], 1) for r in runs],
        "plugins": plugins,
        "missing_plugins": missing,
        "switch_every": args.switch_every,
        "decode": args.decode,
        "threads": args.threads,
        "overrides": overrides,
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps({k: out[k] for k in ("frames", "peak_rss_mb", "archive_mb", "ratio")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
