"""Security headers, friendly error pages, request size limit, token-guess
throttling and log redaction (collector/security.py)."""

from __future__ import annotations

import io
import logging
import secrets

import pytest
from flask import abort
from flask import request

from collector import create_app
from collector import security

CSP_REQUIRED = [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def _probe_routes(app):
    """Routes that exercise the cross-cutting behaviour without depending on other areas' pages."""

    @app.route("/_probe/token/<token>")
    def probe_token(token):
        if token == "known":
            return "ok"
        abort(404)

    @app.route("/_probe/counted/<token>")
    def probe_counted(token):
        # The respondent flow's way: note the failure explicitly, answer 410.
        security.note_failed_token_lookup()
        security.note_failed_token_lookup()  # twice in one request counts once
        abort(410)

    @app.route("/_probe/form", methods=["POST"])
    def probe_form():
        return str(len(request.form.get("text", "")))

    @app.route("/_probe/own-headers")
    def probe_own_headers():
        # A view that sets its own policy and a cache lifetime (as a file download might).
        return "ok", 200, {"Content-Security-Policy": "default-src 'none'", "Cache-Control": "max-age=60", "Pragma": "x"}

    @app.route("/_probe/s/<token>")
    def probe_crash(token):
        raise RuntimeError("boom for someone@example.org")


@pytest.fixture
def limited_app(db_paths, tmp_path):
    """An app with rate limiting on (the shared fixture turns it off)."""
    served, contacts = db_paths
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE": served,
            "CONTACTS_DATABASE": contacts,
            "RATELIMIT_ENABLED": True,
            "TOKEN_GUESS_LIMIT": "5 per 10 minutes",
            "MAX_CONTENT_LENGTH": 64 * 1024,
            "WTF_CSRF_ENABLED": False,
            "ARGON2_PROFILE": "testing",
        },
        instance_path=str(tmp_path / "instance"),
    )
    _probe_routes(app)
    return app


@pytest.mark.parametrize("path", ["/", "/nope", "/_probe/token/known", "/_probe/token/unknown"])
def test_every_page_gets_the_security_headers(limited_app, path):
    response = limited_app.test_client().get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in CSP_REQUIRED:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_views_own_policy_is_kept_but_a_page_is_never_cached(limited_app):
    limited_app.config["SESSION_COOKIE_SECURE"] = True
    headers = limited_app.test_client().get("/_probe/own-headers").headers
    assert headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert headers.getlist("Cache-Control") == ["no-store"] and headers.getlist("Pragma") == ["no-cache"]
    for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Strict-Transport-Security"):
        assert len(headers.getlist(name)) == 1, name


def test_static_files_may_be_cached_but_keep_nosniff(limited_app):
    response = limited_app.test_client().get("/static/medverkan.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_when_cookies_are_https_only(limited_app):
    assert "Strict-Transport-Security" not in limited_app.test_client().get("/nope").headers
    limited_app.config["SESSION_COOKIE_SECURE"] = True
    hsts = limited_app.test_client().get("/nope").headers["Strict-Transport-Security"]
    assert int(hsts.split("=")[1]) >= 31536000


@pytest.mark.parametrize(
    "lang, expected",
    [("sv", "Sidan finns inte"), ("en", "Page not found")],
)
def test_404_is_a_friendly_page_in_the_users_language(limited_app, lang, expected):
    response = limited_app.test_client().get(f"/nope?lang={lang}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert expected in page
    assert f'<html lang="{lang}">' in page


def test_405_keeps_the_allow_header_and_explains(limited_app):
    response = limited_app.test_client().delete("/_probe/form")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Det går inte att göra så här" in response.get_data(as_text=True)


def test_oversized_request_gets_a_friendly_413(limited_app):
    client = limited_app.test_client()
    small = client.post("/_probe/form", data={"text": "x" * 1000})
    assert small.status_code == 200 and small.get_data(as_text=True) == "1000"
    response = client.post("/_probe/form", data={"text": "x" * (128 * 1024)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Det du skickade är för stort" in page
    english = client.post("/_probe/form?lang=en", data={"text": "x" * (128 * 1024)})
    assert "What you sent is too large" in english.get_data(as_text=True)


def test_unexpected_error_is_a_friendly_500_and_the_log_is_redacted(limited_app):
    limited_app.config["PROPAGATE_EXCEPTIONS"] = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    limited_app.logger.addHandler(handler)
    try:
        token = secrets.token_urlsafe(24)
        response = limited_app.test_client().get(f"/_probe/s/{token}")
    finally:
        limited_app.logger.removeHandler(handler)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Något gick fel hos oss" in page
    assert "RuntimeError" not in page and "Traceback" not in page
    logged = stream.getvalue()
    assert "Exception on /_probe/s/" in logged
    assert token not in logged
    assert "someone@example.org" not in logged


def test_many_unknown_tokens_from_one_address_get_429(limited_app):
    client = limited_app.test_client()
    for _ in range(5):
        assert client.get(f"/_probe/token/{secrets.token_urlsafe(24)}").status_code == 404
    blocked = client.get(f"/_probe/token/{secrets.token_urlsafe(24)}")
    assert blocked.status_code == 429
    assert "För många försök" in blocked.get_data(as_text=True)
    # A valid token still works from the blocked address (issue 10 part 5) ...
    assert client.get("/_probe/token/known").status_code == 200
    # ... and another address is not affected.
    other = client.get("/_probe/token/known", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200


def test_successful_lookups_never_count_as_guesses(limited_app):
    client = limited_app.test_client()
    for _ in range(30):
        assert client.get("/_probe/token/known").status_code == 200


def test_explicit_failure_notes_count_once_per_request(limited_app):
    client = limited_app.test_client()
    for _ in range(5):
        assert client.get("/_probe/counted/x").status_code == 410
    assert client.get("/_probe/counted/x").status_code == 429


def test_throttling_is_off_when_rate_limiting_is_disabled(app):
    app.config["TOKEN_GUESS_LIMIT"] = "1 per 10 minutes"
    _probe_routes(app)
    client = app.test_client()
    for _ in range(5):
        assert client.get(f"/_probe/token/{secrets.token_urlsafe(8)}").status_code == 404


def test_real_personal_link_route_is_throttled(limited_app):
    """The respondent flow's /s/<token>: unknown tokens are counted there too."""
    client = limited_app.test_client()
    statuses = [client.get(f"/s/{secrets.token_urlsafe(24)}").status_code for _ in range(6)]
    assert statuses[0] in (404, 410)
    assert statuses[-1] == 429


@pytest.mark.parametrize(
    "line, secrets_in_line",
    [
        ('127.0.0.1 - - "GET /s/AbC-12_xyzTOKENtoken HTTP/1.1" 200', ["AbC-12_xyzTOKENtoken"]),
        ('"POST /s/q9Zx-_kLm/page/2 HTTP/1.1" 302', ["q9Zx-_kLm"]),
        ("GET /withdraw?code=ABCD-EFGH-JKMN-PQRS", ["ABCD-EFGH-JKMN-PQRS"]),
        ("invited anna.svensson@helsingborg.se to process 4", ["anna.svensson@helsingborg.se"]),
        ("body token=abc123&email=x%40y.se", ["abc123", "x%40y.se"]),
    ],
)
def test_redact_removes_tokens_codes_and_emails(line, secrets_in_line):
    cleaned = security.redact(line)
    for secret in secrets_in_line:
        assert secret not in cleaned
    assert security.REDACTED in cleaned


def test_werkzeug_style_records_are_redacted_through_their_arguments():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("werkzeug")
    logger.addHandler(handler)
    security.install_log_redaction(["werkzeug"])
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        logger.info('%s - - "%s" %s', "127.0.0.1", "GET /s/SECRETtoken123 HTTP/1.1", "200")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert "SECRETtoken123" not in stream.getvalue()
    assert "/s/[redacted]" in stream.getvalue()


def test_other_client_errors_also_get_a_page_in_the_users_language(limited_app):
    @limited_app.route("/_probe/415")
    def probe_415():
        abort(415)

    response = limited_app.test_client().get("/_probe/415")
    assert response.status_code == 415
    assert "Förfrågan kunde inte tolkas" in response.get_data(as_text=True)
