"""Turn one page of an instrument definition into a Flask-WTF form class.

Why a builder and not hand-written forms: instruments are data (YAML,
XLSForm), versioned and frozen once answered, so the form for "page 2 of the
representatives' questionnaire, version 3, in English" must be derived from
the definition every time, identically. Classes are cached per
(instrument key, version, page, language, items, skipped questions): form
construction sits on the hot path of every page request.

Rendering rules that follow from accessibility (WCAG 2.1 AA, GOV.UK
patterns): every radio group (Likert, yes/no, single choice, each
applicant's screening row) gets its own ``<fieldset>`` and ``<legend>``;
Likert items are never a table grid; "don't know" comes last. The templates
in ``collector/templates/macros/fields.html`` render the :class:`QuestionView`
objects this module attaches to each class.

Validation messages are part of the questionnaire, like question wording,
so they are bilingual here (``MESSAGES``) rather than in the interface
catalogue: a cached class serves exactly one language.

Conditions: a question whose condition refers to an *earlier* page is
decided on the server and left out (pass its key in ``skip``); a question
whose condition refers to a question on the *same* page is in the form
(validated and stored only when the condition holds), but the page shows it
only once the condition holds: ``forms.model.hidden_on_page`` names the ones to leave
out of the HTML, and the respondent views re-show the page when an answer
makes one apply (no JavaScript needed).
"""

from __future__ import annotations

import functools
import hashlib
import weakref
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations as wtforms_translations

from forms.model import DONT_KNOW
from forms.model import Instrument
from forms.model import Question
from forms.model import condition_met
from forms.validators import TEXT_MAX_LENGTH
from forms.validators import AllowedValues
from forms.validators import Answered
from forms.validators import MaxChars
from forms.validators import OnlyWhen
from forms.validators import WholeNumberInRange
from forms.validators import _int_or_raw
from forms.validators import message
from forms.validators import text_in

# --- what the templates render -------------------------------------------------


@dataclass(frozen=True)
class SubField:
    """One field of a grid question: the field name and the item it rates."""

    name: str
    item: str


@dataclass(frozen=True)
class QuestionView:
    """Everything a template needs to render one question, in one language."""

    question: Question
    kind: str  # radio | checkbox | integer | text | screening | ranking
    text: str
    hint: str
    condition_hint: str
    fields: tuple[SubField, ...]

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def required(self) -> bool:
        return self.question.required

    @property
    def hint_ids(self) -> str:
        """The ids of this question's hint paragraphs, for ``aria-describedby``."""
        ids = [f"{self.key}-hint"] if self.hint else []
        if self.condition_hint:
            ids.append(f"{self.key}-condition")
        return " ".join(ids)


RADIO_TYPES = ("likert", "yesno", "single")


def _choices(question: Question, language: str) -> list[SelectChoice]:
    labels = question.value_labels()
    ordered = sorted(labels, key=lambda value: (value == DONT_KNOW and question.type in ("likert", "yesno"), value))
    if question.type == "single":
        ordered = list(labels)  # the definition's order
    return [SelectChoice(value, text_in(labels[value], language)) for value in ordered]


def _answer_label(question: Question, value: Any, language: str) -> str:
    labels = question.value_labels()
    if value in labels:
        return text_in(labels[value], language)
    return str(value)


def _condition_hint(instrument: Instrument, question: Question, language: str) -> str:
    controlling = instrument.question(question.condition.question)
    answers = [
        f"”{_answer_label(controlling, v, language)}”" if language == "sv" else f"“{_answer_label(controlling, v, language)}”"
        for v in question.condition.values
    ]
    joined = f" {message('or', language)} ".join(answers)
    return message("condition_hint", language, answer=joined, question=text_in(controlling.text, language))


def _page_of(instrument: Instrument, key: str) -> int | None:
    for index, page in enumerate(instrument.pages):
        if any(question.key == key for question in page.questions):
            return index
    return None


def _fields_for(question: Question, language: str, items: dict, gate: list) -> tuple[dict, tuple[SubField, ...], str]:
    """The WTForms fields for one question, its sub-fields and its rendering kind."""
    required_text = text_in(question.required_message, language) or None
    key = question.key
    kind_by_type = {"likert": "radio", "yesno": "radio", "single": "radio", "multiple": "checkbox"}
    if question.type in RADIO_TYPES or question.type == "multiple":
        choices = _choices(question, language)
        allowed = [choice.value for choice in choices]
        multiple = question.type == "multiple"
        required = Answered(
            question.required,
            required_text or message("choose_at_least_one" if multiple else "choose", language),
            not gate,
        )
        field_class = SelectMultipleField if multiple else RadioField
        field = field_class(
            choices=choices,
            coerce=_int_or_raw,
            validate_choice=False,
            validators=[*gate, required, AllowedValues(allowed, message("invalid_choice", language))],
        )
        return {key: field}, (SubField(key, ""),), kind_by_type[question.type]
    if question.type == "integer":
        required = Answered(question.required, required_text or message("enter_number", language), not gate)
        field = StringField(validators=[*gate, required, WholeNumberInRange(question.minimum, question.maximum, language)])
        return {key: field}, (SubField(key, ""),), "integer"
    if question.type == "text":
        required = Answered(question.required, required_text or message("enter_text", language), not gate)
        field = TextAreaField(validators=[*gate, required, MaxChars(TEXT_MAX_LENGTH, language)])
        return {key: field}, (SubField(key, ""),), "text"
    if question.type in ("screening", "ranking"):
        names = list(items.get(question.items or "applicants") or [])
        fields: dict = {}
        subs = []
        for index, item in enumerate(names):
            name = f"{key}__{index}"
            if question.type == "screening":
                choices = _choices(question, language)
                fields[name] = RadioField(
                    choices=choices,
                    coerce=_int_or_raw,
                    validate_choice=False,
                    validators=[
                        *gate,
                        Answered(question.required, required_text or message("choose_for", language, item=item), not gate),
                        AllowedValues([choice.value for choice in choices], message("invalid_choice", language)),
                    ],
                )
            else:
                ranks = [SelectChoice("", message("rank_placeholder", language))]
                ranks += [SelectChoice(str(n), str(n)) for n in range(1, len(names) + 1)]
                fields[name] = SelectField(
                    choices=ranks,
                    coerce=_int_or_raw,
                    validate_choice=False,
                    validators=[
                        *gate,
                        Answered(question.required, required_text or message("rank_for", language, item=item), not gate),
                        AllowedValues(range(1, len(names) + 1), message("invalid_choice", language)),
                    ],
                )
            subs.append(SubField(name, item))
        return fields, tuple(subs), question.type
    raise ValueError(f"unknown question type {question.type!r} for {key}")


@functools.lru_cache(maxsize=None)
def builtin_messages(language: str):
    """WTForms' own message catalogue for ``language``, read once per process.

    Flask-WTF reads it from disk again on every request that builds a form
    (``flask_wtf.i18n``): a sixth of a questionnaire page's CPU
    (bench/whole_questionnaire.py). A page form is built for one language,
    so the catalogue can be chosen by the form instead.
    """
    return wtforms_translations([language])


class PageForm(FlaskForm):
    """Base class of every built page form: adds the distinct-ranks check."""

    question_views: tuple[QuestionView, ...] = ()
    language = "sv"

    class Meta:
        def get_translations(self, form):
            return builtin_messages(form.language)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for view in self.question_views:
            if view.kind != "ranking":
                continue
            seen: dict[int, str] = {}
            for sub in view.fields:
                field = self[sub.name]
                if field.errors or not isinstance(field.data, int):
                    continue
                if field.data in seen:
                    field.errors = list(field.errors) + [
                        message("rank_taken", self.language, item=sub.item, other=seen[field.data], rank=field.data)
                    ]
                    valid = False
                else:
                    seen[field.data] = sub.item
        return valid

    def view_has_errors(self, view: QuestionView) -> bool:
        return any(self[sub.name].errors for sub in view.fields)

    def input_errors(self) -> dict[str, list[str]]:
        """Errors other than "this required answer is missing" (bad numbers, too long text...)."""
        return {
            name: errors
            for name, errors in self.errors.items()
            if errors and not getattr(self[name], "missing_answer", False) and name != "csrf_token"
        }


def build_page_form(
    instrument: Instrument,
    page_index: int,
    language: str,
    items: dict[str, list[str]] | None = None,
    skip: frozenset[str] | set[str] = frozenset(),
) -> type[PageForm]:
    """Return the (cached) form class for one page.

    ``items`` gives the pseudonyms screening and ranking questions rate:
    ``{"applicants": [...], "finalists": [...]}``. ``skip`` names questions
    left out because a condition on an earlier page does not hold.
    """
    items = items or {}
    frozen_items = tuple(sorted((source, tuple(names)) for source, names in items.items()))
    return _build_cached(instrument, page_index, language, frozen_items, frozenset(skip))


# id(instrument) -> (a weak reference to it, its content fingerprint); see _fingerprint.
_FINGERPRINTS: dict[int, tuple[weakref.ref, str]] = {}


def _fingerprint(instrument: Instrument) -> str:
    """A digest of everything in ``instrument``, computed once per Instrument object.

    A version nobody has answered yet may be registered again with new
    content under the same key and version (``register_instrument``); keyed
    by (key, version, department) alone, a process that had built its pages
    kept showing the old questions under the new page titles. The weak
    reference makes an entry die with its object, so a reused ``id`` never
    finds another instrument's digest.
    """
    entry = _FINGERPRINTS.get(id(instrument))
    if entry is not None and entry[0]() is instrument:
        return entry[1]
    digest = hashlib.sha256(repr(instrument).encode()).hexdigest()
    identity = id(instrument)
    _FINGERPRINTS[identity] = (weakref.ref(instrument, lambda _gone: _FINGERPRINTS.pop(identity, None)), digest)
    return digest


def _instrument_cache_key(instrument: Instrument) -> tuple:
    return (instrument.key, instrument.version, instrument.department, _fingerprint(instrument))


class _Keyed:
    """Hash an Instrument by (key, version, department) and its content (:func:`_fingerprint`)."""

    def __init__(self, instrument: Instrument):
        self.instrument = instrument
        self.key = _instrument_cache_key(instrument)

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, _Keyed) and self.key == other.key


def _build_cached(instrument, page_index, language, frozen_items, skip):
    return _build(_Keyed(instrument), page_index, language, frozen_items, skip)


@functools.lru_cache(maxsize=512)
def _build(keyed: _Keyed, page_index: int, language: str, frozen_items: tuple, skip: frozenset) -> type[PageForm]:
    instrument = keyed.instrument
    page = instrument.pages[page_index]
    items = {source: list(names) for source, names in frozen_items}
    attributes: dict[str, Any] = {}
    views = []
    page_keys = {question.key for question in page.questions}
    for question in page.questions:
        if question.key in skip:
            continue
        gate = []
        condition_hint = ""
        if question.condition is not None and question.condition.question in page_keys:
            gate = [OnlyWhen(question, question.condition.question)]
            condition_hint = _condition_hint(instrument, question, language)
        fields, subs, kind = _fields_for(question, language, items, gate)
        if not subs:  # a grid with nothing to rate
            continue
        attributes.update(fields)
        hint = text_in(question.hint, language)
        if kind == "ranking" and not hint:
            hint = message("rank_hint", language)
        views.append(QuestionView(question, kind, text_in(question.text, language), hint, condition_hint, subs))
    attributes["question_views"] = tuple(views)
    attributes["language"] = language
    name = f"Page_{instrument.key}_v{instrument.version}_{page_index}_{language}"
    return type(name, (PageForm,), attributes)


def _field_value(view: QuestionView, form: PageForm) -> Any:
    question = view.question
    if question.type in ("screening", "ranking"):
        values = {}
        for sub in view.fields:
            data = form[sub.name].data
            if isinstance(data, int) and not form[sub.name].errors:
                values[sub.item] = data
        return values or None
    field = form[view.key]
    if field.errors:
        return None
    data = field.data
    if question.type == "multiple":
        chosen = sorted({v for v in (data or []) if isinstance(v, int)})
        return chosen or None
    if question.type == "integer":
        try:
            return int(str(data).strip().replace(" ", "").replace("\u2212", "-"))
        except (TypeError, ValueError):
            return None
    if question.type == "text":
        text = (data or "").strip()
        return text or None
    return data if isinstance(data, int) else None


def page_answers(instrument: Instrument, page_index: int, form: PageForm) -> dict[str, Any]:
    """The page's valid answers in the shapes of ``forms.model``.

    Questions whose same-page condition does not hold, unanswered questions
    and fields with errors are left out, so the result can be saved as a
    draft even when the page did not fully validate.
    """
    answers: dict[str, Any] = {}
    for view in form.question_views:
        value = _field_value(view, form)
        if value is not None:
            answers[view.key] = value
    on_page = {view.key for view in form.question_views}
    for view in form.question_views:
        condition = view.question.condition
        if condition is not None and condition.question in on_page and view.key in answers:
            if not condition_met(view.question, answers):
                del answers[view.key]
    return answers


def form_data(form_class: type[PageForm], answers: dict[str, Any]) -> dict[str, Any]:
    """Field data for ``form_class`` from saved answers (to resume a draft)."""
    data: dict[str, Any] = {}
    for view in form_class.question_views:
        value = answers.get(view.key)
        if value is None:
            continue
        if view.kind in ("screening", "ranking"):
            for sub in view.fields:
                if isinstance(value, dict) and sub.item in value:
                    data[sub.name] = value[sub.item]
        elif view.kind == "integer":
            data[view.key] = str(value)
        else:
            data[view.key] = value
    return data


def skipped_questions(instrument: Instrument, page_index: int, answers: dict[str, Any]) -> frozenset[str]:
    """Keys on this page hidden because a condition on an earlier page does not hold."""
    skipped = set()
    for question in instrument.pages[page_index].questions:
        if question.condition is None:
            continue
        source = _page_of(instrument, question.condition.question)
        if source is not None and source < page_index and not condition_met(question, answers):
            skipped.add(question.key)
    return frozenset(skipped)


def applicable_answers(instrument: Instrument, answers: dict[str, Any]) -> dict[str, Any]:
    """Drop answers to questions whose condition no longer holds (e.g. an earlier answer changed)."""
    kept = dict(answers)
    for question in instrument.questions:
        if question.key in kept and not condition_met(question, kept):
            del kept[question.key]
    return {key: value for key, value in kept.items() if any(q.key == key for q in instrument.questions)}


def answer_label(instrument: Instrument, key: str, value: Any, language: str) -> str:
    """A human-readable rendering of one saved answer (for the review page)."""
    question = instrument.question(key)
    if question.type == "multiple":
        return ", ".join(_answer_label(question, v, language) for v in value)
    if question.type in ("screening", "ranking"):
        if question.type == "ranking":
            return "; ".join(f"{rank}. {item}" for item, rank in sorted(value.items(), key=lambda pair: pair[1]))
        return "; ".join(f"{item}: {_answer_label(question, v, language)}" for item, v in value.items())
    if question.type in ("integer", "text"):
        return str(value)
    return _answer_label(question, value, language)
