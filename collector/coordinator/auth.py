"""Staff sign-in and sign-out, the signed-in user, and access decorators.

Sessions are Flask's signed cookies with ``HttpOnly``, ``SameSite=Lax`` and
``Secure`` whenever the request came over HTTPS (or ``SESSION_COOKIE_SECURE``
is set). A session ends after ``PERMANENT_SESSION_LIFETIME`` counted from
sign-in (not from last use), when the account is disabled, or when its
password changes. Failed sign-ins are throttled per account and per client
address with the shared limiter (``collector.limiter``).
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlsplit

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from limits import parse as parse_limit
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from collector.coordinator import audit
from collector.coordinator import users
from collector.coordinator.actor_cookie import COOKIE_NAME
from collector.coordinator.actor_cookie import actor_cookie_value
from collector.db import get_contacts_db
from collector.limiter import limiter
from collector.settings import apply_defaults

bp = Blueprint("auth", __name__, url_prefix="/staff")

WORKSPACE_ROLES = ("coordinator", "admin")


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie ``Secure`` whenever the request itself was HTTPS.

    Also keeps the cookie's signing serializer for as long as the keys stay
    the same: Flask builds a new one to open and again to save the cookie,
    and itsdangerous test-serialises a value each time it builds one, a
    noticeable part of a questionnaire page's fixed cost
    (bench/whole_questionnaire.py). A changed ``SECRET_KEY`` or
    ``SECRET_KEY_FALLBACKS`` builds a new one.
    """

    def __init__(self):
        self._serializer = None

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._serializer
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]

    def get_cookie_secure(self, app) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        try:
            return request.is_secure
        except RuntimeError:
            return False


@bp.record_once
def _setup(state) -> None:
    app = state.app
    apply_defaults(app)
    app.session_interface = HttpsAwareSessionInterface()
    app.before_request(load_signed_in_user)
    app.context_processor(lambda: {"staff_user": g.get("user")})


# --- the signed-in user -----------------------------------------------------


def _lifetime() -> datetime.timedelta:
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def load_signed_in_user() -> None:
    """Put the signed-in, still valid user on ``g.user`` (or None)."""
    g.user = None
    user_id = session.get("uid")
    if user_id is None or request.endpoint == "static":
        return
    try:
        since = datetime.datetime.fromisoformat(session.get("since", ""))
    except ValueError:
        since = None
    now = datetime.datetime.now(datetime.timezone.utc)
    user = users.get_user(get_contacts_db(), user_id)
    if (
        user is None
        or not user["is_active"]
        or since is None
        or now - since > _lifetime()
        or user["password_changed_at"] != session.get("pwc")
        or (user["session_stamp"] or None) != session.get("stamp")
    ):
        for key in ("uid", "since", "pwc", "stamp"):
            session.pop(key, None)
        return
    g.user = user


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def roles_required(*roles):
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if g.user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- throttling ---------------------------------------------------------------


def _throttling_enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _limits(username: str):
    """Failed sign-ins counted per account *and address*, and per address.

    Never per account alone: then anyone could lock a named person out
    with ten wrong passwords (issue 10 part 5). A guesser is slowed per
    address; the account's owner, from another address, signs in.
    """
    config = current_app.config
    address = request.remote_addr or "unknown"
    return [
        (parse_limit(config["SIGNIN_LIMIT_PER_ACCOUNT"]), f"signin-account/{username.strip().lower()}/{address}"),
        (parse_limit(config["SIGNIN_LIMIT_PER_ADDRESS"]), "signin-address/" + address),
    ]


def sign_in_throttled(username: str) -> bool:
    if not _throttling_enabled():
        return False
    return any(not limiter.limiter.test(item, key) for item, key in _limits(username))


def note_failed_sign_in(username: str) -> None:
    if not _throttling_enabled():
        return
    for item, key in _limits(username):
        limiter.limiter.hit(item, key)


# --- next= -------------------------------------------------------------------


def _has_control_or_space(target: str) -> bool:
    """Tabs, CR/LF, NUL, DEL, any whitespace: browsers drop or act on them
    ("/\t/evil.example" becomes "//evil.example"), and CR/LF would split
    the Location header."""
    return any(ord(ch) < 0x21 or ord(ch) == 0x7F or ch.isspace() for ch in target)


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a same-origin path or under DATASETTE_URL, else None.

    A local path starts with one "/" followed by anything but "/" or "\\"
    (scheme-relative "//host", "/\\host"), holds no backslash (browsers
    read it as "/"), no control character or whitespace, and parses with
    no scheme or host. Everything else (``javascript:``, ``http://...``,
    ``//evil``, ``/\t/evil``, ``/%09/evil`` once decoded) is ignored and the
    user lands on their home page.
    """
    if not target or len(target) > 2000 or "\\" in target or _has_control_or_space(target):
        return None
    candidate = urlsplit(target)
    if target.startswith("/") and not target.startswith("//"):
        if not candidate.scheme and not candidate.netloc:
            return target
        return None
    datasette = (current_app.config.get("DATASETTE_URL") or "").rstrip("/")
    if datasette:
        base = urlsplit(datasette)
        if (
            candidate.scheme == base.scheme
            and candidate.netloc == base.netloc
            and "@" not in candidate.netloc
            and (candidate.path + "/").startswith(base.path + "/")
        ):
            return target
    return None


def home_for(user: dict) -> str:
    if user["role"] in WORKSPACE_ROLES:
        return url_for("coordinator.index")
    return url_for("coordinator.staff_home")


# --- pages -------------------------------------------------------------------


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[InputRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])
    next = HiddenField()


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        contacts_db = get_contacts_db()
        if sign_in_throttled(username):
            error = _("Too many failed sign-in attempts. Wait 15 minutes and try again, or ask an administrator to reset your password.")
            status = 429
        else:
            user = users.authenticate(contacts_db, username, form.password.data)
            if user is None:
                note_failed_sign_in(username)
                error = _("The username or password is wrong, or the account is disabled.")
                status = 401
            else:
                return _start_session(user, form.next.data)
    elif request.method == "POST":
        error = _("Enter your username and password.")
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form, error=error), status


def _start_session(user: dict, next_target: str | None):
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.permanent = True
    session["uid"] = user["id"]
    session["since"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    session["pwc"] = user["password_changed_at"]
    session["stamp"] = user["session_stamp"] or None
    audit.record(get_contacts_db(), user["username"], "sign_in")
    response = redirect(safe_next(next_target) or home_for(user))
    lifetime = int(_lifetime().total_seconds())
    response.set_cookie(
        COOKIE_NAME,
        actor_cookie_value(
            current_app.config["SECRET_KEY"], user["username"], user["role"], lifetime, stamp=user["session_stamp"]
        ),
        max_age=lifetime,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE") or request.is_secure),
        path="/",
    )
    return response


class SignOutForm(FlaskForm):
    pass


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = SignOutForm()
    if request.method == "GET":
        # Signing out changes state, so it takes a POST (CSRF-protected);
        # GET shows the button, which works without JavaScript.
        return render_template("auth/logout.html", form=form)
    if not form.validate_on_submit():
        abort(400)
    if g.get("user"):
        # Everywhere: this browser's cookies are deleted below, and any copy
        # of them (another device, a stolen cookie) stops working too.
        users.end_sessions(get_contacts_db(), g.user["id"])
        audit.record(get_contacts_db(), g.user["username"], "sign_out")
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You are signed out."), "success")
    response = redirect(url_for("auth.login"))
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="Lax")
    return response
