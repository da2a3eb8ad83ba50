"""XLSForm file -> ``forms.model.Instrument``: pages, settings and the survey walk.

Pages: a ``begin_group`` … ``end_group`` is one page. Questions outside any
group (most forms written for ODK have none) are gathered into pages of
their own, one per run of ungrouped rows, titled with the form's title; a
``note`` outside a group starts such a page and becomes its introduction.
Inside a group a note is the page's introduction when it comes before the
first question; anywhere else Medverkan has nowhere to show it and says so.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from forms.model import Instrument
from forms.model import Page
from forms.model import Question
from forms.vocabulary import READING_KEYS
from forms.xlsform.choices import ChoiceLists
from forms.xlsform.problems import UNSUPPORTED_TYPES
from forms.xlsform.problems import Problem
from forms.xlsform.problems import ProblemLog
from forms.xlsform.problems import Translatable
from forms.xlsform.problems import XLSFormError
from forms.xlsform.questions import KEY_RE
from forms.xlsform.questions import bilingual
from forms.xlsform.questions import question
from forms.xlsform.sheets import Sheet
from forms.xlsform.sheets import language_code
from forms.xlsform.sheets import normalise_type

FILE_TYPES = (".xlsx", ".xls", ".csv", ".md")


def _file_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FILE_TYPES:
        raise XLSFormError([Problem("file", None, "unsupported file type %(suffix)r: use .xlsx, .csv or .md", {"suffix": suffix or name})])
    return suffix


def read_xlsform(source: str | Path | bytes, filename: str | None = None, group: str | None = None) -> Instrument:
    """Read an XLSForm file (path, or bytes with ``filename``) into an Instrument.

    ``group`` is the respondent group to use when the settings sheet names
    none (forms written for other tools never do). Raises XLSFormError
    listing every problem with sheet and row.
    """
    name = filename or str(source)
    file_type = _file_type(name)
    payload: Any = source
    if isinstance(source, bytes):
        payload = source.decode("utf-8-sig") if file_type in (".csv", ".md") else io.BytesIO(source)
    elif isinstance(source, (str, Path)):
        payload = Path(source)
        payload = payload.read_text(encoding="utf-8-sig") if file_type in (".csv", ".md") else io.BytesIO(payload.read_bytes())
    # pyxform (and openpyxl behind it) costs ~0.26 s to import: every gunicorn
    # worker and every ``medverkan`` command would pay it at start-up, though
    # only an uploaded or imported workbook needs it (forms/xlsform/__init__.py).
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        data = get_xlsform(payload, file_type=file_type)
    except (PyXFormError, ValueError, KeyError, TypeError, OSError) as error:
        raise XLSFormError([Problem("file", None, "the file could not be read as an XLSForm: %(error)s", {"error": str(error)})]) from None
    return _Walk(data, name, group).instrument()


def _slug(text: str) -> str:
    """An XLSForm name or file name as a Medverkan key (``YesNo`` -> ``yesno``)."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    return slug if slug[:1].isalpha() else f"form_{slug}".rstrip("_")


class _Walk:
    """Walks the survey sheet once, collecting pages and every problem."""

    def __init__(self, data, source: str, group: str | None):
        self.log = ProblemLog()
        self.source = source
        settings_rows = data.settings or [{}]
        self.settings_sheet = Sheet("settings", settings_rows[:1], header=data.settings_header)
        self.settings = self.settings_sheet.rows[0] if self.settings_sheet.rows else {}
        default = language_code(Sheet.get(self.settings, "default_language")) or None
        self.survey = Sheet("survey", data.survey, default, header=data.survey_header)
        self.lists = ChoiceLists(Sheet("choices", data.choices, default, header=data.choices_header), self.log)
        self.group = group
        self.pages: list[Page] = []
        self.page: dict | None = None
        self.earlier: dict[str, Question] = {}

    # -- settings --------------------------------------------------------

    def _title(self) -> dict:
        for column in ("medverkan_title", "title"):
            if self.settings_sheet.has_language_columns(column):
                return bilingual(self.settings_sheet, self.log, self.settings, column, 2) or {}
        plain = Sheet.get(self.settings, "form_title") or Sheet.get(self.settings, "form_id") or Path(self.source).stem
        return {"sv": plain, "en": plain}

    def _intro(self) -> dict | None:
        for column in ("medverkan_intro", "intro"):
            if self.settings_sheet.has_language_columns(column):
                return bilingual(self.settings_sheet, self.log, self.settings, column, 2, required=False)
        return None

    # -- pages -------------------------------------------------------------

    def _close(self, number: int | None) -> None:
        page = self.page
        self.page = None
        if not page["questions"]:
            if page["intro"] is not None and page["implicit"]:
                self.log.fail(
                    "survey", page["intro_row"],
                    "a note after the last question has nowhere to be shown: "
                    "Medverkan shows a note only as the introduction of the questions after it",
                )
            elif not page["implicit"] and self.log.count() == page["problems_before"]:
                self.log.fail("survey", number, "page %(page)r has no questions", page=page["key"])
            return
        self.pages.append(Page(page["key"], page["title"], tuple(page["questions"]), page["intro"]))

    def _open(self, key: str, title: dict, implicit: bool) -> None:
        self.page = {"key": key, "title": title, "questions": [], "intro": None, "implicit": implicit,
                     "problems_before": self.log.count()}

    def _implicit_key(self) -> str:
        taken = {p.key for p in self.pages} | {Sheet.get(r, "name") for r in self.survey.rows}
        index = len(self.pages) + 1
        while f"page_{index}" in taken:
            index += 1
        return f"page_{index}"

    def _begin_group(self, row: dict, number: int, title: dict) -> None:
        if self.page is not None and not self.page["implicit"]:
            self.log.fail("survey", number, "groups cannot be nested (one group is one page)")
            self.page["nested"] = self.page.get("nested", 0) + 1
            return
        carried = None
        if self.page is not None and not self.page["questions"]:
            carried = self.page["intro"]  # a note right before a group introduces it
            self.page = None
        elif self.page is not None:
            self._close(number)
        name = Sheet.get(row, "name")
        if not KEY_RE.match(name) or name in {p.key for p in self.pages}:
            self.log.fail("survey", number, "group name %(name)r must be unique and match [a-z][a-z0-9_]*", name=name)
        if Sheet.get(row, "relevant"):
            self.log.fail(
                "survey", number, "relevant on a group is not supported: a page is always shown (put the condition on its questions)"
            )
        if any(value for (column, _lang), value in row.items() if column == "hint"):
            self.log.fail("survey", number, "a group has no hint in Medverkan: put the text in a note first in the group")
        label = bilingual(self.survey, self.log, row, "label", number, required=False)
        self._open(name, label or title, implicit=False)
        self.page["intro"] = carried

    def _end_group(self, number: int) -> None:
        if self.page is not None and self.page.get("nested"):
            self.page["nested"] -= 1
        elif self.page is None or self.page["implicit"]:
            self.log.fail("survey", number, "end_group without begin_group")
        else:
            self._close(number)

    def _note(self, row: dict, number: int, title: dict) -> None:
        if self.page is not None and self.page["implicit"] and self.page["questions"]:
            self._close(number)
        if self.page is None:
            self._open(self._implicit_key(), title, implicit=True)
        if self.page["implicit"] and self.page["intro"] is not None and not self.page["questions"]:
            self.log.fail("survey", number, "two notes in a row: Medverkan shows one note as the introduction of the questions after it")
            return
        if self.page["questions"] or self.page["intro"] is not None:
            self.log.fail("survey", number, "a note is only allowed first in its group (it becomes the page's introduction)")
            return
        if Sheet.get(row, "relevant"):
            self.log.fail("survey", number, "relevant on a note is not supported: a page's introduction is always shown")
        self.page["intro"] = bilingual(self.survey, self.log, row, "label", number) or {}
        self.page["intro_row"] = number

    def walk(self, title: dict, themes) -> None:
        for number, row in self.survey.numbered():
            type_cell = Sheet.get(row, "type")
            if not type_cell and not Sheet.get(row, "name"):
                continue  # a comment row (extra columns only), as in pyxform
            kind, list_name = normalise_type(type_cell)
            if kind in UNSUPPORTED_TYPES:
                self.log.fail("survey", number, "type %(kind)r: %(reason)s", kind=type_cell, reason=Translatable(UNSUPPORTED_TYPES[kind]))
            elif kind == "or_other":
                self.log.fail(
                    "survey", number, "type %(kind)r: 'or other' is not supported: add a text question with a relevant condition",
                    kind=type_cell,
                )
            elif kind == "begin_group":
                self._begin_group(row, number, title)
            elif kind == "end_group":
                self._end_group(number)
            elif kind == "note":
                self._note(row, number, title)
            else:
                if self.page is None:
                    self._open(self._implicit_key(), title, implicit=True)
                found = question(self.survey, self.log, row, number, kind, list_name, self.lists, self.earlier, themes)
                if found is not None:
                    self.earlier[found.key] = found
                    self.page["questions"].append(found)
        if self.page is not None and not self.page["implicit"]:
            self.log.fail("survey", None, "group %(page)r has no end_group", page=self.page["key"])
        elif self.page is not None:
            self._close(None)

    # -- the instrument ------------------------------------------------------

    def instrument(self) -> Instrument:
        from forms.definitions import THEMES

        title = self._title()
        intro = self._intro()
        self.walk(title, THEMES)
        form_id = Sheet.get(self.settings, "form_id") or Path(self.source).stem
        key = form_id if KEY_RE.match(form_id) else _slug(form_id)
        if not KEY_RE.match(key):
            self.log.fail("settings", 2, "form_id %(key)r must match [a-z][a-z0-9_]*", key=form_id)
        version_text = Sheet.get(self.settings, "version") or "1"
        if not version_text.isdecimal():
            self.log.fail("settings", 2, "version %(version)r must be a whole number", version=version_text)
        elif not 1 <= int(version_text[:12]) <= 999_999_999 or len(version_text) > 12:  # stored as a 64-bit integer
            self.log.fail("settings", 2, "version %(version)r must be a whole number from 1 to 999999999", version=version_text[:40])
            version_text = "1"
        group = Sheet.get(self.settings, "medverkan_group") or self.group or ""
        if not group:
            self.log.fail("settings", None, "medverkan_group (who answers: the respondent group) is missing")
        minutes_text = Sheet.get(self.settings, "minutes")
        if minutes_text and not minutes_text.isdecimal():
            self.log.fail("settings", 2, "minutes %(minutes)r must be a whole number", minutes=minutes_text)
        elif minutes_text and (len(minutes_text) > 3 or int(minutes_text) > 600):
            self.log.fail("settings", 2, "minutes %(minutes)r must be a whole number from 1 to 600", minutes=minutes_text[:40])
        reading = Sheet.get(self.settings, "medverkan_reading") or None
        if reading is not None and reading not in READING_KEYS:
            self.log.fail(
                "settings", 2, "medverkan_reading %(reading)r is unknown (leave it empty, or %(known)s)",
                reading=reading[:40], known=", ".join(READING_KEYS),
            )
        if not self.pages and not self.log.problems:
            self.log.fail("survey", None, "no questions")
        if self.log.problems:
            raise XLSFormError(self.log.problems)
        return Instrument(
            key=key, version=int(version_text), group=group, title=title, pages=tuple(self.pages), intro=intro,
            minutes=int(minutes_text) if minutes_text else None,
            department=Sheet.get(self.settings, "department") or None, reading=reading, source=self.source,
        )
