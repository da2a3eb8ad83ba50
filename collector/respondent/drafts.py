"""A respondent's saved draft and the context a questionnaire page is built from.

The draft (answers so far, the page reached and the pinned instrument id)
lives in ``contacts.drafts`` and is saved on every page POST, so a
respondent can return with the same link on any device and resume; the
instrument is pinned so a new version never switches mid-answer. The first
page picks it: the group's easy-to-read variant for a participant given it
(contacts ``participants.easy_read``), else the standard questionnaire.
"""

from __future__ import annotations

import json
from typing import Any

from collector import clock
from collector.db import get_contacts_db
from collector.db import get_db
from collector.db import immediate_transaction
from collector.i18n import current_language
from collector.instruments.registry import instrument_for
from collector.instruments.registry import load_registered
from collector.respondent import submission
from forms import builder
from forms.vocabulary import APPLICANT_STAGES

# --- drafts ----------------------------------------------------------------------


def load_draft(invitation_id: int) -> dict:
    row = get_contacts_db().execute(
        "select data_json, page from drafts where invitation_id = ?", [invitation_id]
    ).fetchone()
    if row is None:
        return {}
    try:
        draft = json.loads(row[0] or "{}")
    except ValueError:
        draft = {}
    draft.setdefault("page", row[1] or 1)
    return draft


def save_draft(invitation_id: int, draft: dict) -> None:
    contacts = get_contacts_db()
    with immediate_transaction(contacts):
        contacts.execute(
            "insert into drafts (invitation_id, page, data_json, language, updated_on) values (?, ?, ?, ?, ?) "
            "on conflict (invitation_id) do update set page = excluded.page, data_json = excluded.data_json, "
            "language = excluded.language, updated_on = excluded.updated_on",
            [
                invitation_id,
                draft.get("page", 1),
                json.dumps(draft, ensure_ascii=False),
                current_language(),
                clock.today().isoformat(),
            ],
        )
        submission.reserve(contacts, invitation_id)


class Context:
    """The invitation, its draft, the pinned instrument and the items to rate."""

    def __init__(self, invitation: dict):
        self.invitation = invitation
        self.draft = load_draft(invitation["id"])
        self.has_draft = bool(self.draft)
        instrument_id = self.draft.get("instrument_id")
        if instrument_id is None:
            # A participant given the easy-to-read questionnaire gets their group's variant, when it has one.
            instrument_id = instrument_for(
                get_db(), invitation["process_id"], invitation["group_key"], easy_read=bool(invitation.get("easy_read"))
            )
            self.draft["instrument_id"] = instrument_id
        self.instrument_id = instrument_id
        self.instrument = load_registered(get_db(), instrument_id)
        self.answers: dict[str, Any] = self.draft.setdefault("answers", {})
        self.items = rating_items(invitation["process_id"])

    @property
    def page_count(self) -> int:
        return len(self.instrument.pages)

    @property
    def reached(self) -> int:
        return int(self.draft.get("reached", 0))

    def form_class(self, page_index: int, language: str | None = None):
        skip = builder.skipped_questions(self.instrument, page_index, self.answers)
        return builder.build_page_form(self.instrument, page_index, language or current_language(), self.items, skip)

    def with_page(self, page_index: int, page_values: dict) -> dict:
        """The answers so far with this page's replaced by ``page_values`` (not saved)."""
        page_keys = {question.key for question in self.instrument.pages[page_index].questions}
        merged = {key: value for key, value in self.answers.items() if key not in page_keys}
        merged.update(page_values)
        return merged

    def save(self, page_number: int, page_index: int | None = None, page_values: dict | None = None, reached=None):
        if page_index is not None:
            for question in self.instrument.pages[page_index].questions:
                self.answers.pop(question.key, None)
            self.answers.update(page_values or {})
        self.draft["page"] = page_number
        if reached is not None:
            self.draft["reached"] = max(self.reached, reached)
        save_draft(self.invitation["id"], self.draft)


def rating_items(process_id: int) -> dict[str, list[str]]:
    """Pseudonyms to rate: qualified applicants (Table 2) and finalists."""
    rows = get_db().execute(
        "select pseudonym, stage_reached from applicants where process_id = ? order by position, pseudonym",
        [process_id],
    ).fetchall()
    rank = {stage: i for i, stage in enumerate(APPLICANT_STAGES)}

    def at_least(stage):
        return [name for name, reached in rows if rank.get(reached, 0) >= rank[stage]]

    return {"applicants": at_least("qualified") or [name for name, _ in rows], "finalists": at_least("finalist")}
