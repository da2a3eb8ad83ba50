"""Invitations, reminders, closing and follow-ups (feedback: feedback.py; purging: retention.py).

These are the actions that reach participants or change what their links
can do. Each works on both databases but writes names and emails only to
the contacts database. Functions take the databases, the app config and
``today`` explicitly so that the CLI (``medverkan send-due``, ``purge``),
the web pages and the tests drive the same code.

Tokens are never stored, so a reminder cannot repeat the original link: it
mints a new token for the *same* invitation row. The old link keeps working
(its hash moves to ``earlier_links``), and a half-filled draft is kept
because drafts belong to the invitation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field

from flask import render_template
from flask_babel import force_locale

from collector import invitations
from collector import short_codes
from collector.coordinator import audit
from collector.coordinator import followups
from collector.coordinator.mail import Outgoing
from collector.coordinator.mail import send_all
from collector.coordinator.processes import DEFAULT_INSTRUMENT_SET
from collector.coordinator.processes import get_process
from collector.coordinator.processes import minutes_for
from collector.db import immediate_transaction
from collector.invitations import create_invitation
from collector.invitations import invitation_url
from collector.tokens import hash_secret
from collector.tokens import new_token
from forms.vocabulary import GROUP_KEYS

FOLLOWUP_GROUP = followups.FOLLOWUP_GROUP


@dataclass
class Outcome:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # email addresses that could not be sent to
    skipped: int = 0
    reminded: int = 0  # follow-up reminders (send_due)


# --- rendering ----------------------------------------------------------------


def render_mail(kind: str, language: str, **context) -> tuple[str, str, str]:
    """Return (subject, text, html) of a ``kind`` message in ``language``."""
    language = language if language in ("sv", "en") else "sv"
    with force_locale(language):
        subject = render_template("coordinator/mail/subject.txt", kind=kind, language=language, **context).strip()
        text = render_template(f"coordinator/mail/{kind}.txt", language=language, **context)
        # The HTML part is autoescaped (.html); the subject is passed in, not included, so it is escaped too.
        html = render_template("coordinator/mail/message.html", kind=kind, language=language, subject=subject, **context)
    return subject, text, html


def invitation_mail(kind, served_db, process, participant, link, expires_on) -> Outgoing:
    """The invitation, reminder or follow-up message to one participant (also rendered for previews)."""
    subject, text, html = render_mail(
        kind,
        participant["language"],
        process=process,
        link=link,
        minutes=minutes_for(served_db, process, participant["group_key"]),
        deadline=expires_on,
        name=participant.get("name"),
    )
    return Outgoing(participant["email"], subject, text, html, participant["language"])


_invitation_mail = invitation_mail


# --- invitations ----------------------------------------------------------------


def uninvited_participants(contacts_db, process_id: int) -> list[dict]:
    return list(
        contacts_db.query(
            "select p.* from participants p where p.process_id = ? and p.group_key != ? "
            "and p.email is not null and not exists (select 1 from invitations i where i.participant_id = p.id) "
            "order by p.id",
            [process_id, FOLLOWUP_GROUP],
        )
    )


def send_invitations(served_db, contacts_db, config, process, actor: str | None, today: datetime.date) -> Outcome:
    """Email a personal link to every participant with an address and no invitation yet."""
    outcome = Outcome()
    if process["status"] != "collecting":
        return outcome
    participants = uninvited_participants(contacts_db, process["id"])
    pending = []
    with immediate_transaction(contacts_db):
        for participant in participants:
            token = create_invitation(
                contacts_db, process["id"], participant["group_key"], participant["id"],
                language=participant["language"], today=today,
            )
            invitation = invitations.id_and_expiry(contacts_db, token)
            outgoing = _invitation_mail("invitation", served_db, process, participant, invitation_url(token), invitation[1])
            outgoing.key = invitation[0]
            pending.append(outgoing)
    sent, failed = send_all(config, pending)
    with immediate_transaction(contacts_db):
        for outgoing in sent:
            invitations.mark_sent(contacts_db, outgoing.key, today)
        for outgoing in failed:
            # No one has this link: drop it so the next attempt mints a fresh one.
            invitations.discard(contacts_db, outgoing.key)
        if sent:
            audit.record(contacts_db, actor, "invite", process["id"], f"{len(sent)} sent, {len(failed)} failed")
    outcome.sent, outcome.failed = len(sent), [m.to for m in failed]
    return outcome


def print_links(contacts_db, process, group_key: str, count: int, actor: str | None, today: datetime.date,
                language: str = "sv") -> list[dict]:
    """Mint links for a printed sheet: ``count`` unnamed links for ``group_key`` (in ``language``)
    plus one for each participant without an email address or invitation (in their language).

    Each link also gets a short code to type on the start page (``collector.short_codes``)."""
    links = []
    with immediate_transaction(contacts_db):
        emailless = list(
            contacts_db.query(
                "select p.* from participants p where p.process_id = ? and p.email is null and p.group_key != ? "
                "and not exists (select 1 from invitations i where i.participant_id = p.id) order by p.id",
                [process["id"], FOLLOWUP_GROUP],
            )
        )
        for participant in emailless:
            token = create_invitation(
                contacts_db, process["id"], participant["group_key"], participant["id"],
                language=participant["language"], today=today,
            )
            links.append({"group_key": participant["group_key"], "name": participant["name"],
                          "language": participant["language"] or "sv", "url": invitation_url(token), "token": token})
        for _ in range(count):
            token = create_invitation(contacts_db, process["id"], group_key, None, language=language, today=today)
            links.append({"group_key": group_key, "name": None, "language": language, "url": invitation_url(token), "token": token})
        for link in links:
            token = link.pop("token")
            # Handed out on paper today: counts as sent, so reminders and rates see it.
            invitations.mark_sent_by_token(contacts_db, token, today)
            link["short_code"] = short_codes.display(invitations.attach_short_code(contacts_db, token))
            link["expires_on"] = invitations.id_and_expiry(contacts_db, token)[1]
        audit.record(contacts_db, actor, "print_links", process["id"], f"{len(links)} links")
    return links


# --- reminders --------------------------------------------------------------------


def reminder_candidates(contacts_db, process_id: int, min_days: int, today: datetime.date) -> list[dict]:
    """Open invitations whose first email went out at least ``min_days`` ago, and not reminded since then."""
    cutoff = (today - datetime.timedelta(days=min_days)).isoformat()
    return list(
        contacts_db.query(
            "select i.id as invitation_id, i.expires_on, i.last_reminded_on, p.* from invitations i "
            "join participants p on p.id = i.participant_id "
            "where i.process_id = ? and i.status = 'open' and i.sent_on is not null and p.email is not null "
            "and i.expires_on >= ? and (i.last_reminded_on is null or i.last_reminded_on <= ?) "
            "and i.sent_on <= ? order by i.id",
            [process_id, today.isoformat(), cutoff, cutoff],
        )
    )


def send_reminders(served_db, contacts_db, config, process, actor: str | None, today: datetime.date) -> Outcome:
    """Remind those who have not answered, never twice within REMINDER_MIN_DAYS."""
    outcome = Outcome()
    if process["status"] != "collecting":
        return outcome
    min_days = int(config["REMINDER_MIN_DAYS"])
    claimed = []
    with immediate_transaction(contacts_db):
        for row in reminder_candidates(contacts_db, process["id"], min_days, today):
            # Claim the row first, so two coordinators clicking at once send one reminder.
            if invitations.claim_reminder(contacts_db, row["invitation_id"], today, row["last_reminded_on"]):
                claimed.append(row)
    pending = []
    for row in claimed:
        token = new_token()
        outgoing = _invitation_mail("reminder", served_db, process, row, invitation_url(token), row["expires_on"])
        outgoing.key = (row["invitation_id"], hash_secret(token), row["last_reminded_on"])
        pending.append(outgoing)
    sent, failed = send_all(config, pending)
    with immediate_transaction(contacts_db):
        for outgoing in sent:
            invitation_id, token_hash, _previous = outgoing.key
            # The link in the earlier email keeps working (collector.respondent.views looks it up).
            invitations.rotate_token(contacts_db, invitation_id, token_hash, today)
        for outgoing in failed:
            invitation_id, _hash, previous = outgoing.key
            invitations.release_reminder(contacts_db, invitation_id, previous)
        if sent:
            audit.record(contacts_db, actor, "remind", process["id"], f"{len(sent)} sent, {len(failed)} failed")
    outcome.sent, outcome.failed = len(sent), [m.to for m in failed]
    return outcome


# --- response rates ------------------------------------------------------------------


def response_rates(contacts_db, process_id: int) -> list[dict]:
    """Invited / answered / withdrawn per group. Never says who answered what.

    Counted from the process's links and, once the purge has deleted them, from the counts it kept.
    """
    invited = {
        row["group_key"]: row
        for row in contacts_db.query(
            "select group_key, sum(invited) as invited, sum(answered) as answered from ("
            "select group_key, count(*) as invited, sum(status = 'answered') as answered "
            "from invitations where process_id = ? group by group_key "
            "union all select group_key, invited, answered from purged_invitation_counts where process_id = ?"
            ") group by group_key",
            [process_id, process_id],
        )
    }
    withdrawn = {
        row[0]: row[1]
        for row in contacts_db.execute(
            "select group_key, count(*) from receipts where process_id = ? and withdrawn_on is not null group by group_key",
            [process_id],
        )
    }
    rates = []
    for key in GROUP_KEYS:
        row = invited.get(key)
        if row is None and key not in withdrawn:
            continue
        n_invited = row["invited"] if row else 0
        n_answered = (row["answered"] or 0) if row else 0
        rates.append(
            {
                "group_key": key,
                "invited": n_invited,
                "answered": n_answered,
                "withdrawn": withdrawn.get(key, 0),
                "rate": round(100 * n_answered / n_invited) if n_invited else None,
            }
        )
    return rates


# --- closing, follow-up, purge (feedback: collector.coordinator.feedback) ------------------------------------------------


def close_process(served_db, contacts_db, config, process, actor, today: datetime.date) -> int:
    """Close: links stop working and the hired person's follow-up is scheduled
    (FOLLOWUP_DAYS after their start date, or after today without one).

    Returns the number of follow-ups scheduled.
    """
    due_on = followups.due_on(contacts_db, process["id"], config, today)
    with immediate_transaction(served_db):
        served_db.execute(
            "update processes set status = 'closed', closed_on = ? where id = ?", [today.isoformat(), process["id"]]
        )
    with immediate_transaction(contacts_db):
        invitations.close_open(contacts_db, process["id"])
        scheduled = contacts_db.execute(
            "insert or ignore into scheduled_followups (process_id, participant_id, due_on) "
            "select process_id, id, ? from participants where process_id = ? and group_key = ?",
            [due_on, process["id"], FOLLOWUP_GROUP],
        ).rowcount
        audit.record(contacts_db, actor, "close", process["id"], f"{scheduled} follow-ups due {due_on}")
    return scheduled


def send_due(served_db, contacts_db, config, today: datetime.date) -> Outcome:
    """Send follow-up invitations that are due, then follow-up reminders that are due.
    Safe to run as often as cron likes: a follow-up is claimed (``sent_on`` set)
    before it is sent and released if sending fails; reminders are claimed likewise."""
    outcome = _send_due_followups(served_db, contacts_db, config, today)
    reminded = send_followup_reminders(served_db, contacts_db, config, today)
    outcome.reminded, outcome.failed = reminded.sent, outcome.failed + reminded.failed
    return outcome


def _process_or_placeholder(served_db, process_id: int) -> dict:
    return get_process(served_db, process_id) or {
        "id": process_id, "post_title": "", "instrument_set": DEFAULT_INSTRUMENT_SET,
    }


def send_followup_reminders(served_db, contacts_db, config, today: datetime.date) -> Outcome:
    """Remind hired people who have not answered their follow-up: at most FOLLOWUP_REMINDERS,
    never within REMINDER_MIN_DAYS of the follow-up or the previous reminder. The earlier links keep working."""
    claimed = []
    with immediate_transaction(contacts_db):
        for row in followups.reminder_candidates(contacts_db, config, today):
            if invitations.claim_reminder(contacts_db, row["invitation_id"], today, row["last_reminded_on"]):
                claimed.append(row)
    pending = []
    for row in claimed:
        token = new_token()
        process = _process_or_placeholder(served_db, row["process_id"])
        outgoing = _invitation_mail("reminder", served_db, process, row, invitation_url(token), row["expires_on"])
        outgoing.key = (row["invitation_id"], hash_secret(token), row["last_reminded_on"], row["process_id"])
        pending.append(outgoing)
    sent, failed = send_all(config, pending)
    with immediate_transaction(contacts_db):
        for outgoing in sent:
            invitation_id, token_hash, _previous, process_id = outgoing.key
            invitations.rotate_token(contacts_db, invitation_id, token_hash, today)
            audit.record(contacts_db, "send-due", "followup_remind", process_id, "1 sent")
        for outgoing in failed:
            invitation_id, _hash, previous, _process_id = outgoing.key
            invitations.release_reminder(contacts_db, invitation_id, previous)
    return Outcome(sent=len(sent), failed=[m.to for m in failed])


def _send_due_followups(served_db, contacts_db, config, today: datetime.date) -> Outcome:
    outcome = Outcome()
    due = list(
        contacts_db.query(
            "select f.id as followup_id, p.* from scheduled_followups f join participants p on p.id = f.participant_id "
            "where f.due_on <= ? and f.sent_on is null order by f.id",
            [today.isoformat()],
        )
    )
    for row in due:
        with immediate_transaction(contacts_db):
            claimed = contacts_db.execute(
                "update scheduled_followups set sent_on = ? where id = ? and sent_on is null",
                [today.isoformat(), row["followup_id"]],
            ).rowcount
            if not claimed:
                continue
            if not row["email"]:
                outcome.skipped += 1
                continue
            token = create_invitation(
                contacts_db, row["process_id"], FOLLOWUP_GROUP, row["id"], language=row["language"],
                is_followup=True, today=today,
            )
            invitation_id, expires_on = invitations.id_and_expiry(contacts_db, token)
        process = _process_or_placeholder(served_db, row["process_id"])
        outgoing = _invitation_mail("followup", served_db, process, row, invitation_url(token), expires_on)
        sent, failed = send_all(config, [outgoing])
        with immediate_transaction(contacts_db):
            if sent:
                invitations.mark_sent(contacts_db, invitation_id, today)
                audit.record(contacts_db, "send-due", "followup_send", row["process_id"], "1 sent")
                outcome.sent += 1
            else:
                invitations.discard(contacts_db, invitation_id)
                contacts_db.execute("update scheduled_followups set sent_on = null where id = ?", [row["followup_id"]])
                outcome.failed.append(row["email"])
    return outcome
