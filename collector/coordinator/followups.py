"""The hired person's six-month follow-up: when it is due and what it keeps.

The follow-up is the check that matters most after a hire (in 2017 one
hired person resigned over unmet expectations), so its timing and its
contact data follow the hire, not the recruitment's paperwork:

* it is due ``FOLLOWUP_DAYS`` after the hired person's **start date**
  (recorded with the decision, table ``hire_starts``), or after closing when
  no start date was recorded;
* the contact purge (``RETENTION_DAYS`` after closing) keeps exactly what a
  *pending* follow-up needs: the hired person's participant row and their
  follow-up invitation. A follow-up is pending while it is not sent yet, or
  sent and its link still open (or mid-submission) and not expired. Once it
  is answered or expired, the next purge deletes the row, the link and the
  start date.

Sending and reminding live in ``collector.coordinator.outreach``
(``send_due``), which asks this module what is due.
"""

from __future__ import annotations

import datetime

FOLLOWUP_GROUP = "hired_followup"


def start_date(contacts_db, process_id: int) -> str | None:
    row = contacts_db.execute("select starts_on from hire_starts where process_id = ?", [process_id]).fetchone()
    return row[0] if row else None


def record_start(contacts_db, process_id: int, starts_on: datetime.date | None, config, today: datetime.date,
                 closed_on: str | None) -> None:
    """Record (or clear) the start date; a follow-up scheduled but not yet sent is re-timed."""
    if starts_on is None:
        contacts_db.execute("delete from hire_starts where process_id = ?", [process_id])
    else:
        contacts_db.execute(
            "insert into hire_starts (process_id, starts_on, recorded_on) values (?, ?, ?) "
            "on conflict (process_id) do update set starts_on = excluded.starts_on, recorded_on = excluded.recorded_on",
            [process_id, starts_on.isoformat(), today.isoformat()],
        )
    if closed_on:
        contacts_db.execute(
            "update scheduled_followups set due_on = ? where process_id = ? and sent_on is null",
            [due_on(contacts_db, process_id, config, datetime.date.fromisoformat(closed_on)), process_id],
        )


def due_on(contacts_db, process_id: int, config, closed_on: datetime.date) -> str:
    """When the follow-up of ``process_id`` is due: FOLLOWUP_DAYS after the start date, else after closing."""
    start = start_date(contacts_db, process_id)
    basis = datetime.date.fromisoformat(start) if start else closed_on
    return _plus_days(basis, config)


def _plus_days(basis: datetime.date, config) -> str:
    return (basis + datetime.timedelta(days=int(config["FOLLOWUP_DAYS"]))).isoformat()


def pending_participants(contacts_db, process_id: int, today: datetime.date) -> list[int]:
    """Participants of ``process_id`` whose follow-up still needs their contact data."""
    return [
        row[0]
        for row in contacts_db.execute(
            "select f.participant_id from scheduled_followups f where f.process_id = ? and ("
            " f.sent_on is null or exists (select 1 from invitations i where i.participant_id = f.participant_id"
            " and i.is_followup = 1 and (i.status = 'submitting' or (i.status = 'open' and i.expires_on >= ?))))",
            [process_id, today.isoformat()],
        )
    ]


def forget_start(contacts_db, process_id: int) -> None:
    """The follow-up is over: the start date goes with the hired person's contact data."""
    contacts_db.execute("delete from hire_starts where process_id = ?", [process_id])


def reminder_candidates(contacts_db, config, today: datetime.date) -> list[dict]:
    """Sent, unanswered, unexpired follow-ups last mailed at least REMINDER_MIN_DAYS ago,
    with fewer than FOLLOWUP_REMINDERS reminders."""
    cutoff = (today - datetime.timedelta(days=int(config["REMINDER_MIN_DAYS"]))).isoformat()
    return list(
        contacts_db.query(
            "select i.id as invitation_id, i.expires_on, i.last_reminded_on, p.* from invitations i "
            "join participants p on p.id = i.participant_id "
            "where i.is_followup = 1 and i.status = 'open' and i.sent_on is not null and i.sent_on <= :cutoff "
            "and p.email is not null and i.expires_on >= :today "
            "and (i.last_reminded_on is null or i.last_reminded_on <= :cutoff) and i.reminders_sent < :limit "
            "order by i.id",
            {"cutoff": cutoff, "today": today.isoformat(), "limit": int(config["FOLLOWUP_REMINDERS"])},
        )
    )
