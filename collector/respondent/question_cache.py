"""A question's HTML, rendered once per answer state and reused.

Rendering the ``question`` macro (``macros/fields.html``) is most of a
questionnaire page's CPU (bench/whole_questionnaire.py), yet for a choice
question the HTML depends only on the page form's class (questionnaire
version, page, language), the question, the value chosen and the error
messages: a Likert question has seven states. So the HTML is kept per state
in a small bounded cache and every respondent after the first gets it
without rendering. The key also holds the page's surroundings
(``kept_html.surroundings``): the mount point, the speech folder and its state
(``speech.store.clips_stamp``): the question's and its options' players
appear once their clips are made, and two apps in one process (tests) with
different folders never share a question's HTML.

Text and number questions are cached only while their box is empty (what
the widget would write as the value, ``field._value()``, is ""): that is
how every respondent first sees them. Once something is typed, even
something rejected, the HTML holds it and is never cached. The cache holds
no one's identity: its keys are states shared by everyone who chose the
same option or left the box empty.
"""

from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup

from collector.respondent.kept_html import BoundedCache
from collector.respondent.kept_html import surroundings

CACHE_SIZE = 4096  # entries: a few questionnaires x pages x questions x states
_CACHED_KINDS = ("radio", "checkbox", "screening", "ranking")
_CACHED_WHEN_EMPTY = ("integer", "text")
_cache = BoundedCache(CACHE_SIZE)


def _frozen(value):
    if isinstance(value, list):
        return tuple(value)
    return value


def question_html(form, view, option_classes=None) -> Markup:
    """The question's HTML (the ``question`` macro's output), from the cache when its state was seen."""
    option_classes = option_classes or {}
    macro = get_template_attribute("macros/fields.html", "question")
    if view.kind not in _CACHED_KINDS and not (
        view.kind in _CACHED_WHEN_EMPTY and all(form[sub.name]._value() == "" for sub in view.fields)
    ):
        return macro(form, view, option_classes)
    state = tuple(
        (sub.name, _frozen(form[sub.name].data), tuple(str(error) for error in form[sub.name].errors))
        for sub in view.fields
    )
    # Which clips exist (made in the background after publishing): HTML rendered before the
    # question's or its options' clips were made must not be kept once they are.
    around = surroundings()
    if around is None:  # the speech folder is changing right now
        return macro(form, view, option_classes)
    key = (type(form), view.key, state, tuple(sorted(option_classes.items())), *around)
    html = _cache.lookup(key)
    if html is None:
        html = Markup(macro(form, view, option_classes))
        _cache.keep(key, html)
    return html
