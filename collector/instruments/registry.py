"""Registers instrument definitions in the served database.

Answers must always be read with the exact questionnaire they were given, so
every (key, version) is stored once with its full definition as canonical
JSON, and frozen once answered: a changed definition then needs a new
version. The ``questions`` and ``question_choices`` rows are the codebook
Datasette and exports read; ``wide_<key>_v<version>`` views give one row per
response for browsing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import asdict
from typing import Any

from sqlite_utils import Migrations

from collector.db import immediate_transaction
from forms.definitions import load_builtin_instruments
from forms.model import DONT_KNOW
from forms.model import Choice
from forms.model import Condition
from forms.model import Instrument
from forms.model import Page
from forms.model import Question
from forms.vocabulary import EASY_READ

migrations = Migrations("medverkan-forms")

DEFAULT_SET = "default"
_SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@migrations()
def f001_instrument_lookup_index(db):
    """instrument_for() looks instruments up by group and department."""
    db["instruments"].create_index(["group_key", "department", "version"], if_not_exists=True)


@migrations()
def f002_instrument_reading(db):
    """Which wording a questionnaire is in: NULL standard, ``easy_read`` the easy-to-read variant.

    Recorded with every response through ``responses.instrument_id``, so
    researchers can compare the variants; ``instrument_for`` picks the
    variant for participants who were given it. Earlier instruments are all
    standard, so nothing needs filling in.
    """
    db["instruments"].add_column("reading", str)


class InstrumentFrozenError(ValueError):
    """A definition changed after its version was answered; it needs a new version."""


# --- canonical JSON ----------------------------------------------------------


# Fields added after definitions were first stored: left out while they hold
# their default, so every earlier definition keeps its canonical JSON and
# hash (a frozen version is then not "changed" by an upgrade).
_LATER_INSTRUMENT_FIELDS = ("reading",)
_LATER_QUESTION_FIELDS = ("scale_wording",)


def definition_dict(instrument: Instrument) -> dict[str, Any]:
    """The definition as plain data; ``source`` (a file name) is not content."""
    data = asdict(instrument)
    data.pop("source", None)
    for field in _LATER_INSTRUMENT_FIELDS:
        if data.get(field) is None:
            data.pop(field, None)
    for page in data["pages"]:
        for question in page["questions"]:
            for field in _LATER_QUESTION_FIELDS:
                if question.get(field) is None:
                    question.pop(field, None)
    return data


def canonical_json(instrument: Instrument) -> str:
    """Sorted keys, no spaces: equal definitions give equal text and hash."""
    return json.dumps(definition_dict(instrument), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def instrument_from_json(text: str) -> Instrument:
    """Rebuild an :class:`Instrument` from :func:`canonical_json` output."""
    data = json.loads(text)
    pages = []
    for page in data["pages"]:
        questions = []
        for raw in page["questions"]:
            raw = dict(raw)
            raw["choices"] = tuple(Choice(c["value"], c["label"]) for c in raw.get("choices") or ())
            condition = raw.get("condition")
            raw["condition"] = Condition(condition["question"], tuple(condition["values"])) if condition else None
            questions.append(Question(**raw))
        pages.append(Page(key=page["key"], title=page["title"], intro=page.get("intro"), questions=tuple(questions)))
    return Instrument(**{**data, "pages": tuple(pages)})


# --- writing -----------------------------------------------------------------


def _scale(question: Question) -> str | None:
    if question.type == "likert":
        return "agreement_1_5_dk" if question.dont_know else "agreement_1_5"
    return {
        "yesno": "yes_no_unsure",
        "single": "choices",
        "multiple": "choices",
        "screening": "screening_1_4",
        "ranking": "rank_1_n",
        "integer": "integer",
    }.get(question.type)


def _write_questions(db, instrument_id: int, instrument: Instrument) -> None:
    position = 0
    for page_number, page in enumerate(instrument.pages, start=1):
        for question in page.questions:
            position += 1
            condition = question.condition
            question_id = db["questions"].insert(
                {
                    "instrument_id": instrument_id,
                    "key": question.key,
                    "position": position,
                    "page": page_number,
                    "type": question.type,
                    "theme": question.theme,
                    "core": int(question.core),
                    "required": int(question.required),
                    "text_sv": question.text["sv"],
                    "text_en": question.text["en"],
                    "scale": _scale(question),
                    "condition_json": json.dumps(
                        {"question": condition.question, "values": list(condition.values)}, ensure_ascii=False
                    )
                    if condition
                    else None,
                }
            ).last_pk
            db["question_choices"].insert_all(
                {
                    "question_id": question_id,
                    "value": value,
                    "label_sv": label["sv"],
                    "label_en": label["en"],
                    "is_missing": int(value == DONT_KNOW),
                }
                for value, label in sorted(question.value_labels().items())
            )


def _is_frozen(db, instrument_id: int, frozen_on: str | None) -> bool:
    if frozen_on:
        return True
    return db.execute("select 1 from responses where instrument_id = ? limit 1", [instrument_id]).fetchone() is not None


def register_instrument(db, instrument: Instrument) -> int:
    """Store ``instrument`` and return its id.

    Identical content is a no-op. Changed content under an existing (key,
    version) replaces it only while nothing has been answered with it;
    otherwise :class:`InstrumentFrozenError` asks for a new version.
    """
    if not _SAFE_KEY.match(instrument.key):
        raise ValueError(f"instrument key {instrument.key!r} must match [a-z][a-z0-9_]*")
    definition = canonical_json(instrument)
    digest = hashlib.sha256(definition.encode("utf-8")).hexdigest()
    with immediate_transaction(db):
        row = db.execute(
            "select id, source_sha256, frozen_on from instruments where key = ? and version = ?",
            [instrument.key, instrument.version],
        ).fetchone()
        if row is not None:
            instrument_id, existing_digest, frozen_on = row
            if existing_digest == digest:
                return instrument_id
            if _is_frozen(db, instrument_id, frozen_on):
                raise InstrumentFrozenError(
                    f"Instrument {instrument.key!r} version {instrument.version} has already been answered "
                    f"and cannot change; give the changed definition a new version "
                    f"(version: {instrument.version + 1})."
                )
            db.execute("delete from questions where instrument_id = ?", [instrument_id])
            db.execute(
                "update instruments set group_key = ?, department = ?, reading = ?, title_sv = ?, title_en = ?, "
                "source_sha256 = ?, definition_json = ? where id = ?",
                [
                    instrument.group,
                    instrument.department,
                    instrument.reading,
                    instrument.title["sv"],
                    instrument.title["en"],
                    digest,
                    definition,
                    instrument_id,
                ],
            )
        else:
            instrument_id = db["instruments"].insert(
                {
                    "key": instrument.key,
                    "version": instrument.version,
                    "group_key": instrument.group,
                    "department": instrument.department,
                    "reading": instrument.reading,
                    "title_sv": instrument.title["sv"],
                    "title_en": instrument.title["en"],
                    "source_sha256": digest,
                    "definition_json": definition,
                    "created_on": datetime.date.today().isoformat(),
                }
            ).last_pk
        _write_questions(db, instrument_id, instrument)
        _create_wide_view(db, instrument_id, instrument)
    _LOADED.pop(instrument_id, None)
    return instrument_id


def freeze(db, instrument_id: int) -> None:
    """Mark an instrument as answered (its definition can no longer change).

    Joins the caller's transaction when there is one, so the respondent flow
    can freeze in the same transaction as the first answer.
    """
    sql = "update instruments set frozen_on = ? where id = ? and frozen_on is null"
    params = [datetime.date.today().isoformat(), instrument_id]
    if db.conn.in_transaction:
        db.execute(sql, params)
    else:
        with immediate_transaction(db):
            db.execute(sql, params)


def sync_builtin_instruments(db) -> list[int]:
    """Register the latest version of every built-in instrument (on init and start-up)."""
    return [register_instrument(db, instrument) for _key, instrument in sorted(load_builtin_instruments().items())]


# --- reading -----------------------------------------------------------------

_LOADED: dict[int, tuple[str, Instrument]] = {}


def _digest(db, instrument_id: int) -> str | None:
    row = db.execute("select source_sha256 from instruments where id = ?", [instrument_id]).fetchone()
    if row is None:
        raise LookupError(f"no instrument with id {instrument_id}")
    return row[0]


def load_registered(db, instrument_id: int) -> Instrument:
    """The exact definition stored for ``instrument_id`` (raises LookupError).

    Parsed definitions are cached per process by (id, content hash): a page
    view asks only for the hash, and an unfrozen version re-registered with
    new content gets a new hash, so the cache can never serve a stale one.
    """
    digest = _digest(db, instrument_id)
    cached = _LOADED.get(instrument_id)
    if cached and cached[0] == digest and digest is not None:
        return cached[1]
    definition = db.execute("select definition_json from instruments where id = ?", [instrument_id]).fetchone()[0]
    instrument = instrument_from_json(definition)
    _LOADED[instrument_id] = (digest, instrument)
    return instrument


def question_ids(db, instrument_id: int) -> dict[str, int]:
    """Question key -> questions.id for one instrument version."""
    return {key: qid for key, qid in db.execute("select key, id from questions where instrument_id = ?", [instrument_id])}


def cached_question_ids(db, instrument_id: int) -> dict[str, int]:
    """:func:`question_ids`, cached on the connection by the content hash.

    Question rows are only rewritten together with a new hash (see
    :func:`register_instrument`), and ids differ between database files, so
    the cache lives on the connection object, not in the process.
    """
    digest = _digest(db, instrument_id)
    cache = db.__dict__.setdefault("_medverkan_question_ids", {})
    cached = cache.get(instrument_id)
    if cached and cached[0] == digest and digest is not None:
        return cached[1]
    ids = question_ids(db, instrument_id)
    cache[instrument_id] = (digest, ids)
    return ids


def instrument_for(db, process_id: int, group_key: str, *, easy_read: bool = False) -> int:
    """The instrument a group answers in a process: latest version, variant first.

    The variant is the process's ``instrument_set`` when it names one
    (``default`` means the default instrument); when no set is chosen, the
    process's department. Without a matching variant the default instrument
    (``department`` NULL) is used. ``easy_read`` (the participant was given
    the easy-to-read questionnaire) prefers the group's easy-to-read
    variant, and falls back to the standard wording for groups without one.
    """
    process = db.execute("select department, instrument_set from processes where id = ?", [process_id]).fetchone()
    if process is None:
        raise LookupError(f"no process with id {process_id}")
    department, instrument_set = process
    variant = department if instrument_set is None else (None if instrument_set == DEFAULT_SET else instrument_set)
    return instrument_for_variant(db, variant, group_key, reading=EASY_READ if easy_read else None)


def instrument_for_variant(db, variant: str | None, group_key: str, *, reading: str | None = None) -> int:
    """The latest instrument of ``group_key`` in the department variant ``variant``, else the default one.

    Shared by :func:`instrument_for` and the admin's overview of which
    questionnaire each group gets in each department. With ``reading``
    (``easy_read``) that wording is looked for first, in the department's
    variant and then the default; else the standard wording as without it.
    """
    departments = [variant, None] if variant else [None]
    readings = [reading, None] if reading else [None]
    for candidate_reading in readings:
        for candidate in departments:
            row = db.execute(
                "select id from instruments where group_key = ? and department is ? and reading is ? "
                "order by version desc, id desc limit 1",
                [group_key, candidate, candidate_reading],
            ).fetchone()
            if row:
                return row[0]
    raise LookupError(f"no instrument registered for group {group_key!r}")


# --- the wide view -----------------------------------------------------------


def wide_view_name(key: str, version: int) -> str:
    return f"wide_{key}_v{version}"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _wide_columns(question: Question, question_id: int) -> list[str]:
    """SQL expressions (with aliases) for one question in the wide view."""
    answer = f"from answers a where a.response_id = r.id and a.question_id = {int(question_id)}"
    if question.type == "text":
        return [f"(select a.value_text {answer} and a.item = '') as {_quote(question.key)}"]
    if question.type == "multiple":
        columns = []
        for choice in question.choices:
            value = int(choice.value)
            # NULL when the question was not answered at all, else 0/1.
            columns.append(
                f"(select case when count(*) = 0 then null else max(a.value_int = {value}) end {answer})"
                f" as {_quote(f'{question.key}__{value}')}"
            )
        return columns
    if question.type in ("screening", "ranking"):
        return [
            f"(select group_concat(pair, '; ') from (select a.item || '=' || a.value_int as pair {answer} "
            f"order by a.item)) as {_quote(question.key)}"
        ]
    return [f"(select a.value_int {answer} and a.item = '') as {_quote(question.key)}"]


def _create_wide_view(db, instrument_id: int, instrument: Instrument) -> None:
    ids = question_ids(db, instrument_id)
    columns = [
        "r.id as response_id",
        "r.process_id",
        "r.group_key",
        "r.language",
        "r.submitted_on",
        "r.is_synthetic",
    ]
    for question in instrument.questions:
        columns.extend(_wide_columns(question, ids[question.key]))
    name = _quote(wide_view_name(instrument.key, instrument.version))
    db.execute(f"drop view if exists {name}")
    db.execute(
        f"create view {name} as select\n  "
        + ",\n  ".join(columns)
        + f"\nfrom responses r where r.instrument_id = {int(instrument_id)}"
    )
