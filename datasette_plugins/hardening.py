"""Every Datasette response hardened like the collector's: headers, CSV, size.

One ASGI wrapper (Datasette's ``asgi_wrapper`` hook) sees every response,
our pages, Datasette's tables, queries, JSON, CSV, static files and errors
alike, so nothing added later can forget it:

* **Headers** as ``collector/security.py`` sends them: a Content-Security-
  Policy without ``unsafe-inline`` for scripts, ``frame-ancestors 'none'``
  and ``X-Frame-Options: DENY``, ``nosniff``, ``Referrer-Policy:
  no-referrer``, and ``Cache-Control: no-store`` (pages show answers to
  signed-in staff; Datasette's own ``max-age`` would let a shared cache keep
  them). Datasette's stock templates carry a few fixed inline scripts: they
  are allowed by their SHA-256 hash (:mod:`datasette_plugins.csp`), never
  wholesale. Its tables emit per-column ``<style>`` blocks and ``style=``
  attributes, so stock pages allow inline *styles*; our own pages
  (``/-/medverkan…``) do not.
* **CSV**: every CSV body goes through :mod:`datasette_plugins.csv_guard`.
* **Size**: no response grows past ``MEDVERKAN_DS_MAX_RESPONSE_MB``
  (:func:`config.max_response_bytes`). A response sent in one piece (JSON,
  HTML) that is too large is replaced by a plain 400 explaining why; a
  streamed one (CSV, ``_stream=1``) ends with a line saying it was cut, and
  the query behind it is stopped. Together with SQLite's length limit and
  the time limit set on every connection (sql_functions.prepare_connection)
  this bounds what one ``select randomblob(...)`` can cost.
"""

from __future__ import annotations

from datasette_plugins import config
from datasette_plugins import csp
from datasette_plugins import csv_guard

STATIC_PREFIXES = ("/-/static/", "/-/static-plugins/")
OWN_PAGES_PREFIX = "/-/medverkan"
TOO_LARGE_TEXT = (
    "Svaret blev för stort (mer än {mb} MB). Begränsa frågan, till exempel med LIMIT eller färre kolumner.\n"
    "The response is too large (more than {mb} MB). Narrow the query, for example with LIMIT or fewer columns.\n"
)
CUT_TEXT = "\r\nAvbrutet: mer än {mb} MB / Truncated: more than {mb} MB\r\n"


class _ResponseTooLarge(Exception):
    """Raised into the application to stop it producing a body nobody will receive."""


def security_headers(path: str) -> dict[bytes, bytes]:
    own_page = path.startswith(OWN_PAGES_PREFIX)
    headers = {
        b"content-security-policy": csp.policy(strict_styles=own_page).encode("ascii"),
        b"x-content-type-options": b"nosniff",
        b"x-frame-options": b"DENY",
        b"referrer-policy": b"no-referrer",
        b"cross-origin-opener-policy": b"same-origin",
    }
    if not path.startswith(STATIC_PREFIXES):
        headers[b"cache-control"] = b"no-store"
    return headers


def _with_headers(headers: list, extra: dict[bytes, bytes], drop=()) -> list:
    kept = [
        [name, value] for name, value in headers if name.lower() not in extra and name.lower() not in drop
    ]
    return kept + [[name, value] for name, value in extra.items()]


def wrap(app):
    async def hardened(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        limit = config.max_response_bytes()
        mb = limit // (1024 * 1024)
        path = scope.get("path", "")
        state = {"start": None, "sent": 0, "done": False, "csv": None}
        excel = csv_guard.is_csv_request(scope) and csv_guard.excel_requested(scope)
        if excel:
            scope = csv_guard.without_excel_arg(scope)

        async def send_body(body: bytes, more: bool):
            if state["sent"] + len(body) > limit:
                allowed = max(0, limit - state["sent"])
                state["done"] = True
                await send({"type": "http.response.body", "body": body[:allowed] + CUT_TEXT.format(mb=mb).encode(), "more_body": False})
                raise _ResponseTooLarge()
            state["sent"] += len(body)
            await send({"type": "http.response.body", "body": body, "more_body": more})
            if not more:
                state["done"] = True

        async def guarded_send(message):
            if state["done"]:
                raise _ResponseTooLarge()
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                drop = ()
                if csv_guard.is_csv_request(scope) and csv_guard.is_csv_response(headers):
                    state["csv"] = csv_guard.CsvNeutraliser(excel=excel)
                    drop = (b"content-length",)  # the body changes length
                message = dict(message, headers=_with_headers(headers, security_headers(path), drop))
                state["start"] = message  # held back until the first body shows its size
                return
            if message["type"] != "http.response.body":
                return await send(message)
            body, more = message.get("body", b""), message.get("more_body", False)
            if state["csv"] is not None:
                body = state["csv"].feed(body, final=not more)
            if state["start"] is not None:
                start, state["start"] = state["start"], None
                if not more and len(body) > limit:
                    state["done"] = True
                    await _send_too_large(send, start, mb)
                    return
                await send(start)
            await send_body(body, more)

        try:
            await app(scope, receive, guarded_send)
        except _ResponseTooLarge:
            if not state["done"]:
                raise
        if state["start"] is not None:  # the application ended without a body
            await send(state["start"])
            await send({"type": "http.response.body", "body": b""})

    return hardened


async def _send_too_large(send, start: dict, mb: int) -> None:
    body = TOO_LARGE_TEXT.format(mb=mb).encode("utf-8")
    kept = [
        [name, value]
        for name, value in start["headers"]
        if name.lower() not in (b"content-type", b"content-length", b"content-disposition")
    ]
    headers = kept + [[b"content-type", b"text/plain; charset=utf-8"], [b"content-length", str(len(body)).encode()]]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
