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

import datetime
import json
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import StringField

from collector.db import get_contacts_db
from collector.db import get_db
from collector.db import immediate_transaction
from collector.i18n import current_language
from collector.instruments.registry import instrument_for
from collector.invitations import invitation_where
from collector.instruments.registry import load_registered
from collector.respondent import submission
from collector.security import note_failed_token_lookup
from collector.security import token_guesses_exceeded
from collector.tokens import hash_secret
from forms import builder
from forms.model import condition_met
from forms.vocabulary import APPLICANT_STAGES
from forms.vocabulary import LANGUAGES

bp = Blueprint("respondent", __name__)

SESSION_INVITATION = "respondent_invitation"
SESSION_RECEIPT = "respondent_receipt"



# --- small forms (CSRF + one field each) --------------------------------------


class CodeForm(FlaskForm):
    """The code from a printed letter, typed by hand."""

    code = StringField()


class ReceiptForm(FlaskForm):
    receipt = StringField()


class ConfirmForm(FlaskForm):
    """Only the CSRF token: submit and confirm buttons."""


# --- invitations ---------------------------------------------------------------


def _invitation_row(where: str, value) -> dict | None:
    return invitation_where(get_contacts_db(), where, value)


def _invitation_by_token(token: str) -> dict | None:
    """The invitation of a link: its current one, or one from an earlier email."""
    token_hash = hash_secret(token)
    invitation = _invitation_row("token_hash", token_hash)
    if invitation is None:
        earlier = get_contacts_db().execute(
            "select invitation_id from earlier_links where token_hash = ?", [token_hash]
        ).fetchone()
        if earlier is not None:
            invitation = _invitation_row("id", earlier[0])
    return invitation


def _invitation_by_id(invitation_id) -> dict | None:
    if not isinstance(invitation_id, int):
        return None
    return _invitation_row("id", invitation_id)


def _process_status(process_id: int) -> str | None:
    row = get_db().execute("select status from processes where id = ?", [process_id]).fetchone()
    return row[0] if row else None


def invitation_state(invitation: dict | None) -> str:
    """One of: unknown, answered, submitting, closed, expired, open."""
    if invitation is None:
        return "unknown"
    if invitation["status"] == "answered":
        return "answered"
    if invitation["status"] == "submitting":
        return "submitting"
    if invitation["status"] == "closed":
        return "closed"
    process_status = _process_status(invitation["process_id"])
    # Closing a process stops its links (the coordinator marks them closed),
    # except the hired person's six-month follow-up, which is only created
    # once the process has closed.
    if process_status is None or (process_status == "closed" and not invitation.get("is_followup")):
        return "closed"
    if invitation["expires_on"] and invitation["expires_on"] < datetime.date.today().isoformat():
        return "expired"
    return "open"


def _state_page(state: str):
    """The friendly page for a link that cannot be used to answer (or was used)."""
    pages = {
        "unknown": (
            404,
            _("We could not find that link"),
            _("Check that the address is exactly as in your invitation. If you copied it, make sure you copied all of it. You can also type the code from your letter on the start page."),
        ),
        "expired": (
            410,
            _("The link has expired"),
            _("The time for answering with this link has run out. If you still want to answer, contact the person who sent you the invitation."),
        ),
        "closed": (
            410,
            _("The survey is closed"),
            _("This recruitment's survey has closed, so no more answers can be given. Thank you for your interest."),
        ),
        "answered": (
            200,
            _("You have already answered"),
            _("Answers have already been sent with this link, so it cannot be used again. If you want to take back your answers, use the receipt code you got after sending them."),
        ),
        "no_session": (
            200,
            _("Open the link from your invitation"),
            _("To answer, open the personal link in your email again, or type the code from your letter on the start page. Answers you saved earlier are kept."),
        ),
    }
    code, title, text = pages[state]
    return render_template("respondent/link_state.html", state=state, title=title, text=text), code


def _start_session(invitation: dict):
    session[SESSION_INVITATION] = invitation["id"]
    session.pop(SESSION_RECEIPT, None)
    if request.args.get("lang") in LANGUAGES:
        # An explicit choice in the link (``/s/<token>?lang=en``) wins.
        session["lang"] = request.args["lang"]
    elif "lang" not in session:
        # A new device: the language of the saved draft, else of the invitation.
        draft = get_contacts_db().execute(
            "select language from drafts where invitation_id = ?", [invitation["id"]]
        ).fetchone()
        language = draft[0] if draft and draft[0] in LANGUAGES else invitation.get("language")
        if language in LANGUAGES:
            session["lang"] = language
    response = redirect(url_for("respondent.questionnaire"), code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _enter(token: str):
    """Shared by the link and the typed code: check the invitation and start."""
    invitation = _invitation_by_token(token)
    state = invitation_state(invitation)
    if state == "unknown":
        note_failed_token_lookup()
        return _state_page("unknown")
    if state in ("open", "submitting"):
        return _start_session(invitation)
    return _state_page(state)


def _current_invitation() -> tuple[dict | None, str]:
    invitation = _invitation_by_id(session.get(SESSION_INVITATION))
    if invitation is None:
        return None, "no_session"
    return invitation, invitation_state(invitation)


# --- drafts ----------------------------------------------------------------------


def _load_draft(invitation_id: int) -> dict:
    row = get_contacts_db().execute(
        "select data_json, page from drafts where invitation_id = ?", [invitation_id]
    ).fetchone()
    if row is None:
        return {}
    try:
        draft = json.loads(row[0] or "{}")
    except ValueError:
        draft = {}
    draft.setdefault("page", row[1] or 1)
    return draft


def _save_draft(invitation_id: int, draft: dict) -> None:
    contacts = get_contacts_db()
    with immediate_transaction(contacts):
        contacts.execute(
            "insert into drafts (invitation_id, page, data_json, language, updated_on) values (?, ?, ?, ?, ?) "
            "on conflict (invitation_id) do update set page = excluded.page, data_json = excluded.data_json, "
            "language = excluded.language, updated_on = excluded.updated_on",
            [
                invitation_id,
                draft.get("page", 1),
                json.dumps(draft, ensure_ascii=False),
                current_language(),
                datetime.date.today().isoformat(),
            ],
        )
        submission.reserve(contacts, invitation_id)


class Context:
    """The invitation, its draft, the pinned instrument and the items to rate."""

    def __init__(self, invitation: dict):
        self.invitation = invitation
        self.draft = _load_draft(invitation["id"])
        self.has_draft = bool(self.draft)
        instrument_id = self.draft.get("instrument_id")
        if instrument_id is None:
            instrument_id = instrument_for(get_db(), invitation["process_id"], invitation["group_key"])
            self.draft["instrument_id"] = instrument_id
        self.instrument_id = instrument_id
        self.instrument = load_registered(get_db(), instrument_id)
        self.answers: dict[str, Any] = self.draft.setdefault("answers", {})
        self.items = _items(invitation["process_id"])

    @property
    def page_count(self) -> int:
        return len(self.instrument.pages)

    @property
    def reached(self) -> int:
        return int(self.draft.get("reached", 0))

    def form_class(self, page_index: int, language: str | None = None):
        skip = builder.skipped_questions(self.instrument, page_index, self.answers)
        return builder.build_page_form(self.instrument, page_index, language or current_language(), self.items, skip)

    def save(self, page_number: int, page_index: int | None = None, page_values: dict | None = None, reached=None):
        if page_index is not None:
            for question in self.instrument.pages[page_index].questions:
                self.answers.pop(question.key, None)
            self.answers.update(page_values or {})
        self.draft["page"] = page_number
        if reached is not None:
            self.draft["reached"] = max(self.reached, reached)
        _save_draft(self.invitation["id"], self.draft)


def _items(process_id: int) -> dict[str, list[str]]:
    """Pseudonyms to rate: qualified applicants (Table 2) and finalists."""
    rows = get_db().execute(
        "select pseudonym, stage_reached from applicants where process_id = ? order by position, pseudonym",
        [process_id],
    ).fetchall()
    rank = {stage: i for i, stage in enumerate(APPLICANT_STAGES)}

    def at_least(stage):
        return [name for name, reached in rows if rank.get(reached, 0) >= rank[stage]]

    return {"applicants": at_least("qualified") or [name for name, _ in rows], "finalists": at_least("finalist")}


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


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.after_request
def _headers(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    return _no_store(response)


# --- entry -----------------------------------------------------------------------------


@bp.route("/")
def landing():
    return render_template("respondent/landing.html", form=CodeForm(), errors=[])


@bp.route("/s/<token>")
def open_link(token: str):
    return _enter(token)


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
    code = _code_from_typed(form.code.data)
    if not code:
        errors = [("code", _("Enter the code from your letter"))]
        return render_template("respondent/landing.html", form=form, errors=errors), 200
    invitation = _invitation_by_token(code)
    if invitation is None:
        note_failed_token_lookup()
        errors = [("code", _("We could not find that code. Check that you typed it exactly as in the letter"))]
        return render_template("respondent/landing.html", form=form, errors=errors), 404
    return _enter(code)


# --- the questionnaire ----------------------------------------------------------------


def _guard(current: tuple[dict | None, str] | None = None, *, finish_stored: bool = True):
    """Return (context, None) when answering is possible, else (None, response).

    ``current`` is the caller's :func:`_current_invitation`, when it already
    looked it up. ``finish_stored=False`` skips the check for a stored
    response whose last step was lost: submitting does that itself.
    """
    invitation, state = current or _current_invitation()
    if finish_stored and state in ("open", "submitting"):
        # Stored, but the last step was lost (a crash or power cut): finish
        # it with the receipt code the respondent may already have seen.
        code = submission.finish_if_stored(get_db(), get_contacts_db(), invitation["id"])
        if code:
            session[SESSION_RECEIPT] = code
            return None, redirect(url_for("respondent.thanks"), code=303)
    if state == "submitting":
        return None, _finish_interrupted(invitation)
    if state != "open":
        if state == "answered" and session.get(SESSION_RECEIPT):
            return None, redirect(url_for("respondent.thanks"), code=303)
        return None, _state_page(state)
    return Context(invitation), None


def _finish_interrupted(invitation: dict):
    """A submission stopped between its steps: finish it with the saved draft."""
    context = Context(invitation)
    answers = builder.applicable_answers(context.instrument, context.answers)
    code = submission.submit(
        get_db(), get_contacts_db(), invitation["id"], answers, current_language(), instrument_id=context.instrument_id
    )
    if code:
        session[SESSION_RECEIPT] = code
    return redirect(url_for("respondent.thanks"), code=303)


@bp.route("/svar")
def questionnaire():
    context, response = _guard()
    if response is not None:
        return response
    if context.has_draft and request.args.get("start") is None:
        page = min(max(int(context.draft.get("page", 1)), 1), context.page_count + 1)
        if page > context.page_count:
            return redirect(url_for("respondent.review"), code=303)
        return redirect(url_for("respondent.page", number=page), code=303)
    return render_template("respondent/start.html", ctx=context, instrument=context.instrument, text=builder.text_in)


def _render_page(context: Context, number: int, form, *, status=200, notice: str | None = None):
    errors = _error_list(form)
    return (
        render_template(
            "respondent/page.html",
            ctx=context,
            instrument=context.instrument,
            page=context.instrument.pages[number - 1],
            number=number,
            form=form,
            errors=errors,
            form_has_errors=bool(errors),
            notice=notice,
            text=builder.text_in,
        ),
        status,
    )


def _error_list(form) -> list[tuple[str, str]]:
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


@bp.route("/svar/sida/<int:number>", methods=["GET", "POST"])
def page(number: int):
    context, response = _guard()
    if response is not None:
        return response
    if number < 1 or number > context.page_count:
        abort(404)
    if number > context.reached + 1:
        return redirect(url_for("respondent.page", number=context.reached + 1), code=303)
    index = number - 1
    if request.method == "GET":
        form_class = context.form_class(index)
        form = form_class(formdata=None, data=builder.form_data(form_class, context.answers))
        return _render_page(context, number, form)

    action = request.form.get("action", "next")
    form = context.form_class(index)()
    valid = form.validate()
    values = builder.page_answers(context.instrument, index, form)

    if action.startswith("lang-") and action[5:] in LANGUAGES:
        context.save(number, index, values)
        session["lang"] = action[5:]
        refresh_locale()
        switched = context.form_class(index, action[5:])()
        return _render_page(context, number, switched)
    if action == "back":
        context.save(max(number - 1, 1), index, values)
        return redirect(url_for("respondent.page", number=number - 1) if number > 1 else url_for("respondent.questionnaire", start=1), code=303)
    if action == "save":
        if form.input_errors():
            return _render_page(context, number, _only_input_errors(form))
        context.save(number, index, values)
        return render_template("respondent/saved.html", ctx=context)
    if not valid:
        return _render_page(context, number, form)
    context.save(number + 1, index, values, reached=number)
    if number == context.page_count:
        return redirect(url_for("respondent.review"), code=303)
    return redirect(url_for("respondent.page", number=number + 1), code=303)


def _only_input_errors(form):
    """Keep errors about what was typed; saving for later needs no required answers."""
    for name in list(form.errors):
        field = form[name]
        if getattr(field, "missing_answer", False):
            field.errors = []
    form._errors = None
    return form


def _missing_required(context: Context, answers: dict | None = None) -> int | None:
    """The first page (1-based) with a required, shown question left unanswered.

    ``answers`` are the applicable answers when the caller has them already.
    """
    if answers is None:
        answers = builder.applicable_answers(context.instrument, context.answers)
    for index, page_def in enumerate(context.instrument.pages):
        for question in page_def.questions:
            if not question.required or not condition_met(question, answers):
                continue
            if question.type in ("screening", "ranking"):
                names = context.items.get(question.items or "applicants") or []
                if names and len(answers.get(question.key) or {}) < len(names):
                    return index + 1
            elif question.key not in answers:
                return index + 1
    return None


def _review_rows(context: Context):
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


@bp.route("/svar/granska")
def review():
    context, response = _guard()
    if response is not None:
        return response
    if context.reached < context.page_count:
        return redirect(url_for("respondent.page", number=context.reached + 1), code=303)
    return render_template(
        "respondent/review.html", ctx=context, sections=_review_rows(context), form=ConfirmForm(), instrument=context.instrument, text=builder.text_in
    )


@bp.route("/svar/skicka", methods=["POST"])
def send():
    invitation, state = current = _current_invitation()
    if state == "answered":
        return redirect(url_for("respondent.thanks"), code=303)
    context, response = _guard(current, finish_stored=False)
    if response is not None:
        return response
    answers = builder.applicable_answers(context.instrument, context.answers)
    missing = _missing_required(context, answers)
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
        session[SESSION_RECEIPT] = code
    return redirect(url_for("respondent.thanks"), code=303)


@bp.route("/svar/tack")
def thanks():
    invitation, state = _current_invitation()
    code = session.get(SESSION_RECEIPT)
    if state == "answered" and code:
        return render_template("respondent/thanks.html", code=code)
    if state in ("answered", "no_session") and not code:
        return _state_page("answered" if state == "answered" else "no_session")
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
    notice = _("Your answers were not saved because the page had been open too long or was opened in another window. Check your answers below and press the button again.")
    if request.endpoint == "respondent.page":
        invitation, state = _current_invitation()
        if state == "open":
            context = Context(invitation)
            number = request.view_args["number"]
            if 1 <= number <= context.page_count:
                form = context.form_class(number - 1)()
                return _render_page(context, number, form, status=400, notice=notice)
    if request.endpoint == "respondent.enter_code":
        form = CodeForm()
        return render_template("respondent/landing.html", form=form, errors=[], notice=notice), 400
    if request.endpoint == "respondent.withdraw":
        form = ReceiptForm()
        return render_template("respondent/withdraw.html", form=form, errors=[], notice=notice), 400
    if request.endpoint == "respondent.send":
        return redirect(url_for("respondent.review"), code=303)
    current_app.logger.info("CSRF failure on %s", request.endpoint)
    return _state_page("no_session")
