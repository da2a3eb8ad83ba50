"""The ``ds_actor`` cookie that tells Datasette who is signed in.

Datasette (0.65) reads ``ds_actor`` in ``datasette/actor_auth_cookie.py``:
``URLSafeSerializer(secret, "actor").loads(cookie)`` must give
``{"a": actor, "e": expiry}``, where ``e`` is a Unix time in Datasette's
base62 (``datasette.utils.baseconv.base62``). We produce exactly that with
the collector's ``SECRET_KEY``, which is also passed to Datasette as
``DATASETTE_SECRET``: one secret, one cookie, no second sign-in.
"""

from __future__ import annotations

import time

from itsdangerous import URLSafeSerializer

COOKIE_NAME = "ds_actor"
# datasette.utils.baseconv.base62's alphabet (upper case first).
BASE62_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz"


def base62_encode(number: int) -> str:
    if number == 0:
        return BASE62_ALPHABET[0]
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(BASE62_ALPHABET[remainder])
    return "".join(reversed(digits))


def base62_decode(text: str) -> int:
    number = 0
    for char in text:
        number = number * 62 + BASE62_ALPHABET.index(char)
    return number


def actor_cookie_value(
    secret_key: str, username: str, role: str, lifetime_seconds: int, now: float | None = None, stamp: str | None = None
) -> str:
    """``stamp`` is the account's session stamp: Datasette refuses the cookie once it rotates (sign-out)."""
    expires_at = int((now if now is not None else time.time()) + lifetime_seconds)
    actor = {"id": username, "role": role}
    if stamp:
        actor["stamp"] = stamp
    payload = {"a": actor, "e": base62_encode(expires_at)}
    return URLSafeSerializer(secret_key, "actor").dumps(payload)


def read_actor_cookie(secret_key: str, value: str) -> dict | None:
    """Decode a cookie the way Datasette does (for tests and diagnostics)."""
    try:
        decoded = URLSafeSerializer(secret_key, "actor").loads(value)
    except Exception:
        return None
    if not isinstance(decoded, dict) or "a" not in decoded:
        return None
    if decoded.get("e") and time.time() > base62_decode(decoded["e"]):
        return None
    return decoded["a"]
