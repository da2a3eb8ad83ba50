"""The coordinator workspace's blueprint and what all its pages share: the
signed-in actor, today's date, the process a page is about (department
scoping: 404 for other departments) and the choices forms offer.

The pages themselves live in ``process_pages``, ``participant_pages`` and
``closing_pages``; ``collector.coordinator.views`` gathers them.
"""

from __future__ import annotations

import datetime

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import g
from flask import render_template
from flask import request
from flask_babel import gettext as _

from collector import clock
from collector.coordinator import outreach
from collector.coordinator import overview as overview_store
from collector.coordinator import processes as process_store
from collector.coordinator.auth import WORKSPACE_ROLES
from collector.coordinator.auth import login_required
from collector.coordinator.auth import roles_required
from collector.coordinator.labels import department_label
from collector.coordinator.labels import template_globals
from collector.db import get_contacts_db
from collector.db import get_db

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")

PREVIEW_ROWS = 50
BLANK_ROWS = 3
workspace = roles_required(*WORKSPACE_ROLES)


@bp.context_processor
def _labels():
    return template_globals()


def today() -> datetime.date:
    return clock.today()


def actor() -> str:
    return g.user["username"]


def load_process(process_id: int) -> dict:
    return process_store.process_for_user(get_db(), g.user, process_id)


def department_choices(user: dict) -> list[tuple[str, str]]:
    departments = process_store.departments(get_db())
    if user["role"] != "admin":
        departments = [d for d in departments if d["key"] == user["department"]]
    return [(d["key"], department_label(d)) for d in departments]


def instrument_set_choices() -> list[tuple[str, str]]:
    labels = {d["key"]: department_label(d) for d in process_store.departments(get_db())}
    return [
        (key, _("Default questionnaires") if key == "default" else _("Variant: %(name)s", name=labels.get(key, key)))
        for key in process_store.instrument_sets(get_db())
    ]


def iso_or_none(value):
    return value.isoformat() if value else None


def parse_iso_date(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def flash_outcome(outcome: outreach.Outcome, sent_message: str) -> None:
    flash(sent_message, "success" if outcome.sent or not outcome.failed else "error")
    if outcome.failed:
        # Flashes live in the session cookie: name a few addresses, not thousands.
        shown = ", ".join(outcome.failed[:5]) + (" …" if len(outcome.failed) > 5 else "")
        flash(
            _("Could not send to %(count)s addresses: %(addresses)s. Check the address or the mail server and try again.",
              count=len(outcome.failed), addresses=shown),
            "error",
        )


# --- start pages -----------------------------------------------------------------


@bp.route("/")
@workspace
def index():
    """The overview: every process the account may see, what each needs next; search and filters (GET)."""
    filters = overview_store.Filters.from_args(request.args)
    rows, years = overview_store.overview(
        get_db(), get_contacts_db(), g.user, current_app.config, today(), filters
    )
    departments = {d["key"]: department_label(d) for d in process_store.departments(get_db())}
    return render_template(
        "coordinator/index.html", rows=rows, filters=filters, years=years, departments=departments,
        department_options=department_choices(g.user), statuses=process_store.STATUSES, today=today().isoformat(),
    )


@bp.route("/staff")
@login_required
def staff_home():
    """Evaluators and management work in Datasette; this page points there."""
    return render_template("coordinator/staff_home.html", datasette_url=current_app.config.get("DATASETTE_URL"))
