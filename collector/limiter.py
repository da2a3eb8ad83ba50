"""Throttling counters for sign-in attempts and token guesses.

Built on the ``limits`` library (the engine under Flask-Limiter) rather
than Flask-Limiter itself: no route is throttled by decorator, sign-in and
token look-ups count exactly what they mean to count, and Flask-Limiter's
before-request hook cost every other request 7 % of a submission's CPU for
nothing.

Counts are kept in memory per worker process (``RATELIMIT_STORAGE_URI``
defaults to ``memory://``, fixed windows). With two gunicorn workers an
attacker gets at most twice the configured budget; point the storage at
Redis or memcached to share counts. Tests disable throttling with
``RATELIMIT_ENABLED=False`` unless they test it.
"""

from __future__ import annotations

from flask import current_app
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

_EXTENSION = "medverkan_throttle"


class Throttle:
    """``limiter.limiter`` is the current app's ``limits`` rate limiter."""

    @property
    def limiter(self) -> FixedWindowRateLimiter:
        return current_app.extensions[_EXTENSION]


limiter = Throttle()


def init_app(app) -> None:
    """Give each app its own counters (tests build many apps in one process)."""
    storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.extensions[_EXTENSION] = FixedWindowRateLimiter(storage)
