"""Confirmation steps before anything reaches participants or is deleted:
invitations, reminders (feedback: ``closing_pages``) and deleting a process.

GET shows what would happen (how many people get what, the real messages
per group and language); POST confirms, then redirects (PRG), so a reload
never sends twice. A confirmation page's POST either sends "a test to
myself" (to the signed-in coordinator's account email) or sends for real.
"""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from collector.coordinator import audit
from collector.coordinator import outreach
from collector.coordinator import processes as process_store
from collector.coordinator import sending
from collector.coordinator.forms import ConfirmForm
from collector.coordinator.forms import DeleteProcessForm
from collector.coordinator.workspace import actor
from collector.coordinator.workspace import bp
from collector.coordinator.workspace import flash_outcome
from collector.coordinator.workspace import load_process
from collector.coordinator.workspace import today
from collector.coordinator.workspace import workspace
from collector.db import get_contacts_db
from collector.db import get_db


def require_collecting(process: dict) -> None:
    if process["status"] == "closed":
        flash(_("The process is closed: its links no longer work."), "error")
        abort(redirect(url_for(".process_view", process_id=process["id"])))
    if process["status"] != "collecting":
        flash(_("Start collecting answers before sending links."), "error")
        abort(redirect(url_for(".process_view", process_id=process["id"])))


def send_test_to_myself(samples: list[sending.Sample]) -> None:
    """Flash the result of sending ``samples`` to the signed-in user's own address."""
    address = g.user.get("email")
    if not address:
        flash(
            _("Your account has no email address, so no test can be sent. "
              "Add yours on your account page (an administrator can add it too)."),
            "error",
        )
    elif not samples:
        flash(_("There is nothing to send, so there is nothing to test."), "error")
    else:
        outcome = sending.send_test(current_app.config, address, samples)
        if outcome.sent:
            flash(
                _("A test was sent to %(address)s: %(num)s messages, one per group and language.", address=address, num=outcome.sent),
                "success",
            )
        else:
            flash(_("The test could not be sent to %(address)s. Check the mail server settings.", address=address), "error")


def confirm_page(process, kind: str, samples, **extra):
    heading = {
        "invitation": _("Check the invitations before sending"),
        "reminder": _("Check the reminders before sending"),
        "feedback": _("Check the feedback before sending"),
    }[kind]
    return render_template(
        "coordinator/confirm_send.html", process=process, kind=kind, samples=samples, heading=heading,
        total=sum(sample.count for sample in samples), form=ConfirmForm(),
        my_email=g.user.get("email"), **extra,
    )


@bp.route("/processes/<int:process_id>/invite", methods=["GET", "POST"])
@workspace
def invite(process_id):
    process = load_process(process_id)
    require_collecting(process)
    served, contacts, config = get_db(), get_contacts_db(), current_app.config
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if request.form.get("action") == "test":
            send_test_to_myself(sending.invitation_samples(served, contacts, config, process, today()))
            return redirect(url_for(".invite", process_id=process_id))
        outcome = outreach.send_invitations(served, contacts, config, process, actor(), today())
        flash_outcome(outcome, _("Invitations sent: %(num)s.", num=outcome.sent))
        return redirect(url_for(".process_view", process_id=process_id))
    samples = sending.invitation_samples(served, contacts, config, process, today())
    return confirm_page(process, "invitation", samples)


@bp.route("/processes/<int:process_id>/remind", methods=["GET", "POST"])
@workspace
def remind(process_id):
    process = load_process(process_id)
    if process["status"] != "collecting":
        flash(_("Reminders can be sent only while the process is collecting answers."), "error")
        return redirect(url_for(".process_view", process_id=process_id))
    served, contacts, config = get_db(), get_contacts_db(), current_app.config
    min_days = int(config["REMINDER_MIN_DAYS"])
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if request.form.get("action") == "test":
            send_test_to_myself(sending.reminder_samples(served, contacts, config, process, today()))
            return redirect(url_for(".remind", process_id=process_id))
        outcome = outreach.send_reminders(served, contacts, config, process, actor(), today())
        if outcome.sent or outcome.failed:
            flash_outcome(outcome, _("Reminders sent: %(num)s.", num=outcome.sent))
        else:
            flash(_("No reminder was sent: no one can be reminded yet."), "error")
        return redirect(url_for(".process_view", process_id=process_id))
    samples = sending.reminder_samples(served, contacts, config, process, today())
    return confirm_page(
        process, "reminder", samples, min_days=min_days,
        next_reminder_on=sending.next_reminder_on(contacts, process_id, min_days, today()),
    )


@bp.route("/processes/<int:process_id>/delete", methods=["GET", "POST"])
@workspace
def process_delete(process_id):
    """Deleting asks for the process's code, typed: a second click on the wrong process does nothing."""
    process = load_process(process_id)
    if process["status"] != "planning" or not process_store.deletable(get_db(), get_contacts_db(), process_id):
        flash(_("Only a process that is still being planned and has sent no links can be deleted."), "error")
        return redirect(url_for(".process_view", process_id=process_id))
    form = DeleteProcessForm()
    if form.validate_on_submit():
        if form.code.data.strip().casefold() == process["code"].casefold():
            process_store.delete_process(get_db(), get_contacts_db(), process_id)
            audit.record(get_contacts_db(), actor(), "process_delete", process_id, process["code"])
            flash(_("The process was deleted."), "success")
            return redirect(url_for(".index"))
        form.code.errors.append(_("That is not this process's code. Type %(code)s to delete it.", code=process["code"]))
    participants = get_contacts_db().execute(
        "select count(*) from participants where process_id = ?", [process_id]
    ).fetchone()[0]
    return render_template(
        "coordinator/delete.html", form=form, process=process, participants=participants
    ), 400 if form.errors else 200
