"""The schema: both databases migrate, use WAL and keep identities out of the served file."""

import sqlite3

IDENTIFYING_COLUMNS = {"name", "email", "token", "token_hash", "ip", "user_agent", "receipt_hash"}


def test_both_databases_use_wal(db_paths):
    for path in db_paths:
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_connections_enforce_foreign_keys_and_full_sync(served_db):
    assert served_db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert served_db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_served_database_has_no_identifying_columns(served_db):
    for table in served_db.table_names():
        if table.startswith("_sqlite_migrations"):
            continue  # migration names, not people
        columns = {c.name for c in served_db[table].columns}
        assert not columns & IDENTIFYING_COLUMNS, (table, columns & IDENTIFYING_COLUMNS)


def test_responses_store_a_date_but_no_time(served_db):
    columns = {c.name for c in served_db["responses"].columns}
    assert "submitted_on" in columns
    assert not {"submitted_at", "created_at", "time"} & columns


def snapshot(path: str) -> dict:
    """Every schema object's SQL and every table's rows, order-independent."""
    conn = sqlite3.connect(path)
    try:
        schema = sorted(conn.execute("select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%'").fetchall())
        tables = [name for kind, name, _, sql in schema if kind == "table" and not (sql or "").upper().startswith("CREATE VIRTUAL")]
        rows = {table: sorted(map(repr, conn.execute(f'select * from "{table}"').fetchall())) for table in tables}
        return {"schema": schema, "rows": rows}
    finally:
        conn.close()


def test_migrations_are_idempotent(tmp_path):
    """Running every migration again changes neither schema nor rows (instruments included)."""
    from collector.migrations import init_databases

    paths = str(tmp_path / "medverkan.db"), str(tmp_path / "contacts.db")
    init_databases(*paths)
    first = [snapshot(path) for path in paths]
    assert first[0]["rows"]["instruments"] and first[0]["rows"]["_sqlite_migrations"]
    init_databases(*paths)
    init_databases(*paths)
    again = [snapshot(path) for path in paths]
    for before, after, name in zip(first, again, ("served", "contacts")):
        assert after["schema"] == before["schema"], f"{name}: schema changed on a second run"
        assert after["rows"] == before["rows"], f"{name}: rows changed on a second run"
