"""Pages that tie the pool to a process: pick representatives, record the
assignment and its compensation, undo a pick."""

from __future__ import annotations

import datetime

from flask import abort
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from collector.brukarbank import assignments as assignment_store
from collector.brukarbank import members as member_store
from collector.brukarbank.blueprint import actor
from collector.brukarbank.blueprint import bp
from collector.brukarbank.blueprint import load_assignment
from collector.brukarbank.blueprint import load_process
from collector.brukarbank.blueprint import refresh_profile
from collector.brukarbank.blueprint import summary_rows
from collector.brukarbank.blueprint import today
from collector.brukarbank.blueprint import workspace
from collector.brukarbank.forms import CompensationForm
from collector.brukarbank.forms import ConfirmForm
from collector.brukarbank.forms import PickForm
from collector.coordinator import audit
from collector.db import get_contacts_db

MAX_QUERY = 200


def _process_url(process_id: int) -> str:
    return url_for("coordinator.process_view", process_id=process_id) + "#pool"


@bp.route("/processes/<int:process_id>/pick", methods=["GET", "POST"])
@workspace
def pick(process_id):
    """The process's department's members, searchable; the chosen become participants."""
    process = load_process(process_id)
    contacts = get_contacts_db()
    query = (request.values.get("q") or "")[:MAX_QUERY].replace("\x00", "")
    # A process is matched with its own department's pool, also for an admin.
    user = {**g.user, "role": "coordinator", "department": process["department"]}
    candidates = member_store.search_members(contacts, user, query)
    already = assignment_store.assigned_member_ids(contacts, process_id)
    form = PickForm()
    form.members.choices = [(m["id"], m["name"]) for m in candidates if m["id"] not in already]
    status = 200
    if request.method == "POST" and process["status"] == "closed":
        flash(_("The process is closed: representatives can no longer be added."), "error")
        return redirect(_process_url(process_id))
    if request.method == "POST" and "pick" in request.form:
        if form.validate_on_submit():
            chosen = [m for m in candidates if m["id"] in set(form.members.data)]
            added = assignment_store.pick(contacts, process_id, chosen, today())
            audit.record(contacts, actor(), "pool_pick", process_id, f"{added} representatives")
            refresh_profile()
            flash(ngettext("%(num)s representative from the pool is now a participant.",
                           "%(num)s representatives from the pool are now participants.", added), "success")
            return redirect(_process_url(process_id))
        status = 400
    return render_template(
        "brukarbank/pick.html", process=process, form=form, candidates=candidates, already=already,
        query=query, errors=summary_rows(form),
    ), status


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@workspace
def assignment(assignment_id):
    current, member, process = load_assignment(assignment_id)
    form = CompensationForm(data=None if request.method == "POST" else {
        "assignment": current["assignment"], "hours": current["hours"], "amount_sek": current["amount_sek"],
        "paid_on": _date(current["paid_on"]),
    })
    if form.validate_on_submit():
        assignment_store.update_compensation(get_contacts_db(), assignment_id, {
            "assignment": " ".join((form.assignment.data or "").split()),
            "hours": float(form.hours.data) if form.hours.data is not None else None,
            "amount_sek": round(float(form.amount_sek.data), 2) if form.amount_sek.data is not None else None,
            "paid_on": form.paid_on.data.isoformat() if form.paid_on.data else None,
        })
        audit.record(get_contacts_db(), actor(), "pool_compensation", process["id"], f"assignment {assignment_id}")
        flash(_("The assignment was saved."), "success")
        return redirect(url_for(".member", member_id=member["id"]) + "#assignments")
    return render_template(
        "brukarbank/assignment.html", form=form, errors=summary_rows(form), assignment=current, member=member,
        process=process, confirm=ConfirmForm(),
    ), 400 if form.errors else 200


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@workspace
def assignment_delete(assignment_id):
    current, member, process = load_assignment(assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if process["status"] == "closed":
        flash(_("The process is closed: its representatives are kept as they were."), "error")
        return redirect(url_for(".assignment", assignment_id=assignment_id))
    assignment_store.unassign(get_contacts_db(), current)
    audit.record(get_contacts_db(), actor(), "pool_unassign", process["id"], f"member {member['id']}")
    refresh_profile()
    flash(_("The representative was taken off the process."), "success")
    return redirect(_process_url(process["id"]))


def _date(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None
