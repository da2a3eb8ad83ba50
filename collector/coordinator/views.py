"""Coordinator workspace pages: processes, stages, applicants, participants,
invitations, reminders, response rates, decision, feedback and closing.

Every process page loads its process through
``processes.process_for_user`` (department scoping; 404 for other
departments). Every change is a POST with a CSRF token and is written to
the audit log. Pages work without JavaScript.
"""

from __future__ import annotations

import datetime

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from collector.coordinator import audit
from collector.coordinator import outreach
from collector.coordinator import participants as participant_store
from collector.coordinator import processes as process_store
from collector.coordinator.auth import WORKSPACE_ROLES
from collector.coordinator.auth import login_required
from collector.coordinator.auth import roles_required
from collector.coordinator.forms import ApplicantsForm
from collector.coordinator.forms import ConfirmForm
from collector.coordinator.forms import DecisionForm
from collector.coordinator.forms import FeedbackForm
from collector.coordinator.forms import ImportForm
from collector.coordinator.forms import ParticipantForm
from collector.coordinator.forms import PrintForm
from collector.coordinator.forms import ProcessForm
from collector.coordinator.forms import StagesForm
from collector.coordinator.labels import STAGE_LABELS
from collector.coordinator.labels import department_label
from collector.coordinator.labels import group_choices
from collector.coordinator.labels import template_globals
from collector.coordinator.participants import decode_upload
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
    return datetime.date.today()


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


def _date(value):
    return value.isoformat() if value else None


def _isodate(text):
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
    processes = process_store.visible_processes(get_db(), g.user)
    departments = {d["key"]: department_label(d) for d in process_store.departments(get_db())}
    return render_template("coordinator/index.html", processes=processes, departments=departments)


@bp.route("/staff")
@login_required
def staff_home():
    """Evaluators and management work in Datasette; this page points there."""
    return render_template("coordinator/staff_home.html", datasette_url=current_app.config.get("DATASETTE_URL"))


# --- process ---------------------------------------------------------------------


def _process_form(process: dict | None = None) -> ProcessForm:
    form = ProcessForm(data=_form_data(process) if process and request.method == "GET" else None)
    form.department.choices = department_choices(g.user)
    form.instrument_set.choices = instrument_set_choices()
    return form


def _form_data(process: dict) -> dict:
    data = dict(process)
    for key in ("opened_on", "application_deadline", "decided_on"):
        data[key] = _isodate(process[key])
    return data


def _form_values(form: ProcessForm) -> dict:
    values = {key: getattr(form, key).data for key in process_store.PROCESS_FIELDS}
    for key in ("opened_on", "application_deadline", "decided_on"):
        values[key] = _date(values[key])
    values["code"] = values["code"].strip()
    values["post_title"] = values["post_title"].strip()
    return values


@bp.route("/processes/new", methods=["GET", "POST"])
@workspace
def process_new():
    form = _process_form()
    if form.validate_on_submit():
        if process_store.code_taken(get_db(), form.code.data.strip()):
            form.code.errors.append(_("Another process already uses this code."))
        else:
            process_id = process_store.create_process(get_db(), _form_values(form))
            audit.record(get_contacts_db(), actor(), "process_create", process_id, form.code.data.strip())
            flash(_("The process was created. Add its stages next."), "success")
            return redirect(url_for(".process_view", process_id=process_id))
    return render_template("coordinator/process_form.html", form=form, process=None), 400 if form.errors else 200


@bp.route("/processes/<int:process_id>/edit", methods=["GET", "POST"])
@workspace
def process_edit(process_id):
    process = load_process(process_id)
    form = _process_form(process)
    if form.validate_on_submit():
        if process_store.code_taken(get_db(), form.code.data.strip(), except_id=process_id):
            form.code.errors.append(_("Another process already uses this code."))
        else:
            process_store.update_process(get_db(), process_id, _form_values(form))
            audit.record(get_contacts_db(), actor(), "process_update", process_id)
            flash(_("The changes were saved."), "success")
            return redirect(url_for(".process_view", process_id=process_id))
    return render_template("coordinator/process_form.html", form=form, process=process), 400 if form.errors else 200


@bp.route("/processes/<int:process_id>")
@workspace
def process_view(process_id):
    process = load_process(process_id)
    served, contacts = get_db(), get_contacts_db()
    applicant_rows = process_store.applicants(served, process_id)
    department = next((d for d in process_store.departments(served) if d["key"] == process["department"]), None)
    people = participant_store.participants_with_status(contacts, process_id)
    feedback_entry = next(
        (e for e in audit.entries(contacts, process_id=process_id) if e["action"] == "feedback"), None
    )
    purged = contacts.execute("select purged_on from purged_processes where process_id = ?", [process_id]).fetchone()
    return render_template(
        "coordinator/process.html",
        process=process,
        department=department_label(department),
        stages=process_store.stages(served, process_id),
        applicants=applicant_rows,
        funnel=process_store.funnel(process, applicant_rows),
        rates=outreach.response_rates(contacts, process_id),
        participant_count=len(people),
        uninvited=len(outreach.uninvited_participants(contacts, process_id)),
        reminder_count=len(outreach.reminder_candidates(contacts, process_id, int(current_app.config["REMINDER_MIN_DAYS"]), today())),
        followups=[p for p in people if p["followup_due_on"]],
        feedback_entry=feedback_entry,
        purge_on=outreach.purge_due_on(process["closed_on"], current_app.config),
        purged_on=purged[0] if purged else None,
        log=audit.entries(contacts, process_id=process_id, limit=20),
        confirm=ConfirmForm(),
    )


@bp.route("/processes/<int:process_id>/start", methods=["POST"])
@workspace
def process_start(process_id):
    process = load_process(process_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if process["status"] != "planning":
        flash(_("The process is already collecting answers or closed."), "error")
    else:
        process_store.advance_status(get_db(), process, today())
        audit.record(get_contacts_db(), actor(), "process_update", process_id, "status collecting")
        flash(_("The process is now collecting answers. Send the invitations."), "success")
    return redirect(url_for(".process_view", process_id=process_id))


@bp.route("/processes/<int:process_id>/delete", methods=["POST"])
@workspace
def process_delete(process_id):
    process = load_process(process_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if process["status"] != "planning" or not process_store.deletable(get_db(), get_contacts_db(), process_id):
        flash(_("Only a process that is still being planned and has sent no links can be deleted."), "error")
        return redirect(url_for(".process_view", process_id=process_id))
    process_store.delete_process(get_db(), get_contacts_db(), process_id)
    audit.record(get_contacts_db(), actor(), "process_delete", process_id, process["code"])
    flash(_("The process was deleted."), "success")
    return redirect(url_for(".index"))


# --- stages and applicants --------------------------------------------------------------


@bp.route("/processes/<int:process_id>/stages", methods=["GET", "POST"])
@workspace
def stages(process_id):
    process = load_process(process_id)
    if request.method == "GET":
        rows = [
            {**row, "starts_on": _isodate(row["starts_on"]), "ends_on": _isodate(row["ends_on"]),
             "representatives_took_part": bool(row["representatives_took_part"])}
            for row in process_store.stages(get_db(), process_id)
        ]
        form = StagesForm(data={"stages": rows + [{}] * BLANK_ROWS})
    else:
        form = StagesForm()
    if form.validate_on_submit():
        rows = []
        for entry in form.stages.entries:
            data = entry.form
            if not (data.label_sv.data or "").strip():
                continue
            rows.append(
                {
                    "label_sv": data.label_sv.data.strip(),
                    "label_en": (data.label_en.data or "").strip() or None,
                    "starts_on": _date(data.starts_on.data),
                    "ends_on": _date(data.ends_on.data),
                    "representatives_took_part": int(bool(data.representatives_took_part.data)),
                    "note_sv": (data.note_sv.data or "").strip() or None,
                }
            )
        process_store.replace_stages(get_db(), process_id, rows)
        audit.record(get_contacts_db(), actor(), "stages_update", process_id, f"{len(rows)} stages")
        flash(_("The stages were saved."), "success")
        if request.form.get("more"):
            return redirect(url_for(".stages", process_id=process_id))
        return redirect(url_for(".process_view", process_id=process_id))
    return render_template("coordinator/stages.html", form=form, process=process), 400 if form.errors else 200


def _stage_choices():
    return [(key, str(label)) for key, label in STAGE_LABELS.items()]


@bp.route("/processes/<int:process_id>/applicants", methods=["GET", "POST"])
@workspace
def applicants(process_id):
    process = load_process(process_id)
    if request.method == "GET":
        rows = process_store.applicants(get_db(), process_id)
        next_letter = chr(ord("A") + len(rows)) if len(rows) < 26 else ""
        blanks = [{"pseudonym": "", "stage_reached": "applied"} for _ in range(BLANK_ROWS)]
        if next_letter and not rows:
            blanks = [{"pseudonym": _("Applicant %(letter)s", letter=chr(ord("A") + i)), "stage_reached": "applied"} for i in range(BLANK_ROWS)]
        form = ApplicantsForm(data={"applicants": [dict(r) for r in rows] + blanks})
    else:
        form = ApplicantsForm()
    for entry in form.applicants.entries:
        entry.form.stage_reached.choices = _stage_choices()
    if form.validate_on_submit():
        rows, seen, duplicate = [], set(), None
        for entry in form.applicants.entries:
            pseudonym = (entry.form.pseudonym.data or "").strip()
            if not pseudonym:
                continue
            if pseudonym in seen:
                duplicate = entry.form.pseudonym
                entry.form.pseudonym.errors = [_("This pseudonym is used twice.")]
            seen.add(pseudonym)
            rows.append({"pseudonym": pseudonym, "stage_reached": entry.form.stage_reached.data})
        if duplicate is None:
            process_store.replace_applicants(get_db(), process_id, rows)
            audit.record(get_contacts_db(), actor(), "applicants_update", process_id, f"{len(rows)} applicants")
            flash(_("The applicants were saved."), "success")
            if request.form.get("more"):
                return redirect(url_for(".applicants", process_id=process_id))
            return redirect(url_for(".process_view", process_id=process_id))
    has_errors = any(entry.form.errors or entry.form.pseudonym.errors for entry in form.applicants.entries)
    return render_template("coordinator/applicants.html", form=form, process=process), 400 if has_errors else 200


# --- participants --------------------------------------------------------------------------


@bp.route("/processes/<int:process_id>/participants", methods=["GET", "POST"])
@workspace
def participants(process_id):
    process = load_process(process_id)
    contacts = get_contacts_db()
    form = ParticipantForm()
    form.group_key.choices = group_choices()
    status = 200
    if process["status"] == "closed" and request.method == "POST":
        _require_open(process)
    if form.validate_on_submit():
        email = participant_store.normalise_email(form.email.data)
        if email and email in participant_store.existing_emails(contacts, process_id):
            form.email.errors.append(_("This person is already a participant of the process."))
            status = 400
        else:
            participant_store.add_participants(
                contacts, process_id,
                [{"name": (form.name.data or "").strip(), "email": email or None,
                  "group_key": form.group_key.data, "language": form.language.data}],
            )
            audit.record(contacts, actor(), "participants_add", process_id, "1 participant")
            flash(_("The participant was added."), "success")
            return redirect(url_for(".participants", process_id=process_id))
    elif form.errors:
        status = 400
    people = participant_store.participants_with_status(contacts, process_id)
    return render_template(
        "coordinator/participants.html", form=form, process=process, people=people, confirm=ConfirmForm()
    ), status


@bp.route("/processes/<int:process_id>/participants/<int:participant_id>/delete", methods=["POST"])
@workspace
def participant_delete(process_id, participant_id):
    load_process(process_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not participant_store.delete_participant(get_contacts_db(), process_id, participant_id):
        abort(404)
    audit.record(get_contacts_db(), actor(), "participant_delete", process_id, f"participant {participant_id}")
    flash(_("The participant was removed."), "success")
    return redirect(url_for(".participants", process_id=process_id))


@bp.route("/processes/<int:process_id>/import", methods=["GET", "POST"])
@workspace
def participants_import(process_id):
    """Paste or upload CSV -> preview with per-row errors -> confirm. Nothing is saved before confirming."""
    process = load_process(process_id)
    contacts = get_contacts_db()
    form = ImportForm()
    preview = None
    status = 200
    if form.validate_on_submit():
        upload = request.files.get(form.csv_file.name)
        if upload and upload.filename:
            text = decode_upload(upload.read())
        else:
            text = form.csv_text.data or ""
        text = text.replace("\r\n", "\n")
        form.csv_text.data = text
        preview = participant_store.parse_csv(text, participant_store.existing_emails(contacts, process_id))
        if form.confirm.data == "yes" and preview.ok and process["status"] != "closed":
            count = participant_store.add_participants(
                contacts, process_id,
                [{"name": r.name, "email": r.email, "group_key": r.group_key, "language": r.language} for r in preview.rows],
            )
            audit.record(contacts, actor(), "participants_add", process_id, f"{count} participants (import)")
            flash(ngettext("%(num)s participant was imported.", "%(num)s participants were imported.", count), "success")
            return redirect(url_for(".participants", process_id=process_id))
        if not text.strip():
            preview.file_errors = [_("Paste a list or choose a file.")]
        status = 200 if preview.ok else 400
    elif form.errors:
        status = 400
    return render_template(
        "coordinator/import.html", form=form, process=process, preview=preview, preview_rows=PREVIEW_ROWS
    ), status


# --- invitations, printed links, reminders ----------------------------------------------------


def _require_open(process: dict) -> None:
    if process["status"] == "closed":
        flash(_("The process is closed: its links no longer work."), "error")
        abort(redirect(url_for(".process_view", process_id=process["id"])))


def _require_collecting(process: dict) -> None:
    _require_open(process)
    if process["status"] != "collecting":
        flash(_("Start collecting answers before sending links."), "error")
        abort(redirect(url_for(".process_view", process_id=process["id"])))


@bp.route("/processes/<int:process_id>/invite", methods=["POST"])
@workspace
def invite(process_id):
    process = load_process(process_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _require_collecting(process)
    outcome = outreach.send_invitations(get_db(), get_contacts_db(), current_app.config, process, actor(), today())
    flash_outcome(outcome, _("Invitations sent: %(num)s.", num=outcome.sent))
    return redirect(url_for(".process_view", process_id=process_id))


@bp.route("/processes/<int:process_id>/remind", methods=["POST"])
@workspace
def remind(process_id):
    process = load_process(process_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if process["status"] != "collecting":
        flash(_("Reminders can be sent only while the process is collecting answers."), "error")
        return redirect(url_for(".process_view", process_id=process_id))
    outcome = outreach.send_reminders(get_db(), get_contacts_db(), current_app.config, process, actor(), today())
    flash_outcome(outcome, _("Reminders sent: %(num)s.", num=outcome.sent))
    return redirect(url_for(".process_view", process_id=process_id))


@bp.route("/processes/<int:process_id>/print", methods=["GET", "POST"])
@workspace
def print_links(process_id):
    process = load_process(process_id)
    form = PrintForm()
    form.group_key.choices = [c for c in group_choices() if c[0] != outreach.FOLLOWUP_GROUP]
    if form.validate_on_submit():
        _require_collecting(process)
        import segno

        links = outreach.print_links(
            get_contacts_db(), process, form.group_key.data, form.count.data or 0, actor(), today()
        )
        for link in links:
            link["qr"] = Markup(segno.make(link["url"], error="m").svg_inline(scale=3, svgclass="qr"))
        return render_template("coordinator/print_sheet.html", process=process, links=links)
    return render_template("coordinator/print_form.html", form=form, process=process), 400 if form.errors else 200


# --- decision, feedback, closing ---------------------------------------------------------------


@bp.route("/processes/<int:process_id>/decision", methods=["GET", "POST"])
@workspace
def decision(process_id):
    process = load_process(process_id)
    pseudonyms = [row["pseudonym"] for row in process_store.applicants(get_db(), process_id)]
    form = DecisionForm(data=process if request.method == "GET" else None)
    form.appointed_applicant.choices = [("", _("Choose an applicant"))] + [(p, p) for p in pseudonyms]
    if form.validate_on_submit():
        process_store.record_decision(
            get_db(), process_id, form.appointed_applicant.data, form.decision_rationale.data.strip(), today()
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
        purge_on=outreach.purge_due_on(today().isoformat(), current_app.config),
        followup_on=(today() + datetime.timedelta(days=int(current_app.config["FOLLOWUP_DAYS"]))).isoformat(),
    )

