"""One text to one compressed clip, with Debian's espeak-ng (and lame).

Why these tools: espeak-ng speaks Swedish and English offline from a Debian
package, so no text ever leaves the machine; its WAV is 16-bit mono at
22 050 Hz (about 44 kB a second), so when Debian's ``lame`` is installed the
clip is encoded as MP3 at 32 kbit/s (4 kB a second, about a tenth), a format
every browser plays. Without lame the WAV is kept.

Safety: both programs run from an argument list (never a shell), the text
goes to espeak-ng on standard input (``--stdin``), so a text that starts
with ``-`` or holds shell characters is only ever spoken, and each run has a
timeout.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile

logger = logging.getLogger(__name__)

VOICES = {"sv": "sv", "en": "en"}
SPEED_WPM = "150"  # a little slower than espeak-ng's 175: easier to follow (forms.speech.VOICE_SCHEME)
MP3_BITRATE_KBPS = "32"


def available(command: str) -> str | None:
    """The full path of ``command`` when it can be run, else None."""
    return shutil.which(command) if command else None


def synthesise(text: str, language: str, *, espeak: str, lame: str | None, timeout: float) -> tuple[bytes, str]:
    """(audio bytes, extension) of ``text`` spoken in ``language``.

    Raises ``OSError`` or ``subprocess.SubprocessError`` when espeak-ng fails;
    an MP3 encoding failure falls back to the WAV.
    """
    with tempfile.TemporaryDirectory(prefix="medverkan-speech-") as work:
        wav = os.path.join(work, "clip.wav")
        subprocess.run(
            [espeak, "-v", VOICES[language], "-s", SPEED_WPM, "-b", "1", "--stdin", "-w", wav],
            input=text.encode("utf-8"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=timeout, check=True,
        )
        if lame:
            mp3 = os.path.join(work, "clip.mp3")
            try:
                subprocess.run(
                    [lame, "--quiet", "-m", "m", "-b", MP3_BITRATE_KBPS, wav, mp3],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, check=True,
                )
                with open(mp3, "rb") as file:
                    return file.read(), ".mp3"
            except (OSError, subprocess.SubprocessError) as error:
                logger.warning("lame could not encode a clip (%s); keeping the WAV", error)
        with open(wav, "rb") as file:
            return file.read(), ".wav"
