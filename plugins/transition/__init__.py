"""The transition plugin: blends the text conditioning over a few blocks after each prompt switch.

Modules: `config` (the `transition:` section), `blend` (weights, linear / spherical blends, prompt
distance), `plugin` (hooks).
"""

from .blend import adaptive_blocks, blend, block_weights, prompt_distance
from .config import TransitionConfig
from .plugin import TransitionPlugin

__all__ = ["TransitionConfig", "TransitionPlugin", "adaptive_blocks", "blend", "block_weights", "prompt_distance"]
