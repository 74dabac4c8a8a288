"""Live mode as a client sees it: a stream driven through the WebSocket, with and without the plugins.

    python benchmarks/live.py --preset small --json OUT [--frames 24] [--switch-every 2] [--repeats 2]

One server process per arm (`agent_interactive_inference.py --serve --port 0`, same config, seed and
model weights; arms: `none`, the MemFlow baseline, and `agent,memory,profile`), both up for the whole
run and driven one at a time, in rounds whose order flips (A B, then B A, ...), so neither arm always
streams second. Each stream starts with the first prompt of `benchmarks/data/live_prompts.json` and,
every `--switch-every` blocks received, sends the next one as a live `prompt`. Measured on the
client's clock:

- time to first frame: `start` sent -> first JPEG frame received;
- per-block latency: between the arrivals of consecutive `block` messages (and the server's own
  `ms`, the block's switch + denoising + cache update, without decoding and sending);
- switch latency: `prompt` sent -> first frame of the first block under the new prompt, in ms
  and in blocks (that block's index minus the last block received when the prompt was sent);
- frames per second: video frames received / time from the first frame to the last.

Per arm: the median over its streams of each number; `ratios`: plugins / baseline of those medians,
side by side in this run. Nothing is asserted; the JSON is the result.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROMPTS = REPO / "benchmarks" / "data" / "live_prompts.json"
ARMS = {"none": "none", "plugins": "agent,memory,profile"}


def start_server(plugins: str, preset: str, out: Path, extra: list[str]) -> tuple[subprocess.Popen, str]:
    """A live server process; returns it and its WebSocket URL (read from the line it prints)."""
    cmd = [sys.executable, str(REPO / "agent_interactive_inference.py"), "--serve", "--port", "0", "--quiet",
           "--plugins", plugins, f"preset={preset}", f"output_folder={out}", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    line = proc.stdout.readline()
    m = re.search(r"http://([\d.]+):(\d+)/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the live server ({plugins}) did not start: {line}{proc.stderr.read()[-2000:]}")
    return proc, f"ws://{m.group(1)}:{m.group(2)}/ws"


def drive(url: str, prompts: list[str], frames: int, switch_every: int, seed: int) -> dict[str, Any]:
    """One stream through the WebSocket; the client-side timings of it."""
    from websockets.sync.client import connect

    blocks: list[dict[str, Any]] = []
    switches: list[dict[str, Any]] = []  # per prompt sent: t_sent, last block received then
    frame_times: list[float] = []
    next_prompt = 1
    with connect(url, max_size=None) as ws:
        t_start = time.perf_counter()
        ws.send(json.dumps({"type": "start", "prompt": prompts[0], "seed": seed, "max_frames": frames}))
        pending, fpb = 0, 1  # binary frames still due for the current block; frames per block
        while True:
            msg = ws.recv(timeout=3600)
            now = time.perf_counter()
            if isinstance(msg, bytes):
                frame_times.append(now)
                b = blocks[-1]
                if "t_first_frame" not in b:  # the block's first frame: a switch it carries is seen now
                    b["t_first_frame"] = now
                    for sw in switches:
                        if "t_first_frame" not in sw and b["prompt_index"] == sw["prompt_index"]:
                            sw["t_first_frame"], sw["block_index"] = now, b["block_index"]
                pending -= 1
                if (pending == 0 and len(blocks) % switch_every == 0 and next_prompt < len(prompts)
                        and (b["block_index"] + 1) * fpb < frames):  # the block is complete: maybe switch
                    ws.send(json.dumps({"type": "prompt", "prompt": prompts[next_prompt]}))
                    switches.append({"prompt_index": next_prompt, "t_sent": time.perf_counter(),
                                     "last_received": b["block_index"]})
                    next_prompt += 1
                continue
            m = json.loads(msg)
            if m["type"] == "started":
                fpb = m["frames_per_block"]
            elif m["type"] == "block":
                blocks.append({**m, "t": now})
                pending = m["frames"]
            elif m["type"] == "error":
                raise SystemExit(f"server error: {m['message']}")
            elif m["type"] == "saved":
                break
    gaps = [(b["t"] - a["t"]) * 1000 for a, b in zip(blocks, blocks[1:], strict=False)]
    applied = [s for s in switches if "t_first_frame" in s]
    return {
        "blocks": len(blocks), "video_frames": len(frame_times),
        "ttff_ms": (frame_times[0] - t_start) * 1000,
        "block_latency_ms": gaps, "server_block_ms": [b["ms"] for b in blocks],
        "switch_ms": [(s["t_first_frame"] - s["t_sent"]) * 1000 for s in applied],
        "switch_blocks": [s["block_index"] - s["last_received"] for s in applied],
        "switches_sent": len(switches), "switches_applied": len(applied),
        "fps": (len(frame_times) - 1) / (frame_times[-1] - frame_times[0]) if len(frame_times) > 1 else None,
    }


def summarise(streams: list[dict[str, Any]]) -> dict[str, Any]:
    med = statistics.median
    return {
        "streams": len(streams),
        "ttff_ms": med(s["ttff_ms"] for s in streams),
        "block_latency_ms_median": med(med(s["block_latency_ms"]) for s in streams),
        "block_latency_ms_max": max(max(s["block_latency_ms"]) for s in streams),
        "server_block_ms_median": med(med(s["server_block_ms"]) for s in streams),
        "switch_ms_median": med(x for s in streams for x in s["switch_ms"]),
        "switch_blocks": sorted({x for s in streams for x in s["switch_blocks"]}),
        "fps": med(s["fps"] for s in streams),
        "per_stream": streams,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--frames", type=int, default=24, help="max_frames of each stream (latent frames)")
    ap.add_argument("--switch-every", type=int, default=2, help="send the next prompt every N blocks received")
    ap.add_argument("--repeats", type=int, default=2, help="rounds (each streams once per arm)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", required=True, help="write the results here")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value for both servers")
    args = ap.parse_args(argv)
    if args.repeats < 1 or args.switch_every < 1:
        ap.error("--repeats and --switch-every must be >= 1")
    prompts = json.loads(PROMPTS.read_text())["prompts"]
    results: dict[str, list[dict[str, Any]]] = {a: [] for a in ARMS}
    with tempfile.TemporaryDirectory(prefix="iamflow-live-bench-") as tmp:
        servers = {}
        try:
            for arm, plugins in ARMS.items():
                servers[arm] = start_server(plugins, args.preset, Path(tmp) / arm, args.overrides)
            order = list(ARMS)
            for r in range(args.repeats):
                for arm in order if r % 2 == 0 else order[::-1]:
                    s = drive(servers[arm][1], prompts, args.frames, args.switch_every, args.seed)
                    results[arm].append(s)
                    print(f"round {r + 1}/{args.repeats} {arm}: first frame {s['ttff_ms']:.0f} ms, block "
                          f"{statistics.median(s['block_latency_ms']):.0f} ms, switch {s['switch_blocks']} blocks, "
                          f"{s['fps']:.2f} fps", file=sys.stderr)
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=600)
    arms = {arm: {"plugins": ARMS[arm], **summarise(streams)} for arm, streams in results.items()}
    base, plug = arms["none"], arms["plugins"]
    keys = ("ttff_ms", "block_latency_ms_median", "server_block_ms_median", "switch_ms_median", "fps")
    out = {
        "preset": args.preset, "frames": args.frames, "switch_every": args.switch_every, "repeats": args.repeats,
        "seed": args.seed, "overrides": args.overrides,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "arms": arms,
        "ratios_plugins_over_none": {k: plug[k] / base[k] for k in keys if base[k]},
    }
    from memflow_ext.io_utils import atomic_write_json

    atomic_write_json(Path(args.json), out)
    print(json.dumps({k: v for k, v in out.items() if k != "arms"} | {
        a: {k: v for k, v in d.items() if k != "per_stream"} for a, d in arms.items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
