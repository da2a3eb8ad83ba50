"""Feedback to the participants after the decision: who gets it, the default
words per group, the coordinator's edited drafts, and sending.

Why per group: a representative, a candidate who was not chosen and the
union each need different words, and none of them knows the applicants'
pseudonyms ("Sökande A" means nothing to most recipients), so the defaults
never name a pseudonym. The coordinator edits the defaults; the edited
texts are saved as a draft (contacts database) so that the confirmation
page can show, and the send step can send, exactly what was written.

Who gets it: only participants who were invited (an invitation was sent)
and have an email address, and only once a decision is recorded. Feedback
once went to nine people of a process still being planned, with no
invitation sent: :func:`refusal` is the rule, checked by the page *and* by
:func:`send_feedback` itself.
"""

from __future__ import annotations

import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from collector.coordinator import audit
from collector.coordinator.mail import Outgoing
from collector.coordinator.mail import send_all
from collector.coordinator.outreach import FOLLOWUP_GROUP
from collector.coordinator.outreach import Outcome
from collector.coordinator.outreach import render_mail
from collector.db import immediate_transaction
from forms.vocabulary import GROUP_KEYS
from forms.vocabulary import LANGUAGES

FEEDBACK_GROUPS = [key for key in GROUP_KEYS if key != FOLLOWUP_GROUP]


def refusal(process: dict) -> str | None:
    """Why feedback cannot be sent now (a translated sentence), or None."""
    if process["status"] == "planning":
        return _("Feedback can be sent only after the invitations have gone out: the process is still being planned.")
    if not process.get("appointed_applicant"):
        return _("Record the decision before sending feedback: the feedback tells the participants the outcome.")
    return None


def recipients(contacts_db, process_id: int) -> list[dict]:
    """Participants who were sent an invitation and have an email address (the hired person gets a follow-up instead)."""
    return list(
        contacts_db.query(
            "select p.* from participants p where p.process_id = ? and p.email is not null and p.group_key != ? "
            "and exists (select 1 from invitations i where i.participant_id = p.id and i.sent_on is not null) "
            "order by p.id",
            [process_id, FOLLOWUP_GROUP],
        )
    )


def default_message(group_key: str, language: str, process: dict) -> str:
    """Plain words for ``group_key`` in ``language``; the coordinator edits them before sending."""
    with force_locale(language):
        post = process["post_title"]
        done = _("The recruitment for the post \"%(post)s\" is finished and the post has been filled.", post=post)
        rationale = (process.get("decision_rationale") or "").strip()
        why = _("This is how we decided: %(rationale)s", rationale=rationale) if rationale else ""
        questions = _("If you have questions about the decision, you are welcome to contact us.")
        if group_key == "representative":
            thanks = _("Thank you for meeting the applicants and sharing your experience. Your view was part of the assessment.")
            parts = [done, thanks, why, questions]
        elif group_key == "candidate":
            thanks = _(
                "Thank you for applying and for telling us how you experienced the recruitment. "
                "If you were not offered the post, you are welcome to ask us how your application was assessed."
            )
            parts = [done, thanks]
        else:
            thanks = _("Thank you for your work in the recruitment.")
            parts = [done, why, thanks]
    return "\n\n".join(part for part in parts if part)


def field_name(group_key: str, language: str) -> str:
    return f"message_{group_key}_{language}"


def groups_present(people: list[dict]) -> list[str]:
    present = {person["group_key"] for person in people}
    return [key for key in FEEDBACK_GROUPS if key in present]


def save_draft(contacts_db, process_id: int, messages: dict[tuple[str, str], str], actor: str, today: datetime.date) -> None:
    with immediate_transaction(contacts_db):
        contacts_db.execute("delete from feedback_drafts where process_id = ?", [process_id])
        contacts_db["feedback_drafts"].insert_all(
            [
                {"process_id": process_id, "group_key": group, "language": language, "message": text,
                 "saved_by": actor, "saved_on": today.isoformat()}
                for (group, language), text in messages.items()
            ]
        )


def load_draft(contacts_db, process_id: int) -> dict[tuple[str, str], str]:
    return {
        (row["group_key"], row["language"]): row["message"]
        for row in contacts_db.query("select * from feedback_drafts where process_id = ?", [process_id])
    }


def message_for(draft: dict[tuple[str, str], str], group_key: str, language: str) -> str:
    """The draft's text for a group and language; English falls back to Swedish when left empty."""
    text = (draft.get((group_key, language)) or "").strip()
    if not text and language != "sv":
        text = (draft.get((group_key, "sv")) or "").strip()
    return text


def feedback_mail(process: dict, person: dict, message: str) -> Outgoing:
    language = person["language"] if person["language"] in LANGUAGES else "sv"
    subject, text, html = render_mail("feedback", language, process=process, message=message, name=person.get("name"))
    return Outgoing(person["email"], subject, text, html, language)


def send_feedback(served_db, contacts_db, config, process, draft, actor, today: datetime.date) -> Outcome:
    """Send each invited participant the draft's message for their group and language."""
    if refusal(process):
        return Outcome()
    pending = []
    for person in recipients(contacts_db, process["id"]):
        message = message_for(draft, person["group_key"], person["language"])
        if message:
            pending.append(feedback_mail(process, person, message))
    sent, failed = send_all(config, pending)
    if sent:
        with immediate_transaction(served_db):
            served_db.execute("update processes set feedback_sent_on = ? where id = ?", [today.isoformat(), process["id"]])
        audit.record(contacts_db, actor, "feedback", process["id"], f"{len(sent)} sent, {len(failed)} failed")
    if sent and not failed:
        # Sent to everyone: the draft has done its job (and a coordinator may have typed a name in it).
        # Kept after a failure, so the retry sends the same words.
        with immediate_transaction(contacts_db):
            contacts_db.execute("delete from feedback_drafts where process_id = ?", [process["id"]])
    return Outcome(sent=len(sent), failed=[m.to for m in failed])
