"""`mapping.json`, the per-video file several plugins write into, one top-level section each.

The agent writes `global_registry`; the memory plugin writes `frame_archive`,
`frame_active_memory` and `memory_retrieval`. Each writer reads the file as it is, replaces its
own section and writes the whole file back atomically, so sections of other plugins survive
whatever order the plugins run in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loguru import logger

from hooks.run import RunState
from memflow_ext.io_utils import atomic_write_json

MAPPING_FILE = "mapping.json"


def update_mapping_json(run: RunState, section_name: str, data: object) -> Path | None:
    """Set `section_name` of `run.output_dir/mapping.json` to `data` (JSON-serialisable).

    Returns the file's path, or None when the run has no output folder (nothing is written).
    """
    return update_mapping_sections(run, {section_name: data})


def update_mapping_sections(run: RunState, sections: dict[str, Any]) -> Path | None:
    """Set several sections of mapping.json in one read and one atomic write."""
    folder = run.output_dir
    if folder is None:
        return None
    path = folder / MAPPING_FILE
    content: dict[str, Any] = {}
    if path.is_file():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            logger.warning(f"{path} is unreadable ({e}); it is rewritten with the new sections only")
        else:
            if isinstance(loaded, dict):
                content = loaded
            else:
                logger.warning(f"{path} does not hold a JSON object; it is rewritten with the new sections only")
    content.update(sections)
    atomic_write_json(path, content)
    run.files[MAPPING_FILE] = path
    return path
