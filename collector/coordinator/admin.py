"""Admin pages: staff accounts, the municipality and its departments, and the audit log.

A blueprint of its own (endpoints ``admin.*``) under the coordinator's URL
prefix, so the URLs stay ``/coordinator/users`` and ``/coordinator/audit``
while neither module imports the other.
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from collector.coordinator import audit
from collector.coordinator import departments as department_store
from collector.coordinator import users as user_store
from collector.coordinator.auth import roles_required
from collector.coordinator.forms import ConfirmForm
from collector.coordinator.forms import DepartmentForm
from collector.coordinator.forms import DepartmentNamesForm
from collector.coordinator.forms import MunicipalityForm
from collector.coordinator.forms import UserEditForm
from collector.coordinator.forms import UserForm
from collector.coordinator.labels import ROLE_LABELS
from collector.coordinator.labels import department_label
from collector.coordinator.labels import template_globals
from collector.coordinator.processes import departments
from collector.db import get_contacts_db
from collector.db import get_db
from forms.vocabulary import GROUP_KEYS

bp = Blueprint("admin", __name__, url_prefix="/coordinator")

admin_only = roles_required("admin")


@bp.context_processor
def _labels():
    return template_globals()


def _department_choices():
    return [("", _("No department"))] + [(d["key"], department_label(d)) for d in departments(get_db())]


def _role_choices():
    return [(key, str(label)) for key, label in ROLE_LABELS.items()]


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users():
    contacts = get_contacts_db()
    form = UserForm()
    form.role.choices = _role_choices()
    form.department.choices = _department_choices()
    status = 200
    if form.validate_on_submit():
        try:
            user_store.add_user(
                contacts, form.username.data, form.password.data, form.role.data,
                department=form.department.data or None, display_name=(form.display_name.data or "").strip() or None,
                email=form.email.data,
            )
        except user_store.UserError as error:
            field = form.password if "password" in str(error) else form.username
            field.errors = list(field.errors) + [_(str(error))]
            status = 400
        else:
            audit.record(contacts, g.user["username"], "user_add", None, f"{form.username.data.strip().lower()} ({form.role.data})")
            flash(_("The account was created."), "success")
            return redirect(url_for(".users"))
    elif form.errors:
        status = 400
    form.password.data = ""
    labels = {d["key"]: department_label(d) for d in departments(get_db())}
    return render_template(
        "coordinator/users.html", form=form, users=user_store.list_users(contacts), departments=labels
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user_edit(user_id):
    contacts = get_contacts_db()
    user = user_store.get_user(contacts, user_id)
    if user is None:
        abort(404)
    form = UserEditForm(
        data={**user, "department": user["department"] or "", "email": user["email"] or "", "is_active": bool(user["is_active"])}
        if request.method == "GET" else None
    )
    form.role.choices = _role_choices()
    form.department.choices = _department_choices()
    status = 200
    if form.validate_on_submit():
        if user_id == g.user["id"] and (not form.is_active.data or form.role.data != "admin"):
            form.role.errors = list(form.role.errors) + [_("You cannot remove your own admin access.")]
            status = 400
        else:
            try:
                if form.password.data:
                    user_store.set_password(contacts, user_id, form.password.data)
                    audit.record(contacts, g.user["username"], "user_password", None, user["username"])
                user_store.update_user(
                    contacts, user_id, role=form.role.data, department=form.department.data or None,
                    display_name=(form.display_name.data or "").strip() or user["username"], is_active=form.is_active.data,
                )
                if (user_store.clean_email(form.email.data) or None) != (user["email"] or None):
                    user_store.set_email(contacts, user_id, form.email.data)
                    audit.record(contacts, g.user["username"], "user_email", None, user["username"])
            except user_store.UserError as error:
                form.password.errors = list(form.password.errors) + [_(str(error))]
                status = 400
            else:
                action = "user_disable" if user["is_active"] and not form.is_active.data else "user_update"
                audit.record(contacts, g.user["username"], action, None, f"{user['username']} ({form.role.data})")
                flash(_("The account was saved."), "success")
                return redirect(url_for(".users"))
    elif form.errors:
        status = 400
    form.password.data = ""
    return render_template("coordinator/user_edit.html", form=form, user=user), status


@bp.route("/audit")
@admin_only
def audit_log():
    return render_template("coordinator/audit.html", entries=audit.entries(get_contacts_db(), limit=500))


# --- the municipality and its departments ---------------------------------------


def _departments_page(municipality_form=None, department_form=None, status=200):
    served, contacts = get_db(), get_contacts_db()
    if municipality_form is None:
        municipality_form = MunicipalityForm(data={"name": department_store.municipality_name(served) or ""})
    rows = department_store.list_departments(served, contacts)
    return render_template(
        "coordinator/departments.html",
        municipality_form=municipality_form,
        form=department_form or DepartmentForm(formdata=None),
        departments=rows,
        overview=department_store.questionnaires_by_department(served, rows),
        group_keys=GROUP_KEYS,
    ), status


@bp.route("/departments", methods=["GET", "POST"])
@admin_only
def departments_page():
    """Departments (list, questionnaires per group, a form to add one) and the municipality's name."""
    if request.method == "GET":
        return _departments_page()
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            key = department_store.add_department(get_db(), form.key.data, form.name_sv.data, form.name_en.data)
        except department_store.DepartmentError as error:
            form.key.errors = list(form.key.errors) + [_(str(error))]
        else:
            audit.record(get_contacts_db(), g.user["username"], "department_add", None, key)
            flash(_("The department was added."), "success")
            return redirect(url_for(".departments_page"))
    return _departments_page(department_form=form, status=400)


@bp.route("/municipality", methods=["POST"])
@admin_only
def municipality():
    form = MunicipalityForm()
    if form.validate_on_submit():
        try:
            department_store.set_municipality_name(get_db(), form.name.data)
        except department_store.DepartmentError as error:
            form.name.errors = list(form.name.errors) + [_(str(error))]
        else:
            audit.record(get_contacts_db(), g.user["username"], "municipality_set", None, form.name.data.strip())
            flash(_("The municipality's name was saved."), "success")
            return redirect(url_for(".departments_page"))
    return _departments_page(municipality_form=form, status=400)


@bp.route("/departments/<key>", methods=["GET", "POST"])
@admin_only
def department_edit(key):
    """Rename a department (its names; the key stays) or remove it when nothing refers to it."""
    department = department_store.get_department(get_db(), key)
    if department is None:
        abort(404)
    form = DepartmentNamesForm(data=department if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        department_store.rename_department(get_db(), key, form.name_sv.data, form.name_en.data)
        audit.record(get_contacts_db(), g.user["username"], "department_rename", None, key)
        flash(_("The department was saved."), "success")
        return redirect(url_for(".departments_page"))
    elif form.errors:
        status = 400
    usage = next(d for d in department_store.list_departments(get_db(), get_contacts_db()) if d["key"] == key)
    return render_template(
        "coordinator/department_edit.html", form=form, department=department, usage=usage, remove_form=ConfirmForm()
    ), status


@bp.route("/departments/<key>/remove", methods=["POST"])
@admin_only
def department_remove(key):
    if department_store.get_department(get_db(), key) is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        department_store.remove_department(get_db(), get_contacts_db(), key)
    except department_store.DepartmentError as error:
        flash(_(str(error)), "error")
        return redirect(url_for(".department_edit", key=key))
    audit.record(get_contacts_db(), g.user["username"], "department_remove", None, key)
    flash(_("The department was removed."), "success")
    return redirect(url_for(".departments_page"))
