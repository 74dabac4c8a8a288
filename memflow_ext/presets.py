"""Model presets: every architecture size the engine uses comes from one of these.

`tiny` and `small` have random (seeded) weights and need no files; `wan2.1-t2v-1.3b` is the real
architecture (weights come from local files, see `memflow_ext/loaders/`). Tokens per frame, layer count and head
size are all derived from a preset plus the video size, never written into engine code.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WanTransformerConfig:
    """Constructor arguments of the Wan DiT, with upstream Wan's names."""

    model_type: str = "t2v"
    patch_size: tuple[int, int, int] = (1, 2, 2)
    text_len: int = 512
    in_dim: int = 16
    dim: int = 1536
    ffn_dim: int = 8960
    freq_dim: int = 256
    text_dim: int = 4096
    out_dim: int = 16
    num_heads: int = 12
    num_layers: int = 30
    qk_norm: bool = True
    cross_attn_norm: bool = True
    eps: float = 1e-6
    rope_max_len: int = 1024  # rows of the RoPE table (max latent frames / grid side)
    # sinusoidal frequencies per grid axis of each token's (row, column), added to the patch tokens through
    # a learned projection: an absolute place in the frame, which RoPE (relative) and the unpadded patch
    # embedding never give. 0: none, as in Wan (its checkpoints have no such weights)
    grid_pos_freqs: int = 0
    # a learned vector per text position, added to the embedded prompt: where a word stands in the prompt
    # (which clause it belongs to). A trained UMT5 writes word order into its outputs; an encoder frozen at
    # random weights with only relative position biases barely does. False: none, as in Wan
    text_pos_embed: bool = False

    @property
    def head_dim(self) -> int:
        return self.dim // self.num_heads


@dataclass(frozen=True)
class TextEncoderConfig:
    """A UMT5 encoder (transformers `UMT5Config` fields) and where its tokenizer comes from."""

    vocab_size: int = 256384
    d_model: int = 4096
    d_kv: int = 64
    num_heads: int = 64
    d_ff: int = 10240
    num_layers: int = 24
    relative_attention_num_buckets: int = 32
    feed_forward_proj: str = "gated-gelu"
    tokenizer: str = "folder"  # "byt5": built in, needs no files; "folder": a local tokenizer folder


@dataclass(frozen=True)
class VAEConfig:
    """diffusers `AutoencoderKLWan` constructor arguments."""

    base_dim: int = 96
    z_dim: int = 16
    dim_mult: tuple[int, ...] = (1, 2, 4, 4)
    num_res_blocks: int = 2
    temperal_downsample: tuple[bool, ...] = (False, True, True)

    @property
    def spatial_factor(self) -> int:
        return 2 ** (len(self.dim_mult) - 1)

    @property
    def temporal_factor(self) -> int:
        return 2 ** sum(self.temperal_downsample)


@dataclass(frozen=True)
class Preset:
    name: str
    transformer: WanTransformerConfig
    text_encoder: TextEncoderConfig
    vae: VAEConfig
    height: int  # default video size in pixels
    width: int
    random_weights: bool
    init_seed: int = 1234
    description: str = ""
    extra: dict = field(default_factory=dict)
    # a package-data file (relative to `memflow_ext.loaders`) holding every component's weights: the DiT,
    # the text encoder and the codec's statistics (the `toy` preset); None: random weights or `weights_dir`
    bundled_weights: str | None = None
    codec: str = "wan-vae"  # "wan-vae" | "patch-pca" (memflow_ext.models.codec.PatchPCACodec)

    def latent_hw(self, height: int | None = None, width: int | None = None) -> tuple[int, int]:
        h, w = height or self.height, width or self.width
        f = self.vae.spatial_factor
        if h % f or w % f:
            raise ValueError(f"video size {h}x{w} must be a multiple of the VAE's spatial factor {f}")
        return h // f, w // f


TINY = Preset(
    name="tiny",
    transformer=WanTransformerConfig(
        text_len=128, in_dim=16, dim=64, ffn_dim=128, freq_dim=32, text_dim=32, out_dim=16,
        num_heads=2, num_layers=2,
    ),
    text_encoder=TextEncoderConfig(
        vocab_size=384, d_model=32, d_kv=8, num_heads=4, d_ff=64, num_layers=2, tokenizer="byt5"
    ),
    vae=VAEConfig(base_dim=4),
    height=64,
    width=64,
    random_weights=True,
    description="random weights; the whole pipeline on a laptop CPU in seconds",
)

SMALL = Preset(
    name="small",
    transformer=WanTransformerConfig(
        text_len=128, in_dim=16, dim=1024, ffn_dim=4096, freq_dim=64, text_dim=64, out_dim=16,
        num_heads=8, num_layers=8,
    ),
    text_encoder=TextEncoderConfig(
        vocab_size=384, d_model=64, d_kv=16, num_heads=4, d_ff=128, num_layers=2, tokenizer="byt5"
    ),
    vae=VAEConfig(base_dim=4),  # a light VAE: at this size diffusion dominates, as at real scale
    height=128,
    width=128,
    random_weights=True,
    description="random weights; large enough that diffusion dominates, for CPU benchmarks",
)

WAN_1_3B = Preset(
    name="wan2.1-t2v-1.3b",
    transformer=WanTransformerConfig(),
    text_encoder=TextEncoderConfig(),
    vae=VAEConfig(),
    height=480,
    width=832,
    random_weights=False,
    description="Wan2.1-T2V-1.3B; weights from local files",
)

TOY = Preset(
    name="toy",
    transformer=WanTransformerConfig(
        text_len=128, in_dim=16, dim=96, ffn_dim=256, freq_dim=64, text_dim=32, out_dim=16,
        num_heads=2, num_layers=3, grid_pos_freqs=4, text_pos_embed=True,
    ),
    # the tiny preset's text encoder, frozen at its seeded random weights (shipped, not re-drawn)
    text_encoder=TINY.text_encoder,
    # the codec's factors: spatial x8, temporal x1 (a `PatchPCACodec`, not a Wan VAE, is built)
    vae=VAEConfig(base_dim=4, z_dim=16, dim_mult=(1, 1, 1, 1), temperal_downsample=(False, False, False)),
    height=64,
    width=64,
    random_weights=False,
    description="trained on the toy world of coloured shapes (memflow_ext/toy); weights shipped in the package",
    bundled_weights="bundled/toy.safetensors",
    codec="patch-pca",
)

PRESETS: dict[str, Preset] = {p.name: p for p in (TINY, SMALL, WAN_1_3B, TOY)}


def get_preset(name: str) -> Preset:
    if name not in PRESETS:
        raise KeyError(f"unknown preset '{name}'; valid presets: {', '.join(sorted(PRESETS))}")
    return PRESETS[name]
