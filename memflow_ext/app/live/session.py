"""One live stream: generated block by block in a worker thread, steered by its client, saved when it ends.

The worker owns the pipeline while the stream runs (the server runs one stream at a time). The event
loop only calls `request_prompt`, `request_stop` and `detach`, which are thread-safe. Between blocks
the worker applies the latest requested prompt (`VideoStream.switch_prompt`: the next block is the
first of the new prompt) or stops. Every message for the client goes through `send` (called from
the worker thread); after `detach` (the client is gone) messages are dropped and the stream stops.
The worker does not run ahead of its client: a block starts only once the previous block's messages
have been sent, so a prompt sent on seeing block b applies at block b + 2 at the latest.

The stream is saved like a batch video: generated into a hidden `.partial` folder beside the others,
renamed to `<live root>/<stream id>/` when complete, with `meta.json` (prompts and the switch frames
actually applied, `max_frames`, the fingerprint) written last, and its entry in the live root's
`run.json`. A stream that fails leaves no folder; run.json records the error.
"""

from __future__ import annotations

import io
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from loguru import logger

from memflow_ext.app.batch import Manifest, run_job, write_outputs
from memflow_ext.app.fingerprint import job_fingerprint
from memflow_ext.app.live.protocol import Start, dumps
from memflow_ext.config import IAMFlowConfig
from memflow_ext.io_utils import OutputError

if TYPE_CHECKING:
    from hooks.contract import PromptEntities

Send = Callable[[str | bytes], None]


@dataclass
class LiveContext:
    """What every stream of a server shares: the pipeline, its config, where streams are saved."""

    pipe: Any
    cfg: IAMFlowConfig
    live_root: Path
    run_fp: dict[str, Any]
    manifest: Manifest
    interactive: bool
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards the manifest


def new_stream_id(live_root: Path) -> str:
    """`YYYYmmdd-HHMMSS-xxxx`: sortable by start time, unique among the folders in `live_root`."""
    while True:
        sid = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
        if not (live_root / sid).exists():
            return sid


def encode_jpeg(frames_uint8: Any, quality: int) -> list[bytes]:
    """[T, H, W, 3] uint8 frames -> one JPEG file (bytes) per frame."""
    from PIL import Image

    out = []
    for frame in frames_uint8:
        buf = io.BytesIO()
        Image.fromarray(frame).save(buf, format="JPEG", quality=quality)
        out.append(buf.getvalue())
    return out


def entities_json(published: PromptEntities | None) -> list[dict[str, Any]]:
    """The entities a plugin published for a prompt (`run.entities[i]`, a `hooks.contract.PromptEntities`),
    as JSON values."""
    return [] if published is None else [e.to_json() for e in published.entities]


def memory_message(change: dict[str, Any], temporal_factor: int | None) -> dict[str, Any]:
    """The `memory` message of one entry of the memory plugin's change log (`run.memory_selection["changes"]`):
    the frames the memory held after the change, each with its latent frame, the video frame that shows it
    (the last of its decoded frames, `temporal_factor * latent_frame`) and the entity IDs it was kept for."""
    frames = []
    for f in change.get("frames") or []:
        latent = int(f["frame"])
        frames.append({"frame_id": str(f.get("frame_id", "")), "latent_frame": latent,
                       "video_frame": None if temporal_factor is None else temporal_factor * latent,
                       "ids": list(f.get("ids") or [])})
    return {"block_index": int(change["block"]), "prompt_index": int(change.get("prompt", -1)),
            "cause": str(change.get("cause", "")), "frames": frames}


def stream_cap(cfg: IAMFlowConfig) -> int:
    """The longest stream in latent frames: `live.max_frames` rounded down to whole blocks."""
    return cfg.live.max_frames // cfg.num_frame_per_block * cfg.num_frame_per_block


def frame_counts(latent_frames: int, video_frames: int, fps: int) -> dict[str, Any]:
    """Every count with its unit: latent frames generated, video frames decoded, seconds of video."""
    return {"latent_frames": latent_frames, "video_frames": video_frames,
            "seconds": round(video_frames / fps, 3) if fps > 0 else None}


class LiveStream:
    """One stream of a live server (see the module docstring)."""

    def __init__(self, ctx: LiveContext, start: Start, send: Send, backlog: Callable[[], int] | None = None) -> None:
        self.ctx = ctx
        self.start = start
        self.id = new_stream_id(ctx.live_root)
        self.seed = ctx.cfg.seed if start.seed is None else start.seed
        self._send = send
        self._backlog = backlog or _nothing_pending  # messages queued for the client, not yet sent
        self._lock = threading.Lock()
        self._prompt: str | None = None
        self._stop = threading.Event()
        self.stop_reason = "max_frames"
        self.folder: Path | None = None
        self.frames = 0  # latent frames generated
        self.video_frames = 0  # video frames decoded (sent to the client)
        self.until_stop = start.max_frames is None  # no bound from the client: until stop, leaving or the cap
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name=f"live-{self.id}", daemon=False)

    # -- called from the event loop ------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self.thread.is_alive()

    def request_prompt(self, prompt: str) -> None:
        """Switch to `prompt` at the next block boundary (a later request before then replaces it)."""
        with self._lock:
            self._prompt = prompt

    def request_stop(self, reason: str) -> None:
        """Finish the block in progress, save and end (the first reason given is recorded)."""
        with self._lock:
            if not self._stop.is_set():
                self.stop_reason = reason
                self._stop.set()

    def detach(self) -> None:
        """The client is gone: drop its messages from now on."""
        with self._lock:
            self._send = _drop
            self._backlog = _nothing_pending

    def send(self, item: str | bytes) -> None:
        with self._lock:
            send = self._send
        send(item)

    # -- the worker --------------------------------------------------------------------------------
    def _take_prompt(self) -> str | None:
        with self._lock:
            p, self._prompt = self._prompt, None
        return p

    def _wait_for_client(self) -> None:
        """Do not run ahead of the client: the next block starts once the last one has been sent, so a
        prompt sent on seeing block b applies at block b + 2 at the latest (b + 1 is being made)."""
        while not self._stop.is_set():
            with self._lock:
                pending = self._backlog()
            if not pending:
                return
            time.sleep(0.002)

    def _run(self) -> None:
        ctx = self.ctx
        rec = {"status": "running", "source": "live", "start": time.time(), "seed": self.seed,
               "max_frames": self.start.max_frames}
        self._record(rec)
        t0 = time.perf_counter()
        try:
            folder = run_job(ctx.pipe, ctx.cfg, SimpleNamespace(key=self.id),  # type: ignore[arg-type]  # a stream is a job by its key only
                             ctx.live_root, ctx.interactive, quiet=True, generate=self._generate)
        except OSError as e:  # its files could not be written (a full disk, say): one line, no traceback
            self.error = str(e) if isinstance(e, OutputError) else f"{type(e).__name__}: {e}"
            logger.error(f"live stream {self.id} could not be saved, nothing kept: cannot write {self.error}")
            rec.update(status="failed", error=self.error)
            self.send(dumps("error", message=f"the stream could not be saved, nothing kept: cannot write {self.error}"))
        except Exception as e:  # the client is told; the server goes on with the next stream
            self.error = f"{type(e).__name__}: {e}"
            logger.opt(exception=e).error(f"live stream {self.id} failed: {self.error}")
            rec.update(status="failed", error=self.error)
            self.send(dumps("error", message=f"generation failed, nothing saved: {self.error}"))
        else:
            self.folder = folder
            rec.update(status="done", folder=str(folder.resolve()), stop=self.stop_reason, frames=self.frames)
            logger.info(f"live stream {self.id} saved ({self.stop_reason}): {folder}")
        finally:
            rec["seconds"] = round(time.perf_counter() - t0, 3)
            self._record(rec)
        if self.folder is not None:
            self.send(dumps("saved", folder=str(self.folder.resolve()), stream=self.id, frames=self.frames,
                            **frame_counts(self.frames, self.video_frames, ctx.cfg.fps)))

    def _record(self, rec: dict[str, Any]) -> None:
        with self.ctx.lock:
            self.ctx.manifest.videos[self.id] = dict(rec)
            unsaved = self.ctx.manifest.save()
        if unsaved:
            logger.error(f"live stream {self.id}: run.json could not be written: {unsaved}")

    def _generate(self, pipe: Any, cfg: IAMFlowConfig, job: Any, work: Path, interactive: bool, quiet: bool) -> None:
        """`run_job`'s generate step: the stream itself (plugins write into `work`), then its files."""
        from memflow_ext.models.vae import to_uint8

        max_frames = stream_cap(cfg) if self.start.max_frames is None else self.start.max_frames
        if self.until_stop:
            self.stop_reason = "live.max_frames"  # unless stopped or left before the server's cap
        stream = pipe.open_stream(self.start.prompt, seed=self.seed, max_frames=max_frames,
                                  interactive=interactive, decode=True, output_dir=work, run_key=self.id)
        vae = getattr(pipe, "vae", None)
        temporal_factor = int(vae.temporal_factor) if vae is not None else None
        self.send(dumps("started", stream=self.id, max_frames=stream.max_frames, fps=cfg.fps, interactive=interactive,
                        frames_per_block=stream.frames_per_block, seed=self.seed, until_stop=self.until_stop,
                        temporal_factor=temporal_factor))
        quality = cfg.live.jpeg_quality
        memory_sent = 0
        while not stream.finished and not (self._stop.is_set() and stream.blocks_done):  # a stream has >= 1 block
            if stream.blocks_done:  # the first block is the opening prompt's
                self._wait_for_client()
                prompt = self._take_prompt()
                if prompt is not None:
                    stream.switch_prompt(prompt)
            block = stream.next_block()
            run = stream.run
            if block.switched:
                published = run.entities.get(block.prompt_index) if run is not None else None
                self.send(dumps("switch", prompt_index=block.prompt_index, start_frame=block.start_frame,
                                prompt=stream.prompts[block.prompt_index], entities=entities_json(published)))
            frames = encode_jpeg(to_uint8(block.video[0]), quality) if block.video is not None else []
            header = {"block_index": block.block_index, "start_frame": block.start_frame,
                      "prompt_index": block.prompt_index, "frames": len(frames), "ms": round(block.ms, 3)}
            profiled = run.block_ms.get(block.block_index) if run is not None else None
            if profiled is not None:
                header["profile_ms"] = round(float(profiled), 3)
            self.video_frames += len(frames)
            header.update(frame_counts(stream.frames_done, self.video_frames, cfg.fps))
            self.send(dumps("block", **header))
            for jpeg in frames:
                self.send(jpeg)
            selection = getattr(run, "memory_selection", None) or {}
            changes = selection.get("changes") or []
            for change in changes[memory_sent:]:
                self.send(dumps("memory", **memory_message(change, temporal_factor)))
            memory_sent = len(changes)
        if self._take_prompt() is not None:
            self.send(dumps("error", message=f"the last prompt was not applied: the stream ended "
                                             f"({self.stop_reason}) before its next block"))
        result = stream.close()
        self.frames = int(result.latents.shape[1])
        record = {"key": self.id, "source": "live", "seed": self.seed, "prompts": list(result.info["prompts"]),
                  "switch_frame_indices": list(result.info["switch_frame_indices"]), "stop": self.stop_reason}
        fingerprint = {**job_fingerprint(self.ctx.run_fp, SimpleNamespace(
            prompts=record["prompts"], switch_frame_indices=record["switch_frame_indices"], seed=self.seed)),
            "max_frames": stream.max_frames}
        write_outputs(work, cfg, result, record, fingerprint)


def _drop(item: str | bytes) -> None:
    """The send of a stream whose client is gone."""


def _nothing_pending() -> int:
    return 0
