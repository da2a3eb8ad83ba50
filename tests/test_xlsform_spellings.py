"""Hand-built workbooks (openpyxl) in the spellings the XLSForm specification allows.

Each test is one thing an ODK/Kobo author writes that Medverkan used to
refuse with a wrong reason (issue 16), or a refusal that must name the true
reason.
"""

import dataclasses
import io

import pytest
from openpyxl import Workbook

from forms.definitions import load_builtin_instruments
from forms.xlsform import XLSFormError
from forms.xlsform import read_xlsform
from forms.xlsform import write_xlsform


def book(survey, choices=None, settings=None) -> bytes:
    """An .xlsx with the given sheets, each a list of rows (header first)."""
    workbook = Workbook()
    workbook.active.title = "survey"
    for row in survey:
        workbook.active.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(data: bytes, group="representative"):
    return read_xlsform(data, filename="form.xlsx", group=group)


def problems(data: bytes) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        read(data)
    return [str(p) for p in caught.value.problems]


YES_NO = [["list name", "name", "label"], ["yn", "yes", "Ja"], ["yn", "no", "Nej"]]


@pytest.mark.parametrize(("begin", "end"), [("begin group", "end group"), ("begin_group", "end_group"),
                                            ("BEGIN GROUP", "End Group"), ("begin group", "end_group")])
def test_both_group_spellings_make_a_page(begin, end):
    survey = [["type", "name", "label"], [begin, "p1", "Sida"], ["text", "t", "Text"], [end, ""]]
    instrument = read(book(survey))
    assert [(page.key, page.title["sv"], [q.key for q in page.questions]) for page in instrument.pages] == [("p1", "Sida", ["t"])]


def test_end_group_is_not_taken_for_the_end_meta_type():
    # The old reader split "end group" at the space and reported the meta type "end".
    survey = [["type", "name", "label"], ["begin group", "p1", "Sida"], ["text", "t", "Text"], ["end group", ""]]
    assert read(book(survey)).pages[0].key == "p1"
    metadata = book([["type", "name", "label"], ["end", "ended", ""], ["text", "t", "Text"]])
    assert problems(metadata) == ["survey, row 2: type 'end': meta data that could re-identify respondents is not collected"]


@pytest.mark.parametrize("kind", ["begin_repeat", "begin repeat"])
def test_a_repeat_is_refused_for_being_a_repeat(kind):
    survey = [["type", "name", "label"], [kind, "r", "R"], ["text", "t", "Text"], [kind.replace("begin", "end"), ""]]
    assert problems(book(survey)) == [
        f"survey, row 2: type '{kind}': repeats are not supported",
        f"survey, row 4: type '{kind.replace('begin', 'end')}': repeats are not supported",
    ]


def test_legacy_list_name_header_and_text_choice_names_get_codes_and_keep_names():
    survey = [["type", "name", "label"], ["select_one yn", "ok", "Bra?"], ["select_multiple yn", "many", "Flera?"]]
    instrument = read(book(survey, YES_NO))
    ok = instrument.question("ok")
    assert [(c.value, c.label["sv"], c.label["en"], c.label["xlsform_name"]) for c in ok.choices] == [
        (1, "Ja", "Ja", "yes"), (2, "Nej", "Nej", "no")]
    assert instrument.question("many").type == "multiple"


def test_label_without_language_fills_both_languages_and_default_language_picks_among_others():
    survey = [["type", "name", "label", "label::Deutsch (de)"], ["text", "t", "Plain", "Deutsch"]]
    assert read(book(survey)).questions[0].text == {"sv": "Plain", "en": "Plain"}
    survey = [["type", "name", "label::English", "label::Deutsch (de)"], ["text", "t", "English", "Deutsch"]]
    assert read(book(survey)).questions[0].text == {"sv": "English", "en": "English"}
    settings = [["default_language"], ["Deutsch (de)"]]
    assert read(book(survey, settings=settings)).questions[0].text == {"sv": "Deutsch", "en": "English"}


def test_a_bilingual_form_still_needs_both_languages_on_every_row():
    survey = [["type", "name", "label::Svenska (sv)", "label::English (en)"], ["text", "t", "Text", ""]]
    assert problems(book(survey)) == ["survey, row 2: label is missing in English (en)"]


@pytest.mark.parametrize(("cell", "required"), [("yes", True), ("TRUE()", True), ("true", True), ("1", True),
                                                ("Yes", True), ("no", False), ("FALSE", False), ("", False)])
def test_required_in_every_xlsform_spelling(cell, required):
    survey = [["type", "name", "label", "required"], ["text", "t", "Text", cell]]
    assert read(book(survey)).questions[0].required is required


def test_a_required_expression_is_refused_with_the_reason():
    survey = [["type", "name", "label", "required"], ["text", "t", "Text", "${x} = 'yes'"]]
    assert problems(book(survey)) == [
        "survey, row 2: required \"${x} = 'yes'\" is not supported: use yes or no (Medverkan has no conditional requirement)"]


def test_relevant_by_choice_name_becomes_a_condition_on_codes_and_exports_by_name():
    survey = [["type", "name", "label", "bind::relevant"],
              ["select_one yn", "ok", "Bra?", ""], ["text", "why", "Varför?", "${ok}='no'"],
              ["select_multiple yn", "many", "Flera?", ""],
              ["text", "which", "Vilka?", "selected(${many}, 'yes') or selected(${many},'no')"]]
    instrument = read(book(survey, YES_NO))
    assert instrument.question("why").condition.values == (2,)
    assert instrument.question("which").condition.values == (1, 2)
    out = io.BytesIO()
    write_xlsform(instrument, out)
    back = read_xlsform(out.getvalue(), filename="back.xlsx")
    assert dataclasses.replace(back, source=None) == dataclasses.replace(instrument, source=None)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(out.getvalue()))["survey"]
    relevant = [row[sheet[1].index(next(c for c in sheet[1] if c.value == "relevant"))].value for row in sheet.iter_rows(min_row=2)]
    assert "${ok} = 'no'" in relevant


def test_relevant_on_a_value_the_question_does_not_have_is_named():
    survey = [["type", "name", "label", "relevant"], ["select_one yn", "ok", "Bra?", ""], ["text", "why", "Varför?", "${ok} = 'maybe'"]]
    assert problems(book(survey, YES_NO)) == ["survey, row 3: relevant compares 'ok' with 'maybe', which is not one of its answers"]


@pytest.mark.parametrize(("constraint", "bounds"), [(". >= 0 and . <= 120", (0, 120)), (".<=10", (None, 10)),
                                                    (". > 0", (1, None)), (". < 100 and . >= 18", (18, 99))])
def test_integer_constraints_in_the_supported_subset(constraint, bounds):
    survey = [["type", "name", "label", "constraint"], ["integer", "age", "Ålder", constraint]]
    question = read(book(survey)).questions[0]
    assert (question.minimum, question.maximum) == bounds


def test_a_constraint_on_text_is_refused_not_dropped():
    survey = [["type", "name", "label", "constraint"], ["text", "t", "Text", "string-length(.) < 10"]]
    assert problems(book(survey)) == ["survey, row 2: constraint 'string-length(.) < 10': Medverkan checks constraints only "
                                      "on integer questions (. >= MIN and . <= MAX)"]


def test_notes_and_hints():
    survey = [["type", "name", "label", "hint"],
              ["note", "welcome", "Välkommen", ""], ["text", "t", "Text", "En ledtråd"],
              ["begin group", "p2", "Sida 2", ""], ["note", "p2_note", "Om sidan", ""],
              ["integer", "n", "Antal", ""], ["end group", "", "", ""],
              ["note", "before", "Inför sida 3", ""], ["begin group", "p3", "Sida 3", ""],
              ["text", "u", "U", ""], ["end group", "", "", ""]]
    instrument = read(book(survey))
    assert [(p.key, p.intro and p.intro["sv"]) for p in instrument.pages] == [
        ("page_1", "Välkommen"), ("p2", "Om sidan"), ("p3", "Inför sida 3")]
    assert instrument.question("t").hint == {"sv": "En ledtråd", "en": "En ledtråd"}


def test_notes_medverkan_cannot_show_are_refused_with_the_reason():
    survey = [["type", "name", "label"], ["begin group", "p", "P"], ["text", "t", "T"], ["note", "mid", "Mitt i"],
              ["end group", "", ""], ["text", "u", "U"], ["note", "thanks", "Tack!"]]
    assert problems(book(survey)) == [
        "survey, row 4: a note is only allowed first in its group (it becomes the page's introduction)",
        "survey, row 7: a note after the last question has nowhere to be shown: Medverkan shows a note only as "
        "the introduction of the questions after it",
    ]


def test_cells_that_would_change_behaviour_are_refused_not_dropped():
    survey = [["type", "name", "label", "default", "choice_filter"], ["select_one yn", "ok", "Bra?", "yes", "x = 1"]]
    assert problems(book(survey, YES_NO)) == [
        "survey, row 2: column 'default': default answers are not supported",
        "survey, row 2: column 'choice_filter': filtered choice lists are not supported",
    ]


def test_nested_groups_and_group_conditions_are_refused_with_the_reason():
    survey = [["type", "name", "label", "relevant"], ["text", "a", "A", ""], ["begin group", "outer", "O", "${a} = 'x'"],
              ["begin group", "inner", "I", ""], ["text", "t", "T", ""], ["end group", "", "", ""], ["end group", "", "", ""]]
    assert problems(book(survey)) == [
        "survey, row 3: relevant on a group is not supported: a page is always shown (put the condition on its questions)",
        "survey, row 4: groups cannot be nested (one group is one page)",
    ]


def test_ranking_of_a_choices_list_is_refused_because_medverkan_ranks_the_process_items():
    survey = [["type", "name", "label"], ["rank yn", "r", "Rangordna"]]
    assert problems(book(survey, YES_NO)) == [
        "survey, row 2: rank 'yn': Medverkan ranks only the process's applicants or finalists (rank applicants, rank finalists)"]


def test_problems_have_swedish_for_the_coordinator():
    survey = [["type", "name", "label"], ["begin repeat", "r", "R"], ["end repeat", "", ""], ["date", "d", "D"]]
    with pytest.raises(XLSFormError) as caught:
        read(book(survey))
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).parents[1] / "collector" / "translations" / "sv" / "LC_MESSAGES" / "authoring.po"
    catalog = read_po(po.open(encoding="utf-8"))

    def gettext(message):
        entry = catalog.get(message)
        return entry.string if entry and entry.string else message

    assert [p.localized(gettext) for p in caught.value.problems] == [
        "survey, rad 2: typen 'begin repeat': upprepningar (repeat) stöds inte",
        "survey, rad 3: typen 'end repeat': upprepningar (repeat) stöds inte",
        "survey, rad 4: typen 'date': Medverkan har inga frågor om datum eller tid",
    ]


@pytest.mark.parametrize("key", sorted(load_builtin_instruments()))
def test_an_exported_builtin_with_odk_spellings_still_imports_unchanged(key):
    """The issue's case: Medverkan's own export with only the group spelling changed gave 69 errors."""
    from openpyxl import load_workbook

    instrument = load_builtin_instruments()[key]
    out = io.BytesIO()
    write_xlsform(instrument, out)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    for row in workbook["survey"].iter_rows(min_row=2):
        if row[0].value in ("begin_group", "end_group"):
            row[0].value = row[0].value.replace("_", " ")
    workbook["choices"]["A1"].value = "list name"
    edited = io.BytesIO()
    workbook.save(edited)
    back = read_xlsform(edited.getvalue(), filename="edited.xlsx")
    assert dataclasses.replace(back, source=None) == dataclasses.replace(instrument, source=None)
