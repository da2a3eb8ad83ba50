"""What the author sees before publishing: whether this version can be
published at all, and the changes from the published version in plain words.

Why at check time: a changed file with an unchanged version used to pass the
check and then fail at publish with the registry's English developer
message. The same rules the registry enforces (an answered version never
changes; identical content is nothing new) are checked here, when the file
is uploaded, with a message in the author's language.
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _

from collector.instruments.registry import canonical_json
from forms.builder import text_in
from forms.model import Instrument
from forms.versions import diff

# SQLite stores integers up to 2^63 - 1; versions are small counters.
MAX_VERSION = 2**31 - 1


def version_check(db, instrument: Instrument) -> tuple[list[str], list[str], bool]:
    """(problems, notes, publishable) for publishing ``instrument`` on ``db``."""
    if not 1 <= instrument.version <= MAX_VERSION:
        return [_("The version must be a whole number from 1 to %(max)s.", max=MAX_VERSION)], [], False
    newest = db.execute("select max(version) from instruments where key = ?", [instrument.key]).fetchone()[0]
    if newest is not None and newest > instrument.version:
        return [
            _(
                "Version %(version)s is older than the published version %(newest)s of %(key)s. "
                "Give the file version %(next)s in the settings sheet (column version) and upload it again.",
                version=instrument.version, newest=newest, key=instrument.key, next=newest + 1,
            )
        ], [], False
    row = db.execute(
        "select id, source_sha256, frozen_on from instruments where key = ? and version = ?", [instrument.key, instrument.version]
    ).fetchone()
    if row is None:
        return [], [], True
    instrument_id, digest, frozen_on = row
    if digest == hashlib.sha256(canonical_json(instrument).encode("utf-8")).hexdigest():
        return [], [
            _(
                "Version %(version)s of %(key)s is already published with exactly this content: there is nothing new to publish.",
                version=instrument.version, key=instrument.key,
            )
        ], False
    answered = frozen_on or db.execute("select 1 from responses where instrument_id = ? limit 1", [instrument_id]).fetchone()
    if answered:
        return [
            _(
                "Version %(version)s of %(key)s is already published and has been answered, and this file differs from it. "
                "Answered versions never change: "
                "give the file version %(next)s in the settings sheet (column version) and upload it again.",
                version=instrument.version, key=instrument.key, next=(newest or instrument.version) + 1,
            )
        ], [], False
    return [], [
        _(
            "Version %(version)s of %(key)s is published but nobody has answered it yet: publishing replaces it.",
            version=instrument.version, key=instrument.key,
        )
    ], True


def _type_names() -> dict[str, str]:
    return {
        "likert": _("agree–disagree scale"),
        "yesno": _("yes / no"),
        "single": _("one answer from a list"),
        "multiple": _("several answers from a list"),
        "integer": _("a number"),
        "text": _("free text"),
        "screening": _("rating of each applicant"),
        "ranking": _("ranking of the finalists"),
    }


def _setting_names() -> dict[str, str]:
    return {
        "group": _("Respondent group"),
        "department": _("Department"),
        "title": _("Title"),
        "intro": _("Introduction"),
        "minutes": _("Estimated time in minutes"),
    }


def _shown(value, language: str) -> str:
    if isinstance(value, dict):
        return text_in(value, language)
    return "–" if value in (None, "") else str(value)


def plain_changes(previous: Instrument, instrument: Instrument, language: str) -> list[str]:
    """The changes from ``previous`` as sentences an author reads without a legend."""
    before = {q.key: q for q in previous.questions}
    after = {q.key: q for q in instrument.questions}
    types = _type_names()
    lines = []
    for change in diff(previous, instrument):
        question = after.get(change.key) or before.get(change.key)
        if change.kind == "settings":
            old, new = getattr(previous, change.key), getattr(instrument, change.key)
            line = _(
                "%(setting)s changed from “%(old)s” to “%(new)s”.",
                setting=_setting_names().get(change.key, change.key), old=_shown(old, language), new=_shown(new, language),
            )
        elif change.kind == "added":
            line = _("New question: “%(text)s”.", text=text_in(question.text, language))
        elif change.kind == "removed":
            line = _("Removed question: “%(text)s”.", text=text_in(question.text, language))
        elif change.kind == "reworded":
            line = _(
                "New wording: “%(old)s” now reads “%(new)s”.",
                old=text_in(before[change.key].text, language), new=text_in(after[change.key].text, language),
            )
        elif change.kind == "type":
            line = _(
                "The question “%(text)s” is now answered as %(new)s (was %(old)s).",
                text=text_in(question.text, language),
                new=types.get(after[change.key].type, after[change.key].type),
                old=types.get(before[change.key].type, before[change.key].type),
            )
        else:
            line = _("The answer options of “%(text)s” changed.", text=text_in(question.text, language))
        if change.core:
            line += " " + _("This is a common-core question, compared across departments.")
        lines.append(line)
    return lines
