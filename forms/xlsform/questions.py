"""One survey row -> one ``forms.model.Question``, or the true reasons it cannot be.

Medverkan's types are narrower than ODK's (see ``forms.xlsform`` for the
mapping table); the expressions it understands are the subset its own
respondent flow evaluates without JavaScript:

* ``relevant``: ``${q} = 'v'``, ``${q} = v``, ``selected(${q}, 'v')`` and
  or-combinations of them over one earlier question (``forms.model.Condition``);
  ``v`` is a choice name or code.
* ``constraint`` (integer only): ``. >= MIN``, ``. <= MAX``, ``. > MIN``,
  ``. < MAX``, joined with ``and`` (``Question.minimum`` / ``maximum``).
* ``required``: yes/no in any XLSForm spelling (yes, true, TRUE(), 1, …);
  an expression is refused.
"""

from __future__ import annotations

import re
from typing import Any

from forms.model import AGREEMENT_SCALES
from forms.model import DONT_KNOW
from forms.model import ITEM_SOURCES
from forms.model import LANGUAGES
from forms.model import Condition
from forms.model import Question
from forms.vocabulary import EASY_READ
from forms.xlsform.choices import ChoiceLists
from forms.xlsform.choices import choice_code
from forms.xlsform.media import read_references
from forms.xlsform.problems import UNSUPPORTED_COLUMNS
from forms.xlsform.problems import UNSUPPORTED_TYPES
from forms.xlsform.problems import ProblemLog
from forms.xlsform.problems import Translatable
from forms.xlsform.sheets import LANGUAGE_NAMES
from forms.xlsform.sheets import Sheet

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Likert lists by name: the scale wording they carry (forms.model.AGREEMENT_SCALES)
# and whether "don't know" is offered. ``agree_easy*`` are the easy-to-read wording.
LIKERT_LIST_KINDS = {
    "agree": (None, True),
    "agree_nodk": (None, False),
    "agree_easy": (EASY_READ, True),
    "agree_easy_nodk": (EASY_READ, False),
}
LIKERT_LISTS = {
    name: {k: v for k, v in AGREEMENT_SCALES[wording].items() if dont_know or k != DONT_KNOW}
    for name, (wording, dont_know) in LIKERT_LIST_KINDS.items()
}


def likert_list_name(question: Question) -> str:
    """The choices list a Likert question is written with (the inverse of LIKERT_LIST_KINDS)."""
    return next(
        name for name, kind in LIKERT_LIST_KINDS.items() if kind == (question.scale_wording, question.dont_know)
    )
_VALUE = r"'([^']*)'|\"([^\"]*)\"|(-?\d+)"
EQUALS_RE = re.compile(r"^\$\{([A-Za-z_][\w.-]*)\}\s*=\s*(?:" + _VALUE + r")$")
SELECTED_RE = re.compile(r"^selected\(\s*\$\{([A-Za-z_][\w.-]*)\}\s*,\s*(?:" + _VALUE + r")\s*\)$")
BOUND_RE = re.compile(r"^\.\s*(>=|<=|>|<)\s*(-?\d+)$")
QUESTION_KINDS = {"select_one", "select_multiple", "rank", "integer", "text"}
_TRUE = {"yes", "true", "true()", "1", "ja"}
_FALSE = {"", "no", "false", "false()", "0", "nej"}


def bilingual(sheet: Sheet, log: ProblemLog, row: dict, column: str, number: int | None, required: bool = True) -> dict | None:
    """{"sv", "en"} texts of a column, or None (a problem when required or half-filled)."""
    texts, missing = sheet.texts(row, column)
    if not texts and not required:
        return None
    if len(missing) == len(LANGUAGES):
        log.fail(sheet.name, number, "%(column)s is empty", column=column)
        return None
    if missing:
        log.fail(
            sheet.name, number, "%(column)s is missing in %(languages)s",
            column=column, languages=", ".join(LANGUAGE_NAMES[m] for m in missing),
        )
        return None
    return {lang: texts[lang] for lang in LANGUAGES}


def is_required(log: ProblemLog, value: str, number: int) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered not in _FALSE:
        log.fail(
            "survey", number, "required %(value)r is not supported: use yes or no (Medverkan has no conditional requirement)", value=value
        )
    return False


def refuse_columns(sheet: Sheet, log: ProblemLog, row: dict, number: int) -> None:
    """Refuse cells whose behaviour Medverkan would otherwise silently drop."""
    for column, reason in UNSUPPORTED_COLUMNS.items():
        if any(row.get((column, lang)) for lang in sheet.languages.get(column, [None])):
            log.fail("survey", number, "column %(column)r: %(reason)s", column=column, reason=Translatable(reason))


def condition(log: ProblemLog, expression: str, number: int, earlier: dict[str, Question]) -> Condition | None:
    """A ``relevant`` expression as a Condition over one earlier question."""
    keys, names = set(), []
    for part in re.split(r"\s+or\s+", expression.strip()):
        match = EQUALS_RE.match(part.strip()) or SELECTED_RE.match(part.strip())
        if not match:
            log.fail(
                "survey", number,
                "relevant %(expression)r is not supported: "
                "use ${q} = 'v', selected(${q}, 'v') or an or-combination of them over one question",
                expression=expression,
            )
            return None
        keys.add(match.group(1))
        names.append(next(g for g in match.groups()[1:] if g is not None))
    if len(keys) != 1:
        log.fail("survey", number, "relevant %(expression)r combines several questions; only one is supported", expression=expression)
        return None
    key = keys.pop()
    if key not in earlier:
        log.fail("survey", number, "relevant refers to %(key)r, which is not an earlier question", key=key)
        return None
    source = earlier[key]
    values = []
    for name in names:
        code = choice_code(source.choices, name) if source.type in ("single", "multiple") else None
        if code is None and re.fullmatch(r"-?\d+", name):
            code = int(name)
        if code is None or (source.value_labels() and code not in source.value_labels()):
            log.fail("survey", number, "relevant compares %(key)r with %(value)r, which is not one of its answers", key=key, value=name)
            return None
        values.append(code)
    return Condition(key, tuple(values))


def bounds(log: ProblemLog, constraint: str, number: int) -> dict[str, int]:
    """``. >= 0 and . <= 120`` -> {"minimum": 0, "maximum": 120}."""
    found: dict[str, int] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        match = BOUND_RE.match(part.strip())
        if not match:
            log.fail("survey", number, "constraint %(constraint)r is not supported: use . >= MIN and . <= MAX", constraint=constraint)
            return {}
        operator, limit = match.group(1), int(match.group(2))
        if operator.startswith(">"):
            found["minimum"] = limit + (operator == ">")
        else:
            found["maximum"] = limit - (operator == "<")
    return found


def question(sheet: Sheet, log: ProblemLog, row: dict, number: int, kind: str, list_name: str,
             lists: ChoiceLists, earlier: dict[str, Question], themes) -> Question | None:
    """Map one question row; every problem is logged and None returned."""
    before = log.count()
    if kind not in QUESTION_KINDS:
        _unknown_type(log, number, kind, Sheet.get(row, "type"))
        return None
    name = Sheet.get(row, "name")
    appearance = Sheet.get(row, "appearance")
    if not KEY_RE.match(name):
        log.fail("survey", number, "name %(name)r must match [a-z][a-z0-9_]* (lower-case letters, digits and _)", name=name)
    elif name in earlier:
        log.fail("survey", number, "duplicate name %(name)r", name=name)
    text = bilingual(sheet, log, row, "label", number)
    if text is not None:
        text = {**text, **read_references(sheet, row, text)}
    hint = bilingual(sheet, log, row, "hint", number, required=False)
    message = bilingual(sheet, log, row, "required_message", number, required=False)
    refuse_columns(sheet, log, row, number)
    theme = Sheet.get(row, "theme")
    if theme and theme not in themes:
        log.fail("survey", number, "theme %(theme)r is unknown (one of %(themes)s)", theme=theme, themes=", ".join(themes))
    fields = _type_fields(sheet, log, row, number, kind, list_name, appearance, lists)
    if fields is None:
        return None
    constraint = Sheet.get(row, "constraint")
    if constraint and fields["type"] != "integer":
        log.fail(
            "survey", number,
            "constraint %(constraint)r: Medverkan checks constraints only on integer questions (. >= MIN and . <= MAX)",
            constraint=constraint,
        )
    elif constraint:
        fields.update(bounds(log, constraint, number))
    required = is_required(log, Sheet.get(row, "required"), number)
    relevant = Sheet.get(row, "relevant")
    condition_ = condition(log, relevant, number, earlier) if relevant else None
    if log.count() > before:
        return None
    return Question(
        key=name, text=text, theme=theme, core=Sheet.get(row, "core").lower() in _TRUE, required=required,
        hint=hint, condition=condition_, required_message=message, **fields,
    )


def _type_fields(sheet, log, row, number, kind, list_name, appearance, lists) -> dict[str, Any] | None:
    items = Sheet.get(row, "items")
    if kind == "select_one" and appearance == "likert" and list_name in LIKERT_LISTS:
        wording, dont_know = LIKERT_LIST_KINDS[list_name]
        return {"type": "likert", "dont_know": dont_know, "scale_wording": wording}
    if kind == "select_one" and appearance == "yesno" and list_name == "yesno":
        return {"type": "yesno"}
    if kind == "select_one" and appearance == "screening":
        return _items(log, number, {"type": "screening", "items": items})
    if kind == "rank":
        source = items or list_name
        if source not in ITEM_SOURCES:
            log.fail(
                "survey", number,
                "rank %(list_name)r: Medverkan ranks only the process's applicants or finalists (rank applicants, rank finalists)",
                list_name=list_name,
            )
            return None
        return {"type": "ranking", "items": source}
    if kind in ("select_one", "select_multiple"):
        if list_name not in lists:
            log.fail("survey", number, "choice list %(list_name)r is not on the choices sheet", list_name=list_name)
            return None
        choices = lists.get(list_name)
        if choices is None:
            log.fail("survey", number, "choice list %(list_name)r has problems (see the choices sheet)", list_name=list_name)
            return None
        return {"type": "single" if kind == "select_one" else "multiple", "choices": choices}
    if kind == "integer":
        return {"type": "integer"}
    if kind == "text":
        return {"type": "text"}
    return None


def _unknown_type(log: ProblemLog, number: int, kind: str, cell: str) -> None:
    """Say whether the type is XLSForm that Medverkan lacks, or not XLSForm at all."""
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT  # imported when reading (reader.py says why)

    known = QUESTION_TYPE_DICT.get(kind) or QUESTION_TYPE_DICT.get(cell)
    if known and "jr:preload" in known.get("bind", {}):
        log.fail("survey", number, "type %(kind)r: %(reason)s", kind=cell, reason=Translatable(UNSUPPORTED_TYPES["start"]))
    elif known:
        log.fail("survey", number, "type %(kind)r is XLSForm that Medverkan does not support", kind=cell)
    else:
        log.fail("survey", number, "unknown type %(kind)r", kind=cell or "(empty)")


def _items(log, number, fields):
    if fields["items"] not in ITEM_SOURCES:
        log.fail("survey", number, "items must be one of %(sources)s", sources=", ".join(ITEM_SOURCES))
        return None
    return fields
