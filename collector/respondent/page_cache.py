"""A questionnaire page's whole HTML as first seen, rendered once and reused.

Every respondent meets each page first with nothing answered on it, and
that page is the same for all who reach it through the same page form
(questionnaire version, page, language, the applicants to rate and the
questions earlier answers skip, which is what ``forms.builder`` builds the
form class from): only the CSRF token differs. Rendering it was about half
of a page view's CPU even with every question's HTML cached
(``question_cache``; bench/whole_questionnaire.py), so the first visit's
page is kept with the token taken out and handed to the next respondent
with theirs put in.

Only pages with no answer on them are kept, so the cache holds nothing
anyone answered; a page shown again with answers, errors, a notice or a
flashed message is rendered as before. The key holds everything else the
template reads: the page form's class (which fixes the language, the
applicants and the skipped questions) and the instrument object the page
is drawn from, the page number, whether it returns to the review, which same-page
conditional questions are left out, the address the app is mounted at,
and the speech folder with its state (a player appears once its clip is
made; ``speech.store.clips_stamp``).
"""

from __future__ import annotations

from flask import current_app
from flask import session

from collector.respondent.kept_html import BoundedCache
from collector.respondent.kept_html import surroundings

CACHE_SIZE = 256  # pages: a few questionnaires x languages x pages x skip sets
# Stands in for the CSRF token in a kept page. A NUL never reaches a
# rendered page (collector.input_guard refuses it in input).
TOKEN_SLOT = "\x00csrf-token\x00"
_pages = BoundedCache(CACHE_SIZE)


def first_visit_key(form_class, instrument, number: int, to_review: bool, hidden: frozenset) -> tuple | None:
    """The page's key, or None when this rendering must not be kept or reused."""
    if session.get("_flashes"):
        return None  # the page will show (and use up) a message meant for this respondent
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None  # no token to take out (a test configuration; production always checks CSRF)
    around = surroundings()
    if around is None:
        return None  # the speech folder is changing right now
    return (form_class, id(instrument), number, to_review, frozenset(hidden), *around)


def cached(key: tuple, instrument, token: str) -> str | None:
    """The kept page with ``token`` in it, or None."""
    entry = _pages.lookup(key)
    if entry is None or entry[0] is not instrument:
        return None
    return entry[1].replace(TOKEN_SLOT, token)


def keep(key: tuple, instrument, html: str, token: str) -> None:
    """Keep ``html`` (rendered with ``token``) for the next respondent with the same key."""
    if html.count(token) != 1:
        return  # the token must appear once, in its hidden field
    _pages.keep(key, (instrument, html.replace(token, TOKEN_SLOT)))
