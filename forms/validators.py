"""The questionnaire pages' messages (Swedish and English, chosen by the
instrument's language rather than the interface's) and their validators.

Why apart from ``forms.builder``: the validators decide what an answer may
be, the builder only how a page is laid out; both are read by tests on
their own.
"""

from __future__ import annotations

from typing import Any

from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from forms.model import Question
from forms.model import condition_met

TEXT_MAX_LENGTH = 5000

MESSAGES = {
    "choose": {"sv": "Välj ett svarsalternativ", "en": "Choose an answer"},
    "choose_at_least_one": {"sv": "Välj minst ett alternativ", "en": "Choose at least one option"},
    "choose_for": {"sv": "Välj ett svar för %(item)s", "en": "Choose an answer for %(item)s"},
    "rank_for": {"sv": "Välj en plats för %(item)s", "en": "Choose a place for %(item)s"},
    "invalid_choice": {
        "sv": "Svaret finns inte bland alternativen. Välj ett av alternativen",
        "en": "That answer is not one of the options. Choose one of the options",
    },
    "enter_number": {"sv": "Skriv ett tal", "en": "Enter a number"},
    "whole_number": {
        "sv": "Skriv ett heltal med siffror, till exempel 3",
        "en": "Enter a whole number in digits, for example 3",
    },
    "number_range": {
        "sv": "Skriv ett tal från %(min)s till %(max)s",
        "en": "Enter a number from %(min)s to %(max)s",
    },
    "number_min": {"sv": "Skriv ett tal som är %(min)s eller mer", "en": "Enter a number that is %(min)s or more"},
    "number_max": {"sv": "Skriv ett tal som är %(max)s eller mindre", "en": "Enter a number that is %(max)s or less"},
    "enter_text": {"sv": "Skriv ett svar", "en": "Enter an answer"},
    "text_too_long": {
        "sv": "Svaret får vara högst %(max)s tecken. Nu är det %(length)s tecken. Korta ner texten",
        "en": "The answer can be at most %(max)s characters. It is now %(length)s characters. Shorten the text",
    },
    "rank_taken": {
        "sv": "%(item)s och %(other)s har fått samma plats (%(rank)s). Ge varje person en egen plats",
        "en": "%(item)s and %(other)s have the same place (%(rank)s). Give each person a different place",
    },
    "condition_hint": {
        "sv": "Frågan gäller dig som svarade %(answer)s på frågan ”%(question)s”.",
        "en": "This question is for you if you answered %(answer)s to the question “%(question)s”.",
    },
    "or": {"sv": "eller", "en": "or"},
    "rank_placeholder": {"sv": "Välj plats", "en": "Choose a place"},
    "rank_hint": {
        "sv": "Ge varje person en egen plats. 1 är den du helst ser i tjänsten.",
        "en": "Give each person a different place. 1 is the person you would most like to see in the post.",
    },
}


def message(key: str, language: str, **values: Any) -> str:
    """A validation message in ``language`` (Swedish when unknown)."""
    texts = MESSAGES[key]
    text = texts.get(language) or texts["sv"]
    return text % values if values else text


def text_in(text: dict[str, str] | None, language: str) -> str:
    """Pick ``language`` from a bilingual text, falling back to Swedish."""
    if not text:
        return ""
    return text.get(language) or text.get("sv") or next(iter(text.values()), "")


def _int_or_raw(value: Any) -> Any:
    """Coerce a posted value to int, keeping anything else as typed.

    WTForms' own ``int`` coercion turns bad input into an English process
    error; keeping the raw value lets our validators answer in the
    respondent's language and re-render what was sent.
    """
    if value is None or isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return value


# --- validators ---------------------------------------------------------------


class OnlyWhen:
    """Skip all validation (and storage) of a field while its same-page condition fails."""

    def __init__(self, question: Question, controlling_field: str):
        self.question = question
        self.controlling_field = controlling_field

    def __call__(self, form, field):
        controlling = form[self.controlling_field].data
        if not condition_met(self.question, {self.question.condition.question: controlling}):
            field.errors[:] = []
            raise StopValidation()


class Answered:
    """Required (custom message) or optional: stops the chain when empty either way."""

    def __init__(self, required: bool, text: str, always: bool = True):
        self.required = required
        self.message = text
        # Conditional questions are not marked required in the HTML: they
        # are only required when their condition holds.
        self.field_flags = {"required": True} if required and always else {}

    def __call__(self, form, field):
        data = field.data
        empty = data is None or (isinstance(data, str) and not data.strip()) or data == [] or data == ""
        if empty:
            field.errors[:] = []
            if self.required:
                field.missing_answer = True
                raise StopValidation(self.message)
            raise StopValidation()


class AllowedValues:
    def __init__(self, values, text: str):
        self.values = frozenset(values)
        self.message = text

    def __call__(self, form, field):
        data = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in self.values for value in data):
            raise ValidationError(self.message)


# Whole-number answers are stored as SQLite 64-bit integers and summed by
# the statistics pages: a question with no maximum (XLSForm allows it)
# still gets this one, so 99999999999999999999999 is an error message,
# not an OverflowError at submit (issue 10 part 7).
LARGEST_WHOLE_NUMBER = 999_999_999


class WholeNumberInRange:
    def __init__(self, minimum: int | None, maximum: int | None, language: str):
        # An unset bound becomes the storable limit only where the number
        # passes it, so messages keep naming the question's own range.
        self.minimum = minimum if minimum is None or minimum > -LARGEST_WHOLE_NUMBER else -LARGEST_WHOLE_NUMBER
        self.maximum = maximum if maximum is None or maximum < LARGEST_WHOLE_NUMBER else LARGEST_WHOLE_NUMBER
        self.language = language

    def __call__(self, form, field):
        raw = str(field.data).strip().replace(" ", "").replace("\u2212", "-")
        try:
            number = int(raw[:40])
            if len(raw) > 40:
                number = LARGEST_WHOLE_NUMBER + 1  # far too large: no need to parse it all
        except ValueError:
            raise StopValidation(message("whole_number", self.language)) from None
        low, high = self.minimum, self.maximum
        if high is None and number > LARGEST_WHOLE_NUMBER:
            high = LARGEST_WHOLE_NUMBER
        if low is None and number < -LARGEST_WHOLE_NUMBER:
            low = -LARGEST_WHOLE_NUMBER
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                raise ValidationError(message("number_range", self.language, min=low, max=high))
            if low is not None:
                raise ValidationError(message("number_min", self.language, min=low))
            raise ValidationError(message("number_max", self.language, max=high))


class MaxChars:
    def __init__(self, maximum: int, language: str):
        self.maximum = maximum
        self.language = language

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.maximum:
            raise ValidationError(message("text_too_long", self.language, max=self.maximum, length=length))
