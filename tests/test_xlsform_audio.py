"""XLSForm ``media::audio`` columns (issue 16 part 6): an author's audio file
names are kept on import and written back on export; an export names the
generated speech, and such a workbook comes back unchanged; pyxform converts
both, with the audio in the XForm's translations.
"""

from __future__ import annotations

import dataclasses
import io

from openpyxl import Workbook
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from forms.definitions import load_builtin_instruments
from forms.speech import audio_key
from forms.speech import audio_reference
from forms.speech import clip_stem
from forms.versions import diff
from forms.xlsform import read_xlsform
from forms.xlsform import write_xlsform


def workbook_bytes(survey: list[list], choices: list[list], settings: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        other = book.create_sheet(name)
        for row in rows:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hand_built() -> bytes:
    """A small form as an ODK author writes it: audio per language on the survey, one audio column on choices."""
    return workbook_bytes(
        [
            ["type", "name", "label::Svenska (sv)", "label::English (en)", "media::audio::Svenska (sv)",
             "media::audio::English (en)", "theme"],
            ["begin group", "p1", "Sidan", "The page", "", "", ""],
            ["select_one role", "role", "Vilken roll hade du?", "What was your role?", "roll_sv.mp3", "role_en.mp3", "framing"],
            ["text", "comments", "Något mer?", "Anything else?", "", "", "overall"],
            ["end group", "", "", "", "", "", ""],
        ],
        [
            ["list_name", "name", "label::Svenska (sv)", "label::English (en)", "media::audio"],
            ["role", "interviewer", "Intervjuare", "Interviewer", "intervjuare.mp3"],
            ["role", "screener", "Granskare", "Screener", ""],
        ],
        [["form_id", "version", "medverkan_group", "default_language"], ["audio_form", "1", "representative", "Svenska (sv)"]],
    )


def exported(instrument, audio=None) -> bytes:
    out = io.BytesIO()
    write_xlsform(instrument, out, audio=audio)
    return out.getvalue()


def test_audio_file_names_are_kept_on_import_per_language():
    instrument = read_xlsform(hand_built(), filename="audio_form.xlsx")
    role = instrument.question("role")
    assert role.text == {"sv": "Vilken roll hade du?", "en": "What was your role?",
                         audio_key("sv"): "roll_sv.mp3", audio_key("en"): "role_en.mp3"}
    interviewer, screener = role.choices
    # A column without a language belongs to the default language only.
    assert audio_reference(interviewer.label, "sv") == "intervjuare.mp3"
    assert audio_reference(interviewer.label, "en") is None
    assert audio_reference(screener.label, "sv") is None
    assert audio_reference(instrument.question("comments").text, "sv") is None


def test_audio_file_names_survive_a_round_trip_and_pyxform_converts_the_export():
    instrument = read_xlsform(hand_built(), filename="audio_form.xlsx")
    data = exported(instrument)
    survey = load_workbook(io.BytesIO(data))["survey"]
    headers = [cell.value for cell in survey[1]]
    assert "media::audio::Svenska (sv)" in headers and "media::audio::English (en)" in headers
    again = read_xlsform(data, filename="audio_form.xlsx")
    assert dataclasses.replace(again, source=None) == dataclasses.replace(instrument, source=None)
    xform = convert(data, file_type=".xlsx").xform
    assert "jr://audio/roll_sv.mp3" in xform and "jr://audio/role_en.mp3" in xform and "jr://audio/intervjuare.mp3" in xform


def test_export_names_the_generated_speech_and_the_workbook_comes_back_unchanged():
    instrument = load_builtin_instruments()["representative"]
    made = {}

    def namer(language, text):
        made[(language, text)] = name = clip_stem(language, text) + ".mp3"
        return name

    data = exported(instrument, audio=namer)
    question = instrument.questions[0]
    xform = convert(data, file_type=".xlsx").xform
    assert f"jr://audio/{clip_stem('sv', question.text['sv'])}.mp3" in xform
    assert f"jr://audio/{clip_stem('en', 'Strongly agree')}.mp3" in xform
    choices = load_workbook(io.BytesIO(data))["choices"]
    assert "media::audio::English (en)" in [cell.value for cell in choices[1]]
    # Generated names are Medverkan's own speech, made again from the text: not kept.
    again = read_xlsform(data, filename="representative.xlsx")
    assert dataclasses.replace(again, source=None) == dataclasses.replace(instrument, source=None)


def test_export_without_speech_has_no_audio_columns():
    data = exported(load_builtin_instruments()["union"])
    headers = [cell.value for cell in load_workbook(io.BytesIO(data))["survey"][1]]
    assert not [header for header in headers if "audio" in header]


def test_a_new_audio_file_name_is_not_a_rewording():
    old = read_xlsform(hand_built(), filename="audio_form.xlsx")
    question = old.question("role")
    changed = dataclasses.replace(
        question,
        text={**question.text, audio_key("sv"): "ny_inspelning.mp3"},
        choices=tuple(dataclasses.replace(c, label={**c.label, audio_key("en"): "x.mp3"}) for c in question.choices),
    )
    pages = tuple(
        dataclasses.replace(page, questions=tuple(changed if q.key == "role" else q for q in page.questions)) for page in old.pages
    )
    new = dataclasses.replace(old, pages=pages, version=2)
    assert diff(old, new) == []
    reworded = dataclasses.replace(new, pages=tuple(
        dataclasses.replace(page, questions=tuple(
            dataclasses.replace(q, text={**q.text, "sv": "Vilken uppgift hade du?"}) if q.key == "role" else q
            for q in page.questions
        )) for page in new.pages
    ))
    assert [change.kind for change in diff(old, reworded)] == ["reworded"]
