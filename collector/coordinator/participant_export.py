"""A process's participant list as CSV, for the coordinator's own lists and mail merges.

What goes in is exactly what the participants page shows per person, no
more: name, email address, group, language and the invitation's state as
the page words it (not invited / not answered / answered / link closed) with
the day it was sent and last reminded. Never a token, a short code, a hash,
an invitation id or a draft: the query below selects named columns, so a
column added to ``participants`` or ``invitations`` later does not leak into
the file by itself.

The dialect is the one every CSV Medverkan offers uses for Swedish Excel
(UTF-8 with BOM, ``;``), and every cell goes through
``research.safe_csv.neutralise`` (a name typed as ``=HYPERLINK(...)`` must
not run in the coordinator's spreadsheet).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from collector.coordinator.labels import INVITATION_STATUS_LABELS
from collector.coordinator.labels import group_label
from research.safe_csv import csv_bytes

COLUMNS = ("name", "email", "group", "language", "invitation", "sent_on", "reminded_on")


def header() -> list[str]:
    return [_("Name"), _("Email address"), _("Group"), _("Language"), _("Invitation"), _("Sent"), _("Reminded")]


def row_for(person: dict) -> list[str]:
    """One participant as the page shows them (``participants.participants_with_status`` row)."""
    return [
        person["name"] or "",
        person["email"] or _("(printed link)"),
        group_label(person["group_key"]),
        person["language"] or "",
        str(INVITATION_STATUS_LABELS.get(person["invitation_status"], person["invitation_status"] or "")),
        person["sent_on"] or "",
        person["last_reminded_on"] or "",
    ]


def participants_csv(people: list[dict]) -> bytes:
    """Swedish-Excel CSV (BOM, ``;``), every cell neutralised."""
    return csv_bytes(header(), (row_for(person) for person in people), excel=True)


def safe_filename(code: str) -> str:
    """The process code as a file name: letters, digits, dash and underscore only (no header injection)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", code or "").strip("-")[:60] or "process"
