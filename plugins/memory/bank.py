"""`MemoryBank`: one video's identity-aware memory — archive, active memory and the memory segment.

Per evicted chunk (from the first eviction on):
  1. score each of the chunk's frames against the entities of the prompt that generated it
     (`scoring.py`), keep the best frame;
  2. associate it with the entity IDs its per-entity scores single out (`scoring.associate`);
  3. archive it with its keys/values of every layer (`archive.py`, bounded);
  4. active memory = `select_frames(active + [new], current prompt's IDs, max_frames)`, written into
     the model's memory segment when it changed.
At a prompt switch every archived frame is re-scored against the new prompt (from its probe, no
keys are touched) and the active memory is retrieved from the whole archive by set cover of the
new prompt's IDs, then topped up by score (`retrieval.py`).

The active frames' keys/values sit in device buffers of `max_frames` slots; a change copies only
the frames that enter, and the segment is handed the buffers (whole frames, RoPE'd keys as the
cache held them) through `run.memory.write`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Hashable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import torch
from loguru import logger

from hooks.contract import EvictedFrames, MemoryAccess
from hooks.run import RunState

from .archive import ArchivedFrame, FrameArchive
from .entities import EntityView, read_entities, token_weights
from .retrieval import Selection, select_frames
from .scoring import associate, frame_probes, scores, temporal_table, text_queries
from .settings import MemorySettings

KV = tuple[list[torch.Tensor], list[torch.Tensor]]


@dataclass
class WrittenChunk:
    """A chunk read back from the cache when written (`memory.fill_from_start`), shaped like an evicted one."""

    frames: list[int]
    keys: list[torch.Tensor]
    values: list[torch.Tensor]


@dataclass
class PickedFrame:
    """An evicted chunk scored, and the keys/values of its best frame (every layer), kept for archiving."""

    chunk_index: int
    frames: list[int]
    prompt: int
    probes: torch.Tensor  # [F, L_s, B, H, D]
    scores: torch.Tensor  # [1 + E, F]
    best: int  # position of the best frame in `frames`
    kv: KV  # per layer [B, tokens_per_frame, H, D]
    ms: float = 0.0  # time spent picking before the cache write (added to the chunk's time)


@dataclass
class PromptQuery:
    """A prompt's text queries for scoring: row 0 the whole prompt, row 1+e entity e's own tokens."""

    prompt: int
    entities: list[EntityView] | None  # None: nobody published entities for the prompt
    queries: torch.Tensor  # [1 + E, L_s, B, H, D]
    has_tokens: list[bool]

    @property
    def ids(self) -> list[Hashable]:
        return [e.id for e in self.entities or []]


class ActiveSegment:
    """Device buffers of the active frames, `max_frames` whole-frame slots per layer."""

    def __init__(self, max_frames: int) -> None:
        self.max_frames = max_frames
        self.keys: list[torch.Tensor] = []
        self.values: list[torch.Tensor] = []
        self.ids: list[str] = []  # frame id in each used slot, slots [0, len(ids))
        self.tokens_per_frame = 0

    def reserve(self, num_layers: int, frame_shape: tuple[int, ...], dtype: torch.dtype,
                device: torch.device) -> None:
        b, tpf, h, d = frame_shape
        self.tokens_per_frame = tpf
        shape = (b, self.max_frames * tpf, h, d)
        self.keys = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(num_layers)]
        self.values = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(num_layers)]
        self.ids = []

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in (*self.keys, *self.values))

    def _slot(self, s: int) -> slice:
        return slice(s * self.tokens_per_frame, (s + 1) * self.tokens_per_frame)

    def update(self, frames: Sequence[ArchivedFrame], fetch: Callable[[ArchivedFrame], KV]) -> bool:
        """Hold exactly `frames` (at most max_frames); copies only the frames that enter. True if changed."""
        want = [f.frame_id for f in frames]
        if set(want) == set(self.ids):
            return False
        n = len(want)
        staying = {fid: s for s, fid in enumerate(self.ids) if fid in want}
        free = [s for s in range(n) if s not in staying.values()]
        slots: list[str | None] = [None] * n
        for fid, s in staying.items():
            if s < n:
                slots[s] = fid
                continue
            t = free.pop(0)  # compact: a staying frame beyond the new size moves down
            for buf in (*self.keys, *self.values):
                buf[:, self._slot(t)] = buf[:, self._slot(s)]
            slots[t] = fid
        for f in frames:
            if f.frame_id in staying:
                continue
            t = free.pop(0)
            keys, values = fetch(f)
            for layer in range(len(self.keys)):
                self.keys[layer][:, self._slot(t)].copy_(keys[layer], non_blocking=True)
                self.values[layer][:, self._slot(t)].copy_(values[layer], non_blocking=True)
            slots[t] = f.frame_id
        self.ids = [s for s in slots if s is not None]
        return True

    def write(self, access: MemoryAccess) -> None:
        n = len(self.ids) * self.tokens_per_frame
        if not self.ids:
            access.clear()
            return
        access.write([k[:, :n] for k in self.keys], [v[:, :n] for v in self.values], list(self.ids))


class MemoryBank:
    def __init__(self, settings: MemorySettings, run: RunState, memory: MemoryAccess) -> None:
        self.settings = settings
        self.run = run
        self.memory = memory
        if run.geometry is None:
            raise RuntimeError("memory: the run has no cache geometry (run.geometry is None)")
        self.geometry = run.geometry
        self.num_layers = memory.num_layers
        self.layers = settings.scoring_layers(self.num_layers)
        self.tpf = self.geometry.tokens_per_frame
        self.fpb = run.frames_per_block
        freqs = memory.rope_freqs
        self.table_t = temporal_table(freqs) if settings.unrotate_time and freqs is not None else None
        if settings.unrotate_time and self.table_t is None:
            logger.warning("memory: the model exposes no RoPE table; frames are scored with their temporal RoPE")
        self.archive = FrameArchive(settings.archive_frames)
        self.segment = ActiveSegment(settings.max_frames)
        self.active: list[ArchivedFrame] = []
        self._queries: dict[int, PromptQuery] = {}
        self._picked: PickedFrame | None = None  # from `on_evicting`, archived at the chunk's end
        self._spans_failed = False
        self._warned_no_keys = False
        self.switches: list[dict[str, Any]] = []
        self.chunks: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []  # each change of the active memory: block, cause, the frames held after
        self.device: torch.device | None = None
        first = self.geometry.first_evicting_block()
        self.evictions = 0 if first is None else max(0, run.num_blocks - first)
        self.first_chunk = None if first is None else first + 1
        # fill_from_start: chunks are archived when written from chunk 1 on, at NAM's cadence: NAM's bank
        # opens a slot every `model_kwargs.record_interval` blocks in both modes (in single-prompt mode
        # it restages the newest slot at every block, but the count of frames attended is the same)
        self.record_every = run.config.model_kwargs.record_interval if run.config is not None else 1
        if settings.fill_from_start:
            self.evictions, self.first_chunk = -(-run.num_blocks // self.record_every), 1
        if self.geometry.sink_frames == 0:
            logger.warning("memory: model_kwargs.sink_size=0 - the engine attends to no memory segment, so "
                           "archived frames are never seen by the model")

    # -- allocation (initialisation phase) -------------------------------------------------------
    def reserve(self) -> None:
        """Reserve the archive pool and the active-memory buffers, shaped like the KV cache."""
        memory = self.memory
        b, _, h, d = memory.cache_shape  # [B, capacity, H, D]
        device, dtype = memory.cache_device, memory.cache_dtype
        self.device = device
        frame_shape = (b, self.tpf, h, d)
        on_cpu = self.settings.offload == "cpu"
        store = torch.device("cpu") if on_cpu else device
        slots = self.settings.archive_frames if self.evictions else 0
        self.archive.reserve(slots, self.num_layers, frame_shape, dtype, store, pin=on_cpu and device.type == "cuda")
        if self.settings.max_frames and self.evictions:
            self.segment.reserve(self.num_layers, frame_shape, dtype, device)
        logger.debug(f"memory: archive of {self.archive.slots} frames ({self.archive.nbytes / 2**20:.1f} MiB on "
                     f"{self.archive.stored}), active memory of {self.settings.max_frames} frames, "
                     f"scoring layers {self.layers}")

    # -- text side ---------------------------------------------------------------------------------
    def query(self, prompt_index: int) -> PromptQuery:
        if prompt_index in self._queries:
            return self._queries[prompt_index]
        run = self.run
        prompt = run.prompts[prompt_index]
        entities = read_entities(run.entities, prompt_index, prompt)
        text_keys = self.memory.text_keys(prompt_index, self.layers)
        spans = None
        if not self._spans_failed:
            try:
                spans = self.memory.token_char_spans(prompt)
            except (RuntimeError, NotImplementedError) as e:
                self._spans_failed = True
                logger.warning(f"memory: no token spans ({e}); every text position weighs the same and "
                               "frames keep their prompt's IDs")
        ents = entities or []
        prompt_w, ent_w = token_weights(spans, text_keys[self.layers[0]].shape[1], ents, self.settings.entity_weight)
        weights = torch.cat([prompt_w[None], ent_w], dim=0)
        q = PromptQuery(prompt_index, entities, text_queries(text_keys, self.layers, weights),
                        [bool(row.any()) for row in ent_w])
        self._queries[prompt_index] = q
        return q

    # -- events --------------------------------------------------------------------------------------
    @contextmanager
    def _timed(self, chunk: int, into: dict[str, Any]) -> Generator[None, None, None]:
        """Time with `run.clock`: host time without the profiler; on CUDA the profiler's clock, which waits
        for the device. The plugin itself never synchronises (that would stall the GPU every chunk)."""
        clock = self.run.clock
        t0 = clock()
        yield
        ms = (clock() - t0) * 1000.0
        into["ms"] = round(ms, 3)
        self.run.record_time("memory", chunk, ms)

    def on_switch(self, prompt_index: int, start_frame: int) -> None:
        """Retrieve the frames that cover the new prompt's entity IDs into the memory segment."""
        chunk = start_frame // self.fpb + 1
        decision: dict[str, Any] = {"prompt": prompt_index, "start_frame": start_frame, "chunk": chunk}
        self.switches.append(decision)
        if not self.archive.frames:
            decision.update(candidates=0, selected=[], note="archive empty")
            self._publish()
            return
        with self._timed(chunk, decision):
            q = self.query(prompt_index)
            frames = self.archive.frames
            rel = scores(q.queries[:1], torch.stack([f.probe for f in frames]))[0].tolist()
            for f, r in zip(frames, rel, strict=True):
                f.relevance = r
            sel = select_frames(frames, q.ids, self.settings.max_frames, self.settings.topup)
            self._apply(sel, block=start_frame // self.fpb, cause="switch")
        decision.update(self._describe_selection(q, sel, len(frames)))
        self._publish()

    def on_evicting(self, chunk_index: int, evicted: EvictedFrames) -> None:
        """Before the cache write that evicts a chunk: score its frames on the keys the cache holds for them
        (views) and copy only the best frame's keys/values; the chunk is archived at its end (`on_chunk_end`),
        after the write, so the context pass still attends to the memory as it was."""
        if self.settings.fill_from_start or self.archive.pool is None:
            return
        timing: dict[str, Any] = {}
        with self._timed(chunk_index, timing):
            picked = self._pick(chunk_index, evicted, copy=True)
        picked.ms = timing["ms"]
        self._picked = picked

    def on_chunk_end(self, chunk_index: int, evicted: EvictedFrames | None) -> None:
        """After a block's cache write: archive the chunk that left the local window or, with
        `memory.fill_from_start`, the chunk just written (read from the cache, as NAM records frames)."""
        if self.settings.fill_from_start:
            if (chunk_index - 1) % self.record_every:
                return
            frames = list(range((chunk_index - 1) * self.fpb, chunk_index * self.fpb))
            keys, values = self.memory.cached_frames(frames)
            self.on_evicted(chunk_index, WrittenChunk(frames=frames, keys=keys, values=values))
        elif evicted is not None:
            self.on_evicted(chunk_index, evicted)

    def on_evicted(self, chunk_index: int, evicted: EvictedFrames) -> None:
        """Score the chunk that left the local window, archive its best frame, update the active memory.

        The chunk was usually scored already, before the write (`on_evicting`); its keys then need not
        come with it."""
        picked, self._picked = self._picked, None
        if picked is not None and (picked.chunk_index, picked.frames) != (chunk_index, list(evicted.frames)):
            raise RuntimeError(f"memory: chunk {chunk_index} evicted frames {list(evicted.frames)}, but frames "
                               f"{picked.frames} of chunk {picked.chunk_index} were scored before the write")
        if picked is None and not evicted.keys:
            if not self._warned_no_keys:
                self._warned_no_keys = True
                logger.warning("memory: an evicted chunk was neither offered before the cache write "
                               "(iamflow_chunk_evicting) nor came with its keys; nothing is archived")
            return
        if self.archive.pool is None:  # the video evicts more than the geometry predicted
            raise RuntimeError(f"memory: chunk {chunk_index} evicted frames {evicted.frames} but no archive was "
                               "reserved (the init phase did not run through the plugin)")
        record: dict[str, Any] = {"chunk": chunk_index, "evicted_frames": list(evicted.frames)}
        with self._timed(chunk_index, record):
            self._archive_chunk(picked or self._pick(chunk_index, evicted, copy=False), record)
        if picked is not None:
            record["ms"] = round(record["ms"] + picked.ms, 3)
        self.chunks.append(record)
        self._publish()

    def _pick(self, chunk_index: int, evicted: EvictedFrames, copy: bool) -> PickedFrame:
        """Score the chunk's frames against the entities of the prompt that generated them and take the best
        frame's keys/values of every layer (`copy`: cloned, for keys that are views of the cache)."""
        frames = list(evicted.frames)
        p = self.run.prompt_of_frame(frames[0])
        q = self.query(p)
        probes = frame_probes(evicted.keys, self.layers, self.tpf, frames, self.table_t)
        sc = scores(q.queries, probes)  # [1 + E, F]
        best = int(torch.argmax(sc[0]))
        piece = slice(best * self.tpf, (best + 1) * self.tpf)

        def take(t: torch.Tensor) -> torch.Tensor:
            return t[:, piece].clone() if copy else t[:, piece]

        kv = ([take(k) for k in evicted.keys], [take(v) for v in evicted.values])
        return PickedFrame(chunk_index, frames, p, probes, sc, best, kv)

    def _archive_chunk(self, picked: PickedFrame, record: dict[str, Any]) -> None:
        run, chunk_index = self.run, picked.chunk_index
        p, probes, sc, best = picked.prompt, picked.probes, picked.scores, picked.best
        q = self.query(p)
        frame = picked.frames[best]
        ent_scores = sc[1:, best].tolist()
        ids: list[Hashable]
        if q.entities is None:
            ids, source, reason = [], "none", "no entities published for the prompt"
        else:
            ids, source, reason = associate(q.ids, ent_scores, q.has_tokens, self.settings.assoc_margin,
                                            self.settings.assoc_min_spread)
        chunk = frame // self.fpb + 1
        new = ArchivedFrame(
            frame_id=f"p{p}_c{chunk}_f{frame}", prompt=p, chunk=chunk, frame=frame, evicted_at=chunk_index,
            ids=tuple(ids), id_source=source, id_reason=reason, score=float(sc[0, best]),
            entity_scores=dict(zip(q.ids, ent_scores, strict=True)), probe=probes[best],
        )
        current = self.query(run.prompt_index)
        if p == run.prompt_index:
            new.relevance = new.score
        else:  # a frame of the previous prompt, evicted after the switch
            new.relevance = float(scores(current.queries[:1], probes[best:best + 1]))
        record.update(best=new.frame_id, frame_scores=[round(s, 6) for s in sc[0].tolist()], ids=list(ids))
        if not self.archive.admit(new, {f.frame_id for f in self.active}, chunk_index):
            record["archived"] = False
            return
        record["archived"] = True
        kv_new = picked.kv
        self.archive.store(new, *kv_new)
        sel = select_frames([*self.active, new], current.ids, self.settings.max_frames, self.settings.topup)
        self._apply(sel, fresh={new.frame_id: kv_new}, block=chunk_index - 1, cause="eviction")
        record["active"] = [f.frame_id for f in self.active]

    def _apply(self, sel: Selection[ArchivedFrame], fresh: dict[str, KV] | None = None, *, block: int,
               cause: str) -> None:
        fresh = fresh or {}
        before = {f.frame_id for f in self.active}
        self.active = sorted(sel.frames, key=lambda f: f.frame)
        if {f.frame_id for f in self.active} != before:
            self.changes.append({"block": block, "prompt": self.run.prompt_index, "cause": cause,
                                 "frames": [{"frame_id": f.frame_id, "frame": f.frame, "ids": list(f.ids)}
                                            for f in self.active]})
        if not self.settings.max_frames:
            return
        changed = self.segment.update(self.active,
                                      lambda f: fresh[f.frame_id] if f.frame_id in fresh else self.archive.kv(f))
        if changed:
            self.segment.write(self.memory)

    # -- reporting -------------------------------------------------------------------------------------
    def _describe_selection(self, q: PromptQuery, sel: Selection[ArchivedFrame], candidates: int) -> dict[str, Any]:
        return {
            "entities_from": "agent" if q.entities is not None else "none (no entities published: score only)",
            "target_ids": q.ids, "entity_names": {str(e.id): e.name for e in q.entities or []},
            "candidates": candidates, "cover": sel.cover, "added": sel.added,
            "selected": [f.frame_id for f in sorted(sel.frames, key=lambda f: f.frame)],
            "selected_ids": sorted({i for f in sel.frames for i in f.ids}, key=str),
            "uncovered_ids": sel.uncovered,
        }

    def _publish(self) -> None:
        self.run.memory_selection = {
            "owner": "memory",
            "active": [f.frame_id for f in self.active],
            "segment": list(self.segment.ids),
            "archive": [f.frame_id for f in self.archive.frames],
            "switches": self.switches,
            "first_chunk": self.first_chunk,
            "changes": self.changes,
        }

    def sections(self) -> dict[str, Any]:
        """mapping.json sections: frame_archive, frame_active_memory, memory_retrieval."""
        stored = self.archive.stored
        return {
            "frame_archive": [f.describe(stored) for f in sorted(self.archive.frames, key=lambda f: f.frame)],
            "frame_active_memory": [f.frame_id for f in self.active],
            "memory_retrieval": {
                "settings": {**asdict(self.settings), "score_layers_resolved": self.layers},
                "archive_slots": self.archive.slots, "archive_bytes": self.archive.nbytes,
                "active_memory_bytes": self.segment.nbytes, "first_chunk": self.first_chunk,
                "switches": self.switches, "chunks": self.chunks, "dropped": self.archive.dropped,
            },
        }

    def finish(self) -> dict[str, Any]:
        """Publish the final selection, free the archive pool and return the mapping.json sections."""
        out = self.sections()
        self._publish()
        self.run.memory_selection.update(out)
        self.archive.release()
        return out


def footprint(settings: MemorySettings, geometry: Any, model_config: Any, dtype: torch.dtype,
              num_blocks: int) -> list[dict[str, Any]]:
    """The buffers `MemoryBank.reserve` allocates for a video of `num_blocks` blocks, in bytes (no allocation).

    A frame holds every layer's keys and values (batch 1). The archive pool is host memory with
    `memory.offload: cpu` (pinned on CUDA), device memory otherwise; the active-memory buffers are on the
    device and replace MemFlow's NAM bank; of each evicted chunk a device copy of the best frame's
    keys/values is kept from before the cache write to the chunk's end (`MemoryBank.on_evicting`).
    """
    frame = (2 * model_config.num_layers * geometry.tokens_per_frame * model_config.num_heads
             * model_config.head_dim * torch.empty((), dtype=dtype).element_size())
    first = geometry.first_evicting_block()
    evictions = 0 if first is None else max(0, num_blocks - first)
    if settings.fill_from_start:
        evictions = num_blocks
    archive = settings.archive_frames * frame if evictions else 0
    active = settings.max_frames * frame if settings.max_frames and evictions else 0
    on_cpu = settings.offload == "cpu"
    evicted = 0 if settings.fill_from_start or not evictions else frame
    return [
        {"name": "memory archive (keys/values of archived frames)", "device_bytes": 0 if on_cpu else archive,
         "host_bytes": archive if on_cpu else 0},
        {"name": "memory active segment", "device_bytes": active, "host_bytes": 0, "owns_memory_segment": True,
         "transient_bytes": evicted},
    ]
