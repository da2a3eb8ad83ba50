"""Who may see what in Datasette.

Roles come from the ``ds_actor`` cookie the collector sets on staff sign-in
(docs/ARCHITECTURE.md, "Sign-in shared with Datasette"); Datasette 0.65's
own ``actor_auth_cookie`` checks its signature and its "e" expiry.

* evaluator, admin: the whole served database, SQL, free text, exports;
* management, coordinator: the aggregate pages and the vetted canned
  queries only (small cells suppressed) — never a table, view or ``?sql=``;
* anonymous: nothing but the sign-in page. In demo mode (loopback only)
  anonymous visitors get evaluator access and every page says so.

Our ``permission_allowed`` answers every action, and Datasette keeps the
last opinion given, so this module is the single place that decides.
"""

from __future__ import annotations

import sqlite3

from datasette_plugins import config
from datasette_plugins import file_state
from datasette_plugins import unreadable

FULL_ACCESS_ROLES = {"evaluator", "admin"}
AGGREGATE_ROLES = {"management", "coordinator"}
# Canned queries that apply small-cell suppression in SQL.
MANAGEMENT_QUERIES = {"responses_by_group", "core_items_by_group"}
HIDDEN_DATABASES = {"_internal", "_memory"}
# Accounts as last read, per contacts file: Datasette checks a permission for
# every table a page lists (a database page asked the file 40 times), and the
# answer can only change when the file does (file_state.py).
_accounts = file_state.FileCache()


def _account_row(actor: dict):
    """(is_active, role, session_stamp, department) from the contacts DB, read-only.

    None when the account does not exist; raises sqlite3.Error when the
    database cannot be read. Read again after any change to the file
    (a deactivation, a new session stamp, a role change), on the next check.
    """
    path, username = config.contacts_path(), str(actor["id"])
    return _accounts.get(path, username, lambda: _read_account_row(path, username))


def _read_account_row(path: str, username: str):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    try:
        return conn.execute(
            "select is_active, role, session_stamp, department from users where username = ?", [username]
        ).fetchone()
    finally:
        conn.close()


def account_allows(actor: dict) -> bool:
    """Re-check the account in the contacts DB (read-only) when configured.

    A signed cookie outlives what happened to the account otherwise: it must
    still be active, still have the cookie's role, and still carry the
    session stamp the cookie was issued with (rotated on sign-out, password
    or role change). Without a contacts path (tests, a separate host) the
    signed cookie's expiry is all we have.
    """
    if not config.contacts_path():
        return True
    try:
        row = _account_row(actor)
    except sqlite3.Error:
        return False
    if row is None:
        return False
    is_active, role, stamp, _department = row
    return bool(is_active) and role == actor.get("role") and (stamp or None) == (actor.get("stamp") or None)


def department_of(actor) -> str | None:
    """The signed-in account's department, as the contacts DB holds it now.

    The cookie does not carry it (the collector signs id, role and stamp
    only), so it is read where the collector reads it. Without a contacts
    database there is no department: a coordinator then sees no process,
    as the collector shows a coordinator without a department none.
    """
    if not isinstance(actor, dict) or not actor.get("id") or not config.contacts_path():
        return None
    try:
        row = _account_row(actor)
    except sqlite3.Error:
        return None
    return (row[3] or None) if row else None


def role_of(actor) -> str | None:
    """The effective role: None for anonymous, inactive or unknown actors."""
    if isinstance(actor, dict) and actor.get("id") and actor.get("role"):
        role = actor["role"]
        if role in FULL_ACCESS_ROLES | AGGREGATE_ROLES and account_allows(actor):
            return role
    if config.demo():
        return "evaluator"
    return None


def has_full_access(actor) -> bool:
    return role_of(actor) in FULL_ACCESS_ROLES


def may_see_aggregates(actor) -> bool:
    return role_of(actor) is not None


def suppress_small_cells(actor) -> bool:
    return not has_full_access(actor)


def decide(actor, action: str, resource) -> bool:
    role = role_of(actor)
    if role is None:
        return False
    full = role in FULL_ACCESS_ROLES
    if action == "view-instance":
        return True
    if action == "view-database":
        return full and resource not in HIDDEN_DATABASES
    if action in ("view-table", "execute-sql"):
        database = resource[0] if isinstance(resource, (tuple, list)) else resource
        if action == "view-table" and resource[1] in unreadable.UNREADABLE_TABLES:
            return False  # not listed either; SQL cannot read it (unreadable.py)
        return full and database not in HIDDEN_DATABASES
    if action == "view-query":
        database, name = resource
        if database in HIDDEN_DATABASES:
            return False
        return full or name in MANAGEMENT_QUERIES
    # Downloads of the whole file, debug pages, writes, tokens: nobody.
    return False
