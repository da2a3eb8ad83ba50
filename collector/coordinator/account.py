"""The signed-in person's own account page (``/staff/account``): their email address.

Why it exists: "send a test to myself" on the confirmation pages needs an
address for the account, and the person who gets the tests is the one who
knows it; an admin can set it too (the accounts page, or
``medverkan user set-email``). Every staff role has the page, since the
address is theirs whatever they do.
"""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from collector.coordinator import audit
from collector.coordinator import users as user_store
from collector.coordinator.auth import login_required
from collector.coordinator.auth import safe_next
from collector.coordinator.forms import AccountForm
from collector.coordinator.labels import template_globals
from collector.db import get_contacts_db

bp = Blueprint("account", __name__, url_prefix="/staff")


@bp.context_processor
def _labels():
    return template_globals()


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = g.user
    form = AccountForm(data={"email": user["email"] or ""} if request.method == "GET" else None)
    back = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        contacts = get_contacts_db()
        email = user_store.set_email(contacts, user["id"], form.email.data)
        if email != (user["email"] or None):
            audit.record(contacts, user["username"], "user_email", None, user["username"])
        flash(_("Your email address was saved.") if email else _("Your email address was removed."), "success")
        return redirect(back or url_for(".account"))
    return render_template("coordinator/account.html", form=form, user=user, back=back), 400 if form.errors else 200
