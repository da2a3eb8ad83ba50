"""Choice lists: stored integer codes for every choice, the author's names kept.

Medverkan stores a choice as an integer code (``Choice.value``). Real
XLSForms name choices with text (``yes``/``no``); such a list gets codes
1, 2, … in sheet order, or the codes of Medverkan's own ``medverkan_code``
column when an exported workbook comes back. The author's name is kept in
the choice's label dict under :data:`NAME_KEY` (next to ``sv`` and ``en``),
because that dict is stored verbatim with the definition while the
``Choice`` fields are fixed by the registry's JSON format; export writes it
back as the choice ``name`` and ``relevant`` expressions use it again.

A list is checked only when a question uses it: real forms often carry
lists nobody asks about.
"""

from __future__ import annotations

import re

from forms.model import LANGUAGES
from forms.model import Choice
from forms.xlsform.media import read_references
from forms.xlsform.problems import UNSUPPORTED_COLUMNS
from forms.xlsform.problems import ProblemLog
from forms.xlsform.problems import Translatable
from forms.xlsform.sheets import LANGUAGE_NAMES
from forms.xlsform.sheets import Sheet

NAME_KEY = "xlsform_name"
CODE_COLUMN = "medverkan_code"
_INTEGER = re.compile(r"-?\d+")


def choice_name(choice: Choice) -> str:
    """The name the author gave the choice (its code when it had none)."""
    return choice.label.get(NAME_KEY) or str(choice.value)


def choice_code(choices: tuple[Choice, ...], name: str) -> int | None:
    """The code of the choice named ``name`` (by its kept name, else by code)."""
    for choice in choices:
        if choice_name(choice) == name:
            return choice.value
    return None


class ChoiceLists:
    """The choices sheet, grouped by list and turned into coded choices on demand."""

    def __init__(self, sheet: Sheet, log: ProblemLog):
        self.sheet = sheet
        self.log = log
        self.raw: dict[str, list[tuple[int, dict]]] = {}
        self.built: dict[str, tuple[Choice, ...] | None] = {}
        for number, row in sheet.numbered():
            name = Sheet.get(row, "list_name")
            if not name:
                if Sheet.get(row, "name"):
                    log.fail("choices", number, "list_name is empty")
                continue
            self.raw.setdefault(name, []).append((number, row))

    def __contains__(self, name: str) -> bool:
        return name in self.raw

    def get(self, name: str) -> tuple[Choice, ...] | None:
        """The coded choices of list ``name`` (None after problems, reported once)."""
        if name not in self.built:
            self.built[name] = self._build(name)
        return self.built[name]

    def _build(self, name: str) -> tuple[Choice, ...] | None:
        rows = self.raw.get(name, [])
        before = self.log.count()
        names = [Sheet.get(row, "name") for _number, row in rows]
        coded = all(_INTEGER.fullmatch(value) for value in names)
        used_codes = {int(Sheet.get(row, CODE_COLUMN)) for _n, row in rows if _INTEGER.fullmatch(Sheet.get(row, CODE_COLUMN))}
        next_code, seen, choices = 1, set(), []
        for (number, row), value in zip(rows, names):
            if not value:
                self.log.fail("choices", number, "choice name is empty")
                continue
            if value in seen:
                self.log.fail("choices", number, "duplicate choice name %(value)r in list %(list_name)r", value=value, list_name=name)
                continue
            seen.add(value)
            for column, reason in UNSUPPORTED_COLUMNS.items():
                if any(row.get((column, lang)) for lang in self.sheet.languages.get(column, [None])):
                    self.log.fail("choices", number, "column %(column)r: %(reason)s", column=column, reason=Translatable(reason))
            texts, missing = self.sheet.texts(row, "label")
            if len(missing) == len(LANGUAGES):
                self.log.fail("choices", number, "%(column)s is empty", column="label")
                continue
            if missing:
                self.log.fail(
                    "choices", number, "%(column)s is missing in %(languages)s",
                    column="label", languages=", ".join(LANGUAGE_NAMES[m] for m in missing),
                )
                continue
            label = {lang: texts[lang] for lang in LANGUAGES}
            label.update(read_references(self.sheet, row, label))
            if coded:
                choices.append(Choice(int(value), label))
                continue
            own_code = Sheet.get(row, CODE_COLUMN)
            if _INTEGER.fullmatch(own_code):
                code = int(own_code)
            else:
                while next_code in used_codes:
                    next_code += 1
                code = next_code
                used_codes.add(code)
            choices.append(Choice(code, {**label, NAME_KEY: value}))
        if len({choice.value for choice in choices}) != len(choices):
            self.log.fail("choices", rows[0][0], "list %(list_name)r gives two choices the same medverkan_code", list_name=name)
        return tuple(choices) if self.log.count() == before else None
