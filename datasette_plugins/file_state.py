"""Values read from an SQLite file, kept until the file changes.

Datasette asks for metadata about thirty times a page and checks a
permission for every table it lists; answering each question by opening the
file and querying it cost most of a page's server time. A value kept here is
reused while ``os.stat`` of the file and of its ``-wal`` (inode, size,
modification time) is unchanged: every committed write changes one of them
(WAL mode appends to the -wal or rewrites it after a checkpoint; rollback
mode writes the file itself; a restore puts a new inode in place).

Modification times are only as fine as the kernel's clock tick (milliseconds;
a second on some filesystems), so a write in the same tick as the stat that
was checked, leaving the size alone, would look like no change. As git does
with "racily clean" index entries, a state is trusted only when it was
checked more than ``SETTLED_AFTER_NS`` after the file's last change; until
then every call reads the file again (what every call did before).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

# Well above a kernel clock tick (at most 10 ms) and the one-second
# timestamps of older filesystems (ext3, HFS+).
SETTLED_AFTER_NS = 1_000_000_000


def signature(path: str) -> tuple:
    """(inode, size, mtime_ns) of the file and of its -wal; None for one that does not exist.

    An empty -wal counts as none: it holds no change (the first reader of a
    WAL file creates one, which would otherwise look like a write).
    """
    state = []
    for name in (path, path + "-wal"):
        try:
            stat = os.stat(name)
        except OSError:
            state.append(None)
        else:
            empty_wal = name != path and stat.st_size == 0
            state.append(None if empty_wal else (stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(state)


def last_change_ns(state: tuple) -> int:
    return max((entry[2] for entry in state if entry is not None), default=0)


class FileCache:
    """Per file: values by key, dropped whenever the file's signature changes.

    ``get(path, key, compute)`` returns ``compute()``'s value for that key,
    computing it again when the file has changed since, or had changed too
    recently to trust its signature. Exceptions from ``compute`` propagate
    and nothing is kept.
    """

    def __init__(self) -> None:
        self._files: dict[str, tuple[tuple, bool, dict]] = {}
        self._lock = threading.Lock()

    def get(self, path: str, key: Any, compute: Callable[[], Any]) -> Any:
        checked_ns = time.time_ns()
        state = signature(path)
        settled = last_change_ns(state) < checked_ns - SETTLED_AFTER_NS
        with self._lock:
            known = self._files.get(path)
            if known is None or known[0] != state or not known[1]:
                known = (state, settled, {})
                self._files[path] = known
            if key in known[2]:
                return known[2][key]
        value = compute()
        with self._lock:
            # Kept under the signature taken *before* the file was read: a
            # write in between changes the signature, so the value is read again.
            if self._files.get(path) is known:
                known[2][key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
