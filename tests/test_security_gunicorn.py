"""The production server's logs (collector/ops/gunicorn_conf.py) never hold a
token, a receipt code, an email address, an answer or the client's address."""

from __future__ import annotations

import secrets
import time
import urllib.error
import urllib.parse
import urllib.request


def _hit(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError:
        pass


def test_access_and_error_logs_are_redacted(gunicorn_server):
    token = secrets.token_urlsafe(24)
    receipt = "ABCD-EFGH-JKMN-PQRS"
    email = "anna.svensson@helsingborg.se"
    answer = "Mitt hemliga svar om Fontänhuset"
    _hit(f"{gunicorn_server.url}/s/{token}")
    _hit(f"{gunicorn_server.url}/s/{token}/extra?email={urllib.parse.quote(email)}")
    _hit(
        f"{gunicorn_server.url}/withdraw?code={receipt}", headers={"Referer": f"https://mail.example/{email}", "User-Agent": "UA-" + token}
    )
    _hit(
        f"{gunicorn_server.url}/withdraw",
        data=urllib.parse.urlencode({"receipt": receipt, "answer": answer, "email": email}).encode(),
    )
    _hit(f"{gunicorn_server.url}/nope")  # a line we know must be there
    deadline = time.monotonic() + 10
    while "/nope" not in gunicorn_server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    gunicorn_server.stop()
    log = gunicorn_server.log()
    access_lines = [line for line in log.splitlines() if '" ' in line and "HTTP/1.1" in line]
    assert len(access_lines) >= 5, log
    assert any("/s/[redacted]" in line for line in access_lines)
    for secret in (token, receipt, email, answer, "anna.svensson", "UA-"):
        assert secret not in log, f"{secret!r} found in the server log"
    for line in access_lines:
        assert "127.0.0.1" not in line, f"client address logged: {line}"
