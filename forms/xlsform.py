"""XLSForm import (through pyxform's workbook reader) and export (openpyxl).

Why XLSForm: coordinators and evaluators already author questionnaires in
spreadsheets (ODK/Kobo habits); Medverkan reads the same sheets and maps them
to ``forms.model.Instrument`` so every other part keeps speaking dataclasses.

pyxform reads .xlsx/.xls/.csv/.md into its workbook dictionaries
(``get_xlsform``); the mapping below is Medverkan's own, because Medverkan's
types (likert, screening, ranking of applicants) are narrower than ODK's.

Mapping (documented for authors in docs/xlsform.md terms, kept here as the
single source of truth):

survey sheet
  * ``begin_group`` / ``end_group``: one page each; every question is inside
    a page. A ``note`` named ``<page>_intro`` right after ``begin_group``
    is the page's intro (other notes are refused: Medverkan has no note type).
  * ``select_one agree`` + ``appearance=likert``: likert with "don't know";
    ``select_one agree_nodk`` + ``likert``: without. Lists come from
    ``LIKERT_LISTS`` and are written to the choices sheet on export.
  * ``select_one yesno`` + ``appearance=yesno``: yes/no/unsure.
  * ``select_one L`` / ``select_multiple L``: single / multiple over list L
    (choice names must be integers: they are the stored codes).
  * ``select_one screening`` + ``appearance=screening`` + ``items``: a
    screening grid (Table 2 scale) over ``applicants`` or ``finalists``.
  * ``rank finalists`` (or ``rank applicants``): ranking of that item source.
  * ``integer`` with ``constraint`` ``. >= MIN and . <= MAX``.
  * ``text``.
  * ``decimal`` is refused: Medverkan stores integers only.
  * columns: name, label::<Lang> (<code>), hint::…, required,
    required_message::…, relevant, constraint, appearance, and the Medverkan
    extensions ``theme`` (forms.definitions.THEMES), ``core`` (yes: a
    common-core item, its name is the core key) and ``items``.
  * ``relevant``: only ``${q} = 'v'``, ``${q} = v``, ``selected(${q}, 'v')``
    and or-combinations over the same question.
settings sheet
  form_id (instrument key), version, default_language, form_title, plus
  Medverkan's ``medverkan_group`` (respondent group), ``department`` (a
  department variant; empty for the default set), ``minutes``,
  ``title::…`` and ``intro::…``.

Errors name the sheet, the row number (header = row 1; in ``.xlsx`` the
spreadsheet's own row, blank rows included; the CSV and Markdown variants
lose blank lines in pyxform, so there the number counts non-blank rows) and
the problem, and are collected rather than raised one by one so the author
sees every problem at once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import get_xlsform

from forms.model import AGREEMENT_SCALE
from forms.model import DONT_KNOW
from forms.model import ITEM_SOURCES
from forms.model import LANGUAGES
from forms.model import SCREENING_SCALE
from forms.model import YESNO_SCALE
from forms.model import Choice
from forms.model import Condition
from forms.model import Instrument
from forms.model import Page
from forms.model import Question

LANGUAGE_NAMES = {"sv": "Svenska (sv)", "en": "English (en)"}
LIKERT_LISTS = {
    "agree": AGREEMENT_SCALE,
    "agree_nodk": {k: v for k, v in AGREEMENT_SCALE.items() if k != DONT_KNOW},
}
BUILTIN_LISTS = {**LIKERT_LISTS, "yesno": YESNO_SCALE, "screening": SCREENING_SCALE}
UNSUPPORTED_TYPES = {
    "begin_repeat": "repeats are not supported",
    "end_repeat": "repeats are not supported",
    "calculate": "calculations are not supported",
    "geopoint": "locations are not collected",
    "geotrace": "locations are not collected",
    "geoshape": "locations are not collected",
    "image": "media are not collected",
    "audio": "media are not collected",
    "video": "media are not collected",
    "file": "media are not collected",
    "start": "meta data that could re-identify respondents is not collected",
    "end": "meta data that could re-identify respondents is not collected",
    "today": "meta data that could re-identify respondents is not collected",
    "deviceid": "meta data that could re-identify respondents is not collected",
    "phonenumber": "meta data that could re-identify respondents is not collected",
    "username": "meta data that could re-identify respondents is not collected",
    "email": "meta data that could re-identify respondents is not collected",
    "audit": "meta data that could re-identify respondents is not collected",
    "decimal": "Medverkan stores whole numbers only: use integer",
}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
RANGE_RE = re.compile(r"^\s*\.\s*>=\s*(-?\d+)\s+and\s+\.\s*<=\s*(-?\d+)\s*$")
EQUALS_RE = re.compile(r"^\$\{([a-z][a-z0-9_]*)\}\s*=\s*'?(-?\d+)'?$")
SELECTED_RE = re.compile(r"^selected\(\s*\$\{([a-z][a-z0-9_]*)\}\s*,\s*'?(-?\d+)'?\s*\)$")


class Translatable(str):
    """A message part that is itself translated (e.g. why a type is unsupported)."""


@dataclass(frozen=True)
class Problem:
    """One problem: where (sheet, row) and what, as an English template + values.

    ``str()`` gives English (the CLI); :meth:`localized` gives the
    coordinator's language through the app's gettext (the templates are
    in ``collector/translations/*/authoring.po``).
    """

    sheet: str
    row: int | None
    template: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template

    def __str__(self) -> str:
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        return f"{where}: {self.message}"

    def localized(self, gettext) -> str:
        params = {key: gettext(value) if isinstance(value, Translatable) else value for key, value in self.params.items()}
        message = gettext(self.template) % params if params else gettext(self.template)
        if self.row:
            where = gettext("%(sheet)s, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        else:
            where = self.sheet
        return gettext("%(where)s: %(message)s") % {"where": where, "message": message}


class XLSFormError(ValueError):
    """The workbook cannot become an instrument; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _file_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".csv", ".md", ".xls"):
        raise XLSFormError([Problem("file", None, "unsupported file type %(suffix)r: use .xlsx, .csv or .md", {"suffix": suffix or name})])
    return suffix


def _texts(row: dict[str, str], column: str) -> dict[str, str]:
    """Collect ``column::Name (code)`` cells into {code: text}."""
    texts = {}
    for header, value in row.items():
        if not header.startswith(column + "::") or not str(value).strip():
            continue
        match = re.search(r"\(([a-z]{2})\)\s*$", header)
        code = match.group(1) if match else header.split("::", 1)[1].strip().lower()[:2]
        texts[code] = str(value).strip()
    return texts


def _yes(value: Any) -> bool:
    return str(value or "").strip().lower() in ("yes", "true", "1", "ja", "true()")


class _Reader:
    """Collects problems while mapping pyxform's rows to dataclasses."""

    def __init__(self, data):
        self.data = data
        self.problems: list[Problem] = []

    def fail(self, sheet: str, row: int | None, template: str, **params) -> None:
        self.problems.append(Problem(sheet, row, template, params))

    def bilingual(self, row: dict, column: str, sheet: str, number: int, required: bool = True) -> dict | None:
        texts = _texts(row, column)
        if not texts and not required:
            return None
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            self.fail(sheet, number, "%(column)s is missing in %(languages)s", column=column, languages=", ".join(LANGUAGE_NAMES[m] for m in missing))
            return None
        return {lang: texts[lang] for lang in LANGUAGES}

    def choice_lists(self) -> dict[str, tuple[Choice, ...]]:
        lists: dict[str, list[Choice]] = {}
        for index, row in enumerate(self.data.choices or []):
            number = index + 2
            name = str(row.get("list_name", "")).strip()
            value = str(row.get("name", "")).strip()
            if not name:
                self.fail("choices", number, "list_name is empty")
                continue
            if not re.fullmatch(r"-?\d+", value):
                self.fail("choices", number, "choice name %(value)r must be a whole number (it is the stored code)", value=value)
                continue
            label = self.bilingual(row, "label", "choices", number)
            if label is None:
                continue
            lists.setdefault(name, []).append(Choice(int(value), label))
        return {name: tuple(choices) for name, choices in lists.items()}

    def condition(self, expression: str, number: int, earlier: dict[str, Question]) -> Condition | None:
        parts = re.split(r"\s+or\s+", expression.strip())
        keys, values = set(), []
        for part in parts:
            match = EQUALS_RE.match(part.strip()) or SELECTED_RE.match(part.strip())
            if not match:
                self.fail("survey", number, "relevant %(expression)r is not supported: use ${q} = 'v', selected(${q}, 'v') or an or-combination of them over one question", expression=expression)
                return None
            keys.add(match.group(1))
            values.append(int(match.group(2)))
        if len(keys) != 1:
            self.fail("survey", number, "relevant %(expression)r combines several questions; only one is supported", expression=expression)
            return None
        key = keys.pop()
        if key not in earlier:
            self.fail("survey", number, "relevant refers to %(key)r, which is not an earlier question", key=key)
            return None
        return Condition(key, tuple(values))


def _settings(reader: _Reader) -> dict:
    rows = reader.data.settings or []
    if not rows:
        reader.fail("settings", None, "the settings sheet is missing or empty (form_id, version, medverkan_group are needed)")
        return {}
    return rows[0]


def read_xlsform(source: str | Path | bytes, filename: str | None = None) -> Instrument:
    """Read an XLSForm file (path, or bytes with ``filename``) into an Instrument.

    Raises XLSFormError listing every problem with sheet and row.
    """
    name = filename or str(source)
    file_type = _file_type(name)
    payload: Any = source
    if isinstance(source, bytes):
        payload = source.decode("utf-8-sig") if file_type in (".csv", ".md") else io.BytesIO(source)
    elif isinstance(source, (str, Path)):
        payload = Path(source)
        if file_type in (".csv", ".md"):
            payload = payload.read_text(encoding="utf-8-sig")
        else:
            payload = io.BytesIO(payload.read_bytes())
    try:
        data = get_xlsform(payload, file_type=file_type)
    except (PyXFormError, ValueError, KeyError, OSError) as error:
        raise XLSFormError([Problem("file", None, "the file could not be read as an XLSForm: %(error)s", {"error": str(error)})]) from None
    return _to_instrument(_Reader(data), name)


def _to_instrument(reader: _Reader, source: str) -> Instrument:
    from forms.definitions import THEMES

    settings = _settings(reader)
    lists = reader.choice_lists()
    pages: list[Page] = []
    page: dict | None = None
    earlier: dict[str, Question] = {}
    seen_pages: set[str] = set()
    for index, row in enumerate(reader.data.survey or []):
        number = index + 2
        type_cell = str(row.get("type", "")).strip()
        kind, _, list_name = type_cell.partition(" ")
        list_name = list_name.strip()
        name = str(row.get("name", "")).strip()
        appearance = str(row.get("appearance", "")).strip()
        if kind in UNSUPPORTED_TYPES:
            reader.fail("survey", number, "type %(kind)r: %(reason)s", kind=kind, reason=Translatable(UNSUPPORTED_TYPES[kind]))
            continue
        if kind in ("begin_group", "begin group"):
            if page is not None:
                reader.fail("survey", number, "groups cannot be nested (one group is one page)")
                continue
            if not KEY_RE.match(name) or name in seen_pages:
                reader.fail("survey", number, "group name %(name)r must be unique and match [a-z][a-z0-9_]*", name=name)
            seen_pages.add(name)
            page = {"key": name, "title": reader.bilingual(row, "label", "survey", number) or {}, "questions": [], "intro": None}
            continue
        if kind in ("end_group", "end group"):
            if page is None:
                reader.fail("survey", number, "end_group without begin_group")
                continue
            if not page["questions"]:
                reader.fail("survey", number, "page %(page)r has no questions", page=page["key"])
            pages.append(Page(page["key"], page["title"], tuple(page["questions"]), page["intro"]))
            page = None
            continue
        if page is None:
            reader.fail("survey", number, "every question must be inside a begin_group/end_group (a page)")
            continue
        if kind == "note":
            if name == f"{page['key']}_intro" and not page["questions"]:
                page["intro"] = reader.bilingual(row, "label", "survey", number)
            else:
                reader.fail("survey", number, "a note is only allowed as the page intro, named %(page)s_intro, first in its group", page=page["key"])
            continue
        question = _question(reader, row, number, kind, list_name, name, appearance, lists, earlier, THEMES)
        if question is not None:
            earlier[question.key] = question
            page["questions"].append(question)
    if page is not None:
        reader.fail("survey", None, "group %(page)r has no end_group", page=page["key"])
    key = str(settings.get("form_id", "")).strip()
    if settings and not KEY_RE.match(key):
        reader.fail("settings", 2, "form_id %(key)r must match [a-z][a-z0-9_]*", key=key)
    version_text = str(settings.get("version", "")).strip()
    if settings and not version_text.isdigit():
        reader.fail("settings", 2, "version %(version)r must be a whole number", version=version_text)
    group = str(settings.get("medverkan_group", "")).strip()
    if settings and not group:
        reader.fail("settings", 2, "medverkan_group (the respondent group) is empty")
    title = reader.bilingual(settings, "title", "settings", 2) if settings else None
    intro = reader.bilingual(settings, "intro", "settings", 2, required=False) if settings else None
    minutes_text = str(settings.get("minutes", "")).strip()
    if minutes_text and not minutes_text.isdigit():
        reader.fail("settings", 2, "minutes %(minutes)r must be a whole number", minutes=minutes_text)
    if not pages and not reader.problems:
        reader.fail("survey", None, "no pages (begin_group … end_group)")
    if reader.problems:
        raise XLSFormError(reader.problems)
    return Instrument(
        key=key,
        version=int(version_text),
        group=group,
        title=title,
        pages=tuple(pages),
        intro=intro,
        minutes=int(minutes_text) if minutes_text else None,
        department=str(settings.get("department", "")).strip() or None,
        source=source,
    )


def _question(reader, row, number, kind, list_name, name, appearance, lists, earlier, themes) -> Question | None:
    before = len(reader.problems)
    if not KEY_RE.match(name):
        reader.fail("survey", number, "name %(name)r must match [a-z][a-z0-9_]*", name=name)
    elif name in earlier:
        reader.fail("survey", number, "duplicate name %(name)r", name=name)
    text = reader.bilingual(row, "label", "survey", number)
    hint = reader.bilingual(row, "hint", "survey", number, required=False)
    message = reader.bilingual(row, "required_message", "survey", number, required=False)
    theme = str(row.get("theme", "")).strip()
    if theme not in themes:
        reader.fail("survey", number, "theme %(theme)r is unknown (one of %(themes)s)", theme=theme, themes=", ".join(themes))
    fields: dict[str, Any] = {}
    if kind == "select_one" and appearance == "likert":
        if list_name not in LIKERT_LISTS:
            reader.fail("survey", number, "likert needs list 'agree' or 'agree_nodk', not %(list_name)r", list_name=list_name)
        fields = {"type": "likert", "dont_know": list_name == "agree"}
    elif kind == "select_one" and appearance == "yesno":
        fields = {"type": "yesno"}
    elif kind == "select_one" and appearance == "screening":
        fields = {"type": "screening", "items": str(row.get("items", "")).strip()}
    elif kind == "rank":
        fields = {"type": "ranking", "items": str(row.get("items", "")).strip() or list_name}
    elif kind in ("select_one", "select_multiple"):
        if list_name not in lists:
            reader.fail("survey", number, "choice list %(list_name)r is not on the choices sheet", list_name=list_name)
        fields = {"type": "single" if kind == "select_one" else "multiple", "choices": lists.get(list_name, ())}
    elif kind == "integer":
        fields = {"type": "integer"}
        constraint = str(row.get("constraint", "")).strip()
        if constraint:
            match = RANGE_RE.match(constraint)
            if not match:
                reader.fail("survey", number, "constraint %(constraint)r is not supported: use . >= MIN and . <= MAX", constraint=constraint)
            else:
                fields.update(minimum=int(match.group(1)), maximum=int(match.group(2)))
    elif kind == "text":
        fields = {"type": "text"}
    else:
        reader.fail("survey", number, "unknown type %(kind)r", kind=kind or "(empty)")
        return None
    if fields.get("type") in ("screening", "ranking") and fields.get("items") not in ITEM_SOURCES:
        reader.fail("survey", number, "items must be one of %(sources)s", sources=", ".join(ITEM_SOURCES))
    condition = None
    relevant = str(row.get("relevant", "")).strip()
    if relevant:
        condition = reader.condition(relevant, number, earlier)
    if len(reader.problems) > before:
        return None
    return Question(
        key=name, text=text, theme=theme, core=_yes(row.get("core")), required=_yes(row.get("required")),
        hint=hint, condition=condition, required_message=message, **fields,
    )


# --- export -----------------------------------------------------------------


def _lang_columns(column: str) -> list[str]:
    return [f"{column}::{LANGUAGE_NAMES[lang]}" for lang in LANGUAGES]


SURVEY_COLUMNS = (
    ["type", "name"] + _lang_columns("label") + _lang_columns("hint") + ["required"]
    + _lang_columns("required_message") + ["relevant", "constraint", "appearance", "theme", "core", "items"]
)


def _put(row: dict, column: str, texts: dict | None) -> None:
    for lang in LANGUAGES:
        if texts:
            row[f"{column}::{LANGUAGE_NAMES[lang]}"] = texts[lang]


def _relevant(condition: Condition, source: Question | None) -> str:
    if source is not None and source.type == "multiple":
        return " or ".join(f"selected(${{{condition.question}}}, '{v}')" for v in condition.values)
    return " or ".join(f"${{{condition.question}}} = '{v}'" for v in condition.values)


def _question_row(question: Question, instrument: Instrument, lists: dict) -> dict:
    row: dict[str, Any] = {"name": question.key, "theme": question.theme}
    kind = {
        "likert": f"select_one {'agree' if question.dont_know else 'agree_nodk'}",
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
        lists[list_name] = {c.value: c.label for c in question.choices}
        kind = f"{'select_one' if question.type == 'single' else 'select_multiple'} {list_name}"
    row["type"] = kind
    if question.items:
        row["items"] = question.items
    _put(row, "label", question.text)
    _put(row, "hint", question.hint)
    _put(row, "required_message", question.required_message)
    if question.required:
        row["required"] = "yes"
    if question.core:
        row["core"] = "yes"
    if question.minimum is not None or question.maximum is not None:
        row["constraint"] = f". >= {question.minimum} and . <= {question.maximum}"
    if question.condition is not None:
        try:
            source = instrument.question(question.condition.question)
        except KeyError:
            source = None
        row["relevant"] = _relevant(question.condition, source)
    return row


def write_xlsform(instrument: Instrument, out) -> None:
    """Write ``instrument`` as an .xlsx XLSForm to a path or binary file.

    ``read_xlsform`` of the result gives back an equal Instrument (apart
    from ``source``): the round trip is tested on every built-in.
    """
    lists: dict[str, dict] = {}
    rows: list[dict] = []
    for page in instrument.pages:
        begin = {"type": "begin_group", "name": page.key}
        _put(begin, "label", page.title)
        rows.append(begin)
        if page.intro:
            note = {"type": "note", "name": f"{page.key}_intro"}
            _put(note, "label", page.intro)
            rows.append(note)
        rows.extend(_question_row(q, instrument, lists) for q in page.questions)
        rows.append({"type": "end_group", "name": page.key})
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for row in rows:
        survey.append([row.get(column, "") for column in SURVEY_COLUMNS])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name"] + _lang_columns("label"))
    for name, scale in {**BUILTIN_LISTS, **lists}.items():
        for value, label in scale.items():
            choices.append([name, str(value)] + [label[lang] for lang in LANGUAGES])
    settings = workbook.create_sheet("settings")
    columns = ["form_id", "form_title", "version", "default_language", "medverkan_group", "department", "minutes"]
    columns += _lang_columns("title") + _lang_columns("intro")
    settings.append(columns)
    values = {
        "form_id": instrument.key, "form_title": instrument.title["sv"], "version": str(instrument.version),
        "default_language": LANGUAGE_NAMES["sv"], "medverkan_group": instrument.group,
        "department": instrument.department or "", "minutes": "" if instrument.minutes is None else str(instrument.minutes),
    }
    _put(values, "title", instrument.title)
    _put(values, "intro", instrument.intro)
    settings.append([values.get(column, "") for column in columns])
    workbook.save(out)
