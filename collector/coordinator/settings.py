"""Configuration keys of the coordinator workspace and their defaults.

They are set with ``setdefault`` when the blueprint is registered, so
``instance/config.py`` and ``MEDVERKAN_*`` variables override them.
"""

DEFAULTS = {
    # Outgoing mail. SMTP_SSL = implicit TLS (port 465); SMTP_STARTTLS upgrades a plain connection.
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_STARTTLS": False,
    "SMTP_SSL": False,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_TIMEOUT": 30,
    "MAIL_FROM": "Medverkan <medverkan@localhost>",
    # A reminder never goes to the same person twice within this many days.
    "REMINDER_MIN_DAYS": 7,
    # The hired person's follow-up is due this many days after the process closes.
    "FOLLOWUP_DAYS": 182,
    # Contact data of a closed process are deleted this many days after closing.
    "RETENTION_DAYS": 90,
    # Sign-in throttling (limits' notation): failed attempts per account and per address.
    "SIGNIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    "SIGNIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",
    # Where Datasette is served; `next=` may point there after sign-in.
    "DATASETTE_URL": "http://127.0.0.1:8001",
}


def apply_defaults(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
