"""Where the speech of published versions lives, how it is made, how pages find it.

Why files in the instance folder and not the databases: audio is not
personal data, but a version's clips are a few hundred kilobytes to a few
megabytes, and the served database is copied to Datasette users and
backups; BLOBs would bloat it for nothing Datasette shows. The folder
(``AUDIO_FOLDER``, default ``<instance>/audio``) holds

* ``clips/<language>-<hash>.<mp3|wav>``: one file per spoken text, named by
  what it says (``forms.speech.clip_stem``), shared by every version that
  says the same thing (the agreement scale's options are made once);
* ``versions/<key>-v<version>[-<department>].json``: per published version,
  its definition hash and the clip of each of its texts per language: the
  record of what was generated with that version.

A clip is made once and never rewritten, so a published version's speech is
frozen with it; ``medverkan instruments audio`` makes the missing ones
(versions published before this existed, or while espeak-ng was missing).
The folder can be rebuilt from the databases with that command, so backups
need not carry it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from collector.speech.synth import available
from collector.speech.synth import synthesise
from forms.model import Instrument
from forms.speech import EXTENSIONS
from forms.speech import VOICE_SCHEME
from forms.speech import clip_stem
from forms.speech import spoken_texts

logger = logging.getLogger(__name__)

CONTENT_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav"}
PARALLEL_CLIPS = max(1, min(4, os.cpu_count() or 1))


@dataclasses.dataclass
class Generated:
    """What one generation run did, for the command's and the log's line."""

    made: int = 0
    reused: int = 0
    failed: int = 0
    missing_tool: str | None = None

    @property
    def clips(self) -> int:
        return self.made + self.reused


def clips_folder(audio_folder: str) -> str:
    return os.path.join(audio_folder, "clips")


def manifest_path(audio_folder: str, instrument: Instrument) -> str:
    suffix = f"-{instrument.department}" if instrument.department else ""
    return os.path.join(audio_folder, "versions", f"{instrument.key}-v{instrument.version}{suffix}.json")


# A folder's listing is trusted only once its last change is this old: a
# file system with coarse modification times could otherwise give a clip
# written just after the listing the same folder time as the listing.
_SETTLED_NS = 1_000_000_000
_listings: dict[str, tuple[tuple[int, int], frozenset[str]]] = {}


def _folder_state(folder: str) -> tuple[tuple[int, int], bool] | None:
    """(modification time and inode, settled?) of ``folder``, or None when there is none.

    Settled: its last change is older than ``_SETTLED_NS``, so nothing read
    from it now can miss a change that keeps the same modification time.
    """
    try:
        status = os.stat(folder)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_ino), time.time_ns() - status.st_mtime_ns >= _SETTLED_NS


def clips_stamp(audio_folder: str) -> tuple | None:
    """What the clips folder holds, as a stamp that changes with it; None while it is changing.

    ``("absent",)`` when no speech was made. A page cached by this stamp
    (``collector.respondent.page_cache``) shows exactly the players it would
    show when rendered again. None when the folder changed within the last
    second: nothing may be cached by it yet.
    """
    state = _folder_state(clips_folder(audio_folder))
    if state is None:
        return ("absent",)
    stamp, settled = state
    return stamp if settled else None


def _clip_names(folder: str) -> frozenset[str]:
    """The file names in the clips folder, listed again only when the folder changed.

    Every question on a page asks for its clip (``speech.views.spoken``):
    two ``stat`` calls per question and page, a tenth of a cached page's
    CPU (bench/whole_questionnaire.py). Clips are only ever added or
    removed as whole files (``_write_atomically`` renames them in), which
    changes the folder's own modification time, so one ``stat`` of the
    folder per question says whether the listing still holds.
    """
    state = _folder_state(folder)
    if state is None:
        return frozenset()
    stamp, settled = state
    known = _listings.get(folder)
    if known is not None and known[0] == stamp:
        return known[1]
    names = frozenset(os.listdir(folder))
    if settled:
        _listings[folder] = (stamp, names)
    return names


def existing_clip(audio_folder: str, language: str, text: str) -> str | None:
    """The file name of ``text``'s clip in ``language`` when it has been made."""
    names = _clip_names(clips_folder(audio_folder))
    if not names:
        return None
    stem = clip_stem(language, text.strip())
    for extension in EXTENSIONS:
        if stem + extension in names:
            return stem + extension
    return None


def clip_namer(audio_folder: str):
    """``(language, text) -> clip file name or None``, for the XLSForm export's media::audio columns."""
    return lambda language, text: existing_clip(audio_folder, language, text)


def _write_atomically(folder: str, name: str, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, os.path.join(folder, name))
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def generate(
    instrument: Instrument, audio_folder: str, *, espeak_command: str, lame_command: str | None, timeout: float,
    definition_sha256: str | None = None,
) -> Generated:
    """Make the clips ``instrument`` lacks and write its version's record.

    Without espeak-ng nothing is made (the pages then show no players) and
    the reason is logged; a text espeak-ng fails on is counted and logged,
    the others are still made.
    """
    result = Generated()
    espeak = available(espeak_command)
    if espeak is None:
        result.missing_tool = espeak_command
        logger.warning(
            "%s is not installed: %s version %s is published without speech "
            "(install espeak-ng, then run `medverkan instruments audio`)",
            espeak_command, instrument.key, instrument.version,
        )
        return result
    lame = available(lame_command) if lame_command else None
    folder = clips_folder(audio_folder)
    os.makedirs(folder, exist_ok=True)
    clips: dict[str, dict[str, str]] = {}
    missing: list[tuple[str, str]] = []
    for language, text in spoken_texts(instrument):
        name = existing_clip(audio_folder, language, text)
        if name is None:
            missing.append((language, text))
        else:
            result.reused += 1
            clips.setdefault(language, {})[text] = name

    def make(item: tuple[str, str]) -> tuple[str, str, str | None]:
        language, text = item
        try:
            data, extension = synthesise(text, language, espeak=espeak, lame=lame, timeout=timeout)
        except (OSError, subprocess.SubprocessError) as error:
            logger.warning("espeak-ng could not speak a %s text of %s: %s", language, instrument.key, error)
            return language, text, None
        name = clip_stem(language, text) + extension
        _write_atomically(folder, name, data)
        return language, text, name

    # Each clip is two short processes: run a few at once (most of the time is start-up).
    with ThreadPoolExecutor(max_workers=PARALLEL_CLIPS) as pool:
        for language, text, name in pool.map(make, missing):
            if name is None:
                result.failed += 1
            else:
                result.made += 1
                clips.setdefault(language, {})[text] = name
    record = {
        "key": instrument.key, "version": instrument.version, "department": instrument.department,
        "definition_sha256": definition_sha256, "voice": VOICE_SCHEME, "clips": clips,
    }
    path = manifest_path(audio_folder, instrument)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _write_atomically(os.path.dirname(path), os.path.basename(path), json.dumps(record, ensure_ascii=False, indent=1).encode())
    return result


def generate_with_config(config, instrument: Instrument, definition_sha256: str | None = None) -> Generated:
    """:func:`generate` with the app's settings; never raises: publishing must not fail for speech."""
    try:
        return generate(
            instrument, config["AUDIO_FOLDER"], espeak_command=config["ESPEAK_NG_COMMAND"],
            lame_command=config["LAME_COMMAND"], timeout=float(config["SPEECH_TIMEOUT_SECONDS"]),
            definition_sha256=definition_sha256,
        )
    except Exception:  # disk full, permissions: the version is published all the same
        logger.exception("Speech for %s version %s could not be stored", instrument.key, instrument.version)
        return Generated(failed=1)
