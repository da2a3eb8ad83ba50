"""Sending email over SMTP.

Configuration: ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_SSL`` (implicit TLS),
``SMTP_STARTTLS``, ``SMTP_USERNAME``/``SMTP_PASSWORD`` (login only when a
username is set), ``SMTP_TIMEOUT`` and ``MAIL_FROM``. A batch uses one
connection; a message the server refuses is reported, not raised, so one
bad address does not stop the rest.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid


@dataclass
class Outgoing:
    to: str
    subject: str
    text: str
    html: str
    language: str = "sv"
    key: object = None  # the caller's handle (e.g. an invitation id)


def build_message(outgoing: Outgoing, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = "".join(outgoing.to.split())
    # Headers are one line: a newline smuggled into a post title must not add headers.
    message["Subject"] = " ".join(outgoing.subject.split())
    domain = mail_from.rsplit("@", 1)[-1].strip("> ") or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    # After set_content(), which drops Content-* headers it did not write.
    message["Content-Language"] = outgoing.language
    return message


def _connect(config) -> smtplib.SMTP:
    host, port, timeout = config["SMTP_HOST"], int(config["SMTP_PORT"]), config.get("SMTP_TIMEOUT", 30)
    if config.get("SMTP_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("SMTP_USERNAME"):
        smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    return smtp


def send_all(config, messages: list[Outgoing]) -> tuple[list[Outgoing], list[Outgoing]]:
    """Send ``messages`` over one connection; return (sent, failed).

    If the server cannot be reached at all every message is failed.
    """
    if not messages:
        return [], []
    sent: list[Outgoing] = []
    failed: list[Outgoing] = []
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException):
        return [], list(messages)
    try:
        for index, outgoing in enumerate(messages):
            try:
                smtp.send_message(build_message(outgoing, config["MAIL_FROM"]))
                sent.append(outgoing)
            except smtplib.SMTPServerDisconnected:
                failed.extend(messages[index:])
                break
            except (smtplib.SMTPException, OSError):
                failed.append(outgoing)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, failed
