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
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from memflow_ext.toy.world import ToyObject, _mask, load_world

__all__ = ["Detection", "ReaderSettings", "read_frame"]


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
