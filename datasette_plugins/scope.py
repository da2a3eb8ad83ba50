"""Department scope in Datasette: the collector's rule, applied to every per-process figure.

In the collector a coordinator reaches only the processes of their own
department (``collector/coordinator/processes.py::may_access``); an id of
another department's process gives 404 exactly as a missing one. Datasette
must not be the side door: a coordinator's attitudes page lists, shows and
totals only their department's processes, and the vetted canned queries
answer only for those processes. Evaluators, admins and management work
across departments (that is their job) and are not scoped.

:func:`may_access` restates the collector's rule as a pure function (this
package must not import ``collector``); tests/test_datasette_scope.py
checks the two agree on every combination.
"""

from __future__ import annotations

from datasette_plugins import access

SCOPED_ROLES = {"coordinator"}


def may_access(role: str, user_department: str | None, process_department: str | None) -> bool:
    """The collector's rule: admin sees all; a coordinator only a process of their own, non-empty department."""
    if role == "admin":
        return True
    return role == "coordinator" and bool(user_department) and process_department == user_department


def department_scope(actor) -> str | None:
    """None: every process. Otherwise the department whose processes this actor may see ("" = none)."""
    if access.role_of(actor) not in SCOPED_ROLES:
        return None
    return access.department_of(actor) or ""


def visible(processes: list[dict], scope: str | None) -> list[dict]:
    """The processes (dicts with ``department``) an actor with ``scope`` may see."""
    if scope is None:
        return list(processes)
    return [p for p in processes if may_access("coordinator", scope, p.get("department"))]


def _sql_literal(text: str | None) -> str:
    return "NULL" if not text else "'" + text.replace("'", "''") + "'"


def scoped_sql(sql: str, department: str | None) -> str:
    """``sql`` (a query with ``:process_id``) answering only for a process of ``department``.

    The department is a value an admin typed, so it goes in as an escaped
    SQL literal; an empty department compares with NULL and matches nothing.
    """
    return (
        f"select * from (\n{sql}\n)\nwhere exists (select 1 from processes "
        f"where id = :process_id and department = {_sql_literal(department)})"
    )
