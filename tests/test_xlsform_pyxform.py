"""Every exported questionnaire converts with pyxform (ODK/KoboToolbox's converter) to an XForm.

The XForm is parsed as XML and checked for what matters to someone opening
the export in ODK: every question is bound, both languages are there, the
title is text, and the ranking's item list exists.
"""

import dataclasses
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from forms.definitions import load_builtin_instruments
from forms.model import Choice
from forms.model import Page
from forms.model import Question
from forms.xlsform import read_xlsform
from forms.xlsform import write_xlsform

NS = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms"}


def exported(instrument) -> bytes:
    out = io.BytesIO()
    write_xlsform(instrument, out)
    return out.getvalue()


@pytest.mark.parametrize("key", sorted(load_builtin_instruments()))
def test_every_builtin_export_converts_with_pyxform_to_a_valid_xform(key):
    instrument = load_builtin_instruments()[key]
    warnings: list[str] = []
    result = convert(exported(instrument), file_type=".xlsx", warnings=warnings)
    root = ET.fromstring(result.xform)
    assert root.find("h:head/h:title", NS).text == instrument.title["sv"]
    bound = {bind.get("nodeset").rsplit("/", 1)[-1] for bind in root.iter("{%s}bind" % NS["x"])}
    assert {q.key for q in instrument.questions} <= bound
    languages = {t.get("lang") for t in root.iter("{%s}translation" % NS["x"])}
    assert languages == {"Svenska (sv)", "English (en)"}
    required = {b.get("nodeset").rsplit("/", 1)[-1] for b in root.iter("{%s}bind" % NS["x"]) if b.get("required") == "true()"}
    assert required == {q.key for q in instrument.questions if q.required}


def test_the_representatives_ranking_has_its_finalists_list():
    instrument = load_builtin_instruments()["representative"]
    assert any(q.type == "ranking" for q in instrument.questions)
    xform = convert(exported(instrument), file_type=".xlsx").xform
    assert "odk:rank" in xform and "finalists" in xform


def test_settings_translations_are_not_in_columns_pyxform_chokes_on():
    sheet = load_workbook(io.BytesIO(exported(load_builtin_instruments()["candidate"])))["settings"]
    headers = [cell.value for cell in sheet[1]]
    assert not [h for h in headers if h.split("::")[0] in ("title", "intro", "form_title") and "::" in h]
    assert "medverkan_title::English (en)" in headers


def test_an_older_export_with_translated_settings_titles_still_imports():
    instrument = load_builtin_instruments()["manager"]
    workbook = load_workbook(io.BytesIO(exported(instrument)))
    settings = workbook["settings"]
    for cell in settings[1]:
        if cell.value.startswith(("medverkan_title", "medverkan_intro")):
            cell.value = cell.value.removeprefix("medverkan_")
    out = io.BytesIO()
    workbook.save(out)
    back = read_xlsform(out.getvalue(), filename="old.xlsx")
    assert dataclasses.replace(back, source=None) == dataclasses.replace(instrument, source=None)


def test_text_named_choices_and_bounds_round_trip_and_convert():
    base = load_builtin_instruments()["candidate"]
    named = (Choice(1, {"sv": "Ja", "en": "Yes", "xlsform_name": "yes"}), Choice(5, {"sv": "Nej", "en": "No", "xlsform_name": "no"}))
    questions = (
        Question(key="ok", type="single", text={"sv": "Bra?", "en": "Good?"}, theme="", choices=named),
        Question(key="age", type="integer", text={"sv": "Ålder", "en": "Age"}, theme="framing", minimum=18),
    )
    instrument = dataclasses.replace(base, pages=(Page("p", {"sv": "S", "en": "P"}, questions),))
    data = exported(instrument)
    back = read_xlsform(data, filename="x.xlsx")
    assert dataclasses.replace(back, source=None) == dataclasses.replace(instrument, source=None)
    xform = convert(data, file_type=".xlsx").xform
    assert "<name>yes</name>" in xform and ". &gt;= 18" in xform
