"""Participants of a process (typed, imported from a spreadsheet), and their
links: emailed invitations, reminders and printed sheets.
"""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from collector.coordinator import audit
from collector.coordinator import outreach
from collector.coordinator import participant_export
from collector.coordinator import participants as participant_store
from collector.coordinator.forms import ConfirmForm
from collector.coordinator.forms import ImportForm
from collector.coordinator.forms import ParticipantForm
from collector.coordinator.forms import PrintForm
from collector.coordinator.labels import group_choices
from collector.coordinator.labels import group_label
from collector.coordinator.participants import decode_upload
from collector.coordinator.workspace import PREVIEW_ROWS
from collector.coordinator.workspace import actor
from collector.coordinator.workspace import bp
from collector.coordinator.workspace import load_process
from collector.coordinator.workspace import today
from collector.coordinator.workspace import workspace
from collector.db import get_contacts_db


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
                  "group_key": form.group_key.data, "language": form.language.data,
                  "easy_read": form.easy_read.data}],
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


@bp.route("/processes/<int:process_id>/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@workspace
def participant_edit(process_id, participant_id):
    """Change a participant's name, email, language, group or reading variant (instead of removing and adding them again).

    A refused change (a taken address, a group change after answering) shows
    the form again with what was typed and the reason in the error summary.
    """
    process = load_process(process_id)
    contacts = get_contacts_db()
    person = participant_store.get_participant(contacts, process_id, participant_id)
    if person is None:
        abort(404)
    form = ParticipantForm(
        data={**person, "email": person["email"] or "", "easy_read": bool(person.get("easy_read"))}
        if request.method == "GET" else None
    )
    form.group_key.choices = group_choices()
    if form.validate_on_submit():
        email = participant_store.normalise_email(form.email.data)
        if email and email != person["email"] and email in participant_store.existing_emails(contacts, process_id):
            form.email.errors.append(_("This person is already a participant of the process."))
        else:
            changes = {"name": (form.name.data or "").strip(), "email": email, "language": form.language.data,
                       "group_key": form.group_key.data, "easy_read": bool(form.easy_read.data)}
            try:
                changed = participant_store.update_participant(contacts, process, participant_id, changes)
            except participant_store.ChangeRefused as refusal:
                form.group_key.errors.append(_(refusal.args[0], group=group_label(refusal.args[1])))
            except LookupError:
                abort(404)
            else:
                if changed:
                    audit.record(contacts, actor(), "participant_update", process_id,
                                 f"participant {participant_id}: {', '.join(changed)}")
                    flash(_("The participant was saved."), "success")
                else:
                    flash(_("Nothing was changed."), "success")
                return redirect(url_for(".participants", process_id=process_id))
    return render_template(
        "coordinator/participant_edit.html", form=form, process=process, person=person
    ), 400 if form.errors else 200


@bp.route("/processes/<int:process_id>/participants.csv")
@workspace
def participants_csv(process_id):
    """The participant list as Swedish-Excel CSV: exactly the columns the participants page shows."""
    process = load_process(process_id)
    body = participant_export.participants_csv(participant_store.participants_with_status(get_contacts_db(), process_id))
    audit.record(get_contacts_db(), actor(), "participants_export", process_id)
    filename = f"deltagare-{participant_export.safe_filename(process['code'])}.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Content-Type": "text/csv; charset=utf-8",
    })


@bp.route("/processes/<int:process_id>/import", methods=["GET", "POST"])
@workspace
def participants_import(process_id):
    """Paste or upload CSV -> preview with per-row errors and marked duplicates -> confirm.

    Nothing is saved before confirming. Duplicates (the same address earlier in
    the file, or already a participant) are skipped, not errors: one repeated
    row must not reject the whole list.
    """
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
                [{"name": r.name, "email": r.email, "group_key": r.group_key, "language": r.language, "easy_read": r.easy_read}
                 for r in preview.valid_rows],
            )
            skipped = len(preview.duplicate_rows)
            audit.record(contacts, actor(), "participants_add", process_id, f"{count} participants (import, {skipped} duplicates skipped)")
            flash(ngettext("%(num)s participant was imported.", "%(num)s participants were imported.", count), "success")
            if skipped:
                flash(ngettext("%(num)s duplicate row was skipped.", "%(num)s duplicate rows were skipped.", skipped), "success")
            return redirect(url_for(".participants", process_id=process_id))
        if not text.strip():
            preview.file_errors = [_("Paste a list or choose a file.")]
        elif preview.rows and not preview.file_errors and not preview.error_rows and not preview.valid_rows:
            preview.file_errors = [_("Everyone in the list is already a participant: there is no one new to import.")]
        status = 200 if preview.ok else 400
    elif form.errors:
        status = 400
    return render_template(
        "coordinator/import.html", form=form, process=process, preview=preview, preview_rows=PREVIEW_ROWS
    ), status


# --- printed links (invitations and reminders: sending_pages) ----------------------------------------------------


def _require_open(process: dict) -> None:
    if process["status"] == "closed":
        flash(_("The process is closed: its links no longer work."), "error")
        abort(redirect(url_for(".process_view", process_id=process["id"])))


def _require_collecting(process: dict) -> None:
    _require_open(process)
    if process["status"] != "collecting":
        flash(_("Start collecting answers before sending links."), "error")
        abort(redirect(url_for(".process_view", process_id=process["id"])))


@bp.route("/processes/<int:process_id>/print", methods=["GET", "POST"])
@workspace
def print_links(process_id):
    process = load_process(process_id)
    form = PrintForm()
    form.group_key.choices = [c for c in group_choices() if c[0] != outreach.FOLLOWUP_GROUP]
    if form.validate_on_submit():
        _require_collecting(process)
        import segno  # only here: QR codes for printed sheets; no other page or worker start needs it

        links = outreach.print_links(
            get_contacts_db(), process, form.group_key.data, form.count.data or 0, actor(), today(),
            language=form.language.data,
        )
        address = start_page_address()
        for link in links:
            link["qr"] = Markup(segno.make(link["url"], error="m").svg_inline(scale=3, svgclass="qr"))
            link["texts"] = slip_texts(process, link, address)
        return render_template("coordinator/print_sheet.html", process=process, links=links)
    return render_template("coordinator/print_form.html", form=form, process=process), 400 if form.errors else 200


def start_page_address() -> str:
    """The start page's address as printed: the public base URL without ``https://``."""
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    return base.split("://", 1)[-1]


def slip_texts(process: dict, link: dict, address: str) -> dict:
    """A slip's words in the participant's language (the sheet itself is in the coordinator's)."""
    with force_locale(link["language"]):
        return {
            "title": _("Your view on the recruitment: %(post)s", post=process["post_title"]),
            "group": group_label(link["group_key"]),
            "scan": _("Scan the QR code with your phone's camera."),
            "type": _("Or go to %(address)s and type this code:", address=address),
            "deadline": _("Answer by %(date)s.", date=link["expires_on"]),
            "privacy": _("Your answers are stored without your name. The code is personal: do not share it."),
            "code_label": _("Code"),
        }
