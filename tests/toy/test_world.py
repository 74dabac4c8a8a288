"""The generator's prompts match its videos, and they stay inside the documented grammar."""

from __future__ import annotations

import re

import numpy as np
import pytest

from memflow_ext.toy.world import load_world, render_frame, return_story, story_of_kind

W = load_world()
CLAUSE = re.compile(r"^(a|the) ({c}) ({s}) (moves (?:{m})|leaves to the (?:{l})|comes back)$".format(
    c="|".join(W.colours), s="|".join(W.shapes), m="|".join(W.moves), l="|".join(W.leaves)))
STORIES = [story_of_kind(k, seed) for k in ("single", "switch", "return") for seed in range(25)]


@pytest.mark.parametrize("st", STORIES, ids=lambda s: f"{s.kind}-{s.seed}")
def test_prompts_follow_the_grammar_and_name_what_is_drawn(st):
    seen: set[int] = set()
    for p, seg in enumerate(st.segments):
        clauses = seg.prompt.split(" and ")
        assert 1 <= len(clauses) <= 2
        for text, c in zip(clauses, seg.clauses, strict=True):
            m = CLAUSE.match(text)
            assert m, text
            obj = st.objects[c.oid]
            assert (m.group(2), m.group(3)) == (obj.colour, obj.shape)
            assert m.group(1) == ("the" if c.oid in seen else "a")  # a return uses a definite reference
            seen.add(c.oid)
        start = sum(s.blocks for s in st.segments[:p]) * st.frames_per_block
        for f in range(start, start + seg.blocks * st.frames_per_block):
            assert set(st.truth[f]) == {c.oid for c in seg.clauses}  # only the named objects are drawn
    colours = [o.colour for o in st.objects.values()]
    assert len(set(colours)) == len(colours)  # so no two objects share colour and shape


@pytest.mark.parametrize("st", STORIES, ids=lambda s: f"{s.kind}-{s.seed}")
def test_motions_in_the_video_are_the_ones_the_prompt_says(st):
    fpb = st.frames_per_block
    for p, seg in enumerate(st.segments):
        start = sum(s.blocks for s in st.segments[:p]) * fpb
        end = start + seg.blocks * fpb - 1
        for c in seg.clauses:
            (x0, y0, v0), (x1, y1, v1) = st.truth[start][c.oid], st.truth[end][c.oid]
            if c.action == "moves":
                dx, dy = W.moves[c.direction]
                assert (x1 - x0) * dx >= 0 and (y1 - y0) * dy >= 0
                if (x1 - x0) * dx + (y1 - y0) * dy == 0:  # it stopped at the border it moves towards
                    edge = x1 if dx else y1
                    assert min(edge, W.frame_size - edge) < 2 * W.size_range[1]
                assert min(v0, v1) >= W.fully_visible  # stays inside (a triangle apex may touch the border)
            elif c.action == "leaves":
                assert (x1 - x0) * W.leaves[c.direction][0] > 0 and v1 == 0.0
            else:  # comes back: enters, ends fully inside
                assert v0 < 1.0 and v1 >= W.fully_visible


def test_pixels_show_each_object_in_its_colour_and_shade():
    st = story_of_kind("single", 3)
    for f, truth in enumerate(st.truth):
        for oid, (x, y, _) in list(truth.items())[-1:]:  # the object drawn last (on top)
            obj = st.objects[oid]
            px = st.video[f, int(y), int(x)]
            np.testing.assert_allclose(px, np.asarray(W.colours[obj.colour]) * obj.shade, atol=1e-6)


def test_return_story_keeps_the_object_away_for_the_window_and_out_of_the_sink():
    for seed in range(20):
        st = return_story(seed)
        oid = st.info["returning"]
        assert all(st.visible(f, oid) == 0 for f in range(3))  # not in the first block (the sink)
        assert all(st.visible(f, oid) == 0 for f in range(9, 15))  # absent for the 2 blocks before the return
        assert st.prompts[2].startswith(f"the {st.objects[oid].name} comes back")


def test_same_seed_same_story_and_render_reports_visibility():
    a, b = story_of_kind("return", 7), story_of_kind("return", 7)
    assert a.prompts == b.prompts and np.array_equal(a.video, b.video)
    obj = next(iter(a.objects.values()))
    _, frac = render_frame(W, [(obj, -100.0, -100.0)])
    assert frac == [0.0]
    with pytest.raises(ValueError, match="unknown story kind"):
        story_of_kind("nope", 0)


def test_the_prompt_fixes_where_a_new_object_starts():
    """Stories with the same first prompt start their objects at the same place (the start point of the
    grammar, up to size); shade and size still differ, which only the model's context can carry."""
    by_prompt: dict[str, list] = {}
    for seed in range(400):
        st = story_of_kind("single", seed)
        by_prompt.setdefault(st.prompts[0], []).append(st)
    pairs = [v[:2] for v in by_prompt.values() if len(v) >= 2]
    assert len(pairs) >= 10
    for a, b in pairs:
        for oid in a.truth[0]:
            (xa, ya, _), (xb, yb, _) = a.truth[0][oid], b.truth[0][oid]
            assert abs(xa - xb) <= 6 and abs(ya - yb) <= 6, (a.prompts[0], a.truth[0], b.truth[0])
    assert any(a.objects[1].shade != b.objects[1].shade for a, b in pairs)
