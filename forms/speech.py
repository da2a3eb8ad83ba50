"""What is read aloud in a questionnaire, and the file name of each spoken text.

Why here (``forms`` imports nothing of the project): the collector generates
the speech when a version is published (``collector.speech``) and the
XLSForm writer names the same files in ``media::audio`` columns, while the
reader must recognise those names when an exported workbook comes back, so
both sides need one rule.

A clip is named by what it says: ``<language>-<32 hex digits>.<mp3|wav>``,
the digits from SHA-256 of the voice scheme, the language and the text. The
same text in two questions (the agreement scale's options repeat on every
Likert question) is one file, a published version's clips never change, and
a name cannot be guessed without knowing the text it speaks (so serving
clips publicly discloses nothing that is not already known to the asker).

The XLSForm author's own ``media::audio`` file names are kept in the
question's text dict and the choice's label dict under :func:`audio_key`
(next to ``sv`` and ``en``, as ``forms.xlsform.choices`` keeps a choice's
text name), because those dicts are stored verbatim with the definition.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from forms.model import LANGUAGES
from forms.model import Instrument
from forms.model import Text

# Change this when the voice or its settings change: every clip gets a new
# name, so a new version's speech never mixes with the old.
VOICE_SCHEME = "espeak-ng/1;speed=150"
EXTENSIONS = (".mp3", ".wav")
CLIP_NAME = re.compile(r"^(?:sv|en)-[0-9a-f]{32}\.(?:mp3|wav)$")
_AUDIO_PREFIX = "audio::"


def clip_stem(language: str, text: str) -> str:
    """The file name, without extension, of ``text`` spoken in ``language``."""
    digest = hashlib.sha256(f"{VOICE_SCHEME}\n{language}\n{text}".encode()).hexdigest()
    return f"{language}-{digest[:32]}"


def is_generated_name(name: str, language: str, text: str) -> bool:
    """True when ``name`` is the generated clip of ``text`` (an exported workbook coming back)."""
    stem = clip_stem(language, text)
    return name in {stem + extension for extension in EXTENSIONS}


def audio_key(language: str) -> str:
    """The key under which a text dict keeps the author's own audio file name."""
    return _AUDIO_PREFIX + language


def audio_reference(texts: Text | None, language: str) -> str | None:
    """The author's own audio file name for ``language`` kept in ``texts``, if any."""
    return (texts or {}).get(audio_key(language)) or None


def without_audio(texts: Text | None) -> Text | None:
    """``texts`` without the audio file names: what a reader sees (version diffs compare this)."""
    if texts is None:
        return None
    return {key: value for key, value in texts.items() if not key.startswith(_AUDIO_PREFIX)}


def spoken_texts(instrument: Instrument) -> Iterator[tuple[str, str]]:
    """(language, text) of everything read aloud, each once: intros, questions, options.

    Screening and ranking items (the applicants' pseudonyms) belong to a
    process, not to the version, and are not spoken; the screening scale's
    options are.
    """
    seen: set[tuple[str, str]] = set()

    def emit(texts: Text | None):
        for language in LANGUAGES:
            text = ((texts or {}).get(language) or "").strip()
            if text and (language, text) not in seen:
                seen.add((language, text))
                yield language, text

    yield from emit(instrument.intro)
    for page in instrument.pages:
        yield from emit(page.intro)
        for question in page.questions:
            yield from emit(question.text)
            for label in question.value_labels().values():
                yield from emit(label)
