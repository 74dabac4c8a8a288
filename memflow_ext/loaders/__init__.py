"""Real checkpoints: the released Wan2.1-T2V-1.3B folder plus MemFlow's `base.pt` / `lora.pt`.

Files under `weights_dir` (the Wan2.1-T2V-1.3B folder exactly as released):

=========================================  ==========================================================
``diffusion_pytorch_model.safetensors``    Wan DiT, original Wan names (825 tensors)
``config.json``                            the DiT's constructor arguments (class ``WanModel``)
``models_t5_umt5-xxl-enc-bf16.pth``        UMT5-XXL encoder with Wan's names (242 tensors, bf16)
``Wan2.1_VAE.pth``                         Wan VAE with the original names (194 tensors)
``google/umt5-xxl/``                       the tokenizer folder
=========================================  ==========================================================

MemFlow's `generator_ckpt` (``base.pt``) replaces the DiT weights entirely; its `lora_ckpt`
(``lora.pt``) is merged into them with scale ``adapter.alpha / adapter.rank`` (always merged: the
engine runs plain Linear layers, so a merged LoRA costs nothing at inference time).

Every file is opened and checked (names and shapes, memory-mapped where the format allows) before
any model is materialised, so a bad file stops the run before the first large allocation and before
generation. Models are built on the ``meta`` device and the checked tensors are assigned directly
(no random initialisation, no second copy). Errors name the file, the config key that points at it
and the first offending tensor names with counts.

``python -m memflow_ext.loaders check [--config FILE] [key=value ...]`` checks a weights folder
without building anything; ``python -m memflow_ext.loaders memory`` prints the memory estimate.
"""

from __future__ import annotations

from memflow_ext.loaders.components import check_real_weights, load_real_components
from memflow_ext.loaders.estimate import lora_parameter_count, memory_estimate, parameter_counts
from memflow_ext.loaders.files import (
    DIT_CONFIG_FILE,
    DIT_FILE,
    DIT_INDEX_FILE,
    T5_FILE,
    TOKENIZER_DIR,
    VAE_FILE,
    WanFiles,
    locate_files,
)
from memflow_ext.loaders.lora import LORA_TARGETS, LoRAWeights, check_lora, lora_targets, merge_lora, read_lora
from memflow_ext.loaders.memflow_checkpoint import generator_state_dict, load_generator_state
from memflow_ext.loaders.tensors import (
    ALLOW_PICKLE_ENV,
    TensorSource,
    WeightsError,
    WeightsNotFoundError,
    check_tensors,
    meta_shapes,
    open_safetensors,
    torch_load,
)
from memflow_ext.loaders.umt5 import (
    load_text_encoder,
    meta_umt5,
    umt5_config,
    umt5_expected_wan_shapes,
    umt5_key_map,
)
from memflow_ext.loaders.wan_dit import arch_from_state_dict, check_dit_config, infer_arch, load_dit, meta_dit
from memflow_ext.loaders.wan_vae import WAN_LATENTS_MEAN, WAN_LATENTS_STD, load_vae, meta_vae, vae_name_map

__all__ = [
    "ALLOW_PICKLE_ENV", "DIT_CONFIG_FILE", "DIT_FILE", "DIT_INDEX_FILE", "LORA_TARGETS", "T5_FILE", "TOKENIZER_DIR",
    "VAE_FILE", "WAN_LATENTS_MEAN", "WAN_LATENTS_STD", "LoRAWeights", "TensorSource", "WanFiles", "WeightsError",
    "WeightsNotFoundError", "arch_from_state_dict", "check_dit_config", "check_lora", "check_real_weights",
    "check_tensors", "generator_state_dict", "infer_arch", "load_dit", "load_generator_state", "load_real_components",
    "load_text_encoder", "load_vae", "locate_files", "lora_parameter_count", "lora_targets", "memory_estimate",
    "merge_lora", "meta_dit", "meta_shapes", "meta_umt5", "meta_vae", "open_safetensors", "parameter_counts",
    "read_lora", "torch_load", "umt5_config", "umt5_expected_wan_shapes", "umt5_key_map", "vae_name_map",
]
