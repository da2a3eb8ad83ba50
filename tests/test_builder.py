"""forms.builder: every question type renders accessibly and validates."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from forms.builder import TEXT_MAX_LENGTH
from forms.builder import build_page_form
from forms.builder import page_answers
from forms.builder import skipped_questions
from tests.fixtures.respondent import FINALISTS
from tests.fixtures.respondent import QUALIFIED
from tests.fixtures.respondent import sample_instrument

ITEMS = {"applicants": QUALIFIED, "finalists": FINALISTS}
INSTRUMENT = sample_instrument("builder_test")


def submitted(app, page_index, data, language="sv", skip=frozenset()):
    """A validated form for one page, as if posted (CSRF off: tested in the flow)."""
    form_class = build_page_form(INSTRUMENT, page_index, language, ITEMS, skip)
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = form_class(meta={"csrf": False})
        valid = form.validate()
        return form, valid, page_answers(INSTRUMENT, page_index, form)


def rendered(app, page_index, data=None, language="sv"):
    """The page's HTML as the questionnaire template renders it."""
    from flask import render_template_string

    form_class = build_page_form(INSTRUMENT, page_index, language, ITEMS)
    with app.test_request_context(method="POST", data=MultiDict(data or {})):
        form = form_class(meta={"csrf": False})
        if data is not None:
            form.validate()
        return render_template_string(
            '{% from "macros/fields.html" import question %}{% for v in form.question_views %}{{ question(form, v) }}{% endfor %}',
            form=form,
        )


def test_form_classes_are_cached_per_page_language_and_items():
    first = build_page_form(INSTRUMENT, 0, "sv", ITEMS)
    assert build_page_form(INSTRUMENT, 0, "sv", dict(ITEMS)) is first
    assert build_page_form(INSTRUMENT, 0, "en", ITEMS) is not first
    assert build_page_form(INSTRUMENT, 2, "sv", {"applicants": QUALIFIED[:2], "finalists": FINALISTS}) is not build_page_form(
        INSTRUMENT, 2, "sv", ITEMS
    )


def test_likert_and_yesno_are_radio_groups_in_fieldsets_with_dont_know_last(app):
    html = rendered(app, 0)
    attitude = html.split('id="question-attitude"')[1].split('id="question-had_intro"')[0]
    assert "<fieldset" in attitude and "<legend>Det är bra att brukare är med och anställer.</legend>" in attitude
    assert "<table" not in html
    labels = [part.split("</label>")[0].split(">")[-1] for part in attitude.split("<label")[1:]]
    assert labels == ["Tar helt avstånd", "Tar delvis avstånd", "Varken eller", "Instämmer delvis", "Instämmer helt", "Vet inte"]
    yesno = html.split('id="question-had_intro"')[1]
    assert "<legend>Fick du en skriftlig introduktion?</legend>" in yesno
    assert [p.split("</label>")[0].split(">")[-1] for p in yesno.split("<label")[1:4]] == ["Ja", "Nej", "Osäker"]


def test_english_labels(app):
    html = rendered(app, 0, language="en")
    assert "<legend>It is good that service users take part in hiring.</legend>" in html
    assert ">Don&#39;t know</label>" in html


def test_required_radio_gets_message_in_the_respondents_language(app):
    form, valid, _ = submitted(app, 0, {"had_intro": "1", "role": "1"})
    assert not valid and form.attitude.errors == ["Välj ett svarsalternativ"]
    form, valid, _ = submitted(app, 0, {"had_intro": "1", "role": "1"}, language="en")
    assert form.attitude.errors == ["Choose an answer"]


def test_only_allowed_values(app):
    form, valid, answers = submitted(app, 0, {"attitude": "7", "had_intro": "x", "role": "4"})
    assert not valid
    assert form.attitude.errors and form.had_intro.errors and form.role.errors
    assert answers == {}


@pytest.mark.parametrize(
    ("typed", "message", "value"),
    [
        ("3", None, 3),
        (" 12 ", None, 12),
        ("21", "Skriv ett tal från 0 till 20", None),
        ("-1", "Skriv ett tal från 0 till 20", None),
        ("tre", "Skriv ett heltal med siffror, till exempel 3", None),
        ("2.5", "Skriv ett heltal med siffror, till exempel 3", None),
        ("", None, None),
    ],
)
def test_integer_range(app, typed, message, value):
    form, valid, answers = submitted(app, 0, {"attitude": "4", "had_intro": "1", "role": "2", "meetings": typed})
    assert valid is (message is None)
    assert form.meetings.errors == ([message] if message else [])
    assert answers.get("meetings") == value
    if message:  # what was typed is shown again
        assert form.meetings.data == typed


def test_valid_page_gives_model_shapes(app):
    form, valid, answers = submitted(app, 0, {"attitude": "9", "had_intro": "2", "role": "3", "meetings": "0"})
    assert valid
    assert answers == {"attitude": 9, "had_intro": 2, "role": 3, "meetings": 0}


def test_multiple_choice_subset_and_required(app):
    form, valid, answers = submitted(app, 1, {"intro_useful": "3", "levels": ["1", "3"]})
    assert valid and answers["levels"] == [1, 3]
    form, valid, answers = submitted(app, 1, {"intro_useful": "3", "levels": ["1", "4"]})
    assert not valid and form.levels.errors
    form, valid, answers = submitted(app, 1, {"intro_useful": "3"})
    assert form.levels.errors == ["Välj minst ett alternativ"]


def test_same_page_condition_validated_and_stored_only_when_it_holds(app):
    html = rendered(app, 1)
    assert "Frågan gäller dig som svarade ”Ja” på frågan ”Vill du veta mer om beslutet?”." in html
    # Condition does not hold: the required follow-up is neither required nor stored.
    form, valid, answers = submitted(app, 1, {"intro_useful": "3", "levels": ["1"], "wants_more": "2", "wants_more_what": "text"})
    assert valid and "wants_more_what" not in answers
    # It holds: now it is required and stored.
    form, valid, answers = submitted(app, 1, {"intro_useful": "3", "levels": ["1"], "wants_more": "1"})
    assert not valid and form.wants_more_what.errors == ["Skriv ett svar"]
    form, valid, answers = submitted(app, 1, {"intro_useful": "3", "levels": ["1"], "wants_more": "1", "wants_more_what": " Mer "})
    assert valid and answers["wants_more_what"] == "Mer"


def test_earlier_page_condition_skips_the_question(app):
    assert skipped_questions(INSTRUMENT, 1, {"had_intro": 2}) == {"intro_useful"}
    assert skipped_questions(INSTRUMENT, 1, {"had_intro": 1}) == frozenset()
    form, valid, answers = submitted(app, 1, {"levels": ["2"]}, skip=frozenset({"intro_useful"}))
    assert valid and "intro_useful" not in form._fields and answers == {"levels": [2]}


def test_text_max_length(app):
    long = "å" * (TEXT_MAX_LENGTH + 1)
    form, valid, answers = submitted(app, 2, {"comments": long})
    assert form.comments.errors == [
        f"Svaret får vara högst {TEXT_MAX_LENGTH} tecken. Nu är det {TEXT_MAX_LENGTH + 1} tecken. Korta ner texten"
    ]
    assert "comments" not in answers and form.comments.data == long


def test_screening_grid_one_fieldset_per_applicant(app):
    html = rendered(app, 2)
    for name in QUALIFIED:
        assert f"<legend>{name}</legend>" in html
    assert "Sökande E" not in html  # applied but not qualified: not rated
    assert html.count("<fieldset") == 1 + len(QUALIFIED) + 1  # grid, applicants, ranking
    data = {f"screening__{i}": str(v) for i, v in enumerate([1, 2, 3, 4])}
    data.update({"ranking__0": "3", "ranking__1": "1", "ranking__2": "2"})
    form, valid, answers = submitted(app, 2, data)
    assert valid
    assert answers["screening"] == dict(zip(QUALIFIED, [1, 2, 3, 4]))
    assert answers["ranking"] == {"Sökande B": 3, "Sökande C": 1, "Sökande D": 2}


def test_screening_needs_every_applicant(app):
    data = {"screening__0": "1", "screening__2": "5", "ranking__0": "1", "ranking__1": "2", "ranking__2": "3"}
    form, valid, answers = submitted(app, 2, data)
    assert not valid
    assert form["screening__1"].errors == ["Välj ett svar för Sökande B"]
    assert form["screening__2"].errors  # 5 is not on the scale
    assert answers["screening"] == {"Sökande A": 1}


def test_ranking_ranks_must_be_distinct(app):
    data = {f"screening__{i}": "1" for i in range(4)}
    data.update({"ranking__0": "1", "ranking__1": "1", "ranking__2": "2"})
    form, valid, answers = submitted(app, 2, data)
    assert not valid
    assert form["ranking__1"].errors == ["Sökande C och Sökande B har fått samma plats (1). Ge varje person en egen plats"]
    html = rendered(app, 2, data)
    assert '<label for="ranking__1">Sökande C</label>' in html and "<select" in html
