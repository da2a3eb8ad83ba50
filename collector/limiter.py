"""The app's one Flask-Limiter instance (sign-in attempts, token guesses).

Counts are kept in memory per worker process (``RATELIMIT_STORAGE_URI``
defaults to ``memory://``). With two gunicorn workers an attacker gets at most
twice the configured budget; point the storage at Redis or memcached to share
counts. Tests disable it with ``RATELIMIT_ENABLED=False`` unless they test it.
"""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")


def init_app(app) -> None:
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
