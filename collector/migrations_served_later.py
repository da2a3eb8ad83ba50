"""The served database's migration steps from m005 on (set ``medverkan-served``).

Continues ``collector.migrations_served`` (split at the 400-line limit): the
steps register on the same ``served`` set, after that module's, because
``collector.migrations`` imports that module first. Never edit a step that
has shipped: append a new one at the end, with a unique descriptive name.
The served database must never hold a name, an email address, a token or a
time of day, nor anything that orders responses by arrival (docs/privacy.md).
"""

from __future__ import annotations

from collector.migrations_served import served
from forms.vocabulary import POST_LEVEL_KEYS


@served()
def m005_municipality(db):
    """The municipality's name, set by the admin (``medverkan municipality set``).

    One row. Public information, so it lives in the served database where
    Datasette and the research exports can show it.
    """
    db.execute("CREATE TABLE municipality (id INTEGER PRIMARY KEY CHECK (id = 1), municipality_name TEXT NOT NULL)")


# A random positive 62-bit rowid in SQL (``collector.tokens.new_row_id`` in Python).
_RANDOM_ROWID = "((random() & 4611686018427387903) + 1)"


def _reinsert_in_random_order(db, table: str) -> None:
    """Give every row of ``table`` a random rowid, written in a random order.

    Delete and re-insert (not UPDATE of rowid) so the table's triggers keep
    what they maintain exact; secure_delete (``collector.db``) zeroes the
    freed pages that held the old order.
    """
    columns = ", ".join(f'"{row[1]}"' for row in db.execute(f'pragma table_info("{table}")').fetchall())
    db.execute(f"create temp table shuffled_rows as select {columns} from \"{table}\"")
    db.execute(f'delete from "{table}"')
    db.execute(
        f'insert into "{table}" (rowid, {columns}) select {_RANDOM_ROWID}, {columns} from temp.shuffled_rows order by random()'
    )
    db.execute("drop table temp.shuffled_rows")


@served()
def m006_no_arrival_order(db):
    """Nothing in the served database follows the order responses arrived in (issue 10 part 2).

    ``answers``, ``answer_counts`` and ``response_counts`` got rowids that
    grew with every insert (visible to SQL, and as the full-text docids and
    ``free_text_answers.answer_rowid``): they are rewritten with random
    rowids, and from now on every insert gives one
    (``collector.respondent.submission``). ``responses.submitted_on`` kept
    the day, which ordered responses and matched the contacts side's
    ``answered_on``: it becomes the year of the process's first response,
    the same for all its responses. The full-text index, when it exists,
    is rebuilt from the shuffled rows and merged into one segment.
    """
    for table in ("answers", "answer_counts", "response_counts"):
        _reinsert_in_random_order(db, table)
    db.execute(
        "update responses set submitted_on = (select substr(min(first.submitted_on), 1, 4) from responses first "
        "where first.process_id = responses.process_id)"
    )
    if db.execute("select 1 from sqlite_master where name = 'answers_fts'").fetchone():
        db.execute("insert into answers_fts(answers_fts) values ('rebuild')")
        db.execute("insert into answers_fts(answers_fts) values ('optimize')")



@served()
def m007_synthetic_flags(db):
    """Every served row that can hold an invented value says so (issue 12 part 2; datasette_plugins/synthetic.py).

    New: ``applicants.is_synthetic``; ``processes.synthetic_facts``, the invented columns of an otherwise real
    row (the demo's 2017 case: who was appointed and why); a partial index on synthetic responses. Rows of a
    previous version: the stages of synthetic processes and of the demo's 2017 case (known by its code *and*
    its synthetic rankings, which only the demo writes) are marked, and that case's invented facts named.
    """
    db.execute("alter table applicants add column is_synthetic integer not null default 0")
    db.execute("alter table processes add column synthetic_facts text")
    db.execute("create index responses_synthetic_by_process on responses (process_id) where is_synthetic = 1")
    case = ("select id from processes where code = 'HBG-2017-GR' and coalesce(is_synthetic, 0) = 0 "
            "and id in (select process_id from rankings where is_synthetic = 1)")
    invented = f"select id from processes where is_synthetic = 1 union {case}"
    db.execute(f"update applicants set is_synthetic = 1 where process_id in ({invented})")
    db.execute(f"update processes set synthetic_facts = 'appointed_applicant,decision_rationale' where id in ({case})")


@served()
def m007_process_post_level(db):
    """The level of the post a process recruits to: ``manager``, ``social_worker`` or ``other``.

    Figures are compared between recruitments of managers and of social
    workers (issue 12 part 7), which the free-text ``post_title`` cannot
    carry. Processes made before this step keep NULL ("not recorded"): the
    level is not guessed from the title. The value is checked like
    ``status`` (a trigger on insert and update), NULL allowed.
    """
    db["processes"].add_column("post_level", str)
    allowed = ", ".join(f"'{key}'" for key in POST_LEVEL_KEYS)
    for event in ("INSERT", "UPDATE OF post_level"):
        name = "processes_post_level_check" + ("" if event == "INSERT" else "_update")
        db.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON processes "
            f"WHEN NEW.post_level IS NOT NULL AND NEW.post_level NOT IN ({allowed}) "
            "BEGIN SELECT RAISE(ABORT, 'post_level must be manager, social_worker or other'); END"
        )


@served()
def m007_free_text_waiting_for_search(db):
    """New free-text answers wait here, unsearchable, until a batch is released.

    Merging the whole full-text index after every submission with free text
    (so no segment tells how recent an answer is) cost about a second at
    60,000 answers, under the write lock. Now a submission's text rows are
    stored here (durably, in its transaction, with random rowids) and move
    into ``answers`` - and so into ``answers_fts`` - in batches
    (``collector.respondent.search_release``). The rows would point at the
    newest answers, so Datasette may not read this table at all
    (``datasette_plugins.unreadable``). No foreign keys: Datasette's row
    page of a response or question counts the rows of every table that
    references it, and that count of this table is refused; a withdrawal
    deletes the waiting rows itself (``search_release.forget``). Existing
    text is all indexed already: nothing moves.
    """
    db["free_text_waiting"].create(
        {"response_id": int, "question_id": int, "item": str, "value_text": str, "process_id": int, "group_key": str},
        pk=("response_id", "question_id", "item"),
        not_null={"item", "value_text", "process_id", "group_key"},
        defaults={"item": ""},
    )
