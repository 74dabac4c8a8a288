"""The memory ledger: what the accelerator and the host must hold for a config, computed without a GPU.

``python -m memflow_ext.loaders memory --config C [--json OUT] [--mode batch|stream] [key=value ...]`` prints
it and writes it as JSON. It follows the config's `text_encoder_placement`, `quantize`,
`quantize_text_encoder`, `engine.ffn_chunk_frames`, `dtype`, video size and plugins:

- ``accelerator_bytes``: the peak the accelerator must hold in a run of `mode`, the largest of its
  ``phases``. Each phase is what is resident then plus that moment's working memory (measured):
  - resident: weights by component, KV cache, memory bank, cross-attention cache, the video's noise and
    latents, the VAE decoder's causal cache, what each plugin keeps on the device;
  - ``block``: the larger of a denoising step and the context pass that writes the block into the cache,
    plus what plugins hold around a block (the memory plugin's copy of an evicted frame);
  - ``prompt_switch``: the larger of the re-cache of the window and a prompt's encode;
  - ``decode``: a block's VAE decode.
  A ``batch`` run (`MemFlowPipeline.generate`, the CLIs) decodes after the diffusion: the decoder's cache
  does not exist during the diffusion, and the KV, text and NAM caches are released before the decode
  (`StreamState.release`; a plugin's buffers stay counted). A ``stream`` (`open_stream`, the live server)
  decodes each block as it is made, so everything is resident in every phase.
  ``accelerator_bytes_by_mode`` gives both;
- ``host_bytes``: the text encoder when it is off the device, the plugins' host buffers (the memory
  plugin's archive, pinned on CUDA) and the decoded video, which leaves the device block by block;
- ``accelerator`` / ``host`` / ``transient``: the breakdown, in bytes.

Weights are counted from models built on the `meta` device (quantized there with the same torchao
configs as a real run, counting the quantized tensors' inner data); caches from their exact shapes;
transients by running the real code on `meta` tensors at the real shapes while `LiveBytes` tracks the
bytes alive (see `transient.py`). Nothing is allocated: it runs on any machine in seconds.
"""

from __future__ import annotations

from typing import Any

import torch

from memflow_ext.config import IAMFlowConfig
from memflow_ext.loaders.estimate import memory_estimate
from memflow_ext.loaders.transient import measure, peak_bytes
from memflow_ext.loaders.umt5 import meta_umt5
from memflow_ext.loaders.wan_dit import meta_dit
from memflow_ext.loaders.wan_vae import meta_vae
from memflow_ext.models.quantize import quantize_dit, quantize_linears
from memflow_ext.models.text_placement import module_bytes
from memflow_ext.models.transformer_wan import CausalWanModel
from memflow_ext.presets import Preset, TextEncoderConfig, get_preset
from memflow_ext.streaming.kv_cache import CacheGeometry

__all__ = ["GIB", "MODES", "component_dtypes", "format_ledger", "memory_ledger"]

GIB = 2**30
# batch: `MemFlowPipeline.generate` decodes after the diffusion; stream: `open_stream` decodes block by block
MODES = ("batch", "stream")
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
META = torch.device("meta")


def component_dtypes(cfg: IAMFlowConfig, preset: Preset) -> dict[str, torch.dtype]:
    """The dtype each component is built in (`pipelines.builder.build_pipeline`): random presets keep
    the text encoder and the VAE in float32, real weights run everything in `dtype`."""
    dtype = DTYPES[cfg.dtype]
    other = torch.float32 if preset.random_weights else dtype
    return {"dit": dtype, "text_encoder": other, "vae": other}


def _dit(cfg: IAMFlowConfig, preset: Preset, dtype: torch.dtype) -> CausalWanModel:
    model = meta_dit(preset.transformer).to(dtype)
    assert isinstance(model, CausalWanModel)
    quantize_dit(model, cfg.quantize)  # fp8 too: on meta it only computes
    model.set_ffn_chunk_frames(cfg.engine.ffn_chunk_frames)  # as `MemFlowPipeline` sets it
    return model.eval().requires_grad_(False)


def _text_encoder(cfg: IAMFlowConfig, tc: TextEncoderConfig, dtype: torch.dtype) -> Any:
    model = meta_umt5(tc).to(dtype)
    if cfg.quantize_text_encoder:
        quantize_linears(model.encoder.block, "int8")
    return model.eval().requires_grad_(False)


def _dit_transients(cfg: IAMFlowConfig, preset: Preset, model: Any, latent_hw: tuple[int, int],
                    dtype: torch.dtype) -> dict[str, int]:
    """Peak working memory of a denoising step, the context pass and a re-cache, with the window full.

    The three calls are made as `MemFlowPipeline._denoise_block` / `_context_pass` / `_recache` make them
    (that layer sits above the loaders, so the calls are spelled out here)."""
    from memflow_ext.models.rope import RopeCache
    from memflow_ext.streaming.kv_cache import CrossAttnCache, KVCache
    from memflow_ext.streaming.memory_bank import NAMBank
    from memflow_ext.streaming.state import CallInfo, StreamState

    arch = preset.transformer
    mk = cfg.model_kwargs
    g = _geometry(cfg, preset, latent_hw)
    hd = arch.head_dim
    state = StreamState(kv=KVCache(g, arch.num_layers, 1, arch.num_heads, hd, META, dtype),
                        text=CrossAttnCache(arch.num_layers, 1, arch.text_len, arch.num_heads, hd, META, dtype),
                        memory=NAMBank(g, mk.record_interval, arch.num_layers, 1, arch.num_heads, hd, META, dtype),
                        rope=RopeCache(model.freqs), sma=mk.SMA, sma_top_k=mk.sma_top_k)
    fpb, tpf = g.frames_per_block, g.tokens_per_frame
    ctx = torch.zeros(1, arch.text_len, arch.text_dim, device=META, dtype=dtype)
    steady = (g.window_frames // fpb + 1) * fpb  # a block whose write evicts: the window is full
    x = torch.zeros(1, arch.in_dim, fpb, *latent_hw, device=META, dtype=dtype)  # [B, C, F, h, w]

    def call(start: int, frames: int, update: bool, recache: bool = False) -> CallInfo:
        return CallInfo(current_start=start * tpf, num_new=frames * tpf, update_cache=update,
                        update_bank=update and not recache,
                        q_bank=True, is_recache=recache)

    def run(inp: torch.Tensor, info: CallInfo, need_output: bool) -> Any:
        t = torch.full(inp.shape[:1] + inp.shape[2:3], float(cfg.context_noise), device=META)
        return model(inp, t, ctx, state, info, need_output=need_output)

    for s in range(0, steady, fpb):  # fill the cache (not tracked)
        run(x, call(s, fpb, True), False)
    res = {"dit_denoise_step": peak_bytes(lambda: run(x, call(steady, fpb, False), True))}
    state.kv.capture_evicted = False  # a plugin's copy of the evicted chunk is declared by the plugin
    res["dit_context_pass"] = peak_bytes(lambda: run(x, call(steady, fpb, True), False))
    n = min(g.window_frames, steady + fpb)
    state.text.clear()
    window = torch.zeros(1, arch.in_dim, n, *latent_hw, device=META, dtype=dtype)
    res["dit_recache"] = peak_bytes(lambda: run(window, call(steady + fpb - n, n, True, recache=True), False))
    return res


def _geometry(cfg: IAMFlowConfig, preset: Preset, latent_hw: tuple[int, int]) -> CacheGeometry:
    mk = cfg.model_kwargs
    _, ph, pw = preset.transformer.patch_size
    return CacheGeometry(tokens_per_frame=(latent_hw[0] // ph) * (latent_hw[1] // pw),
                         frames_per_block=cfg.num_frame_per_block, sink_frames=mk.sink_size,
                         local_attn_frames=mk.local_attn_size, bank_frames=mk.bank_size)


def _vae_transient(preset: Preset, dtype: torch.dtype, latent_hw: tuple[int, int], fpb: int, cache_place: str
                   ) -> tuple[int, int, int]:
    """(peak working memory of one block's decode, the causal cache the decoder keeps on the device between
    blocks, the one it keeps on the host).

    Over the first two blocks (the second is the steady state), both tracked: the second block replaces
    the first one's cache slot by slot, and the tracker sees both the new slots and the old ones freed.
    What stays alive afterwards is the cache (counted as resident); the transient is the peak above it.
    With the cache on the host (`HostSlots`), a written slot leaves the device and each read of it is a
    copy moved in (`_MovedSlots`), so the transient includes the slot each convolution brings in."""
    from memflow_ext.models.vae import StreamingDecoder, WanVAE

    class Decoder(StreamingDecoder):
        def _slots(self) -> list:
            return _MovedSlots(self._n_conv) if self.cache_place == "host" else super()._slots()

    vae = WanVAE(meta_vae(preset.vae).to(dtype), preset.vae.temporal_factor, preset.vae.spatial_factor)
    vae = vae.to(META).eval()
    dec = Decoder(vae, cache_place)
    dec.start()
    z = torch.zeros(1, fpb, preset.vae.z_dim, *latent_hw, device=META, dtype=dtype)

    def two_blocks() -> None:
        for _ in range(2):
            dec.push(z)  # each block's frames are dropped, as the engine moves them to the host

    peak, cache = measure(two_blocks)
    on_host = sum(t.untyped_storage().nbytes() for t in list.__iter__(dec._cache or [])
                  if isinstance(t, torch.Tensor)) if cache_place == "host" else 0
    return peak - cache, cache, on_host


class _MovedSlots(list):
    """`models.vae.HostSlots` as the meta tracker sees it: a written slot leaves the device (an untracked
    placeholder stands for its host copy); every read returns a copy moved in, tracked while alive. (The
    real decoder copies a slot in where a convolution uses it, not where a check only asks whether it is
    set: this may count one slot more, never less.)"""

    def __init__(self, size: int) -> None:
        super().__init__([None] * size)

    def __setitem__(self, i, value) -> None:  # list's overloads: untyped
        if isinstance(value, torch.Tensor):
            from torch.utils._python_dispatch import _disable_current_modes

            with _disable_current_modes():
                value = torch.empty_like(value)
        super().__setitem__(i, value)

    def __getitem__(self, i):  # list's overloads: untyped
        v = super().__getitem__(i)
        return torch.empty_like(v) if isinstance(v, torch.Tensor) else v


def _text_transient(model: Any, text_len: int, placement: str) -> int:
    """One prompt's encode on the device: activations (device, offload) plus one block (offload); the
    embeddings and mask alone for the cpu placement."""
    d = model.config.d_model
    itemsize = next(model.parameters()).element_size()
    if placement == "cpu":
        return text_len * d * itemsize + text_len * 8
    ids = torch.zeros(1, text_len, dtype=torch.long, device=META)
    # no mask: a prompt of text_len tokens (transformers inspects mask values, which meta tensors lack)
    acts = peak_bytes(lambda: model(input_ids=ids).last_hidden_state, flash=False)
    if placement == "offload":
        return acts + max(module_bytes(b) for b in model.encoder.block)
    return acts


def _plugin_entries(cfg: IAMFlowConfig, preset: Preset, plugins: list[str], geometry: CacheGeometry, dtype: torch.dtype,
                    num_blocks: int) -> dict[str, list[dict[str, Any]]]:
    if not plugins:
        return {}
    from hooks.manager import build_plugin_manager

    pm = build_plugin_manager(plugins, cfg)
    out: dict[str, list[dict[str, Any]]] = {}
    for impl in pm.hook.iamflow_memory_footprint.get_hookimpls():
        entries = impl.function(**{a: v for a, v in {
            "config": cfg, "geometry": geometry, "model_config": preset.transformer, "dtype": dtype,
            "num_blocks": num_blocks}.items() if a in impl.argnames})
        if entries:
            out[impl.plugin_name] = [dict(e) for e in entries]  # type: ignore[attr-defined]
    return out


def _phases(acc: dict[str, Any], resident: int, transient: dict[str, int], plugin_transient: int
            ) -> dict[str, dict[str, int]]:
    """Accelerator bytes at the peak of each phase of a video, per mode (see the module docstring)."""
    block = max(transient.get("dit_denoise_step", 0), transient.get("dit_context_pass", 0)) + plugin_transient
    switch = max(transient.get("dit_recache", 0), transient.get("text_encode", 0))
    decode = transient.get("vae_decode_block", 0)
    diffusion = resident - acc.get("vae_decode_cache", 0)  # batch: the decoder's cache exists only in the decode
    released = acc["kv_cache"] + acc["cross_attn_cache"] + acc["memory_bank"]  # `StreamState.release`
    return {"batch": {"block": diffusion + block, "prompt_switch": diffusion + switch,
                      "decode": resident - released + decode},
            "stream": {"block": resident + block, "prompt_switch": resident + switch, "decode": resident + decode}}


def memory_ledger(cfg: IAMFlowConfig, plugins: list[str] | None = None, transients: bool = True,
                  text_encoder: TextEncoderConfig | None = None, vae: bool = True, mode: str = "batch"
                  ) -> dict[str, Any]:
    """The ledger of `cfg` (see the module docstring); `plugins` default to `cfg.plugins`; `mode` (batch |
    stream) is the run whose peak `accelerator_bytes` gives (both are in `accelerator_bytes_by_mode`).

    `text_encoder` replaces the preset's encoder sizes and `vae=False` leaves the VAE out, for a caller
    that built other components (benchmarks/gpu_check.py's one-layer stand-in encoder, `--no-decode`)."""
    if mode not in MODES:
        raise ValueError(f"mode='{mode}' is not one of {', '.join(MODES)}")
    preset = get_preset(cfg.preset)
    dtypes = component_dtypes(cfg, preset)
    latent_hw = preset.latent_hw(cfg.height, cfg.width)
    plugins = list(cfg.plugins if plugins is None else plugins)
    est = memory_estimate(preset, cfg, bytes_per_element=dtypes["dit"].itemsize)
    dit = _dit(cfg, preset, dtypes["dit"])
    text = _text_encoder(cfg, text_encoder or preset.text_encoder, dtypes["text_encoder"])
    wan_vae = preset.codec == "wan-vae"  # the `toy` preset decodes with a tiny linear patch codec instead
    if not wan_vae:
        from memflow_ext.loaders.bundled import build_codec

        vae_bytes = module_bytes(build_codec(preset)) if vae else 0
    else:
        vae_bytes = module_bytes(meta_vae(preset.vae).to(dtypes["vae"])) if vae else 0
    text_bytes = module_bytes(text)
    text_block = max(module_bytes(b) for b in text.encoder.block)
    placement = cfg.text_encoder_placement
    fpb = cfg.num_frame_per_block
    frames = cfg.num_output_frames
    latent_frame = preset.transformer.in_dim * latent_hw[0] * latent_hw[1] * dtypes["dit"].itemsize
    geometry = _geometry(cfg, preset, latent_hw)
    entries = _plugin_entries(cfg, preset, plugins, geometry, dtypes["dit"], frames // fpb)
    owned = any(e.get("owns_memory_segment") for es in entries.values() for e in es)
    rope = dit.freqs.numel() * dit.freqs.element_size()
    acc: dict[str, Any] = {
        "dit_weights": module_bytes(dit) + rope,
        "text_encoder_weights": {"device": text_bytes, "cpu": 0, "offload": 0}[placement],
        "vae_weights": vae_bytes,
        "kv_cache": est["kv_cache_bytes"],
        "memory_bank": 0 if owned else est["memory_bank_bytes"],
        "cross_attn_cache": est["cross_attn_cache_bytes"],
        "noise_and_latents": 2 * frames * latent_frame,
        "plugins": {f"{p}: {e['name']}": int(e.get("device_bytes", 0)) for p, es in entries.items() for e in es},
    }
    video_frames = 1 + preset.vae.temporal_factor * (frames - 1)
    h_px, w_px = latent_hw[0] * preset.vae.spatial_factor, latent_hw[1] * preset.vae.spatial_factor
    host: dict[str, Any] = {
        "text_encoder_weights": 0 if placement == "device" else text_bytes,
        "decoded_video": video_frames * 3 * h_px * w_px * dtypes["vae"].itemsize if vae else 0,
        "plugins": {f"{p}: {e['name']}": int(e.get("host_bytes", 0)) for p, es in entries.items() for e in es},
    }
    transient: dict[str, int] = {}
    if transients:
        transient.update(_dit_transients(cfg, preset, dit, latent_hw, dtypes["dit"]))
        if vae and wan_vae:  # a patch codec's decode is one matmul per frame: not measured
            transient["vae_decode_block"], acc["vae_decode_cache"], on_host = _vae_transient(
                preset, dtypes["vae"], latent_hw, fpb, cfg.vae_cache)
            if on_host:
                host["vae_decode_cache"] = on_host
        transient["text_encode"] = _text_transient(text, preset.transformer.text_len, placement)
    plugin_transient = sum(int(e.get("transient_bytes", 0)) for es in entries.values() for e in es)
    largest = max(transient, key=lambda k: transient[k]) if transient else None
    resident = sum(v if isinstance(v, int) else sum(v.values()) for v in acc.values())
    phases = _phases(acc, resident, transient, plugin_transient)
    by_mode = {m: max(p.values()) for m, p in phases.items()}
    return {
        "accelerator_bytes": by_mode[mode],
        "mode": mode,
        "peak_phase": max(phases[mode], key=lambda k: phases[mode][k]),
        "accelerator_bytes_by_mode": by_mode,
        "phases": phases,
        "host_bytes": sum(v if isinstance(v, int) else sum(v.values()) for v in host.values()),
        "resident_accelerator_bytes": resident,
        "accelerator": acc,
        "host": host,
        "transient": {**transient, "largest": largest, "plugins_around_a_block": plugin_transient},
        "text_encoder": {"placement": placement, "bytes": text_bytes, "largest_block_bytes": text_block,
                         "dtype": str(dtypes["text_encoder"]).removeprefix("torch.")},
        "config": {"preset": preset.name, "height": h_px, "width": w_px, "dtype": cfg.dtype,
                   "num_output_frames": frames, "text_encoder_placement": placement, "quantize": cfg.quantize,
                   "quantize_text_encoder": cfg.quantize_text_encoder, "plugins": plugins,
                   "vae_cache": cfg.vae_cache, "ffn_chunk_frames": cfg.engine.ffn_chunk_frames,
                   "tokens_per_frame": geometry.tokens_per_frame, "codec": preset.codec},
    }


def format_ledger(ledger: dict[str, Any]) -> str:
    """The ledger as a text table (bytes and GiB)."""
    c = ledger["config"]
    lines = [f"memory ledger: preset {c['preset']}, {c['width']}x{c['height']}, {c['dtype']}, "
             f"text_encoder_placement={c['text_encoder_placement']}, quantize={c['quantize']}"
             + (" (+ text encoder int8)" if c["quantize_text_encoder"] else "")
             + f", vae_cache={c['vae_cache']}"
             + f", plugins: {','.join(c['plugins']) or 'none'}"]

    def row(name: str, v: int, indent: int = 2) -> str:
        return f"{' ' * indent}{name:<58s} {v:>16,d}  ({v / GIB:7.3f} GiB)"

    for side in ("accelerator", "host"):
        lines.append(f" {side}:")
        for k, v in ledger[side].items():
            if isinstance(v, dict):
                lines.extend(row(n, b, 4) for n, b in v.items())
            else:
                lines.append(row(k, v))
    t = ledger["transient"]
    lines.append(" transients on the accelerator (each counts in its phase, below):")
    lines.extend(row(k, v) for k, v in t.items() if isinstance(v, int))
    lines.append(" peak of each phase (batch: decode after the diffusion, caches released; stream: decode per block):")
    for m, ph in ledger["phases"].items():
        lines.extend(row(f"{m}: {k}", v) for k, v in ph.items())
    lines.append(row(f"accelerator_bytes ({ledger['mode']} run, peak at {ledger['peak_phase']})",
                     ledger["accelerator_bytes"], 1))
    lines.append(row("host_bytes", ledger["host_bytes"], 1))
    return "\n".join(lines)
