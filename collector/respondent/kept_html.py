"""What the respondent pages' HTML caches share: a bounded, locked LRU and
the part of a key that describes where and with what speech a page is drawn.

``question_cache`` keeps a question's HTML per answer state and
``page_cache`` a whole page as first seen; both key on the same
surroundings: the mount point (``request.script_root``, in every address
the HTML holds), the speech folder and its state
(``speech.store.clips_stamp``: a player appears once its clip is made).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app
from flask import request

from collector.speech.store import clips_stamp


class BoundedCache(OrderedDict):
    """A least-recently-used dict of at most ``size`` entries, safe under a threaded server
    (flask run, gthread): nothing is evicted between a look-up and its move to the end."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self._lock = threading.Lock()

    def lookup(self, key):
        with self._lock:
            value = self.get(key)
            if value is not None:
                self.move_to_end(key)
            return value

    def keep(self, key, value) -> None:
        with self._lock:
            self[key] = value
            if len(self) > self.size:
                self.popitem(last=False)


def surroundings() -> tuple | None:
    """(mount point, speech folder, its state), or None while the speech folder is changing."""
    audio_folder = current_app.config["AUDIO_FOLDER"]
    speech = clips_stamp(audio_folder)
    if speech is None:
        return None
    return (request.script_root, audio_folder, speech)
