"""One question of a definition file, checked: its fields, texts, key, choices,
theme and display condition, with errors that name file, page and question.

Why apart from ``forms.definitions``: reading one question is the detailed
half of reading a file; ``forms.definitions`` assembles pages and
instruments (core questions, versions, departments) from these.
"""

from __future__ import annotations

import re
from typing import Any

from forms.model import ITEM_SOURCES
from forms.model import LANGUAGES
from forms.model import QUESTION_TYPES
from forms.model import Choice
from forms.model import Condition
from forms.model import Question
from forms.vocabulary import RESPONDENT_GROUPS

# Every question carries one theme so answers can be compared across groups
# theme by theme. The themes follow what the 2017 evaluation learned.
THEMES: dict[str, dict[str, str]] = {
    "attitude": {"sv": "Inställning till brukarmedverkan vid anställning", "en": "Attitude to user involvement in hiring"},
    "continuation": {"sv": "Fortsätta, och på vilka nivåer", "en": "Whether to continue, and at which levels"},
    "organisation": {"sv": "Hur processen var organiserad", "en": "How well the process was organised"},
    "trust": {"sv": "Tillit (personlig nivå och systemnivå)", "en": "Trust (personal and system level)"},
    "framing": {"sv": "Förberedelse och roll", "en": "Framing: preparation and role"},
    "feedback": {"sv": "Återkoppling", "en": "Feedback"},
    "dialog": {"sv": "Dialog mellan parterna", "en": "Dialogue between the parties"},
    "time_notice": {"sv": "Tid och framförhållning", "en": "Time and notice"},
    "influence": {"sv": "Inflytande", "en": "Influence"},
    "representativeness": {"sv": "Representativitet", "en": "Representativeness"},
    "conflict_of_interest": {"sv": "Jäv och intressekonflikter", "en": "Conflict of interest"},
    "staff_safety": {"sv": "Personalens trygghet", "en": "Staff safety"},
    "authority_encounters": {
        "sv": "Senare möten i myndighetsutövning",
        "en": "Later encounters in the exercise of public authority",
    },
    "applicant_privacy": {"sv": "Sökandes personliga uppgifter", "en": "Applicants' private information"},
    "post_clarity": {"sv": "Tydlighet om tjänsten", "en": "Clarity about the post"},
    "question_fairness": {"sv": "Rättvisa frågor", "en": "Fairness of the questions"},
    "venue": {"sv": "Platsen för mötet", "en": "The venue"},
    "candidate_experience": {"sv": "De sökandes upplevelse", "en": "Candidates' experience"},
    "expectations": {"sv": "Förväntningar och verklighet", "en": "Expectations and reality"},
    "screening": {"sv": "Bedömning av ansökningar", "en": "Screening of applications"},
    "ranking": {"sv": "Rangordning av slutkandidater", "en": "Ranking of the finalists"},
    "background": {"sv": "Bakgrund", "en": "Background"},
    "overall": {"sv": "Egna reflektioner", "en": "Own reflections"},
}

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# Columns every wide view has; a question key may not shadow them.
RESERVED_KEYS = frozenset({"response_id", "process_id", "group_key", "language", "submitted_on", "is_synthetic"})
# Types whose answers are codes a condition can test.
CODED_TYPES = ("likert", "yesno", "single", "multiple")

INSTRUMENT_FIELDS = {"key", "version", "group", "department", "reading", "minutes", "title", "intro", "pages"}
# What an easy-to-read questionnaire may change when it includes a core item:
# the wording only (key, type, scale and codes stay the core's).
CORE_REWORDING_FIELDS = {"core", "text", "hint", "choices"}
PAGE_FIELDS = {"key", "title", "intro", "questions"}
QUESTION_FIELDS = {
    "key", "type", "theme", "text", "hint", "required", "required_message",
    "dont_know", "choices", "min", "max", "items", "show_if",
}
CHOICE_FIELDS = {"value", "label", "missing"}
CORE_FILE_FIELDS = {"questions"}
TEXT_FIELDS = ("text", "hint", "required_message")


class DefinitionError(ValueError):
    """A definition file is wrong; the message names file, question and problem."""


def respondent_group_keys() -> set[str]:
    return {key for key, _sv, _en in RESPONDENT_GROUPS}


class Where:
    """Builds error messages that say exactly where the problem is."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, problem: str, where: str | None = None) -> DefinitionError:
        prefix = f"{self.source}: {where}: " if where else f"{self.source}: "
        return DefinitionError(prefix + problem)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_fields(data: Any, allowed: set[str], what: str, where: Where, at: str | None) -> dict:
    if not isinstance(data, dict):
        raise where.fail(f"{what} must be a mapping of fields, not {type(data).__name__}", at)
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise where.fail(
            f"unknown field {', '.join(repr(u) for u in unknown)} (allowed: {', '.join(sorted(allowed))})", at
        )
    return data


def check_text(value: Any, field_name: str, where: Where, at: str | None) -> dict[str, str]:
    """A bilingual text: exactly Swedish and English, both non-empty."""
    if not isinstance(value, dict):
        raise where.fail(f"'{field_name}' must have Swedish and English text ({{sv: ..., en: ...}})", at)
    unknown = sorted(set(map(str, value)) - set(LANGUAGES))
    if unknown:
        raise where.fail(f"'{field_name}' has unknown language {', '.join(repr(u) for u in unknown)}", at)
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise where.fail(f"'{field_name}' is missing its '{language}' text", at)
    return {language: value[language].strip() for language in LANGUAGES}


def check_key(value: Any, what: str, where: Where, at: str | None) -> str:
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        raise where.fail(f"{what} {value!r} must be lower-case letters, digits and _ starting with a letter", at)
    return value


def parse_choices(raw: Any, where: Where, at: str) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise where.fail("needs at least 2 'choices'", at)
    choices = []
    seen: set[int] = set()
    for number, item in enumerate(raw, start=1):
        item = check_fields(item, CHOICE_FIELDS, f"choice #{number}", where, at)
        value = item.get("value")
        if not is_int(value):
            raise where.fail(f"choice #{number} needs an integer 'value'", at)
        if value in seen:
            raise where.fail(f"choice value {value} is used twice", at)
        if value == 9 and item.get("missing") is not True:
            raise where.fail(
                "choice value 9 is the missing code ('don't know'); mark it 'missing: true' if that is intended", at
            )
        if "missing" in item and (item["missing"] is not True or value != 9):
            raise where.fail("'missing: true' is only for the choice with value 9", at)
        seen.add(value)
        choices.append(Choice(value=value, label=check_text(item.get("label"), f"label of choice #{number}", where, at)))
    return tuple(choices)


def parse_question(raw: dict, where: Where, at: str) -> Question:
    """Validate one question's own fields (conditions are checked later, in order)."""
    raw = check_fields(raw, QUESTION_FIELDS, "a question", where, at)
    for required_field in ("key", "type", "theme", "text"):
        if required_field not in raw:
            raise where.fail(f"missing required field '{required_field}'", at)
    key = check_key(raw["key"], "question key", where, at)
    if "__" in key or key in RESERVED_KEYS:
        raise where.fail(f"question key {key!r} is reserved or contains '__' (used in the wide view)", at)
    kind = raw["type"]
    if kind not in QUESTION_TYPES:
        raise where.fail(f"unknown type {kind!r} (known: {', '.join(QUESTION_TYPES)})", at)
    theme = raw["theme"]
    if theme not in THEMES:
        raise where.fail(f"unknown theme {theme!r} (see forms.definitions.THEMES)", at)
    for flag in ("required", "dont_know"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise where.fail(f"'{flag}' must be true or false", at)
    if "dont_know" in raw and kind != "likert":
        raise where.fail(f"{kind} questions take no 'dont_know' (only likert)", at)
    if "choices" in raw and kind not in ("single", "multiple"):
        raise where.fail(f"{kind} questions take no 'choices'", at)
    choices = parse_choices(raw.get("choices"), where, at) if kind in ("single", "multiple") else ()
    minimum = raw.get("min")
    maximum = raw.get("max")
    if kind != "integer" and ("min" in raw or "max" in raw):
        raise where.fail(f"{kind} questions take no 'min'/'max' (only integer)", at)
    if kind == "integer":
        for name, value in (("min", minimum), ("max", maximum)):
            if value is not None and not is_int(value):
                raise where.fail(f"'{name}' must be an integer", at)
        if minimum is not None and maximum is not None and minimum > maximum:
            raise where.fail(f"'min' ({minimum}) is greater than 'max' ({maximum})", at)
    items = raw.get("items")
    if kind in ("screening", "ranking"):
        if items not in ITEM_SOURCES:
            raise where.fail(f"{kind} questions need 'items' ({' or '.join(ITEM_SOURCES)}), not {items!r}", at)
    elif "items" in raw:
        raise where.fail(f"{kind} questions take no 'items' (only screening and ranking)", at)
    return Question(
        key=key,
        type=kind,
        text=check_text(raw["text"], "text", where, at),
        theme=theme,
        required=raw.get("required", False),
        hint=check_text(raw["hint"], "hint", where, at) if "hint" in raw else None,
        required_message=check_text(raw["required_message"], "required_message", where, at)
        if "required_message" in raw
        else None,
        choices=choices,
        dont_know=raw.get("dont_know", True),
        minimum=minimum,
        maximum=maximum,
        items=items,
        condition=None,
    )


def parse_condition(raw: Any, earlier: dict[str, Question], where: Where, at: str) -> Condition:
    """``show_if`` must point back at an earlier coded question, with values it can have."""
    shape = "show_if must be {question: key, equals: value} or {question: key, in: [values]}"
    if not isinstance(raw, dict) or set(raw) not in ({"question", "equals"}, {"question", "in"}):
        raise where.fail(shape, at)
    target_key = raw["question"]
    target = earlier.get(target_key)
    if target is None:
        raise where.fail(f"show_if refers to {target_key!r}, which is not an earlier question", at)
    if target.type not in CODED_TYPES:
        raise where.fail(f"show_if refers to {target_key!r}, a {target.type} question (needs a coded type)", at)
    values = [raw["equals"]] if "equals" in raw else raw["in"]
    if not isinstance(values, list) or not values:
        raise where.fail(shape, at)
    allowed = target.value_labels()
    for value in values:
        if not is_int(value) or value not in allowed:
            raise where.fail(
                f"show_if value {value!r} is not a value of {target_key!r} ({', '.join(map(str, sorted(allowed)))})",
                at,
            )
    return Condition(question=target_key, values=tuple(values))


def where_question(raw: Any, page_number: int, position: int) -> str:
    key = raw.get("key") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and "core" in raw and key is None:
        key = raw.get("core")
    if isinstance(key, str):
        return f"question '{key}' (page {page_number}, #{position})"
    return f"question #{position} on page {page_number}"
