"""The storyboard plugin: one picture per video (`storyboard.png` / `.jpg` and `storyboard.json`).

Modules: `config` (the `storyboard:` section), `facts` (what the finished run tells: prompt segments,
entity chips, memory changes), `layout` (the picture as JSON with every pixel box), `draw` (painting
it with Pillow), `text` (the built-in font), `colours` (one colour per entity ID), `plugin` (hooks).
"""

from .config import StoryboardConfig
from .plugin import StoryboardPlugin

__all__ = ["StoryboardConfig", "StoryboardPlugin"]
