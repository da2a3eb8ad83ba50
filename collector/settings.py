"""Every configuration key of Medverkan, its default and its meaning.

The collector's keys are the upper-case names below: ``create_app`` loads
this module first, then ``instance/config.py``, then ``MEDVERKAN_*``
environment variables (JSON-parsed, e.g. ``MEDVERKAN_SMTP_PORT=2525``),
then a test's mapping. The servers' environment variables (gunicorn, read by
``collector.ops.gunicorn_conf``) and Datasette's (read by
``datasette_plugins.config``, set by ``medverkan serve``) are listed at the
end with their defaults, so this is the one place to look.
"""

import datetime

# --- the collector app ---------------------------------------------------------

# The date the app acts on, as an ISO date: None (the default) is the system
# date. Only for tests and rehearsals on a simulated calendar (collector.clock).
TODAY = None

# Signs sessions and CSRF tokens; Datasette's sign-in bridge uses the same
# secret. Must be set in production (the app refuses the default outside
# debug, testing and the demo).
SECRET_KEY = "dev-insecure-change-me"

# Paths default to the instance folder (set in create_app).
DATABASE = None
CONTACTS_DATABASE = None

# ``medverkan serve --demo``: the demo database; the default SECRET_KEY is allowed.
DEMO = False

# Personal links expire this many days after they are created.
INVITATION_VALID_DAYS = 60

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # set True behind HTTPS
PERMANENT_SESSION_LIFETIME = datetime.timedelta(hours=8)

# A half-filled questionnaire must never be lost to an expired CSRF token
# (WCAG 2.2.1): tokens follow the session, not a clock.
WTF_CSRF_TIME_LIMIT = None

# The receipt code waits this many seconds in the contacts database for the
# thanks page to show it once (collector.respondent.receipt_handoff); the
# session cookie carries only a random nonce.
RECEIPT_HANDOFF_SECONDS = 600

# Upload and request size limit (CSV imports, XLSForm uploads, answers).
MAX_CONTENT_LENGTH = 4 * 1024 * 1024

# Where the printed links and emails point (never the request's Host header).
PUBLIC_BASE_URL = "http://127.0.0.1:5000"

# Throttling (limits' notation). RATELIMIT_ENABLED = False turns every limit
# off (load tests only). The storage is per process unless set to a shared
# one (e.g. "redis://...").
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = "memory://"
# Unknown personal-link tokens per address before further guesses are refused.
TOKEN_GUESS_LIMIT = "20 per 10 minutes"
# Failed sign-ins per account *from one address* (so nobody elsewhere can
# lock a named person out), and per address over all accounts.
SIGNIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
SIGNIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
# Behind a reverse proxy every request comes from the proxy's address, and
# throttles keyed by address would then hit everyone at once. Set this to
# the number of proxies in front of the collector that append to
# X-Forwarded-For / X-Forwarded-Proto (1 for one TLS proxy): the client's
# address is then taken from that header (Werkzeug's ProxyFix). 0 (the
# default) trusts no header: right when clients connect directly, and the
# only safe value when they can, since the header is set by the client.
TRUSTED_PROXY_HOPS = 0

# --- questions read aloud (collector/speech) ------------------------------------------

# Where the speech of published versions is kept (clips and one record per
# version); None (the default) is <instance>/audio. Not personal data; rebuilt
# by `medverkan instruments audio`, so backups need not carry it.
AUDIO_FOLDER = None
# The programs that make it (Debian packages espeak-ng and lame). Without
# espeak-ng versions are published without speech (logged); without lame the
# clips stay WAV (about ten times larger than the MP3).
ESPEAK_NG_COMMAND = "espeak-ng"
LAME_COMMAND = "lame"
# Make the speech when a version is published (a questionnaire of 40
# questions takes some seconds). False leaves it to `medverkan instruments
# audio` (run it from cron or by hand); the test suite sets False and its
# speech tests turn it on.
SPEECH_ON_PUBLISH = True
# Longest one text may take to speak or encode before it is given up.
SPEECH_TIMEOUT_SECONDS = 30

# New free-text answers wait outside the full-text search (stored, but not
# searchable) until this many responses' text waits; then they enter it together, in random
# order, with one merge of the index (collector.respondent.search_release;
# docs/privacy.md). `medverkan release-search` (daily, from cron) releases
# whatever waits. 1 releases every answer at once: each submission with free
# text then rewrites the whole index (about 1 s at 60,000 answers, under the
# write lock: bench/README.md).
FULL_TEXT_BATCH = 10

# --- the coordinator workspace ---------------------------------------------------

# Cost of staff password hashes: "production" (argon2-cffi's defaults, RFC 9106
# low-memory) or "testing" (the cheapest parameters, for the test suite only;
# create_app refuses it unless TESTING is set).
ARGON2_PROFILE = "production"

# Outgoing mail. SMTP_SSL = implicit TLS (port 465); SMTP_STARTTLS upgrades a plain connection.
SMTP_HOST = "localhost"
SMTP_PORT = 25
SMTP_STARTTLS = False
SMTP_SSL = False
SMTP_USERNAME = None
SMTP_PASSWORD = None
SMTP_TIMEOUT = 30
MAIL_FROM = "Medverkan <medverkan@localhost>"
# A reminder never goes to the same person twice within this many days.
REMINDER_MIN_DAYS = 7
# The hired person's follow-up is due this many days after their start date
# (recorded with the decision; the closing date when none was recorded).
FOLLOWUP_DAYS = 182
# At most this many reminders of a follow-up, REMINDER_MIN_DAYS apart.
FOLLOWUP_REMINDERS = 2
# Contact data of a closed process are deleted this many days after closing,
# except the hired person's row and follow-up link while the follow-up is
# pending (deleted once it is answered or its link expires).
RETENTION_DAYS = 90
# Where Datasette is served; `next=` may point there after sign-in.
DATASETTE_URL = "http://127.0.0.1:8001"

# --- the pool of representatives (collector/brukarbank) ----------------------------

# Smallest count the collector itself publishes in the served database
# (representative_profile); keep it equal to Datasette's MEDVERKAN_DS_K.
SMALL_CELL_K = 5
# A pool member with no registration, edit, training or assignment for this
# many days is removed by `medverkan brukarbank purge` (counts are kept).
POOL_INACTIVE_DAYS = 730

# Keys whose defaults ``apply_defaults`` sets on an app not made by
# ``create_app`` (the coordinator blueprint and its commands rely on them).
coordinator_keys = (
    "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_SSL", "SMTP_USERNAME", "SMTP_PASSWORD",
    "SMTP_TIMEOUT", "MAIL_FROM", "REMINDER_MIN_DAYS", "FOLLOWUP_DAYS", "FOLLOWUP_REMINDERS", "RETENTION_DAYS",
    "SIGNIN_LIMIT_PER_ACCOUNT", "SIGNIN_LIMIT_PER_ADDRESS", "DATASETTE_URL",
)


def apply_defaults(app) -> None:
    """Set the coordinator keys' defaults where an app lacks them (``create_app``'s apps have them)."""
    for key in coordinator_keys:
        app.config.setdefault(key, globals()[key])


# --- the servers' environment (not app.config) -----------------------------------
# Lower-case names: Flask's from_object loads only upper-case ones.

# The instance folder (config.py, default databases), read by collector.instance_folder():
# default Flask's (instance/ next to the package in a clone).
instance_environment = {"MEDVERKAN_INSTANCE_PATH": None}

# gunicorn, read by collector/ops/gunicorn_conf.py: variable -> default.
gunicorn_environment = {
    "MEDVERKAN_BIND": "127.0.0.1:8000",  # address:port the workers listen on
    "MEDVERKAN_WORKERS": None,  # sync workers; default: the number of CPUs
    "MEDVERKAN_ACCESS_LOG": "-",  # access log file ("-": standard output), client addresses redacted
    "MEDVERKAN_ERROR_LOG": "-",  # error log file ("-": standard error)
    "MEDVERKAN_LOG_LEVEL": "info",
}

# Datasette, read by datasette_plugins/config.py in its own process and set by
# ``medverkan serve`` (datasette_plugins.launch): variable -> meaning.
datasette_environment = {
    "MEDVERKAN_DS_K": "small-cell threshold: groups smaller than this are suppressed (default 5)",
    "MEDVERKAN_DS_LOGIN_URL": "the collector's staff sign-in page (default http://127.0.0.1:5000/staff/login)",
    "MEDVERKAN_DS_CONTACTS": "path of the contacts database, for response rates (default: none)",
    "MEDVERKAN_DS_DEMO": "1 when serving the demo database",
    "DATASETTE_SECRET": "the collector's SECRET_KEY, to check the ds_actor cookie",
}
