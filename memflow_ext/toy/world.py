"""The toy world: seeded videos of coloured shapes on grey, with the prompts that describe them.

Grammar (every prompt the `toy` preset understands; docs/toy.md shows examples)::

    prompt  := clause [" and " clause]
    clause  := article " " colour " " shape " " action
    article := "a"  (the object's first mention in the story) | "the" (mentioned before)
    colour  := red | green | blue | yellow          (data/world.json)
    shape   := circle | square | triangle
    action  := "moves " (left | right | up | down)  (stays inside the frame, stops at the border)
             | "leaves to the " (left | right)      (moves out of the frame and stays out)
             | "comes back"                          (re-enters from the side it left)

What the frames of a prompt show is exactly the objects it names, drawn in mention order. Where an
object first appears follows from the text (its action and whether its clause is the prompt's first
or second: `starts` in data/world.json), so a prompt fixes its first frame up to shade, size and speed;
an object named again continues from where it was; shade and size are drawn once per object and never said in
the text, so a model can keep them over a gap only by remembering the object. Within a story every
object has its own colour (so no two share colour and shape, and a colour names an object).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["Clause", "Segment", "Story", "ToyObject", "World", "load_world", "render_frame", "story_of_kind"]


@dataclass(frozen=True)
class World:
    """The word lists and drawing constants (data/world.json)."""

    frame_size: int
    background: tuple[float, float, float]
    colours: dict[str, tuple[float, float, float]]
    shapes: tuple[str, ...]
    moves: dict[str, tuple[int, int]]
    leaves: dict[str, tuple[int, int]]
    shade_range: tuple[float, float]
    size_range: tuple[float, float]
    speed_range: tuple[float, float]
    return_speed: float
    edge_margin: float
    fully_visible: float
    # action ("left", ..., "leaves") -> (x, y) fractions of an object's inside range, per clause slot
    starts: dict[str, tuple[tuple[float, float], ...]]

    @property
    def words(self) -> list[str]:
        """Every word of the grammar (for the text-embedding check)."""
        fixed = ["a", "the", "and", "moves", "leaves", "to", "comes", "back"]
        return sorted({*fixed, *self.colours, *self.shapes, *self.moves, *self.leaves})


@lru_cache(maxsize=1)
def load_world() -> World:
    raw = json.loads(resources.files("memflow_ext.toy").joinpath("data/world.json").read_text())
    return World(
        frame_size=int(raw["frame_size"]), background=tuple(raw["background"]),
        colours={k: tuple(v) for k, v in raw["colours"].items()}, shapes=tuple(raw["shapes"]),
        moves={k: tuple(v) for k, v in raw["moves"].items()}, leaves={k: tuple(v) for k, v in raw["leaves"].items()},
        shade_range=tuple(raw["shade_range"]), size_range=tuple(raw["size_range"]),
        speed_range=tuple(raw["speed_range"]), return_speed=float(raw["return_speed"]),
        edge_margin=float(raw["edge_margin"]), fully_visible=float(raw["fully_visible"]),
        starts={k: tuple((float(x), float(y)) for x, y in v)
                for k, v in raw["starts"].items() if not k.startswith("_")},
    )


@dataclass(frozen=True)
class ToyObject:
    oid: int  # ground-truth identity within the story (1, 2, ...)
    colour: str
    shape: str
    shade: float  # multiplies the colour; never in the text
    size: float  # radius of the equal-area disc, in pixels; never in the text

    @property
    def name(self) -> str:
        return f"{self.colour} {self.shape}"


@dataclass(frozen=True)
class Clause:
    oid: int
    action: str  # "moves" | "leaves" | "back"
    direction: str | None = None  # for moves / leaves


@dataclass
class Segment:
    prompt: str
    blocks: int
    clauses: list[Clause]


@dataclass
class Story:
    """A generated story: prompts, their block spans, the video and per-frame ground truth."""

    objects: dict[int, ToyObject]
    segments: list[Segment]
    frames_per_block: int
    video: np.ndarray  # [T, H, W, 3] float32 in [0, 1]
    truth: list[dict[int, tuple[float, float, float]]]  # per frame: oid -> (cx, cy, visible fraction)
    kind: str = ""
    seed: int = -1
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def prompts(self) -> list[str]:
        return [s.prompt for s in self.segments]

    @property
    def switch_frames(self) -> list[int]:
        out, f = [], 0
        for s in self.segments[:-1]:
            f += s.blocks * self.frames_per_block
            out.append(f)
        return out

    @property
    def block_prompt(self) -> list[int]:
        """Prompt index of every block."""
        return [i for i, s in enumerate(self.segments) for _ in range(s.blocks)]

    def named(self, prompt_index: int) -> list[int]:
        return [c.oid for c in self.segments[prompt_index].clauses]

    def visible(self, frame: int, oid: int) -> float:
        return self.truth[frame].get(oid, (0.0, 0.0, 0.0))[2]


# -- drawing ---------------------------------------------------------------------------------------
def _mask(shape: str, size: float, cx: float, cy: float, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Pixels (centres xs, ys) covered by a shape of area pi * size^2 centred at (cx, cy)."""
    if shape == "circle":
        return (xs - cx) ** 2 + (ys - cy) ** 2 <= size**2
    if shape == "square":
        half = size * math.sqrt(math.pi) / 2
        return (np.abs(xs - cx) <= half) & (np.abs(ys - cy) <= half)
    if shape == "triangle":  # equilateral, apex up, centroid at (cx, cy)
        side = math.sqrt(4 * math.pi * size**2 / math.sqrt(3))
        height = side * math.sqrt(3) / 2
        top = cy - 2 * height / 3
        rel = (ys - top) / height
        return (rel >= 0) & (rel <= 1) & (np.abs(xs - cx) <= rel * side / 2)
    raise ValueError(f"unknown shape {shape!r}; valid: circle, square, triangle")


@lru_cache(maxsize=4)
def _grid(size: int, pad: int) -> tuple[np.ndarray, np.ndarray]:
    c = np.arange(-pad, size + pad, dtype=np.float32) + 0.5
    return np.meshgrid(c, c, indexing="xy")


def render_frame(world: World, objects: list[tuple[ToyObject, float, float]]) -> tuple[np.ndarray, list[float]]:
    """Draw (object, cx, cy) in order on the background; returns the frame [H, W, 3] in [0, 1] and each
    object's visible fraction (its area inside the frame over its whole area)."""
    n = world.frame_size
    pad = int(2 * world.size_range[1]) + 2
    xs, ys = _grid(n, pad)
    frame = np.empty((n, n, 3), dtype=np.float32)
    frame[:] = world.background
    fractions = []
    for obj, cx, cy in objects:
        m = _mask(obj.shape, obj.size, cx, cy, xs, ys)
        total = int(m.sum())
        inner = m[pad : pad + n, pad : pad + n]
        fractions.append(float(inner.sum()) / total if total else 0.0)
        frame[inner] = np.asarray(world.colours[obj.colour], dtype=np.float32) * obj.shade
    return frame, fractions


# -- stories ---------------------------------------------------------------------------------------
def _clause_text(obj: ToyObject, clause: Clause, first: bool) -> str:
    article = "a" if first else "the"
    if clause.action == "moves":
        act = f"moves {clause.direction}"
    elif clause.action == "leaves":
        act = f"leaves to the {clause.direction}"
    elif clause.action == "back":
        act = "comes back"
    else:
        raise ValueError(f"unknown action {clause.action!r}")
    return f"{article} {obj.name} {act}"


class _Builder:
    """Simulates positions segment by segment and renders the frames."""

    def __init__(self, rng: np.random.Generator, frames_per_block: int) -> None:
        self.w = load_world()
        self.rng = rng
        self.fpb = frames_per_block
        self.objects: dict[int, ToyObject] = {}
        self.pos: dict[int, tuple[float, float]] = {}
        self.left_by: dict[int, str] = {}
        self.mentioned: set[int] = set()
        self.segments: list[Segment] = []
        self.frames: list[np.ndarray] = []
        self.truth: list[dict[int, tuple[float, float, float]]] = []

    def new_object(self) -> int:
        used = {o.colour for o in self.objects.values()}
        colour = str(self.rng.choice([c for c in self.w.colours if c not in used]))
        obj = ToyObject(oid=len(self.objects) + 1, colour=colour, shape=str(self.rng.choice(self.w.shapes)),
                        shade=float(self.rng.uniform(*self.w.shade_range)),
                        size=float(self.rng.uniform(*self.w.size_range)))
        self.objects[obj.oid] = obj
        return obj.oid

    def _inside(self, size: float) -> tuple[float, float]:
        lo = size * 1.2 + self.w.edge_margin  # the triangle reaches ~1.2 size from its centroid
        return lo, self.w.frame_size - lo

    def segment(self, clauses: list[Clause], blocks: int, leave_frames: int | None = None) -> None:
        n = blocks * self.fpb
        texts = []
        vel: dict[int, tuple[float, float]] = {}
        for slot, c in enumerate(clauses):
            obj = self.objects[c.oid]
            texts.append(_clause_text(obj, c, c.oid not in self.mentioned))
            self.mentioned.add(c.oid)
            lo, hi = self._inside(obj.size)
            if c.action == "moves":
                assert c.direction is not None  # a "moves" clause always names its direction
                dx, dy = self.w.moves[c.direction]
                speed = min(float(self.rng.uniform(*self.w.speed_range)), (hi - lo) / max(n - 1, 1))
                if c.oid not in self.pos:  # the grammar's start point, so that the whole segment stays inside
                    span = speed * (n - 1)
                    fx, fy = self.w.starts[c.direction][slot]
                    x0, x1 = lo + max(0, -dx) * span, hi - max(0, dx) * span
                    y0, y1 = lo + max(0, -dy) * span, hi - max(0, dy) * span
                    self.pos[c.oid] = (x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
                vel[c.oid] = (dx * speed, dy * speed)
            elif c.action == "leaves":
                assert c.direction is not None  # a "leaves" clause always names its side
                dx, _ = self.w.leaves[c.direction]
                if c.oid not in self.pos:
                    fx, fy = self.w.starts["leaves"][slot]
                    self.pos[c.oid] = (lo + fx * (hi - lo), lo + fy * (hi - lo))
                x = self.pos[c.oid][0]
                dist = (x + obj.size * 1.3) if dx < 0 else (self.w.frame_size - x + obj.size * 1.3)
                frames = leave_frames or n
                vel[c.oid] = (dx * max(dist / max(frames - 1, 1), self.w.speed_range[0]), 0.0)
                self.left_by[c.oid] = c.direction
            elif c.action == "back":
                side = self.left_by.get(c.oid) or str(self.rng.choice(sorted(self.w.leaves)))
                y = self.pos.get(c.oid, (0.0, float(self.rng.uniform(lo, hi))))[1]
                y = min(max(y, lo), hi)
                x = obj.size * 0.3 if side == "left" else self.w.frame_size - obj.size * 0.3
                self.pos[c.oid] = (x, y)
                inward = 1 if side == "left" else -1
                vel[c.oid] = (inward * self.w.return_speed, 0.0)
        for k in range(n):
            drawn, placed = [], {}
            for c in clauses:
                obj = self.objects[c.oid]
                x, y = self.pos[c.oid]
                if k > 0:
                    x, y = x + vel[c.oid][0], y + vel[c.oid][1]
                    lo, hi = self._inside(obj.size)
                    if c.action == "moves":
                        x, y = min(max(x, lo), hi), min(max(y, lo), hi)
                    elif c.action == "back":  # re-enters, then stops once inside
                        x = min(max(x, lo), hi) if lo <= self.pos[c.oid][0] <= hi else x
                    self.pos[c.oid] = (x, y)
                drawn.append((obj, x, y))
                placed[c.oid] = (x, y)
            frame, fractions = render_frame(self.w, drawn)
            self.frames.append(frame)
            self.truth.append({oid: (*xy, fr) for (oid, xy), fr in zip(placed.items(), fractions, strict=True)})
        self.segments.append(Segment(prompt=" and ".join(texts), blocks=blocks, clauses=list(clauses)))

    def story(self, kind: str, seed: int, **info: Any) -> Story:
        return Story(objects=dict(self.objects), segments=self.segments, frames_per_block=self.fpb,
                     video=np.stack(self.frames), truth=self.truth, kind=kind, seed=seed, info=dict(info))


def _moves(rng: np.random.Generator, oid: int) -> Clause:
    return Clause(oid, "moves", str(rng.choice(sorted(load_world().moves))))


def single_story(seed: int, blocks: int = 3, frames_per_block: int = 3) -> Story:
    """One prompt naming one or two objects that move."""
    rng = np.random.default_rng(seed)
    b = _Builder(rng, frames_per_block)
    ids = [b.new_object() for _ in range(int(rng.integers(1, 3)))]
    b.segment([_moves(rng, i) for i in ids], blocks)
    return b.story("single", seed)


def switch_story(seed: int, blocks: tuple[int, ...] = (2, 2, 3), frames_per_block: int = 3) -> Story:
    """Every prompt after the first introduces a new object (sometimes beside one that continues)."""
    rng = np.random.default_rng(seed)
    b = _Builder(rng, frames_per_block)
    current = [b.new_object()]
    b.segment([_moves(rng, current[0])], blocks[0])
    for n in blocks[1:]:
        new = b.new_object()
        clauses = [_moves(rng, current[-1])] if rng.random() < 0.5 else []
        clauses.append(_moves(rng, new))
        b.segment(clauses, n)
        current.append(new)
    return b.story("switch", seed)


def return_story(seed: int, blocks: tuple[int, int, int] = (1, 4, 2), window_blocks: int = 2,
                 frames_per_block: int = 3) -> Story:
    """An object enters after the first block, leaves, stays away for `window_blocks` blocks and comes back.

    Prompt 0 names another object; prompt 1 introduces the returning one ("a ... leaves to the ..."),
    which is out of the frame for the last `window_blocks` blocks of the prompt; prompt 2 brings it back
    ("the ... comes back"). The other object is named again in prompts 1 and 2 at random.
    """
    if blocks[1] <= window_blocks:
        raise ValueError(f"the middle prompt needs more than window_blocks={window_blocks} blocks, got {blocks[1]}")
    rng = np.random.default_rng(seed)
    b = _Builder(rng, frames_per_block)
    other = b.new_object()
    b.segment([_moves(rng, other)], blocks[0])
    ret = b.new_object()
    leave = Clause(ret, "leaves", str(rng.choice(sorted(load_world().leaves))))
    mid = ([_moves(rng, other)] if rng.random() < 0.5 else []) + [leave]
    b.segment(mid, blocks[1], leave_frames=(blocks[1] - window_blocks) * frames_per_block)
    last = [Clause(ret, "back")] + ([_moves(rng, other)] if rng.random() < 0.5 else [])
    b.segment(last, blocks[2])
    return b.story("return", seed, returning=ret)


KINDS: dict[str, Callable[..., Story]] = {"single": single_story, "switch": switch_story, "return": return_story}


def story_of_kind(kind: str, seed: int, frames_per_block: int = 3) -> Story:
    if kind not in KINDS:
        raise ValueError(f"unknown story kind {kind!r}; valid: {', '.join(KINDS)}")
    return KINDS[kind](seed, frames_per_block=frames_per_block)
