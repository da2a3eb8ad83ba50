"""``media::audio`` columns: the author's own audio file names, kept and written back.

XLSForm names a question's or a choice's audio file in ``media::audio``
(``media::audio::Svenska (sv)`` per language); the files themselves travel
beside the form (ODK's media folder). Medverkan speaks every text itself
(espeak-ng, ``collector.speech``), so on import a file name is kept, not
played: in the question's text dict and the choice's label dict under
``forms.speech.audio_key(language)``, and written back to the same column on
export, so a round trip loses nothing. A name that is the generated clip of
that very text (an exported workbook coming back) is not kept: it is
Medverkan's own speech and is made again from the text. A column without a
language belongs to the form's default language (else Swedish), never to
both: one recording does not speak two languages.
"""

from __future__ import annotations

from collections.abc import Callable

from forms.model import LANGUAGES
from forms.speech import audio_key
from forms.speech import audio_reference
from forms.speech import is_generated_name
from forms.xlsform.sheets import LANGUAGE_NAMES
from forms.xlsform.sheets import Sheet

COLUMN = "audio"

# (language, text) -> the generated clip's file name, or None when it was not made.
ClipNamer = Callable[[str, str], "str | None"]


def audio_columns() -> list[str]:
    return [f"media::audio::{LANGUAGE_NAMES[lang]}" for lang in LANGUAGES]


def read_references(sheet: Sheet, row: dict, texts: dict[str, str]) -> dict[str, str]:
    """{audio_key(lang): file name} of a row's audio cells, without generated names."""
    present = sheet.languages.get(COLUMN, [])
    found: dict[str, str] = {}
    for language in LANGUAGES:
        sources = [language]
        if None in present and (sheet.default_language or "sv") == language:
            sources.append(None)
        name = next((row.get((COLUMN, source), "") for source in sources if row.get((COLUMN, source))), "")
        if name and not is_generated_name(name, language, texts.get(language, "")):
            found[audio_key(language)] = name
    return found


def write_references(row: dict, texts: dict | None, namer: ClipNamer | None) -> None:
    """Fill a survey row's audio columns: the author's name, else the generated clip's."""
    for language, column in zip(LANGUAGES, audio_columns()):
        name = audio_reference(texts, language)
        if name is None and namer is not None and texts and texts.get(language):
            name = namer(language, texts[language])
        if name:
            row[column] = name


def choice_cells(texts: dict, namer: ClipNamer | None) -> list[str]:
    """A choice row's audio cells, in :func:`audio_columns` order."""
    row: dict = {}
    write_references(row, texts, namer)
    return [row.get(column, "") for column in audio_columns()]
