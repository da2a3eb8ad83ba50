"""Instrument authoring: XLSForm upload, validation report, preview, publishing.

Why no server-side upload storage: the checked definition travels to the
publish step as signed JSON in a hidden field, so nothing half-checked is
ever stored, and the signature stops a tampered definition from being
published without going through the checks again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer
from wtforms import HiddenField

from collector.coordinator.auth import roles_required
from collector.db import get_db
from collector.instruments.registry import InstrumentFrozenError
from collector.instruments.registry import definition_dict
from collector.instruments.registry import instrument_from_json
from collector.instruments.registry import load_registered
from collector.instruments.registry import register_instrument
from forms import builder
from forms.versions import CORE_DECISIONS
from forms.versions import apply_core_decisions
from forms.versions import diff
from forms.versions import reworded_core
from forms.xlsform import XLSFormError
from forms.xlsform import read_xlsform

bp = Blueprint("authoring", __name__, url_prefix="/coordinator/instruments")

AUTHORS = ("coordinator", "evaluator", "admin")
MAX_UPLOAD_BYTES = 1024 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".csv", ".md")


class UploadForm(FlaskForm):
    workbook = FileField()


class PublishForm(FlaskForm):
    definition = HiddenField()


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], "authoring")


def _latest(db, instrument):
    row = db.execute(
        "select id from instruments where key = ? and department is ? order by version desc limit 1",
        [instrument.key, instrument.department],
    ).fetchone()
    return load_registered(db, row[0]) if row else None


def _registered(db):
    return db.execute(
        "select key, version, group_key, department, frozen_on from instruments order by key, department, version"
    ).fetchall()


@bp.route("/", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def upload():
    """Upload an XLSForm; show the problems, or the preview and the publish form."""
    db = get_db()
    form = UploadForm()
    problems, instrument, changes, core_items, publish_form = [], None, [], [], None
    if form.validate_on_submit():
        file = form.workbook.data
        name = (getattr(file, "filename", "") or "").lower()
        data = file.read(MAX_UPLOAD_BYTES + 1) if file else b""
        if not name:
            problems = [_("Choose an XLSForm file (.xlsx, .csv or .md).")]
        elif not name.endswith(ALLOWED_SUFFIXES):
            problems = [_("The file must be .xlsx, .csv or .md.")]
        elif len(data) > MAX_UPLOAD_BYTES:
            problems = [_("The file is larger than 1 MB.")]
        else:
            try:
                instrument = read_xlsform(data, filename=name)
            except XLSFormError as error:
                problems = [p.localized(_) for p in error.problems]
            except UnicodeDecodeError:
                problems = [_("The file is not UTF-8 text.")]
        if instrument is not None:
            previous = _latest(db, instrument)
            if previous is not None:
                changes = diff(previous, instrument)
                if previous.version < instrument.version:
                    core_items = reworded_core(previous, instrument)
            publish_form = PublishForm(formdata=None, definition=_signer().dumps(definition_dict(instrument)))
    return render_template(
        "authoring/upload.html", form=form, problems=problems, instrument=instrument, changes=changes,
        core_items=core_items, decisions=CORE_DECISIONS, publish_form=publish_form, registered=_registered(db),
    )


SAMPLE_ITEMS = {"applicants": ["A", "B", "C"], "finalists": ["A", "B"]}


def _checked_instrument(signed: str):
    """The instrument carried in a signed hidden field (400 when forged or broken)."""
    try:
        return instrument_from_json(json.dumps(_signer().loads(signed or "")))
    except (BadSignature, ValueError, KeyError, TypeError):
        abort(400)


def _posted_instrument():
    """(form, instrument) of a preview or publish POST; 400 for a bad CSRF token or definition."""
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    return form, _checked_instrument(form.definition.data)


@bp.route("/preview", methods=["POST"])
@roles_required(*AUTHORS)
def preview():
    """One page of a checked (not yet published) instrument, rendered as respondents see it."""
    form, instrument = _posted_instrument()
    number, _sep, language = request.form.get("page_language", "1-sv").partition("-")
    if language not in ("sv", "en") or not number.isdigit() or not 1 <= int(number) <= len(instrument.pages):
        abort(400)
    # The builder caches form classes by (key, version, department); an
    # unpublished edit must not reuse (or poison) a published version's class.
    digest = hashlib.sha256(form.definition.data.encode()).hexdigest()[:16]
    shown = dataclasses.replace(instrument, department=f"preview-{digest}")
    page_form = builder.build_page_form(shown, int(number) - 1, language, SAMPLE_ITEMS)(formdata=None, meta={"csrf": False})
    return render_template(
        "authoring/preview.html", instrument=instrument, page=instrument.pages[int(number) - 1], number=int(number),
        language=language, form=page_form, publish_form=form, text=builder.text_in,
    )


@bp.route("/publish", methods=["POST"])
@roles_required(*AUTHORS)
def publish():
    """Register the checked instrument, applying the keep/break choice for reworded core items."""
    form, instrument = _posted_instrument()
    db = get_db()
    previous = _latest(db, instrument)
    decisions = {}
    if previous is not None and previous.version < instrument.version:
        for key in reworded_core(previous, instrument):
            choice = request.form.get(f"core-{key}")
            if choice not in CORE_DECISIONS:
                flash(_("Choose whether each reworded common-core question keeps its key. Upload the file again."), "error")
                return redirect(url_for("authoring.upload"))
            decisions[key] = choice
    instrument = apply_core_decisions(instrument, decisions)
    try:
        register_instrument(db, instrument)
    except (InstrumentFrozenError, ValueError) as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.upload"))
    flash(_("Published %(key)s version %(version)s.", key=instrument.key, version=instrument.version), "success")
    return redirect(url_for("authoring.upload"))
