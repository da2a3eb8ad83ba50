"""Instrument authoring: XLSForm upload, validation report, preview, publishing,
and XLSForm downloads (a template and every published version).

Post/Redirect/Get: the upload POST checks the file and, when it passes,
keeps the checked definition server-side (``collector.authoring.checked``)
and redirects to a GET page with the report, the preview links (GETs) and
the publish form. The browser's Back button after a preview therefore
returns to that page instead of ERR_CACHE_MISS, and a failed publish (a
missing core decision) returns there too: nothing has to be uploaded again.
A file that could not be published (an answered version changed without a
new version number, an older version) is refused at the check, in the
author's language (``collector.authoring.review``).
"""

from __future__ import annotations

import dataclasses
import io

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField

from collector.authoring import checked
from collector.authoring.review import plain_changes
from collector.authoring.review import version_check
from collector.authoring.template import template_instrument
from collector.coordinator.auth import roles_required
from collector.db import get_contacts_db
from collector.db import get_db
from collector.i18n import current_language
from collector.instruments.registry import InstrumentFrozenError
from collector.instruments.registry import load_registered
from collector.instruments.registry import register_instrument
from collector.speech.publish import after_publish_in_background
from collector.speech.store import clip_namer
from forms import builder
from forms.versions import CORE_DECISIONS
from forms.versions import apply_core_decisions
from forms.versions import reworded_core
from forms.vocabulary import GROUP_KEYS
from forms.vocabulary import RESPONDENT_GROUPS
from forms.xlsform import XLSFormError
from forms.xlsform import read_xlsform
from forms.xlsform import write_xlsform

bp = Blueprint("authoring", __name__, url_prefix="/coordinator/instruments")

AUTHORS = ("coordinator", "evaluator", "admin")
MAX_UPLOAD_BYTES = 1024 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv", ".md")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE_ITEMS = {"applicants": ["A", "B", "C"], "finalists": ["A", "B"]}


class UploadForm(FlaskForm):
    workbook = FileField()
    group = StringField()  # used only when the file's settings sheet names no group


class PublishForm(FlaskForm):
    """Only the CSRF token: the definition is read from the checked upload."""


def _latest(db, instrument):
    row = db.execute(
        "select id from instruments where key = ? and department is ? order by version desc limit 1",
        [instrument.key, instrument.department],
    ).fetchone()
    return load_registered(db, row[0]) if row else None


def _registered(db):
    return db.execute(
        "select id, key, version, group_key, department, frozen_on from instruments order by key, department, version"
    ).fetchall()


def _group_choices():
    english = current_language() == "en"
    return [(key, en if english else sv) for key, sv, en in RESPONDENT_GROUPS]


def _read_upload(form: UploadForm):
    """(instrument, problems) of the posted file."""
    file = form.workbook.data
    name = (getattr(file, "filename", "") or "").lower()
    data = file.read(MAX_UPLOAD_BYTES + 1) if file else b""
    group = form.group.data if form.group.data in GROUP_KEYS else None
    if not name:
        return None, [_("Choose an XLSForm file (.xlsx, .xls, .csv or .md).")]
    if not name.endswith(ALLOWED_SUFFIXES):
        return None, [_("The file must be .xlsx, .xls, .csv or .md.")]
    if len(data) > MAX_UPLOAD_BYTES:
        return None, [_("The file is larger than 1 MB.")]
    try:
        return read_xlsform(data, filename=name, group=group), []
    except XLSFormError as error:
        return None, [p.localized(_) for p in error.problems]
    except UnicodeDecodeError:
        return None, [_("The file is not UTF-8 text.")]


@bp.route("/", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def upload():
    """Upload an XLSForm: the problems on this page, or a redirect to the checked upload's page."""
    db = get_db()
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        instrument, problems = _read_upload(form)
        if instrument is not None:
            problems, _notes, _publishable = version_check(db, instrument)
        if instrument is not None and not problems:
            name = (form.workbook.data.filename or "").rsplit("/", 1)[-1]
            upload_id = checked.store(get_contacts_db(), g.user["id"], name, instrument)
            return redirect(url_for("authoring.checked_upload", upload_id=upload_id), code=303)
    return render_template(
        "authoring/upload.html", form=form, problems=problems, groups=_group_choices(), registered=_registered(db),
    )


def _own_upload(upload_id: str):
    found = checked.load(get_contacts_db(), upload_id, g.user["id"])
    if found is None:
        abort(404)
    return found


@bp.route("/checked/<upload_id>")
@roles_required(*AUTHORS)
def checked_upload(upload_id: str):
    """The check report, the preview links and the publish form of a checked upload."""
    db = get_db()
    filename, instrument = _own_upload(upload_id)
    problems, notes, publishable = version_check(db, instrument)
    previous = _latest(db, instrument)
    changes, core_items = [], []
    if previous is not None:
        changes = plain_changes(previous, instrument, current_language())
        if previous.version < instrument.version:
            core_items = reworded_core(previous, instrument)
    return render_template(
        "authoring/checked.html", upload_id=upload_id, filename=filename, instrument=instrument, problems=problems,
        notes=notes, publishable=publishable, changes=changes, core_items=core_items,
        core_texts={key: builder.text_in(instrument.question(key).text, current_language()) for key in core_items},
        publish_form=PublishForm(), group_names=dict(_group_choices()),
    )


@bp.route("/checked/<upload_id>/page/<int:number>/<language>")
@roles_required(*AUTHORS)
def preview(upload_id: str, number: int, language: str):
    """One page of a checked (not yet published) instrument, rendered as respondents see it."""
    _filename, instrument = _own_upload(upload_id)
    if language not in ("sv", "en") or not 1 <= number <= len(instrument.pages):
        abort(404)
    # The builder caches form classes by (key, version, department); an
    # unpublished edit must not reuse (or poison) a published version's class.
    shown = dataclasses.replace(instrument, department=f"preview-{upload_id}")
    page_form = builder.build_page_form(shown, number - 1, language, SAMPLE_ITEMS)(formdata=None, meta={"csrf": False})
    return render_template(
        "authoring/preview.html", upload_id=upload_id, instrument=instrument, page=instrument.pages[number - 1],
        number=number, language=language, form=page_form, text=builder.text_in,
    )


@bp.route("/checked/<upload_id>/publish", methods=["POST"])
@roles_required(*AUTHORS)
def publish(upload_id: str):
    """Register the checked instrument, applying the keep/break choice for reworded core items."""
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    _filename, instrument = _own_upload(upload_id)
    db = get_db()
    back = redirect(url_for("authoring.checked_upload", upload_id=upload_id), code=303)
    problems, _notes, publishable = version_check(db, instrument)
    if problems or not publishable:
        for problem in problems:
            flash(problem, "error")
        return back
    previous = _latest(db, instrument)
    decisions = {}
    if previous is not None and previous.version < instrument.version:
        for key in reworded_core(previous, instrument):
            choice = request.form.get(f"core-{key}")
            if choice not in CORE_DECISIONS:
                flash(_("Choose whether each reworded common-core question keeps its key."), "error")
                return back
            decisions[key] = choice
    try:
        instrument_id = register_instrument(db, apply_core_decisions(instrument, decisions))
    except InstrumentFrozenError:
        # Someone answered this version between the check and now.
        flash(
            _(
                "Version %(version)s of %(key)s has just been answered and can no longer change. "
                "Give the file a new version and upload it again.",
                version=instrument.version, key=instrument.key,
            ),
            "error",
        )
        return back
    checked.forget(get_contacts_db(), upload_id)
    spoken = after_publish_in_background(db, instrument_id, current_app.config)
    if spoken is not None and spoken.missing_tool is not None:
        flash(_("The questions cannot be read aloud: espeak-ng is not installed on the server."), "info")
    flash(_("Published %(key)s version %(version)s.", key=instrument.key, version=instrument.version), "success")
    return redirect(url_for("authoring.upload"), code=303)


# --- downloads ----------------------------------------------------------------------


def _xlsx_response(instrument, download_name: str, audio=None):
    out = io.BytesIO()
    write_xlsform(instrument, out, audio=audio)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=download_name)


@bp.route("/template.xlsx")
@roles_required(*AUTHORS)
def template():
    """A small valid questionnaire to start from (``collector.authoring.template``)."""
    return _xlsx_response(template_instrument(), _("questionnaire-template") + ".xlsx")


@bp.route("/<int:instrument_id>/xlsform.xlsx")
@roles_required(*AUTHORS)
def download(instrument_id: int):
    """A published version as an XLSForm (to edit and upload as the next version)."""
    db = get_db()
    if instrument_id > 2**63 - 1 or db.execute("select 1 from instruments where id = ?", [instrument_id]).fetchone() is None:
        abort(404)
    instrument = load_registered(db, instrument_id)
    suffix = f"-{instrument.department}" if instrument.department else ""
    # media::audio columns name the version's speech, so a round trip keeps them.
    audio = clip_namer(current_app.config["AUDIO_FOLDER"])
    return _xlsx_response(instrument, f"{instrument.key}{suffix}-v{instrument.version}.xlsx", audio)
