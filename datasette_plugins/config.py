"""Plugin settings, read from the environment the launcher sets.

Kept out of metadata.yml so that ``/-/metadata.json`` never shows the path
of the contacts database or anything else a visitor should not see.
"""

from __future__ import annotations

import os

DEFAULT_K = 5


def small_cell_k() -> int:
    """Smallest count shown to management (cells with n < k are suppressed)."""
    try:
        return max(1, int(os.environ.get("MEDVERKAN_DS_K", DEFAULT_K)))
    except ValueError:
        return DEFAULT_K


def login_url() -> str:
    return os.environ.get("MEDVERKAN_DS_LOGIN_URL") or "http://127.0.0.1:5000/staff/login"


def contacts_path() -> str | None:
    return os.environ.get("MEDVERKAN_DS_CONTACTS") or None


def demo() -> bool:
    return os.environ.get("MEDVERKAN_DS_DEMO") == "1"


DEFAULT_MAX_RESPONSE_MB = 100


def max_response_bytes() -> int:
    """Largest response body Datasette may send (see hardening.py)."""
    try:
        mb = int(os.environ.get("MEDVERKAN_DS_MAX_RESPONSE_MB", DEFAULT_MAX_RESPONSE_MB))
    except ValueError:
        mb = DEFAULT_MAX_RESPONSE_MB
    return max(1, mb) * 1024 * 1024
