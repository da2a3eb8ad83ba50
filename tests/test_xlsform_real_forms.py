"""Real XLSForms written for ODK/KoboToolbox (pyxform's own test forms, tests/data/xlsforms/).

Each form's outcome is pinned: the ones that use only what Medverkan can
represent import as they are (the respondent group is the one thing such a
form cannot say, so it is passed in, as the authoring page will); the others
are refused with the true reason on the right row, and nothing else.
"""

import dataclasses
import io
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from forms.xlsform import XLSFormError
from forms.xlsform import read_xlsform
from forms.xlsform import write_xlsform

FORMS = Path(__file__).parent / "data" / "xlsforms"


def read(name: str, **kwargs):
    return read_xlsform(FORMS / name, **{"group": "candidate", **kwargs})


def refusal(name: str) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        read(name)
    return [str(problem) for problem in caught.value.problems]


def test_the_real_forms_are_pyxforms_own_and_carry_its_licence():
    assert "Redistribution and use in source and binary forms" in (FORMS / "LICENSE-pyxform").read_text()
    assert "51e5bfecc306febe03b3c4791ad0dbdecad208a4" in (FORMS / "README.md").read_text()


def test_yes_or_no_question_xls_legacy_spellings_and_text_choice_names():
    # "select one from", "list name", "label:english", choice names yes/no.
    instrument = read("yes_or_no_question.xls")
    (question,) = instrument.questions
    assert (question.key, question.type) == ("good_day", "single")
    assert question.text == {"sv": "have you had a good day today?", "en": "have you had a good day today?"}
    assert [(c.value, c.label["en"], c.label["xlsform_name"]) for c in question.choices] == [(1, "yes", "yes"), (2, "no", "no")]
    assert (instrument.key, instrument.version, instrument.group) == ("yes_or_no_question", 1, "candidate")


def test_field_list_xlsx_begin_group_spelling_hint_and_language_less_choice_labels():
    instrument = read("field-list.xlsx")
    assert [page.key for page in instrument.pages] == ["name"]  # "begin group" … "end_group"
    (question,) = instrument.questions
    assert question.hint == {"sv": "hint", "en": "hint"}
    # label (no language) is used; the Chinese column is not one of Medverkan's languages.
    assert [c.label["sv"] for c in question.choices] == ["Yes", "No"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("extra_columns.xlsx", [("a", "text", "A")]),
        ("utf_csv.csv", [("burger_toppings", "text", "…what toppings do you prefer on your 🍔s?")]),
        ("allow_comment_rows_test.xls", [("farmer_name", "text", "First and last name of farmer")]),
        ("blank_second_row.xls", [("value", "integer", "label")]),
        ("text_and_integer.md", [("your_name", "text", "What is your name?"), ("your_age", "integer", "How many years old are you?")]),
        ("style_settings.xls", [("your_name", "text", "What is your name?"), ("your_age", "integer", "How many years old are you?")]),
    ],
)
def test_plain_real_forms_import_unedited(name, expected):
    instrument = read(name)
    assert [(q.key, q.type, q.text["sv"]) for q in instrument.questions] == expected
    assert all(q.text["sv"] == q.text["en"] for q in instrument.questions)
    assert len(instrument.pages) == 1  # ungrouped rows become one page


def test_settings_of_a_real_form_give_key_title_and_version():
    instrument = read("blank_second_row.xls")  # settings: form_title Title, form_id ID, version 1
    assert (instrument.key, instrument.title, instrument.version) == ("id", {"sv": "Title", "en": "Title"}, 1)
    assert read("style_settings.xls").title["en"] == "My Survey"


def test_a_real_form_without_a_respondent_group_names_only_that():
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(FORMS / "yes_or_no_question.xls")
    assert [str(p) for p in caught.value.problems] == ["settings: medverkan_group (who answers: the respondent group) is missing"]


REPEATS = "repeats are not supported"
META = "meta data that could re-identify respondents is not collected"
OR_OTHER = "'or other' is not supported: add a text question with a relevant condition"
AND_RELEVANT = "is not supported: use ${q} = 'v', selected(${q}, 'v') or an or-combination of them over one question"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("group.md", ["survey, row 4: type 'phone number': contact details are not collected: answers are anonymous"]),
        ("specify_other.md", [f"survey, row 2: type 'select one from sexes or specify other': {OR_OTHER}"]),
        ("loop.md", [
            f"survey, row 2: type 'select all that apply from toilet_type or specify other': {OR_OTHER}",
            f"survey, row 3: type 'begin loop over toilet_type': {REPEATS}",
            f"survey, row 5: type 'end loop': {REPEATS}",
        ]),
        ("case_insensitivity.md", [
            "survey, row 3: type 'select_one_external c1': choices from outside the workbook are not supported",
            "survey, row 4: type 'osm c1': locations are not collected",
        ]),
        ("tutorial.xls", [
            f"survey, row 2: type 'begin repeat': {REPEATS}",
            f"survey, row 11: relevant \"${{sex}}='female' and ${{age_in_years}}>=15 and ${{age_in_years}}<=49\" {AND_RELEVANT}",
            f"survey, row 12: relevant \"${{sex}}='female' and ${{age_in_years}}>=15 and ${{age_in_years}}<=49\" {AND_RELEVANT}",
            f"survey, row 13: type 'end repeat': {REPEATS}",
        ]),
        ("sms_info.xls", [
            "survey, row 5: type 'date': Medverkan has no date or time questions",
            "survey, row 9: type 'image': media are not collected",
            "survey, row 10: type 'geopoint': locations are not collected",
            f"survey, row 16: type 'phonenumber': {META}",
            f"survey, row 17: type 'start': {META}",
            f"survey, row 18: type 'end': {META}",
            f"survey, row 19: type 'today': {META}",
            f"survey, row 20: type 'imei': {META}",
        ]),
        ("table-list.xls", [
            "survey, row 3: a group has no hint in Medverkan: put the text in a note first in the group",
            "survey, row 7: a group has no hint in Medverkan: put the text in a note first in the group",
            "choices, row 23: column 'image': images in questions are not shown",
            "choices, row 23: label is empty",
            "choices, row 24: column 'image': images in questions are not shown",
            "choices, row 24: label is empty",
            "survey, row 8: choice list 'happy_sad' has problems (see the choices sheet)",
            "survey, row 9: choice list 'happy_sad' has problems (see the choices sheet)",
        ]),
    ],
)
def test_real_forms_with_features_medverkan_lacks_are_refused_with_the_true_reason_per_row(name, expected):
    assert refusal(name) == expected


def test_group_md_imports_once_the_phone_number_is_asked_as_text():
    text = (FORMS / "group.md").read_text().replace("| phone number | phone_number |", "| text         | phone_number |")
    instrument = read_xlsform(text.encode(), filename="group.md", group="candidate")
    assert [(page.key, [q.key for q in page.questions]) for page in instrument.pages] == [
        ("page_1", ["family_name"]), ("father", ["phone_number", "age"]),
    ]
    assert instrument.pages[1].title == {"sv": "Father", "en": "Father"}


IMPORTING = ["yes_or_no_question.xls", "field-list.xlsx", "extra_columns.xlsx", "utf_csv.csv",
             "allow_comment_rows_test.xls", "blank_second_row.xls", "text_and_integer.md", "style_settings.xls"]


@pytest.mark.parametrize("name", IMPORTING)
def test_an_imported_real_form_exports_losslessly_and_converts_with_pyxform(name):
    instrument = read(name)
    out = io.BytesIO()
    write_xlsform(instrument, out)
    back = read_xlsform(out.getvalue(), filename="back.xlsx")
    assert dataclasses.replace(back, source=None) == dataclasses.replace(instrument, source=None)
    xform = convert(out.getvalue(), file_type=".xlsx").xform
    for question in instrument.questions:
        assert f"/{question.key}" in xform


def test_text_choice_names_survive_export_as_the_stored_names():
    out = io.BytesIO()
    write_xlsform(read("yes_or_no_question.xls"), out)
    xform = convert(out.getvalue(), file_type=".xlsx").xform
    assert "<name>yes</name>" in xform and "<name>no</name>" in xform


def _upload(client, data: bytes, name: str) -> str:
    """The page after an upload: the report, or (after the redirect) the checked upload."""
    from tests.fixtures.coordinator import csrf_from

    token = csrf_from(client, "/coordinator/instruments/")
    response = client.post("/coordinator/instruments/", data={"csrf_token": token, "workbook": (io.BytesIO(data), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_real_form_uploaded_by_a_coordinator_gets_its_reasons_in_swedish(coordinator_client):
    page = _upload(coordinator_client, (FORMS / "group.md").read_bytes(), "group.md")
    assert "survey, rad 4: typen &#39;phone number&#39;: kontaktuppgifter samlas inte in: svaren är anonyma" in page
    assert "settings: medverkan_group (vem som svarar: svarsgruppen) saknas" in page


def test_a_real_form_with_its_respondent_group_added_reaches_the_preview(coordinator_client):
    text = (FORMS / "text_and_integer.md").read_text() + "| settings |\n| | medverkan_group |\n| | candidate |\n"
    page = _upload(coordinator_client, text.encode(), "text_and_integer.md")
    assert "error-summary" not in page
    assert 'action="/coordinator/instruments/checked/' in page and "What is your name?" in page
