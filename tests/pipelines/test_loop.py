"""The block loop holds what belongs to one call: two videos of one pipeline never share an output
folder, a run key or a run object, and the pipeline keeps only the caches."""

from __future__ import annotations

import pytest

from hooks import hookimpl
from hooks.manager import build_plugin_manager
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMLoop, IAMPipeline
from memflow_ext.pipelines.stream import StreamError

PROMPTS = ["a red fox runs through deep snow", "an old owl sits on a pine branch"]
FRAMES = 6


class FolderWriter:
    """Writes a file named after the run key into the run's folder, when it has one."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object]] = []

    @hookimpl
    def iamflow_pipeline_start(self, run):
        self.seen.append((run.key, run.output_dir))

    @hookimpl
    def iamflow_pipeline_end(self, run):
        if run.output_dir is not None:
            (run.output_dir / f"{run.key}.txt").write_text(run.key)


@pytest.fixture(scope="module")
def parts():
    pipe = build_pipeline(load_config(overrides=[f"num_output_frames={FRAMES}"]))
    return pipe.model, pipe.text_encoder, pipe.vae


def pipeline(parts) -> tuple[IAMPipeline, FolderWriter]:
    model, text, vae = parts
    cfg = load_config(overrides=[f"num_output_frames={FRAMES}"])
    pm = build_plugin_manager([], cfg)
    writer = FolderWriter()
    pm.register(writer, name="writer")
    return IAMPipeline(cfg, model, text, vae, plugin_manager=pm), writer


def test_runs_one_after_another_never_see_each_others_folder(parts, tmp_path):
    pipe, writer = pipeline(parts)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    a = pipe.generate(PROMPTS, [3], seed=0, decode=False, progress=False, output_dir=first, run_key="a")
    b = pipe.generate(PROMPTS, [3], seed=0, decode=False, progress=False)  # no folder: nothing written
    stream = pipe.open_stream(PROMPTS[0], seed=0, max_frames=FRAMES, decode=False, output_dir=second, run_key="s")
    stream.next_block()
    c = pipe.generate(PROMPTS, [3], seed=0, decode=False, progress=False, run_key="c")
    assert writer.seen == [("a", first), ("video", None), ("s", second), ("c", None)]
    assert [p.name for p in first.iterdir()] == ["a.txt"] and list(second.iterdir()) == []
    assert a.run is not b.run and a.run.output_dir == first and b.run.output_dir is None
    assert c.run.key == "c" and stream.run is not None and stream.run.key == "s"
    assert not hasattr(pipe, "output_dir") and not hasattr(pipe, "run_key") and not hasattr(pipe, "run")
    with pytest.raises(StreamError, match="superseded"):  # the batch run took the pipeline's caches
        stream.next_block()


def test_each_video_gets_its_own_loop(parts, mocker):
    pipe, _ = pipeline(parts)
    made = mocker.spy(IAMPipeline, "new_loop")
    pipe.generate(PROMPTS, [3], seed=0, decode=False, progress=False)
    stream = pipe.open_stream(PROMPTS[0], seed=0, max_frames=FRAMES, decode=False)
    assert made.call_count == 2 and isinstance(stream.loop, IAMLoop)
    assert made.spy_return is stream.loop  # the latest loop is the stream's
    assert stream.loop.state is pipe.state  # the caches are the pipeline's, lent to the latest video
