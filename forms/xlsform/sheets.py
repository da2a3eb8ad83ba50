"""Reading the sheets as the XLSForm specification writes them, not only as Medverkan does.

pyxform's ``get_xlsform`` gives the raw rows (header text as written);
real forms spell the same thing several ways: ``begin group`` and
``begin_group``, ``list name`` and ``list_name``, ``label:English`` and
``label::English (en)``, ``bind:relevant``, upper-case headers. This module
turns every spelling into one: normalised column names, a language per
column, normalised types. The aliases are pyxform's own
(``pyxform.aliases``), so Medverkan reads what ODK and KoboToolbox read.

Languages: Medverkan needs every text in Swedish and English. A column
without a language (``label``), or in another language, fills a target
language only when the sheet has no column at all in that language, in this
order: the settings' ``default_language``, the column without a language,
the other target language, then the first other language. A sheet that has
a Swedish column but leaves a row's Swedish cell empty is a problem for that
row, as before.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from forms.model import LANGUAGES

LANGUAGE_NAMES = {"sv": "Svenska (sv)", "en": "English (en)"}
_LANGUAGE_WORDS = {
    "sv": {"sv", "swe", "svenska", "swedish"},
    "en": {"en", "eng", "english", "engelska"},
}
# Columns whose header may carry a language (``label::English (en)``).
TRANSLATABLE = {
    "label", "hint", "guidance_hint", "required_message", "constraint_message", "title", "intro",
    "medverkan_title", "medverkan_intro", "image", "big-image", "audio", "video",
}
_COLUMN_ALIASES = {
    "list name": "list_name",
    "caption": "label",
    "value": "name",
    "tag": "name",
    "command": "type",
    "relevance": "relevant",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "calculate": "calculation",
    "readonly": "read_only",
    "count": "repeat_count",
    "jr:count": "repeat_count",
}
# XLSForm ``bind::x`` / ``control::x`` prefixes for columns Medverkan reads.
_PREFIXES = ("bind::", "bind:", "control::", "control:", "body::", "body:", "media::", "media:")


@functools.cache
def _select_aliases() -> tuple[dict[str, str], list[str]]:
    """pyxform's select type spellings, longest first (pyxform imported when reading: reader.py says why)."""
    from pyxform import aliases

    return aliases.select, sorted(aliases.select, key=len, reverse=True)


def language_code(name: str | None) -> str | None:
    """``English (en)`` / ``english`` / ``EN`` -> ``en``; other languages keep their name."""
    if name is None:
        return None
    text = name.strip()
    match = re.search(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z]+)?\)\s*$", text)
    word = (match.group(1) if match else text).lower()
    for code, words in _LANGUAGE_WORDS.items():
        if word in words:
            return code
    return text.lower() or None


def split_header(header: Any) -> tuple[str, str | None]:
    """A header cell as (normalised column, language code or None)."""
    text = str(header or "").strip()
    lowered = text.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix):]
            lowered = text.lower()
            break
    language = None
    if "::" in text:
        text, language = text.split("::", 1)
    elif ":" in text and text.split(":", 1)[0].strip().lower() in TRANSLATABLE:
        text, language = text.split(":", 1)
    column = " ".join(text.strip().lower().split())
    column = _COLUMN_ALIASES.get(column, column)
    return column, language_code(language)


class Sheet:
    """One sheet's rows with normalised columns and per-column languages."""

    def __init__(self, name: str, rows: list[dict] | None, default_language: str | None = None, header: list | None = None):
        self.name = name
        self.rows: list[dict[tuple[str, str | None], str]] = []
        self.languages: dict[str, list[str | None]] = {}
        self.default_language = default_language
        # The header row counts even for a column no row fills: a Swedish
        # column with every cell empty is missing Swedish, not monolingual.
        for cell in (header[0] if header else {}):
            column, language = split_header(cell)
            if column in TRANSLATABLE and language not in self.languages.setdefault(column, []):
                self.languages[column].append(language)
        for raw in rows or []:
            row = {}
            for header, value in raw.items():
                column, language = split_header(header)
                row[(column, language)] = str(value if value is not None else "").strip()
                if column in TRANSLATABLE:
                    known = self.languages.setdefault(column, [])
                    if language not in known:
                        known.append(language)
            self.rows.append(row)

    def numbered(self):
        """(spreadsheet row number, row) for every row with a value; header = row 1."""
        for index, row in enumerate(self.rows):
            if any(row.values()):
                yield index + 2, row

    @staticmethod
    def get(row: dict, column: str) -> str:
        return row.get((column, None), "")

    def _sources(self, column: str, target: str) -> list[str | None]:
        present = self.languages.get(column, [])
        if target in present:
            return [target]
        other = [lang for lang in LANGUAGES if lang != target]
        order = [self.default_language, None, *other, *present]
        return [lang for lang in dict.fromkeys(order) if lang in present]

    def texts(self, row: dict, column: str) -> tuple[dict[str, str], list[str]]:
        """({target: text} found, [targets missing]) for a translatable column."""
        found, missing = {}, []
        for target in LANGUAGES:
            value = next((row.get((column, lang), "") for lang in self._sources(column, target) if row.get((column, lang))), "")
            if value:
                found[target] = value
            else:
                missing.append(target)
        return found, missing

    def has_language_columns(self, column: str) -> bool:
        return bool(self.languages.get(column))


def normalise_type(cell: str) -> tuple[str, str]:
    """A type cell as (kind, list name): ``select one from yes_no`` -> (select_one, yes_no).

    Spaces and underscores in the structural types are equal in XLSForm
    (``begin group`` = ``begin_group``); ``or specify other`` / ``or_other``
    stay visible in the kind so the reader can refuse them by name.
    """
    text = " ".join(str(cell or "").split())
    lowered = text.lower()
    for prefix in ("begin", "end"):
        for control in ("group", "repeat", "loop"):
            for joiner in (" ", "_"):
                if lowered == f"{prefix}{joiner}{control}" or lowered.startswith(f"{prefix}{joiner}{control} "):
                    return f"{prefix}_{control}", text[len(prefix) + 1 + len(control):].strip()
    for kind in ("select_one_external", "select_one_from_file", "select_multiple_from_file"):
        if lowered.startswith(kind + " "):
            return kind, text[len(kind):].strip()
    select, prefixes = _select_aliases()
    for prefix in prefixes:
        if lowered.startswith(prefix + " "):
            canonical = select[prefix]
            kind = {"select one": "select_one", "select all that apply": "select_multiple"}.get(canonical, canonical)
            if prefix in ("select one from file", "select multiple from file"):
                kind = f"{kind}_from_file"
            rest = text[len(prefix):].strip()
            if rest.lower().endswith(" or specify other") or rest.lower().endswith(" or_other"):
                return "or_other", rest
            if kind == "select one external":
                return "select_one_external", rest
            return kind, rest
    head = lowered.split(" ", 1)[0]
    if head in ("osm", "rank") and " " in lowered:
        return head, text.split(" ", 1)[1].strip()
    if lowered in ("int", "q int"):
        return "integer", ""
    if lowered in ("string", "q string"):
        return "text", ""
    return text if text in ("dateTime",) else lowered, ""
