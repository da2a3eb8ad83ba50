"""``forms.model.Instrument`` -> .xlsx XLSForm that pyxform (ODK, KoboToolbox) converts.

Medverkan's own extensions sit where pyxform ignores them, so the same
file converts to an XForm *and* comes back through ``read_xlsform``
unchanged (both are tested for every built-in instrument):

* survey columns ``theme``, ``core`` and ``items`` (pyxform ignores unknown
  survey columns); an easy-to-read questionnaire's Likert questions use
  the lists ``agree_easy`` / ``agree_easy_nodk`` (same codes, easier labels);
* choices column ``medverkan_code`` for lists whose choices have text names
  (the stored codes; pyxform ignores it);
* settings ``medverkan_group``, ``department``, ``medverkan_reading``
  (``easy_read`` for an easy-to-read variant), ``minutes`` and the
  translated ``medverkan_title::…`` / ``medverkan_intro::…``; ``form_title``
  carries the Swedish title for ODK. (Translated ``title::…`` columns in
  ``settings`` crash pyxform, which expects one text there; the reader still
  accepts them from older exports.)
* ``media::audio::<language>`` on both sheets when speech was made or the
  author named audio files (``forms.xlsform.media``; pyxform reads them);
* a ranking (``rank finalists``) ranks the process's applicants, which only
  exist at answer time; pyxform insists on a choices list of that name, so
  the export adds one row that says where the items come from.
"""

from __future__ import annotations

from typing import Any

from forms.model import LANGUAGES
from forms.model import SCREENING_SCALE
from forms.model import YESNO_SCALE
from forms.model import Condition
from forms.model import Instrument
from forms.model import Question
from forms.xlsform.choices import CODE_COLUMN
from forms.xlsform.choices import NAME_KEY
from forms.xlsform.choices import choice_name
from forms.xlsform.media import ClipNamer
from forms.xlsform.media import audio_columns
from forms.xlsform.media import choice_cells
from forms.xlsform.media import write_references
from forms.xlsform.questions import LIKERT_LISTS
from forms.xlsform.questions import likert_list_name
from forms.xlsform.sheets import LANGUAGE_NAMES

BUILTIN_LISTS = {**LIKERT_LISTS, "yesno": YESNO_SCALE, "screening": SCREENING_SCALE}
# Written only when a question uses them, so a standard questionnaire's export is unchanged.
ON_DEMAND_LISTS = ("agree_easy", "agree_easy_nodk")
PROCESS_ITEMS = {
    "applicants": {"sv": "De sökande i rekryteringsprocessen (fylls i av Medverkan)",
                   "en": "The applicants in the recruitment process (filled in by Medverkan)"},
    "finalists": {"sv": "De slutkandidater som intervjuades (fylls i av Medverkan)",
                  "en": "The finalists who were interviewed (filled in by Medverkan)"},
}


def _lang_columns(column: str) -> list[str]:
    return [f"{column}::{LANGUAGE_NAMES[lang]}" for lang in LANGUAGES]


SURVEY_COLUMNS = (
    ["type", "name"] + _lang_columns("label") + _lang_columns("hint") + ["required"]
    + _lang_columns("required_message") + ["relevant", "constraint", "appearance", "theme", "core", "items"]
)
SETTINGS_COLUMNS = (
    ["form_id", "form_title", "version", "default_language", "medverkan_group", "department", "medverkan_reading", "minutes"]
    + _lang_columns("medverkan_title") + _lang_columns("medverkan_intro")
)


def _put(row: dict, column: str, texts: dict | None) -> None:
    for lang in LANGUAGES:
        if texts:
            row[f"{column}::{LANGUAGE_NAMES[lang]}"] = texts[lang]


def _relevant(condition: Condition, source: Question | None) -> str:
    names = {choice.value: choice_name(choice) for choice in source.choices} if source is not None else {}
    values = [names.get(value, str(value)) for value in condition.values]
    if source is not None and source.type == "multiple":
        return " or ".join(f"selected(${{{condition.question}}}, '{v}')" for v in values)
    return " or ".join(f"${{{condition.question}}} = '{v}'" for v in values)


def _constraint(question: Question) -> str:
    parts = []
    if question.minimum is not None:
        parts.append(f". >= {question.minimum}")
    if question.maximum is not None:
        parts.append(f". <= {question.maximum}")
    return " and ".join(parts)


def _question_row(question: Question, instrument: Instrument, lists: dict, audio: ClipNamer | None) -> dict:
    row: dict[str, Any] = {"name": question.key, "theme": question.theme}
    kind = {
        "likert": f"select_one {likert_list_name(question)}",
        "yesno": "select_one yesno",
        "screening": "select_one screening",
        "ranking": f"rank {question.items}",
        "integer": "integer",
        "text": "text",
    }.get(question.type)
    if question.type in ("likert", "yesno", "screening"):
        row["appearance"] = question.type
    if question.type in ("single", "multiple"):
        list_name = f"{question.key}_choices"
        lists[list_name] = question.choices
        kind = f"{'select_one' if question.type == 'single' else 'select_multiple'} {list_name}"
    if question.type == "ranking":
        lists.setdefault(question.items, "process")
    row["type"] = kind
    if question.items:
        row["items"] = question.items
    _put(row, "label", question.text)
    write_references(row, question.text, audio)
    _put(row, "hint", question.hint)
    _put(row, "required_message", question.required_message)
    if question.required:
        row["required"] = "yes"
    if question.core:
        row["core"] = "yes"
    row["constraint"] = _constraint(question)
    if question.condition is not None:
        try:
            source = instrument.question(question.condition.question)
        except KeyError:
            source = None
        row["relevant"] = _relevant(question.condition, source)
    return row


def _choice_rows(lists: dict, audio: ClipNamer | None, used: set[str]) -> list[list]:
    """Choice rows: list, name, labels, medverkan_code, then the audio cells.

    An on-demand built-in list (the easy-to-read agreement wording) is written
    only when a question uses it.
    """
    rows = []
    for name, scale in BUILTIN_LISTS.items():
        if name in ON_DEMAND_LISTS and name not in used:
            continue
        rows += [
            [name, str(value)] + [label[lang] for lang in LANGUAGES] + [""] + choice_cells(label, audio)
            for value, label in scale.items()
        ]
    for name, choices in lists.items():
        if choices == "process":
            rows.append([name, "from_process"] + [PROCESS_ITEMS[name][lang] for lang in LANGUAGES] + [""] + [""] * len(audio_columns()))
            continue
        for choice in choices:
            code = str(choice.value) if NAME_KEY in choice.label else ""
            rows.append([name, choice_name(choice)] + [choice.label[lang] for lang in LANGUAGES] + [code]
                        + choice_cells(choice.label, audio))
    return rows


def write_xlsform(instrument: Instrument, out, audio: ClipNamer | None = None) -> None:
    """Write ``instrument`` as an .xlsx XLSForm to a path or binary file.

    ``read_xlsform`` of the result gives back an equal Instrument (apart
    from ``source``), and pyxform converts it to an XForm: both are tested
    on every built-in. ``audio(language, text)`` names the generated clip of
    a text (``collector.speech``); with it, or when the author's own audio
    file names were imported, the survey and choices sheets get
    ``media::audio::<language>`` columns (``forms.xlsform.media``).
    """
    lists: dict[str, Any] = {}
    rows: list[dict] = []
    for page in instrument.pages:
        begin = {"type": "begin_group", "name": page.key}
        _put(begin, "label", page.title)
        rows.append(begin)
        if page.intro:
            note = {"type": "note", "name": f"{page.key}_intro"}
            _put(note, "label", page.intro)
            rows.append(note)
        rows.extend(_question_row(q, instrument, lists, audio) for q in page.questions)
        rows.append({"type": "end_group", "name": page.key})
    from openpyxl import Workbook  # imported when exporting, not at every start-up (reader.py says why)

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    used = {row["type"].split(" ", 1)[1] for row in rows if row["type"].startswith("select_one ")}
    choice_rows = _choice_rows(lists, audio, used)
    # Audio columns only when a cell names a file: without speech the export is as before.
    with_audio = any(column in row for row in rows for column in audio_columns()) or any(
        any(row[-len(audio_columns()):]) for row in choice_rows
    )
    survey_columns = SURVEY_COLUMNS + (audio_columns() if with_audio else [])
    survey.append(survey_columns)
    for row in rows:
        survey.append([row.get(column, "") for column in survey_columns])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name"] + _lang_columns("label") + [CODE_COLUMN] + (audio_columns() if with_audio else []))
    for row in choice_rows:
        choices.append(row if with_audio else row[: -len(audio_columns())])
    settings = workbook.create_sheet("settings")
    values = {
        "form_id": instrument.key, "form_title": instrument.title["sv"], "version": str(instrument.version),
        "default_language": LANGUAGE_NAMES["sv"], "medverkan_group": instrument.group,
        "department": instrument.department or "", "medverkan_reading": instrument.reading or "",
        "minutes": "" if instrument.minutes is None else str(instrument.minutes),
    }
    _put(values, "medverkan_title", instrument.title)
    _put(values, "medverkan_intro", instrument.intro)
    settings.append(SETTINGS_COLUMNS)
    settings.append([values.get(column, "") for column in SETTINGS_COLUMNS])
    workbook.save(out)
