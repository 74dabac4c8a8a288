"""The identity-aware memory plugin: archives the best frame of each evicted chunk under the entity IDs it
shows, keeps the best frames as active memory in the model's memory segment, and at every prompt switch
retrieves the frames that cover the new prompt's entities.

Modules: `settings` (the `memory:` config section), `entities` (the agent's entities as token
weights), `scoring` (frame scores from cache keys), `archive` (bounded frame storage and its
eviction policy), `retrieval` (set cover + top-up), `bank` (one video's memory), `plugin` (hooks).
"""

from .archive import ArchivedFrame, FrameArchive, choose_victim
from .bank import MemoryBank
from .retrieval import Selection, select_frames
from .settings import MemorySettings

__all__ = ["ArchivedFrame", "FrameArchive", "MemoryBank", "MemorySettings", "Selection", "choose_victim",
           "select_frames"]
