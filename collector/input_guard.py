"""User input the storage cannot hold becomes a 4xx page, never a 500.

Two things reach SQLite straight from a request and used to raise there:

* ids in URLs (``/coordinator/processes/99999999999999999999``): Flask's
  ``int`` converter accepts any number of digits and sqlite3 raises
  OverflowError past 64 bits. The ``int`` converter is replaced by one
  capped at SQLite's largest integer, so such a URL simply matches no route
  and gets the friendly 404 page;
* NUL characters in form fields (names, email addresses, free text): they
  are stored as they came and cut strings short in other tools (C
  libraries, CSV readers, mail headers). Every form value has them removed
  before any view sees it.

Whole-number answers are capped in ``forms.validators`` (a message on the
page) and XLSForm versions in ``forms.xlsform``.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

SQLITE_MAX_INTEGER = 2**63 - 1


class StorableIntConverter(IntegerConverter):
    """``<int:...>`` that matches only ids SQLite can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", SQLITE_MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


def without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class NulFreeRequest(Request):
    """A request whose form values never contain NUL characters."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\x00" in value for _key, value in form.items(multi=True) if isinstance(value, str)):
            self.__dict__["form"] = ImmutableMultiDict(
                [(key, without_nul(value)) for key, value in form.items(multi=True)]
            )


def init_app(app) -> None:
    """Install before any blueprint registers its routes."""
    app.url_map.converters["int"] = StorableIntConverter
    app.request_class = NulFreeRequest
