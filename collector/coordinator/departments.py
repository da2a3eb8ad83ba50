"""The municipality's name and its departments (förvaltningar).

A fresh install has none, and a process must belong to a department, so
the admin pages (``collector.coordinator.admin``) and the CLI
(``medverkan municipality``/``department``) both call these functions.
Departments and the municipality's name are public organisation data and
live in the served database; a department's coordinators are counted from
the contacts database's ``users`` table, which is never served.

The key is what processes, accounts and instrument variants refer to, so
it never changes: renaming changes the Swedish and English names only, and
a department that processes, coordinators or questionnaire variants still
refer to cannot be removed.
"""

from __future__ import annotations

import re

from collector.db import immediate_transaction
from collector.instruments.registry import instrument_for_variant
from forms.vocabulary import GROUP_KEYS

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")


class DepartmentError(ValueError):
    """A refused change; the message is an English msgid, translated by the pages."""


def municipality_name(served_db) -> str | None:
    row = served_db.execute("select municipality_name from municipality where id = 1").fetchone()
    return row[0] if row else None


def set_municipality_name(served_db, name: str) -> None:
    name = (name or "").strip()
    if not name:
        raise DepartmentError("Enter the municipality's name.")
    with immediate_transaction(served_db):
        served_db.execute(
            "insert into municipality (id, municipality_name) values (1, ?) "
            "on conflict (id) do update set municipality_name = excluded.municipality_name",
            [name],
        )


def list_departments(served_db, contacts_db) -> list[dict]:
    """Every department with how many processes, coordinators and own questionnaires refer to it."""
    coordinators = dict(
        contacts_db.execute("select department, count(*) from users where department is not null group by department").fetchall()
    )
    rows = served_db.query(
        "select d.key, d.name_sv, d.name_en, "
        "(select count(*) from processes p where p.department = d.key) as processes, "
        "(select count(*) from instruments i where i.department = d.key) as variants "
        "from departments d order by d.name_sv"
    )
    return [{**row, "coordinators": coordinators.get(row["key"], 0)} for row in rows]


def get_department(served_db, key: str) -> dict | None:
    rows = list(served_db.query("select key, name_sv, name_en from departments where key = ?", [key]))
    return rows[0] if rows else None


def _names(name_sv: str, name_en: str | None) -> tuple[str, str]:
    name_sv = (name_sv or "").strip()
    if not name_sv:
        raise DepartmentError("Enter the department's Swedish name.")
    # The English name defaults to the Swedish one: a department is still usable without a translation.
    return name_sv, (name_en or "").strip() or name_sv


def add_department(served_db, key: str, name_sv: str, name_en: str | None) -> str:
    key = (key or "").strip().lower()
    if not KEY_PATTERN.match(key):
        raise DepartmentError(
            "Use 2 to 40 lower-case letters a-z, digits, dashes or underscores, starting with a letter or digit."
        )
    name_sv, name_en = _names(name_sv, name_en)
    with immediate_transaction(served_db):
        if served_db.execute("select 1 from departments where key = ?", [key]).fetchone():
            raise DepartmentError("A department with this key already exists.")
        served_db["departments"].insert({"key": key, "name_sv": name_sv, "name_en": name_en})
    return key


def rename_department(served_db, key: str, name_sv: str, name_en: str | None) -> None:
    name_sv, name_en = _names(name_sv, name_en)
    with immediate_transaction(served_db):
        changed = served_db.execute(
            "update departments set name_sv = ?, name_en = ? where key = ?", [name_sv, name_en, key]
        ).rowcount
    if not changed:
        raise DepartmentError("There is no department with this key.")


def remove_department(served_db, contacts_db, key: str) -> None:
    """Remove a department nothing refers to; otherwise say what still does."""
    found = [d for d in list_departments(served_db, contacts_db) if d["key"] == key]
    if not found:
        raise DepartmentError("There is no department with this key.")
    department = found[0]
    if department["processes"]:
        raise DepartmentError("The department has processes: it cannot be removed.")
    if department["coordinators"]:
        raise DepartmentError("Staff accounts belong to the department: move them to another department first.")
    if department["variants"]:
        raise DepartmentError("The department has its own questionnaires: it cannot be removed.")
    with immediate_transaction(served_db):
        served_db.execute("delete from departments where key = ?", [key])


def questionnaires_by_department(served_db, departments: list[dict]) -> list[dict]:
    """Which questionnaire (title, version, own variant or default) each group answers in each department.

    Resolved by ``instrument_for_variant``, the same rule the respondent
    pages use when a process uses its department's questionnaires.
    """
    instruments = {
        row["id"]: row
        for row in served_db.query("select id, key, version, department, title_sv, title_en from instruments")
    }
    overview = []
    for department in departments:
        groups = {}
        for group_key in GROUP_KEYS:
            try:
                instrument = instruments[instrument_for_variant(served_db, department["key"], group_key)]
            except LookupError:
                groups[group_key] = None
                continue
            groups[group_key] = {**instrument, "own": instrument["department"] == department["key"]}
        overview.append({"department": department, "groups": groups})
    return overview
