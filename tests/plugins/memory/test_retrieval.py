"""Memory plugin retrieval: set cover, top-up, bounded archive, and a synthetic 3-prompt scene."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import torch

from hooks.contract import Entity, Published
from memflow_ext.models.rope import build_rope_table, causal_rope
from memflow_ext.testing import StreamShape, SyntheticStream
from plugins.memory.archive import ArchivedFrame, FrameArchive, choose_victim
from plugins.memory.plugin import MemoryPlugin
from plugins.memory.retrieval import select_frames
from plugins.memory.settings import MemorySettings


@dataclass
class C:
    frame_id: str
    ids: tuple
    relevance: float
    frame: int = 0


def test_set_cover_then_second_view_then_topup():
    a, b, c = C("a", (1, 2), 0.1, 1), C("b", (1,), 0.9, 2), C("c", (2,), 0.8, 3)
    d, e = C("d", (3,), 0.95, 4), C("e", (), 0.99, 5)
    sel = select_frames([a, b, c, d, e], [1, 2], k=3)
    assert sel.frame_ids == ["a", "b", "c"]  # a covers both IDs; b is a second view; c tops up (shows an ID)
    assert sel.cover == [{"frame_id": "a", "covers": [1, 2]}] and sel.added == ["b", "c"]
    assert sel.uncovered == []
    assert select_frames([a, b, c, d, e], [1, 2], k=3, topup=False).frame_ids == ["a", "b"]  # >= 2 frames
    assert select_frames([a, b, c, d, e], [1, 2], k=1).frame_ids == ["a"]  # at most k


def test_set_cover_prefers_more_new_ids_then_relevance():
    frames = [C("x", (1,), 0.9), C("y", (2,), 0.5), C("z", (2, 3), 0.1), C("w", (2,), 0.7)]
    sel = select_frames(frames, [1, 2, 3], k=3, topup=False)
    assert [s["frame_id"] for s in sel.cover] == ["z", "x"]  # z covers 2 IDs, then x covers the last
    sel = select_frames([C("y", (2,), 0.5), C("w", (2,), 0.7)], [2], k=1)
    assert sel.frame_ids == ["w"]  # tie on coverage: higher relevance


def test_topup_by_score_without_ids_and_uncovered_ids_reported():
    frames = [C("a", (), 0.2), C("b", (), 0.7), C("c", (5,), 0.5), C("d", (), 0.9)]
    assert select_frames(frames, [], k=2).frame_ids == ["d", "b"]
    sel = select_frames(frames, [5, 6], k=3)
    assert sel.frame_ids[0] == "c" and sel.uncovered == [6]
    assert select_frames(frames, [5], k=0).frame_ids == []


def af(fid, ids, score, frame=0):
    return ArchivedFrame(frame_id=fid, prompt=0, chunk=frame // 3 + 1, frame=frame, evicted_at=0, ids=tuple(ids),
                         id_source="scores", id_reason="", score=score, entity_scores={}, probe=torch.zeros(1))


def test_victim_never_last_frame_of_an_id():
    pool = [af("a", [1], 0.01, 3), af("b", [1, 2], 0.5, 6), af("c", [2], 0.2, 9), af("d", [3], 0.05, 12),
            af("e", [2], 0.3, 15)]
    victim, keeps = choose_victim(pool, protected=set())
    assert victim.frame_id == "a" and keeps  # lowest score whose ID 1 is also shown by b
    victim, keeps = choose_victim(pool, protected={"a"})
    assert victim.frame_id == "c" and keeps  # d scores lower but is the only frame of ID 3
    victim, keeps = choose_victim(pool, protected={"a", "b", "c", "e"})
    assert victim.frame_id == "d" and not keeps  # nothing else may go: reported as breaking the rule
    assert choose_victim(pool, protected={f.frame_id for f in pool}) == (None, True)
    ties = [af("old", [], 0.1, 3), af("new", [], 0.1, 9)]
    assert choose_victim(ties, set())[0].frame_id == "old"


def _kv(layers, value):
    return [torch.full((1, 4, 2, 8), float(value)) for _ in range(layers)], \
        [torch.full((1, 4, 2, 8), -float(value)) for _ in range(layers)]


def test_archive_capacity_and_last_frame_of_each_id():
    arch = FrameArchive(capacity=3)
    arch.reserve(10, num_layers=2, frame_shape=(1, 4, 2, 8), dtype=torch.float32, device=torch.device("cpu"),
                 pin=False)
    assert arch.slots == 3 and arch.nbytes == 2 * 2 * 3 * 4 * 2 * 8 * 4
    frames = [af("f0", [1], 0.9, 3), af("f1", [2], 0.1, 6), af("f2", [1], 0.5, 9), af("f3", [1], 0.8, 12),
              af("f4", [1], 0.05, 15), af("f5", [3], 0.01, 18)]
    for i, f in enumerate(frames):
        if arch.admit(f, protected={"f0"}, chunk=i):
            arch.store(f, *_kv(2, i))
        ids = {x.frame_id for x in arch.frames}
        assert len(ids) <= 3
        assert "f1" in ids or i == 0  # the only frame of ID 2 stays although it scores low
        for x in arch.frames:  # each slot holds its own frame's keys/values
            k, v = arch.kv(x)
            idx = frames.index(x)
            assert torch.equal(k[1], torch.full((1, 4, 2, 8), float(idx))) and torch.equal(v[0], -k[0])
    assert {x.frame_id for x in arch.frames} == {"f0", "f1", "f5"}
    assert [d["frame_id"] for d in arch.dropped] == ["f2", "f4", "f3"]  # f4 never got a slot
    assert all(d["kept_every_id"] for d in arch.dropped)


# -- a synthetic scene driven through the plugin's hooks -------------------------------------------------

LAYERS, HEADS, HEAD_DIM, TPF, TEXT_LEN = 4, 2, 32, 16, 64
GRID_HW = (4, 4)
PROMPTS = [
    "a red fox and an old owl play in the snow",
    "a blue whale swims alone in the deep sea",
    "the red fox and the old owl meet again at dusk",
]
NAMES = {1: "red fox", 2: "old owl", 3: "blue whale"}
CAST = {0: [1, 2], 1: [3], 2: [1, 2]}  # who each prompt names: the fox and the owl leave and return
SWITCHES = [27, 54]
FRAMES = 72


class Scene:
    """Entity directions per layer/head; text keys carry them on the entity's tokens, frames in their keys."""

    def __init__(self, seed: int = 0) -> None:
        self.g = torch.Generator().manual_seed(seed)
        self.dirs = {e: torch.nn.functional.normalize(torch.randn(LAYERS, HEADS, HEAD_DIM, generator=self.g), dim=-1)
                     * HEAD_DIM**0.5 for e in NAMES}
        self.table = build_rope_table(HEAD_DIM, 1024)
        self.text = {p: self._text(p) for p in range(len(PROMPTS))}
        self.truth: dict[int, int] = {}  # frame -> entity it shows

    def entities(self, p: int) -> Published:
        return Published(tuple(Entity(e, NAMES[e]) for e in CAST[p]))

    def _text(self, p: int) -> list[torch.Tensor]:
        prompt = PROMPTS[p]
        out = []
        for layer in range(LAYERS):
            tk = torch.randn(1, TEXT_LEN, HEADS, HEAD_DIM, generator=self.g)
            tk[:, len(prompt) + 1:] = 3.0  # padding rows: all alike, and large
            for e in CAST[p]:
                a = prompt.index(NAMES[e])
                tk[:, a:a + len(NAMES[e])] += 3.0 * self.dirs[e][layer]
            out.append(tk)
        return out

    def shows(self, frame: int) -> int:
        """Ground truth: chunks of the fox/owl prompts alternate fox and owl; the whale prompt shows the whale."""
        p = sum(1 for s in SWITCHES if s <= frame)
        cast = CAST[p]
        return cast[(frame // 3) % len(cast)]

    def chunk_kv(self, frames: list[int]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        keys, values = [], []
        for layer in range(LAYERS):
            parts = []
            for f in frames:
                e = self.shows(f)
                self.truth[f] = e
                strength = 0.5 + torch.rand(1, generator=self.g).item()
                parts.append(strength * self.dirs[e][layer] + torch.randn(1, TPF, HEADS, HEAD_DIM, generator=self.g))
            content = torch.cat(parts, dim=1)
            keys.append(causal_rope(content, (len(frames), *GRID_HW), self.table, start_frame=frames[0]))
            values.append(torch.randn(1, len(frames) * TPF, HEADS, HEAD_DIM, generator=self.g))
        return keys, values


class PublishEntities:
    """Plays the agent: publishes each prompt's entities first."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene

    from hooks import hookimpl

    @hookimpl(tryfirst=True)
    def iamflow_prompt_switch(self, run, prompt_index):
        run.entities[prompt_index] = self.scene.entities(prompt_index)


def run_scene(settings: MemorySettings, seed: int = 0):
    scene = Scene(seed)
    shape = StreamShape(num_layers=LAYERS, num_heads=HEADS, head_dim=HEAD_DIM, tokens_per_frame=TPF,
                        bank_frames=settings.max_frames)
    plugins = {"memory": MemoryPlugin(settings), "entities": PublishEntities(scene)}
    stream = SyntheticStream(shape, plugins, PROMPTS, SWITCHES, FRAMES, text_keys=lambda p: scene.text[p])
    segment_sizes = []
    stream.start()
    for b in range(stream.run.num_blocks):
        stream.block(b, scene.chunk_kv)
        segment_sizes.append(len(stream.access.frame_ids))
    stream.finish()
    return scene, stream, segment_sizes


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scene_retrieval_covers_returning_entities(seed):
    scene, stream, sizes = run_scene(MemorySettings(), seed)
    mapping = stream.run.memory_selection
    archive = {f["frame_id"]: f for f in mapping["frame_archive"]}
    # association: every archived frame is filed under the entity it really shows, from the scores
    for f in archive.values():
        assert f["ids"] == [scene.truth[f["frame"]]], f
        # two entities named: the scores separate them; one entity: its prompt's ID
        assert f["ids_from"] == ("scores" if len(CAST[f["prompt"]]) > 1 else "prompt"), f
    switches = mapping["switches"]
    assert [s["prompt"] for s in switches] == [0, 1, 2]
    # switch to the whale prompt: nothing archived shows the whale yet
    assert switches[1]["uncovered_ids"] == [3]
    # back to the fox and the owl: frames from the first prompt cover both, despite the whale frames since
    back = switches[2]
    selected = back["selected"]
    assert back["uncovered_ids"] == [] and len(selected) == 3
    shown = [scene.truth[archive[fid]["frame"]] for fid in selected]
    precision = sum(e in CAST[2] for e in shown) / len(shown)
    coverage = len(set(shown) & set(CAST[2])) / len(CAST[2])
    assert precision == 1.0 and coverage == 1.0
    assert all(archive[fid]["prompt"] == 0 for fid in selected)
    # during the whale prompt, the active memory came to hold a whale frame
    whale_chunks = [c for c in mapping["memory_retrieval"]["chunks"]
                    if c["evicted_frames"][0] >= 27 and c["chunk"] < switches[2]["chunk"]]
    assert len(whale_chunks) == 8
    for c in whale_chunks:  # from the first whale frame archived on, the active memory shows the whale
        assert any(scene.truth[int(fid.rsplit("_f", 1)[1])] == 3 for fid in c["active"]), c
    assert max(sizes) == 3 and all(s <= 3 for s in sizes)
    assert stream.access.frame_ids  # the segment was written
    assert not stream.access.nam_enabled


def test_scene_with_small_archive_keeps_every_id():
    """Capacity 4: the whale prompt's many frames push out fox/owl frames, but never the last of an ID."""
    scene, stream, _ = run_scene(MemorySettings(archive_frames=4, max_frames=2))
    mapping = stream.run.memory_selection
    report = mapping["memory_retrieval"]
    assert report["archive_slots"] == 4 and len(mapping["frame_archive"]) == 4
    assert report["dropped"] and all(d["kept_every_id"] for d in report["dropped"])
    back = mapping["switches"][2]
    assert back["uncovered_ids"] == []
    archive = {f["frame_id"]: f for f in mapping["frame_archive"]}
    shown = {scene.truth[archive[fid]["frame"]] for fid in back["selected"]}
    assert shown == {1, 2}


def test_scene_without_entities_ranks_by_score_only():
    """No agent: frames carry no IDs, retrieval is top-k by score against the prompt."""
    scene = Scene(0)
    shape = StreamShape(num_layers=LAYERS, num_heads=HEADS, head_dim=HEAD_DIM, tokens_per_frame=TPF)
    stream = SyntheticStream(shape, {"memory": MemoryPlugin(MemorySettings())}, PROMPTS, SWITCHES, FRAMES,
                             text_keys=lambda p: scene.text[p])
    stream.run_all(scene.chunk_kv)
    mapping = stream.run.memory_selection
    assert all(f["ids"] == [] and f["ids_from"] == "none" for f in mapping["frame_archive"])
    back = mapping["switches"][2]
    assert back["cover"] == [] and len(back["selected"]) == 3
    # the candidates at the switch: frames archived before it, re-scored against the new prompt then
    rel = {f["frame_id"]: f["relevance"] for f in mapping["frame_archive"] if f["evicted_at_chunk"] < back["chunk"]}
    assert back["candidates"] == len(rel)
    assert set(back["selected"]) == set(sorted(rel, key=rel.get)[-3:])


def test_active_segment_copies_only_entering_frames_and_compacts():
    from plugins.memory.bank import ActiveSegment

    seg = ActiveSegment(max_frames=3)
    seg.reserve(num_layers=2, frame_shape=(1, 4, 2, 8), dtype=torch.float32, device=torch.device("cpu"))
    frames = {n: af(n, [], 0.0, i) for i, n in enumerate("abcd")}
    fetched = []

    def fetch(f):
        fetched.append(f.frame_id)
        return _kv(2, ord(f.frame_id))

    def content():  # the frame each used slot holds, read back from the buffers
        return [chr(int(seg.keys[1][0, s * 4, 0, 0])) for s in range(len(seg.ids))]

    assert seg.update([frames["a"], frames["b"], frames["c"]], fetch) and fetched == ["a", "b", "c"]
    assert seg.ids == content() == ["a", "b", "c"]
    assert not seg.update([frames["c"], frames["a"], frames["b"]], fetch)  # same set: nothing to do
    assert seg.update([frames["a"], frames["c"]], fetch) and fetched == ["a", "b", "c"]  # c moves down
    assert seg.ids == content() == ["a", "c"]
    assert seg.update([frames["d"], frames["c"], frames["a"]], fetch) and fetched[-1] == "d"
    assert seg.ids == content() == ["a", "c", "d"]
    assert torch.equal(seg.values[0][:, 8:12], -seg.keys[0][:, 8:12])

    class Access:
        def write(self, keys, values, ids):
            self.got = (keys[0].shape[1], ids)

        def clear(self):
            self.got = None

    access = Access()
    seg.write(access)
    assert access.got == (12, ["a", "c", "d"])
