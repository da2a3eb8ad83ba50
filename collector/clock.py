"""The date Medverkan acts on.

Everything that compares or records a date (link expiry, sending,
reminders, closing, follow-ups, purging, answers' dates) asks
:func:`today` instead of ``datetime.date.today()``, so a test or a
rehearsal can live through a recruitment year on a simulated calendar by
setting the ``TODAY`` configuration key, without patching ``datetime``.
"""

from __future__ import annotations

import datetime

from flask import current_app
from flask import has_app_context


def today() -> datetime.date:
    """``TODAY`` from the app's configuration when set (an ISO date or a date), else the system date."""
    if has_app_context():
        configured = current_app.config.get("TODAY")
        if configured:
            if isinstance(configured, datetime.date):
                return configured
            return datetime.date.fromisoformat(str(configured))
    return datetime.date.today()
