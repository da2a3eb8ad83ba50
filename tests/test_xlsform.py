"""XLSForm import/export: real workbooks written with openpyxl, read through pyxform."""

import dataclasses
import io

import pytest
from openpyxl import Workbook

from forms.definitions import load_builtin_instruments
from forms.xlsform import XLSFormError
from forms.xlsform import read_xlsform
from forms.xlsform import write_xlsform

SURVEY_HEADER = ["type", "name", "label::Svenska (sv)", "label::English (en)", "required", "relevant",
                 "constraint", "appearance", "theme", "core", "items"]


def survey_row(kind, name, sv="", en="", required="", relevant="", constraint="", appearance="", theme="", core="", items=""):
    return [kind, name, sv, en, required, relevant, constraint, appearance, theme, core, items]


def page(*rows, key="p1"):
    return [survey_row("begin_group", key, "Sida", "Page"), *rows, survey_row("end_group", key)]


LIKERT = survey_row("select_one agree", "role_clear", "Rollen var tydlig", "The role was clear",
                    required="yes", appearance="likert", theme="framing")
CHOICES = [["list_name", "name", "label::Svenska (sv)", "label::English (en)"],
           ["roles", "1", "Chef", "Manager"], ["roles", "2", "Representant", "Representative"]]
SETTINGS = [["form_id", "version", "medverkan_group", "department", "title::Svenska (sv)", "title::English (en)"],
            ["labour_rep", "1", "representative", "arbetsmarknad", "Enkät", "Survey"]]


def workbook(survey_rows, choices=CHOICES, settings=SETTINGS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in [SURVEY_HEADER, *survey_rows]:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is None:
            continue
        other = book.create_sheet(title)
        for row in rows:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(data: bytes) -> str:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data, filename="form.xlsx")
    return str(caught.value)


@pytest.mark.parametrize("key", sorted(load_builtin_instruments()))
def test_every_builtin_round_trips_through_xlsx(key, tmp_path):
    instrument = load_builtin_instruments()[key]
    path = tmp_path / f"{key}.xlsx"
    write_xlsform(instrument, path)
    back = read_xlsform(path)
    assert dataclasses.replace(back, source=None) == dataclasses.replace(instrument, source=None)


def test_a_valid_workbook_maps_types_relevant_and_department():
    rows = page(
        LIKERT,
        survey_row("select_one roles", "role", "Roll", "Role", theme="framing"),
        survey_row("integer", "hours", "Timmar", "Hours", relevant="${role} = '1' or ${role} = 2",
                   constraint=". >= 0 and . <= 100", theme="framing"),
        survey_row("select_one screening", "screen", "Bedöm", "Rate", appearance="screening", theme="framing", items="applicants"),
        survey_row("rank finalists", "ranks", "Rangordna", "Rank", theme="framing", items="finalists"),
    )
    instrument = read_xlsform(workbook(rows), filename="labour.xlsx")
    assert instrument.department == "arbetsmarknad"
    assert [q.type for q in instrument.questions] == ["likert", "single", "integer", "screening", "ranking"]
    hours = instrument.question("hours")
    assert (hours.minimum, hours.maximum) == (0, 100)
    assert hours.condition.question == "role" and hours.condition.values == (1, 2)
    assert instrument.question("role_clear").required


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (page(survey_row("geopoint", "where", "Var", "Where", theme="framing")), "row 3: type 'geopoint'"),
        (page(survey_row("decimal", "d", "D", "D", theme="framing")), "whole numbers only"),
        (page(survey_row("deviceid", "dev")), "re-identify"),
        (page(survey_row("begin_repeat", "r", "R", "R")), "repeats are not supported"),
        (page(survey_row("frobnicate", "x", "X", "X", theme="framing")), "unknown type 'frobnicate'"),
        (page(survey_row("text", "t", "Text", "", theme="framing")), "label is missing in English (en)"),
        (page(LIKERT, survey_row("text", "t", "T", "T", theme="framing", relevant="${role_clear} > 3")), "relevant"),
        (page(LIKERT, LIKERT), "row 4: duplicate name 'role_clear'"),
        (page(survey_row("select_one nolist", "s", "S", "S", theme="framing")), "choice list 'nolist'"),
        (page(survey_row("text", "t", "T", "T", theme="nonsense")), "theme 'nonsense'"),
    ],
)
def test_broken_workbooks_are_reported_row_by_row(rows, expected):
    assert expected in problems(workbook(rows))


def test_every_problem_is_reported_not_only_the_first():
    rows = page(survey_row("calculate", "c"), survey_row("start", "s"), LIKERT)
    message = problems(workbook(rows))
    assert "survey, row 3" in message and "survey, row 4" in message


def test_row_numbers_are_the_spreadsheet_rows_even_after_blank_rows():
    blank = [""] * len(SURVEY_HEADER)
    rows = page(LIKERT, blank, blank, survey_row("calculate", "c"))
    # header = row 1, begin_group = 2, likert = 3, two blank rows, calculate = 6.
    assert "survey, row 6: type 'calculate'" in problems(workbook(rows))


def test_missing_settings_sheet_is_named():
    assert "settings" in problems(workbook(page(LIKERT), settings=None))


def test_csv_and_markdown_are_read_too():
    md = """
| survey |
| | type | name | label::Svenska (sv) | label::English (en) | appearance | theme |
| | begin_group | p1 | Sida | Page | | |
| | select_one agree | role_clear | Rollen var tydlig | The role was clear | likert | framing |
| | end_group | p1 | | | | |
| settings |
| | form_id | version | medverkan_group | title::Svenska (sv) | title::English (en) |
| | md_form | 3 | representative | T | T |
"""
    instrument = read_xlsform(md.encode(), filename="form.md")
    assert (instrument.key, instrument.version, instrument.questions[0].type) == ("md_form", 3, "likert")


def test_unsupported_file_type_is_refused():
    assert "unsupported file type" in str(pytest.raises(XLSFormError, read_xlsform, b"x", filename="a.pdf").value)
