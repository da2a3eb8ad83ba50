"""The pool's blueprint (``brukarbank.*`` under ``/coordinator/brukarbank``) and
what its pages share: the department gate for members and processes, the
served counts' refresh after every change, and the error-summary rows.

Pages live in ``member_pages`` and ``assignment_pages``; ``views`` gathers them.
"""

from __future__ import annotations

import datetime

from flask import Blueprint
from flask import current_app
from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound

from collector.brukarbank import assignments as assignment_store
from collector.brukarbank import members as member_store
from collector.brukarbank import profile
from collector.brukarbank.vocabulary import EXPERIENCE_AREAS
from collector.brukarbank.vocabulary import area_label
from collector.coordinator import processes as process_store
from collector.coordinator.auth import WORKSPACE_ROLES
from collector.coordinator.auth import roles_required
from collector.coordinator.labels import ACTION_LABELS
from collector.coordinator.labels import department_label
from collector.db import get_contacts_db
from collector.db import get_db
from collector.i18n import current_language

bp = Blueprint("brukarbank", __name__, url_prefix="/coordinator/brukarbank")
workspace = roles_required(*WORKSPACE_ROLES)

# The audit log page names actions through ACTION_LABELS; the pool's actions
# are added from here so the coordinator's labels module needs no edit.
ACTION_LABELS.update({
    "pool_register": _l("registered a pool representative"),
    "pool_edit": _l("changed a pool representative"),
    "pool_training": _l("recorded a representative's preparation"),
    "pool_remove": _l("removed a representative from the pool"),
    "pool_pick": _l("picked representatives from the pool"),
    "pool_compensation": _l("recorded an assignment's compensation"),
    "pool_unassign": _l("took a pool representative off the process"),
})


@bp.app_context_processor
def _pool_helpers():
    """``pool_for_process`` lets the coordinator's process page show who came from the pool."""
    return {"pool_for_process": pool_for_process}


@bp.context_processor
def _labels():
    return {"area_label": lambda key: area_label(key, current_language())}


def pool_for_process(process_id: int) -> list[dict]:
    user = g.get("user")
    if not user or user["role"] not in WORKSPACE_ROLES:
        return []
    return assignment_store.for_process(get_contacts_db(), process_id)


def today() -> datetime.date:
    return datetime.date.today()


def actor() -> str:
    return g.user["username"]


def load_member(member_id: int) -> dict:
    return member_store.member_for_user(get_contacts_db(), g.user, member_id)


def load_process(process_id: int) -> dict:
    if not 0 < process_id <= member_store.MAX_ID:
        raise NotFound()
    return process_store.process_for_user(get_db(), g.user, process_id)


def load_assignment(assignment_id: int) -> tuple[dict, dict, dict]:
    """The assignment, its member and its process, each through its department gate."""
    assignment = assignment_store.get_assignment(get_contacts_db(), assignment_id)
    if assignment is None:
        raise NotFound()
    member = load_member(assignment["member_id"])
    process = load_process(assignment["process_id"])
    return assignment, member, process


def refresh_profile() -> None:
    """Rebuild the served counts after any change that could move them."""
    profile.refresh(get_db(), get_contacts_db(), current_app.config.get("SMALL_CELL_K", profile.DEFAULT_K))


def area_choices() -> list[tuple[str, str]]:
    language = current_language()
    return [(key, en if language == "en" else sv) for key, sv, en in EXPERIENCE_AREAS]


def department_choices_all() -> list[tuple[str, str]]:
    return [(d["key"], department_label(d)) for d in process_store.departments(get_db())]


def department_choices() -> list[tuple[str, str]]:
    """The departments a new member may be registered in: the coordinator's own; any for an admin."""
    choices = department_choices_all()
    if g.user["role"] != "admin":
        choices = [(key, label) for key, label in choices if key == g.user["department"]]
    return choices


def summary_rows(*forms) -> list[tuple[str, str]]:
    """(anchor, message) for ``macros/fields.html``'s ``error_summary``: each message names its field."""
    rows = []
    for form in forms:
        for field in form:
            for error in field.errors:
                anchor = f"{field.id}-0" if field.type == "MultiCheckboxField" else field.id
                rows.append((anchor, _("%(field)s: %(message)s", field=field.label.text, message=error)))
    return rows
