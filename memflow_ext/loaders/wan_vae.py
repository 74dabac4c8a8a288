"""The Wan VAE: `Wan2.1_VAE.pth` renamed as diffusers does and loaded into `AutoencoderKLWan`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import torch

from memflow_ext.loaders.tensors import (
    SHOW,
    TensorSource,
    WeightsError,
    check_tensors,
    meta_shapes,
    tensor_dict,
    torch_load,
)
from memflow_ext.presets import VAEConfig

# Wan's fixed per-channel latent normalisation (wan/modules/vae.py; equal to diffusers' defaults).
WAN_LATENTS_MEAN = (-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
                    0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921)
WAN_LATENTS_STD = (2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
                   3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160)


def meta_vae(vc: VAEConfig):
    from diffusers import AutoencoderKLWan

    with torch.device("meta"):
        return AutoencoderKLWan(
            base_dim=vc.base_dim, z_dim=vc.z_dim, dim_mult=list(vc.dim_mult), num_res_blocks=vc.num_res_blocks,
            temperal_downsample=list(vc.temperal_downsample), latents_mean=list(WAN_LATENTS_MEAN),
            latents_std=list(WAN_LATENTS_STD), scale_factor_temporal=vc.temporal_factor,
            scale_factor_spatial=vc.spatial_factor,
        )


def vae_name_map(original_names: Iterable[str], label: str = "VAE") -> dict[str, str]:
    """diffusers name -> original Wan name, as diffusers' `convert_wan_vae_to_diffusers` renames them."""
    from diffusers.loaders.single_file_utils import convert_wan_vae_to_diffusers

    names = list(original_names)
    converted = convert_wan_vae_to_diffusers({n: n for n in names})  # the converter only moves values
    if len(converted) != len(names):
        seen: dict[str, str] = {}
        clashes = []
        for n in names:
            d = convert_wan_vae_to_diffusers({n: n})
            (dn,) = d.keys()
            if dn in seen:
                clashes.append(f"{seen[dn]} and {n}")
            seen[dn] = n
        raise WeightsError(f"{label}: {len(clashes)} pairs of tensors map to the same diffusers name "
                           f"(first: {'; '.join(clashes[:SHOW])})")
    return dict(converted)


def open_vae(path: Path, vc: VAEConfig, label: str) -> TensorSource:
    raw = TensorSource.from_dict(label, tensor_dict(torch_load(path, label), label, "a Wan VAE state dict"))
    new_to_old = vae_name_map(raw.keys(), label)
    src = raw.renamed(new_to_old)
    expected = meta_shapes(meta_vae(vc))
    check_tensors(expected, src.shapes, label, f"the Wan VAE (base_dim {vc.base_dim}, z_dim {vc.z_dim})",
                  display=lambda k: new_to_old.get(k, f"{k} (diffusers name)"))
    return src


def load_vae(src: TensorSource, vc: VAEConfig, device: torch.device | str, dtype: torch.dtype):
    """Materialise the `WanVAE` from a checked diffusers-named source."""
    from memflow_ext.models.vae import WanVAE

    vae = meta_vae(vc)
    expected = meta_shapes(vae)
    check_tensors(expected, src.shapes, src.label, f"the Wan VAE (base_dim {vc.base_dim}, z_dim {vc.z_dim})")
    with torch.no_grad():
        vae.load_state_dict({k: src[k].to(device=device, dtype=dtype) for k in expected}, strict=True, assign=True)
    vae.requires_grad_(False)
    return WanVAE(vae.eval(), temporal_factor=vc.temporal_factor, spatial_factor=vc.spatial_factor)

