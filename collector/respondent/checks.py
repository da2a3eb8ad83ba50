"""What the answers so far lack, and how they read back: the error summary
of a page, the first page with a required question unanswered (checked on
the server before submitting, whatever the browser did) and the review's
rows.
"""

from __future__ import annotations

from collector.i18n import current_language
from collector.respondent.drafts import Context
from forms import builder
from forms.model import condition_met
from forms.validators import LARGEST_WHOLE_NUMBER


def error_list(form) -> list[tuple[str, str]]:
    """(anchor id, message) pairs in page order, for the error summary.

    Each message names its question (and the rated item in a grid): a
    summary of five identical "Choose an answer" links tells a screen-reader
    user nothing about where to go.
    """
    errors = []
    for view in form.question_views:
        for sub in view.fields:
            field = form[sub.name]
            for error in field.errors:
                anchor = f"{field.id}-0" if view.kind in ("radio", "checkbox", "screening") else field.id
                text = view.text.rstrip(" .")  # "…personal." reads badly before the dash
                subject = f"{text} ({sub.item})" if sub.item else text
                errors.append((anchor, f"{subject} – {error}"))
    return errors


def only_input_errors(form):
    """Keep errors about what was typed; saving for later needs no required answers."""
    for name in list(form.errors):
        field = form[name]
        if getattr(field, "missing_answer", False):
            field.errors = []
    form._errors = None
    return form


def _unstorable(value) -> bool:
    try:
        return value is not None and abs(int(value)) > LARGEST_WHOLE_NUMBER
    except (TypeError, ValueError):
        return True


def missing_required(context: Context, answers: dict | None = None) -> int | None:
    """The first page (1-based) with a required, shown question left unanswered.

    ``answers`` are the applicable answers when the caller has them already.
    A whole number too large to store (a draft saved before the page
    checked it) also sends the respondent back to its page, where the
    page's check says what to do, instead of failing at submit.
    """
    if answers is None:
        answers = builder.applicable_answers(context.instrument, context.answers)
    for index, page_def in enumerate(context.instrument.pages):
        for question in page_def.questions:
            value = answers.get(question.key)
            if question.type == "integer" and _unstorable(value):
                return index + 1
            if not question.required or not condition_met(question, answers):
                continue
            if question.type in ("screening", "ranking"):
                names = context.items.get(question.items or "applicants") or []
                if names and len(answers.get(question.key) or {}) < len(names):
                    return index + 1
            elif question.key not in answers:
                return index + 1
    return None


def review_rows(context: Context):
    language = current_language()
    answers = builder.applicable_answers(context.instrument, context.answers)
    sections = []
    for index, page_def in enumerate(context.instrument.pages):
        rows = []
        for question in page_def.questions:
            if question.key in builder.skipped_questions(context.instrument, index, answers):
                continue
            value = answers.get(question.key)
            shown = builder.answer_label(context.instrument, question.key, value, language) if value not in (None, "", [], {}) else None
            rows.append((builder.text_in(question.text, language), shown, question.key))
        sections.append((index + 1, builder.text_in(page_def.title, language), rows))
    return sections
