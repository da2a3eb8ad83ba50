"""Recruitment processes, their stages and applicants, in the served database.

The served database never holds a name or an email address: a process has a
post title, a department, dates and counts; applicants are pseudonyms
("Sökande A") with the furthest stage they reached.

Access is scoped by department: a coordinator sees only processes of their
own department, an admin sees all. :func:`process_for_user` is the one gate
every process page goes through, so an id typed into the address bar (an
IDOR attempt) gives 404 exactly as a missing process does.
"""

from __future__ import annotations

import datetime
import json

from werkzeug.exceptions import NotFound

from collector.db import immediate_transaction
from collector.invitations import count_for_process
from forms.vocabulary import APPLICANT_STAGES

STATUSES = ("planning", "collecting", "closed")
NEXT_STATUS = {"planning": "collecting", "collecting": "closed"}
# Furthest stage an applicant reached, in funnel order.
PROCESS_FIELDS = (
    "code",
    "post_title",
    "department",
    "post_level",
    "unit",
    "description",
    "opened_on",
    "application_deadline",
    "decided_on",
    "applicants",
    "qualified",
    "interviewed",
    "finalists",
    "instrument_set",
)
DEFAULT_INSTRUMENT_SET = "default"
DEFAULT_MINUTES = 10


def departments(served_db) -> list[dict]:
    return list(served_db.query("select key, name_sv, name_en from departments order by name_sv"))


def instrument_sets(served_db) -> list[str]:
    """``default`` plus every department that has registered its own instrument variant."""
    rows = served_db.query(
        "select distinct department from instruments where department is not null order by department"
    )
    return [DEFAULT_INSTRUMENT_SET] + [row["department"] for row in rows]


def visible_processes(served_db, user: dict) -> list[dict]:
    sql = "select * from processes"
    params: list = []
    if user["role"] != "admin":
        sql += " where department = ?"
        params.append(user["department"] or "\x00")
    sql += " order by coalesce(opened_on, '') desc, id desc"
    return list(served_db.query(sql, params))


def may_access(user: dict, process: dict) -> bool:
    if user["role"] == "admin":
        return True
    return user["role"] == "coordinator" and bool(user["department"]) and process["department"] == user["department"]


def get_process(served_db, process_id: int) -> dict | None:
    rows = list(served_db.query("select * from processes where id = ?", [process_id]))
    return rows[0] if rows else None


def process_for_user(served_db, user: dict, process_id: int) -> dict:
    """Return the process if ``user`` may see it; 404 otherwise (no existence leak)."""
    process = get_process(served_db, process_id)
    if process is None or not may_access(user, process):
        raise NotFound()
    return process


def code_taken(served_db, code: str, except_id: int | None = None) -> bool:
    row = served_db.execute(
        "select id from processes where code = ? and id is not ?", [code, except_id]
    ).fetchone()
    return row is not None


def create_process(served_db, values: dict) -> int:
    row = {key: values[key] for key in PROCESS_FIELDS if key in values}  # the rest stay NULL
    row["status"] = "planning"
    row["instrument_set"] = row.get("instrument_set") or DEFAULT_INSTRUMENT_SET
    with immediate_transaction(served_db):
        return served_db["processes"].insert(row).last_pk


def update_process(served_db, process_id: int, values: dict) -> None:
    with immediate_transaction(served_db):
        served_db["processes"].update(process_id, {key: values.get(key) for key in PROCESS_FIELDS if key in values})


def deletable(served_db, contacts_db, process_id: int) -> bool:
    """Only a process that never collected anything can be deleted (answers are kept for good)."""
    responses = served_db.execute("select count(*) from responses where process_id = ?", [process_id]).fetchone()[0]
    invitations = count_for_process(contacts_db, process_id)
    return responses == 0 and invitations == 0


def delete_process(served_db, contacts_db, process_id: int) -> None:
    with immediate_transaction(contacts_db):
        contacts_db.execute("delete from participants where process_id = ?", [process_id])
    with immediate_transaction(served_db):
        for table in ("screening_ratings", "rankings", "applicants", "process_stages", "response_counts", "answer_counts"):
            served_db.execute(f"delete from {table} where process_id = ?", [process_id])
        served_db.execute("delete from processes where id = ?", [process_id])


def advance_status(served_db, process: dict, today: datetime.date) -> str:
    """planning -> collecting (closing has its own path, see outreach.close_process)."""
    new_status = NEXT_STATUS.get(process["status"])
    if new_status != "collecting":
        raise ValueError("only planning -> collecting here")
    with immediate_transaction(served_db):
        served_db["processes"].update(process["id"], {"status": new_status})
    return new_status


def stages(served_db, process_id: int) -> list[dict]:
    return list(
        served_db.query("select * from process_stages where process_id = ? order by position, id", [process_id])
    )


def replace_stages(served_db, process_id: int, rows: list[dict]) -> None:
    with immediate_transaction(served_db):
        served_db.execute("delete from process_stages where process_id = ?", [process_id])
        served_db["process_stages"].insert_all(
            {"process_id": process_id, "position": position, **row} for position, row in enumerate(rows, start=1)
        )


def applicants(served_db, process_id: int) -> list[dict]:
    return list(
        served_db.query(
            "select * from applicants where process_id = ? order by position, pseudonym", [process_id]
        )
    )


def replace_applicants(served_db, process_id: int, rows: list[dict]) -> None:
    with immediate_transaction(served_db):
        served_db.execute("delete from applicants where process_id = ?", [process_id])
        served_db["applicants"].insert_all(
            {"process_id": process_id, "position": position, **row} for position, row in enumerate(rows, start=1)
        )


def funnel(process: dict, applicant_rows: list[dict]) -> list[dict]:
    """The funnel as recorded on the process, next to what the pseudonyms show.

    An applicant who reached a later stage also passed every earlier one,
    so pseudonym counts are cumulative.
    """
    rank = {stage: i for i, stage in enumerate(APPLICANT_STAGES)}
    reached = [rank.get(row["stage_reached"], 0) for row in applicant_rows]

    def at_least(stage: str) -> int:
        return sum(1 for r in reached if r >= rank[stage])

    return [
        {"key": "applicants", "recorded": process["applicants"], "pseudonyms": at_least("applied")},
        {"key": "qualified", "recorded": process["qualified"], "pseudonyms": at_least("qualified")},
        {"key": "interviewed", "recorded": process["interviewed"], "pseudonyms": at_least("interviewed")},
        {"key": "finalists", "recorded": process["finalists"], "pseudonyms": at_least("finalist")},
    ]


def record_decision(served_db, process_id: int, appointed: str, rationale: str, today: datetime.date) -> None:
    with immediate_transaction(served_db):
        served_db.execute(
            "update processes set appointed_applicant = ?, decision_rationale = ?, "
            "decided_on = coalesce(decided_on, ?) where id = ?",
            [appointed, rationale, today.isoformat(), process_id],
        )
        # One appointed applicant: a changed decision moves the earlier one back to finalist.
        served_db.execute(
            "update applicants set stage_reached = 'finalist' where process_id = ? and stage_reached = 'appointed'",
            [process_id],
        )
        served_db.execute(
            "update applicants set stage_reached = 'appointed' where process_id = ? and pseudonym = ?",
            [process_id, appointed],
        )


def minutes_for(served_db, process: dict, group_key: str) -> int:
    """Estimated minutes of the standard questionnaire this group gets (department variant first)."""
    department = process.get("instrument_set")
    if department == DEFAULT_INSTRUMENT_SET:
        department = None
    row = served_db.execute(
        "select definition_json from instruments where group_key = ? and (department is null or department = ?) "
        "and reading is null order by department is null, version desc limit 1",
        [group_key, department],
    ).fetchone()
    if row:
        try:
            minutes = json.loads(row[0]).get("minutes")
            if minutes:
                return int(minutes)
        except (ValueError, TypeError, AttributeError):
            pass
    return DEFAULT_MINUTES
