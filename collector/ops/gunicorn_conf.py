"""Production server configuration for gunicorn.

Run::

    gunicorn -c python:collector.ops.gunicorn_conf "collector:create_app()"

Why these settings:

* **sync workers**, one per core. Measured on a 2-core machine, sync
  workers give the best throughput and the shortest tail for this write
  path (every submission is one short SQLite transaction); gthread workers
  roughly halve throughput and quadruple p99 (see
  ``bench/README.md``).
* **Loopback bind by default.** The collector belongs behind a TLS reverse
  proxy; set ``MEDVERKAN_BIND`` to change it.
* **Access log without secrets or linkage.** The personal link ``/s/<token>``
  is a bearer credential and receipt codes allow withdrawal, so paths,
  query strings and referrers are redacted (``collector.security.redact``).
  The client address, user agent and cookies are not logged at all: an
  address plus a time of day could re-link an anonymous response to the
  person who submitted it. Request bodies (answers) are never logged.
"""

from __future__ import annotations

import multiprocessing
import os

from gunicorn.glogging import Logger

from collector.security import install_log_redaction
from collector.security import redact
from collector.settings import gunicorn_environment

bind = os.environ.get("MEDVERKAN_BIND", gunicorn_environment["MEDVERKAN_BIND"])
worker_class = "sync"
workers = int(os.environ.get("MEDVERKAN_WORKERS", multiprocessing.cpu_count()))
# Deep enough for bursts (an invitation round sends everyone at once).
backlog = 2048
# A submission takes milliseconds; a stuck worker is killed and replaced.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then to bound memory growth.
max_requests = 20000
max_requests_jitter = 2000
# Request-line and header limits (answers travel in the body, which Flask
# limits with MAX_CONTENT_LENGTH).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# gunicorn 27's control socket defaults to one path per user, so two servers
# on one machine would clash; it is not used by Medverkan.
control_socket_disable = True

accesslog = os.environ.get("MEDVERKAN_ACCESS_LOG", gunicorn_environment["MEDVERKAN_ACCESS_LOG"])
errorlog = os.environ.get("MEDVERKAN_ERROR_LOG", gunicorn_environment["MEDVERKAN_ERROR_LOG"])
loglevel = os.environ.get("MEDVERKAN_LOG_LEVEL", gunicorn_environment["MEDVERKAN_LOG_LEVEL"])
# Time, request line (redacted), status, bytes, duration in ms. No %(h)s
# (client address), no %(a)s (user agent), no %(f)s (referrer).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# Atoms that may carry a token, a receipt code or an email address.
# Atoms dropped entirely (linkage to a person).


class RedactingLogger(Logger):
    """gunicorn's logger with secrets removed from every access-log atom.

    Header atoms (``{name}i``), response headers and environ atoms are never
    made, so even a custom ``access_log_format`` that asks for cookies,
    referrers or forwarded addresses gets ``-`` (gunicorn's ``SafeAtoms``
    answers ``-`` for a missing atom); so do the client address, user and
    user agent. gunicorn's own ``atoms`` builds a dict of every header and
    environ key for every request, which was then thrown away here: with the
    redaction's regular expressions, most of the logging cost of a request
    (``tests/test_access_log.py`` checks every atom; bench/README.md).
    """

    def atoms(self, resp, req, environ, request_time):
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        method, protocol = environ.get("REQUEST_METHOD"), environ.get("SERVER_PROTOCOL")
        return {
            "h": "-",  # the client address: with a time of day it could re-link a response
            "l": "-",
            "u": "-",
            "t": self.now(),
            "r": redact(f"{method} {environ.get('RAW_URI', '')} {protocol}"),
            "s": status,
            "m": method,
            "U": redact(environ.get("PATH_INFO") or ""),
            "q": redact(environ.get("QUERY_STRING") or ""),
            "H": protocol,
            "b": str(sent) if sent is not None else "-",
            "B": sent,
            "f": "-",  # the referrer: may carry a personal link
            "a": "-",  # the user agent: identifying together with a time
            "T": request_time.seconds,
            "D": request_time.seconds * 1_000_000 + request_time.microseconds,
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
            "L": "%d.%06d" % (request_time.seconds, request_time.microseconds),
            "p": "<%s>" % os.getpid(),
        }

    def setup(self, cfg):
        super().setup(cfg)
        # Error-log lines (tracebacks with URLs) go through the same filter.
        install_log_redaction(["gunicorn.error", "gunicorn.access"])


logger_class = RedactingLogger
