"""Pages for the pool itself: list and search, register, edit, training, removal."""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from collector.brukarbank import assignments as assignment_store
from collector.brukarbank import members as member_store
from collector.brukarbank import retention
from collector.brukarbank.blueprint import actor
from collector.brukarbank.blueprint import area_choices
from collector.brukarbank.blueprint import bp
from collector.brukarbank.blueprint import department_choices
from collector.brukarbank.blueprint import department_choices_all
from collector.brukarbank.blueprint import load_member
from collector.brukarbank.blueprint import refresh_profile
from collector.brukarbank.blueprint import summary_rows
from collector.brukarbank.blueprint import today
from collector.brukarbank.blueprint import workspace
from collector.brukarbank.forms import ConfirmForm
from collector.brukarbank.forms import MemberForm
from collector.brukarbank.forms import TrainingForm
from collector.brukarbank.vocabulary import AREA_KEYS
from collector.coordinator import audit
from collector.db import get_contacts_db
from collector.db import get_db

MAX_QUERY = 200


def _member_form(member: dict | None = None) -> MemberForm:
    form = MemberForm(obj=None, data=None if member is None else {**member, "phone": member["phone"] or ""})
    form.areas.choices = area_choices()
    form.department.choices = department_choices()
    if member is not None:
        # The department decides who may see the member: it is shown, not edited.
        labels = dict(department_choices_all())
        form.department.choices = [(member["department"], labels.get(member["department"], member["department"]))]
        form.department.data = member["department"]
    return form


def _values(form: MemberForm) -> dict:
    return {
        "department": form.department.data,
        "name": " ".join(form.name.data.split()),
        "email": form.email.data,
        "phone": form.phone.data or None,
        "language": form.language.data,
        "areas": form.areas.data or [],
    }


@bp.route("/")
@workspace
def pool():
    query = (request.args.get("q") or "")[:MAX_QUERY].replace("\x00", "")
    area = request.args.get("area") or ""
    rows = member_store.search_members(get_contacts_db(), g.user, query, area if area in AREA_KEYS else "")
    return render_template(
        "brukarbank/pool.html", members=rows, query=query, area=area, areas=area_choices(), searched=bool(query or area)
    )


@bp.route("/new", methods=["GET", "POST"])
@workspace
def register():
    form = _member_form()
    status = 200
    if form.validate_on_submit():
        values = _values(form)
        contacts = get_contacts_db()
        if member_store.email_taken(contacts, values["department"], values["email"]):
            form.email.errors.append(_("This person is already in the pool."))
            status = 400
        else:
            member_id = member_store.register_member(contacts, values, today())
            audit.record(contacts, actor(), "pool_register", None, f"member {member_id}")
            flash(_("The representative was added to the pool."), "success")
            return redirect(url_for(".member", member_id=member_id))
    elif form.errors:
        status = 400
    return render_template("brukarbank/member_form.html", form=form, errors=summary_rows(form), member=None), status


@bp.route("/<int:member_id>", methods=["GET", "POST"])
@workspace
def member(member_id):
    current = load_member(member_id)
    contacts = get_contacts_db()
    form = _member_form(current)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            values = _values(form)
            if member_store.email_taken(contacts, current["department"], values["email"], except_id=member_id):
                form.email.errors.append(_("Another representative in the pool has this email address."))
                status = 400
            else:
                member_store.update_member(contacts, member_id, values, today())
                audit.record(contacts, actor(), "pool_edit", None, f"member {member_id}")
                refresh_profile()
                flash(_("The changes were saved."), "success")
                return redirect(url_for(".member", member_id=member_id))
        else:
            status = 400
    return _member_page(current, form, TrainingForm(formdata=None), status)


def _processes_by_id(rows: list[dict]) -> dict[int, dict]:
    """The served processes the member's assignments name (a deleted process is simply absent)."""
    ids = sorted({row["process_id"] for row in rows})
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {p["id"]: p for p in get_db().query(f"select id, code, post_title from processes where id in ({marks})", ids)}


def _member_page(current: dict, form: MemberForm, training_form: TrainingForm, status: int):
    contacts = get_contacts_db()
    return render_template(
        "brukarbank/member.html",
        member=current,
        form=form,
        training_form=training_form,
        errors=summary_rows(form, training_form),
        trainings=member_store.trainings(contacts, current["id"]),
        assignments=assignment_store.for_member(contacts, current["id"]),
        processes=_processes_by_id(assignment_store.for_member(contacts, current["id"])),
        confirm=ConfirmForm(),
    ), status


@bp.route("/<int:member_id>/trainings", methods=["POST"])
@workspace
def training_add(member_id):
    current = load_member(member_id)
    training_form = TrainingForm()
    if not training_form.validate_on_submit():
        return _member_page(current, _member_form(current), training_form, 400)
    completed = training_form.completed_on.data.isoformat() if training_form.completed_on.data else None
    course = " ".join((training_form.course.data or "").split()) or None
    member_store.add_training(get_contacts_db(), member_id, course, completed, today())
    audit.record(get_contacts_db(), actor(), "pool_training", None, f"member {member_id}")
    refresh_profile()
    flash(_("The preparation was recorded."), "success")
    return redirect(url_for(".member", member_id=member_id) + "#training")


@bp.route("/<int:member_id>/trainings/<int:training_id>/delete", methods=["POST"])
@workspace
def training_delete(member_id, training_id):
    load_member(member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not member_store.delete_training(get_contacts_db(), member_id, training_id):
        abort(404)
    refresh_profile()
    flash(_("The preparation record was removed."), "success")
    return redirect(url_for(".member", member_id=member_id) + "#training")


@bp.route("/<int:member_id>/remove", methods=["GET", "POST"])
@workspace
def remove(member_id):
    """Remove from the pool: contact data go; assignments live on only as counts."""
    current = load_member(member_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        contacts = get_contacts_db()
        retention.remove_member(contacts, member_id)
        audit.record(contacts, actor(), "pool_remove", None, f"member {member_id}")
        refresh_profile()
        flash(_("The representative was removed from the pool and their contact details deleted."), "success")
        return redirect(url_for(".pool"))
    count = len(assignment_store.for_member(get_contacts_db(), member_id))
    return render_template("brukarbank/remove.html", member=current, confirm=form, assignment_count=count)
