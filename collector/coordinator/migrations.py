"""Contacts-database tables owned by the coordinator workspace.

Staff accounts, the audit log, scheduled six-month follow-ups and the record
of purges live here, in the contacts database that Datasette never serves:
they name people.
"""

from sqlite_utils import Migrations
from sqlite_utils.db import ForeignKey

migrations = Migrations("medverkan-coordinator")


@migrations()
def k001_users_audit_followups(db):
    db["users"].create(
        {
            "id": int,
            "username": str,
            "display_name": str,
            "email": str,
            "role": str,
            "department": str,
            "password_hash": str,
            "is_active": int,
            "created_on": str,
            "password_changed_at": str,
            "last_sign_in_at": str,
        },
        pk="id",
        not_null={"username", "role", "password_hash", "is_active"},
        defaults={"is_active": 1},
    )
    db["users"].create_index(["username"], unique=True)
    db.execute(
        "CREATE TRIGGER users_role_check BEFORE INSERT ON users "
        "WHEN NEW.role NOT IN ('coordinator', 'evaluator', 'management', 'admin') "
        "BEGIN SELECT RAISE(ABORT, 'unknown role'); END"
    )
    db.execute(
        "CREATE TRIGGER users_role_check_update BEFORE UPDATE OF role ON users "
        "WHEN NEW.role NOT IN ('coordinator', 'evaluator', 'management', 'admin') "
        "BEGIN SELECT RAISE(ABORT, 'unknown role'); END"
    )
    # Who did what, when. Usernames are copied (not foreign keys) so the log
    # outlives a disabled or renamed account.
    db["audit_log"].create(
        {
            "id": int,
            "at": str,
            "username": str,
            "action": str,
            "process_id": int,
            "detail": str,
        },
        pk="id",
        not_null={"at", "action"},
    )
    db["audit_log"].create_index(["process_id"])
    # The hired person's six-month follow-up, scheduled when a process closes
    # and sent by `medverkan send-due`.
    db["scheduled_followups"].create(
        {
            "id": int,
            "process_id": int,
            "participant_id": int,
            "due_on": str,
            "sent_on": str,
        },
        pk="id",
        not_null={"process_id", "participant_id", "due_on"},
        foreign_keys=[
            ForeignKey("scheduled_followups", "participant_id", "participants", "id", on_delete="CASCADE")
        ],
    )
    db["scheduled_followups"].create_index(["participant_id"], unique=True)
    db["scheduled_followups"].create_index(["due_on", "sent_on"])
    # Processes whose contact data `medverkan purge` has deleted.
    db["purged_processes"].create(
        {"process_id": int, "purged_on": str, "participants_deleted": int, "invitations_deleted": int},
        pk="process_id",
    )
    db["participants"].create_index(["process_id", "email"])


@migrations()
def k002_earlier_links(db):
    """Links from earlier emails stay valid after a reminder brings a new one.

    Tokens are kept only as hashes, so a reminder cannot repeat the first
    email's link; without this table the link in the invitation email would
    stop working the moment the reminder went out, and a respondent who
    opens the first email gets "link not found". Deleted with the
    invitation (purge included).
    """
    db["earlier_links"].create(
        {"token_hash": str, "invitation_id": int, "replaced_on": str},
        pk="token_hash",
        not_null={"invitation_id", "replaced_on"},
        foreign_keys=[ForeignKey("earlier_links", "invitation_id", "invitations", "id", on_delete="CASCADE")],
    )
    db["earlier_links"].create_index(["invitation_id"])


@migrations()
def k003_session_stamp(db):
    """A random stamp per account, carried by its sessions and ``ds_actor`` cookies.

    Rotated on sign-out, password change, role or department change and
    disabling: every session and Datasette cookie issued before stops working
    at once, on every device (Datasette re-reads the account on each request).
    """
    db["users"].add_column("session_stamp", str)


@migrations()
def k004_hire_start_dates(db):
    """The hired person's start date, recorded with the decision.

    The six-month follow-up is timed from it (``FOLLOWUP_DAYS`` after the
    start, not after closing). It is a fact about one identifiable person,
    so it lives here in the contacts database, never in the served one, and
    is deleted with the hired person's contact data once the follow-up is
    answered or has expired.
    """
    db["hire_starts"].create(
        {"process_id": int, "starts_on": str, "recorded_on": str},
        pk="process_id",
        not_null={"starts_on"},
    )


@migrations()
def k005_feedback_drafts(db):
    """The coordinator's edited feedback texts, per group and language.

    Saved when the feedback form is submitted and read by the confirmation
    page and the send step, so what is shown is exactly what is sent (and a
    coordinator who leaves the page loses nothing typed). No names: the
    texts are written to groups.
    """
    db["feedback_drafts"].create(
        {"process_id": int, "group_key": str, "language": str, "message": str, "saved_by": str, "saved_on": str},
        pk=("process_id", "group_key", "language"),
        not_null={"message"},
    )


@migrations()
def k006_purged_invitation_counts(db):
    """Invited and answered counts per group of the links the purge deleted.

    Response rates are counted from the invitations, and the purge deletes
    them RETENTION_DAYS after closing: the process page then said "No
    invitations yet." and the rates were lost. Counts per group name nobody,
    so they stay here when the links go (``invitations.purge_process``).
    """
    db["purged_invitation_counts"].create(
        {"process_id": int, "group_key": str, "invited": int, "answered": int},
        pk=("process_id", "group_key"),
        not_null={"invited", "answered"},
    )
