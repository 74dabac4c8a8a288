"""The `profile` plugin: per-phase, per-block, per-prompt and per-chunk timing of each video.

`plugin.ProfilePlugin` holds the hook implementations, `report.render_report` turns a profile
(the content of profile.json) into the report text.
"""

from .plugin import ProfilePlugin, build_profile, make_plugin
from .report import render_report

__all__ = ["ProfilePlugin", "build_profile", "make_plugin", "render_report"]
