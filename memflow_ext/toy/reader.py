"""A deterministic frame reader for the toy world: which coloured shapes a frame shows, and where.

Per colour of the world, a pixel belongs to it when it lies close to the line of that colour's
shades (distance to `s * colour` below `max_residual`, shade `s` within `shade_bounds`) and away from
the grey background. The largest connected component of a colour is its object. Then:

* position: the component's centroid;
* shade: the median `s` over the object's core pixels (the mask eroded by `core_erosion` pixels, so
  blurred edges do not count);
* size: sqrt(soft area / pi) (every shape has area pi * size^2; a pixel near the mask counts by how
  far it lies from the background towards the object's colour), only when the object is fully
  visible: its mask touches neither the frame border nor another object;
* shape: the best intersection-over-union with the three shapes drawn at the same centroid and size.

No learned parts: the same frame always reads the same. `benchmarks/toy_eval.py` validates it on
codec-reconstructed ground truth and reports its accuracy beside every effect it measures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from memflow_ext.toy.world import Story, ToyObject, _mask, load_world

__all__ = ["Detection", "ReaderScore", "ReaderSettings", "read_frame", "score_reader"]


@dataclass(frozen=True)
class ReaderSettings:
    max_residual: float = 0.13
    shade_bounds: tuple[float, float] = (0.4, 1.15)
    min_background_distance: float = 0.15
    min_area: int = 12  # pixels; smaller components are noise
    core_erosion: int = 2


@dataclass(frozen=True)
class Detection:
    colour: str
    shape: str
    cx: float
    cy: float
    area: int
    shade: float
    size: float | None  # None unless fully visible
    touches_border: bool
    touches_other: bool


def _shape_of(mask: np.ndarray, cx: float, cy: float, size: float) -> str:
    n = mask.shape[0]
    c = np.arange(n, dtype=np.float32) + 0.5
    xs, ys = np.meshgrid(c, c, indexing="xy")
    best, best_iou = "circle", -1.0
    for shape in load_world().shapes:
        t = _mask(shape, size, cx, cy, xs, ys)
        iou = float((t & mask).sum()) / max(1, int((t | mask).sum()))
        if iou > best_iou:
            best, best_iou = shape, iou
    return best


def read_frame(frame: np.ndarray, settings: ReaderSettings = ReaderSettings()) -> list[Detection]:
    """Objects in one frame [H, W, 3] (floats in [0, 1] or uint8), one per colour at most."""
    w = load_world()
    img = frame.astype(np.float32) / 255.0 if frame.dtype == np.uint8 else frame.astype(np.float32)
    bg = np.asarray(w.background, dtype=np.float32)
    away = np.linalg.norm(img - bg, axis=-1) > settings.min_background_distance
    masks, shades = {}, {}
    for name, rgb in w.colours.items():
        base = np.asarray(rgb, dtype=np.float32)
        s = img @ base / float(base @ base)
        resid = np.linalg.norm(img - s[..., None] * base, axis=-1)
        lo, hi = settings.shade_bounds
        m = away & (resid < settings.max_residual) & (s >= lo) & (s <= hi)
        labels, count = ndimage.label(m)
        if count == 0:
            continue
        areas = ndimage.sum(m, labels, index=range(1, count + 1))
        k = int(np.argmax(areas)) + 1
        if areas[k - 1] < settings.min_area:
            continue
        masks[name] = labels == k
        shades[name] = s
    out = []
    for name, m in masks.items():
        ys, xs = np.nonzero(m)
        cx, cy = float(xs.mean()) + 0.5, float(ys.mean()) + 0.5
        area = int(m.sum())
        core = ndimage.binary_erosion(m, iterations=settings.core_erosion)
        shade = float(np.median(shades[name][core if core.any() else m]))
        border = bool(m[0].any() or m[-1].any() or m[:, 0].any() or m[:, -1].any())
        grown = ndimage.binary_dilation(m, iterations=2)
        other = any(bool((grown & o).any()) for k, o in masks.items() if k != name)
        # soft area: each pixel near the object counts by how far it lies from the background towards
        # the object's own colour (blurred edges count in part instead of being cut by the threshold)
        target = np.asarray(w.colours[name], dtype=np.float32) * shade - bg
        alpha = np.clip((img - bg) @ target / float(target @ target), 0.0, 1.0)
        near = ndimage.binary_dilation(m, iterations=settings.core_erosion)
        size = math.sqrt(float(alpha[near].sum()) / math.pi)
        shape = _shape_of(m, cx, cy, math.sqrt(area / math.pi))  # the template matches the hard mask
        out.append(Detection(colour=name, shape=shape, cx=cx, cy=cy, area=area, shade=shade,
                             size=None if (border or other) else size, touches_border=border,
                             touches_other=other))
    return out


def object_detection(detections: list[Detection], obj: ToyObject) -> Detection | None:
    """The detection of `obj`'s colour (colours are unique within a story)."""
    return next((d for d in detections if d.colour == obj.colour), None)


SHOWN = 0.5  # ground-truth visible fraction from which an object counts as shown in a frame
FULLY_SHOWN = 0.95  # ... and from which its shape is scored


@dataclass
class ReaderScore:
    """How the reader's output on some frames compares with the generator's ground truth."""

    frames: int = 0
    shown: int = 0  # objects shown (visible >= SHOWN)
    found: int = 0  # ... of which the reader found the colour
    shape_scored: int = 0  # found, fully visible, not touching another object
    shape_right: int = 0
    false_objects: int = 0  # colours read that no object of the frame shows
    shade_err: list[float] = field(default_factory=list)  # read - true, per found object
    size_err: list[float] = field(default_factory=list)  # read - true, where a size was read

    @property
    def colour_recall(self) -> float:
        return self.found / max(1, self.shown)

    @property
    def shape_accuracy(self) -> float:
        return self.shape_right / max(1, self.shape_scored)


def score_reader(pairs: Iterable[tuple[Story, np.ndarray]]) -> ReaderScore:
    """Score `read_frame` on (story, its frames [T, H, W, 3] in [0, 1]) pairs against the story's truth
    (the one definition the tests and `benchmarks/toy_eval.py` share)."""
    sc = ReaderScore()
    for st, frames in pairs:
        for f, frame in enumerate(frames):
            sc.frames += 1
            dets = {d.colour: d for d in read_frame(frame)}
            shown = {st.objects[o].colour: (st.objects[o], v) for o, (_, _, v) in st.truth[f].items()}
            sc.false_objects += sum(c not in shown for c in dets)
            for c, (obj, vis) in shown.items():
                if vis < SHOWN:
                    continue
                sc.shown += 1
                d = dets.get(c)
                if d is None:
                    continue
                sc.found += 1
                sc.shade_err.append(d.shade - obj.shade)
                if d.size is not None:
                    sc.size_err.append(d.size - obj.size)
                if vis >= FULLY_SHOWN and not d.touches_other:
                    sc.shape_scored += 1
                    sc.shape_right += d.shape == obj.shape
    return sc
