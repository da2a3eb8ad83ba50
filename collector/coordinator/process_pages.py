"""A recruitment process's own pages: create, edit, view, start and delete it,
and record its stages and applicants.

Every process page loads its process through
``processes.process_for_user`` (department scoping; 404 for other
departments). Every change is a POST with a CSRF token and is written to
the audit log. Pages work without JavaScript.
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
from collector.coordinator import feedback as feedback_store
from collector.coordinator import outreach
from collector.coordinator import participants as participant_store
from collector.coordinator import processes as process_store
from collector.coordinator import retention
from collector.coordinator import sending
from collector.coordinator.forms import ApplicantsForm
from collector.coordinator.forms import ConfirmForm
from collector.coordinator.forms import ProcessForm
from collector.coordinator.forms import StagesForm
from collector.coordinator.labels import STAGE_LABELS
from collector.coordinator.labels import department_label
from collector.coordinator.labels import post_level_choices
from collector.coordinator.workspace import BLANK_ROWS
from collector.coordinator.workspace import actor
from collector.coordinator.workspace import bp
from collector.coordinator.workspace import department_choices
from collector.coordinator.workspace import instrument_set_choices
from collector.coordinator.workspace import iso_or_none
from collector.coordinator.workspace import load_process
from collector.coordinator.workspace import parse_iso_date
from collector.coordinator.workspace import today
from collector.coordinator.workspace import workspace
from collector.db import get_contacts_db
from collector.db import get_db

# --- process ---------------------------------------------------------------------


def _process_form(process: dict | None = None) -> ProcessForm:
    form = ProcessForm(data=_form_data(process) if process and request.method == "GET" else None)
    form.department.choices = department_choices(g.user)
    form.instrument_set.choices = instrument_set_choices()
    form.post_level.choices = post_level_choices()
    return form


def _form_data(process: dict) -> dict:
    data = dict(process)
    for key in ("opened_on", "application_deadline", "decided_on"):
        data[key] = parse_iso_date(process[key])
    return data


def _form_values(form: ProcessForm) -> dict:
    values = {key: getattr(form, key).data for key in process_store.PROCESS_FIELDS}
    for key in ("opened_on", "application_deadline", "decided_on"):
        values[key] = iso_or_none(values[key])
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
    min_days = int(current_app.config["REMINDER_MIN_DAYS"])
    purged = contacts.execute("select purged_on from purged_processes where process_id = ?", [process_id]).fetchone()
    purge_on = retention.purge_due_on(process["closed_on"], current_app.config)
    # Past the purge date only the hired person's row is left (their follow-up is pending): say so,
    # rather than announcing a deletion date that has passed.
    kept_for_followup = bool(
        purge_on and purge_on <= today().isoformat() and people
        and all(p["group_key"] == outreach.FOLLOWUP_GROUP for p in people)
    )
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
        reminder_count=len(outreach.reminder_candidates(contacts, process_id, min_days, today())),
        next_reminder_on=sending.next_reminder_on(contacts, process_id, min_days, today()),
        feedback_refused=feedback_store.refusal(process),
        followups=[p for p in people if p["followup_due_on"]],
        feedback_entry=feedback_entry,
        purge_on=purge_on,
        purged_on=purged[0] if purged else None,
        kept_for_followup=kept_for_followup,
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


# --- stages and applicants --------------------------------------------------------------


@bp.route("/processes/<int:process_id>/stages", methods=["GET", "POST"])
@workspace
def stages(process_id):
    process = load_process(process_id)
    if request.method == "GET":
        rows = [
            {**row, "starts_on": parse_iso_date(row["starts_on"]), "ends_on": parse_iso_date(row["ends_on"]),
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
                    "starts_on": iso_or_none(data.starts_on.data),
                    "ends_on": iso_or_none(data.ends_on.data),
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
            blanks = [
                {"pseudonym": _("Applicant %(letter)s", letter=chr(ord("A") + i)), "stage_reached": "applied"} for i in range(BLANK_ROWS)
            ]
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
