"""The stream API (`open_stream` / `VideoStream`): a stream driven block by block, with live prompt
switches, gives exactly the latents of a batch run with those switch frames."""

from __future__ import annotations

import random

import pytest
import torch

from hooks import hookimpl
from hooks.manager import build_plugin_manager
from memflow_ext.config import ConfigError, load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline
from memflow_ext.pipelines.stream import StreamError, VideoStream
from tests.helpers import GOLDEN, need, rand_embeds, rand_noise, tiny_pipeline

FRAMES = 18  # 6 blocks: the 12-frame window evicts from block 4 on
PROMPTS = ["a red fox runs through deep snow", "an old owl sits on a pine branch",
           "the fox looks up at the owl", "snow falls on the quiet forest"]


def random_switches(seed: int, blocks: int, fpb: int = 3, most: int = 3) -> list[int]:
    """Seeded random block boundaries (at least one) for live switches."""
    rng = random.Random(seed)
    n = rng.randint(1, min(most, blocks - 1))
    return sorted(rng.sample(range(1, blocks), n))


def drive(stream: VideoStream, switch: list[int], prompts: list, as_embedding: bool = False):
    """Ask for every block, switching live at the start frames `switch`; returns the blocks."""
    fpb = stream.frames_per_block
    blocks = []
    nxt = 1
    while not stream.finished:
        if nxt <= len(switch) and stream.frames_done == switch[nxt - 1]:
            if as_embedding:
                at = stream.switch_prompt(embedding=prompts[nxt])
            else:
                at = stream.switch_prompt(prompts[nxt])
            assert at == switch[nxt - 1]
            nxt += 1
        blocks.append(stream.next_block())
    assert [b.block_index for b in blocks] == list(range(stream.max_frames // fpb))
    return blocks


# -- MemFlowPipeline on embeddings and noise ---------------------------------------------------------
@pytest.fixture(scope="module")
def base():
    return tiny_pipeline([f"num_output_frames={FRAMES}"])


@pytest.mark.parametrize("seed", [0, 1])
def test_live_switches_equal_batch_switch_frames(base, seed):
    blocks = FRAMES // 3
    switch = [3 * b for b in random_switches(seed, blocks)]
    embeds = rand_embeds(len(switch) + 1, seed=seed)
    noise = rand_noise(FRAMES, seed=seed)
    batch = base.sample(embeds, switch, noise, generator=torch.Generator().manual_seed(7), interactive=True,
                        progress=False)
    stream = base.open_stream(embedding=embeds[0], noise=noise, generator=torch.Generator().manual_seed(7))
    out = drive(stream, switch, embeds, as_embedding=True)
    result = stream.close()
    assert torch.equal(result.latents, batch)
    assert torch.equal(torch.cat([b.latents for b in out], dim=1), batch)
    assert [b.prompt_index for b in out] == [sum(1 for s in switch if s <= 3 * i) for i in range(blocks)]
    assert [b.switched for b in out] == [i == 0 or 3 * i in switch for i in range(blocks)]
    assert result.info["switch_frame_indices"] == switch and result.info["max_frames"] == FRAMES


def test_max_frames_bounds_the_stream(base):
    stream = base.open_stream(embedding=rand_embeds(1)[0], noise=rand_noise(6))
    assert stream.max_frames == 6 and stream.num_blocks == 2
    list(stream)
    assert stream.finished
    with pytest.raises(StreamError, match="max_frames=6"):
        stream.next_block()
    with pytest.raises(StreamError, match="max_frames=6"):
        stream.switch_prompt(embedding=rand_embeds(1)[0])
    assert stream.close().latents.shape[1] == 6
    with pytest.raises(StreamError, match="closed"):
        stream.next_block()
    with pytest.raises(ConfigError, match="multiple of num_frame_per_block"):
        base.open_stream(embedding=rand_embeds(1)[0], noise=rand_noise(7))


def test_close_early_gives_the_latents_so_far(base):
    embeds, noise = rand_embeds(2, seed=3), rand_noise(FRAMES, seed=3)
    full = base.sample(embeds, [6], noise, generator=torch.Generator().manual_seed(1), interactive=True,
                       progress=False)
    stream = base.open_stream(embedding=embeds[0], noise=noise, generator=torch.Generator().manual_seed(1))
    stream.next_block()
    stream.next_block()
    stream.switch_prompt(embedding=embeds[1])
    stream.next_block()
    result = stream.close()
    assert result.latents.shape[1] == 9
    assert torch.equal(result.latents, full[:, :9])  # causal: the first blocks do not depend on the rest
    assert result.info["switch_frame_indices"] == [6] and len(result.info["memory_frames_per_block"]) == 3
    assert stream.close() is result


def test_stream_errors(base):
    stream = base.open_stream(embedding=rand_embeds(1)[0], noise=rand_noise(6))
    with pytest.raises(StreamError, match="before the first block"):
        stream.switch_prompt(embedding=rand_embeds(1)[0])
    with pytest.raises(StreamError, match="text encoder"):
        stream.next_block() and stream.switch_prompt("a prompt")
    single = base.open_stream(embedding=rand_embeds(1)[0], noise=rand_noise(6), interactive=False)
    with pytest.raises(StreamError, match="superseded"):
        stream.next_block()  # the newer stream of the same pipeline took over
    single.next_block()
    with pytest.raises(StreamError, match="interactive"):
        single.switch_prompt(embedding=rand_embeds(1)[0])


# -- from text, with hooks ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def text_parts():
    pipe = build_pipeline(load_config(overrides=[f"num_output_frames={FRAMES}"]))
    return pipe.model, pipe.text_encoder, pipe.vae


def iam(parts, plugins=(), extra=()):
    model, text, vae = parts
    cfg = load_config(overrides=[f"num_output_frames={FRAMES}", *extra])
    return IAMPipeline(cfg, model, text, vae, plugin_manager=build_plugin_manager(list(plugins), cfg))


class Recorder:
    """What the run object says at each hook."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    @hookimpl
    def iamflow_pipeline_start(self, run):
        self.events.append(("start", list(run.prompts), list(run.switch_frame_indices), run.num_blocks,
                            run.num_output_frames))

    @hookimpl
    def iamflow_prompt_switch(self, run, prompt_index, prompt, start_frame):
        self.events.append(("switch", prompt_index, prompt, start_frame, list(run.prompts),
                            list(run.switch_frame_indices)))

    @hookimpl
    def iamflow_phase(self, phase):
        self.events.append(("phase", phase))

    @hookimpl
    def iamflow_pipeline_end(self, run, result):
        self.events.append(("end", run.num_output_frames, result.latents.shape[1]))


def test_run_grows_prompts_and_switch_frames_as_switches_apply(text_parts):
    pipe = iam(text_parts)
    rec = Recorder()
    pipe.pm.register(rec, name="recorder")
    stream = pipe.open_stream(PROMPTS[0], seed=5, max_frames=12)
    assert rec.events[0] == ("start", [PROMPTS[0]], [], 4, 12)
    stream.next_block()
    stream.switch_prompt(PROMPTS[1])
    stream.switch_prompt(PROMPTS[2])  # the latest request before the block wins
    stream.next_block()
    assert stream.run.prompts == [PROMPTS[0], PROMPTS[2]] and stream.run.switch_frame_indices == [3]
    stream.next_block()
    result = stream.close()
    switches = [e for e in rec.events if e[0] == "switch"]
    assert switches == [("switch", 0, PROMPTS[0], 0, [PROMPTS[0]], []),
                        ("switch", 1, PROMPTS[2], 3, [PROMPTS[0], PROMPTS[2]], [3])]
    phases = [e[1] for e in rec.events if e[0] == "phase"]
    # init at open; per block one diffusion phase and one vae_decode phase (the tiny preset has a VAE)
    assert phases == ["init"] + ["diffusion", "vae_decode"] * 3
    assert rec.events[-1] == ("end", 9, 9)
    assert result.video is not None and result.video.shape[1] == 1 + 4 * (9 - 1)
    assert result.info["prompts"] == [PROMPTS[0], PROMPTS[2]]


def test_batch_run_sees_what_it_saw_before(text_parts):
    """generate drives a stream, but its run still knows every prompt up front and its phases run once."""
    pipe = iam(text_parts)
    rec = Recorder()
    pipe.pm.register(rec, name="recorder")
    pipe.generate(PROMPTS[:2], [3], seed=1, num_frames=6, progress=False)
    assert rec.events[0] == ("start", PROMPTS[:2], [3], 2, 6)
    assert [e[1] for e in rec.events if e[0] == "phase"] == ["init", "diffusion", "vae_decode"]
    assert [e for e in rec.events if e[0] == "switch"][1] == ("switch", 1, PROMPTS[1], 3, PROMPTS[:2], [3])
    assert rec.events[-1] == ("end", 6, 6)


def test_a_long_stream_draws_its_noise_block_by_block(text_parts):
    """A block's noise is drawn when the block starts: the first blocks of a stream bounded by a long cap are
    those of a short batch run with the same seed (drawing all the cap's noise at open would shift the
    generator's re-noising draws), and the stream holds one block of noise."""
    pipe = iam(text_parts)
    short = pipe.generate(PROMPTS[:1], [], seed=4, num_frames=6, decode=False, progress=False).latents
    stream = pipe.open_stream(PROMPTS[0], seed=4, max_frames=1020, decode=False)
    assert stream.max_frames == 1020
    blocks = [stream.next_block() for _ in range(2)]
    assert torch.equal(torch.cat([b.latents for b in blocks], dim=1), short)
    assert torch.equal(stream.close().latents, short)


def test_stream_decoded_frames_equal_the_batch_video(text_parts):
    pipe = iam(text_parts)
    batch = pipe.generate(PROMPTS[:2], [3], seed=2, num_frames=6, progress=False)
    stream = pipe.open_stream(PROMPTS[0], seed=2, max_frames=6)
    blocks = drive(stream, [3], PROMPTS)
    result = stream.close()
    assert torch.equal(result.latents, batch.latents)
    assert [b.video.shape[1] for b in blocks] == [9, 12]  # 1 + 4 * (3 - 1), then 4 per latent frame
    assert not result.latents.requires_grad and not result.video.requires_grad
    assert torch.equal(result.video, batch.video)
    assert torch.equal(torch.cat([b.video for b in blocks], dim=1), batch.video)
    assert result.video.device.type == "cpu" and batch.video.device.type == "cpu"  # off the device as decoded


@pytest.mark.parametrize("plugins,extra", [((), ()), (("agent", "memory"), ())],
                         ids=["memflow", "agent,memory"])
def test_live_switches_equal_batch_with_plugins(text_parts, plugins, extra):
    switch = [3 * b for b in random_switches(11, FRAMES // 3)]
    prompts = PROMPTS[: len(switch) + 1]
    batch_pipe = iam(text_parts, plugins, extra)
    batch = batch_pipe.generate(prompts, switch, seed=9, decode=False, progress=False)
    live_pipe = iam(text_parts, plugins, extra)
    stream = live_pipe.open_stream(prompts[0], seed=9, max_frames=FRAMES, decode=False)
    drive(stream, switch, prompts)
    result = stream.close()
    assert torch.equal(result.latents, batch.latents)
    assert stream.run.prompts == prompts and stream.run.switch_frame_indices == switch
    if plugins:
        assert stream.run.entities.keys() == batch.run.entities.keys()
    else:  # and without plugins, IAMPipeline is MemFlowPipeline
        model, text, vae = text_parts
        from memflow_ext.pipelines.memflow import MemFlowPipeline

        cfg = load_config(overrides=[f"num_output_frames={FRAMES}"])
        mf = MemFlowPipeline(cfg, model, text, vae).open_stream(prompts[0], seed=9, decode=False)
        drive(mf, switch, prompts)
        assert torch.equal(mf.close().latents, batch.latents)


def test_transition_blends_a_live_switch_like_a_batch_switch(text_parts):
    extra = ("transition.blocks=2",)
    batch_pipe = iam(text_parts, ("transition",), extra)
    batch = batch_pipe.generate(PROMPTS[:2], [6], seed=4, num_frames=12, decode=False, progress=False)
    live_pipe = iam(text_parts, ("transition",), extra)
    stream = live_pipe.open_stream(PROMPTS[0], seed=4, max_frames=12, decode=False)
    drive(stream, [6], PROMPTS)
    result = stream.close()
    assert torch.equal(result.latents, batch.latents)
    live, ref = stream.run.extras["transition"]["switches"], batch.run.extras["transition"]["switches"]
    assert [(s["start_block"], s["blocks"], s["weights"]) for s in live] == \
        [(s["start_block"], s["blocks"], s["weights"]) for s in ref] == [(2, 2, ref[0]["weights"])]
    # and the blend changed the output (a hard cut would differ)
    cut = iam(text_parts).generate(PROMPTS[:2], [6], seed=4, num_frames=12, decode=False, progress=False)
    assert not torch.equal(cut.latents, batch.latents)


# -- golden case C through the stream API ------------------------------------------------------------
@pytest.mark.slow
def test_stream_reproduces_golden_case_c():
    from safetensors.torch import load_file

    from memflow_ext.reference import build_parser, prepare_reference
    from tests.test_golden_parity import TOL, rel_l2

    golden = need(GOLDEN, "golden reference data")
    args = build_parser().parse_args([
        "--weights", str(golden / "weights.safetensors"), "--inputs", str(golden / "inputs.safetensors"),
        "--case", "interactive", "--frames", "21", "--out", "unused", "--quiet",
    ])
    pipe, inp = prepare_reference(args)
    stream = pipe.open_stream(embedding=inp["embeds"][0], noise=inp["noise"], generator=inp["generator"])
    drive(stream, inp["switch"], inp["embeds"], as_embedding=True)
    latents = stream.close().latents
    ref = load_file(str(golden / "case_C.safetensors"))["output_latents"]
    err = rel_l2(latents, ref)
    print(f"case C through the stream API: rel L2 {err:.3e}")
    assert err <= TOL
    # bit for bit what the batch path (the reference runner's `sample`) gives
    pipe, inp = prepare_reference(args)
    batch = pipe.sample(inp["embeds"], inp["switch"], inp["noise"], generator=inp["generator"], interactive=True,
                        progress=False)
    assert torch.equal(latents, batch)


def test_meta_json_of_a_stream_made_video_records_max_frames(base, tmp_path):
    import json

    from memflow_ext.app.batch import generate_into
    from memflow_ext.app.prompt_files import Job

    stream = base.open_stream(embedding=rand_embeds(1)[0], noise=rand_noise(6))
    stream.next_block()
    made = stream.close()  # closed early: 3 of at most 6 frames

    class Made:
        def generate(self, *args, **kwargs):
            return made

    cfg = load_config(overrides=["save_video=false"])
    job = Job(key="live", line=0, prompts=["p"], switch_frame_indices=[], sample=0, seed=0)
    generate_into(Made(), cfg, job, tmp_path, interactive=True, quiet=True)
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["max_frames"] == 6 and meta["num_output_frames"] == 3
