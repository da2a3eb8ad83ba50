"""XLSForm import (through pyxform's workbook reader) and export (openpyxl).

Why XLSForm: coordinators and evaluators already author questionnaires in
spreadsheets (ODK/Kobo habits); Medverkan reads the same sheets and maps them
to ``forms.model.Instrument`` so every other part keeps speaking dataclasses.
Forms written for ODK and KoboToolbox import as they are, or are refused
row by row with the true reason (a feature Medverkan lacks or will not
collect); Medverkan's exports convert with pyxform to an XForm.

Modules: ``sheets`` (spellings, aliases and languages), ``choices`` (coded
lists), ``questions`` (one row -> Question), ``reader`` (pages, settings),
``writer`` (export), ``media`` (audio file names), ``problems`` (the report
and its reasons).

Mapping (the single source of truth; docs/ARCHITECTURE.md points here):

survey sheet
  * ``begin_group``/``begin group`` … ``end_group``/``end group``: one page.
    Rows outside any group form pages of their own (one per run, titled
    with the form title). A ``note`` first in a page is its introduction.
    Nested groups, repeats/loops, ``relevant`` or ``hint`` on a group are
    refused.
  * ``select_one agree`` / ``agree_nodk`` + ``appearance=likert``: likert with
    / without "don't know" (``agree_easy`` / ``agree_easy_nodk``: the same in
    the easy-to-read wording, ``forms.model.EASY_AGREEMENT_SCALE``); ``select_one yesno`` + ``appearance=yesno``:
    yes/no/unsure; ``select_one screening`` + ``appearance=screening`` +
    ``items``: a screening grid over ``applicants`` or ``finalists``.
  * ``select_one L`` / ``select_multiple L`` (also ``select one from L``,
    ``select all that apply from L`` …): single / multiple over list L.
  * ``rank applicants`` / ``rank finalists``: ranking of the process's items.
  * ``integer`` (with the ``constraint`` subset, see ``questions``), ``text``.
  * ``or_other``, ``decimal``, dates, locations, media, meta data (start,
    end, deviceid …), calculations, external choices: refused with the reason
    (``problems.UNSUPPORTED_TYPES``), as are non-empty ``default``,
    ``calculation``, ``choice_filter``, ``read_only`` … cells.
  * columns: name, label, hint, required, required_message (each in any
    XLSForm spelling and language, see ``sheets``), relevant, constraint,
    appearance, ``media::audio`` (per language; the file name is kept and
    exported back, the speech played is Medverkan's own: ``media``), and the
    Medverkan extensions ``theme``
    (forms.definitions.THEMES; may be empty), ``core`` (yes: a common-core
    item, its name is the core key) and ``items``.
choices sheet
  ``list_name`` (or ``list name``), ``name`` (integer codes, or text names
  that get codes and are kept, see ``choices``), ``label``, ``media::audio``
  (as on the survey sheet; not kept for Medverkan's own scales ``agree``,
  ``agree_nodk``, ``yesno``, ``screening``, whose labels are fixed), and
  Medverkan's ``medverkan_code``.
settings sheet (optional)
  form_id (instrument key; default the file name), version (default 1),
  default_language, form_title, and Medverkan's ``medverkan_group`` (the
  respondent group; else ``read_xlsform(group=…)``), ``department``,
  ``medverkan_reading`` (``easy_read``: an easy-to-read variant), ``minutes``, ``medverkan_title::…`` and ``medverkan_intro::…`` (older
  exports: ``title::…`` and ``intro::…``).

Errors name the sheet, the row number (header = row 1; in ``.xlsx`` the
spreadsheet's own row, blank rows included; the CSV and Markdown variants
lose blank lines in pyxform, so there the number counts non-blank rows) and
the problem, and are collected rather than raised one by one so the author
sees every problem at once.
"""

from forms.xlsform.problems import UNSUPPORTED_COLUMNS
from forms.xlsform.problems import UNSUPPORTED_TYPES
from forms.xlsform.problems import Problem
from forms.xlsform.problems import Translatable
from forms.xlsform.problems import XLSFormError
from forms.xlsform.reader import read_xlsform
from forms.xlsform.writer import write_xlsform

__all__ = [
    "UNSUPPORTED_COLUMNS", "UNSUPPORTED_TYPES", "Problem", "Translatable", "XLSFormError", "read_xlsform", "write_xlsform",
]
