"""Respondent flow: personal link -> start page -> pages -> review -> submit
-> receipt, and withdrawal with the receipt code.

Why the link redirects at once: ``GET /s/<token>`` looks the token's SHA-256
up, remembers only the invitation id in the signed session cookie and
answers ``303 See Other`` to ``/svar``. The token therefore never stays in
the address bar, in the browser history of a shared computer, in a
``Referer`` header sent to another site (we also send
``Referrer-Policy: no-referrer``) or in the URLs of the pages where answers
are typed. A GET link (rather than a POST-only entry) is kept because links
in emails and QR codes can only be GETs; printed letters can instead have
the code typed into the field on ``/`` (``POST /s``), which keeps it out of
server logs entirely. Unknown tokens count towards the token-guess throttle
(``collector.security``).

State lives server-side: the draft (answers so far, the page reached and
the instrument id, pinned so that a new instrument version never switches
mid-answer) is saved in ``contacts.drafts`` on every page POST, so the
respondent can return with the same link, on any device, and resume.
Nothing here writes to the served database except through
``collector.respondent.submission``.
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import StringField

from collector import invitations
from collector import short_codes
from collector.db import get_contacts_db
from collector.db import get_db
from collector.i18n import current_language
from collector.i18n import refresh_locale
from collector.respondent import receipt_handoff
from collector.respondent import submission
from collector.respondent.checks import missing_required
from collector.respondent.checks import only_input_errors
from collector.respondent.checks import review_rows
from collector.respondent.drafts import Context
from collector.respondent.links import current_invitation
from collector.respondent.links import enter_invitation
from collector.respondent.links import enter_with_token
from collector.respondent.links import invitation_by_token
from collector.respondent.links import state_page
from collector.respondent.page_flow import RETURN_TO_REVIEW
from collector.respondent.page_flow import after_page
from collector.respondent.page_flow import first_visit_page
from collector.respondent.page_flow import forget_errors
from collector.respondent.page_flow import newly_applicable
from collector.respondent.page_flow import page_url
from collector.respondent.page_flow import render_page
from collector.security import note_failed_token_lookup
from collector.security import token_guesses_exceeded
from forms import builder
from forms.model import hidden_on_page
from forms.vocabulary import LANGUAGES

bp = Blueprint("respondent", __name__)


# --- small forms (CSRF + one field each) --------------------------------------


class CodeForm(FlaskForm):
    """The code from a printed letter, typed by hand."""

    code = StringField()


class ReceiptForm(FlaskForm):
    receipt = StringField()


class ConfirmForm(FlaskForm):
    """Only the CSRF token: submit and confirm buttons."""


# --- language switch that keeps the step ----------------------------------------


# Endpoints a language link can point back to (GET pages).
GET_ENDPOINTS = {
    "respondent.landing", "respondent.open_link", "respondent.questionnaire", "respondent.page",
    "respondent.review", "respondent.thanks", "respondent.withdraw",
}


@bp.context_processor
def _language_switch():
    def language_switch_url(language: str) -> str:
        if request.endpoint in GET_ENDPOINTS:
            return url_for(request.endpoint, **(request.view_args or {}), lang=language)
        return url_for("respondent.landing", lang=language)

    return {"language_switch_url": language_switch_url}


# --- entry -----------------------------------------------------------------------------


@bp.route("/")
def landing():
    return render_template("respondent/landing.html", form=CodeForm(), errors=[])


@bp.route("/s/<token>")
def open_link(token: str):
    return enter_with_token(token)


def _code_from_typed(text: str) -> str:
    """Accept the bare code or a whole pasted link; drop spaces."""
    text = "".join((text or "").split())
    if "/s/" in text:
        text = text.rsplit("/s/", 1)[1]
    return text.strip("/")


@bp.route("/s", methods=["POST"])
def enter_code():
    form = CodeForm()
    form.validate()
    if token_guesses_exceeded():
        abort(429)
    if short_codes.looks_like_short_code(form.code.data):
        return _enter_short_code(form)
    code = _code_from_typed(form.code.data)
    if not code:
        errors = [("code", _("Enter the code from your letter"))]
        return render_template("respondent/landing.html", form=form, errors=errors), 200
    invitation = invitation_by_token(code)
    if invitation is None:
        note_failed_token_lookup()
        errors = [("code", _("We could not find that code. Check that you typed it exactly as in the letter"))]
        return render_template("respondent/landing.html", form=form, errors=errors), 404
    return enter_with_token(code)


def _enter_short_code(form):
    """A printed slip's short code (see collector.short_codes). A typing error,
    caught by the check symbol, is said as such and is not counted as a guess."""
    if short_codes.normalise(form.code.data) is None:
        errors = [("code", _("The code has a typing error. Check each character against your letter"))]
        return render_template("respondent/landing.html", form=form, errors=errors), 400
    invitation = invitations.by_short_code(get_contacts_db(), form.code.data)
    if invitation is None:
        note_failed_token_lookup()
        errors = [("code", _("We could not find that code. Check that you typed it exactly as in the letter"))]
        return render_template("respondent/landing.html", form=form, errors=errors), 404
    return enter_invitation(invitation)


# --- the questionnaire ----------------------------------------------------------------


def _guard(current: tuple[dict | None, str] | None = None, *, finish_stored: bool = True):
    """Return (context, None) when answering is possible, else (None, response).

    ``current`` is the caller's :func:`current_invitation`, when it already
    looked it up. ``finish_stored=False`` skips the check for a stored
    response whose last step was lost: submitting does that itself.
    """
    invitation, state = current or current_invitation()
    if state == "no_session" and receipt_handoff.has_sent():
        # Answers were sent from this browser: the session no longer names
        # the invitation (see receipt_handoff), the thanks page says what happened.
        return None, redirect(url_for("respondent.thanks"), code=303)
    if finish_stored and state in ("open", "submitting"):
        # Stored, but the last step was lost (a crash or power cut): finish
        # it with the receipt code the respondent may already have seen.
        code = submission.finish_if_stored(get_db(), get_contacts_db(), invitation["id"])
        if code:
            receipt_handoff.hand_over(get_contacts_db(), code)
            return None, redirect(url_for("respondent.thanks"), code=303)
    if state == "submitting":
        return None, _finish_interrupted(invitation)
    if state != "open":
        if state == "answered" and receipt_handoff.has_sent():
            return None, redirect(url_for("respondent.thanks"), code=303)
        return None, state_page(state)
    return Context(invitation), None


def _finish_interrupted(invitation: dict):
    """A submission stopped between its steps: finish it with the saved draft."""
    context = Context(invitation)
    answers = builder.applicable_answers(context.instrument, context.answers)
    code = submission.submit(
        get_db(), get_contacts_db(), invitation["id"], answers, current_language(), instrument_id=context.instrument_id
    )
    if code:
        receipt_handoff.hand_over(get_contacts_db(), code)
    return redirect(url_for("respondent.thanks"), code=303)


@bp.route("/svar")
def questionnaire():
    context, response = _guard()
    if response is not None:
        return response
    if context.has_draft and request.args.get("start") is None:
        # Resuming: say where the person is, on the page they land on.
        page = min(max(int(context.draft.get("page", 1)), 1), context.page_count + 1)
        if page > context.page_count:
            flash(_("Welcome back — you have answered every page. Check your answers and send them."), "info")
            return redirect(url_for("respondent.review"), code=303)
        flash(_("Welcome back — you are on page %(number)s of %(total)s.", number=page, total=context.page_count), "info")
        return redirect(url_for("respondent.page", number=page), code=303)
    return render_template("respondent/start.html", ctx=context, instrument=context.instrument, text=builder.text_in)


@bp.route("/svar/sida/<int:number>", methods=["GET", "POST"])
def page(number: int):
    context, response = _guard()
    if response is not None:
        return response
    if number < 1 or number > context.page_count:
        abort(404)
    if number > context.reached + 1:
        return redirect(url_for("respondent.page", number=context.reached + 1), code=303)
    to_review = request.args.get(RETURN_TO_REVIEW) == "1" and context.reached >= context.page_count
    index = number - 1
    if request.method == "GET":
        form_class = context.form_class(index)
        data = builder.form_data(form_class, context.answers)
        if not data:
            return first_visit_page(context, number, form_class, to_review=to_review)
        return render_page(context, number, form_class(formdata=None, data=data), to_review=to_review)

    action = request.form.get("action", "next")
    form = context.form_class(index)()
    valid = form.validate()
    values = builder.page_answers(context.instrument, index, form)
    hidden = hidden_on_page(context.instrument, index, context.with_page(index, values))

    if action.startswith("lang-") and action[5:] in LANGUAGES:
        context.save(number, index, values)
        session["lang"] = action[5:]
        refresh_locale()
        switched = context.form_class(index, action[5:])()
        return render_page(context, number, switched, hidden=hidden, to_review=to_review)
    if action == "back":
        if to_review:
            context.save(context.page_count + 1, index, values)
            return redirect(url_for("respondent.review"), code=303)
        context.save(max(number - 1, 1), index, values)
        return redirect(
            url_for("respondent.page", number=number - 1) if number > 1 else url_for("respondent.questionnaire", start=1), code=303
        )
    if action == "save":
        if form.input_errors():
            return render_page(context, number, only_input_errors(form), hidden=hidden, to_review=to_review)
        context.save(number, index, values)
        return render_template("respondent/saved.html", ctx=context)
    newly = newly_applicable(context, index, form, hidden, values)
    if newly:
        forget_errors(form, newly)
        context.save(number, index, values)
        notice = _("Your answer means there is another question on this page. Answer it, then continue.")
        if form.input_errors():
            return render_page(context, number, only_input_errors(form), notice=notice, hidden=hidden, to_review=to_review)
        flash(notice, "info")
        return redirect(page_url(number, to_review), code=303)
    if not valid:
        return render_page(context, number, form, hidden=hidden, to_review=to_review)
    context.save(context.page_count + 1 if to_review else number + 1, index, values, reached=number)
    return after_page(context, number, to_review)


@bp.route("/svar/granska")
def review():
    context, response = _guard()
    if response is not None:
        return response
    if context.reached < context.page_count:
        return redirect(url_for("respondent.page", number=context.reached + 1), code=303)
    return render_template(
        "respondent/review.html", ctx=context, sections=review_rows(context), form=ConfirmForm(), instrument=context.instrument,
        text=builder.text_in,
    )


@bp.route("/svar/skicka", methods=["POST"])
def send():
    invitation, state = current = current_invitation()
    if state == "answered" or (state == "no_session" and receipt_handoff.has_sent()):
        return redirect(url_for("respondent.thanks"), code=303)
    context, response = _guard(current, finish_stored=False)
    if response is not None:
        return response
    answers = builder.applicable_answers(context.instrument, context.answers)
    missing = missing_required(context, answers)
    if missing is not None or context.reached < context.page_count:
        number = missing or context.reached + 1
        return redirect(url_for("respondent.page", number=number), code=303)
    code = submission.submit(
        get_db(),
        get_contacts_db(),
        invitation["id"],
        answers,
        current_language(),
        instrument_id=context.instrument_id,
        instrument=context.instrument,
    )
    if code:
        receipt_handoff.hand_over(get_contacts_db(), code)
    return redirect(url_for("respondent.thanks"), code=303)


@bp.route("/svar/tack")
def thanks():
    """The receipt code, shown once: it is read from a one-time server-side
    hand-over (``receipt_handoff``), never from the session cookie."""
    sent = receipt_handoff.has_sent()
    code = receipt_handoff.take(get_contacts_db())
    if code:
        return render_template("respondent/thanks.html", code=code)
    if sent:
        return state_page("receipt_shown")
    invitation, state = current_invitation()
    if state in ("answered", "no_session"):
        return state_page(state)
    return redirect(url_for("respondent.questionnaire"), code=303)


# --- withdrawal -----------------------------------------------------------------------


@bp.route("/withdraw", methods=["GET", "POST"])
def withdraw():
    form = ReceiptForm()
    if request.method == "GET":
        form.receipt.data = request.args.get("receipt", "")
        return render_template("respondent/withdraw.html", form=form, errors=[])
    form.validate()
    code = (form.receipt.data or "").strip()
    errors = []
    if not code:
        errors = [("receipt", _("Enter your receipt code"))]
    else:
        state = submission.receipt_state(get_contacts_db(), code)
        if state == "unknown":
            errors = [("receipt", _("We could not find that receipt code. Check that you typed it exactly as it was shown"))]
        elif state == "withdrawn":
            return render_template("respondent/withdrawn.html", already=True)
    if errors:
        return render_template("respondent/withdraw.html", form=form, errors=errors, form_has_errors=True), 200
    if request.form.get("confirm") == "yes":
        done = submission.withdraw(get_db(), get_contacts_db(), code)
        return render_template("respondent/withdrawn.html", already=not done)
    return render_template("respondent/withdraw_confirm.html", form=form, code=code)


# --- CSRF failures keep what was typed ---------------------------------------------------


@bp.errorhandler(CSRFError)
def _csrf_failed(error):
    notice = _(
        "Your answers were not saved because the page had been open too long or was opened in another window. "
        "Check your answers below and press the button again."
    )
    if request.endpoint == "respondent.page":
        invitation, state = current_invitation()
        if state == "open":
            context = Context(invitation)
            number = request.view_args["number"]
            if 1 <= number <= context.page_count:
                form = context.form_class(number - 1)()
                return render_page(context, number, form, status=400, notice=notice)
    if request.endpoint == "respondent.enter_code":
        form = CodeForm()
        return render_template("respondent/landing.html", form=form, errors=[], notice=notice), 400
    if request.endpoint == "respondent.withdraw":
        form = ReceiptForm()
        return render_template("respondent/withdraw.html", form=form, errors=[], notice=notice), 400
    if request.endpoint == "respondent.send":
        return redirect(url_for("respondent.review"), code=303)
    current_app.logger.info("CSRF failure on %s", request.endpoint)
    return state_page("no_session")
