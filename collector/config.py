"""Default configuration. Override in ``instance/config.py`` or with
``MEDVERKAN_*`` environment variables (JSON-parsed, e.g.
``MEDVERKAN_SMTP_PORT=2525``)."""

import datetime

# Signs sessions and CSRF tokens; Datasette's sign-in bridge uses the same
# secret. Must be set in production (the app refuses the default outside
# debug and testing).
SECRET_KEY = "dev-insecure-change-me"

# Paths default to the instance folder (set in create_app).
DATABASE = None
CONTACTS_DATABASE = None

# Personal links expire this many days after they are created.
INVITATION_VALID_DAYS = 60

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # set True behind HTTPS
PERMANENT_SESSION_LIFETIME = datetime.timedelta(hours=8)

# A half-filled questionnaire must never be lost to an expired CSRF token
# (WCAG 2.2.1): tokens follow the session, not a clock.
WTF_CSRF_TIME_LIMIT = None

# Upload and request size limit (CSV imports, XLSForm uploads, answers).
MAX_CONTENT_LENGTH = 4 * 1024 * 1024

# Where the printed links and emails point.
PUBLIC_BASE_URL = "http://127.0.0.1:5000"
