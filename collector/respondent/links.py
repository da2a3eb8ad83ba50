"""A personal link's state for the respondent: which invitation a token or the
session names, whether it can still be answered, and the page that says why
not.

Only the invitation id is kept in the signed session cookie (never the
token): see the ``collector.respondent.views`` docstring.
"""

from __future__ import annotations

from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _

from collector import clock
from collector.db import get_contacts_db
from collector.db import get_db
from collector.invitations import invitation_where
from collector.security import note_failed_token_lookup
from collector.tokens import hash_secret
from forms.vocabulary import LANGUAGES

SESSION_INVITATION = "respondent_invitation"
# After a submit: a random nonce naming the parked receipt code (never the
# code itself; see collector.respondent.receipt_handoff), and a flag that
# this browser sent answers.
SESSION_RECEIPT = "respondent_receipt"
SESSION_SENT = "respondent_sent"

# --- invitations ---------------------------------------------------------------


def invitation_row(where: str, value) -> dict | None:
    return invitation_where(get_contacts_db(), where, value)


def invitation_by_token(token: str) -> dict | None:
    """The invitation of a link: its current one, or one from an earlier email."""
    token_hash = hash_secret(token)
    invitation = invitation_row("token_hash", token_hash)
    if invitation is None:
        earlier = get_contacts_db().execute(
            "select invitation_id from earlier_links where token_hash = ?", [token_hash]
        ).fetchone()
        if earlier is not None:
            invitation = invitation_row("id", earlier[0])
    return invitation


def invitation_by_id(invitation_id) -> dict | None:
    if not isinstance(invitation_id, int):
        return None
    return invitation_row("id", invitation_id)


def status_of_process(process_id: int) -> str | None:
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
    process_status = status_of_process(invitation["process_id"])
    # Closing a process stops its links (the coordinator marks them closed),
    # except the hired person's six-month follow-up, which is only created
    # once the process has closed.
    if process_status is None or (process_status == "closed" and not invitation.get("is_followup")):
        return "closed"
    if invitation["expires_on"] and invitation["expires_on"] < clock.today().isoformat():
        return "expired"
    return "open"


def state_page(state: str):
    """The friendly page for a link that cannot be used to answer (or was used)."""
    pages = {
        "unknown": (
            404,
            _("We could not find that link"),
            _(
                "Check that the address is exactly as in your invitation. If you copied it, make sure you copied all of it. "
                "You can also type the code from your letter on the start page."
            ),
        ),
        "expired": (
            410,
            _("The link has expired"),
            _(
                "The time for answering with this link has run out. "
                "If you still want to answer, contact the person who sent you the invitation."
            ),
        ),
        "closed": (
            410,
            _("The survey is closed"),
            _("This recruitment's survey has closed, so no more answers can be given. Thank you for your interest."),
        ),
        "answered": (
            200,
            _("You have already answered"),
            _(
                "Answers have already been sent with this link, so it cannot be used again. "
                "If you want to take back your answers, use the receipt code you got after sending them."
            ),
        ),
        "receipt_shown": (
            200,
            _("Your answers have been sent"),
            _(
                "The receipt code was shown once, right after you sent your answers. "
                "It cannot be shown again, because your answers are not linked to you. "
                "If you wrote it down, you can use it to take back your answers."
            ),
        ),
        "no_session": (
            200,
            _("Open the link from your invitation"),
            _(
                "To answer, open the personal link in your email again, or type the code from your letter on the start page. "
                "Answers you saved earlier are kept."
            ),
        ),
    }
    code, title, text = pages[state]
    return render_template("respondent/link_state.html", state=state, title=title, text=text), code


def start_session(invitation: dict):
    session[SESSION_INVITATION] = invitation["id"]
    session.pop(SESSION_RECEIPT, None)
    session.pop(SESSION_SENT, None)
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


def enter_with_token(token: str):
    """Shared by the link and the typed code: check the invitation and start."""
    return enter_invitation(invitation_by_token(token))


def enter_invitation(invitation: dict | None):
    """Start answering ``invitation`` (found by a link, a typed link or a printed short code), or say why not."""
    state = invitation_state(invitation)
    if state == "unknown":
        note_failed_token_lookup()
        return state_page("unknown")
    if state in ("open", "submitting"):
        return start_session(invitation)
    return state_page(state)


def current_invitation() -> tuple[dict | None, str]:
    invitation = invitation_by_id(session.get(SESSION_INVITATION))
    if invitation is None:
        return None, "no_session"
    return invitation, invitation_state(invitation)
