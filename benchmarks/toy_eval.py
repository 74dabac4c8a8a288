"""End-to-end measurements of the `toy` preset: prompt adherence, prompt switches and re-appearance.

    python benchmarks/toy_eval.py --json OUT.json [--single 48] [--switch 50] [--return 40] [--reader 30]

Every story comes from the toy world's generator with seeds from `EVAL_SEED_BASE` on (training used
0 .. dataset_size-1). Videos are generated through `IAMPipeline` exactly as the CLIs do (4 warped
steps, configs/toy_interactive.yaml's engine settings) and read back by the deterministic frame
reader (`memflow_ext.toy.reader`), whose own accuracy on codec-reconstructed ground truth is measured
first and reported beside every effect.

Re-appearance arms (same stories, same seeds): `nam` (MemFlow's NAM, no plugins), `nam_bank0` (NAM
with bank_size=0), `iam` (agent + memory), `iam_gt_ids` (memory with the generator's entity IDs
instead of the agent's), `memory_off` (agent + memory with memory.max_frames=0), `oracle` (the
memory holds the returning object's own frames from this video: training's memory rule with the
ground truth), `shuffled` (the same rule's frames, from another story's video whose returning object
has the same colour). Error = |returning object's shade (size) - its first appearance's|, divided by
the mean |difference| between first appearances in different stories of the same colour.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hooks import hookimpl  # noqa: E402
from hooks.contract import Entity, Published  # noqa: E402
from hooks.manager import build_plugin_manager, register_checked  # noqa: E402
from memflow_ext.config import load_config  # noqa: E402
from memflow_ext.loaders.bundled import load_bundle  # noqa: E402
from memflow_ext.pipelines.iam import IAMLoop, IAMPipeline  # noqa: E402
from memflow_ext.presets import TOY  # noqa: E402
from memflow_ext.toy.reader import SHOWN, read_frame, score_reader  # noqa: E402
from memflow_ext.toy.train import EVAL_SEED_BASE, memory_rule, video_tensor  # noqa: E402
from memflow_ext.toy.world import Story, story_of_kind  # noqa: E402

CONFIG = REPO / "configs" / "toy_interactive.yaml"
ARMS = ("nam", "nam_bank0", "iam", "iam_gt_ids", "memory_off", "oracle", "shuffled")
PRESENT = SHOWN  # ground-truth visible fraction from which an object counts as shown
MOTION_MIN_PX = 2.0  # ground-truth displacement over a block from which its motion is scored
FRAME_ID = re.compile(r"_f(\d+)$")


# -- statistics ------------------------------------------------------------------------------------
def wilson(k: int, n: int, z: float = 1.96) -> list[float]:
    if n == 0:
        return [float("nan"), float("nan")]
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [round(c - h, 4), round(c + h, 4)]


def rate(k: int, n: int) -> dict[str, Any]:
    return {"k": k, "n": n, "rate": round(k / n, 4) if n else None, "wilson95": wilson(k, n)}


def paired_bootstrap(a: np.ndarray, b: np.ndarray, reps: int, seed: int = 0) -> dict[str, Any]:
    """Mean of a - b over the stories both arms scored, and its 95% percentile interval."""
    ok = ~(np.isnan(a) | np.isnan(b))
    d = a[ok] - b[ok]
    if len(d) == 0:
        return {"n": 0, "mean_diff": None, "ci95": None}
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), (reps, len(d)))].mean(axis=1)
    return {"n": int(len(d)), "mean_diff": round(float(d.mean()), 4),
            "ci95": [round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)]}


# -- reading videos --------------------------------------------------------------------------------
def frames_of(video: torch.Tensor) -> np.ndarray:
    """[1, T, 3, H, W] in [-1, 1] -> [T, H, W, 3] in [0, 1]."""
    return ((video[0].permute(0, 2, 3, 1).float().numpy() + 1.0) / 2.0).clip(0.0, 1.0)


def read_video(frames: np.ndarray) -> list[dict[str, Any]]:
    return [{d.colour: d for d in read_frame(f)} for f in frames]


def reader_validation(n: int, codec: Any) -> dict[str, Any]:
    """The reader on codec-reconstructed ground truth (all story kinds: entering, leaving, overlaps)."""
    stories = [story_of_kind(("single", "switch", "return")[i % 3], EVAL_SEED_BASE + 900_000 + i) for i in range(n)]
    sc = score_reader((st, frames_of(codec.decode(codec.encode(video_tensor(st)[None])))) for st in stories)
    return {"stories": n, "frames": sc.frames, "colour_recall": rate(sc.found, sc.shown),
            "shape_accuracy_fully_visible": rate(sc.shape_right, sc.shape_scored),
            "false_objects_per_frame": round(sc.false_objects / max(1, sc.frames), 4),
            "shade_mae": round(float(np.mean(np.abs(sc.shade_err))), 4),
            "shade_bias": round(float(np.mean(sc.shade_err)), 4),
            "size_mae_px": round(float(np.mean(np.abs(sc.size_err))), 3),
            "size_bias_px": round(float(np.mean(sc.size_err)), 3),
            "size_readings": len(sc.size_err)}


def adherence(st: Story, reads: list[dict[str, Any]]) -> dict[str, list]:
    """Per block: (colour ok, shape ok or None, motion ok or None) of each object the prompt shows."""
    fpb = st.frames_per_block
    out: dict[str, list] = {"colour": [], "shape": [], "motion": [], "block": []}
    for blk, p in enumerate(st.block_prompt):
        fr = range(blk * fpb, (blk + 1) * fpb)
        for c in st.segments[p].clauses:
            obj = st.objects[c.oid]
            mid = st.truth[fr[1]].get(c.oid)
            if mid is None or mid[2] < PRESENT:
                continue
            seen = [reads[f].get(obj.colour) for f in fr]
            hits = [d for d in seen if d is not None]
            out["block"].append(blk)
            out["colour"].append(len(hits) >= 2)
            full = [d for d in hits if not d.touches_border and not d.touches_other]
            out["shape"].append(None if not full or mid[2] < 0.95 else
                                max(set(d.shape for d in full), key=[d.shape for d in full].count) == obj.shape)
            a, b = st.truth[fr[0]].get(c.oid), st.truth[fr[-1]].get(c.oid)
            motion = None
            if a is not None and b is not None and seen[0] is not None and seen[-1] is not None:
                g = np.array([b[0] - a[0], b[1] - a[1]])
                if np.abs(g).max() >= MOTION_MIN_PX:
                    ax = int(np.argmax(np.abs(g)))
                    r = np.array([seen[-1].cx - seen[0].cx, seen[-1].cy - seen[0].cy])
                    motion = bool(np.sign(r[ax]) == np.sign(g[ax]) and abs(r[ax]) >= 0.5)
            out["motion"].append(motion)
    return out


def switch_presence(st: Story, reads: list[dict[str, Any]]) -> list[bool]:
    """After each switch: is each newly named object (first mention or a return) seen within two blocks?"""
    fpb = st.frames_per_block
    out, seen_before = [], set(st.named(0))
    for p in range(1, len(st.segments)):
        start = sum(s.blocks for s in st.segments[:p])
        for c in st.segments[p].clauses:
            if c.oid in seen_before and c.action != "back":
                continue
            colour = st.objects[c.oid].colour
            frames = range(start * fpb, min(len(reads), (start + 2) * fpb))
            out.append(sum(reads[f].get(colour) is not None for f in frames) >= 2)
        seen_before |= set(st.named(p))
    return out


# -- arms ------------------------------------------------------------------------------------------
class ProbeLoop(IAMLoop):
    """The IAM loop, recording for every block the cache's frame slots and the memory frames its
    denoising attended to (into its pipeline's `trace`)."""

    pipeline: Probe

    def denoise(self, x, ctx, start_token, generator):
        state = self.state
        assert state is not None  # denoise runs after init_state
        slots = [f for f in state.kv.slot_frames if f >= 0]
        out = super().denoise(x, ctx, start_token, generator)
        mem = state.memory
        if hasattr(mem, "visible_frames"):
            frames = [f for f in mem.visible_frames() if f >= 0]
        else:
            frames = [int(m.group(1)) for i in getattr(mem, "frame_ids", []) if (m := FRAME_ID.search(str(i)))]
        self.pipeline.trace.append({"cache": slots, "memory": frames})
        return out


class Probe(IAMPipeline):
    """IAMPipeline whose videos run through `ProbeLoop`; `trace` holds the last video's records."""

    loop_cls = ProbeLoop
    trace: list[dict[str, list[int]]]
    last_run: Any = None  # the RunState of the last video (the agent's entities)


class GroundTruthIDs:
    """Publishes the generator's object IDs as the prompt's entities (in place of the agent)."""

    story: Story | None = None

    @hookimpl(tryfirst=True)
    def iamflow_prompt_switch(self, run: Any, prompt_index: int, prompt: str) -> None:
        st = self.story
        assert st is not None
        ents = []
        for oid in st.named(prompt_index):
            name = st.objects[oid].name
            spans = tuple((m.start(), m.end()) for m in re.finditer(re.escape(name), prompt))
            ents.append(Entity(id=oid, label=name, kind="creature", spans=spans))
        run.entities[prompt_index] = Published(entities=tuple(ents))


class RuleMemory:
    """Fills the memory segment with training's memory rule applied to `source` (a story) and frames
    from `archive` (evicted keys/values by frame); with `source` this story and the archive this video's
    own: the oracle; with another story's: the shuffled control."""

    def __init__(self, max_frames: int) -> None:
        self.max_frames = max_frames
        self.source: Story | None = None
        self.archive: dict[int, tuple[list, list]] | None = None  # None: this video's own
        self.own: dict[int, tuple[list, list]] = {}
        self.evicted: list[int] = []

    @hookimpl
    def iamflow_pipeline_start(self, run: Any) -> None:
        run.memory.claim("rule-memory", self.max_frames)
        self.own, self.evicted = {}, []

    @hookimpl
    def iamflow_wants_evicted(self) -> bool:
        return True

    @hookimpl
    def iamflow_chunk_end(self, run: Any, evicted: Any) -> None:
        if evicted is None:
            return
        tpf = run.memory.tokens_per_frame
        for j, f in enumerate(evicted.frames):
            piece = slice(j * tpf, (j + 1) * tpf)
            self.own[f] = ([k[:, piece].clone() for k in evicted.keys], [v[:, piece].clone() for v in evicted.values])
            self.evicted.append(f)

    def _fill(self, run: Any, block: int) -> None:
        assert self.source is not None
        frames = memory_rule(self.source, self.max_frames)(block, 0, self.evicted)
        archive = self.own if self.archive is None else self.archive
        if not frames:
            run.memory.clear()
            return
        n = len(archive[frames[0]][0])
        keys = [torch.cat([archive[f][0][layer] for f in frames], dim=1) for layer in range(n)]
        values = [torch.cat([archive[f][1][layer] for f in frames], dim=1) for layer in range(n)]
        run.memory.write(keys, values, [f"rule_f{f}" for f in frames])

    @hookimpl(trylast=True)
    def iamflow_prompt_switch(self, run: Any, start_frame: int) -> None:
        self._fill(run, start_frame // run.frames_per_block)

    @hookimpl
    def iamflow_block_start(self, run: Any, block_index: int) -> None:
        self._fill(run, block_index)


def make_arm(name: str, base_cfg: Any, comps: tuple) -> tuple[Probe, Any]:
    overrides = {"nam_bank0": ["model_kwargs.bank_size=0"], "memory_off": ["memory.max_frames=0"]}.get(name, [])
    cfg = load_config([CONFIG], overrides=overrides)
    plugins = {"nam": [], "nam_bank0": [], "iam": ["agent", "memory"], "iam_gt_ids": ["memory"],
               "memory_off": ["agent", "memory"], "oracle": [], "shuffled": []}[name]
    pm = build_plugin_manager(plugins, cfg)
    extra = None
    if name == "iam_gt_ids":
        extra = GroundTruthIDs()
        register_checked(pm, extra, "ground-truth-ids")
    elif name in ("oracle", "shuffled"):
        extra = RuleMemory(cfg.model_kwargs.bank_size)
        register_checked(pm, extra, f"{name}-memory")
    model, text, codec = comps
    pipe = Probe(cfg, model, text, codec, device="cpu", plugin_manager=pm)
    return pipe, extra


def generate(pipe: Probe, st: Story) -> tuple[np.ndarray, list]:
    pipe.trace = []
    res = pipe.generate(st.prompts, st.switch_frames, seed=st.seed, interactive=len(st.prompts) > 1,
                        num_frames=len(st.truth), progress=False)
    pipe.last_run = res.run
    return frames_of(res.video), pipe.trace


def identity(st: Story, reads: list[dict[str, Any]], oid: int, blocks: range) -> tuple[float, float]:
    """Median shade and size the reader gives object `oid` over `blocks` (nan when never read)."""
    colour = st.objects[oid].colour
    fpb = st.frames_per_block
    ds = [reads[f].get(colour) for b in blocks for f in range(b * fpb, (b + 1) * fpb)]
    shades = [d.shade for d in ds if d is not None and not d.touches_other]
    sizes = [d.size for d in ds if d is not None and d.size is not None]
    return (float(np.median(shades)) if shades else math.nan, float(np.median(sizes)) if sizes else math.nan)


def agent_scores(pipe: Probe, st: Story) -> dict[str, int]:
    """Mentions the agent found (by the object's name) and pairs of mentions whose IDs agree with the truth."""
    run = pipe.last_run
    found, mentions = 0, []
    for p in range(len(st.segments)):
        res = run.entities.get(p)
        ents = getattr(res, "entities", res) or []
        for oid in st.named(p):
            name = st.objects[oid].name
            hit = next((e for e in ents if name in str(getattr(e, "surface", ""))), None)
            found += hit is not None
            mentions.append((oid, None if hit is None else hit.entity_id))
    pairs = agree = 0
    for i in range(len(mentions)):
        for j in range(i + 1, len(mentions)):
            pairs += 1
            same_truth = mentions[i][0] == mentions[j][0]
            ids = mentions[i][1], mentions[j][1]
            agree += None not in ids and (ids[0] == ids[1]) == same_truth
    return {"mentions": len(mentions), "found": found, "pairs": pairs, "pairs_agreeing": agree}


def _blocks_showing(st: Story, oid: int, prompt: int) -> range | list[int]:
    fpb = st.frames_per_block
    first = sum(s.blocks for s in st.segments[:prompt])
    return [b for b in range(first, first + st.segments[prompt].blocks) if st.visible(b * fpb + 1, oid) >= PRESENT]


def _summary(adh: dict[str, list]) -> dict[str, Any]:
    out = {}
    for key in ("colour", "shape", "motion"):
        vals = [v for v in adh.get(key, []) if v is not None]
        out[key] = rate(sum(vals), len(vals))
    return out


def _merge(into: dict[str, list], part: dict[str, list]) -> None:
    for k, v in part.items():
        into.setdefault(k, []).extend(v)


def _per_block(adh: dict[str, list], blocks: int) -> list[dict[str, Any]]:
    rows = []
    for b in range(blocks):
        sel = {k: [v for v, bb in zip(adh[k], adh["block"], strict=True) if bb == b]
               for k in ("colour", "shape", "motion")}
        rows.append({"block": b, **_summary({**sel, "block": []})})
    return rows


def _nanmean(x: np.ndarray) -> float | None:
    return round(float(np.nanmean(x)), 4) if np.isfinite(x).any() else None


def _normalised(first: np.ndarray, back: np.ndarray, colours: list[str]) -> np.ndarray:
    """|back - first| / mean |first_i - first_j| over different stories of the same colour."""
    out = np.full(len(first), np.nan)
    for c in set(colours):
        idx = [i for i, cc in enumerate(colours) if cc == c and not np.isnan(first[i])]
        diffs = [abs(first[i] - first[j]) for a, i in enumerate(idx) for j in idx[a + 1:]]
        scale = float(np.mean(diffs)) if diffs else math.nan
        for i in idx:
            out[i] = abs(back[i] - first[i]) / scale if scale > 0 else math.nan
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", required=True, type=Path)
    ap.add_argument("--single", type=int, default=48, help="single-prompt stories")
    ap.add_argument("--switch", type=int, default=50, help="3-prompt stories with new objects (2 switches each)")
    ap.add_argument("--return", dest="ret", type=int, default=200, help="re-appearance stories, in every arm")
    ap.add_argument("--reader", type=int, default=30, help="ground-truth stories to validate the reader on")
    ap.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated subset of {', '.join(ARMS)}")
    ap.add_argument("--bootstrap", type=int, default=2000)
    ap.add_argument("--weights", type=Path, help="a bundled weights file (default: the shipped toy preset's)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    arms = [a for a in args.arms.split(",") if a]
    bad = [a for a in arms if a not in ARMS]
    if bad:
        ap.error(f"unknown arm(s) {bad}; valid: {', '.join(ARMS)}")
    if "shuffled" in arms and "oracle" not in arms:
        ap.error("the shuffled arm takes its frames from the oracle arm's videos: list oracle too")
    t0 = time.perf_counter()
    from memflow_ext.loaders.bundled import bundle_metadata, bundled_path

    weights = args.weights or bundled_path(TOY)
    comps = load_bundle(TOY, path=weights)
    meta = bundle_metadata(weights)
    report: dict[str, Any] = {"weights": str(weights),
                              "weights_meta": {k: meta.get(k) for k in ("steps", "train_seconds")},
                              "eval_seed_base": EVAL_SEED_BASE, "threads": args.threads}
    report["reader"] = reader_validation(args.reader, comps[2])

    pipe, _ = make_arm("nam", None, comps)
    adh: dict[str, list] = {}
    for i in tqdm(range(args.single), desc="single-prompt stories", disable=args.quiet):
        st = story_of_kind("single", EVAL_SEED_BASE + i)
        frames, _ = generate(pipe, st)
        _merge(adh, adherence(st, read_video(frames)))
    report["single_prompt"] = {"arm": "nam", "stories": args.single, **_summary(adh), "per_block": _per_block(adh, 3)}

    pipe, _ = make_arm("iam", None, comps)
    adh, sw, ag = {}, [], {}
    for i in tqdm(range(args.switch), desc="switch stories", disable=args.quiet):
        st = story_of_kind("switch", EVAL_SEED_BASE + 100_000 + i)
        frames, _ = generate(pipe, st)
        reads = read_video(frames)
        _merge(adh, adherence(st, reads))
        sw += switch_presence(st, reads)
        for k, v in agent_scores(pipe, st).items():
            ag[k] = ag.get(k, 0) + v
    report["switch_stories"] = {"arm": "iam", "stories": args.switch, **_summary(adh), "per_block": _per_block(adh, 7),
                                "new_object_within_two_blocks": rate(sum(sw), len(sw)), "agent_ids": ag}

    stories = [story_of_kind("return", EVAL_SEED_BASE + 200_000 + i) for i in range(args.ret)]
    colours = [s.objects[s.info["returning"]].colour for s in stories]
    oracle_archives: dict[int, dict] = {}
    per_arm: dict[str, dict[str, Any]] = {}
    for arm in arms:
        pipe, extra = make_arm(arm, None, comps)
        rows = []
        adh, sw, ag = {}, [], {}
        for i, st in enumerate(tqdm(stories, desc=f"re-appearance: {arm}", disable=args.quiet)):
            oid = st.info["returning"]
            if isinstance(extra, GroundTruthIDs):
                extra.story = st
            if isinstance(extra, RuleMemory):
                if arm == "oracle":
                    extra.source, extra.archive = st, None
                else:
                    same = [j for j in range(len(stories)) if j != i and colours[j] == colours[i]]
                    shape = [j for j in same if stories[j].objects[stories[j].info["returning"]].shape
                             == st.objects[oid].shape]
                    j = (shape or same or [(i + 1) % len(stories)])[0]
                    extra.source, extra.archive = stories[j], oracle_archives[j]
            frames, trace = generate(pipe, st)
            if arm == "oracle":
                oracle_archives[i] = dict(extra.own)
            reads = read_video(frames)
            _merge(adh, adherence(st, reads))
            sw += switch_presence(st, reads)
            if arm in ("iam", "memory_off"):
                for k, v in agent_scores(pipe, st).items():
                    ag[k] = ag.get(k, 0) + v
            back_block = sum(s.blocks for s in st.segments[:2])
            at = trace[back_block]
            colour = st.objects[oid].colour
            gap_ok = all(st.visible(f, oid) < PRESENT for f in at["cache"])
            leak = any(reads[f].get(colour) is not None for f in at["cache"])
            # the memory's frames come from this video, except in the shuffled arm (the partner's video)
            src = extra.source if isinstance(extra, RuleMemory) else st
            hit_truth = any(src.visible(f, src.info["returning"]) >= PRESENT for f in at["memory"])
            hit_read = src is st and any(reads[f].get(colour) is not None for f in at["memory"])
            first = identity(st, reads, oid, _blocks_showing(st, oid, 1))
            back = identity(st, reads, oid, range(back_block, len(st.block_prompt)))
            rows.append({"seed": st.seed, "colour": colour, "gap_ok": gap_ok, "cache_shows_object": leak,
                         "memory_frames": at["memory"], "hit_truth": hit_truth, "hit_read": hit_read,
                         "first": first, "back": back})
        first_shade = np.array([r["first"][0] for r in rows])
        back_shade = np.array([r["back"][0] for r in rows])
        first_size = np.array([r["first"][1] for r in rows])
        back_size = np.array([r["back"][1] for r in rows])
        shade_err = _normalised(first_shade, back_shade, colours)
        size_err = _normalised(first_size, back_size, colours)
        # whether the returning object is drawn at all after its return (1/0): paired like the errors
        drawn = np.array([0.0 if math.isnan(r["back"][0]) else 1.0 for r in rows])
        per_arm[arm] = {"shade_err": shade_err, "size_err": size_err, "drawn_err": drawn, "rows": rows,
                        "adherence": _summary(adh),
                        "switch": rate(sum(sw), len(sw)), "agent_ids": ag or None}
    table = {}
    for arm, r in per_arm.items():
        table[arm] = {
            "shade_norm_err": _nanmean(r["shade_err"]), "shade_n": int(np.isfinite(r["shade_err"]).sum()),
            "size_norm_err": _nanmean(r["size_err"]), "size_n": int(np.isfinite(r["size_err"]).sum()),
            "retrieval_hit_truth": rate(sum(x["hit_truth"] for x in r["rows"]), len(r["rows"])),
            "retrieval_hit_read": rate(sum(x["hit_read"] for x in r["rows"]), len(r["rows"])),
            "gap_ok": rate(sum(x["gap_ok"] for x in r["rows"]), len(r["rows"])),
            "cache_shows_object_in_video": rate(sum(x["cache_shows_object"] for x in r["rows"]), len(r["rows"])),
            "returned_object_read": rate(sum(not math.isnan(x["back"][0]) for x in r["rows"]), len(r["rows"])),
            "adherence": r["adherence"], "switch_new_object_within_two_blocks": r["switch"],
            "agent_ids": r["agent_ids"]}
    pairs = [("iam", "memory_off"), ("oracle", "memory_off"), ("iam", "nam"), ("iam_gt_ids", "iam"),
             ("shuffled", "oracle"), ("iam", "shuffled"), ("nam", "nam_bank0")]
    diffs = {}
    for a, b in pairs:
        if a in per_arm and b in per_arm:
            diffs[f"{a} - {b}"] = {m: paired_bootstrap(per_arm[a][f"{m}_err"], per_arm[b][f"{m}_err"], args.bootstrap)
                                   for m in ("shade", "size", "drawn")}
    report["reappearance"] = {"stories": len(stories), "arms": table, "paired_differences": diffs,
                              "rows": {a: r["rows"] for a, r in per_arm.items()},
                              "note": "errors are normalised: 1 = as far as a different story's object of the "
                                      "same colour, 0 = identical; lower is better; differences < 0 favour the "
                                      "first arm; `drawn` is 1 when the reader finds the returning object after "
                                      "its return (differences > 0 favour the first arm)"}
    report["wall_s"] = round(time.perf_counter() - t0, 1)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.json.with_name(args.json.name + ".tmp")
    tmp.write_text(json.dumps(report, indent=1, default=float))
    tmp.replace(args.json)
    print(json.dumps({k: report[k] for k in ("reader", "single_prompt", "switch_stories")}, indent=1, default=float))
    print(json.dumps({"arms": table, "paired_differences": diffs}, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
