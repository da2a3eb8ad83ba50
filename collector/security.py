"""Security headers, request limits, friendly error pages, token-guess
throttling and log redaction.

Why each piece exists:

* **Headers.** A strict Content-Security-Policy (no ``unsafe-inline``) means
  a stored script in an answer cannot run even if a template forgot to
  escape it. ``Referrer-Policy: no-referrer`` keeps the personal link
  (``/s/<token>``) out of other sites' logs. ``Cache-Control: no-store``
  keeps answers out of shared and back-button caches (ASVS 14.3.2).
* **Error pages.** Bad input must never show a stack trace or an English-only
  message: every 4xx/5xx gets a short page in the user's language.
* **Token guesses.** Tokens carry 192 bits, so guessing is hopeless, but a
  client that hammers ``/s/<random>`` is an attack or a broken script either
  way; after ``TOKEN_GUESS_LIMIT`` failed look-ups from one address its
  unknown tokens answer 429. Only *failed* look-ups count and a valid link
  is never refused, so neither a respondent moving between pages nor one
  sharing an address (a municipality's NAT) with a guesser is throttled.
* **Client address.** Behind ``TRUSTED_PROXY_HOPS`` proxies the address is
  read from ``X-Forwarded-For`` (Werkzeug's ``ProxyFix``); otherwise every
  client would share the proxy's address and one guesser would block all.
* **Logs.** Access and error logs must never contain a token, an answer or an
  email address (ASVS 16.2.5): :class:`RedactingFilter` scrubs every record.
"""

from __future__ import annotations

import logging
import re

from flask import current_app
from flask import g
from flask import render_template
from flask import request
from flask_babel import gettext as _
from limits import parse as parse_limit
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import TooManyRequests

from collector import settings
from collector.limiter import limiter

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# Failed token look-ups allowed per client address (limits' notation).
DEFAULT_TOKEN_GUESS_LIMIT = settings.TOKEN_GUESS_LIMIT

# Endpoints whose responses may be cached: files that are the same for
# everyone and never change under their name (the style sheets, and the
# speech clips, named by what they say: collector/speech/views.py).
CACHEABLE_ENDPOINTS = ("static", "speech.clip")

# Status codes with a message of their own; other 4xx use 400's, other 5xx 500's.
ERROR_CODES = (400, 403, 404, 405, 410, 413, 429, 500)

# --- log redaction --------------------------------------------------------

# /s/<token> (and any path segment after it); the token alphabet is base64url.
_TOKEN_PATH = re.compile(r"(/s/)[A-Za-z0-9_\-]+")
# token=..., code=..., receipt=... in query strings or form-encoded text.
_SECRET_PARAM = re.compile(r"((?:token|code|receipt|receipt_code|csrf_token|email|password)=)[^&\s\"']*", re.I)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Remove tokens, receipt codes and email addresses from ``text``.

    Each pattern needs a literal ("/s/", "=", "@") that most log lines do not
    hold; testing for it first skips the regular expression, which every
    access-log line of every request used to pay three times over.
    """
    if "/s/" in text:
        text = _TOKEN_PATH.sub(r"\1" + REDACTED, text)
    if "=" in text:
        text = _SECRET_PARAM.sub(r"\1" + REDACTED, text)
    if "@" in text:
        text = _EMAIL.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites every record's message through :func:`redact`.

    The message is formatted first (``record.getMessage()``) so that secrets
    passed as ``%s`` arguments, as werkzeug's request log does, are caught too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "medverkan_redacted", False):
            return True  # the logger's filter did it; the handler's need not again
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: format the traceback
            # here so that exception messages are scrubbed too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.medverkan_redacted = True
        return True


_FILTER = RedactingFilter()
# Loggers whose records reach a log file in development or production.
REDACTED_LOGGERS = ("", "werkzeug", "gunicorn.error", "gunicorn.access", "flask.app", "collector")


def install_log_redaction(logger_names=REDACTED_LOGGERS) -> None:
    """Add the redacting filter to the named loggers and to all their handlers.

    A filter on a logger does not see records propagated from child loggers,
    so it is put on the handlers as well (where every record passes).
    """
    for name in logger_names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)


# --- token-guess throttling -----------------------------------------------


def _guess_limit():
    return parse_limit(current_app.config.get("TOKEN_GUESS_LIMIT", DEFAULT_TOKEN_GUESS_LIMIT))


def _throttling_enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _client_key() -> str:
    return "token-guess/" + (request.remote_addr or "unknown")


def note_failed_token_lookup() -> None:
    """Count one unknown token from this client address.

    The respondent flow calls this when ``/s/<token>`` (or any URL carrying a
    token) names no invitation. Calling it twice in one request counts once.
    """
    if g.get("_token_failure_noted") or not _throttling_enabled():
        return
    g._token_failure_noted = True
    limiter.limiter.hit(_guess_limit(), _client_key())


def token_guesses_exceeded() -> bool:
    """True when this client address has used up its failed-look-up budget."""
    if not _throttling_enabled():
        return False
    return not limiter.limiter.test(_guess_limit(), _client_key())


def _note_budget_before_the_view() -> None:
    """Remember whether this address had used up its budget before this request."""
    if request.view_args and "token" in request.view_args:
        g._guesses_exceeded_before = token_guesses_exceeded()


def _count_unknown_tokens(response):
    """A 404 on a URL carrying a token is a failed look-up, whoever forgot to count it.

    A failed look-up from an address past its budget answers 429 instead.
    The look-up itself (one indexed query) runs first, so a valid link from
    a throttled address (a colleague behind the same NAT or proxy) still
    works: only failures are refused.
    """
    if not (request.view_args and "token" in request.view_args):
        return response
    failed = response.status_code == 404 or g.get("_token_failure_noted")
    if response.status_code == 404:
        note_failed_token_lookup()
    if failed and g.get("_guesses_exceeded_before"):
        return current_app.make_response(_handle_http_exception(TooManyRequests()))
    return response


def trust_proxy_headers(app) -> None:
    """Read the client's address and scheme from ``TRUSTED_PROXY_HOPS`` proxies' headers."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


# --- headers ----------------------------------------------------------------


# Sent on every response unless the view set its own value.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))
_HSTS = ("Strict-Transport-Security", "max-age=31536000")


def _set_headers(response):
    """Add the security headers a view did not set itself.

    The names already present are read once: werkzeug's ``Headers.setdefault``
    scans the whole list for each name, which made this hook a tenth of a
    short request's CPU (bench/whole_questionnaire.py).
    """
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    missing = [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present]
    if request.endpoint not in CACHEABLE_ENDPOINTS or response.status_code >= 400:
        # Every page may show answers, a token or a staff view: never cache.
        if present & {"cache-control", "pragma"}:
            for name, value in _NO_STORE:
                headers[name] = value
        else:
            missing.extend(_NO_STORE)
    if current_app.config.get("SESSION_COOKIE_SECURE") and _HSTS[0].lower() not in present:
        missing.append(_HSTS)
    headers.extend(missing)
    return response


# --- error pages ------------------------------------------------------------


def _messages():
    """Title and explanation per status code (translated at request time)."""
    return {
        400: (
            _("The request could not be understood"),
            _(
                "Something in what was sent was not valid. "
                "If you were filling in a form, go back and try again: your answers on earlier pages are saved."
            ),
        ),
        403: (
            _("You do not have access to this page"),
            _("Sign in with an account that has access, or ask the coordinator."),
        ),
        404: (
            _("Page not found"),
            _("Check that the address is exactly as in your invitation. If you copied a link, make sure you copied all of it."),
        ),
        405: (
            _("This action is not possible here"),
            _("The page cannot be used this way. Go back and use the buttons on the page."),
        ),
        410: (
            _("This link is no longer valid"),
            _("The link has expired or been withdrawn. Contact the person who sent you the invitation if you want a new one."),
        ),
        413: (
            _("What you sent is too large"),
            _("Shorten the text or choose a smaller file and try again."),
        ),
        429: (
            _("Too many attempts"),
            _("Too many attempts have been made from your connection. Wait a while and try again."),
        ),
        500: (
            _("Something went wrong on our side"),
            _("The error has been logged. Try again in a moment. Answers you have already saved are not lost."),
        ),
    }


def render_error(code: int):
    """Render the friendly page for ``code``; falls back to plain text if rendering fails."""
    messages = _messages()
    title, explanation = messages.get(code) or messages[400 if code < 500 else 500]
    try:
        body = render_template("errors.html", code=code, title=title, explanation=explanation)
    except Exception:  # the error page itself must never fail
        current_app.logger.exception("Could not render the error page")
        body = f"<!doctype html><title>{code}</title><p>{code}</p>"
    return body, code


def _handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    body, code = render_error(error.code)
    response = current_app.make_response((body, code))
    # Keep headers such as Allow (405) and Retry-After (429).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app) -> None:
    """Attach headers, error pages, throttling and log redaction to ``app``."""
    app.config.setdefault("TOKEN_GUESS_LIMIT", DEFAULT_TOKEN_GUESS_LIMIT)
    app.config.setdefault("TRUSTED_PROXY_HOPS", settings.TRUSTED_PROXY_HOPS)
    trust_proxy_headers(app)
    app.before_request(_note_budget_before_the_view)
    app.after_request(_count_unknown_tokens)
    app.after_request(_set_headers)
    # Unhandled exceptions become InternalServerError (after Flask logs them)
    # and reach this handler too; in testing they propagate as usual.
    app.register_error_handler(HTTPException, _handle_http_exception)
    install_log_redaction()
    install_log_redaction([app.logger.name])
