"""Problem reports for XLSForm import: where (sheet, row) and why, translatable.

Every template passed to ``fail(sheet, row, template)`` in this package and every
reason in the dictionaries below is an English msgid with a Swedish entry in
``collector/translations/sv/LC_MESSAGES/authoring.po``; a test checks that
none is missing. The reasons say what Medverkan lacks (or will not collect),
so an author knows whether to change the row or to use another tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

_META = "meta data that could re-identify respondents is not collected"
_MEDIA = "media are not collected"
_PLACE = "locations are not collected"
_CONTACT = "contact details are not collected: answers are anonymous"
_DATES = "Medverkan has no date or time questions"

# Types the XLSForm specification (and pyxform) knows but Medverkan cannot
# represent, with the true reason. Keys are normalised types (see
# ``forms.xlsform.sheets.normalise_type``).
UNSUPPORTED_TYPES = {
    "begin_repeat": "repeats are not supported",
    "end_repeat": "repeats are not supported",
    "begin_loop": "repeats are not supported",
    "end_loop": "repeats are not supported",
    "calculate": "calculations are not supported",
    "hidden": "hidden values are not supported",
    "acknowledge": "acknowledge questions are not supported",
    "trigger": "acknowledge questions are not supported",
    "range": "range questions are not supported: use integer with a constraint",
    "barcode": "barcodes are not collected",
    "geopoint": _PLACE,
    "geotrace": _PLACE,
    "geoshape": _PLACE,
    "location": _PLACE,
    "gps": _PLACE,
    "osm": _PLACE,
    "start-geopoint": _PLACE,
    "background-geopoint": _PLACE,
    "image": _MEDIA,
    "photo": _MEDIA,
    "audio": _MEDIA,
    "background-audio": _MEDIA,
    "video": _MEDIA,
    "file": _MEDIA,
    "date": _DATES,
    "time": _DATES,
    "datetime": _DATES,
    "date time": _DATES,
    "dateTime": _DATES,
    "phone number": _CONTACT,
    "start": _META,
    "end": _META,
    "start time": _META,
    "end time": _META,
    "today": _META,
    "deviceid": _META,
    "device id": _META,
    "imei": _META,
    "simserial": _META,
    "subscriberid": _META,
    "phonenumber": _META,
    "username": _META,
    "email": _META,
    "audit": _META,
    "decimal": "Medverkan stores whole numbers only: use integer",
    "select_one_external": "choices from outside the workbook are not supported",
    "select_one_from_file": "choices from outside the workbook are not supported",
    "select_multiple_from_file": "choices from outside the workbook are not supported",
    "xml-external": "choices from outside the workbook are not supported",
    "csv-external": "choices from outside the workbook are not supported",
}

# Survey columns with behaviour Medverkan cannot reproduce: a non-empty cell
# is refused rather than silently dropped, because dropping it would change
# what respondents are asked or what is stored.
UNSUPPORTED_COLUMNS = {
    "default": "default answers are not supported",
    "calculation": "calculations are not supported",
    "choice_filter": "filtered choice lists are not supported",
    "repeat_count": "repeats are not supported",
    "read_only": "read-only questions are not supported",
    "trigger": "calculations are not supported",
    "image": "images in questions are not shown",
    "big-image": "images in questions are not shown",
    "video": "videos in questions are not shown",
    "parameters": "question parameters are not supported",
}


class Translatable(str):
    """A message part that is itself translated (e.g. why a type is unsupported)."""


@dataclass(frozen=True)
class Problem:
    """One problem: where (sheet, row) and what, as an English template + values.

    ``str()`` gives English (the CLI); :meth:`localized` gives the
    coordinator's language through the app's gettext (the templates are
    in ``collector/translations/*/authoring.po``).
    """

    sheet: str
    row: int | None
    template: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template

    def __str__(self) -> str:
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        return f"{where}: {self.message}"

    def localized(self, gettext) -> str:
        params = {key: gettext(value) if isinstance(value, Translatable) else value for key, value in self.params.items()}
        message = gettext(self.template) % params if params else gettext(self.template)
        if self.row:
            where = gettext("%(sheet)s, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        else:
            where = self.sheet
        return gettext("%(where)s: %(message)s") % {"where": where, "message": message}


class XLSFormError(ValueError):
    """The workbook cannot become an instrument; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ProblemLog:
    """Collects problems so the author sees every one at once, not only the first."""

    def __init__(self):
        self.problems: list[Problem] = []

    def fail(self, sheet: str, row: int | None, template: str, **params) -> None:
        self.problems.append(Problem(sheet, row, template, params))

    def count(self) -> int:
        return len(self.problems)
