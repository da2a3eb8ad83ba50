"""The production access log (collector/ops/gunicorn_conf.py) never writes a
secret or a personal detail, whatever ``access_log_format`` asks for.

gunicorn's logger is driven directly with a request that carries every kind
of secret: a personal link in the path, a receipt code in the query string,
a session cookie, a forwarded address, a referrer with a token and a user
agent. Real-server coverage is in tests/test_security_gunicorn.py; this one
asks for every atom gunicorn knows, which a deployment might configure.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from gunicorn.config import Config

from collector.ops import gunicorn_conf

TOKEN = "Zq8T3vN1xY7bK2mP4rS6uW9aC0dE5fG"
EVERY_ATOM = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(m)s %(U)s %(q)s %(H)s %(b)s %(B)s "%(f)s" "%(a)s" '
    "%(T)s %(D)s %(M)s %(L)s %(p)s "
    "%({cookie}i)s %({x-forwarded-for}i)s %({referer}i)s %({set-cookie}o)s %({remote_addr}e)s %({http_cookie}e)s"
)


def logged_line(tmp_path, log_format: str) -> str:
    path = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(path))
    config.set("access_log_format", log_format)
    logger = gunicorn_conf.RedactingLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/s/{TOKEN}?receipt=ABCD-EFGH-JKLM-NPQR&lang=sv",
        "PATH_INFO": f"/s/{TOKEN}",
        "QUERY_STRING": "receipt=ABCD-EFGH-JKLM-NPQR&lang=sv",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.1.2.3",
        "HTTP_COOKIE": "session=secret-session-value",
        "HTTP_REFERER": f"https://mail.example/s/{TOKEN}",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Anna's phone)",
    }
    request = SimpleNamespace(
        headers=[
            ("COOKIE", "session=secret-session-value"),
            ("X-FORWARDED-FOR", "10.1.2.3"),
            ("REFERER", f"https://mail.example/s/{TOKEN}"),
        ]
    )
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("Set-Cookie", "session=secret-session-value")])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    return path.read_text()


def test_every_atom_gunicorn_offers_is_free_of_secrets_and_personal_details(tmp_path):
    line = logged_line(tmp_path, EVERY_ATOM)
    for secret in (TOKEN, "ABCD-EFGH-JKLM-NPQR", "secret-session-value", "10.1.2.3", "Anna", "mail.example"):
        assert secret not in line, (secret, line)
    assert "/s/[redacted]" in line and "receipt=[redacted]" in line and "lang=sv" in line, line
    assert " 200 " in line and " 512 " in line and " 12 " in line, line  # status, bytes, milliseconds


def test_the_production_format_keeps_what_an_operator_needs(tmp_path):
    line = logged_line(tmp_path, gunicorn_conf.access_log_format)
    assert '"GET /s/[redacted]?receipt=[redacted]&lang=sv HTTP/1.1" 200 512 12ms' in line, line
