"""The coordinator's overview: every process the signed-in account may see,
with what each needs next.

Why one query module: the start page answers "where is each recruitment and
what do I have to do today?" for a coordinator running several at once, so
it gathers, per process, what the process page shows piecemeal: status, the
current stage, deadlines, response rates per group and the actions due.
Every rule is the one the action itself enforces, asked from the module
that enforces it, so the overview never promises what the button refuses:

* reminder possible: ``outreach.reminder_candidates`` (``REMINDER_MIN_DAYS``
  after the invitation and after the last reminder, only while collecting);
  otherwise the day the next one is possible (``sending.next_reminder_on``);
* decision not recorded: links have gone out (collecting or closed) and no
  appointed applicant is recorded;
* feedback not sent: ``feedback.refusal`` allows it, it has not gone out and
  someone would get it (``feedback.recipients``);
* follow-up due: a scheduled six-month follow-up whose day has come and that
  ``medverkan send-due`` has not sent yet.

Scoping is ``processes.visible_processes`` (the department gate; admins see
all); the filters only narrow that list, so a department, year or search
typed into the address bar can never reach another department's process.
Response rates are ``outreach.response_rates``, the same exact counts the
process page shows (contact-side figures the coordinator already sees per
person; no small-cell rule applies to them there, so none is added here).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field

from collector.coordinator import feedback as feedback_store
from collector.coordinator import outreach
from collector.coordinator import processes as process_store
from collector.coordinator import sending

ACTIONS = ("remind", "decision", "feedback", "followup")


@dataclass
class Filters:
    """What the GET form asked for; anything unusable is dropped, never an error."""

    search: str = ""
    department: str = ""
    year: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        search = " ".join((args.get("q") or "").split())[:100]
        year = (args.get("year") or "").strip()
        status = (args.get("status") or "").strip()
        return cls(
            search=search,
            department=(args.get("department") or "").strip()[:64],
            year=year if len(year) == 4 and year.isdigit() else "",
            status=status if status in process_store.STATUSES else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.search or self.department or self.year or self.status)


@dataclass
class ProcessOverview:
    process: dict
    current_stage: dict | None
    next_stage: dict | None
    answer_deadline: str | None
    followup_due_on: str | None
    rates: list[dict]
    reminder_count: int = 0
    next_reminder_on: str | None = None
    needs: list[str] = field(default_factory=list)  # keys of ACTIONS, in that order


def process_year(process: dict) -> str:
    return (process.get("opened_on") or "")[:4]


def matches(process: dict, filters: Filters) -> bool:
    if filters.department and process["department"] != filters.department:
        return False
    if filters.status and process["status"] != filters.status:
        return False
    if filters.year and process_year(process) != filters.year:
        return False
    if filters.search:
        # casefold in Python, not SQL LIKE: LIKE ignores case for ASCII only (Å, Ä, Ö would not match å, ä, ö).
        needle = filters.search.casefold()
        return needle in (process["code"] or "").casefold() or needle in (process["post_title"] or "").casefold()
    return True


def years(processes: list[dict]) -> list[str]:
    return sorted({process_year(p) for p in processes if process_year(p)}, reverse=True)


def current_stage(stages: list[dict], today: datetime.date) -> tuple[dict | None, dict | None]:
    """(the stage under way today, the next one to start).

    Under way = the last stage by position that has started; a stage without
    dates never counts as started. Before the first start the current stage
    is None and the next is the first dated one.
    """
    day = today.isoformat()
    started = [s for s in stages if s["starts_on"] and s["starts_on"] <= day]
    upcoming = sorted((s for s in stages if s["starts_on"] and s["starts_on"] > day), key=lambda s: s["starts_on"])
    return (started[-1] if started else None), (upcoming[0] if upcoming else None)


def answer_deadline(contacts_db, process_id: int, today: datetime.date) -> str | None:
    """The last day an unanswered link of the recruitment still works (follow-ups aside)."""
    row = contacts_db.execute(
        "select max(expires_on) from invitations where process_id = ? and is_followup = 0 "
        "and status in ('open', 'submitting') and sent_on is not null and expires_on >= ?",
        [process_id, today.isoformat()],
    ).fetchone()
    return row[0] if row else None


def followup_due_on(contacts_db, process_id: int) -> str | None:
    """When the hired person's follow-up goes out, while it has not gone yet."""
    row = contacts_db.execute(
        "select min(due_on) from scheduled_followups where process_id = ? and sent_on is null", [process_id]
    ).fetchone()
    return row[0] if row else None


def describe(served_db, contacts_db, process: dict, config, today: datetime.date) -> ProcessOverview:
    process_id = process["id"]
    now, next_up = current_stage(process_store.stages(served_db, process_id), today)
    entry = ProcessOverview(
        process=process,
        current_stage=now,
        next_stage=next_up,
        answer_deadline=answer_deadline(contacts_db, process_id, today) if process["status"] == "collecting" else None,
        followup_due_on=followup_due_on(contacts_db, process_id),
        rates=outreach.response_rates(contacts_db, process_id),
    )
    if process["status"] == "collecting":
        min_days = int(config["REMINDER_MIN_DAYS"])
        entry.reminder_count = len(outreach.reminder_candidates(contacts_db, process_id, min_days, today))
        if entry.reminder_count:
            entry.needs.append("remind")
        else:
            entry.next_reminder_on = sending.next_reminder_on(contacts_db, process_id, min_days, today)
    if process["status"] != "planning" and not process.get("appointed_applicant"):
        entry.needs.append("decision")
    if (
        feedback_store.refusal(process) is None
        and not process.get("feedback_sent_on")
        and feedback_store.recipients(contacts_db, process_id)
    ):
        entry.needs.append("feedback")
    if entry.followup_due_on and entry.followup_due_on <= today.isoformat():
        entry.needs.append("followup")
    return entry


def overview(served_db, contacts_db, user: dict, config, today: datetime.date, filters: Filters):
    """(the rows the filters keep, the years the account's processes started in).

    The years come from every visible process, so the year list does not
    shrink as the other filters narrow the rows.
    """
    visible = process_store.visible_processes(served_db, user)
    rows = [describe(served_db, contacts_db, p, config, today) for p in visible if matches(p, filters)]
    return rows, years(visible)
