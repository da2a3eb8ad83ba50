"""The in-memory shape of a questionnaire definition, shared by every part.

The YAML loader (``forms.definitions``), the WTForms builder
(``forms.builder``), the XLSForm converter (``forms.xlsform``), the registry
that writes instruments to SQLite (``collector.instruments.registry``) and the respondent
flow all speak in these dataclasses. Keep them plain: no I/O here.

Answer values, as the builder returns them and the respondent flow stores
them in drafts (JSON), by question type:

=========== ============================================================
likert       int 1-5, or DONT_KNOW (9)
yesno        int: YES (1), NO (2) or DONT_KNOW (9, "unsure")
single       int, one of the question's choice values
integer      int within [minimum, maximum]
text         str (stripped; empty means unanswered)
multiple     list[int], the chosen choice values
screening    dict[str, int]: applicant pseudonym -> 1-4
ranking      dict[str, int]: finalist pseudonym -> rank 1..n
=========== ============================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.vocabulary import EASY_READ
from forms.vocabulary import LANGUAGES  # noqa: F401  (re-exported: forms.xlsform imports it from here)

QUESTION_TYPES = ("likert", "yesno", "single", "multiple", "integer", "text", "screening", "ranking")

# "Don't know" / "unsure" share one code across types, declared as missing
# in the codebook; statistics functions ignore it.
DONT_KNOW = 9
YES = 1
NO = 2

# Screening scale of Table 2 in the 2017 evaluation.
SCREENING_SCALE = {
    1: {"sv": "Ja", "en": "Yes"},
    2: {"sv": "Ja, med reservation", "en": "Yes, with reservation"},
    3: {"sv": "Tveksam", "en": "Doubtful"},
    4: {"sv": "Nej", "en": "No"},
}

# The one agreement scale, 1-5 plus "don't know", defined here only: the
# questionnaires, the builder, the XLSForm export and the registry (which
# writes these labels to ``question_choices``, where Datasette, the exports
# and the research codebook read them) all take it from here.
# Why this wording: it is the balanced five-point agreement scale Swedish
# surveys use ("Tar helt avstånd" ... "Instämmer helt"), two partial points
# around a neutral middle, with the standard English Likert labels as its
# equivalent. Version 1 of the questionnaires read "Instämmer inte alls /
# Instämmer delvis inte / ... / Instämmer delvis / Instämmer helt": the same
# five points (codes keep their meaning), stored with v1's question_choices.
AGREEMENT_SCALE = {
    1: {"sv": "Tar helt avstånd", "en": "Strongly disagree"},
    2: {"sv": "Tar delvis avstånd", "en": "Disagree"},
    3: {"sv": "Varken eller", "en": "Neither agree nor disagree"},
    4: {"sv": "Instämmer delvis", "en": "Agree"},
    5: {"sv": "Instämmer helt", "en": "Strongly agree"},
    DONT_KNOW: {"sv": "Vet inte", "en": "Don't know"},
}

# The same five points and codes in easy-to-read Swedish and plain English,
# for questionnaires with ``reading: easy_read`` (forms.vocabulary.READINGS):
# "ta avstånd" and "instämma" are not everyday words, "hålla med" is. Codes
# keep their meaning, so answers on either wording are counted together.
EASY_AGREEMENT_SCALE = {
    1: {"sv": "Håller inte alls med", "en": "Do not agree at all"},
    2: {"sv": "Håller inte med", "en": "Do not agree"},
    3: {"sv": "Varken eller", "en": "Neither agree nor disagree"},
    4: {"sv": "Håller med", "en": "Agree"},
    5: {"sv": "Håller helt med", "en": "Fully agree"},
    DONT_KNOW: {"sv": "Vet inte", "en": "Don't know"},
}
AGREEMENT_SCALES = {None: AGREEMENT_SCALE, EASY_READ: EASY_AGREEMENT_SCALE}


def agreement_scale(wording: str | None) -> dict[int, dict[str, str]]:
    """The agreement scale in ``wording`` (None: the standard one), read when asked."""
    return EASY_AGREEMENT_SCALE if wording == EASY_READ else AGREEMENT_SCALE

YESNO_SCALE = {
    YES: {"sv": "Ja", "en": "Yes"},
    NO: {"sv": "Nej", "en": "No"},
    DONT_KNOW: {"sv": "Osäker", "en": "Unsure"},
}

# Where screening and ranking items come from: the process's applicants.
ITEM_SOURCES = ("applicants", "finalists")

Text = dict[str, str]  # {"sv": ..., "en": ...}


@dataclass(frozen=True)
class Choice:
    value: int
    label: Text


@dataclass(frozen=True)
class Condition:
    """Show (and require) a question only when another has one of ``values``."""

    question: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: Text
    theme: str
    core: bool = False
    required: bool = False
    hint: Text | None = None
    choices: tuple[Choice, ...] = ()
    dont_know: bool = True  # likert only: offer "don't know"
    minimum: int | None = None  # integer only
    maximum: int | None = None  # integer only
    items: str | None = None  # screening/ranking: one of ITEM_SOURCES
    condition: Condition | None = None
    required_message: Text | None = None
    # likert only: the wording of the agreement scale (a key of
    # AGREEMENT_SCALES); None is the standard one. Set by the definition
    # loader on every Likert question of an easy-to-read questionnaire.
    scale_wording: str | None = None

    def value_labels(self) -> dict[int, Text]:
        """Every coded value with its label (empty for integer and text)."""
        if self.type == "likert":
            labels = dict(agreement_scale(self.scale_wording))
            if not self.dont_know:
                labels.pop(DONT_KNOW)
            return labels
        if self.type == "yesno":
            return dict(YESNO_SCALE)
        if self.type in ("single", "multiple"):
            return {choice.value: choice.label for choice in self.choices}
        if self.type == "screening":
            return dict(SCREENING_SCALE)
        return {}


@dataclass(frozen=True)
class Page:
    key: str
    title: Text
    questions: tuple[Question, ...]
    intro: Text | None = None


@dataclass(frozen=True)
class Instrument:
    key: str
    version: int
    group: str
    title: Text
    pages: tuple[Page, ...]
    intro: Text | None = None
    minutes: int | None = None
    department: str | None = None
    # None: the standard wording; "easy_read": the easy-to-read variant of
    # the group's questionnaire (forms.vocabulary.READINGS).
    reading: str | None = None
    source: str | None = None  # file the definition came from, for messages

    @property
    def questions(self) -> list[Question]:
        return [question for page in self.pages for question in page.questions]

    def question(self, key: str) -> Question:
        for candidate in self.questions:
            if candidate.key == key:
                return candidate
        raise KeyError(key)


@dataclass
class AnswerRow:
    """One row of the long-format ``answers`` table."""

    question_key: str
    item: str = ""
    value_int: int | None = None
    value_text: str | None = None


def answer_rows(question: Question, value: Any) -> list[AnswerRow]:
    """Turn one answer value (see the module docstring) into ``answers`` rows.

    Unanswered values (None, "", [] or {}) give no rows.
    """
    if value is None or value == "" or value == [] or value == {}:
        return []
    if question.type == "text":
        return [AnswerRow(question.key, value_text=str(value))]
    if question.type == "multiple":
        return [AnswerRow(question.key, item=str(int(v)), value_int=int(v)) for v in sorted(set(value))]
    if question.type in ("screening", "ranking"):
        return [AnswerRow(question.key, item=str(item), value_int=int(v)) for item, v in sorted(value.items())]
    return [AnswerRow(question.key, value_int=int(value))]


def condition_met(question: Question, answers: dict[str, Any]) -> bool:
    """True when the question has no condition or its condition holds for ``answers``."""
    if question.condition is None:
        return True
    given = answers.get(question.condition.question)
    if isinstance(given, list):
        return any(v in question.condition.values for v in given)
    return given in question.condition.values


def hidden_on_page(instrument: Instrument, page_index: int, answers: dict[str, Any]) -> frozenset[str]:
    """Keys on this page whose condition on a question of the *same* page does not hold.

    These stay in the page's form class (so an answer that makes them apply
    can be posted with them), but are not shown until it applies.
    """
    page_keys = {question.key for question in instrument.pages[page_index].questions}
    return frozenset(
        question.key
        for question in instrument.pages[page_index].questions
        if question.condition is not None
        and question.condition.question in page_keys
        and not condition_met(question, answers)
    )
