"""Closing a recruitment: the decision, feedback to the participants (written
per group, then confirmed like every send: see ``sending_pages``) and
closing (links stop working, the hired person's follow-up is scheduled).
"""

from __future__ import annotations

import datetime

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from collector.coordinator import audit
from collector.coordinator import feedback as feedback_store
from collector.coordinator import followups
from collector.coordinator import outreach
from collector.coordinator import processes as process_store
from collector.coordinator import retention
from collector.coordinator import sending
from collector.coordinator.forms import ConfirmForm
from collector.coordinator.forms import DecisionForm
from collector.coordinator.forms import feedback_form
from collector.coordinator.labels import group_label
from collector.coordinator.sending_pages import confirm_page
from collector.coordinator.sending_pages import send_test_to_myself
from collector.coordinator.workspace import actor
from collector.coordinator.workspace import bp
from collector.coordinator.workspace import flash_outcome
from collector.coordinator.workspace import load_process
from collector.coordinator.workspace import today
from collector.coordinator.workspace import workspace
from collector.db import get_contacts_db
from collector.db import get_db
from collector.db import immediate_transaction
from forms.vocabulary import LANGUAGES

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
    """Write the feedback per group (prefilled with plain default words); saving leads to the confirmation."""
    process = load_process(process_id)
    contacts = get_contacts_db()
    refused = feedback_store.refusal(process)
    if refused and request.method == "POST":
        flash(refused, "error")
        return redirect(url_for(".process_view", process_id=process_id))
    people = feedback_store.recipients(contacts, process_id)
    groups = feedback_store.groups_present(people)
    form = feedback_form(groups, feedback_store.field_name, group_label)
    if request.method == "GET":
        draft = feedback_store.load_draft(contacts, process_id)
        for group in groups:
            for language in LANGUAGES:
                text = draft.get((group, language))
                if text is None:
                    text = feedback_store.default_message(group, language, process)
                form[feedback_store.field_name(group, language)].data = text
    if not refused and groups and form.validate_on_submit():
        messages = {
            (group, language): (form[feedback_store.field_name(group, language)].data or "").strip()
            for group in groups for language in LANGUAGES
        }
        feedback_store.save_draft(contacts, process_id, messages, actor(), today())
        return redirect(url_for(".feedback_confirm", process_id=process_id))
    counts = {group: sum(1 for p in people if p["group_key"] == group) for group in groups}
    return render_template(
        "coordinator/feedback.html", form=form, process=process, groups=groups, counts=counts,
        recipients=len(people), refused=refused, field_name=feedback_store.field_name,
    ), 400 if form.errors else 200


@bp.route("/processes/<int:process_id>/feedback/confirm", methods=["GET", "POST"])
@workspace
def feedback_confirm(process_id):
    """Show the feedback exactly as each group gets it; POST sends a test to myself or sends it."""
    process = load_process(process_id)
    contacts = get_contacts_db()
    refused = feedback_store.refusal(process)
    if refused:
        flash(refused, "error")
        return redirect(url_for(".process_view", process_id=process_id))
    draft = feedback_store.load_draft(contacts, process_id)
    if not draft:
        return redirect(url_for(".feedback", process_id=process_id))
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if request.form.get("action") == "test":
            send_test_to_myself(sending.feedback_samples(contacts, process, draft))
            return redirect(url_for(".feedback_confirm", process_id=process_id))
        outcome = feedback_store.send_feedback(get_db(), contacts, current_app.config, process, draft, actor(), today())
        flash_outcome(outcome, _("Feedback messages sent: %(num)s.", num=outcome.sent))
        return redirect(url_for(".process_view", process_id=process_id))
    return confirm_page(process, "feedback", sending.feedback_samples(contacts, process, draft))


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
            flash(
                ngettext("%(num)s follow-up invitation is scheduled.", "%(num)s follow-up invitations are scheduled.", scheduled),
                "success",
            )
        return redirect(url_for(".process_view", process_id=process_id))
    hired = get_contacts_db().execute(
        "select count(*) from participants where process_id = ? and group_key = ?", [process_id, outreach.FOLLOWUP_GROUP]
    ).fetchone()[0]
    return render_template(
        "coordinator/close.html", form=form, process=process, hired=hired,
        purge_on=retention.purge_due_on(today().isoformat(), current_app.config),
        followup_on=followups.due_on(get_contacts_db(), process_id, current_app.config, today()),
    )
