"""One questionnaire page's flow: how it is rendered, which conditional
questions it shows, and where Next leads.

Conditional questions work without JavaScript. A follow-up right after the
radio question it depends on is in the page from the start and revealed by
CSS when an answer that makes it apply is checked (``reveal``). Any other
question whose condition names a question on the same page is left out of
the HTML until the saved (or just posted) answers make it apply; when a POST
makes it apply, the page is shown again with it (``newly_applicable``)
instead of moving on. A page
opened from the review's "Change" link (``?granska=1``) returns to the
review.
"""

from __future__ import annotations

from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_wtf.csrf import generate_csrf

from collector.respondent import page_cache
from collector.respondent.checks import error_list
from collector.respondent.checks import missing_required
from collector.respondent.drafts import Context
from collector.respondent.question_cache import question_html
from collector.respondent.reveal import page_blocks
from collector.respondent.reveal import revealable_keys
from forms import builder
from forms.model import hidden_on_page

# ``?granska=1`` on a page opened from the review's "Change" link: the page's
# Next (and Back) return to the review instead of walking on.
RETURN_TO_REVIEW = "granska"


def page_url(number: int, to_review: bool = False) -> str:
    return url_for("respondent.page", number=number, **({RETURN_TO_REVIEW: 1} if to_review else {}))


def render_page(context: Context, number: int, form, *, status=200, notice: str | None = None, hidden=None, to_review=False):
    """The page; ``hidden`` names same-page conditional questions that do not apply yet."""
    if hidden is None:
        hidden = hidden_on_page(context.instrument, number - 1, context.answers)
    blocks = page_blocks(form.question_views)
    hidden = hidden - revealable_keys(blocks)  # in the page, hidden by CSS until they apply
    errors = error_list(form)
    return (
        render_template(
            "respondent/page.html",
            ctx=context,
            instrument=context.instrument,
            page=context.instrument.pages[number - 1],
            number=number,
            form=form,
            hidden=hidden,
            blocks=blocks,
            question_html=question_html,
            to_review=to_review,
            action_url=page_url(number, to_review),
            errors=errors,
            form_has_errors=bool(errors),
            notice=notice,
            text=builder.text_in,
        ),
        status,
    )


def first_visit_page(context: Context, number: int, form_class, *, to_review=False):
    """The page with nothing answered on it yet: kept once rendered (``page_cache``)."""
    hidden = hidden_on_page(context.instrument, number - 1, context.answers)
    key = page_cache.first_visit_key(form_class, context.instrument, number, to_review, hidden)
    if key is not None:
        html = page_cache.cached(key, context.instrument, generate_csrf())
        if html is not None:
            return html, 200
    form = form_class(formdata=None, data={})
    html, status = render_page(context, number, form, hidden=hidden, to_review=to_review)
    if key is not None:
        page_cache.keep(key, context.instrument, html, form.csrf_token._value())
    return html, status


def newly_applicable(context: Context, index: int, form, hidden: frozenset, values: dict) -> set[str]:
    """Same-page conditional questions an answer on this POST made apply, unseen so far.

    The page lists the conditional questions it showed in hidden ``shown``
    fields; one that applies now, was not shown and has no answer posted is
    new to the respondent, so the page is shown again with it instead of
    moving on (conditions without JavaScript).
    """
    shown = set(request.form.getlist("shown"))
    page_keys = {question.key for question in context.instrument.pages[index].questions}
    return {
        view.key
        for view in form.question_views
        if view.question.condition is not None
        and view.question.condition.question in page_keys
        and view.key not in hidden
        and view.key not in shown
        and view.key not in values
    }


def forget_errors(form, keys: set[str]) -> None:
    """Drop the errors of questions the respondent has not seen yet."""
    for view in form.question_views:
        if view.key in keys:
            for sub in view.fields:
                form[sub.name].errors = []
    form._errors = None


def after_page(context: Context, number: int, to_review: bool):
    """Where Next leads: the next page, or back to the review it came from."""
    if to_review:
        missing = missing_required(context)
        if missing is not None and missing != number:
            # The change made a required question on another page apply.
            return redirect(page_url(missing, True), code=303)
        return redirect(url_for("respondent.review"), code=303)
    if number == context.page_count:
        return redirect(url_for("respondent.review"), code=303)
    return redirect(url_for("respondent.page", number=number + 1), code=303)
