"""The storyboard's layout, text and config without a model: wrapping, visible replacement of characters
the font cannot draw, the "+N more" cap on memory changes per row, and bad settings."""

from __future__ import annotations

import numpy as np
import pytest

from hooks.run import RunState
from memflow_ext.config import ConfigError, load_config
from plugins.storyboard.config import StoryboardConfig
from plugins.storyboard.draw import render
from plugins.storyboard.facts import Facts, MemoryChange, MemoryFrame, Segment, collect
from plugins.storyboard.layout import MAX_CHANGES, layout
from plugins.storyboard.text import REPLACEMENT, story_font


def facts_with(changes: int, prompt: str = "A grey cat sleeps on a warm windowsill.") -> Facts:
    seg = Segment(0, prompt, 0, 60, [])
    seg.changes = [MemoryChange(b, "eviction", (MemoryFrame(f"p0_c{b}_f{b}", b, (1,)),)) for b in range(changes)]
    return Facts([seg], latent_frames=60, frames_per_block=3, temporal_factor=4, video_frames=1 + 4 * 59)


def video(frames: int = 1 + 4 * 59) -> np.ndarray:
    g = np.random.default_rng(0)
    return g.integers(0, 256, size=(frames, 32, 48, 3), dtype=np.uint8)


def test_at_most_eight_changes_per_row_then_plus_n_more():
    board = layout(facts_with(MAX_CHANGES + 3), StoryboardConfig(), (48, 32), "t", "storyboard.png", None)
    row = board["rows"][0]
    assert len(row["memory"]) == MAX_CHANGES and row["memory_more"] == 3
    assert "+3 more" in {t["text"] for t in board["texts"]}
    boxes = [g["box"] for g in row["memory"]] + [row["more_box"]]
    x1 = board["size"][0]
    assert all(0 <= b[0] < b[2] <= x1 and row["box"][1] <= b[1] < b[3] <= row["box"][3] for b in boxes)
    few = layout(facts_with(2), StoryboardConfig(), (48, 32), "t", "storyboard.png", None)
    assert few["rows"][0]["memory_more"] == 0 and not any("more" in t["text"] for t in few["texts"])


def test_text_the_font_cannot_draw_is_replaced_visibly():
    font = story_font(13)
    text, replaced = font.clean("Ada\u0007 meets \u4e2d and \U0010fffd")
    assert text == f"Ada{REPLACEMENT} meets {REPLACEMENT} and {REPLACEMENT}"
    assert replaced == ["\u0007", "\u4e2d", "\U0010fffd"]
    board = layout(facts_with(1, "A lantern \u4e2d glows \u0007 twice."), StoryboardConfig(), (48, 32), "t",
                   "storyboard.png", None)
    assert board["replaced_characters"] and board["font"]["name"]
    assert " ".join(board["rows"][0]["text_lines"]) == f"A lantern {REPLACEMENT} glows {REPLACEMENT} twice."
    frames = video()
    image = render(board, lambda v: frames[v])
    assert image.size == tuple(board["size"])


def test_wrapping_keeps_the_whole_text_and_breaks_long_words():
    font = story_font(13)
    words = "the quick brown fox " * 30 + "x" * 200
    lines = font.wrap(words.strip(), 150)
    assert all(font.length(line) <= 150 for line in lines)
    assert "".join(lines).replace(" ", "") == words.replace(" ", "")


def test_collect_reads_the_run_without_agent_or_memory():
    run = RunState(config=None, prompts=["a", "b"], switch_frame_indices=[6], seed=0, frames_per_block=3)
    facts = collect(run, latents_frames=12, video_frames=1 + 4 * 11)
    assert [(s.start_frame, s.end_frame, s.chips, s.changes) for s in facts.segments] == [(0, 6, [], []),
                                                                                       (6, 12, [], [])]
    assert facts.temporal_factor == 4 and facts.video_range(facts.segments[1]) == (21, 45)
    assert facts.spaced_frames(facts.segments[0], 4) == [0, 7, 13, 20]  # video frames 0..20 (latent 0..5)
    run.entities = {1: [{"id": 7, "name": "heron"}, {"id": 7, "name": "heron"}]}
    run.memory_selection = {"changes": [{"block": 3, "cause": "eviction",
                                         "frames": [{"frame_id": "x", "frame": 2, "ids": [7]}]}]}
    facts = collect(run, latents_frames=12, video_frames=None)
    assert facts.segments[1].chips[0].id == 7 and len(facts.segments[1].chips) == 1
    assert facts.segments[1].changes[0].frames[0].latent_frame == 2 and facts.temporal_factor is None


@pytest.mark.parametrize("override,needle", [
    ("storyboard.format=gif", "storyboard.format"),
    ("storyboard.thumb_px=8", "storyboard.thumb_px"),
    ("storyboard.frames_per_prompt=0", "storyboard.frames_per_prompt"),
    ("storyboard.colour=red", "colour"),
])
def test_bad_settings_name_the_key(override, needle):
    with pytest.raises(ConfigError, match=needle):
        load_config(overrides=[override])


def test_defaults_are_declared_in_the_section():
    cfg = load_config(overrides=["storyboard.thumb_px=96"])
    assert (cfg.storyboard.enabled, cfg.storyboard.frames_per_prompt, cfg.storyboard.thumb_px,
            cfg.storyboard.format) == (True, 4, 96, "png")
