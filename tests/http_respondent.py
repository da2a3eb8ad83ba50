"""A respondent as a plain HTTP client (httpx), for load, crash and bench runs.

It reads each questionnaire page's form (CSRF token, radios, checkboxes,
number and text fields), answers every question with the first valid
option, and follows the flow to the receipt. Used by tests/test_crash*.py
and bench/submit_load.py.
"""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser

import httpx

RECEIPT = re.compile(r"[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}")


class FormReader(HTMLParser):
    """Collects the fields of the first <form> whose action matches ``action_part``."""

    def __init__(self, action_part: str):
        super().__init__()
        self.action_part = action_part
        self.inside = False
        self.action = None
        self.fields: list[dict] = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self.action is None and self.action_part in (attributes.get("action") or ""):
            self.inside = True
            self.action = attributes.get("action")
        elif self.inside and tag in ("input", "textarea"):
            attributes["tag"] = tag
            self.fields.append(attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def read_form(html: str, action_part: str) -> FormReader:
    reader = FormReader(action_part)
    reader.feed(html)
    return reader


def answers_for(reader: FormReader) -> list[tuple[str, str]]:
    """A complete, valid submission of the page's form (first option of every group)."""
    data: list[tuple[str, str]] = []
    chosen: set[str] = set()
    for field in reader.fields:
        name = field.get("name")
        if not name:
            continue
        kind = field.get("type", "text" if field["tag"] == "input" else "textarea")
        if kind == "hidden":
            data.append((name, field.get("value", "")))
        elif kind in ("radio", "checkbox"):
            if name not in chosen:
                chosen.add(name)
                data.append((name, field.get("value", "")))
        elif field.get("inputmode") == "numeric" or kind == "number":
            data.append((name, "1"))
        elif kind in ("text", "textarea"):
            data.append((name, "Svar från lasttest"))
    return data


class Respondent:
    """One person answering through their personal link."""

    def __init__(self, base_url: str, link_path: str, timeout: float = 30.0):
        self.client = httpx.Client(base_url=base_url, follow_redirects=True, timeout=timeout)
        self.link_path = link_path

    def close(self):
        self.client.close()

    def post_form(self, path: str, data: list[tuple[str, str]]) -> httpx.Response:
        """POST ``data`` form-encoded, keeping repeated names (checkbox groups)."""
        return self.client.post(
            path,
            content=urllib.parse.urlencode(data).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def open(self) -> httpx.Response:
        return self.client.get(self.link_path)

    def answer_all_pages(self, max_pages: int = 20) -> httpx.Response:
        """Open the link and answer every page; returns the review page's response."""
        response = self.open()
        response.raise_for_status()
        if "/svar/sida/" not in response.text:
            return response  # already answered, expired, finished after a crash ...
        response = self.client.get("/svar/sida/1")
        for _ in range(max_pages):
            reader = read_form(response.text, "/svar/sida/")
            if reader.action is None:
                return response
            data = answers_for(reader) + [("action", "next")]
            response = self.post_form(reader.action, data)
            if response.status_code != 200:
                return response
        raise AssertionError("the questionnaire never ended")

    def send(self, review: httpx.Response) -> httpx.Response:
        reader = read_form(review.text, "/svar/skicka")
        if not reader.action:
            return review
        return self.post_form(reader.action, answers_for(reader))

    def complete(self) -> str | None:
        """Answer and send; return the receipt code if the server acknowledged it."""
        review = self.answer_all_pages()
        if review.status_code != 200 or not read_form(review.text, "/svar/skicka").action:
            return None
        thanks = self.send(review)
        if thanks.status_code != 200:
            return None
        match = RECEIPT.search(thanks.text)
        return match.group(0) if match else None
