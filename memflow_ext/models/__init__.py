"""Model components: the causal Wan DiT with its attention and RoPE, the UMT5 text encoder, the Wan VAE."""
