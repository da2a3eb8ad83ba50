"""Participants of a process: added one at a time or imported from CSV.

A CSV import is parsed completely and shown as a preview with an error per
row before anything is written. The parser accepts what people actually
paste: comma or semicolon separators (Swedish Excel writes semicolons),
UTF-8 with or without a BOM, and cp1252 (Excel's "CSV" on Swedish Windows),
and group names in Swedish or English.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from dataclasses import field

from collector import invitations
from collector.db import immediate_transaction
from forms.vocabulary import RESPONDENT_GROUPS

EMAIL_PATTERN = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]{2,}$")
MAX_NAME_LENGTH = 200

# Header names accepted for each column (compared case-insensitively).
COLUMN_ALIASES = {
    "name": {"name", "namn", "full name", "fullständigt namn"},
    "email": {"email", "e-mail", "e-post", "epost", "mail", "e-postadress", "email address"},
    "group": {"group", "grupp", "role", "roll", "respondent group", "respondentgrupp"},
    "language": {"language", "språk", "sprak", "lang"},
    "easy_read": {"lättläst", "lattlast", "easy to read", "easy-to-read", "easy read", "easy_read"},
}
REQUIRED_COLUMNS = ("email", "group")


def _group_aliases() -> dict[str, str]:
    aliases = {}
    for key, label_sv, label_en in RESPONDENT_GROUPS:
        for alias in (key, label_sv, label_en, key.replace("_", " ")):
            aliases[alias.lower()] = key
    aliases.update(
        {
            "brukare": "representative",
            "brukarrepresentanter": "representative",
            "representant": "representative",
            "kandidat": "candidate",
            "sökande": "candidate",
            "chef": "manager",
            "tjänsteperson": "manager",
            "tjänsteman": "manager",
            "manager": "manager",
            "official": "manager",
            "facklig": "union",
            "fack": "union",
            "facklig representant": "union",
            "union": "union",
            "anställd": "hired_followup",
            "uppföljning": "hired_followup",
            "hired": "hired_followup",
            "hired person": "hired_followup",
            "follow-up": "hired_followup",
        }
    )
    return aliases


GROUP_ALIASES = _group_aliases()
# The optional "lättläst" column: an empty cell means the standard questionnaire.
EASY_READ_ALIASES = {
    "ja": True, "j": True, "yes": True, "y": True, "x": True, "1": True, "sant": True, "true": True,
    "nej": False, "n": False, "no": False, "0": False, "falskt": False, "false": False, "": False,
}
LANGUAGE_ALIASES = {"sv": "sv", "svenska": "sv", "swedish": "sv", "en": "en", "engelska": "en", "english": "en", "": "sv"}


def normalise_group(text: str) -> str | None:
    return GROUP_ALIASES.get(" ".join((text or "").split()).lower())


def normalise_email(text: str) -> str:
    return (text or "").strip().lower()


def valid_email(text: str) -> bool:
    return bool(EMAIL_PATTERN.match(text)) and len(text) <= 254


def decode_upload(data: bytes) -> str:
    """UTF-8 (BOM or not) first; anything that is not UTF-8 is read as cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    group_key: str | None
    language: str
    easy_read: bool = False  # the easy-to-read questionnaire
    errors: list[str] = field(default_factory=list)  # English msgids, translated when shown
    # A duplicate is not an error: it is skipped and the rest is imported.
    duplicate_of_line: int | None = None  # the same address earlier in the file
    already_participant: bool = False  # the address is already a participant of the process

    @property
    def duplicate(self) -> bool:
        return self.duplicate_of_line is not None or self.already_participant


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    file_errors: list[str]
    separator: str = ","

    @property
    def valid_rows(self) -> list[ImportRow]:
        """The rows that are imported: no error and not a duplicate."""
        return [row for row in self.rows if not row.errors and not row.duplicate]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def duplicate_rows(self) -> list[ImportRow]:
        """Rows skipped as duplicates (within the file or of existing participants), marked in the preview."""
        return [row for row in self.rows if row.duplicate and not row.errors]

    @property
    def ok(self) -> bool:
        """Importable: no file or row errors and at least one new person. Duplicates alone do not block."""
        return not self.file_errors and not self.error_rows and bool(self.valid_rows)


def _sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def parse_csv(text: str, existing_emails: set[str]) -> ImportPreview:
    """Parse participants from CSV text; nothing is written."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        return ImportPreview([], ["The file is empty."])
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel's "sep=;" hint line: use it and skip it.
        separator = first.strip()[4]
        skipped = text.split("\n", 1)
        line_offset = text[: len(text) - len(skipped[1])].count("\n") if len(skipped) == 2 else 0
        text = skipped[1] if len(skipped) == 2 else ""
    else:
        separator = _sniff_separator(first)
        line_offset = 0
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[ImportRow] = []
    seen: dict[str, int] = {}  # email -> the line it first appears on
    try:
        for record in reader:
            line = reader.line_num + line_offset
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in record]
                for column, aliases in COLUMN_ALIASES.items():
                    for index, cell in enumerate(header):
                        if cell in aliases:
                            columns[column] = index
                            break
                missing = [column for column in REQUIRED_COLUMNS if column not in columns]
                if missing:
                    return ImportPreview(
                        [],
                        ["The first line must name the columns: email and group (name and language are optional)."],
                        separator,
                    )
                continue

            def cell(column: str, record=record) -> str:
                index = columns.get(column)
                return record[index].strip() if index is not None and index < len(record) else ""

            email = normalise_email(cell("email"))
            group_text = cell("group")
            language_text = cell("language").lower()
            easy_read_text = cell("easy_read").lower()
            row = ImportRow(
                line=line,
                name=cell("name")[:MAX_NAME_LENGTH],
                email=email,
                group_key=normalise_group(group_text),
                language=LANGUAGE_ALIASES.get(language_text, "sv"),
                easy_read=EASY_READ_ALIASES.get(easy_read_text, False),
            )
            if not email:
                row.errors.append("Email address missing.")
            elif not valid_email(email):
                row.errors.append("Not a valid email address.")
            elif email in seen:
                row.duplicate_of_line = seen[email]
            elif email in existing_emails:
                row.already_participant = True
            if row.group_key is None:
                row.errors.append("Unknown group.")
            if language_text not in LANGUAGE_ALIASES:
                row.errors.append("Unknown language (use sv or en).")
            if easy_read_text not in EASY_READ_ALIASES:
                row.errors.append("Easy to read: write yes or no (ja or nej).")
            seen.setdefault(email, line)
            rows.append(row)
    except csv.Error:
        return ImportPreview(rows, ["The file could not be read as CSV."], separator)
    if header is None:
        return ImportPreview([], ["The file is empty."], separator)
    if not rows:
        return ImportPreview([], ["The file has a header line but no participants."], separator)
    return ImportPreview(rows, [], separator)


def existing_emails(contacts_db, process_id: int) -> set[str]:
    return {
        row[0]
        for row in contacts_db.execute(
            "select email from participants where process_id = ? and email is not null", [process_id]
        )
    }


def add_participants(contacts_db, process_id: int, rows: list[dict], today: datetime.date | None = None) -> int:
    """Insert participants (dicts with name, email, group_key, language, optional easy_read) in one transaction."""
    created = (today or datetime.date.today()).isoformat()
    with immediate_transaction(contacts_db):
        contacts_db["participants"].insert_all(
            (
                {
                    "process_id": process_id,
                    "group_key": row["group_key"],
                    "name": row.get("name") or None,
                    "email": row.get("email") or None,
                    "language": row.get("language") or "sv",
                    "easy_read": int(bool(row.get("easy_read"))),
                    "created_on": created,
                }
                for row in rows
            ),
            batch_size=500,
        )
    return len(rows)


def participants_with_status(contacts_db, process_id: int) -> list[dict]:
    """Participants and, per person, whether their latest invitation is answered (yes/no only)."""
    return list(
        contacts_db.query(
            """
            select p.*, i.status as invitation_status, i.sent_on, i.last_reminded_on, i.reminders_sent,
                   i.is_followup, f.due_on as followup_due_on, f.sent_on as followup_sent_on
            from participants p
            left join invitations i on i.id = (
                select max(id) from invitations where participant_id = p.id
            )
            left join scheduled_followups f on f.participant_id = p.id
            where p.process_id = ?
            order by p.group_key, coalesce(p.name, p.email), p.id
            """,
            [process_id],
        )
    )


def delete_participant(contacts_db, process_id: int, participant_id: int) -> bool:
    with immediate_transaction(contacts_db):
        cursor = contacts_db.execute(
            "delete from participants where id = ? and process_id = ?", [participant_id, process_id]
        )
        return cursor.rowcount == 1


class ChangeRefused(ValueError):
    """A participant change that cannot be made (message is an English msgid, translated when shown)."""


GROUP_CHANGE_BEGUN = (
    "The group cannot be changed: this person has already started or finished answering as %(group)s. "
    "Answers are stored without a name, so they cannot be moved to another group."
)
GROUP_CHANGE_CLOSED = "The group cannot be changed after the process has closed."
GROUP_CHANGE_POOL = (
    "This person was picked from the pool of representatives, so they stay in the group %(group)s. "
    "Undo the pick on the process page if they should not take part as a representative."
)


def picked_from_pool(contacts_db, participant_id: int) -> bool:
    """True when the participant came from the pool (``collector.brukarbank.assignments.pick``).

    Read here as plain SQL because the pool's package imports this module,
    not the other way round; the pool's counts are of representatives, so a
    pick must not leave the group.
    """
    return contacts_db.execute(
        "select exists (select 1 from pool_assignments where participant_id = ?)", [participant_id]
    ).fetchone()[0] == 1


def get_participant(contacts_db, process_id: int, participant_id: int) -> dict | None:
    """The participant if it belongs to ``process_id`` (the caller has passed the process's department gate)."""
    rows = list(contacts_db.query("select * from participants where id = ? and process_id = ?", [participant_id, process_id]))
    return rows[0] if rows else None


def update_participant(contacts_db, process: dict, participant_id: int, changes: dict) -> list[str]:
    """Change name, email, language, group and the easy-to-read choice in one transaction; return the fields changed.

    The email can change at any time: the link's token is not tied to it, so
    the link already sent keeps working. The group can change only while no
    link of the person has answers (answered, mid-submission or a saved
    draft) and the process is open; their unstarted links then follow the new
    group, so the link opens the new group's questionnaire.
    Raises :class:`ChangeRefused` (with the group's key in ``args[1]``).
    """
    with immediate_transaction(contacts_db):
        current = get_participant(contacts_db, process["id"], participant_id)
        if current is None:
            raise LookupError(participant_id)
        changed = [key for key in ("name", "email", "language", "group_key") if (current[key] or None) != (changes[key] or None)]
        # The easy-to-read choice applies to links not yet started (a questionnaire is fixed at its first saved page).
        if "easy_read" in changes and bool(current.get("easy_read")) != bool(changes["easy_read"]):
            changed.append("easy_read")
        if "group_key" in changed:
            if process["status"] == "closed":
                raise ChangeRefused(GROUP_CHANGE_CLOSED, current["group_key"])
            if picked_from_pool(contacts_db, participant_id):
                raise ChangeRefused(GROUP_CHANGE_POOL, current["group_key"])
            if invitations.begun_by_participant(contacts_db, participant_id):
                raise ChangeRefused(GROUP_CHANGE_BEGUN, current["group_key"])
        if changed:
            contacts_db["participants"].update(
                participant_id,
                {key: (int(bool(changes[key])) if key == "easy_read" else changes[key] or None) for key in changed},
            )
            invitations.follow_participant(contacts_db, participant_id, changes["group_key"], changes["language"])
        return changed
