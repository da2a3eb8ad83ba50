"""The contacts database's core migration steps (set ``medverkan-contacts``).

Never edit a step that has shipped: append a new one at the end, with a
unique descriptive name (see ``collector.migrations``). The contacts
database holds names, emails and token hashes and is never served.
"""

from __future__ import annotations

from sqlite_utils import Migrations
from sqlite_utils.db import ForeignKey

contacts = Migrations("medverkan-contacts")


@contacts(transactional=False)
def c001_wal(db):
    db.enable_wal()


@contacts()
def c002_core(db):
    db["participants"].create(
        {
            "id": int,
            "process_id": int,
            "group_key": str,
            "name": str,
            "email": str,
            "language": str,
            "created_on": str,
            "is_synthetic": int,
        },
        pk="id",
        not_null={"process_id", "group_key", "language"},
        defaults={"language": "sv", "is_synthetic": 0},
    )
    db["participants"].create_index(["process_id", "group_key"])
    # A personal link. Only the SHA-256 of the token is stored: tokens carry
    # 192 random bits, so a plain hash is enough (OWASP ASVS 6.5.2).
    db["invitations"].create(
        {
            "id": int,
            "process_id": int,
            "group_key": str,
            "participant_id": int,
            "token_hash": str,
            "language": str,
            "status": str,
            "created_on": str,
            "expires_on": str,
            "sent_on": str,
            "last_reminded_on": str,
            "reminders_sent": int,
            "answered_on": str,
            "is_followup": int,
        },
        pk="id",
        not_null={"process_id", "group_key", "token_hash", "status", "expires_on"},
        defaults={"status": "open", "language": "sv", "reminders_sent": 0, "is_followup": 0},
        foreign_keys=[ForeignKey("invitations", "participant_id", "participants", "id", on_delete="SET NULL")],
    )
    db["invitations"].create_index(["token_hash"], unique=True)
    db["invitations"].create_index(["process_id", "group_key", "status"])
    # Save-and-resume: one draft per invitation, deleted on submit.
    db["drafts"].create(
        {"invitation_id": int, "page": int, "data_json": str, "language": str, "updated_on": str},
        pk="invitation_id",
        foreign_keys=[ForeignKey("drafts", "invitation_id", "invitations", "id", on_delete="CASCADE")],
    )
    # The only link between an invitation and a response, and it lives only
    # for the milliseconds of a submission (see collector.respondent.submission).
    db["pending_submissions"].create(
        {"invitation_id": int, "response_id": int},
        pk="invitation_id",
        foreign_keys=[ForeignKey("pending_submissions", "invitation_id", "invitations", "id", on_delete="CASCADE")],
    )
    # Receipt code -> response, for withdrawal. WITHOUT ROWID keyed by the
    # hash, so the table keeps no insertion order to line up with invitations.
    db.execute(
        """
        CREATE TABLE receipts (
            receipt_hash TEXT PRIMARY KEY,
            response_id INTEGER NOT NULL,
            process_id INTEGER NOT NULL,
            group_key TEXT NOT NULL,
            withdrawn_on TEXT
        ) WITHOUT ROWID
        """
    )


@contacts()
def c003_reserved_receipt_code(db):
    """The receipt code is chosen with the response id, before submitting.

    Reserved (durably) with the first saved draft, so that a submission
    needs only one fsync before its acknowledgement: see
    ``collector.respondent.submission``.
    """
    db["pending_submissions"].add_column("receipt_code", str)


@contacts()
def c004_receipt_handoffs(db):
    """The receipt code on its way from the final submit to the thanks page.

    Keyed by the hash of a random nonce kept in the session (never the code
    or the invitation id: the cookie is signed, not encrypted); the row is
    deleted when the thanks page shows it, or after a few minutes. See
    ``collector.respondent.receipt_handoff``.
    """
    db.execute(
        """
        CREATE TABLE receipt_handoffs (
            nonce_hash TEXT PRIMARY KEY,
            receipt_code TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )


@contacts()
def c005_authoring_checked_uploads(db):
    """An uploaded XLSForm that passed the checks, waiting for preview and publishing.

    Kept server-side under a random id so the preview is a GET page (the
    browser's Back button works, nothing has to be uploaded twice); it
    belongs to the staff account that uploaded it and expires after a day.
    See ``collector.authoring.checked``.
    """
    db.execute(
        """
        CREATE TABLE authoring_checked_uploads (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            filename TEXT NOT NULL,
            definition_json TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )


@contacts()
def c006_invitation_short_code_hash(db):
    """Printed invitations get a short code to type on the start page.

    Only its keyed hash is stored (``collector.short_codes``); NULL for
    emailed links. Unique, so a look-up finds at most one invitation.
    """
    db["invitations"].add_column("short_code_hash", str)
    db["invitations"].create_index(["short_code_hash"], unique=True)


@contacts()
def c007_participant_easy_read(db):
    """Whether a participant is given the easy-to-read questionnaire (1) or the standard one (0).

    Chosen by the coordinator (add form, the CSV column "lättläst"); their
    link then opens the group's easy-to-read variant where one exists
    (``collector.instruments.registry.instrument_for``). Everyone added
    before keeps the standard questionnaire.
    """
    db["participants"].add_column("easy_read", int, not_null_default=0)
