"""Closing a recruitment: the decision, feedback to the representatives and
closing (links stop working, the hired person's follow-up is scheduled).
"""

from __future__ import annotations

import datetime

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from collector.coordinator import audit
from collector.coordinator import followups
from collector.coordinator import outreach
from collector.coordinator import retention
from collector.coordinator import processes as process_store
from collector.coordinator.forms import ConfirmForm
from collector.coordinator.forms import DecisionForm
from collector.coordinator.forms import FeedbackForm
from collector.coordinator.workspace import actor
from collector.coordinator.workspace import bp
from collector.coordinator.workspace import flash_outcome
from collector.coordinator.workspace import load_process
from collector.coordinator.workspace import today
from collector.coordinator.workspace import workspace
from collector.db import get_contacts_db
from collector.db import immediate_transaction
from collector.db import get_db


# --- decision, feedback, closing ---------------------------------------------------------------


@bp.route("/processes/<int:process_id>/decision", methods=["GET", "POST"])
@workspace
def decision(process_id):
    process = load_process(process_id)
    pseudonyms = [row["pseudonym"] for row in process_store.applicants(get_db(), process_id)]
    contacts = get_contacts_db()
    if request.method == "GET":
        start = followups.start_date(contacts, process_id)
        form = DecisionForm(data={**process, "hire_starts_on": datetime.date.fromisoformat(start) if start else None})
    else:
        form = DecisionForm()
    form.appointed_applicant.choices = [("", _("Choose an applicant"))] + [(p, p) for p in pseudonyms]
    form.hire_starts_on.description = _(
        "The follow-up questionnaire is sent to the hired person %(days)s days after their start date. "
        "Without a start date it is timed from closing the process.",
        days=current_app.config["FOLLOWUP_DAYS"],
    )
    if form.validate_on_submit():
        process_store.record_decision(
            get_db(), process_id, form.appointed_applicant.data, form.decision_rationale.data.strip(), today()
        )
        with immediate_transaction(contacts):
            followups.record_start(
                contacts, process_id, form.hire_starts_on.data, current_app.config, today(), process["closed_on"]
            )
        audit.record(get_contacts_db(), actor(), "decision", process_id, form.appointed_applicant.data)
        flash(_("The decision was saved. Send the feedback to the participants next."), "success")
        return redirect(url_for(".process_view", process_id=process_id))
    return render_template(
        "coordinator/decision.html", form=form, process=process, pseudonyms=pseudonyms
    ), 400 if form.errors else 200


@bp.route("/processes/<int:process_id>/feedback", methods=["GET", "POST"])
@workspace
def feedback(process_id):
    process = load_process(process_id)
    form = FeedbackForm()
    if request.method == "GET" and process["appointed_applicant"]:
        form.message_sv.data = (
            f"{process['appointed_applicant']} fick tjänsten.\n\n{process['decision_rationale'] or ''}".strip()
        )
    if form.validate_on_submit():
        outcome = outreach.send_feedback(
            get_db(), get_contacts_db(), current_app.config, process,
            form.message_sv.data.strip(), (form.message_en.data or "").strip(), actor(), today(),
        )
        flash_outcome(outcome, _("Feedback messages sent: %(num)s.", num=outcome.sent))
        if outcome.sent or not outcome.failed:
            return redirect(url_for(".process_view", process_id=process_id))
    recipients = get_contacts_db().execute(
        "select count(*) from participants where process_id = ? and email is not null", [process_id]
    ).fetchone()[0]
    return render_template(
        "coordinator/feedback.html", form=form, process=process, recipients=recipients
    ), 400 if form.errors else 200


@bp.route("/processes/<int:process_id>/close", methods=["GET", "POST"])
@workspace
def close(process_id):
    process = load_process(process_id)
    form = ConfirmForm()
    if process["status"] == "closed":
        flash(_("The process is already closed."), "error")
        return redirect(url_for(".process_view", process_id=process_id))
    if form.validate_on_submit():
        scheduled = outreach.close_process(get_db(), get_contacts_db(), current_app.config, process, actor(), today())
        flash(_("The process is closed. Its links no longer work."), "success")
        if scheduled:
            flash(ngettext("%(num)s follow-up invitation is scheduled.", "%(num)s follow-up invitations are scheduled.", scheduled), "success")
        return redirect(url_for(".process_view", process_id=process_id))
    hired = get_contacts_db().execute(
        "select count(*) from participants where process_id = ? and group_key = ?", [process_id, outreach.FOLLOWUP_GROUP]
    ).fetchone()[0]
    return render_template(
        "coordinator/close.html", form=form, process=process, hired=hired,
        purge_on=retention.purge_due_on(today().isoformat(), current_app.config),
        followup_on=followups.due_on(get_contacts_db(), process_id, current_app.config, today()),
    )
