"""Staff accounts: coordinators, evaluators, management and admins.

Passwords are hashed with Argon2id (argon2-cffi's current defaults, the
OWASP first choice; the ``ARGON2_PROFILE`` setting may lower the cost under
``TESTING`` only, see :func:`use_argon2_profile`). Verification re-hashes transparently when the library's
parameters change. A disabled account keeps its row (the audit log refers
to its username) but can no longer sign in.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2 import profiles
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

from collector.coordinator.audit import now_utc
from collector.coordinator.participants import valid_email
from collector.db import immediate_transaction

ROLES = ("coordinator", "evaluator", "management", "admin")
MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# ARGON2_PROFILE -> parameters. "production" is argon2-cffi's default
# (RFC 9106 low-memory: 3 passes, 64 MiB, 4 lanes); "testing" is the cheapest
# the library allows, so a test suite that signs in hundreds of times does
# not spend minutes hashing. create_app refuses "testing" outside TESTING.
ARGON2_PROFILES = {
    "production": PasswordHasher(),
    "testing": PasswordHasher.from_parameters(profiles.CHEAPEST),
}
_hasher = ARGON2_PROFILES["production"]
# Verified against when the username is unknown, so that a wrong username
# takes as long as a wrong password (no account enumeration by timing).
# Made on first use with the hasher in force, not at import: an import
# (a CLI command, a test collection) should not pay for a hash.
_dummy_hashes: dict[int, str] = {}


def use_argon2_profile(name: str) -> None:
    """Hash and verify with the named parameters from now on (process-wide)."""
    global _hasher
    if name not in ARGON2_PROFILES:
        raise ValueError(f"Unknown ARGON2_PROFILE {name!r}; use one of {sorted(ARGON2_PROFILES)}")
    _hasher = ARGON2_PROFILES[name]


def password_hasher() -> PasswordHasher:
    """The hasher in force (its parameters are what new hashes use)."""
    return _hasher


def _dummy_hash() -> str:
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash("not-a-real-password-0000")
    return _dummy_hashes[key]


def _password_stamp() -> str:
    """When the password changed, with a random suffix: a session remembers it,
    so any change (even within the same second) ends older sessions."""
    return f"{now_utc()}#{secrets.token_hex(4)}"


class UserError(ValueError):
    """A user request that cannot be carried out (message is an English msgid)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("The password must be at least 12 characters long.")


def get_user(contacts_db, user_id: int) -> dict | None:
    rows = list(contacts_db.query("select * from users where id = ?", [user_id]))
    return rows[0] if rows else None


def get_user_by_username(contacts_db, username: str) -> dict | None:
    rows = list(contacts_db.query("select * from users where username = ?", [username.strip().lower()]))
    return rows[0] if rows else None


def list_users(contacts_db) -> list[dict]:
    return list(contacts_db.query("select * from users order by username"))


def add_user(
    contacts_db,
    username: str,
    password: str,
    role: str,
    *,
    department: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
) -> int:
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise UserError("Usernames use 2-64 lower-case letters, digits, dots, dashes or underscores.")
    if role not in ROLES:
        raise UserError("Unknown role.")
    check_password_rules(password)
    if get_user_by_username(contacts_db, username):
        raise UserError("That username is already taken.")
    with immediate_transaction(contacts_db):
        return contacts_db["users"].insert(
            {
                "username": username,
                "display_name": display_name or username,
                "email": clean_email(email),
                "role": role,
                "department": department or None,
                "password_hash": hash_password(password),
                "is_active": 1,
                "created_on": now_utc(),
                "password_changed_at": _password_stamp(),
            }
        ).last_pk


def clean_email(email: str | None) -> str | None:
    """An account's email address, lower-cased, or None when empty; raises UserError when it is not an address."""
    email = (email or "").strip().lower()
    if not email:
        return None
    if not valid_email(email):
        raise UserError("Enter an email address like name@example.se.")
    return email


def set_email(contacts_db, user_id: int, email: str | None) -> str | None:
    """Set (or clear, with an empty value) the address "send a test to myself" writes to.

    Sessions are not ended: the address grants nothing, it only receives tests.
    """
    email = clean_email(email)
    with immediate_transaction(contacts_db):
        contacts_db["users"].update(user_id, {"email": email})
    return email


def new_session_stamp() -> str:
    return secrets.token_hex(8)


def end_sessions(contacts_db, user_id: int) -> None:
    """Sign the account out everywhere: its sessions and Datasette cookies stop working.

    Joins the caller's transaction when there is one.
    """
    sql, params = "update users set session_stamp = ? where id = ?", [new_session_stamp(), user_id]
    if contacts_db.conn.in_transaction:
        contacts_db.execute(sql, params)
    else:
        with immediate_transaction(contacts_db):
            contacts_db.execute(sql, params)


_UNCHANGED = object()


def update_user(
    contacts_db, user_id: int, *, role: str, department: str | None, display_name: str | None, is_active: bool,
    email: str | None | object = _UNCHANGED,
) -> None:
    """Change an account; its sessions end, so a new role or department applies at once."""
    if role not in ROLES:
        raise UserError("Unknown role.")
    values = {"role": role, "department": department or None, "display_name": display_name, "is_active": int(is_active)}
    if email is not _UNCHANGED:
        values["email"] = email or None
    with immediate_transaction(contacts_db):
        contacts_db["users"].update(user_id, values)
        end_sessions(contacts_db, user_id)


def set_password(contacts_db, user_id: int, password: str) -> None:
    """Change a password; sessions started before the change stop working."""
    check_password_rules(password)
    with immediate_transaction(contacts_db):
        contacts_db["users"].update(user_id, {"password_hash": hash_password(password), "password_changed_at": _password_stamp()})
        end_sessions(contacts_db, user_id)


def set_active(contacts_db, user_id: int, active: bool) -> None:
    with immediate_transaction(contacts_db):
        contacts_db["users"].update(user_id, {"is_active": int(active)})
        end_sessions(contacts_db, user_id)


def authenticate(contacts_db, username: str, password: str) -> dict | None:
    """Return the active user whose password matches, else None."""
    user = get_user_by_username(contacts_db, username or "")
    if user is None or not user["is_active"]:
        try:
            _hasher.verify(_dummy_hash(), password or "")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(user["password_hash"], password or "")
    except (VerificationError, InvalidHashError):
        return None
    changes = {"last_sign_in_at": now_utc()}
    if _hasher.check_needs_rehash(user["password_hash"]):
        changes["password_hash"] = hash_password(password)
    with immediate_transaction(contacts_db):
        contacts_db["users"].update(user["id"], changes)
    return user
