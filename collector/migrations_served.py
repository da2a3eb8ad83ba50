"""The served database's core migration steps (set ``medverkan-served``), m001–m004.

The steps from m005 on are in ``collector.migrations_served_later`` (this
module reached the 400-line limit); they register on the same ``served``
set, and ``collector.migrations`` imports both, this one first, so the
order of the steps is the order of the two files.

Never edit a step that has shipped: append a new one at the end, with a
unique descriptive name (see ``collector.migrations``). The served
database must never hold a name, an email address, a token or a time of
day: see ``docs/ARCHITECTURE.md`` ("Anonymity").
"""

from __future__ import annotations

from sqlite_utils import Migrations
from sqlite_utils.db import ForeignKey

from forms.vocabulary import RESPONDENT_GROUPS

served = Migrations("medverkan-served")


@served(transactional=False)
def m001_wal(db):
    """Readers (Datasette) and the writer (the collector) must not block each other."""
    db.enable_wal()


@served()
def m002_core(db):
    db["respondent_groups"].create(
        {"key": str, "label_sv": str, "label_en": str, "position": int},
        pk="key",
        not_null={"label_sv", "label_en"},
    )
    db["respondent_groups"].insert_all(
        {"key": key, "label_sv": sv, "label_en": en, "position": i + 1}
        for i, (key, sv, en) in enumerate(RESPONDENT_GROUPS)
    )
    db["departments"].create(
        {"key": str, "name_sv": str, "name_en": str},
        pk="key",
        not_null={"name_sv", "name_en"},
    )
    db["processes"].create(
        {
            "id": int,
            "code": str,
            "post_title": str,
            "department": str,
            "unit": str,
            "description": str,
            "opened_on": str,
            "application_deadline": str,
            "decided_on": str,
            "closed_on": str,
            "applicants": int,
            "qualified": int,
            "interviewed": int,
            "finalists": int,
            "status": str,
            "appointed_applicant": str,
            "decision_rationale": str,
            "feedback_sent_on": str,
            "instrument_set": str,
            "is_synthetic": int,
        },
        pk="id",
        not_null={"code", "post_title", "status"},
        defaults={"status": "planning", "is_synthetic": 0},
        foreign_keys=[("department", "departments", "key")],
    )
    db["processes"].create_index(["code"], unique=True)
    db.execute(
        "CREATE TRIGGER processes_status_check BEFORE INSERT ON processes "
        "WHEN NEW.status NOT IN ('planning', 'collecting', 'closed') "
        "BEGIN SELECT RAISE(ABORT, 'status must be planning, collecting or closed'); END"
    )
    db.execute(
        "CREATE TRIGGER processes_status_check_update BEFORE UPDATE OF status ON processes "
        "WHEN NEW.status NOT IN ('planning', 'collecting', 'closed') "
        "BEGIN SELECT RAISE(ABORT, 'status must be planning, collecting or closed'); END"
    )
    db["process_stages"].create(
        {
            "id": int,
            "process_id": int,
            "position": int,
            "label_sv": str,
            "label_en": str,
            "starts_on": str,
            "ends_on": str,
            "representatives_took_part": int,
            "note_sv": str,
            "note_en": str,
        },
        pk="id",
        not_null={"process_id", "position", "label_sv"},
        defaults={"representatives_took_part": 0},
        foreign_keys=[ForeignKey("process_stages", "process_id", "processes", "id", on_delete="CASCADE")],
    )
    db["process_stages"].create_index(["process_id", "position"])
    # Applicants are pseudonyms only ("Sökande A"); the furthest stage each reached.
    db["applicants"].create(
        {"process_id": int, "pseudonym": str, "stage_reached": str, "position": int},
        pk=("process_id", "pseudonym"),
        not_null={"stage_reached"},
        foreign_keys=[ForeignKey("applicants", "process_id", "processes", "id", on_delete="CASCADE")],
    )
    # Table 2: representatives' screening of the qualified applicants (1-4).
    db["screening_ratings"].create(
        {"process_id": int, "rater": str, "applicant": str, "rating": int, "is_synthetic": int},
        pk=("process_id", "rater", "applicant"),
        not_null={"rating"},
        defaults={"is_synthetic": 0},
        foreign_keys=[ForeignKey("screening_ratings", "process_id", "processes", "id", on_delete="CASCADE")],
    )
    db.execute(
        "CREATE TRIGGER screening_rating_range BEFORE INSERT ON screening_ratings "
        "WHEN NEW.rating NOT BETWEEN 1 AND 4 "
        "BEGIN SELECT RAISE(ABORT, 'rating must be 1-4'); END"
    )
    # Each party's ranking of the finalists at the analysis meeting.
    db["rankings"].create(
        {"process_id": int, "party": str, "applicant": str, "rank": int, "is_synthetic": int},
        pk=("process_id", "party", "applicant"),
        not_null={"rank"},
        defaults={"is_synthetic": 0},
        foreign_keys=[ForeignKey("rankings", "process_id", "processes", "id", on_delete="CASCADE")],
    )
    # Instruments: every version ever used, frozen once answered.
    db["instruments"].create(
        {
            "id": int,
            "key": str,
            "version": int,
            "group_key": str,
            "department": str,
            "title_sv": str,
            "title_en": str,
            "source_sha256": str,
            "definition_json": str,
            "created_on": str,
            "frozen_on": str,
        },
        pk="id",
        not_null={"key", "version", "group_key", "title_sv", "title_en", "definition_json"},
        foreign_keys=[("group_key", "respondent_groups", "key")],
    )
    db["instruments"].create_index(["key", "version"], unique=True)
    db["questions"].create(
        {
            "id": int,
            "instrument_id": int,
            "key": str,
            "position": int,
            "page": int,
            "type": str,
            "theme": str,
            "core": int,
            "required": int,
            "text_sv": str,
            "text_en": str,
            "scale": str,
            "condition_json": str,
        },
        pk="id",
        not_null={"instrument_id", "key", "type", "text_sv", "text_en"},
        defaults={"core": 0, "required": 0},
        foreign_keys=[ForeignKey("questions", "instrument_id", "instruments", "id", on_delete="CASCADE")],
    )
    db["questions"].create_index(["instrument_id", "key"], unique=True)
    db["questions"].create_index(["key"])
    # Value labels for every coded question (likert, yesno, single, multiple, screening).
    db["question_choices"].create(
        {"question_id": int, "value": int, "label_sv": str, "label_en": str, "is_missing": int},
        pk=("question_id", "value"),
        defaults={"is_missing": 0},
        foreign_keys=[ForeignKey("question_choices", "question_id", "questions", "id", on_delete="CASCADE")],
    )
    # One submitted questionnaire. No token, name, IP, user agent or time of
    # day: the id is random, so row order does not reveal submission order.
    db["responses"].create(
        {
            "id": int,
            "process_id": int,
            "group_key": str,
            "instrument_id": int,
            "language": str,
            "submitted_on": str,
            "is_synthetic": int,
        },
        pk="id",
        not_null={"process_id", "group_key", "instrument_id", "language", "submitted_on"},
        defaults={"is_synthetic": 0},
        foreign_keys=[
            ForeignKey("responses", "process_id", "processes", "id"),
            ForeignKey("responses", "group_key", "respondent_groups", "key"),
            ForeignKey("responses", "instrument_id", "instruments", "id"),
        ],
    )
    db["responses"].create_index(["process_id", "group_key"])
    # Long format: one row per answered question (per item for grids, per
    # chosen option for multiple choice). process_id and group_key are
    # copied from the response so distributions need no join.
    db["answers"].create(
        {
            "response_id": int,
            "question_id": int,
            "item": str,
            "value_int": int,
            "value_text": str,
            "process_id": int,
            "group_key": str,
        },
        pk=("response_id", "question_id", "item"),
        not_null={"item", "process_id", "group_key"},
        defaults={"item": ""},
        foreign_keys=[
            ForeignKey("answers", "response_id", "responses", "id", on_delete="CASCADE"),
            ForeignKey("answers", "question_id", "questions", "id"),
        ],
    )
    db["answers"].create_index(["question_id", "group_key", "value_int"])
    db["answers"].create_index(["process_id", "question_id"])
    # Exact counts maintained in the same transaction as every submission and
    # withdrawal, so aggregate pages never scan the answers table.
    db["answer_counts"].create(
        {
            "process_id": int,
            "group_key": str,
            "question_id": int,
            "item": str,
            "value_int": int,
            "n": int,
        },
        pk=("process_id", "group_key", "question_id", "item", "value_int"),
        not_null={"n"},
    )
    db["answer_counts"].create_index(["question_id", "group_key"])
    # Respondent counts per process and group (the denominator of every share).
    db["response_counts"].create(
        {"process_id": int, "group_key": str, "n": int},
        pk=("process_id", "group_key"),
        not_null={"n"},
    )


# Keys of an answer_counts row, as trigger conditions on old/new.
_TOTAL_KEY = "question_id = {r}.question_id and group_key = {r}.group_key and item = coalesce({r}.item, '') and value_int = {r}.value_int"
_CELL_KEY = "process_id = {r}.process_id and group_key = {r}.group_key and question_id = {r}.question_id and item = coalesce({r}.item, '')"


def _add_to_summaries(row: str) -> str:
    return f"""
        insert into core_answer_totals (question_id, group_key, item, value_int, n)
        values ({row}.question_id, {row}.group_key, coalesce({row}.item, ''), {row}.value_int, {row}.n)
        on conflict (question_id, group_key, item, value_int) do update set n = n + excluded.n;
        insert into core_answer_cells (process_id, group_key, question_id, item, n)
        values ({row}.process_id, {row}.group_key, {row}.question_id, coalesce({row}.item, ''), {row}.n)
        on conflict (process_id, group_key, question_id, item) do update set n = n + excluded.n;"""


def _remove_from_summaries(row: str) -> str:
    total, cell = _TOTAL_KEY.format(r=row), _CELL_KEY.format(r=row)
    return f"""
        update core_answer_totals set n = n - {row}.n where {total};
        delete from core_answer_totals where {total} and n <= 0;
        update core_answer_cells set n = n - {row}.n where {cell};
        delete from core_answer_cells where {cell} and n <= 0;"""


@served()
def m003_core_summaries(db):
    """Summaries of the common-core questions over processes, kept exact by triggers.

    ``answer_counts`` has one row per process x group x question x value, so
    reading a group's distribution over 500 processes still means summing
    hundreds of thousands of rows. For the questions every group answers
    (``questions.core = 1``: the attitude pages and cross-group comparisons),
    ``core_answer_totals`` (group x question x value over every process) and
    ``core_answer_cells`` (answers per process x group x question, to find
    the cells too small to show) are maintained by triggers on
    ``answer_counts``, so every writer of answer_counts (submission,
    withdrawal, deleting a process, bulk loads) keeps them exact without
    knowing they exist. Only core questions: a submission then updates a few
    summary rows, not one per answer.
    """
    db.execute(
        """create table core_answer_totals (
            question_id integer not null, group_key text not null, item text not null,
            value_int integer not null, n integer not null,
            primary key (question_id, group_key, item, value_int)
        ) without rowid"""
    )
    db.execute(
        """create table core_answer_cells (
            process_id integer not null, group_key text not null, question_id integer not null,
            item text not null, n integer not null,
            primary key (process_id, group_key, question_id, item)
        ) without rowid"""
    )
    db.execute("create index core_answer_cells_by_size on core_answer_cells (n)")
    core = "(select core from questions where id = {r}.question_id) = 1"
    db.execute(
        "create trigger answer_counts_core_insert after insert on answer_counts "
        f"when {core.format(r='new')} begin {_add_to_summaries('new')} end"
    )
    db.execute(
        "create trigger answer_counts_core_delete after delete on answer_counts "
        f"when {core.format(r='old')} begin {_remove_from_summaries('old')} end"
    )
    db.execute(
        "create trigger answer_counts_core_update after update on answer_counts "
        f"when {core.format(r='old')} or {core.format(r='new')} begin "
        f"{_remove_from_summaries('old')} {_add_to_summaries('new')} end"
    )
    is_core = "question_id in (select id from questions where core = 1)"
    db.execute(
        "insert into core_answer_totals (question_id, group_key, item, value_int, n) "
        "select question_id, group_key, coalesce(item, ''), value_int, sum(n) from answer_counts "
        f"where n > 0 and {is_core} group by 1, 2, 3, 4"
    )
    db.execute(
        "insert into core_answer_cells (process_id, group_key, question_id, item, n) "
        "select process_id, group_key, question_id, coalesce(item, ''), sum(n) from answer_counts "
        f"where n > 0 and {is_core} group by 1, 2, 3, 4"
    )


@served()
def m004_answers_without_scan_indexes(db):
    """Drop the secondary indexes on ``answers``.

    They served GROUP BYs over the raw answers, which no page runs any more:
    figures come from answer_counts and the core summaries (m003), exports
    and the wide views read a response's answers through the primary key.
    Each index put every submission's rows on pages scattered across its
    b-tree, so a submission dirtied (and wrote to the WAL, and checkpointed)
    many more pages: measured with ``bench/submit_load.py``, dropping both
    raised throughput by a third (see issue 5's closing note). Ad-hoc SQL
    that filters answers by question should start from answer_counts or a
    ``wide_*`` view.
    """
    db.execute("drop index if exists idx_answers_question_id_group_key_value_int")
    db.execute("drop index if exists idx_answers_process_id_question_id")
