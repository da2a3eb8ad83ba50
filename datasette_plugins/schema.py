"""Served-database objects owned by the Datasette area (full-text index, views).

Named, forward-only steps (see collector/migrations.py); applied after the
core and forms sets by ``collector.migrations.migrate_served``.
"""

from sqlite_utils import Migrations

migrations = Migrations("medverkan-datasette")


@migrations()
def d001_answers_fts(db):
    """FTS5 over free-text answers, kept in step by triggers.

    External content (``content='answers'``) so the text is stored once;
    only rows with text are indexed, and the delete trigger mirrors that
    condition, as FTS5 external-content deletes must match what was indexed.
    Withdrawals cascade-delete answers, so the index forgets them too.
    """
    db.execute(
        "CREATE VIRTUAL TABLE answers_fts USING fts5("
        "value_text, content='answers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO answers_fts(rowid, value_text) SELECT rowid, value_text FROM answers WHERE value_text IS NOT NULL")
    db.execute(
        "CREATE TRIGGER answers_fts_insert AFTER INSERT ON answers WHEN new.value_text IS NOT NULL "
        "BEGIN INSERT INTO answers_fts(rowid, value_text) VALUES (new.rowid, new.value_text); END"
    )
    db.execute(
        "CREATE TRIGGER answers_fts_delete AFTER DELETE ON answers WHEN old.value_text IS NOT NULL "
        "BEGIN INSERT INTO answers_fts(answers_fts, rowid, value_text) VALUES ('delete', old.rowid, old.value_text); END"
    )
    db.execute(
        "CREATE TRIGGER answers_fts_update_old AFTER UPDATE OF value_text ON answers WHEN old.value_text IS NOT NULL "
        "BEGIN INSERT INTO answers_fts(answers_fts, rowid, value_text) VALUES ('delete', old.rowid, old.value_text); END"
    )
    db.execute(
        "CREATE TRIGGER answers_fts_update_new AFTER UPDATE OF value_text ON answers WHEN new.value_text IS NOT NULL "
        "BEGIN INSERT INTO answers_fts(rowid, value_text) VALUES (new.rowid, new.value_text); END"
    )


@migrations()
def d002_free_text_view(db):
    """Free-text answers with question, group and process beside each (evaluators only)."""
    db.execute(
        """
        CREATE VIEW free_text_answers AS
        SELECT a.rowid AS answer_rowid, p.code AS process_code, a.process_id, a.group_key,
               q.key AS question_key, q.text_sv AS question_sv, q.text_en AS question_en,
               a.item, a.value_text
        FROM answers a
        JOIN questions q ON q.id = a.question_id
        JOIN processes p ON p.id = a.process_id
        WHERE a.value_text IS NOT NULL AND a.value_text != ''
        """
    )


@migrations()
def d003_free_text_synthetic_flag(db):
    """``free_text_answers`` carries the response's ``is_synthetic`` (issue 12 part 2).

    The demo's free-text answers are invented; the view, the search page and
    anyone reading the table must be able to tell and leave them out.
    """
    db.execute("DROP VIEW IF EXISTS free_text_answers")
    db.execute(
        """
        CREATE VIEW free_text_answers AS
        SELECT a.rowid AS answer_rowid, p.code AS process_code, a.process_id, a.group_key,
               q.key AS question_key, q.text_sv AS question_sv, q.text_en AS question_en,
               a.item, a.value_text, coalesce(r.is_synthetic, 0) AS is_synthetic
        FROM answers a
        JOIN questions q ON q.id = a.question_id
        JOIN processes p ON p.id = a.process_id
        JOIN responses r ON r.id = a.response_id
        WHERE a.value_text IS NOT NULL AND a.value_text != ''
        """
    )
