"""Where everything of a storyboard goes: the layout as plain JSON (storyboard.json), from the facts.

The layout holds every drawing primitive with its pixel box (`[x0, y0, x1, y1]`, end exclusive, as
`PIL.Image.crop` takes it): flat `fills` (row backgrounds, chips, thumbnail tags, placeholders),
`images` (a video frame scaled into a box) and `texts` (a line at a point in a colour), plus the
same facts per row (prompt, chips, frames, memory changes) with the boxes they occupy. `draw.render`
paints the picture from this JSON and the video alone.

One row per prompt segment: on the left the prompt's index and first frame, its full text wrapped,
and its entity chips (`#ID label`, one colour per ID); on the right `frames_per_prompt` evenly spaced
video frames of the segment and, below them, the memory changes inside the segment (at most
`MAX_CHANGES`, then "+N more"), each the frames the memory then held as small thumbnails with their
latent frame and the tags of the entity IDs they were kept for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .colours import NO_ID, id_colour, text_colour
from .config import StoryboardConfig
from .facts import RULE, Chip, EntityId, Facts, MemoryChange, Segment
from .text import StoryFont, story_font

MAX_CHANGES = 8  # memory changes drawn per row; the rest are counted as "+N more"
BACKGROUND = "#ffffff"
ROW_SHADES = ("#f4f4f4", "#ffffff")
INK = "#202020"
MUTED = "#6a6a6a"
PLACEHOLDER = "#d8d8d8"
RESAMPLE = "bilinear"
Box = list[int]
JSON = dict[str, Any]


@dataclass(frozen=True)
class Metrics:
    """Every size of the picture, derived from `thumb_px` and the video's frame size."""

    thumb_w: int
    thumb_h: int
    mem_w: int
    mem_h: int
    margin: int
    gap: int
    pad: int
    text_w: int
    font: StoryFont
    small: StoryFont

    @classmethod
    def of(cls, thumb_px: int, frame_size: tuple[int, int] | None) -> Metrics:
        fw, fh = frame_size or (16, 9)
        mem_w = thumb_px // 2
        font = story_font(max(11, thumb_px // 12))
        small = story_font(max(10, thumb_px // 14))
        gap = max(4, thumb_px // 20)
        return cls(thumb_w=thumb_px, thumb_h=max(1, round(thumb_px * fh / fw)), mem_w=mem_w,
                   mem_h=max(1, round(mem_w * fh / fw)) if frame_size else 2 * small.line_height,
                   margin=max(8, thumb_px // 10), gap=gap, pad=gap, text_w=2 * thumb_px + gap, font=font, small=small)


class Canvas:
    """Collects the primitives of the layout."""

    def __init__(self) -> None:
        self.fills: list[JSON] = []
        self.images: list[JSON] = []
        self.texts: list[JSON] = []
        self.replaced: list[str] = []

    def fill(self, box: Box, colour: str) -> Box:
        self.fills.append({"box": box, "fill": colour})
        return box

    def text(self, font: StoryFont, x: int, y: int, text: str, colour: str = INK) -> str:
        drawn, replaced = font.clean(text)
        self.replaced.extend(replaced)
        self.texts.append({"text": drawn, "xy": [x, y], "fill": colour, "size": font.size})
        return drawn

    def image(self, video_frame: int, box: Box) -> Box:
        self.images.append({"video_frame": video_frame, "box": box})
        return box


def _tag(c: Canvas, font: StoryFont, x: int, y: int, entity: EntityId | None, label: str, max_w: int) -> JSON:
    """A coloured tag (chip) with `label` at (x, y); returns its record."""
    colour = NO_ID if entity is None else id_colour(entity)
    pad = max(2, font.size // 3)
    text = font.shorten(font.clean(label)[0], max_w - 2 * pad)
    box = [x, y, x + font.length(text) + 2 * pad, y + font.line_height]
    c.fill(box, colour)
    c.text(font, x + pad, y + 1, text, text_colour(colour))
    return {"id": entity, "label": label, "colour": colour, "box": box}


def _flow(items: Sequence[tuple[EntityId | None, str]], font: StoryFont, c: Canvas, x0: int, y: int, width: int,
          gap: int) -> tuple[list[JSON], int]:
    """Tags laid left to right, wrapping within `width`; returns their records and the y below them."""
    out: list[JSON] = []
    x = x0
    for entity, label in items:
        w = min(width, font.length(font.clean(label)[0]) + 2 * max(2, font.size // 3))
        if x > x0 and x + w > x0 + width:
            x, y = x0, y + font.line_height + gap // 2
        rec = _tag(c, font, x, y, entity, label, width)
        out.append(rec)
        x = rec["box"][2] + gap // 2
    return out, (y + font.line_height + gap // 2 if items else y)


def _chip_label(chip: Chip) -> str:
    return f"#{chip.id} {chip.label}"


def _caption(change: MemoryChange) -> str:
    return f"block {change.block_index} ({change.cause})" if change.cause else f"block {change.block_index}"


def _group_width(m: Metrics, change: MemoryChange) -> int:
    k = len(change.frames)
    held = k * m.mem_w + (k - 1) * (m.gap // 2) if k else m.small.length("(empty)")
    return max(held, m.small.length(m.small.clean(_caption(change))[0]))


def _memory_group(c: Canvas, m: Metrics, facts: Facts, change: MemoryChange, x: int, y: int) -> tuple[JSON, int]:
    """One memory change: caption, then each held frame as a thumbnail with its latent frame and ID tags."""
    c.text(m.small, x, y, _caption(change), MUTED)
    top = y + m.small.line_height
    frames: list[JSON] = []
    fx = x
    bottom = top + m.mem_h
    for f in change.frames:
        box = [fx, top, fx + m.mem_w, top + m.mem_h]
        v = facts.video_frame(f.latent_frame)
        if v is None:
            c.fill(box, PLACEHOLDER)
            c.text(m.small, fx + 2, top + 2, f"f{f.latent_frame}")
        else:
            c.image(v, box)
        label_y = top + m.mem_h + 1
        c.text(m.small, fx, label_y, f"f{f.latent_frame}" + (f" v{v}" if v is not None else ""), MUTED)
        items: list[tuple[EntityId | None, str]] = [(i, f"#{i}") for i in f.ids] or [(None, "no ID")]
        tags, tag_bottom = _flow(items, m.small, c, fx, label_y + m.small.line_height, m.mem_w, m.gap)
        frames.append({"frame_id": f.frame_id, "latent_frame": f.latent_frame, "video_frame": v,
                       "ids": list(f.ids), "box": box, "tags": tags})
        bottom = max(bottom, tag_bottom)
        fx += m.mem_w + m.gap // 2
    if not change.frames:
        c.text(m.small, x, top, "(empty)", MUTED)
        bottom = top + m.small.line_height
    right = x + _group_width(m, change)
    return {"block_index": change.block_index, "cause": change.cause, "box": [x, y, right, bottom],
            "frames": frames}, bottom


def _row(c: Canvas, m: Metrics, facts: Facts, seg: Segment, y0: int, right_x: int, right_w: int,
         settings: StoryboardConfig) -> JSON:
    x = m.margin
    y = y0 + m.pad
    v0 = facts.video_frame(seg.start_frame) if seg.start_frame == 0 else facts.video_range(seg)[0]
    first = f"first frame: latent {seg.start_frame}" + (f", video {v0}" if facts.temporal_factor else "")
    c.text(m.font, x, y, f"Prompt {seg.prompt_index}")
    c.text(m.small, x + m.font.length(f"Prompt {seg.prompt_index}") + m.gap, y + 1, first, MUTED)
    y += m.font.line_height
    text, replaced = m.font.clean(seg.prompt)
    c.replaced.extend(replaced)
    lines = m.font.wrap(text, m.text_w)
    for line in lines:
        c.text(m.font, x, y, line)
        y += m.font.line_height
    y += m.gap // 2
    chip_items = [(ch.id, _chip_label(ch)) for ch in seg.chips]
    chip_recs, y = _flow(chip_items, m.font, c, x, y, m.text_w, m.gap)
    for rec, chip in zip(chip_recs, seg.chips, strict=True):
        rec["label"] = chip.label
    left_bottom = y

    y = y0 + m.pad
    frames: list[JSON] = []
    if facts.temporal_factor is not None:
        fx = right_x
        for v in facts.spaced_frames(seg, settings.frames_per_prompt):
            box = c.image(v, [fx, y, fx + m.thumb_w, y + m.thumb_h])
            c.text(m.small, fx, y + m.thumb_h + 1, f"video frame {v}", MUTED)
            frames.append({"video_frame": v, "box": box})
            fx += m.thumb_w + m.gap
        y += m.thumb_h + m.small.line_height + m.gap
    else:
        c.text(m.small, right_x, y, "no decoded video (save_video=false): memory frames by latent index", MUTED)
        y += m.small.line_height + m.gap
    memory: list[JSON] = []
    shown = seg.changes[:MAX_CHANGES]
    more = len(seg.changes) - len(shown)
    if seg.changes:
        c.text(m.small, right_x, y, f"memory: {len(seg.changes)} change(s) in this prompt", MUTED)
        y += m.small.line_height
    gx, line_bottom = right_x, y
    for change in shown:
        if gx > right_x and gx + _group_width(m, change) > right_x + right_w:  # wrap to a new line
            gx, y = right_x, line_bottom + m.gap
        group, bottom = _memory_group(c, m, facts, change, gx, y)
        memory.append(group)
        line_bottom = max(line_bottom, bottom)
        gx = group["box"][2] + 2 * m.gap
    more_box = None
    if more:
        label = f"+{more} more"  # the changes past MAX_CHANGES
        if gx > right_x and gx + m.font.length(label) > right_x + right_w:
            gx, y = right_x, line_bottom + m.gap
        c.text(m.font, gx, y + m.small.line_height, label, MUTED)
        more_box = [gx, y, gx + m.font.length(label), y + m.small.line_height + m.font.line_height]
        line_bottom = max(line_bottom, more_box[3])
    right_bottom = line_bottom if memory or more else y
    bottom = max(left_bottom, right_bottom) + m.pad
    return {"prompt_index": seg.prompt_index, "prompt": seg.prompt, "start_frame": seg.start_frame,
            "end_frame": seg.end_frame, "start_video_frame": v0, "text_lines": lines, "replaced": replaced,
            "chips": chip_recs, "frames": frames, "memory": memory, "memory_more": more, "more_box": more_box,
            "box": [0, y0, 0, bottom]}


def layout(facts: Facts, settings: StoryboardConfig, frame_size: tuple[int, int] | None,
           title: str, image_name: str, video_name: str | None) -> JSON:
    """The storyboard of `facts` as JSON (see the module docstring); `frame_size` (w, h) of the video."""
    m = Metrics.of(settings.thumb_px, frame_size if facts.temporal_factor is not None else None)
    c = Canvas()
    right_x = m.margin + m.text_w + 2 * m.gap
    right_w = max(settings.frames_per_prompt * (m.thumb_w + m.gap) - m.gap, 3 * (m.mem_w + m.gap))
    width = right_x + right_w + m.margin
    c.text(m.font, m.margin, m.margin, title)
    y = m.margin + m.font.line_height
    tf = facts.temporal_factor
    legend = ("memory thumbnails: fK = latent frame K" + (f", shown as its last video frame vN = {tf}K" if tf else "")
              + "; tags = the entity IDs the memory kept the frame for")
    c.text(m.small, m.margin, y, legend, MUTED)
    y += m.small.line_height + m.gap
    rows = []
    for i, seg in enumerate(facts.segments):
        fill_at = len(c.fills)
        row = _row(c, m, facts, seg, y, right_x, right_w, settings)
        row["box"] = [0, y, width, row["box"][3]]
        c.fills.insert(fill_at, {"box": row["box"], "fill": ROW_SHADES[i % 2]})
        rows.append(row)
        y = row["box"][3]
    height = y + m.margin
    ids: dict[str, JSON] = {}
    for seg in facts.segments:
        for chip in seg.chips:
            ids.setdefault(str(chip.id), {"id": chip.id, "label": chip.label, "colour": id_colour(chip.id)})
        for change in seg.changes:
            for f in change.frames:
                for eid in f.ids:
                    ids.setdefault(str(eid), {"id": eid, "label": None, "colour": id_colour(eid)})
    return {
        "version": 1, "image": image_name, "video": video_name, "size": [width, height], "background": BACKGROUND,
        "font": {"name": m.font.name, "file": m.font.file, "sizes": sorted({m.font.size, m.small.size})},
        "resample": RESAMPLE,
        "settings": {"frames_per_prompt": settings.frames_per_prompt, "thumb_px": settings.thumb_px,
                     "format": settings.format},
        "latent_frames": facts.latent_frames, "video_frames": facts.video_frames,
        "temporal_factor": facts.temporal_factor, "frames_per_block": facts.frames_per_block,
        "latent_to_video": RULE, "max_changes_per_row": MAX_CHANGES, "ids": ids, "rows": rows,
        "replaced_characters": sorted(set(c.replaced)), "fills": c.fills, "images": c.images, "texts": c.texts,
    }
